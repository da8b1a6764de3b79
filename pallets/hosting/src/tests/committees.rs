//! Committees: no single attestor decides a hoster's fate. A sybil attestor
//! is outvoted and its figures ignored; a saboteur cannot lower an honest
//! hoster's availability; both lose agreement, and past the limit their
//! bond is slashed.

use super::*;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::Perbill;

/// Alice (eu) and Bob (us) attest honestly; Mallory registers as a third
/// attestor (asia), so every committee is the three of them.
fn with_mallory(test: impl FnOnce()) {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			assert_ok!(register_attestor("Mallory", "asia"));
			test()
		})
}

/// The `disagreeing` list of request `id`'s `RequestClosed` event.
fn disagreeing(id: RequestId) -> Vec<AccountId> {
	System::events()
		.into_iter()
		.find_map(|r| match r.event {
			RuntimeEvent::Hosting(Event::RequestClosed { request, disagreeing, .. })
				if request == id =>
			{
				Some(disagreeing)
			},
			_ => None,
		})
		.expect("the request closed")
}

#[test]
fn a_sybil_attestor_cannot_activate_its_hoster_nor_move_the_median() {
	with_mallory(|| {
		let (feed, _, id) = registered("Dave");
		let mut committee = assigned(id);
		committee.sort();
		assert_eq!(committee, vec!["Alice", "Bob", "Mallory"]);
		// Dave promised 200 ms; the honest attestors measure 400 and 500 ms.
		// Mallory, Dave's friend, claims 1 ms and 1 GB/s.
		assert_ok!(rate("Alice", id, normal(&feed, "Dave", id, "Alice", 400, 1_000_000)));
		assert_ok!(rate("Mallory", id, normal(&feed, "Dave", id, "Mallory", 1, 1_000_000_000)));
		assert_ok!(rate("Bob", id, normal(&feed, "Dave", id, "Bob", 500, 1_200_000)));
		// Not activated on Mallory's word: one rating met the promise, the quorum is two.
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		System::assert_has_event(
			Event::RegistrationBenchmarkFailed { hoster: account("Dave"), request: id }.into(),
		);
		// The median ignores Mallory's figures: it is an honest attestor's.
		let figures = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		assert_eq!(figures.latency_ms.mean_units(), 400);
		assert_eq!(figures.bandwidth_bytes_per_sec.mean_units(), 1_200_000);
		// Mallory's region records nothing from a rating that disagreed.
		let asia: Region = b"asia".to_vec().try_into().unwrap();
		let record = HosterFigures::<Test>::get(account("Dave")).unwrap();
		assert!(record.region(&asia).is_none());
		// Her disagreement is recorded; the honest ones agree.
		assert_eq!(disagreeing(id), vec![account("Mallory")]);
		let m = Hosting::attestor_figures(&account("Mallory")).unwrap();
		assert_eq!((m.answered, m.disagreed, m.agreement), (1, 1, Perbill::zero()));
		assert_eq!(Hosting::attestor_figures(&account("Alice")).unwrap().disagreed, 0);
	});
}

#[test]
fn a_hoster_that_serves_nothing_is_not_activated_by_its_own_attestor() {
	with_mallory(|| {
		let (feed, _, id) = registered("Dave");
		// Dave's endpoint serves nothing: the honest attestors time out. Mallory
		// rates Normal with Dave's contact proof and a real block's path (Dave
		// holds the feed, he just does not serve it).
		assert_ok!(rate("Alice", id, RatingOutcome::Timeout));
		assert_ok!(rate("Bob", id, RatingOutcome::Timeout));
		assert!(BenchmarkRequests::<Test>::get(id).is_some());
		assert_ok!(rate("Mallory", id, normal(&feed, "Dave", id, "Mallory", 5, 50_000_000)));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		let last = HosterFigures::<Test>::get(account("Dave")).unwrap().last_verdict.unwrap();
		assert_eq!(last.verdict, Verdict::Timeout);
		assert_eq!(disagreeing(id), vec![account("Mallory")]);
	});
}

