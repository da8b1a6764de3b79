//! Fair request budgets: each kind of request has its own block budget, so
//! on-demand requests never stop a registration; registrations past theirs
//! queue and are requested in order; on-demand requests hold a deposit from
//! whoever asked until they close, and are bounded per hoster.

use super::*;
use crate::deposits::request_footprint;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};

fn signed(who: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(who))
}

/// What the mock holds for one on-demand request.
fn request_price() -> u64 {
	DEPOSIT_BASE + request_footprint::<Test>().size * DEPOSIT_PER_BYTE
}

/// What is held from `who` for on-demand requests.
fn request_deposits_of(who: &str) -> u64 {
	Balances::balance_on_hold(
		&RuntimeHoldReason::Hosting(HoldReason::RequestDeposit),
		&account(who),
	)
}

/// Eve asks for a benchmark of `hoster` on `feed`.
fn ask(who: &str, hoster: &str, feed: FeedId) -> frame_support::dispatch::DispatchResult {
	Hosting::request_performance_benchmark(signed(who), account(hoster), feed)
}

/// Runs blocks until no request is open (void ones are tried again first).
fn until_every_request_closed() {
	for _ in 0..100 {
		if BenchmarkRequests::<Test>::iter_keys().next().is_none() {
			return;
		}
		next_block();
	}
	panic!("requests still open after 100 blocks");
}

/// The hosters whose registration benchmark was requested, in order.
fn registration_requests() -> Vec<&'static str> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Hosting(Event::BenchmarkRequested {
				hoster,
				kind: BenchmarkKind::Registration,
				..
			}) => Some(name_of(&hoster)),
			_ => None,
		})
		.collect()
}

#[test]
fn on_demand_requests_have_their_own_budget_a_limit_per_hoster_and_a_deposit() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, feed_id, _) = registered("Dave");
		// An account that cannot cover the deposit: refused, nothing changed.
		assert_noop!(ask("Nobody", "Dave", feed_id), Error::<Test>::CannotAffordDeposit);
		for _ in 0..MAX_ON_DEMAND_PER_BLOCK {
			assert_ok!(ask("Eve", "Dave", feed_id));
		}
		assert_eq!(request_deposits_of("Eve"), MAX_ON_DEMAND_PER_BLOCK as u64 * request_price());
		// The block's on-demand budget is used; nothing is held for the refused one.
		assert_noop!(ask("Ferdie", "Dave", feed_id), Error::<Test>::TooManyRequests);
		next_block();
		while OnDemandRequests::<Test>::get(account("Dave")) < MAX_ON_DEMAND_PER_HOSTER {
			assert_ok!(ask("Ferdie", "Dave", feed_id));
		}
		// Dave answers at most this many at a time, whoever asks.
		assert_noop!(ask("Ferdie", "Dave", feed_id), Error::<Test>::TooManyOnDemandRequests);
		assert_noop!(ask("Eve", "Ferdie", feed_id), Error::<Test>::NotHoster);
		let other = TestFeed::new(2, 2).publish("Eve");
		assert_noop!(ask("Eve", "Dave", other), Error::<Test>::NotHosting);

		// When the requests close (void here, after their retries), every
		// deposit goes back and Dave can be asked again.
		until_every_request_closed();
		assert_eq!(request_deposits_of("Eve"), 0);
		assert_eq!(request_deposits_of("Ferdie"), 0);
		assert_eq!(Balances::balance(&account("Ferdie")), ENDOWMENT);
		assert!(!OnDemandRequests::<Test>::contains_key(account("Dave")));
		assert_eq!(RequestDeposits::<Test>::iter_keys().count(), 0);
	});
}

#[test]
fn a_void_on_demand_request_tried_again_keeps_its_deposit_until_the_last_try_closes() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, registration) = registered("Dave");
		rate_all(&feed, "Dave", registration, 50, 1_000_000);
		assert_ok!(ask("Ferdie", "Dave", feed_id));
		let first = NextRequestId::<Test>::get() - 1;
		next_block();
		// Nobody answers: void at its deadline, and tried again.
		run_to_block(request(first).deadline + 1);
		let retry = NextRequestId::<Test>::get() - 1;
		assert_eq!(request(retry).kind, BenchmarkKind::OnDemand);
		assert!(RequestDeposits::<Test>::get(first).is_none());
		assert_eq!(
			RequestDeposits::<Test>::get(retry).map(|(who, _)| who),
			Some(account("Ferdie"))
		);
		assert_eq!(request_deposits_of("Ferdie"), request_price());
		assert_eq!(OnDemandRequests::<Test>::get(account("Dave")), 1);
		// The try that closes with a verdict gives the deposit back.
		next_block();
		rate_all(&feed, "Dave", retry, 50, 1_000_000);
		assert_eq!(request_deposits_of("Ferdie"), 0);
		assert_eq!(Balances::balance(&account("Ferdie")), ENDOWMENT);
		assert!(!OnDemandRequests::<Test>::contains_key(account("Dave")));
	});
}

#[test]
fn thirty_three_on_demand_requests_in_a_block_do_not_stop_a_registration() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, feed_id, _) = registered("Dave");
		let mut accepted = 0;
		for k in 0..33 {
			if ask(["Eve", "Ferdie", "Mallory"][k % 3], "Dave", feed_id).is_ok() {
				accepted += 1;
			}
		}
		assert_eq!(accepted, MAX_ON_DEMAND_PER_BLOCK);
		System::reset_events();
		assert_ok!(Hosting::register_hoster(signed("Ferdie"), form("Ferdie"), feed_id));
		// Requested at once, in this block: not even queued.
		assert_eq!(registration_requests(), vec!["Ferdie"]);
		assert_eq!(RegistrationQueueEnds::<Test>::get(), (0, 0));
		// And changing a form is not stopped either.
		assert_ok!(Hosting::update_registration(signed("Dave"), form("Dave")));
		assert_eq!(registration_requests(), vec!["Ferdie", "Dave"]);
	});
}

