//! Attestors: admission with a bond and a key of their own, leaving through the
//! unbonding period, assignment, misses and suspension.

use super::*;
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

fn eu() -> Region {
	b"eu".to_vec().try_into().unwrap()
}

/// `who` registers in `region` naming `key`, with `signer`'s proof for `who`.
fn register_with(
	who: &str,
	region: Region,
	key: AccountId,
	signer: &sp_core::sr25519::Pair,
) -> frame_support::dispatch::DispatchResult {
	use sp_core::Pair;
	let proof = signer.sign(&attestor_key_payload(&account(who)));
	Hosting::register_attestor(RuntimeOrigin::signed(account(who)), region, key, proof)
}

#[test]
fn registration_holds_the_bond_and_checks_region_key_and_room() {
	ExtBuilder::default().build_and_execute(|| {
		assert_ok!(register_attestor("Dave", "eu"));
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
			register_with("Dave", eu(), key_account("Eve"), &key_pair("Eve")),
			Error::<Test>::AlreadyAttestor
		);
		assert_noop!(
			register_with(
				"Eve",
				b"\x01bad".to_vec().try_into().unwrap(),
				key_account("Eve"),
				&key_pair("Eve")
			),
			Error::<Test>::InvalidRegion
		);
		// The hot key is never the bonded account's own key, nor another attestor's.
		assert_noop!(
			register_with("Eve", eu(), account("Eve"), &pair("Eve")),
			Error::<Test>::KeyIsAccount
		);
		assert_noop!(
			register_with("Eve", eu(), key_account("Dave"), &key_pair("Dave")),
			Error::<Test>::KeyInUse
		);
		assert_ok!(register_attestor("Eve", "eu"));
		// MaxAttestors is 5.
		assert_noop!(register_attestor("Ferdie", "eu"), Error::<Test>::TooManyAttestors);
		assert_noop!(
			Hosting::resume_attestor(RuntimeOrigin::signed(account("Eve"))),
			Error::<Test>::AttestorNotSuspended
		);
	});
}

#[test]
fn nobody_can_name_a_key_they_do_not_hold() {
	ExtBuilder::default().build_and_execute(|| {
		// Mallory names Dave's node key: without Dave's proof for Mallory she cannot,
		// or Dave's node would rate for her.
		let daves_key = key_account("Dave");
		for signer in [key_pair("Mallory"), pair("Mallory")] {
			assert_noop!(
				register_with("Mallory", eu(), daves_key, &signer),
				Error::<Test>::InvalidKeyProof
			);
		}
		// Dave's key's proof is for Dave's account, not Mallory's.
		use sp_core::Pair;
		let daves_proof = key_pair("Dave").sign(&attestor_key_payload(&account("Dave")));
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Mallory")),
				eu(),
				daves_key,
				daves_proof
			),
			Error::<Test>::InvalidKeyProof
		);
		assert_ok!(register_with("Dave", eu(), daves_key, &key_pair("Dave")));
	});
}

#[test]
fn registering_without_the_bonds_funds_fails_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let poor = key_account("Poor");
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), poor, BOND - 1));
		use sp_core::Pair;
		let proof = key_pair("Dave").sign(&attestor_key_payload(&poor));
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(poor),
				eu(),
				key_account("Dave"),
				proof
			),
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
			let ask = || {
				Hosting::request_performance_benchmark(
					RuntimeOrigin::signed(account("Eve")),
					account("Dave"),
					feed_id,
				)
			};
			for block in 3..=4 {
				run_to_block(block);
				assert_ok!(ask());
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
			assert_noop!(ask(), Error::<Test>::NoAttestorAvailable);
			assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Alice"))));
			System::assert_last_event(Event::AttestorResumed { attestor: account("Alice") }.into());
			// One attestor is not a quorum.
			assert_noop!(ask(), Error::<Test>::NoAttestorAvailable);
			assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Bob"))));
			assert_ok!(ask());
		});
}
