//! The storage migrations from versions 1 to 7: their pre- and post-upgrade
//! checks (as `try-runtime` runs them) on states written as those versions
//! wrote them: an attestor, an open request half answered, a hoster's figures
//! (overall and per region); and version 7 as a multi-block migration run by
//! `pallet-migrations`, with the requests that wait for it.

use super::*;
use crate::{
	figures::Beta,
	migrations::{
		v2::{old, InnerMigrateV1ToV2, MigrateV1ToV2},
		v3::{old as v2_format, InnerMigrateV2ToV3, MigrateV2ToV3},
		v4::{old as v3_format, InnerMigrateV3ToV4, MigrateV3ToV4},
		v5::{old as v4_format, InnerMigrateV4ToV5, MigrateV4ToV5},
		v6::{InnerMigrateV5ToV6, MigrateV5ToV6},
		v7::{
			old::{self as v6_format, Figures},
			upgraded, InnerMigrateV6ToV7, LazyMigrateV6ToV7, MigrateV6ToV7,
		},
	},
};
use frame_support::{
	assert_noop,
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
		// As the runtime lists them: 1 → 2, then 2 → 3.
		let state = InnerMigrateV1ToV2::<Test>::pre_upgrade_counts();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV1ToV2::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 2);
		let state = InnerMigrateV2ToV3::<Test>::pre_upgrade_counts();
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV2ToV3::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 3);
		let state = InnerMigrateV3ToV4::<Test>::pre_upgrade_counts();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV3ToV4::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 4);
		let state = InnerMigrateV4ToV5::<Test>::pre_upgrade_counts();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV4ToV5::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 5);
		let state = InnerMigrateV5ToV6::<Test>::pre_upgrade_counts();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV5ToV6::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 6);
		let state = InnerMigrateV6ToV7::<Test>::pre_upgrade_figures();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV6ToV7::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 7);

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
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		let attestor = Attestors::<Test>::get(account("Alice"));
		assert!(attestor.is_some());
		let figures = HosterFigures::<Test>::get(account("Dave"));
		let requests: Vec<_> = BenchmarkRequests::<Test>::iter().map(|r| r.encode()).collect();
		assert_eq!(requests.len(), 1);
		// Second runs at version 7 do nothing (they would fail to decode newer records).
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		assert_eq!(Attestors::<Test>::get(account("Alice")), attestor);
		assert_eq!(HosterFigures::<Test>::get(account("Dave")), figures);
		assert_eq!(
			BenchmarkRequests::<Test>::iter().map(|r| r.encode()).collect::<Vec<_>>(),
			requests
		);
		assert_eq!(Hosting::on_chain_storage_version(), 7);
	});
}

/// Figures after `samples` ratings, the last in block `at`.
fn figures_at(samples: u32, at: u64) -> Figures<u64> {
	Figures { samples, last_update: at, ..Default::default() }
}

fn region(name: &str) -> Region {
	name.as_bytes().to_vec().try_into().unwrap()
}

/// A version-2 state: Dave's registration request is assigned (a nonce, a
/// committee, one vote) and Dave has figures overall and from ten regions;
/// a stray regional entry belongs to nobody's record.
fn version_two_state() -> (TestFeed, RequestId) {
	let feed = TestFeed::new(7, 9);
	let (feed_id, id) = register_on(&feed, "Dave");
	let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
	Unassigned::<Test>::kill();
	v2_format::BenchmarkRequests::<Test>::insert(
		id,
		v2_format::BenchmarkRequest {
			hoster: account("Dave"),
			feed: feed_id,
			length: 9,
			tree_hash: hypercore_verify::hashes::tree::<PureRust>(&feed.roots()),
			nonce: [5; 32],
			attestors: vec![account("Alice"), account("Bob")].try_into().unwrap(),
			votes: vec![Vote { attestor: account("Alice"), measurement: Measurement::Timeout }]
				.try_into()
				.unwrap(),
			created: 1,
			deadline: 4,
			kind: BenchmarkKind::Registration,
			retry: 0,
		},
	);
	RequestsByDeadline::<Test>::insert(4, BoundedVec::try_from(vec![id]).unwrap());
	let verdict = VerdictRecord { request: 0, verdict: Verdict::Timeout, ratings: 2, at: 3 };
	v2_format::HosterFigures::<Test>::insert(
		account("Dave"),
		v2_format::FiguresRecord { overall: figures_at(10, 12), last_verdict: Some(verdict) },
	);
	// Region r0 was measured in block 1, r9 in block 10: the eight latest are r2..r9.
	for k in 0..10u64 {
		v2_format::RegionalFigures::<Test>::insert(
			account("Dave"),
			region(&format!("r{k}")),
			figures_at(1, k + 1),
		);
	}
	v2_format::RegionalFigures::<Test>::insert(account("Eve"), region("eu"), figures_at(1, 1));
	StorageVersion::new(2).put::<Hosting>();
	(feed, id)
}

