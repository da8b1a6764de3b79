//! The `try_state` invariants run after every test; here each one is broken on
//! purpose to show that it is really checked.

use super::*;
use frame_support::assert_ok;

/// A hoster hosting two feeds, and the default attestors.
fn two_hostings() {
	let (_, feed, _) = registered("Dave");
	assert_ok!(Hosting::register_hoster(
		RuntimeOrigin::signed(account("Ferdie")),
		form("Ferdie"),
		feed
	));
	assert_ok!(Hosting::do_try_state());
}

#[test]
fn a_broken_schedule_is_found() {
	ExtBuilder::default().build().execute_with(|| {
		two_hostings();
		HostingCount::<Test>::put(3);
		assert!(Hosting::do_try_state().is_err());
		HostingCount::<Test>::put(2);
		let first = HostingSchedule::<Test>::get(0).unwrap();
		HostingSchedule::<Test>::insert(1, first);
		assert!(Hosting::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		two_hostings();
		Hosters::<Test>::mutate(account("Dave"), |h| h.as_mut().unwrap().hostings = 2);
		assert!(Hosting::do_try_state().is_err());
	});
}

#[test]
fn an_active_set_out_of_step_with_the_attestors_is_found() {
	ExtBuilder::default().build().execute_with(|| {
		Attestors::<Test>::mutate(account("Bob"), |a| {
			a.as_mut().unwrap().status = AttestorStatus::Suspended
		});
		assert!(Hosting::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		ActiveAttestors::<Test>::mutate(|list| list.retain(|(a, _)| *a != account("Bob")));
		assert!(Hosting::do_try_state().is_err());
	});
}

#[test]
fn a_request_missing_from_its_deadline_list_is_found() {
	ExtBuilder::default().build().execute_with(|| {
		let (_, _, id) = registered("Dave");
		let deadline = request(id).deadline;
		RequestsByDeadline::<Test>::remove(deadline);
		assert!(Hosting::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		let (_, _, id) = registered("Dave");
		BenchmarkRequests::<Test>::mutate(id, |r| {
			r.as_mut().unwrap().votes =
				vec![Vote { attestor: account("Eve"), measurement: Measurement::Timeout }]
					.try_into()
					.unwrap()
		});
		assert!(Hosting::do_try_state().is_err());
	});
	// A request without a committee that nothing will ever assign.
	ExtBuilder::default().build().execute_with(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		assert_ok!(Hosting::register_hoster(
			RuntimeOrigin::signed(account("Dave")),
			form("Dave"),
			feed
		));
		assert_ok!(Hosting::do_try_state());
		Unassigned::<Test>::kill();
		assert!(Hosting::do_try_state().is_err());
	});
}

#[test]
fn attestor_keys_and_bonds_out_of_step_are_found() {
	ExtBuilder::default().build().execute_with(|| {
		AttestorKeys::<Test>::remove(key_account("Alice"));
		assert!(Hosting::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		Attestors::<Test>::mutate(account("Alice"), |a| a.as_mut().unwrap().bond = BOND + 1);
		assert!(Hosting::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		Attestors::<Test>::mutate(account("Alice"), |a| a.as_mut().unwrap().unbonded_at = Some(9));
		assert!(Hosting::do_try_state().is_err());
	});
}
