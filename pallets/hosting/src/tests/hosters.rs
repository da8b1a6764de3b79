//! Hosters: registration, status, hostings, leaving.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;

#[test]
fn register_hoster_creates_a_pending_hoster_and_its_registration_benchmark() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		let hoster = Hosters::<Test>::get(account("Dave")).unwrap();
		assert_eq!(
			(hoster.status, hoster.hostings, hoster.registration_feed),
			(HosterStatus::Pending, 1, feed_id)
		);
		assert!(Hostings::<Test>::contains_key(account("Dave"), feed_id));
		// Created in block 1, its committee drawn in block 2.
		let r = request(id);
		assert_eq!(
			(r.kind, r.length, r.feed, r.created, r.deadline),
			(BenchmarkKind::Registration, 9, feed_id, 1, 2 + RESPONSE_WINDOW)
		);
		assert_eq!(r.attestors.len(), 3);
		assert_ne!(r.nonce, [0; 32]);
		for a in &r.attestors {
			assert!(Hosting::unanswered_requests(a).any(|(i, _)| i == id));
		}
		// Each attestor draws its own chunks, all below the feed's length.
		for a in assigned(id) {
			let chunks = chunks_for(a, id);
			assert!(!chunks.is_empty() && chunks.iter().all(|c| *c < 9));
		}
		System::assert_has_event(
			Event::BenchmarkRequested {
				request: id,
				hoster: account("Dave"),
				feed: feed_id,
				kind: BenchmarkKind::Registration,
			}
			.into(),
		);
		System::assert_has_event(
			Event::ProvidePerformanceBenchmark {
				request: id,
				hoster: account("Dave"),
				feed: feed_id,
				feed_key: feed.key,
				endpoint: form("Dave").endpoint,
				length: 9,
				chunks_per_attestor: 4,
				nonce: r.nonce,
				attestors: r.attestors.to_vec(),
				deadline: r.deadline,
				kind: BenchmarkKind::Registration,
			}
			.into(),
		);
		System::assert_has_event(
			Event::HosterRegistered {
				hoster: account("Dave"),
				region: form("Dave").region,
				feed: feed_id,
			}
			.into(),
		);
	});
}

#[test]
fn register_hoster_rejects_bad_forms_and_changes_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		let dave = || RuntimeOrigin::signed(account("Dave"));
		for endpoint in [
			&b"ftp://host"[..],
			b"http://",
			b"http:///path",
			b"http://with space",
			b"127.0.0.1:8900",
		] {
			let mut f = form("Dave");
			f.endpoint = endpoint.to_vec().try_into().unwrap();
			assert_noop!(Hosting::register_hoster(dave(), f, feed), Error::<Test>::InvalidEndpoint);
		}
		let mut f = form("Dave");
		f.region = Default::default();
		assert_noop!(Hosting::register_hoster(dave(), f, feed), Error::<Test>::InvalidRegion);
		assert_noop!(
			Hosting::register_hoster(dave(), form("Dave"), 42),
			Error::<Test>::UnknownFeed
		);
		assert_ok!(Hosting::register_hoster(dave(), form("Dave"), feed));
		assert_noop!(
			Hosting::register_hoster(dave(), form("Dave"), feed),
			Error::<Test>::AlreadyHoster
		);
	});
}

#[test]
fn registration_without_an_attestor_fails_whole() {
	ExtBuilder::default().attestors(&[("Dave", "eu")]).build_and_execute(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		// The only attestor is the hoster itself: no quorum can measure it.
		assert_noop!(
			Hosting::register_hoster(RuntimeOrigin::signed(account("Dave")), form("Dave"), feed),
			Error::<Test>::NoAttestorAvailable
		);
		assert!(Hosters::<Test>::get(account("Dave")).is_none());
		assert_eq!(HostingCount::<Test>::get(), 0);
	});
}

