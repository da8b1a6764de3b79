//! Unit tests of the pallet with the mock runtime: every call's success and
//! failure paths, the hooks, rating authorization and `does_qualify`.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	dispatch::GetDispatchInfo,
	traits::{Authorize, UnfilteredDispatchable},
};
use hypercore_verify::{feed::compat_signable, hashes, tree::MemoryTree, PureRust};
use sp_core::{ed25519, Pair};
use sp_runtime::{DispatchError, Perbill};

const NAMES: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

pub(crate) fn name_of(who: &AccountId) -> &'static str {
	NAMES.iter().copied().find(|n| account(n) == *who).expect("a dev account")
}

/// A compat-mode feed built and signed natively.
pub(crate) struct TestFeed {
	pub key: [u8; 32],
	pub pair: ed25519::Pair,
	pub tree: MemoryTree,
	pub blocks: Vec<Vec<u8>>,
}

impl TestFeed {
	pub(crate) fn new(seed: u8, length: u64) -> Self {
		let pair = ed25519::Pair::from_seed(&[seed; 32]);
		let mut feed = TestFeed { key: pair.public().0, pair, tree: MemoryTree::new(), blocks: Vec::new() };
		feed.grow(length);
		feed
	}

	/// A feed of the given blocks.
	pub(crate) fn with_blocks(seed: u8, blocks: Vec<Vec<u8>>) -> Self {
		let pair = ed25519::Pair::from_seed(&[seed; 32]);
		let mut feed = TestFeed { key: pair.public().0, pair, tree: MemoryTree::new(), blocks: Vec::new() };
		for block in blocks {
			feed.tree.append::<PureRust>(&block);
			feed.blocks.push(block);
		}
		feed
	}

	pub(crate) fn grow(&mut self, blocks: u64) {
		for _ in 0..blocks {
			let i = self.blocks.len();
			let block = vec![(i as u8).wrapping_mul(31) ^ self.key[0]; 50 + i];
			self.tree.append::<PureRust>(&block);
			self.blocks.push(block);
		}
	}

	pub(crate) fn length(&self) -> u64 {
		self.tree.length()
	}

	pub(crate) fn roots(&self) -> Roots {
		self.tree.roots(self.length()).unwrap().try_into().unwrap()
	}

	pub(crate) fn signature(&self, fork: u64) -> FeedSignature {
		let signable = compat_signable(&hashes::tree::<PureRust>(&self.roots()), self.length(), fork);
		self.pair.sign(&signable).0.to_vec().try_into().unwrap()
	}

	pub(crate) fn publish(&self, who: &str) -> FeedId {
		assert_ok!(Hosting::publish_feed(
			RuntimeOrigin::signed(account(who)),
			self.key,
			None,
			self.length(),
			0,
			self.roots(),
			self.signature(0)
		));
		FeedByKey::<Test>::get(self.key).unwrap()
	}
}

pub(crate) fn contact(name: &str) -> ed25519::Pair {
	ed25519::Pair::from_string(&format!("//{name}//contact"), None).unwrap()
}

pub(crate) fn form(hoster: &str) -> HosterForm {
	HosterForm {
		endpoint: b"http://127.0.0.1:8900".to_vec().try_into().unwrap(),
		region: b"eu".to_vec().try_into().unwrap(),
		promised: Promise { availability: Perbill::from_percent(75), latency_ms: 200, bandwidth: 100_000 },
		capacity_bytes: 1 << 30,
		contact_key: contact(hoster).public().0,
	}
}

/// Publishes a feed as Eve and registers `hoster` on it; returns (feed, feed id, registration request).
pub(crate) fn registered(hoster: &str) -> (TestFeed, FeedId, RequestId) {
	let feed = TestFeed::new(7, 9);
	let id = feed.publish("Eve");
	assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account(hoster)), form(hoster), id));
	(feed, id, NextRequestId::<Test>::get() - 1)
}

pub(crate) fn request(id: RequestId) -> BenchmarkRequest<AccountId, u64, ConstU32Two> {
	BenchmarkRequests::<Test>::get(id).expect("open request")
}
pub(crate) type ConstU32Two = frame_support::traits::ConstU32<2>;

/// A Normal outcome with a valid contact proof by `hoster` for the request's first chunk.
pub(crate) fn normal(feed: &TestFeed, hoster: &str, id: RequestId, attestor: &str, latency_ms: u32, bandwidth: u64) -> RatingOutcome {
	let r = request(id);
	let block_index = r.chunks[0];
	let block_hash = hashes::leaf::<PureRust>(&feed.blocks[block_index as usize]);
	let message =
		hypercore_verify::contact_message(id, &r.nonce, &account_bytes(&account(attestor)), block_index, &block_hash);
	RatingOutcome::Normal {
		latency_ms,
		bandwidth,
		bytes: 1000,
		chunks_verified: r.chunks.len() as u32,
		contact_proof: ContactProof { block_index, block_hash, signature: contact(hoster).sign(&message).0 },
	}
}

pub(crate) fn signed_rating(attestor: &str, request_id: RequestId, outcome: RatingOutcome) -> (Rating<AccountId>, Signature) {
	let rating = Rating { request_id, attestor: account(attestor), outcome };
	let signature = pair(attestor).sign(&rating.signing_payload());
	(rating, signature)
}

/// Submits a rating as the runtime does: authorize, then dispatch with the Authorized origin.
pub(crate) fn submit(rating: Rating<AccountId>, signature: Signature) -> Result<(), TransactionValidityError> {
	submit_call(crate::Call::<Test>::performance_benchmark_response { rating, signature })
}

