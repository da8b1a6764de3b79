//! Benchmark requests: expiry, the periodic schedule, chunk sampling (the
//! per-block budgets are in `budgets`).

use super::*;
use frame_support::assert_ok;
use sp_core::H256;
use sp_runtime::Perbill;

#[test]
fn a_request_closes_at_its_deadline_and_silent_attestors_are_blamed() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b, silent] = [assigned(id)[0], assigned(id)[1], assigned(id)[2]];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		assert_ok!(rate(b, id, normal(&feed, "Dave", id, b, 60, 1_000_000)));
		let deadline = request(id).deadline;
		run_to_block(deadline);
		assert!(BenchmarkRequests::<Test>::get(id).is_some(), "still open in its deadline block");
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none(), "nothing recorded yet");
		run_to_block(deadline + 1);
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert!(!Hosting::unanswered_requests(&account(silent)).any(|(i, _)| i == id));
		// Two of three is a quorum: the verdict stands on them.
		System::assert_has_event(
			Event::RequestClosed {
				request: id,
				hoster: account("Dave"),
				verdict: Verdict::Served {
					availability: Perbill::one(),
					latency_ms: 60,
					bandwidth_bytes_per_sec: 1_000_000,
				},
				ratings: 2,
				availability: Perbill::one(),
				reliability: Perbill::one(),
				disagreeing: vec![],
				silent: vec![account(silent)],
			}
			.into(),
		);
		let s = Attestors::<Test>::get(account(silent)).unwrap();
		assert_eq!((s.missed, s.consecutive_misses, s.reliability.mean()), (1, 1, Perbill::zero()));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
	});
}

#[test]
fn the_committee_is_not_known_when_the_request_is_submitted() {
	// The same state and the same submission; only the block the request is
	// included in differs (its hash, which the next block's draw uses).
	let committee_after = |block_hash: u8| {
		let mut committee = Vec::new();
		ExtBuilder::default()
			.attestors(&[
				("Alice", "eu"),
				("Bob", "eu"),
				("Charlie", "eu"),
				("Ferdie", "eu"),
				("Mallory", "eu"),
			])
			.build_and_execute(|| {
				let feed = TestFeed::new(7, 9).publish("Eve");
				assert_ok!(Hosting::register_hoster(
					RuntimeOrigin::signed(account("Dave")),
					form("Dave"),
					feed
				));
				let id = NextRequestId::<Test>::get() - 1;
				// At submission there is no committee and no nonce to grind on.
				assert!(request(id).attestors.is_empty());
				assert_eq!(request(id).nonce, [0; 32]);
				System::set_block_number(2);
				System::set_parent_hash(H256([block_hash; 32]));
				Hosting::on_initialize(2);
				committee = assigned(id);
				committee.sort();
			});
		committee
	};
	let committees: std::collections::BTreeSet<Vec<&str>> =
		(0..16u8).map(committee_after).collect();
	assert!(committees.len() > 1, "the draw depends on the block after submission: {committees:?}");
}

#[test]
fn a_void_request_is_tried_again_without_blaming_the_hoster() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		// Two members stay silent: one rating is no quorum.
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let silent: Vec<AccountId> =
			request(id).attestors.into_iter().filter(|s| *s != account(a)).collect();
		let deadline = request(id).deadline;
		run_to_block(deadline + 1);
		let retry = id + 1;
		System::assert_has_event(
			Event::RequestVoid {
				request: id,
				hoster: account("Dave"),
				ratings: 1,
				silent: silent.clone(),
				retry: Some(retry),
			}
			.into(),
		);
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none(), "the hoster is not blamed");
		for s in &silent {
			assert_eq!(Attestors::<Test>::get(s).unwrap().missed, 1);
		}
		assert_eq!(Attestors::<Test>::get(account(a)).unwrap().missed, 0);
		// The retry is a Registration request of its own, drawn next block.
		next_block();
		let r = request(retry);
		assert_eq!((r.kind, r.retry, r.attestors.len()), (BenchmarkKind::Registration, 1, 3));
		rate_all(&feed, "Dave", retry, 50, 1_000_000);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
	});
}

#[test]
fn void_requests_are_retried_a_bounded_number_of_times() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, _, id) = registered("Dave");
		// Nobody ever answers: the request and its retries are void.
		run_to_block(40);
		let voids: Vec<Option<RequestId>> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Hosting(Event::RequestVoid { retry, .. }) => Some(retry),
				_ => None,
			})
			.collect();
		assert_eq!(voids, vec![Some(id + 1), Some(id + 2), None]);
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
	});
}

#[test]
fn periodic_rounds_are_bounded_and_rotate_over_all_hostings() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9);
		let feed_id = feed.publish("Eve");
		// Five hosters on one feed.
		for name in ["Dave", "Eve", "Ferdie"] {
			assert_ok!(Hosting::register_hoster(
				RuntimeOrigin::signed(account(name)),
				form(name),
				feed_id
			));
		}
		run_to_block(2);
		for name in ["Alice", "Bob"] {
			assert_ok!(Hosting::register_hoster(
				RuntimeOrigin::signed(account(name)),
				form(name),
				feed_id
			));
		}
		// Activate them directly and drop their registration requests, so no attestor
		// is suspended for missing them.
		for (who, mut h) in Hosters::<Test>::iter().collect::<Vec<_>>() {
			h.status = HosterStatus::Active;
			Hosters::<Test>::insert(who, h);
		}
		let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
		Unassigned::<Test>::kill();
		let mut seen = std::collections::BTreeMap::<&str, u32>::new();
		for round in 1..=5u64 {
			let before = NextRequestId::<Test>::get();
			run_to_block(round * BENCHMARK_PERIOD);
			let created: Vec<RequestId> = (before..NextRequestId::<Test>::get()).collect();
			assert_eq!(created.len(), 2, "MaxBenchmarksPerBlock per round");
			for id in created {
				let r = BenchmarkRequests::<Test>::get(id).unwrap();
				assert_eq!(r.kind, BenchmarkKind::Periodic);
				*seen.entry(name_of(&r.hoster)).or_default() += 1;
			}
			// Unanswered, they would suspend the attestors; this test is about the schedule.
			let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
			Unassigned::<Test>::kill();
		}
		// 5 rounds × 2 = 10 requests over 5 hostings: each exactly twice.
		assert_eq!(seen.values().copied().collect::<Vec<_>>(), vec![2; 5], "{seen:?}");
		// Blocks between rounds create nothing.
		let before = NextRequestId::<Test>::get();
		run_to_block(5 * BENCHMARK_PERIOD + 3);
		assert_eq!(NextRequestId::<Test>::get(), before);
	});
}

#[test]
fn sampled_chunks_are_below_the_length_distinct_and_as_many_as_asked() {
	for length in [1u64, 2, 3, 4, 5, 9, 1_000_000] {
		for seed in 0..20u8 {
			let chunks = sample_chunks(&[seed; 32], length, 4);
			assert_eq!(chunks.len() as u64, length.min(4));
			assert!(chunks.iter().all(|c| *c < length));
			assert!(chunks.windows(2).all(|w| w[0] < w[1]));
		}
	}
	assert!(sample_chunks(&[0; 32], 0, 4).is_empty());
}
