//! Attestors: registration, assignment, misses and suspension.

use super::*;
use frame_support::{assert_noop, assert_ok};

#[test]
fn attestor_registration_and_its_failure_paths() {
	ExtBuilder::default().build_and_execute(|| {
		let eu: Region = b"eu".to_vec().try_into().unwrap();
		assert_ok!(Hosting::register_attestor(RuntimeOrigin::signed(account("Dave")), eu.clone()));
		System::assert_last_event(
			Event::AttestorRegistered { attestor: account("Dave"), region: eu.clone() }.into(),
		);
		assert_noop!(
			Hosting::register_attestor(RuntimeOrigin::signed(account("Dave")), eu.clone()),
			Error::<Test>::AlreadyAttestor
		);
		assert_noop!(
			Hosting::register_attestor(
				RuntimeOrigin::signed(account("Eve")),
				b"\x01bad".to_vec().try_into().unwrap()
			),
			Error::<Test>::InvalidRegion
		);
		assert_ok!(Hosting::register_attestor(RuntimeOrigin::signed(account("Eve")), eu.clone()));
		// MaxAttestors is 5.
		assert_noop!(
			Hosting::register_attestor(RuntimeOrigin::signed(account("Ferdie")), eu),
			Error::<Test>::TooManyAttestors
		);
		assert_ok!(Hosting::unregister_attestor(RuntimeOrigin::signed(account("Dave"))));
		assert!(!ActiveAttestors::<Test>::get().iter().any(|(a, _)| *a == account("Dave")));
		assert_noop!(
			Hosting::unregister_attestor(RuntimeOrigin::signed(account("Dave"))),
			Error::<Test>::NotAttestor
		);
		assert_noop!(
			Hosting::resume_attestor(RuntimeOrigin::signed(account("Eve"))),
			Error::<Test>::AttestorNotSuspended
		);
	});
}

#[test]
fn attestors_are_never_the_hoster_and_cover_regions() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		// Bob is the only "us" attestor and hosts now: Alice and Charlie (both eu) are chosen.
		assert_ok!(Hosting::register_hoster(
			RuntimeOrigin::signed(account("Bob")),
			form("Bob"),
			feed
		));
		let id = NextRequestId::<Test>::get() - 1;
		let mut a = assigned(id);
		a.sort();
		assert_eq!(a, vec!["Alice", "Charlie"]);
	});
}

#[test]
fn an_attestor_that_keeps_missing_is_suspended_until_it_resumes() {
	ExtBuilder::default().attestors(&[("Alice", "eu")]).build_and_execute(|| {
		let (_, feed_id, _) = registered("Dave");
		for block in 2..=3 {
			run_to_block(block);
			assert_ok!(Hosting::request_performance_benchmark(
				RuntimeOrigin::signed(account("Eve")),
				account("Dave"),
				feed_id
			));
		}
		run_to_block(4 + RESPONSE_WINDOW);
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		assert_eq!((alice.status, alice.consecutive_misses), (AttestorStatus::Suspended, 3));
		System::assert_has_event(
			Event::AttestorSuspended { attestor: account("Alice"), consecutive_misses: 3 }.into(),
		);
		assert!(ActiveAttestors::<Test>::get().is_empty());
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
		assert_ok!(Hosting::request_performance_benchmark(
			RuntimeOrigin::signed(account("Eve")),
			account("Dave"),
			feed_id
		));
	});
}