/// Submits a rating call as the runtime does: authorize, then dispatch with the Authorized origin.
pub(crate) fn submit_call(call: crate::Call<Test>) -> Result<(), TransactionValidityError> {
	call.authorize(TransactionSource::External).expect("the call defines authorize")?;
	assert_ok!(call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
	Ok(())
}

/// `attestor`'s batch of (request, outcome), signed by `signer`.
pub(crate) fn batch_call(attestor: &str, signer: &str, ratings: &[(RequestId, RatingOutcome)]) -> crate::Call<Test> {
	let ratings: Vec<BatchedRating> =
		ratings.iter().map(|&(request_id, outcome)| BatchedRating { request_id, outcome }).collect();
	let signature = pair(signer).sign(&batch_signing_payload(&account(attestor), &ratings));
	crate::Call::<Test>::performance_benchmark_responses {
		attestor: account(attestor),
		ratings: ratings.try_into().expect("within the batch limit"),
		signature,
	}
}

pub(crate) fn rate(attestor: &str, id: RequestId, outcome: RatingOutcome) -> Result<(), TransactionValidityError> {
	let (rating, signature) = signed_rating(attestor, id, outcome);
	submit(rating, signature)
}

pub(crate) fn assigned(id: RequestId) -> Vec<&'static str> {
	request(id).attestors.iter().map(name_of).collect()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

// ---------------------------------------------------------------- feeds

#[test]
fn publish_feed_verifies_the_signature_and_stores_the_feed() {
	new_test_ext().execute_with(|| {
		let feed = TestFeed::new(1, 7);
		let id = feed.publish("Eve");
		let stored = Feeds::<Test>::get(id).unwrap();
		assert_eq!((stored.key, stored.signer, stored.mode, stored.length), (feed.key, feed.key, KeyMode::Compat, 7));
		assert_eq!(stored.roots, feed.roots());
		assert_eq!(stored.publisher, account("Eve"));
		System::assert_last_event(
			Event::FeedPublished { feed: id, key: feed.key, publisher: account("Eve"), length: 7 }.into(),
		);
	});
}

#[test]
fn publish_feed_accepts_a_manifest_mode_feed_from_the_js_reference() {
	#[derive(serde::Deserialize)]
	struct V {
		key: String,
		manifest: String,
		length: u64,
		fork: u64,
		roots: Vec<N>,
		signature: String,
	}
	#[derive(serde::Deserialize)]
	struct N {
		index: u64,
		size: u64,
		hash: String,
	}
	let v: V = serde_json::from_str(include_str!(
		"../../../primitives/hypercore-verify/tests/vectors/v11-manifest-len131.json"
	))
	.unwrap();
	let b32 = |s: &str| -> [u8; 32] { hex::decode(s).unwrap().try_into().unwrap() };
	new_test_ext().execute_with(|| {
		let roots: Vec<Node> = v.roots.iter().map(|n| Node { index: n.index, size: n.size, hash: b32(&n.hash) }).collect();
		let args = (b32(&v.key), hex::decode(&v.manifest).unwrap(), hex::decode(&v.signature).unwrap());
		assert_ok!(Hosting::publish_feed(
			RuntimeOrigin::signed(account("Eve")),
			args.0,
			Some(args.1.clone().try_into().unwrap()),
			v.length,
			v.fork,
			roots.clone().try_into().unwrap(),
			args.2.clone().try_into().unwrap(),
		));
		let stored = Feeds::<Test>::get(0).unwrap();
		assert_eq!((stored.mode, stored.length), (KeyMode::Manifest, 131));
		assert_ne!(stored.signer, stored.key, "the signer is named by the manifest");
		// Another key with the same manifest does not hash to it.
		let mut other = args.0;
		other[0] ^= 1;
		assert_noop!(
			Hosting::publish_feed(
				RuntimeOrigin::signed(account("Eve")),
				other,
				Some(args.1.try_into().unwrap()),
				v.length,
				v.fork,
				roots.try_into().unwrap(),
				args.2.try_into().unwrap(),
			),
			Error::<Test>::InvalidManifest
		);
	});
}

#[test]
fn publish_feed_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let feed = TestFeed::new(1, 7);
		let eve = || RuntimeOrigin::signed(account("Eve"));
		let mut bad_sig = feed.signature(0);
		bad_sig[5] ^= 1;
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 0, feed.roots(), bad_sig),
			Error::<Test>::InvalidFeedSignature
		);
		// Signed for fork 0, claimed at fork 1.
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 1, feed.roots(), feed.signature(0)),
			Error::<Test>::InvalidFeedSignature
		);
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 8, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::InvalidFeedRoots
		);
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 0, 0, Default::default(), feed.signature(0)),
			Error::<Test>::EmptyFeed
		);
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, Some(vec![1, 0].try_into().unwrap()), 7, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::InvalidManifest
		);
		assert_noop!(
			Hosting::publish_feed(RuntimeOrigin::none(), feed.key, None, 7, 0, feed.roots(), feed.signature(0)),
			DispatchError::BadOrigin
		);
		feed.publish("Eve");
		assert_noop!(
			Hosting::publish_feed(eve(), feed.key, None, 7, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::FeedAlreadyPublished
		);
	});
}

#[test]
fn update_feed_accepts_only_a_longer_signed_state_from_the_publisher() {
	new_test_ext().execute_with(|| {
		let mut feed = TestFeed::new(2, 5);
		let id = feed.publish("Eve");
		let (old_roots, old_sig) = (feed.roots(), feed.signature(0));
		feed.grow(3);
		let update = |who: &str, length, fork, roots: Roots, sig: FeedSignature| {
			Hosting::update_feed(RuntimeOrigin::signed(account(who)), id, length, fork, roots, sig)
		};
		assert_noop!(update("Ferdie", 8, 0, feed.roots(), feed.signature(0)), Error::<Test>::NotPublisher);
		assert_noop!(update("Eve", 5, 0, old_roots, old_sig), Error::<Test>::FeedNotLonger);
		let mut bad = feed.signature(0);
		bad[0] ^= 1;
		assert_noop!(update("Eve", 8, 0, feed.roots(), bad), Error::<Test>::InvalidFeedSignature);
		assert_noop!(
			Hosting::update_feed(RuntimeOrigin::signed(account("Eve")), 99, 8, 0, feed.roots(), feed.signature(0)),
			Error::<Test>::UnknownFeed
		);
		assert_ok!(update("Eve", 8, 0, feed.roots(), feed.signature(0)));
		assert_eq!(Feeds::<Test>::get(id).unwrap().length, 8);
		System::assert_last_event(Event::FeedUpdated { feed: id, length: 8, fork: 0 }.into());
		// A later update may not take the fork id back.
		feed.grow(1);
		assert_ok!(update("Eve", 9, 2, feed.roots(), feed.signature(2)));
		feed.grow(1);
		assert_noop!(update("Eve", 10, 1, feed.roots(), feed.signature(1)), Error::<Test>::ForkWentBack);
	});
}