#[test]
fn version_two_requests_keep_the_contact_key_and_figures_take_their_regions() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, id) = version_two_state();
		let state = InnerMigrateV2ToV3::<Test>::pre_upgrade_counts();
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV2ToV3::<Test>::post_upgrade_checks(state));
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();

		// The open request keeps everything, and now the hoster's contact key and endpoint.
		let r = request(id);
		let form = Hosters::<Test>::get(account("Dave")).unwrap().form;
		assert_eq!((r.contact_key, r.endpoint), (form.contact_key, form.endpoint));
		assert_eq!((r.nonce, r.votes.len(), r.deadline, r.retry), ([5; 32], 1, 4, 0));
		// Figures keep the overall and the last verdict, and take the eight regions measured last.
		let record = HosterFigures::<Test>::get(account("Dave")).unwrap();
		assert_eq!(
			(record.overall.samples, record.last_verdict.as_ref().map(|v| v.at)),
			(10, Some(3))
		);
		assert_eq!(record.regions.len() as u32, MAX_REGIONS_PER_HOSTER);
		assert!(record.region(&region("r0")).is_none() && record.region(&region("r1")).is_none());
		for k in 2..10u64 {
			assert_eq!(record.region(&region(&format!("r{k}"))).unwrap().last_update, k + 1);
		}
		// Nothing is left in the old map, not even entries without a record.
		assert_eq!(v2_format::RegionalFigures::<Test>::iter_keys().count(), 0);
	});
}

#[test]
fn a_request_whose_hoster_left_before_the_upgrade_is_void_not_blamed() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, id) = version_two_state();
		assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))));
		MigrateV2ToV3::<Test>::on_runtime_upgrade();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		assert_eq!((request(id).contact_key, request(id).endpoint.len()), ([0; 32], 0));
		run_to_block(5);
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
	});
}

#[test]
fn version_three_attestors_count_their_answers_from_a_fresh_window() {
	ExtBuilder::default().build_and_execute(|| {
		run_to_block(7);
		// Rewrite Alice's record as version 3 had it: ten disagreements in an old window.
		let now = Attestors::<Test>::get(account("Alice")).unwrap();
		v3_format::Attestors::<Test>::insert(
			account("Alice"),
			v3_format::Attestor {
				region: now.region.clone(),
				status: now.status,
				key: now.key,
				bond: now.bond,
				reliability: now.reliability,
				answered: 40,
				missed: 2,
				consecutive_misses: 1,
				disagreed: 12,
				window_start: 3,
				window_disagreements: 2,
				registered_at: now.registered_at,
				unbonded_at: None,
			},
		);
		let others: Vec<_> = ["Bob", "Charlie"]
			.into_iter()
			.map(|n| Attestors::<Test>::get(account(n)).unwrap())
			.collect();
		for (name, record) in ["Bob", "Charlie"].into_iter().zip(&others) {
			v3_format::Attestors::<Test>::insert(
				account(name),
				v3_format::Attestor {
					region: record.region.clone(),
					status: record.status,
					key: record.key,
					bond: record.bond,
					reliability: record.reliability,
					answered: record.answered,
					missed: record.missed,
					consecutive_misses: record.consecutive_misses,
					disagreed: record.disagreed,
					window_start: record.window_start,
					window_disagreements: record.window_disagreements,
					registered_at: record.registered_at,
					unbonded_at: record.unbonded_at,
				},
			);
		}
		StorageVersion::new(3).put::<Hosting>();
		let state = InnerMigrateV3ToV4::<Test>::pre_upgrade_counts();
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV3ToV4::<Test>::post_upgrade_checks(state));
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		// Its history stays; its window starts afresh at the upgrade.
		assert_eq!(
			(alice.answered, alice.missed, alice.consecutive_misses, alice.disagreed),
			(40, 2, 1, 12)
		);
		assert_eq!(
			(alice.window_start, alice.window_disagreements, alice.window_answered),
			(7, 0, 0)
		);
		assert_eq!(Attestors::<Test>::iter().count(), 3);
		// A second run does nothing.
		let before = Attestors::<Test>::get(account("Alice"));
		MigrateV3ToV4::<Test>::on_runtime_upgrade();
		assert_eq!(Attestors::<Test>::get(account("Alice")), before);
	});
}

