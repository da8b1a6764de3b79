//! `does_qualify` and the runtime API's views.

use super::*;
use frame_support::assert_ok;
use sp_runtime::Perbill;

#[docify::export]
#[test]
fn a_rated_hoster_qualifies() {
	ExtBuilder::default().build_and_execute(|| {
		// Eve publishes a feed; Dave registers to host it and is Pending.
		let (feed, _feed_id, request) = registered("Dave");
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		// Its committee of three attestors, drawn a block later, each measured
		// 50 ms and 1 MB/s, with Dave's contact proof and the block's Merkle path.
		for attestor in assigned(request) {
			assert_ok!(rate(
				attestor,
				request,
				normal(&feed, "Dave", request, attestor, 50, 1_000_000)
			));
		}
		// That meets Dave's promise: Dave is Active and qualifies for a job
		// asking for 100 ms at most.
		let needs =
			Requirements { max_latency_ms: Some(100), min_samples: Some(1), ..Default::default() };
		let answer = Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs);
		assert_eq!(answer, Qualification { qualifies: true, reasons: vec![] });
		// A job asking for 20 ms is told why not, measured against required.
		let strict = Requirements { max_latency_ms: Some(20), ..Default::default() };
		let answer = Hosting::does_qualify(&account("Dave"), Role::Hoster, &strict);
		assert_eq!(answer.reasons, vec![Reason::LatencyAbove { measured_ms: 50, required_ms: 20 }]);
	});
}

#[test]
fn does_qualify_answers_with_reasons_and_figures() {
	ExtBuilder::default().build_and_execute(|| {
		let needs = Requirements {
			min_availability: Some(Perbill::from_percent(90)),
			max_latency_ms: Some(100),
			min_samples: Some(1),
			..Default::default()
		};
		assert_eq!(
			Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs).reasons,
			vec![Reason::NotRegistered]
		);
		let (feed, feed_id, id) = registered("Dave");
		let q = Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs);
		assert_eq!(
			q.reasons,
			vec![Reason::NotActive, Reason::TooFewSamples { measured: 0, required: 1 }]
		);
		let a = assigned(id)[0];
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		assert!(Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs).qualifies);
		// The hoster goes away: the next benchmark finds it unreachable.
		let id = requested("Dave", feed_id);
		rate_all_with(id, RatingOutcome::Error(MeasurementFailure::Unreachable));
		let measured =
			HosterFigures::<Test>::get(account("Dave")).unwrap().overall.availability.mean();
		let q = Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs);
		assert!(!q.qualifies);
		assert_eq!(
			q.reasons,
			vec![Reason::AvailabilityBelow { measured, required: Perbill::from_percent(90) }]
		);
		// Judged from a region no attestor there measured.
		let mars: Region = b"mars".to_vec().try_into().unwrap();
		let q = Hosting::does_qualify(
			&account("Dave"),
			Role::Hoster,
			&Requirements { region: Some(mars.clone()), ..Default::default() },
		);
		assert_eq!(q.reasons, vec![Reason::RegionNotServed { region: mars }]);
		// Attestors: the one that answered twice, in agreement, qualifies.
		let attestor_needs = Requirements {
			min_availability: Some(Perbill::from_percent(99)),
			min_agreement: Some(Perbill::from_percent(90)),
			..Default::default()
		};
		assert!(Hosting::does_qualify(&account(a), Role::Attestor, &attestor_needs).qualifies);
		let summary = Hosting::attestor_figures(&account(a)).unwrap();
		assert_eq!(
			(summary.answered, summary.disagreed, summary.agreement, summary.bond),
			(2, 0, Perbill::one(), BOND)
		);
		assert_eq!(
			Hosting::does_qualify(&account("Dave"), Role::Attestor, &Requirements::default())
				.reasons,
			vec![Reason::NotRegistered]
		);
	});
}

#[test]
fn hoster_figures_and_open_requests_views() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		let [a, b, c] = [assigned(id)[0], assigned(id)[1], assigned(id)[2]];
		let open = Hosting::open_requests_for(&account(a));
		assert_eq!(open.len(), 1);
		assert_eq!(
			(open[0].id, open[0].feed, open[0].feed_key, open[0].length),
			(id, feed_id, feed.key, 9)
		);
		assert_eq!(open[0].endpoint, b"http://127.0.0.1:8900".to_vec());
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 100, 2_000_000)));
		assert!(Hosting::open_requests_for(&account(a)).is_empty());
		assert_eq!(Hosting::open_requests_for(&account(b)).len(), 1);
		assert_eq!(Hosting::open_requests_for(&account(b))[0].answered, vec![account(a)]);
		assert_ok!(rate(b, id, normal(&feed, "Dave", id, b, 100, 2_000_000)));
		assert_ok!(rate(c, id, normal(&feed, "Dave", id, c, 100, 2_000_000)));
		let s = Hosting::hoster_figures(&account("Dave")).unwrap();
		assert_eq!(
			(s.status, s.latency_ms, s.bandwidth_bytes_per_sec, s.samples),
			(HosterStatus::Active, 100, 2_000_000, 1)
		);
		assert!(Hosting::hoster_figures(&account("Ferdie")).is_none());
	});
}

#[test]
fn a_hoster_record_keeps_the_regions_measured_last() {
	let region = |k: u32| -> Region { format!("r{k}").into_bytes().try_into().unwrap() };
	let mut record = FiguresRecord::<u64>::default();
	// Regions r0..r7 measured in blocks 10..17 fill the record.
	for k in 0..MAX_REGIONS_PER_HOSTER {
		record.update_region(&region(k), |f| {
			f.samples += 1;
			f.last_update = 10 + u64::from(k);
		});
	}
	// r0 measured again (block 20) is updated in place, not added.
	record.update_region(&region(0), |f| {
		f.samples += 1;
		f.last_update = 20;
	});
	assert_eq!(record.regions.len() as u32, MAX_REGIONS_PER_HOSTER);
	assert_eq!(record.region(&region(0)).map(|f| f.samples), Some(2));
	// A new region takes the place of the one measured least recently (r1, block 11).
	record.update_region(&region(99), |f| f.last_update = 21);
	assert_eq!(record.regions.len() as u32, MAX_REGIONS_PER_HOSTER);
	assert!(record.region(&region(1)).is_none());
	assert!(record.region(&region(0)).is_some() && record.region(&region(2)).is_some());
	assert_eq!(record.region(&region(99)).map(|f| f.last_update), Some(21));
}