// ---------------------------------------------------------------- hosters

#[test]
fn register_hoster_creates_a_pending_hoster_and_its_registration_benchmark() {
	new_test_ext().execute_with(|| {
		let (feed, feed_id, id) = registered("Dave");
		let hoster = Hosters::<Test>::get(account("Dave")).unwrap();
		assert_eq!((hoster.status, hoster.hostings, hoster.registration_feed), (HosterStatus::Pending, 1, feed_id));
		assert!(Hostings::<Test>::contains_key(account("Dave"), feed_id));
		let r = request(id);
		assert_eq!((r.kind, r.length, r.feed, r.deadline), (BenchmarkKind::Registration, 9, feed_id, 1 + RESPONSE_WINDOW));
		assert!(!r.chunks.is_empty() && r.chunks.iter().all(|c| *c < 9));
		assert_eq!(r.attestors.len(), 2);
		// Regions are diverse: Bob (us) and one of Alice / Charlie (eu).
		assert!(assigned(id).contains(&"Bob"));
		for a in &r.attestors {
			assert!(Hosting::unanswered_requests(a).any(|(i, _)| i == id));
		}
		System::assert_has_event(
			Event::ProvidePerformanceBenchmark {
				request: id,
				hoster: account("Dave"),
				feed: feed_id,
				feed_key: feed.key,
				endpoint: form("Dave").endpoint,
				length: 9,
				chunks: r.chunks.clone(),
				nonce: r.nonce,
				attestors: r.attestors.to_vec(),
				deadline: r.deadline,
				kind: BenchmarkKind::Registration,
			}
			.into(),
		);
		System::assert_last_event(
			Event::HosterRegistered { hoster: account("Dave"), region: form("Dave").region, feed: feed_id }.into(),
		);
	});
}

#[test]
fn register_hoster_rejects_bad_forms_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		let dave = || RuntimeOrigin::signed(account("Dave"));
		for endpoint in [&b"ftp://host"[..], b"http://", b"http:///path", b"http://with space", b"127.0.0.1:8900"] {
			let mut f = form("Dave");
			f.endpoint = endpoint.to_vec().try_into().unwrap();
			assert_noop!(Hosting::register_hoster(dave(), f, feed), Error::<Test>::InvalidEndpoint);
		}
		let mut f = form("Dave");
		f.region = Default::default();
		assert_noop!(Hosting::register_hoster(dave(), f, feed), Error::<Test>::InvalidRegion);
		assert_noop!(Hosting::register_hoster(dave(), form("Dave"), 42), Error::<Test>::UnknownFeed);
		assert_ok!(Hosting::register_hoster(dave(), form("Dave"), feed));
		assert_noop!(Hosting::register_hoster(dave(), form("Dave"), feed), Error::<Test>::AlreadyHoster);
	});
}

#[test]
fn registration_without_an_attestor_fails_whole() {
	ext_with_attestors(&[("Dave", "eu")]).execute_with(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		// The only attestor is the hoster itself: nobody can measure it.
		assert_noop!(
			Hosting::register_hoster(RuntimeOrigin::signed(account("Dave")), form("Dave"), feed),
			Error::<Test>::NoAttestorAvailable
		);
		assert!(Hosters::<Test>::get(account("Dave")).is_none());
		assert_eq!(HostingCount::<Test>::get(), 0);
	});
}

#[test]
fn a_rating_that_meets_the_promise_activates_the_hoster() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let attestor = assigned(id)[0];
		assert_ok!(rate(attestor, id, normal(&feed, "Dave", id, attestor, 80, 1_000_000)));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		System::assert_has_event(Event::HosterActivated { hoster: account("Dave") }.into());
		let p = HosterPerformance::<Test>::get(account("Dave")).unwrap().figures;
		assert_eq!((p.samples, p.availability.mean(), p.latency_ms.mean_units()), (1, Perbill::one(), 80));
		// Recorded for the attestor's region too.
		let region = Attestors::<Test>::get(account(attestor)).unwrap().region;
		assert_eq!(RegionalPerformance::<Test>::get(account("Dave"), region).unwrap().samples, 1);
		// The attestor's answer counts for it; its open entry is gone; the request waits for the other.
		let a = Attestors::<Test>::get(account(attestor)).unwrap();
		assert_eq!((a.answered, a.reliability.mean()), (1, Perbill::one()));
		assert!(!Hosting::unanswered_requests(&account(attestor)).any(|(i, _)| i == id));
		assert_eq!(request(id).answered.to_vec(), vec![account(attestor)]);
		// The second answer closes it.
		let other = assigned(id)[1];
		assert_ok!(rate(other, id, normal(&feed, "Dave", id, other, 90, 900_000)));
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
	});
}

