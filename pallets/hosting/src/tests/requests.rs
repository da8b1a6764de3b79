//! Benchmark requests: expiry, the periodic schedule, the per-block budget, chunk sampling.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

#[test]
fn expired_requests_count_against_silent_attestors_not_the_hoster() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, silent] = [assigned(id)[0], assigned(id)[1]];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let figures = HosterFigures::<Test>::get(account("Dave"));
		run_to_block(1 + RESPONSE_WINDOW);
		assert!(BenchmarkRequests::<Test>::get(id).is_some(), "still open in its deadline block");
		run_to_block(2 + RESPONSE_WINDOW);
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert!(!Hosting::unanswered_requests(&account(silent)).any(|(i, _)| i == id));
		System::assert_has_event(
			Event::RequestExpired { request: id, silent: vec![account(silent)] }.into(),
		);
		let s = Attestors::<Test>::get(account(silent)).unwrap();
		assert_eq!((s.missed, s.consecutive_misses, s.reliability.mean()), (1, 1, Perbill::zero()));
		assert_eq!(
			HosterFigures::<Test>::get(account("Dave")),
			figures,
			"the hoster is not blamed"
		);
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
fn on_demand_requests_are_bounded_per_block() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, feed_id, _) = registered("Dave");
		let eve = || RuntimeOrigin::signed(account("Eve"));
		// MaxRequestsPerBlock is 4; registration used one.
		for _ in 0..3 {
			assert_ok!(Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id));
		}
		assert_noop!(
			Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id),
			Error::<Test>::TooManyRequests
		);
		run_to_block(2);
		assert_ok!(Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id));
		assert_noop!(
			Hosting::request_performance_benchmark(eve(), account("Ferdie"), feed_id),
			Error::<Test>::NotHoster
		);
		let other = TestFeed::new(2, 2).publish("Eve");
		assert_noop!(
			Hosting::request_performance_benchmark(eve(), account("Dave"), other),
			Error::<Test>::NotHosting
		);
		assert_eq!(
			last_event(),
			RuntimeEvent::Hosting(Event::FeedPublished {
				feed: other,
				key: TestFeed::new(2, 2).key,
				publisher: account("Eve"),
				length: 2
			})
		);
	});
}

#[test]
fn sampled_chunks_are_below_the_length_and_distinct() {
	for length in [1u64, 2, 3, 9, 1_000_000] {
		for seed in 0..20u8 {
			let chunks = sample_chunks(&[seed; 32], length, 4);
			assert!(!chunks.is_empty() && chunks.len() <= 4);
			assert!(chunks.iter().all(|c| *c < length));
			assert!(chunks.windows(2).all(|w| w[0] < w[1]));
		}
	}
	assert!(sample_chunks(&[0; 32], 0, 4).is_empty());
}
