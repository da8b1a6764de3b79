//! The storage migration from version 1: its pre- and post-upgrade checks
//! (as `try-runtime` runs them) on a state with an attestor, an open request
//! half answered, and a hoster's figures, all written as version 1 wrote them.

use super::*;
use crate::{
	figures::{Beta, Figures},
	migrations::v2::{old, InnerMigrateV1ToV2, MigrateV1ToV2},
};
use frame_support::{
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	BoundedVec,
};

/// A version-1 state: Alice and Bob attest (Alice already answered request 0
/// for Dave), Dave has figures with a last rating.
fn version_one_state() -> TestFeed {
	for (name, region) in [("Alice", "eu"), ("Bob", "us")] {
		old::Attestors::<Test>::insert(
			account(name),
			old::Attestor {
				region: region.as_bytes().to_vec().try_into().unwrap(),
				status: AttestorStatus::Active,
				reliability: Beta { alpha: 3, beta: 1 },
				answered: 3,
				missed: 1,
				consecutive_misses: 0,
				registered_at: 1,
			},
		);
	}
	ActiveAttestors::<Test>::put(
		BoundedVec::try_from(vec![
			(account("Alice"), b"eu".to_vec().try_into().unwrap()),
			(account("Bob"), b"us".to_vec().try_into().unwrap()),
		])
		.unwrap(),
	);
	let feed = TestFeed::new(7, 9);
	let (feed_id, _) = register_on(&feed, "Dave");
	// Version 1 had no committee queue: clear what the current code queued.
	let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
	Unassigned::<Test>::kill();
	old::BenchmarkRequests::<Test>::insert(
		0,
		old::BenchmarkRequest {
			hoster: account("Dave"),
			feed: feed_id,
			length: 9,
			tree_hash: hypercore_verify::hashes::tree::<PureRust>(&feed.roots()),
			chunks: vec![1, 2].try_into().unwrap(),
			nonce: [5; 32],
			attestors: vec![account("Alice"), account("Bob")].try_into().unwrap(),
			answered: vec![account("Alice")].try_into().unwrap(),
			created: 1,
			deadline: 4,
			kind: BenchmarkKind::Registration,
		},
	);
	RequestsByDeadline::<Test>::insert(4, BoundedVec::try_from(vec![0]).unwrap());
	old::HosterFigures::<Test>::insert(
		account("Dave"),
		old::FiguresRecord {
			overall: Figures { samples: 1, ..Default::default() },
			last_rating: Some(old::RatingRecord {
				request: 0,
				attestor: account("Alice"),
				outcome: old::RatingOutcome::Timeout,
				at: 2,
			}),
		},
	);
	StorageVersion::new(1).put::<Hosting>();
	feed
}

#[test]
fn version_one_records_are_translated_and_nothing_is_lost() {
	ExtBuilder::default().attestors(&[]).build_and_execute(|| {
		version_one_state();
		let state = InnerMigrateV1ToV2::<Test>::pre_upgrade_counts();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV1ToV2::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 2);

		// Attestors keep their record; their account key becomes their signing key.
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		assert_eq!(
			(alice.answered, alice.missed, alice.key, alice.bond),
			(3, 1, account("Alice"), 0)
		);
		assert_eq!(AttestorKeys::<Test>::get(account("Alice")), Some(account("Alice")));
		// The open request waits only for those that had not answered.
		let r = request(0);
		assert_eq!((r.attestors.to_vec(), r.votes.len(), r.deadline), (vec![account("Bob")], 0, 4));
		// Figures stay; the version-1 last rating is dropped.
		let f = HosterFigures::<Test>::get(account("Dave")).unwrap();
		assert_eq!((f.overall.samples, f.last_verdict), (1, None));

		// At its deadline the request has no quorum: void and tried again, the
		// hoster not blamed, and Alice (who had answered) not blamed either.
		run_to_block(5);
		assert!(BenchmarkRequests::<Test>::get(0).is_none());
		assert_eq!(Attestors::<Test>::get(account("Alice")).unwrap().missed, 1);
		assert_eq!(Attestors::<Test>::get(account("Bob")).unwrap().missed, 2);
		assert_eq!(HosterFigures::<Test>::get(account("Dave")).unwrap().overall.samples, 1);
		System::assert_has_event(
			Event::RequestVoid {
				request: 0,
				hoster: account("Dave"),
				ratings: 0,
				silent: vec![account("Bob")],
				retry: Some(1),
			}
			.into(),
		);
	});
}

#[test]
fn the_migration_runs_once() {
	ExtBuilder::default().attestors(&[]).build_and_execute(|| {
		version_one_state();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		let after = Attestors::<Test>::get(account("Alice"));
		// A second run at version 2 does nothing (it would fail to decode version-2 records).
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Attestors::<Test>::get(account("Alice")), after);
		assert_eq!(Hosting::on_chain_storage_version(), 2);
	});
}