#[test]
fn a_registration_rating_below_the_promise_leaves_the_hoster_pending() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let attestor = assigned(id)[0];
		// Latency 500 ms against a promised 200 ms.
		assert_ok!(rate(attestor, id, normal(&feed, "Dave", id, attestor, 500, 1_000_000)));
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Pending);
		System::assert_has_event(Event::RegistrationBenchmarkFailed { hoster: account("Dave"), request: id }.into());
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
	new_test_ext().execute_with(|| {
		let (feed, feed_id, id) = registered("Dave");
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let before = HosterPerformance::<Test>::get(account("Dave")).unwrap().figures.availability.mean();
		for (n, outcome) in [
			RatingOutcome::Timeout,
			RatingOutcome::Error(ErrorKind::Unreachable),
			RatingOutcome::Error(ErrorKind::Integrity),
		]
		.into_iter()
		.enumerate()
		{
			run_to_block(2 + n as u64);
			assert_ok!(Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id));
			let id = NextRequestId::<Test>::get() - 1;
			let a = assigned(id)[0];
			assert_ok!(rate(a, id, outcome));
			assert_eq!(HosterPerformance::<Test>::get(account("Dave")).unwrap().last_rating.unwrap().outcome, outcome);
		}
		let p = HosterPerformance::<Test>::get(account("Dave")).unwrap().figures;
		assert!(p.availability.mean() < before);
		assert_eq!(p.latency_ms.count, 1, "only Normal ratings carry speed figures");
		// Availability (≈ 27%) fell below the promised 75% after 4 ratings: suspended.
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Suspended);
		// Suspended at the third rating (SuspensionMinSamples), with the figure measured then.
		let suspended: Vec<Perbill> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Hosting(Event::HosterSuspended { hoster, availability, promised }) => {
					assert_eq!((hoster, promised), (account("Dave"), Perbill::from_percent(75)));
					Some(availability)
				},
				_ => None,
			})
			.collect();
		// α = 0.81, β = 1.9 after one success and two failures at λ = 0.9.
		assert_eq!(suspended, vec![Perbill::from_rational(810u32, 2710u32)]);
		// Good ratings bring it back once availability is above the promise again.
		let mut block = 10;
		while Hosters::<Test>::get(account("Dave")).unwrap().status != HosterStatus::Active {
			block += 1;
			assert!(block < 40, "recovers within a bounded number of good ratings");
			run_to_block(block);
			assert_ok!(Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id));
			let id = NextRequestId::<Test>::get() - 1;
			let a = assigned(id)[0];
			assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		}
		assert!(HosterPerformance::<Test>::get(account("Dave")).unwrap().figures.availability.mean() >= Perbill::from_percent(75));
	});
}

#[test]
fn update_registration_makes_the_hoster_pending_and_rebenchmarks() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let mut f = form("Dave");
		f.promised.latency_ms = 20;
		assert_ok!(Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), f.clone()));
		let h = Hosters::<Test>::get(account("Dave")).unwrap();
		assert_eq!((h.status, h.form), (HosterStatus::Pending, f));
		assert_eq!(request(NextRequestId::<Test>::get() - 1).kind, BenchmarkKind::Registration);
		let mut bad = form("Dave");
		bad.endpoint = b"nope".to_vec().try_into().unwrap();
		assert_noop!(Hosting::update_registration(RuntimeOrigin::signed(account("Dave")), bad), Error::<Test>::InvalidEndpoint);
		assert_noop!(
			Hosting::update_registration(RuntimeOrigin::signed(account("Ferdie")), form("Ferdie")),
			Error::<Test>::NotHoster
		);
	});
}

#[test]
fn unregister_hoster_removes_everything_it_owned() {
	new_test_ext().execute_with(|| {
		let (feed, feed_id, id) = registered("Dave");
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let other = TestFeed::new(3, 4).publish("Eve");
		assert_ok!(Hosting::offer_hosting(RuntimeOrigin::signed(account("Dave")), other));
		// Ferdie hosts too, so the schedule has a slot to move.
		assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account("Ferdie")), form("Ferdie"), feed_id));
		assert_eq!(HostingCount::<Test>::get(), 3);
		assert_ok!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))));
		assert!(Hosters::<Test>::get(account("Dave")).is_none());
		assert!(HosterPerformance::<Test>::get(account("Dave")).is_none());
		assert_eq!(RegionalPerformance::<Test>::iter_prefix(account("Dave")).count(), 0);
		assert_eq!(Hostings::<Test>::iter_prefix(account("Dave")).count(), 0);
		// Ferdie's hosting moved into a freed slot and is still found there.
		assert_eq!(HostingCount::<Test>::get(), 1);
		let info = Hostings::<Test>::get(account("Ferdie"), feed_id).unwrap();
		assert_eq!(HostingSchedule::<Test>::get(info.slot), Some((account("Ferdie"), feed_id)));
		System::assert_last_event(Event::HosterUnregistered { hoster: account("Dave") }.into());
		assert_noop!(Hosting::unregister_hoster(RuntimeOrigin::signed(account("Dave"))), Error::<Test>::NotHoster);
	});
}

#[test]
fn offer_and_stop_hosting() {
	new_test_ext().execute_with(|| {
		let (feed, feed_id, id) = registered("Dave");
		let dave = || RuntimeOrigin::signed(account("Dave"));
		assert_noop!(Hosting::offer_hosting(RuntimeOrigin::signed(account("Ferdie")), feed_id), Error::<Test>::NotHoster);
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		assert_noop!(Hosting::offer_hosting(dave(), feed_id), Error::<Test>::AlreadyHosting);
		assert_noop!(Hosting::offer_hosting(dave(), 77), Error::<Test>::UnknownFeed);
		let f2 = TestFeed::new(4, 3).publish("Eve");
		let f3 = TestFeed::new(5, 3).publish("Eve");
		let f4 = TestFeed::new(6, 3).publish("Eve");
		assert_ok!(Hosting::offer_hosting(dave(), f2));
		System::assert_last_event(Event::HostingOffered { hoster: account("Dave"), feed: f2 }.into());
		assert_ok!(Hosting::offer_hosting(dave(), f3));
		assert_noop!(Hosting::offer_hosting(dave(), f4), Error::<Test>::TooManyHostings);
		assert_ok!(Hosting::stop_hosting(dave(), f2));
		System::assert_last_event(Event::HostingStopped { hoster: account("Dave"), feed: f2 }.into());
		assert_noop!(Hosting::stop_hosting(dave(), f2), Error::<Test>::NotHosting);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().hostings, 2);
		// Every remaining hosting sits in the slot it records.
		for (hoster, feed, info) in Hostings::<Test>::iter() {
			assert_eq!(HostingSchedule::<Test>::get(info.slot), Some((hoster, feed)));
		}
		assert_eq!(HostingCount::<Test>::get(), 2);
	});
}

// ---------------------------------------------------------------- attestors