#[test]
fn version_four_requests_take_the_endpoint_they_were_measured_at() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, feed, assigned) = registered("Dave");
		// One more, requested in this block: its committee is not drawn yet.
		assert_ok!(Hosting::request_performance_benchmark(
			RuntimeOrigin::signed(account("Eve")),
			account("Dave"),
			feed
		));
		let unassigned = NextRequestId::<Test>::get() - 1;
		let [before_assigned, before_unassigned] = [assigned, unassigned].map(request);
		// Rewrite both as version 4 had them: no endpoint.
		for id in [assigned, unassigned] {
			let r = request(id);
			v4_format::BenchmarkRequests::<Test>::insert(
				id,
				v4_format::BenchmarkRequest {
					hoster: r.hoster,
					feed: r.feed,
					length: r.length,
					tree_hash: r.tree_hash,
					nonce: r.nonce,
					contact_key: r.contact_key,
					attestors: r.attestors,
					votes: r.votes,
					created: r.created,
					deadline: r.deadline,
					kind: r.kind,
					retry: r.retry,
				},
			);
		}
		StorageVersion::new(4).put::<Hosting>();
		let state = InnerMigrateV4ToV5::<Test>::pre_upgrade_counts();
		MigrateV4ToV5::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV4ToV5::<Test>::post_upgrade_checks(state));
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		let endpoint = Hosters::<Test>::get(account("Dave")).unwrap().form.endpoint;
		let expected = BenchmarkRequest { endpoint, ..before_assigned };
		assert_eq!(request(assigned).encode(), expected.encode());
		// Not assigned yet: assignment takes the endpoint, as for any new request.
		let expected = BenchmarkRequest { endpoint: Default::default(), ..before_unassigned };
		assert_eq!(request(unassigned).encode(), expected.encode());
		next_block();
		assert_eq!(request(unassigned).endpoint.to_vec(), endpoint_of("Dave").into_bytes());
	});
}

/// A version-5 state: Dave hosts two feeds, Ferdie one of them, and Dave's
/// registration request is open; nothing counts the feeds' use yet.
#[test]
fn version_five_feeds_learn_what_uses_them() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, first, daves) = registered("Dave");
		let (_, _, ferdies) = {
			let feed = TestFeed::new(9, 4);
			let (id, r) = register_on(&feed, "Ferdie");
			(feed, id, r)
		};
		let second = NextFeedId::<Test>::get() - 1;
		assert_ok!(Hosting::register_hoster(
			RuntimeOrigin::signed(account("Charlie")),
			form("Charlie"),
			first
		));
		let usage: Vec<_> = FeedUsage::<Test>::iter().collect();
		let _ = FeedUsage::<Test>::clear(u32::MAX, None);
		StorageVersion::new(5).put::<Hosting>();

		let state = InnerMigrateV5ToV6::<Test>::pre_upgrade_counts();
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV5ToV6::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 6);
		// The same counts the calls kept: two hosters on the first feed, one on the second.
		let mut migrated: Vec<_> = FeedUsage::<Test>::iter().collect();
		let mut kept = usage;
		migrated.sort_by_key(|(feed, _)| *feed);
		kept.sort_by_key(|(feed, _)| *feed);
		assert_eq!(migrated, kept);
		assert_eq!(FeedUsage::<Test>::get(first).hostings, 2);
		assert_eq!(FeedUsage::<Test>::get(second).hostings, 1);
		assert!(FeedUsage::<Test>::get(first).requests_until > request(daves).deadline);
		assert!(FeedUsage::<Test>::get(second).requests_until > request(ferdies).deadline);
		// So the feed cannot be unpublished under its hosters.
		assert_noop!(
			Hosting::unpublish_feed(RuntimeOrigin::signed(account("Eve")), first),
			Error::<Test>::FeedInUse
		);
		// Run again, it changes nothing.
		MigrateV5ToV6::<Test>::on_runtime_upgrade();
		assert_eq!(FeedUsage::<Test>::get(first).hostings, 2);
	});
}