#[test]
fn a_committee_that_finds_the_promise_met_activates_the_hoster() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b, c] = [assigned(id)[0], assigned(id)[1], assigned(id)[2]];
		// One rating is kept with the request; nothing else changes yet.
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 80, 1_000_000)));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		assert!(request(id).has_voted(&account(a)));
		assert!(!Hosting::unanswered_requests(&account(a)).any(|(i, _)| i == id));
		let answered = Attestors::<Test>::get(account(a)).unwrap();
		assert_eq!((answered.answered, answered.reliability.mean()), (1, Perbill::one()));
		// The whole committee closes it, once: figures are the medians.
		assert_ok!(rate(b, id, normal(&feed, "Dave", id, b, 90, 900_000)));
		assert_ok!(rate(c, id, normal(&feed, "Dave", id, c, 100, 800_000)));
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		System::assert_has_event(Event::HosterActivated { hoster: account("Dave") }.into());
		let p = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		assert_eq!(
			(p.samples, p.availability.mean(), p.latency_ms.mean_units()),
			(1, Perbill::one(), 90)
		);
		assert_eq!(p.bandwidth_bytes_per_sec.mean_units(), 900_000);
		// Each region records its own attestor's measurement.
		let record = HosterFigures::<Test>::get(account("Dave")).unwrap();
		for (name, latency) in [(a, 80), (b, 90), (c, 100)] {
			let region = Attestors::<Test>::get(account(name)).unwrap().region;
			let regional = record.region(&region).unwrap();
			assert_eq!((regional.samples, regional.latency_ms.mean_units()), (1, latency));
		}
		System::assert_has_event(
			Event::RequestClosed {
				request: id,
				hoster: account("Dave"),
				verdict: Verdict::Served {
					availability: Perbill::one(),
					latency_ms: 90,
					bandwidth_bytes_per_sec: 900_000,
				},
				ratings: 3,
				availability: Perbill::one(),
				reliability: Perbill::one(),
				disagreeing: vec![],
				silent: vec![],
			}
			.into(),
		);
	});
}

#[test]
fn a_registration_below_the_promise_leaves_the_hoster_pending() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		// Latency 500 ms against a promised 200 ms.
		rate_all(&feed, "Dave", id, 500, 1_000_000);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		System::assert_has_event(
			Event::RegistrationBenchmarkFailed { hoster: account("Dave"), request: id }.into(),
		);
		// Pending hosters cannot offer hosting.
		let other = TestFeed::new(9, 3).publish("Eve");
		assert_noop!(
			Hosting::offer_hosting(RuntimeOrigin::signed(account("Dave")), other),
			Error::<Test>::HosterNotActive
		);
	});
}

#[test]
fn timeouts_and_errors_lower_availability_and_status_follows_it() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		let before =
			HosterFigures::<Test>::get(account("Dave")).unwrap().overall.availability.mean();
		for (outcome, verdict) in [
			(RatingOutcome::Timeout, Verdict::Timeout),
			(
				RatingOutcome::Error(MeasurementFailure::Unreachable),
				Verdict::Failed(MeasurementFailure::Unreachable),
			),
			(
				RatingOutcome::Error(MeasurementFailure::Integrity),
				Verdict::Failed(MeasurementFailure::Integrity),
			),
		] {
			let id = requested("Dave", feed_id);
			rate_all_with(id, outcome);
			let last = HosterFigures::<Test>::get(account("Dave")).unwrap().last_verdict.unwrap();
			assert_eq!((last.request, last.verdict, last.ratings), (id, verdict, 3));
		}
		let p = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		assert!(p.availability.mean() < before);
		assert_eq!(p.latency_ms.count, 1, "only Served verdicts carry speed figures");
		// Availability (≈ 27%) fell below the promised 75% after 4 verdicts: suspended.
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Suspended);
		// Suspended at the third verdict (SuspensionMinSamples), with the figure measured then.
		let suspended: Vec<Perbill> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Hosting(Event::HosterSuspended {
					hoster,
					availability,
					promised,
				}) => {
					assert_eq!((hoster, promised), (account("Dave"), Perbill::from_percent(75)));
					Some(availability)
				},
				_ => None,
			})
			.collect();
		// α = 0.81, β = 1.9 after one success and two failures at λ = 0.9.
		assert_eq!(suspended, vec![Perbill::from_rational(810u32, 2710u32)]);
		// Good verdicts bring it back once its figures meet the promise again.
		let mut rounds = 0;
		while Hosters::<Test>::get(account("Dave")).unwrap().status != HosterStatus::Active {
			rounds += 1;
			assert!(rounds < 30, "recovers within a bounded number of good verdicts");
			let id = requested("Dave", feed_id);
			rate_all(&feed, "Dave", id, 50, 1_000_000);
		}
		assert!(
			HosterFigures::<Test>::get(account("Dave")).unwrap().overall.availability.mean()
				>= Perbill::from_percent(75)
		);
	});
}