#[test]
fn attestor_registration_and_its_failure_paths() {
	new_test_ext().execute_with(|| {
		let eu: Region = b"eu".to_vec().try_into().unwrap();
		assert_ok!(Hosting::register_attestor(RuntimeOrigin::signed(account("Dave")), eu.clone()));
		System::assert_last_event(Event::AttestorRegistered { attestor: account("Dave"), region: eu.clone() }.into());
		assert_noop!(Hosting::register_attestor(RuntimeOrigin::signed(account("Dave")), eu.clone()), Error::<Test>::AlreadyAttestor);
		assert_noop!(
			Hosting::register_attestor(RuntimeOrigin::signed(account("Eve")), b"\x01bad".to_vec().try_into().unwrap()),
			Error::<Test>::InvalidRegion
		);
		assert_ok!(Hosting::register_attestor(RuntimeOrigin::signed(account("Eve")), eu.clone()));
		// MaxAttestors is 5.
		assert_noop!(Hosting::register_attestor(RuntimeOrigin::signed(account("Ferdie")), eu), Error::<Test>::TooManyAttestors);
		assert_ok!(Hosting::unregister_attestor(RuntimeOrigin::signed(account("Dave"))));
		assert!(!ActiveAttestors::<Test>::get().iter().any(|(a, _)| *a == account("Dave")));
		assert_noop!(Hosting::unregister_attestor(RuntimeOrigin::signed(account("Dave"))), Error::<Test>::NotAttestor);
		assert_noop!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Eve"))), Error::<Test>::AttestorNotSuspended);
	});
}

#[test]
fn attestors_are_never_the_hoster_and_cover_regions() {
	new_test_ext().execute_with(|| {
		let feed = TestFeed::new(7, 9).publish("Eve");
		// Bob is the only "us" attestor and hosts now: Alice and Charlie (both eu) are chosen.
		assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account("Bob")), form("Bob"), feed));
		let id = NextRequestId::<Test>::get() - 1;
		let mut a = assigned(id);
		a.sort();
		assert_eq!(a, vec!["Alice", "Charlie"]);
	});
}

// ---------------------------------------------------------------- ratings

#[test]
fn ratings_are_rejected_unless_everything_checks_out() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let a = assigned(id)[0];
		let outsider = ["Alice", "Bob", "Charlie"].into_iter().find(|n| !assigned(id).contains(n)).unwrap();
		let good = normal(&feed, "Dave", id, a, 50, 1_000_000);
		let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
		let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));

		// Unknown request.
		assert_eq!(rate(a, id + 100, good), stale);
		// Signed by an attestor not assigned.
		let not_assigned = error_code(Error::<Test>::NotAssigned);
		assert_eq!(rate(outsider, id, normal(&feed, "Dave", id, outsider, 50, 1)), Err(not_assigned));
		// Signed by someone else than the rating's attestor.
		let (rating, _) = signed_rating(a, id, good);
		let forged = pair("Ferdie").sign(&rating.signing_payload());
		assert_eq!(submit(rating.clone(), forged), bad_proof);
		// A rating changed after signing.
		let (mut changed, sig) = signed_rating(a, id, good);
		changed.outcome = RatingOutcome::Timeout;
		assert_eq!(submit(changed, sig), bad_proof);
		// A contact proof by another key than the hoster's contact key.
		let RatingOutcome::Normal { contact_proof, .. } = good else { unreachable!() };
		let r = request(id);
		let message = hypercore_verify::contact_message(
			id,
			&r.nonce,
			&account_bytes(&account(a)),
			contact_proof.block_index,
			&contact_proof.block_hash,
		);
		let wrong_key = ContactProof { signature: contact("Mallory").sign(&message).0, ..contact_proof };
		let with = |p: ContactProof| match good {
			RatingOutcome::Normal { latency_ms, bandwidth, bytes, chunks_verified, .. } =>
				RatingOutcome::Normal { latency_ms, bandwidth, bytes, chunks_verified, contact_proof: p },
			_ => unreachable!(),
		};
		assert_eq!(rate(a, id, with(wrong_key)), bad_proof);
		// A contact proof for a chunk that was not asked.
		let unasked = (0..9).find(|c| !r.chunks.contains(c)).unwrap();
		assert_eq!(rate(a, id, with(ContactProof { block_index: unasked, ..contact_proof })), bad_proof);
		// A contact proof made for another attestor (a replayed proof).
		let other = assigned(id)[1];
		let RatingOutcome::Normal { contact_proof: others, .. } = normal(&feed, "Dave", id, other, 50, 1) else {
			unreachable!()
		};
		assert_eq!(rate(a, id, with(others)), bad_proof);
		// Nothing above changed any state.
		assert!(HosterPerformance::<Test>::get(account("Dave")).is_none());
		assert!(request(id).answered.is_empty());

		// The good rating goes through once; the same rating again is stale.
		assert_ok!(rate(a, id, good));
		assert_eq!(rate(a, id, good), stale);
		// Past the deadline the other attestor's rating is refused.
		run_to_block(1 + RESPONSE_WINDOW);
		let late = normal(&feed, "Dave", id, other, 50, 1);
		System::set_block_number(2 + RESPONSE_WINDOW);
		assert_eq!(rate(other, id, late), stale);
	});
}

fn error_code(e: Error<Test>) -> TransactionValidityError {
	use codec::Encode;
	TransactionValidityError::Invalid(InvalidTransaction::Custom(e.encode()[0]))
}

#[test]
fn authorized_ratings_provide_one_tag_per_request_and_attestor_and_live_until_the_deadline() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let [a, b] = [assigned(id)[0], assigned(id)[1]];
		let validity = |attestor| {
			let (rating, signature) = signed_rating(attestor, id, normal(&feed, "Dave", id, attestor, 50, 1));
			crate::Call::<Test>::performance_benchmark_response { rating, signature }
				.authorize(TransactionSource::External)
				.unwrap()
				.unwrap()
				.0
		};
		let (va, vb) = (validity(a), validity(b));
		assert_eq!(va.provides.len(), 1);
		assert_ne!(va.provides, vb.provides);
		// Created at block 1 with a window of 5: valid through block 6.
		assert_eq!(va.longevity, RESPONSE_WINDOW + 1);
		assert_eq!(va.priority, 1 << 20);
	});
}

#[test]
fn the_call_itself_rechecks_the_state() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let a = assigned(id)[0];
		let (rating, signature) = signed_rating(a, id, normal(&feed, "Dave", id, a, 50, 1));
		let call = crate::Call::<Test>::performance_benchmark_response { rating, signature };
		assert_ok!(call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
		// Both were valid when authorized; the second in the same block finds it answered.
		assert_noop!(
			call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()),
			Error::<Test>::AlreadyAnswered
		);
		// Only the Authorized origin may call it.
		assert_noop!(call.dispatch_bypass_filter(RuntimeOrigin::signed(account(a))), DispatchError::BadOrigin);
	});
}