/// A version-6 state: Dave has figures overall and from two regions, rated
/// in block 3, and the block's request count is in the version-6 format.
#[test]
fn version_six_figures_keep_their_values_and_forget_by_time_from_then_on() {
	ExtBuilder::default().build_and_execute(|| {
		let (_, _, _) = registered("Dave");
		let rated = |samples: u32, alpha: u64, beta: u64| Figures {
			availability: Beta { alpha, beta },
			reliability: Beta { alpha, beta },
			samples,
			last_update: 3u64,
			..Default::default()
		};
		let old_record = v6_format::FiguresRecord {
			overall: rated(4, 3_000_000_000, 1_000_000_000),
			regions: BoundedVec::truncate_from(vec![
				v6_format::RegionFigures { region: region("eu"), figures: rated(2, 2, 0) },
				v6_format::RegionFigures { region: region("us"), figures: rated(2, 1, 1) },
			]),
			last_verdict: None,
		};
		let _ = HosterFigures::<Test>::clear(u32::MAX, None);
		v6_format::HosterFigures::<Test>::insert(account("Dave"), &old_record);
		v6_format::RequestsInBlock::<Test>::put((3u64, 4u32));
		StorageVersion::new(6).put::<Hosting>();

		let state = InnerMigrateV6ToV7::<Test>::pre_upgrade_figures();
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		assert_ok!(InnerMigrateV6ToV7::<Test>::post_upgrade_checks(state));
		assert_eq!(Hosting::on_chain_storage_version(), 7);
		let record = HosterFigures::<Test>::get(account("Dave")).unwrap();
		assert_eq!(record.overall.availability, Beta { alpha: 3_000_000_000, beta: 1_000_000_000 });
		assert_eq!((record.overall.samples, record.overall.last_update), (4, 3));
		assert_eq!(record.overall.this_block, Default::default());
		assert_eq!(record.region(&region("us")).unwrap().availability, Beta { alpha: 1, beta: 1 });
		// The old count is gone: this block's budgets start empty.
		assert!(!RequestsInBlock::<Test>::exists());

		// Run again, it changes nothing.
		MigrateV6ToV7::<Test>::on_runtime_upgrade();
		assert_eq!(HosterFigures::<Test>::get(account("Dave")), Some(record.clone()));

		// A post-upgrade check that finds the figures changed fails.
		let state = vec![(account("Dave"), old_record)].encode();
		HosterFigures::<Test>::mutate(account("Dave"), |r| {
			r.as_mut().unwrap().overall.samples = 5;
		});
		assert!(InnerMigrateV6ToV7::<Test>::post_upgrade_checks(state).is_err());
	});
}

/// A version-6 figures record: `samples` ratings, the last in block 3, and
/// one region unless `samples` is even.
fn v6_record(samples: u32) -> v6_format::FiguresRecord<u64> {
	let rated = Figures {
		availability: Beta { alpha: 1_000 * u64::from(samples), beta: 7 },
		reliability: Beta { alpha: 3, beta: 1 },
		samples,
		last_update: 3u64,
		..Default::default()
	};
	let regions = if samples.is_multiple_of(2) {
		vec![]
	} else {
		vec![v6_format::RegionFigures { region: region("eu"), figures: rated }]
	};
	v6_format::FiguresRecord {
		overall: rated,
		regions: BoundedVec::truncate_from(regions),
		last_verdict: None,
	}
}

