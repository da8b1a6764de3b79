//! Attestors: admission with a bond and a key of their own, leaving through the
//! unbonding period, assignment, misses and suspension.

use super::*;
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

fn eu() -> Region {
	b"eu".to_vec().try_into().unwrap()
}

#[test]
fn registration_holds_the_bond_and_checks_region_key_and_room() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(Hosting::register_attestor(
			RuntimeOrigin::signed(account("Dave")),
			eu(),
			key_account("Dave")
		));
		System::assert_last_event(
			Event::AttestorRegistered {
				attestor: account("Dave"),
				region: eu(),
				key: key_account("Dave"),
				bond: BOND,
			}
			.into(),
		);
		assert_eq!(held("Dave"), BOND);
		assert_eq!(Balances::balance(&account("Dave")), ENDOWMENT - BOND);
		assert_eq!(AttestorKeys::<Test>::get(key_account("Dave")), Some(account("Dave")));
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Dave")),
				eu(),
				key_account("Eve")
			),
			Error::<Test>::AlreadyAttestor
		);
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Eve")),
				b"\x01bad".to_vec().try_into().unwrap(),
				key_account("Eve")
			),
			Error::<Test>::InvalidRegion
		);
		// The hot key is never the bonded account's own key, nor another attestor's.
		assert_noop!(
			Hosting::register_attestor(RuntimeOrigin::signed(account("Eve")), eu(), account("Eve")),
			Error::<Test>::KeyIsAccount
		);
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Eve")),
				eu(),
				key_account("Dave")
			),
			Error::<Test>::KeyInUse
		);
		assert_ok!(Hosting::register_attestor(
			RuntimeOrigin::signed(account("Eve")),
			eu(),
			key_account("Eve")
		));
		// MaxAttestors is 5.
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Ferdie")),
				eu(),
				key_account("Ferdie")
			),
			Error::<Test>::TooManyAttestors
		);
		assert_noop!(
			Hosting::resume_attestor(RuntimeOrigin::signed(account("Eve"))),
			Error::<Test>::AttestorNotSuspended
		);
	});
}

#[test]
fn registering_without_the_bonds_funds_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let poor = key_account("Poor");
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), poor, BOND - 1));
		assert_noop!(
			Hosting::register_attestor(RuntimeOrigin::signed(poor), eu(), key_account("Dave")),
			Error::<Test>::InsufficientBond
		);
		assert!(!Attestors::<Test>::contains_key(poor));
		assert!(!AttestorKeys::<Test>::contains_key(key_account("Dave")));
	});
}

#[test]
fn the_bond_is_released_only_after_the_unbonding_period() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Hosting::withdraw_attestor_bond(RuntimeOrigin::signed(account("Alice"))),
			Error::<Test>::AttestorNotLeaving
		);
		assert_ok!(Hosting::unregister_attestor(RuntimeOrigin::signed(account("Alice"))));
		System::assert_last_event(
			Event::AttestorUnregistered { attestor: account("Alice"), unbonded_at: 1 + UNBONDING }
				.into(),
		);
		assert!(!ActiveAttestors::<Test>::get().iter().any(|(a, _)| *a == account("Alice")));
		assert_eq!(
			Attestors::<Test>::get(account("Alice")).unwrap().status,
			AttestorStatus::Leaving
		);
		assert_noop!(
			Hosting::unregister_attestor(RuntimeOrigin::signed(account("Alice"))),
			Error::<Test>::AttestorLeaving
		);
		assert_noop!(
			Hosting::resume_attestor(RuntimeOrigin::signed(account("Alice"))),
			Error::<Test>::AttestorNotSuspended
		);
		run_to_block(UNBONDING);
		assert_noop!(
			Hosting::withdraw_attestor_bond(RuntimeOrigin::signed(account("Alice"))),
			Error::<Test>::StillUnbonding
		);
		assert_eq!(held("Alice"), BOND);
		run_to_block(1 + UNBONDING);
		assert_ok!(Hosting::withdraw_attestor_bond(RuntimeOrigin::signed(account("Alice"))));
		System::assert_last_event(
			Event::AttestorBondReleased { attestor: account("Alice"), amount: BOND }.into(),
		);
		assert_eq!(held("Alice"), 0);
		assert_eq!(Balances::balance(&account("Alice")), ENDOWMENT);
		assert!(!Attestors::<Test>::contains_key(account("Alice")));
		assert!(!AttestorKeys::<Test>::contains_key(key_account("Alice")));
		assert_noop!(
			Hosting::withdraw_attestor_bond(RuntimeOrigin::signed(account("Alice"))),
			Error::<Test>::NotAttestor
		);
	});
}

#[test]
fn a_leaving_attestor_still_rates_what_it_was_assigned() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		assert_ok!(Hosting::unregister_attestor(RuntimeOrigin::signed(account("Alice"))));
		assert_ok!(rate("Alice", id, normal(&feed, "Dave", id, "Alice", 40, 1_000_000)));
		assert!(request(id).has_voted(&account("Alice")));
	});
}

#[test]
fn attestors_are_never_the_hoster_and_cover_regions() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us"), ("Charlie", "eu"), ("Ferdie", "asia")])
		.build_and_execute(|| {
			let feed = TestFeed::new(7, 9).publish("Eve");
			// Bob (us) hosts: the committee is Ferdie (asia) and one eu attestor first,
			// then the other eu one.
			assert_ok!(Hosting::register_hoster(
				RuntimeOrigin::signed(account("Bob")),
				form("Bob"),
				feed
			));
			let id = NextRequestId::<Test>::get() - 1;
			assert!(request(id).attestors.is_empty(), "drawn next block");
			next_block();
			let mut a = assigned(id);
			a.sort();
			assert_eq!(a, vec!["Alice", "Charlie", "Ferdie"]);
		});
}

#[test]
fn an_attestor_that_keeps_missing_is_suspended_until_it_resumes() {
	ExtBuilder::default()
		.attestors(&[("Alice", "eu"), ("Bob", "us")])
		.build_and_execute(|| {
			let (_, feed_id, _) = registered("Dave");
			for block in 3..=4 {
				run_to_block(block);
				assert_ok!(Hosting::request_performance_benchmark(
					RuntimeOrigin::signed(account("Eve")),
					account("Dave"),
					feed_id
				));
			}
			run_to_block(6 + RESPONSE_WINDOW);
			let alice = Attestors::<Test>::get(account("Alice")).unwrap();
			assert_eq!((alice.status, alice.consecutive_misses), (AttestorStatus::Suspended, 3));
			System::assert_has_event(
				Event::AttestorSuspended {
					attestor: account("Alice"),
					fault: AttestorFault::MissedRequests(3),
				}
				.into(),
			);
			assert!(ActiveAttestors::<Test>::get().is_empty());
			// The hoster was never blamed: every request was void.
			assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
			assert_noop!(
				Hosting::request_performance_benchmark(
					RuntimeOrigin::signed(account("Eve")),
					account("Dave"),
					feed_id
				),
				Error::<Test>::NoAttestorAvailable
			);
			assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Alice"))));
			System::assert_last_event(Event::AttestorResumed { attestor: account("Alice") }.into());
			// One attestor is not a quorum.
			assert_noop!(
				Hosting::request_performance_benchmark(
					RuntimeOrigin::signed(account("Eve")),
					account("Dave"),
					feed_id
				),
				Error::<Test>::NoAttestorAvailable
			);
			assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Bob"))));
			assert_ok!(Hosting::request_performance_benchmark(
				RuntimeOrigin::signed(account("Eve")),
				account("Dave"),
				feed_id
			));
		});
}