/// Two registrations (Dave, Ferdie) with Alice and Bob attesting: both are assigned both requests.
fn two_requests() -> (TestFeed, [RequestId; 2]) {
	let (feed, feed_id, dave) = registered("Dave");
	assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account("Ferdie")), form("Ferdie"), feed_id));
	let ferdie = NextRequestId::<Test>::get() - 1;
	assert_eq!(assigned(dave).len(), 2);
	(feed, [dave, ferdie])
}

#[test]
fn a_batch_of_ratings_is_checked_and_applied_like_single_ratings() {
	ext_with_attestors(&[("Alice", "eu"), ("Bob", "us")]).execute_with(|| {
		let (feed, [dave, ferdie]) = two_requests();
		let ratings = [
			(dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000)),
			(ferdie, normal(&feed, "Ferdie", ferdie, "Alice", 60, 1_000_000)),
		];
		let call = batch_call("Alice", "Alice", &ratings);
		let (valid, _) = call.authorize(TransactionSource::External).unwrap().unwrap();
		// The same tags as the two ratings alone: the pool never holds one twice.
		let single_tags: Vec<_> = ratings
			.iter()
			.flat_map(|&(id, outcome)| {
				let (rating, signature) = signed_rating("Alice", id, outcome);
				crate::Call::<Test>::performance_benchmark_response { rating, signature }
					.authorize(TransactionSource::External)
					.unwrap()
					.unwrap()
					.0
					.provides
			})
			.collect();
		assert_eq!(valid.provides, single_tags);
		assert_eq!(valid.longevity, RESPONSE_WINDOW + 1);
		// Its weight is that of two ratings in a batch, as the benchmarks measured.
		assert_eq!(
			call.get_dispatch_info().call_weight,
			<() as crate::weights::WeightInfo>::performance_benchmark_responses(2)
		);

		assert_ok!(submit_call(call));
		let rated: Vec<(RequestId, AccountId)> = System::events()
			.into_iter()
			.filter_map(|e| match e.event {
				RuntimeEvent::Hosting(Event::BenchmarkRated { request, attestor, .. }) => Some((request, attestor)),
				_ => None,
			})
			.collect();
		assert_eq!(rated, vec![(dave, account("Alice")), (ferdie, account("Alice"))]);
		// Both requests wait for Bob now; each hoster has its one sample and is Active.
		for (id, hoster) in [(dave, "Dave"), (ferdie, "Ferdie")] {
			assert_eq!(request(id).answered.to_vec(), vec![account("Alice")]);
			assert_eq!(HosterPerformance::<Test>::get(account(hoster)).unwrap().figures.samples, 1);
			assert_eq!(Hosters::<Test>::get(account(hoster)).unwrap().status, HosterStatus::Active);
		}
		assert_eq!(Attestors::<Test>::get(account("Alice")).unwrap().answered, 2);
	});
}

#[test]
fn one_bad_rating_makes_the_whole_batch_invalid_and_changes_nothing() {
	ext_with_attestors(&[("Alice", "eu"), ("Bob", "us")]).execute_with(|| {
		let (feed, [dave, ferdie]) = two_requests();
		let good = (dave, normal(&feed, "Dave", dave, "Alice", 50, 1_000_000));
		let stale = Err(TransactionValidityError::Invalid(InvalidTransaction::Stale));
		let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));
		let check = |attestor: &str, signer: &str, ratings: &[(RequestId, RatingOutcome)]| {
			batch_call(attestor, signer, ratings).authorize(TransactionSource::External).unwrap().map(|_| ())
		};

		// Empty.
		assert_eq!(check("Alice", "Alice", &[]), Err(error_code(Error::<Test>::EmptyBatch)));
		// The same request twice, even with different outcomes.
		assert_eq!(
			check("Alice", "Alice", &[good, (dave, RatingOutcome::Timeout)]),
			Err(error_code(Error::<Test>::DuplicateRating))
		);
		// Signed by someone else than the batch's attestor.
		assert_eq!(check("Alice", "Bob", &[good, (ferdie, RatingOutcome::Timeout)]), bad_proof);
		// Changed after signing.
		let crate::Call::performance_benchmark_responses { attestor, mut ratings, signature } =
			batch_call("Alice", "Alice", &[good, (ferdie, RatingOutcome::Timeout)])
		else {
			unreachable!()
		};
		ratings[1].outcome = RatingOutcome::Error(ErrorKind::Unreachable);
		let changed = crate::Call::<Test>::performance_benchmark_responses { attestor, ratings, signature };
		assert_eq!(changed.authorize(TransactionSource::External).unwrap().map(|_| ()), bad_proof);
		// A contact proof made by another hoster.
		let wrong_hoster = (ferdie, normal(&feed, "Dave", ferdie, "Alice", 50, 1));
		assert_eq!(check("Alice", "Alice", &[good, wrong_hoster]), bad_proof);
		// An unknown request.
		assert_eq!(check("Alice", "Alice", &[good, (ferdie + 100, RatingOutcome::Timeout)]), stale);
		// An attestor not assigned (Charlie does not attest here).
		assert_eq!(
			check("Charlie", "Charlie", &[(ferdie, RatingOutcome::Timeout), (dave, RatingOutcome::Timeout)]),
			Err(error_code(Error::<Test>::NotAssigned))
		);
		assert!(HosterPerformance::<Test>::get(account("Dave")).is_none());
		assert!(request(dave).answered.is_empty());

		// One rating already recorded alone makes a batch carrying it stale.
		assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
		assert_eq!(check("Alice", "Alice", &[(ferdie, RatingOutcome::Timeout), good]), stale);
		assert_eq!(request(dave).answered.to_vec(), vec![account("Alice")]);
		assert!(request(ferdie).answered.is_empty());
	});
}