#[test]
fn registrations_past_their_budget_queue_and_are_requested_in_order() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let feed_id = TestFeed::new(7, 9).publish("Eve");
			let hosters = ["Charlie", "Dave", "Eve", "Ferdie", "Mallory"];
			for name in hosters {
				assert_ok!(Hosting::register_hoster(signed(name), form(name), feed_id));
			}
			// The first MaxRegistrationsPerBlock are requested; the others wait, in order.
			assert_eq!(registration_requests(), hosters[..3].to_vec());
			System::assert_has_event(
				Event::RegistrationQueued { hoster: account("Ferdie"), ahead: 0 }.into(),
			);
			System::assert_has_event(
				Event::RegistrationQueued { hoster: account("Mallory"), ahead: 1 }.into(),
			);
			assert_eq!(
				Hosters::<Test>::get(account("Ferdie")).unwrap().status,
				HosterStatus::Pending
			);
			// A queued hoster that changes its form keeps its place, once.
			assert_ok!(Hosting::update_registration(signed("Ferdie"), form("Ferdie")));
			assert_eq!(QueuedRegistrations::<Test>::iter().count(), 2);
			// A queued hoster that leaves leaves the queue, with its deposit.
			let before = Balances::balance(&account("Mallory"));
			assert_ok!(Hosting::unregister_hoster(signed("Mallory")));
			assert!(!QueuedRegistrations::<Test>::contains_key(account("Mallory")));
			assert!(Balances::balance(&account("Mallory")) > before);
			// Back again in the same block: behind Ferdie.
			assert_ok!(Hosting::register_hoster(signed("Mallory"), form("Mallory"), feed_id));
			System::assert_last_event(
				Event::RegistrationQueued { hoster: account("Mallory"), ahead: 2 }.into(),
			);

			// The next block requests them first, in order, and the queue is empty.
			System::reset_events();
			next_block();
			assert_eq!(registration_requests(), vec!["Ferdie", "Mallory"]);
			assert_eq!(RegistrationQueueEnds::<Test>::get(), (0, 0));
			assert_eq!(RegistrationQueue::<Test>::iter_keys().count(), 0);
			let ferdie = BenchmarkRequests::<Test>::iter()
				.find(|(_, r)| r.hoster == account("Ferdie"))
				.map(|(id, _)| id)
				.unwrap();
			let mallory = BenchmarkRequests::<Test>::iter()
				.find(|(_, r)| r.hoster == account("Mallory"))
				.map(|(id, _)| id)
				.unwrap();
			assert!(ferdie < mallory);
		});
}

#[test]
fn queued_registrations_go_first_and_spill_into_the_next_blocks() {
	ExtBuilder::default().attestors(&[("Alice", "eu")]).build_and_execute(|| {
		// One attestor is below the quorum of two: no committee is possible,
		// so registrations are refused, not queued for ever.
		let feed_id = TestFeed::new(7, 9).publish("Eve");
		assert_noop!(
			Hosting::register_hoster(signed("Dave"), form("Dave"), feed_id),
			Error::<Test>::NoAttestorAvailable
		);
		assert_ok!(register_attestor("Bob", "us"));
		let hosters = ["Charlie", "Dave", "Eve", "Ferdie", "Mallory"];
		// Queue the last three behind a full block, then more the next block.
		for name in hosters {
			assert_ok!(Hosting::register_hoster(signed(name), form(name), feed_id));
		}
		assert_eq!(QueuedRegistrations::<Test>::iter().count(), 2);
		System::reset_events();
		next_block();
		// The queue goes first; the block's registration budget has one left.
		assert_eq!(registration_requests(), vec!["Ferdie", "Mallory"]);
		assert_ok!(Hosting::update_registration(signed("Charlie"), form("Charlie")));
		assert_ok!(Hosting::update_registration(signed("Dave"), form("Dave")));
		assert_eq!(registration_requests(), vec!["Ferdie", "Mallory", "Charlie"]);
		System::assert_last_event(
			Event::RegistrationQueued { hoster: account("Dave"), ahead: 0 }.into(),
		);
		System::reset_events();
		next_block();
		assert_eq!(registration_requests(), vec!["Dave"]);
	});
}

#[test]
fn a_void_registration_tried_again_in_a_full_block_waits_in_the_queue_with_its_tries() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, _, id) = registered("Dave");
		let closes = request(id).deadline + 1;
		run_to_block(closes - 1);
		// The block that closes it has no registration room left (as if
		// others registered first): its retry waits, counted as a retry.
		let full =
			RequestCounts { registration: MAX_REGISTRATIONS_PER_BLOCK, ..Default::default() };
		RequestsInBlock::<Test>::put((closes, full));
		System::reset_events();
		next_block();
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		System::assert_has_event(
			Event::RegistrationQueued { hoster: account("Dave"), ahead: 0 }.into(),
		);
		assert_eq!(
			RegistrationQueue::<Test>::get(
				QueuedRegistrations::<Test>::get(account("Dave")).unwrap()
			),
			Some((account("Dave"), 1))
		);
		System::reset_events();
		next_block();
		assert_eq!(registration_requests(), vec!["Dave"]);
		let retry = NextRequestId::<Test>::get() - 1;
		assert_eq!((request(retry).kind, request(retry).retry), (BenchmarkKind::Registration, 1));
		assert_eq!(RegistrationQueueEnds::<Test>::get(), (0, 0));
	});
}