#[test]
fn a_saboteur_cannot_lower_an_honest_hosters_availability() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		let before = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		// Charlie rates Timeout while Alice and Bob receive verified chunks.
		let id = requested("Dave", feed_id);
		assert_ok!(rate("Alice", id, normal(&feed, "Dave", id, "Alice", 50, 1_000_000)));
		assert_ok!(rate("Charlie", id, RatingOutcome::Timeout));
		assert_ok!(rate("Bob", id, normal(&feed, "Dave", id, "Bob", 55, 1_000_000)));
		let after = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		assert_eq!(after.samples, before.samples + 1);
		assert!(after.availability.mean() >= before.availability.mean());
		assert_eq!(after.availability.mean(), Perbill::one());
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		// The saboteur's agreement falls; the others' does not.
		assert_eq!(disagreeing(id), vec![account("Charlie")]);
		let c = Hosting::attestor_figures(&account("Charlie")).unwrap();
		assert_eq!((c.answered, c.disagreed), (2, 1));
		assert_eq!(c.agreement, Perbill::from_percent(50));
		let needs =
			Requirements { min_agreement: Some(Perbill::from_percent(90)), ..Default::default() };
		assert_eq!(
			Hosting::does_qualify(&account("Charlie"), Role::Attestor, &needs).reasons,
			vec![Reason::AgreementBelow {
				measured: Perbill::from_percent(50),
				required: Perbill::from_percent(90)
			}]
		);
		assert!(Hosting::does_qualify(&account("Alice"), Role::Attestor, &needs).qualifies);
	});
}

#[test]
fn disagreeing_past_the_limit_suspends_and_slashes_the_bond() {
	with_mallory(|| {
		let (feed, feed_id, id) = registered("Dave");
		let issuance = Balances::total_issuance();
		let mut closed = vec![id];
		for n in 0..MAX_DISAGREEMENTS {
			let id = if n == 0 { id } else { requested("Dave", feed_id) };
			assert_ok!(rate("Alice", id, normal(&feed, "Dave", id, "Alice", 80, 1_000_000)));
			assert_ok!(rate("Bob", id, normal(&feed, "Dave", id, "Bob", 90, 1_000_000)));
			assert_ok!(rate("Mallory", id, RatingOutcome::Timeout));
			closed.push(id);
			if n + 1 < MAX_DISAGREEMENTS {
				assert_eq!(held("Mallory"), BOND, "no slash before the limit");
			}
		}
		let m = Attestors::<Test>::get(account("Mallory")).unwrap();
		assert_eq!((m.status, m.disagreed), (AttestorStatus::Suspended, MAX_DISAGREEMENTS));
		System::assert_has_event(
			Event::AttestorSuspended {
				attestor: account("Mallory"),
				fault: AttestorFault::Disagreed(MAX_DISAGREEMENTS),
			}
			.into(),
		);
		// 10% of the bond is slashed and burned (the mock's `Slashed` is `()`).
		System::assert_has_event(
			Event::AttestorSlashed { attestor: account("Mallory"), amount: BOND / 10 }.into(),
		);
		assert_eq!(held("Mallory"), BOND - BOND / 10);
		assert_eq!(m.bond, BOND - BOND / 10);
		assert_eq!(Balances::total_issuance(), issuance - BOND / 10);
		assert!(!ActiveAttestors::<Test>::get().iter().any(|(a, _)| *a == account("Mallory")));
		// Resuming tops the bond up from the free balance.
		let free = Balances::balance(&account("Mallory"));
		assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Mallory"))));
		assert_eq!(held("Mallory"), BOND);
		assert_eq!(Balances::balance(&account("Mallory")), free - BOND / 10);
	});
}

#[test]
fn a_slashed_attestor_without_funds_to_top_up_stays_suspended() {
	with_mallory(|| {
		let now = System::block_number();
		for _ in 0..MAX_DISAGREEMENTS {
			Hosting::note_disagreed(&account("Mallory"), now);
		}
		// Mallory spends all she has left but the existential deposit.
		let free = Balances::balance(&account("Mallory"));
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(account("Mallory")),
			account("Eve"),
			free - 1
		));
		assert_noop!(
			Hosting::resume_attestor(RuntimeOrigin::signed(account("Mallory"))),
			Error::<Test>::InsufficientBond
		);
		assert_eq!(
			Balances::balance_on_hold(
				&RuntimeHoldReason::Hosting(HoldReason::AttestorBond),
				&account("Mallory")
			),
			BOND - BOND / 10
		);
	});
}

#[test]
fn disagreements_outside_one_window_do_not_add_up() {
	with_mallory(|| {
		for n in 0..2 * MAX_DISAGREEMENTS as u64 {
			// One disagreement every 60 blocks; the window is 100 blocks.
			Hosting::note_disagreed(&account("Mallory"), 1 + 60 * n);
		}
		let m = Attestors::<Test>::get(account("Mallory")).unwrap();
		assert_eq!((m.status, m.disagreed), (AttestorStatus::Active, 2 * MAX_DISAGREEMENTS));
		assert_eq!(held("Mallory"), BOND);
	});
}