#[test]
fn a_batch_that_went_stale_before_inclusion_is_reverted_whole() {
	ext_with_attestors(&[("Alice", "eu"), ("Bob", "us")]).execute_with(|| {
		let (_, [dave, ferdie]) = two_requests();
		let call = batch_call("Alice", "Alice", &[(ferdie, RatingOutcome::Timeout), (dave, RatingOutcome::Timeout)]);
		assert_ok!(call.authorize(TransactionSource::External).unwrap());
		// An earlier transaction of the block answers Dave's request for Alice.
		assert_ok!(rate("Alice", dave, RatingOutcome::Timeout));
		assert_noop!(
			call.clone().dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()),
			Error::<Test>::AlreadyAnswered
		);
		// Ferdie's rating, first in the batch, was rolled back with it.
		assert!(request(ferdie).answered.is_empty());
		assert_noop!(call.dispatch_bypass_filter(RuntimeOrigin::signed(account("Alice"))), DispatchError::BadOrigin);
	});
}

// ---------------------------------------------------------------- hooks

#[test]
fn expired_requests_count_against_silent_attestors_not_the_hoster() {
	new_test_ext().execute_with(|| {
		let (feed, _, id) = registered("Dave");
		let [a, silent] = [assigned(id)[0], assigned(id)[1]];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		let figures = HosterPerformance::<Test>::get(account("Dave"));
		run_to_block(1 + RESPONSE_WINDOW);
		assert!(BenchmarkRequests::<Test>::get(id).is_some(), "still open in its deadline block");
		run_to_block(2 + RESPONSE_WINDOW);
		assert!(BenchmarkRequests::<Test>::get(id).is_none());
		assert!(!Hosting::unanswered_requests(&account(silent)).any(|(i, _)| i == id));
		System::assert_has_event(Event::RequestExpired { request: id, silent: vec![account(silent)] }.into());
		let s = Attestors::<Test>::get(account(silent)).unwrap();
		assert_eq!((s.missed, s.consecutive_misses, s.reliability.mean()), (1, 1, Perbill::zero()));
		assert_eq!(HosterPerformance::<Test>::get(account("Dave")), figures, "the hoster is not blamed");
	});
}

#[test]
fn an_attestor_that_keeps_missing_is_suspended_until_it_resumes() {
	ext_with_attestors(&[("Alice", "eu")]).execute_with(|| {
		let (_, feed_id, _) = registered("Dave");
		for block in 2..=3 {
			run_to_block(block);
			assert_ok!(Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id));
		}
		run_to_block(4 + RESPONSE_WINDOW);
		let alice = Attestors::<Test>::get(account("Alice")).unwrap();
		assert_eq!((alice.status, alice.consecutive_misses), (AttestorStatus::Suspended, 3));
		System::assert_has_event(Event::AttestorSuspended { attestor: account("Alice"), consecutive_misses: 3 }.into());
		assert!(ActiveAttestors::<Test>::get().is_empty());
		assert_noop!(
			Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id),
			Error::<Test>::NoAttestorAvailable
		);
		assert_ok!(Hosting::resume_attestor(RuntimeOrigin::signed(account("Alice"))));
		System::assert_last_event(Event::AttestorResumed { attestor: account("Alice") }.into());
		assert_ok!(Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id));
	});
}

#[test]
fn periodic_rounds_are_bounded_and_rotate_over_all_hostings() {
	new_test_ext().execute_with(|| {
		let feed = TestFeed::new(7, 9);
		let feed_id = feed.publish("Eve");
		// Five hosters on one feed.
		for name in ["Dave", "Eve", "Ferdie"] {
			assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account(name)), form(name), feed_id));
		}
		run_to_block(2);
		for name in ["Alice", "Bob"] {
			assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account(name)), form(name), feed_id));
		}
		// Activate them directly and drop their registration requests, so no attestor
		// is suspended for missing them.
		for (who, mut h) in Hosters::<Test>::iter().collect::<Vec<_>>() {
			h.status = HosterStatus::Active;
			Hosters::<Test>::insert(who, h);
		}
		let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
		let mut seen = std::collections::BTreeMap::<&str, u32>::new();
		for round in 1..=5u64 {
			let before = NextRequestId::<Test>::get();
			run_to_block(round * BENCHMARK_PERIOD);
			let created: Vec<RequestId> = (before..NextRequestId::<Test>::get()).collect();
			assert_eq!(created.len(), 2, "MaxBenchmarksPerBlock per round");
			for id in created {
				let r = BenchmarkRequests::<Test>::get(id).unwrap();
				assert_eq!(r.kind, BenchmarkKind::Periodic);
				*seen.entry(name_of(&r.hoster)).or_default() += 1;
			}
			// Unanswered, they would suspend the attestors; this test is about the schedule.
			let _ = BenchmarkRequests::<Test>::clear(u32::MAX, None);
		}
		// 5 rounds × 2 = 10 requests over 5 hostings: each exactly twice.
		assert_eq!(seen.values().copied().collect::<Vec<_>>(), vec![2; 5], "{seen:?}");
		// Blocks between rounds create nothing.
		let before = NextRequestId::<Test>::get();
		run_to_block(5 * BENCHMARK_PERIOD + 3);
		assert_eq!(NextRequestId::<Test>::get(), before);
	});
}

#[test]
fn on_demand_requests_are_bounded_per_block() {
	new_test_ext().execute_with(|| {
		let (_, feed_id, _) = registered("Dave");
		let eve = || RuntimeOrigin::signed(account("Eve"));
		// MaxRequestsPerBlock is 4; registration used one.
		for _ in 0..3 {
			assert_ok!(Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id));
		}
		assert_noop!(Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id), Error::<Test>::TooManyRequests);
		run_to_block(2);
		assert_ok!(Hosting::request_performance_benchmark(eve(), account("Dave"), feed_id));
		assert_noop!(Hosting::request_performance_benchmark(eve(), account("Ferdie"), feed_id), Error::<Test>::NotHoster);
		let other = TestFeed::new(2, 2).publish("Eve");
		assert_noop!(Hosting::request_performance_benchmark(eve(), account("Dave"), other), Error::<Test>::NotHosting);
		assert_eq!(last_event(), RuntimeEvent::Hosting(Event::FeedPublished { feed: other, key: TestFeed::new(2, 2).key, publisher: account("Eve"), length: 2 }));
	});
}

// ---------------------------------------------------------------- does_qualify