#[test]
fn an_active_hoster_slower_than_its_promise_is_suspended() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		// Every chunk arrives, but at 900 ms against a promised 200 ms: the moving
		// mean of latency crosses the promise and the hoster is suspended, as
		// does_qualify against its promise would say.
		while Hosters::<Test>::get(account("Dave")).unwrap().status == HosterStatus::Active {
			let id = requested("Dave", feed_id);
			rate_all(&feed, "Dave", id, 900, 1_000_000);
			assert!(System::block_number() < 20, "suspended within a few verdicts");
		}
		let figures = HosterFigures::<Test>::get(account("Dave")).unwrap().overall;
		assert_eq!(figures.availability.mean(), Perbill::one());
		let promise = form("Dave").promised;
		assert!(!crate::qualification::meets_own_promise(&figures, &promise));
	});
}

#[test]
fn update_registration_makes_the_hoster_pending_and_rebenchmarks() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, _, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		let mut f = form("Dave");
		f.promised.latency_ms = 20;
		assert_ok!(Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), f.clone()));
		let h = Hosters::<Test>::get(account("Dave")).unwrap();
		assert_eq!((h.status, h.form), (HosterStatus::Pending, f));
		assert_eq!(request(NextRequestId::<Test>::get() - 1).kind, BenchmarkKind::Registration);
		let mut bad = form("Dave");
		bad.endpoint = b"nope".to_vec().try_into().unwrap();
		assert_noop!(
			Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), bad),
			Error::<Test>::InvalidEndpoint
		);
		assert_noop!(
			Hosting::update_registration(RuntimeOrigin::signed(account("Ferdie")), form("Ferdie")),
			Error::<Test>::NotHoster
		);
	});
}

#[test]
fn unregister_hoster_removes_everything_it_owned() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		let other = TestFeed::new(3, 4).publish("Eve");
		assert_ok!(Hosting::offer_hosting(RuntimeOrigin::signed(account("Dave")), other));
		// Ferdie hosts too, so the schedule has a slot to move.
		assert_ok!(Hosting::register_hoster(
			RuntimeOrigin::signed(account("Ferdie")),
			form("Ferdie"),
			feed_id
		));
		assert_eq!(HostingCount::<Test>::get(), 3);
		assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))));
		assert!(Hosters::<Test>::get(account("Dave")).is_none());
		assert!(HosterFigures::<Test>::get(account("Dave")).is_none());
		assert_eq!(Hostings::<Test>::iter_prefix(account("Dave")).count(), 0);
		// Ferdie's hosting moved into a freed slot and is still found there.
		assert_eq!(HostingCount::<Test>::get(), 1);
		let info = Hostings::<Test>::get(account("Ferdie"), feed_id).unwrap();
		assert_eq!(HostingSchedule::<Test>::get(info.slot), Some((account("Ferdie"), feed_id)));
		System::assert_last_event(Event::HosterUnregistered { hoster: account("Dave") }.into());
		assert_noop!(
			Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))),
			Error::<Test>::NotHoster
		);
	});
}