#[test]
fn a_split_committee_without_a_majority_is_void_and_retried() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b, silent] = [assigned(id)[0], assigned(id)[1], assigned(id)[2]];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		assert_ok!(rate(b, id, RatingOutcome::Timeout));
		run_to_block(request(id).deadline + 1);
		System::assert_has_event(
			Event::RequestVoid {
				request: id,
				hoster: account("Dave"),
				ratings: 2,
				silent: vec![account(silent)],
				retry: Some(id + 1),
			}
			.into(),
		);
		// Nobody is judged by a split vote: no figures, no disagreement.
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		for name in [a, b] {
			assert_eq!(Attestors::<Test>::get(account(name)).unwrap().disagreed, 0);
		}
	});
}

#[test]
fn a_tied_vote_waits_for_its_deadline_to_be_void_and_retried() {
	use frame_support::traits::UnfilteredDispatchable;
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us"), ("Charlie", "asia"), ("Ferdie", "eu")])
		.build_and_execute(|| {
			// A chain with committees of four can tie: two served, two timed out.
			CommitteeSize::set(&4);
			let (feed, _, id) = registered("Dave");
			let [a, b, c, d] = [assigned(id)[0], assigned(id)[1], assigned(id)[2], assigned(id)[3]];
			assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
			assert_ok!(rate(b, id, normal(&feed, "Dave", id, b, 50, 1_000_000)));
			assert_ok!(rate(c, id, RatingOutcome::Timeout));
			let (rating, signature) = signed_rating(d, id, RatingOutcome::Timeout);
			let call = crate::Call::<Test>::performance_benchmark_response { rating, signature };
			call.authorize(TransactionSource::External).unwrap().expect("valid");
			let applied = call
				.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into())
				.expect("recorded");
			assert_eq!(applied.actual_weight, None);
			// The last rating made no verdict: the request stays open with all four
			// votes, and the rating weighs what the benchmarks measured (opening
			// the request again is not the rating's to pay).
			assert_eq!(request(id).votes.len(), 4);
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			// At its deadline it is void (nobody silent, nobody judged) and tried again.
			run_to_block(request(id).deadline + 1);
			System::assert_has_event(
				Event::RequestVoid {
					request: id,
					hoster: account("Dave"),
					ratings: 4,
					silent: vec![],
					retry: Some(id + 1),
				}
				.into(),
			);
			for name in [a, b, c, d] {
				let record = Attestors::<Test>::get(account(name)).unwrap();
				assert_eq!((record.disagreed, record.missed), (0, 0), "{name}");
			}
		});
}

#[test]
fn a_busy_honest_attestor_is_not_suspended_for_rare_outliers() {
	ExtBuilder::default().build_and_execute(|| {
		let now = System::block_number();
		// Alice answered 1,000 requests in this window; a few of her ratings were outliers.
		Hosting::note_answered(&account("Alice"), 1_000);
		for _ in 0..2 * MAX_DISAGREEMENTS {
			Hosting::note_disagreed(&account("Alice"), now);
		}
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		assert_eq!(alice.status, AttestorStatus::Active);
		assert_eq!(held("Alice"), BOND, "nothing slashed");
		assert_eq!(
			(alice.window_answered, alice.window_disagreements),
			(1_000, 2 * MAX_DISAGREEMENTS)
		);
		// Past 5% of her answers in the window the same rule suspends and slashes her.
		while Attestors::<Test>::get(account("Alice")).unwrap().status == AttestorStatus::Active {
			Hosting::note_disagreed(&account("Alice"), now);
		}
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		assert_eq!(alice.disagreed, 51, "suspended at the 51st: more than 5% of 1,000");
		assert!(held("Alice") < BOND);
		// Bob answered as many in an earlier window: they do not cover this one.
		Hosting::note_answered(&account("Bob"), 1_000);
		System::set_block_number(now + 100);
		for _ in 0..MAX_DISAGREEMENTS {
			Hosting::note_disagreed(&account("Bob"), now + 100);
		}
		assert_eq!(
			Attestors::<Test>::get(account("Bob")).unwrap().status,
			AttestorStatus::Suspended
		);
	});
}