/// `count` accounts with version-6 figures (none of them a hoster: the
/// figures map is all the migration reads), the old request count, version 6.
fn version_six_figures(count: u8) -> Vec<(AccountId, v6_format::FiguresRecord<u64>)> {
	let records: Vec<_> = (1..=count)
		.map(|i| (AccountId::from_raw([i; 32]), v6_record(u32::from(i))))
		.collect();
	for (who, record) in &records {
		v6_format::HosterFigures::<Test>::insert(who, record);
	}
	v6_format::RequestsInBlock::<Test>::put((3u64, 4u32));
	StorageVersion::new(6).put::<Hosting>();
	records
}

/// A migrator's budget for a block in which the migration translates
/// `records` records (and, in its first block, begins).
fn service_for(records: u64) -> frame_support::weights::Weight {
	let overhead = <() as pallet_migrations::WeightInfo>::progress_mbms_none()
		.saturating_add(pallet_migrations::Pallet::<Test>::exec_migration_max_weight());
	let work = LazyMigrateV6ToV7::<Test>::begin_weight()
		.saturating_add(LazyMigrateV6ToV7::<Test>::record_weight().saturating_mul(records));
	frame_support::weights::Weight::from_parts(overhead.saturating_add(work).ref_time(), u64::MAX)
}

/// How many of `records` are in the version-7 layout with their values.
fn translated(records: &[(AccountId, v6_format::FiguresRecord<u64>)]) -> usize {
	records
		.iter()
		.filter(|(who, old)| HosterFigures::<Test>::get(who) == Some(upgraded(old.clone())))
		.count()
}

fn migrator_events() -> Vec<pallet_migrations::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Migrator(e) => Some(e),
			_ => None,
		})
		.collect()
}

#[test]
fn the_multi_block_migration_translates_every_hoster_over_several_blocks() {
	ExtBuilder::default().build_and_execute(|| {
		let records = version_six_figures(10);
		let state = InnerMigrateV6ToV7::<Test>::pre_upgrade_figures();
		MigratorServiceWeight::set(&service_for(3));
		AllPalletsWithSystem::on_runtime_upgrade();
		assert!(<Test as frame_system::Config>::MultiBlockMigrator::ongoing());

		// Each block translates what its budget holds; the version moves at the end.
		next_block();
		assert_eq!(translated(&records), 3);
		assert!(!v6_format::RequestsInBlock::<Test>::exists(), "the old count goes first");
		assert_eq!(Hosting::on_chain_storage_version(), 6);
		next_block();
		assert_eq!(translated(&records), 6);
		next_block();
		assert_eq!(translated(&records), 9);
		next_block();
		assert_eq!(translated(&records), 10);
		for _ in 0..2 {
			if <Test as frame_system::Config>::MultiBlockMigrator::ongoing() {
				next_block();
			}
		}
		assert!(!<Test as frame_system::Config>::MultiBlockMigrator::ongoing());
		assert_eq!(Hosting::on_chain_storage_version(), 7);
		assert_ok!(InnerMigrateV6ToV7::<Test>::post_upgrade_checks(state));
		assert!(migrator_events()
			.iter()
			.any(|e| matches!(e, pallet_migrations::Event::MigrationCompleted { index: 0, .. })));
		assert!(migrator_events().contains(&pallet_migrations::Event::UpgradeCompleted));

		// The next upgrade does not run it again: the migrator remembers it.
		System::reset_events();
		let now = HosterFigures::<Test>::iter().collect::<Vec<_>>();
		AllPalletsWithSystem::on_runtime_upgrade();
		next_block();
		assert!(migrator_events()
			.iter()
			.any(|e| matches!(e, pallet_migrations::Event::MigrationSkipped { index: 0 })));
		assert_eq!(HosterFigures::<Test>::iter().collect::<Vec<_>>(), now);
	});
}

#[test]
fn on_a_chain_at_version_seven_the_multi_block_migration_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 15, 5_000_000);
		let figures = HosterFigures::<Test>::get(account("Dave")).expect("rated");
		StorageVersion::new(7).put::<Hosting>();
		AllPalletsWithSystem::on_runtime_upgrade();
		next_block();
		assert!(!<Test as frame_system::Config>::MultiBlockMigrator::ongoing());
		assert_eq!(HosterFigures::<Test>::get(account("Dave")), Some(figures));
		assert_eq!(Hosting::on_chain_storage_version(), 7);
	});
}