#[test]
fn offer_and_stop_hosting() {
	ExtBuilder::default().build_and_execute(|| {
		let (feed, feed_id, id) = registered("Dave");
		let dave = || RuntimeOrigin::signed(account("Dave"));
		assert_noop!(
			Hosting::offer_hosting(RuntimeOrigin::signed(account("Ferdie")), feed_id),
			Error::<Test>::NotHoster
		);
		rate_all(&feed, "Dave", id, 50, 1_000_000);
		assert_noop!(Hosting::offer_hosting(dave(), feed_id), Error::<Test>::AlreadyHosting);
		assert_noop!(Hosting::offer_hosting(dave(), 77), Error::<Test>::UnknownFeed);
		let f2 = TestFeed::new(4, 3).publish("Eve");
		let f3 = TestFeed::new(5, 3).publish("Eve");
		let f4 = TestFeed::new(6, 3).publish("Eve");
		assert_ok!(Hosting::offer_hosting(dave(), f2));
		System::assert_last_event(
			Event::HostingOffered { hoster: account("Dave"), feed: f2 }.into(),
		);
		assert_ok!(Hosting::offer_hosting(dave(), f3));
		assert_noop!(Hosting::offer_hosting(dave(), f4), Error::<Test>::TooManyHostings);
		assert_ok!(Hosting::stop_hosting(dave(), f2));
		System::assert_last_event(
			Event::HostingStopped { hoster: account("Dave"), feed: f2 }.into(),
		);
		assert_noop!(Hosting::stop_hosting(dave(), f2), Error::<Test>::NotHosting);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().hostings, 2);
		// Every remaining hosting sits in the slot it records.
		for (hoster, feed, info) in Hostings::<Test>::iter() {
			assert_eq!(HostingSchedule::<Test>::get(info.slot), Some((hoster, feed)));
		}
		assert_eq!(HostingCount::<Test>::get(), 2);
	});
}

#[test]
fn endpoints_are_origins_and_local_ones_only_where_the_chain_allows_them() {
	ExtBuilder::default().build_and_execute(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		let with = |endpoint: &str| HosterForm {
			endpoint: endpoint.as_bytes().to_vec().try_into().unwrap(),
			..form("Dave")
		};
		let dave = || RuntimeOrigin::signed(account("Dave"));
		// Anything after the origin could change what attestors ask for: refused.
		for bad in ["http://127.0.0.1:9615/metrics?x=", "https://hoster.example/api/", "ws://a"] {
			assert_noop!(
				Hosting::register_hoster(dave(), with(bad), feed),
				Error::<Test>::InvalidEndpoint
			);
		}
		// A chain that does not allow local endpoints refuses them, and changes nothing.
		AllowLocalEndpoints::<Test>::put(false);
		for local in
			["http://127.0.0.1:8900", "http://10.0.0.7", "http://[::1]:80", "http://localhost"]
		{
			assert_noop!(
				Hosting::register_hoster(dave(), with(local), feed),
				Error::<Test>::LocalEndpoint
			);
		}
		assert_ok!(Hosting::register_hoster(dave(), with("https://hoster.example:8443"), feed));
		// Nor can a registered hoster move to one.
		assert_noop!(
			Hosting::update_registration(dave(), with("http://169.254.169.254")),
			Error::<Test>::LocalEndpoint
		);
		assert_noop!(
			Hosting::update_registration(dave(), with("http://hoster.example/x")),
			Error::<Test>::InvalidEndpoint
		);
		// Where the chain allows them (development chains), loopback is fine.
		AllowLocalEndpoints::<Test>::put(true);
		assert_ok!(Hosting::update_registration(dave(), with("http://127.0.0.1:8900")));
	});
}

#[test]
fn region_validation() {
	assert!(is_valid_region(b"eu-west 1"));
	assert!(!is_valid_region(b""));
	assert!(!is_valid_region(b"\xffx"));
}