#[test]
fn does_qualify_answers_with_reasons_and_figures() {
	new_test_ext().execute_with(|| {
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
		assert_eq!(q.reasons, vec![Reason::NotActive, Reason::TooFewSamples { measured: 0, required: 1 }]);
		let a = assigned(id)[0];
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 50, 1_000_000)));
		assert!(Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs).qualifies);
		// The hoster goes away: the next benchmark times out.
		run_to_block(2);
		assert_ok!(Hosting::request_performance_benchmark(RuntimeOrigin::signed(account("Eve")), account("Dave"), feed_id));
		let id = NextRequestId::<Test>::get() - 1;
		assert_ok!(rate(assigned(id)[0], id, RatingOutcome::Error(ErrorKind::Unreachable)));
		let measured = HosterPerformance::<Test>::get(account("Dave")).unwrap().figures.availability.mean();
		let q = Hosting::does_qualify(&account("Dave"), Role::Hoster, &needs);
		assert!(!q.qualifies);
		assert_eq!(q.reasons, vec![Reason::AvailabilityBelow { measured, required: Perbill::from_percent(90) }]);
		// Judged from a region no attestor there measured.
		let mars: Region = b"mars".to_vec().try_into().unwrap();
		let q = Hosting::does_qualify(&account("Dave"), Role::Hoster, &Requirements { region: Some(mars.clone()), ..Default::default() });
		assert_eq!(q.reasons, vec![Reason::RegionNotServed { region: mars }]);
		// Attestors: the one that answered twice qualifies.
		assert!(Hosting::does_qualify(&account(a), Role::Attestor, &Requirements { min_availability: Some(Perbill::from_percent(99)), ..Default::default() }).qualifies);
		assert_eq!(Hosting::does_qualify(&account("Dave"), Role::Attestor, &Requirements::default()).reasons, vec![Reason::NotRegistered]);
	});
}

#[test]
fn hoster_performance_and_open_requests_views() {
	new_test_ext().execute_with(|| {
		let (feed, feed_id, id) = registered("Dave");
		let [a, b] = [assigned(id)[0], assigned(id)[1]];
		let open = Hosting::open_requests_for(&account(a));
		assert_eq!(open.len(), 1);
		assert_eq!((open[0].id, open[0].feed, open[0].feed_key, open[0].length), (id, feed_id, feed.key, 9));
		assert_eq!(open[0].endpoint, b"http://127.0.0.1:8900".to_vec());
		assert_ok!(rate(a, id, normal(&feed, "Dave", id, a, 100, 2_000_000)));
		assert!(Hosting::open_requests_for(&account(a)).is_empty());
		assert_eq!(Hosting::open_requests_for(&account(b)).len(), 1);
		let s = Hosting::hoster_performance(&account("Dave")).unwrap();
		assert_eq!((s.status, s.latency_ms, s.bandwidth, s.samples), (HosterStatus::Active, 100, 2_000_000, 1));
		assert!(Hosting::hoster_performance(&account("Ferdie")).is_none());
	});
}

// ---------------------------------------------------------------- genesis

#[test]
fn genesis_registers_feeds_hosters_and_attestors() {
	let feed = TestFeed::new(11, 6);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	use sp_runtime::BuildStorage;
	crate::GenesisConfig::<Test> {
		attestors: vec![(account("Alice"), b"eu".to_vec())],
		feeds: vec![GenesisFeed {
			publisher: account("Eve"),
			key: feed.key,
			manifest: None,
			length: 6,
			fork: 0,
			roots: feed.roots().iter().map(|n| (n.index, n.size, n.hash)).collect(),
			signature: feed.signature(0).to_vec(),
		}],
		hosters: vec![GenesisHoster {
			account: account("Dave"),
			endpoint: b"http://127.0.0.1:8900".to_vec(),
			region: b"eu".to_vec(),
			availability: Perbill::from_percent(90),
			latency_ms: 100,
			bandwidth: 1_000_000,
			capacity_bytes: 1 << 30,
			contact_key: contact("Dave").public().0,
			feed: 0,
		}],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(Feeds::<Test>::get(0).unwrap().key, feed.key);
		assert_eq!(Hosters::<Test>::get(account("Dave")).unwrap().status, HosterStatus::Active);
		assert!(Hostings::<Test>::contains_key(account("Dave"), 0));
		assert!(Attestors::<Test>::contains_key(account("Alice")));
	});
}

#[test]
#[should_panic(expected = "genesis feed does not verify")]
fn genesis_refuses_an_invalid_feed() {
	let feed = TestFeed::new(11, 6);
	let mut signature = feed.signature(0).to_vec();
	signature[0] ^= 1;
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	use sp_runtime::BuildStorage;
	let _ = crate::GenesisConfig::<Test> {
		attestors: vec![],
		feeds: vec![GenesisFeed {
			publisher: account("Eve"),
			key: feed.key,
			manifest: None,
			length: 6,
			fork: 0,
			roots: feed.roots().iter().map(|n| (n.index, n.size, n.hash)).collect(),
			signature,
		}],
		hosters: vec![],
	}
	.assimilate_storage(&mut storage);
}

#[test]
fn sampled_chunks_are_below_the_length_and_distinct() {
	for length in [1u64, 2, 3, 9, 1_000_000] {
		for seed in 0..20u8 {
			let chunks = sample_chunks(&[seed; 32], length, 4);
			assert!(!chunks.is_empty() && chunks.len() <= 4);
			assert!(chunks.iter().all(|c| *c < length));
			assert!(chunks.windows(2).all(|w| w[0] < w[1]));
		}
	}
	assert!(sample_chunks(&[0; 32], 0, 4).is_empty());
}

#[test]
fn endpoint_and_region_validation() {
	assert!(is_valid_endpoint(b"http://127.0.0.1:8900"));
	assert!(is_valid_endpoint(b"https://hoster.example/api/"));
	for bad in [&b""[..], b"http://", b"https://", b"http:///x", b"ws://a", b"http://a b", b"http://a\n"] {
		assert!(!is_valid_endpoint(bad), "{:?}", core::str::from_utf8(bad));
	}
	assert!(is_valid_region(b"eu-west 1"));
	assert!(!is_valid_region(b""));
	assert!(!is_valid_region(b"\xffx"));
}