#[test]
fn a_migrator_budget_below_one_record_fails_the_migration_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let records = version_six_figures(2);
		// The overhead and the beginning fit, a record does not.
		MigratorServiceWeight::set(&service_for(0));
		AllPalletsWithSystem::on_runtime_upgrade();
		next_block();
		assert!(migrator_events()
			.iter()
			.any(|e| matches!(e, pallet_migrations::Event::MigrationFailed { index: 0, .. })));
		// The step was rolled back: nothing translated, the old count still there.
		assert_eq!(translated(&records), 0);
		assert!(v6_format::RequestsInBlock::<Test>::exists());
		assert_eq!(Hosting::on_chain_storage_version(), 6);
		// The chain stays in migration (no transactions) until governance acts.
		assert_eq!(
			pallet_migrations::Pallet::<Test>::ongoing_status(),
			pallet_migrations::MbmIsOngoing::Stuck
		);
	});
}

/// The `silent` list of request `id`'s closing event, and whether it had a verdict.
fn closing_of(id: RequestId) -> Option<(bool, Vec<AccountId>)> {
	System::events().into_iter().find_map(|r| match r.event {
		RuntimeEvent::Hosting(Event::RequestClosed { request, silent, .. }) if request == id => {
			Some((true, silent))
		},
		RuntimeEvent::Hosting(Event::RequestVoid { request, silent, .. }) if request == id => {
			Some((false, silent))
		},
		_ => None,
	})
}

#[test]
fn requests_due_during_a_multi_block_migration_close_after_it_and_nobody_is_blamed_for_silence() {
	ExtBuilder::default().build_and_execute(|| {
		// Dave's registration has two of three votes when the migration begins;
		// Ferdie's has none.
		let (feed, _, dave) = registered("Dave");
		let (_, ferdie) = register_on(&TestFeed::new(5, 11), "Ferdie");
		next_block();
		let [a, b] = [assigned(dave)[0], assigned(dave)[1]];
		assert_ok!(rate(a, dave, normal(&feed, "Dave", dave, a, 15, 5_000_000)));
		assert_ok!(rate(b, dave, normal(&feed, "Dave", dave, b, 15, 5_000_000)));
		let misses = || -> Vec<(AccountId, u32)> {
			Attestors::<Test>::iter().map(|(who, a)| (who, a.missed)).collect()
		};
		let misses_before = misses();
		let deadline = request(dave).deadline.max(request(ferdie).deadline);

		// A migration of one record a block, longer than the requests' window.
		let records = version_six_figures(12);
		MigratorServiceWeight::set(&service_for(1));
		AllPalletsWithSystem::on_runtime_upgrade();
		run_to_block(deadline + 2);
		assert!(<Test as frame_system::Config>::MultiBlockMigrator::ongoing());
		// Nothing closed while it ran, though the deadlines passed.
		assert!(BenchmarkRequests::<Test>::contains_key(dave));
		assert!(BenchmarkRequests::<Test>::contains_key(ferdie));
		let (first, last) = DeferredDeadlines::<Test>::get().expect("deadlines deferred");
		assert!(first <= deadline && deadline <= last);

		// Once it is over, the deferred requests close, oldest deadline first.
		while <Test as frame_system::Config>::MultiBlockMigrator::ongoing() {
			next_block();
		}
		assert_eq!(translated(&records), 12);
		for _ in 0..4 {
			next_block();
		}
		assert!(DeferredDeadlines::<Test>::get().is_none());
		// Dave's two votes make a verdict; the third member is not blamed for a
		// rating no block could carry.
		assert_eq!(closing_of(dave), Some((true, vec![])));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		// Ferdie's request has no quorum: void and tried again, nobody blamed.
		assert_eq!(closing_of(ferdie), Some((false, vec![])));
		assert!(BenchmarkRequests::<Test>::contains_key(ferdie + 1));
		assert_eq!(misses(), misses_before);
	});
}
