//! Benchmarks of `pallet-hosting` (FRAME v2): every call, the authorization of
//! a rating (both signature checks), and the worst case of `on_initialize`.
//! Keys are generated and used through the keystore host functions, so the
//! same code runs in the mock (`cargo test --features runtime-benchmarks`) and
//! under frame-omni-bencher (`scripts/bench/weights.sh`).

use super::*;
use crate::Pallet as Hosting;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Authorize, Get, Hooks},
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use hypercore_verify::{
	feed::{manifest_hash, manifest_signable},
	flat, hashes, SpIo, MAX_LENGTH,
};
use sp_core::{crypto::KeyTypeId, ed25519, sr25519};
use sp_runtime::{
	traits::{One, Saturating},
	Perbill,
};

/// Key type for the benchmark's ed25519 keys (feed signers, contact keys).
const BENCH_KEY: KeyTypeId = KeyTypeId(*b"bnch");

fn ed_key() -> ed25519::Public {
	sp_io::crypto::ed25519_generate(BENCH_KEY, None)
}

fn ed_sign(key: &ed25519::Public, message: &[u8]) -> [u8; 64] {
	sp_io::crypto::ed25519_sign(BENCH_KEY, key, message)
		.expect("the key is in the keystore")
		.0
}

/// A manifest-mode feed at `length` signed by `signer`: (key, manifest, roots, signature).
fn signed_feed(
	length: u64,
	signer: &ed25519::Public,
) -> ([u8; 32], Manifest, Roots, FeedSignature) {
	let roots: Vec<Node> = flat::full_roots(length)
		.map(|index| Node {
			index,
			size: 1,
			hash: sp_io::hashing::blake2_256(&index.to_le_bytes()),
		})
		.collect();
	let manifest = hypercore_verify::wire::default_manifest(&signer.0);
	let key = manifest_hash::<SpIo>(&manifest);
	let tree_hash = hashes::tree::<SpIo>(&roots);
	let mut blob = vec![1u8, 0];
	blob.extend_from_slice(&ed_sign(signer, &manifest_signable(&key, &tree_hash, length, 0)));
	blob.extend_from_slice(&[0, 0]);
	(
		key,
		manifest.try_into().expect("short manifest"),
		roots.try_into().expect("at most 63 roots"),
		blob.try_into().expect("short signature"),
	)
}

/// A feed record stored directly (setup only; `publish_feed` is benchmarked on its own).
fn stored_feed<T: Config>(publisher: &T::AccountId, length: u64) -> FeedId {
	let id = NextFeedId::<T>::get();
	let (key, manifest, roots, signature) = signed_feed(length, &ed_key());
	Feeds::<T>::insert(
		id,
		Feed {
			key,
			signer: [0; 32],
			mode: KeyMode::Manifest,
			manifest: Some(manifest),
			length,
			fork: 0,
			roots,
			signature,
			publisher: publisher.clone(),
			updated_at: Default::default(),
		},
	);
	FeedByKey::<T>::insert(key, id);
	NextFeedId::<T>::put(id + 1);
	id
}

fn region(i: u32) -> Region {
	let mut r = b"region-".to_vec();
	r.extend_from_slice(&i.to_le_bytes().map(|b| b'a' + b % 26));
	r.try_into().expect("short region")
}

/// Exactly `n` active attestors in distinct regions, with their sr25519 keys.
/// Attestors from the runtime's genesis (frame-omni-bencher runs on the
/// development preset, where Alice attests) are removed first: their keys are
/// not in the benchmark keystore, and they would take the room the worst case
/// needs.
fn attestors<T: Config>(n: u32) -> Vec<(T::AccountId, sr25519::Public)>
where
	T::AccountId: From<sr25519::Public>,
{
	ActiveAttestors::<T>::kill();
	let _ = Attestors::<T>::clear(u32::MAX, None);
	more_attestors::<T>(n, 0)
}

/// `n` more active attestors, in regions numbered from `first_region`.
fn more_attestors<T: Config>(n: u32, first_region: u32) -> Vec<(T::AccountId, sr25519::Public)>
where
	T::AccountId: From<sr25519::Public>,
{
	(first_region..first_region + n)
		.map(|i| {
			let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			let account: T::AccountId = key.into();
			Hosting::<T>::do_register_attestor(account.clone(), region(i))
				.expect("room for attestors");
			(account, key)
		})
		.collect()
}

fn form(contact_key: [u8; 32]) -> HosterForm {
	HosterForm {
		endpoint: b"https://hoster.example:8900/a/long/enough/path".to_vec().try_into().unwrap(),
		region: b"benchmark-region".to_vec().try_into().unwrap(),
		promised: Promise {
			availability: Perbill::from_percent(90),
			latency_ms: 1_000,
			bandwidth_bytes_per_sec: 1,
		},
		capacity_bytes: u64::MAX,
		contact_key,
	}
}

/// An Active hoster hosting `feed`.
fn active_hoster<T: Config>(who: &T::AccountId, feed: FeedId, contact_key: [u8; 32]) {
	Hosters::<T>::insert(
		who,
		Hoster {
			form: form(contact_key),
			status: HosterStatus::Active,
			registered_at: Default::default(),
			hostings: 0,
			registration_feed: feed,
		},
	);
	Hosting::<T>::add_hosting(who, feed).expect("room for hostings");
}

/// A hoster registered on a feed, its registration request, and everything to rate it.
struct RatedSetup<T: Config> {
	request: RequestId,
	rating: Rating<T::AccountId>,
	signature: T::Signature,
}

/// `n` hosters, each registered on a feed of its own, with a Normal rating of
/// each registration benchmark that activates it, all signed by one attestor
/// (as the off-chain worker batches them; every request is assigned to all
/// `AttestorsPerRequest` attestors). Registrations move to the next block
/// when one is full (`MaxRequestsPerBlock`); all stay open.
fn rating_setups<T: Config>(n: u32) -> Vec<RatedSetup<T>>
where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
{
	let keys = attestors::<T>(T::AttestorsPerRequest::get());
	let (attestor, key) = keys.first().cloned().expect("at least one attestor per request");
	(0..n)
		.map(|i| {
			if i > 0 && i % T::MaxRequestsPerBlock::get() == 0 {
				let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
				frame_system::Pallet::<T>::set_block_number(next);
			}
			let hoster: T::AccountId = account("hoster", i, 0);
			let feed = stored_feed::<T>(&hoster, 1_000_000);
			let contact = ed_key();
			Hosting::<T>::register_hoster(RawOrigin::Signed(hoster).into(), form(contact.0), feed)
				.expect("registers");
			let request = NextRequestId::<T>::get() - 1;
			let r = BenchmarkRequests::<T>::get(request).expect("request created");
			assert!(r.attestors.contains(&attestor), "every attestor is assigned");
			let block_index = r.chunks[0];
			let block_hash = [7u8; 32];
			let message = hypercore_verify::contact_message(
				request,
				&r.nonce,
				&account_bytes(&attestor),
				block_index,
				&block_hash,
			);
			let outcome = RatingOutcome::Normal {
				latency_ms: 10,
				bandwidth_bytes_per_sec: 1_000_000_000,
				bytes: 256 * 1024,
				chunks_verified: r.chunks.len() as u32,
				contact_proof: ContactProof {
					block_index,
					block_hash,
					signature: ed_sign(&contact, &message),
				},
			};
			let rating = Rating { request_id: request, attestor: attestor.clone(), outcome };
			let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &rating.signing_payload())
				.expect("the key is in the keystore");
			RatedSetup { request, rating, signature: signature.into() }
		})
		.collect()
}

fn rating_setup<T: Config>() -> RatedSetup<T>
where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
{
	rating_setups::<T>(1).pop().expect("one setup")
}

/// The batch call for the setups, all rated by the one attestor, signed once.
fn batch_call<T: Config>(setups: &[RatedSetup<T>]) -> Call<T>
where
	T::Signature: From<sr25519::Signature>,
{
	let attestor = setups.first().map(|s| s.rating.attestor.clone()).expect("at least one rating");
	let ratings: Vec<BatchedRating> = setups
		.iter()
		.map(|s| BatchedRating { request_id: s.rating.request_id, outcome: s.rating.outcome })
		.collect();
	let key = sr25519::Public::from_raw(account_bytes(&attestor));
	let signature =
		sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &batch_signing_payload(&attestor, &ratings))
			.expect("the key is in the keystore");
	let ratings = ratings.try_into().ok().expect("at most MaxRatingsPerBatch");
	Call::<T>::performance_benchmark_responses { attestor, ratings, signature: signature.into() }
}

#[benchmarks(where T::AccountId: From<sr25519::Public>, T::Signature: From<sr25519::Signature>)]
mod benchmarks {
	use super::*;

	/// A manifest-mode feed with the most roots a tree can have (63).
	#[benchmark]
	fn publish_feed() {
		let caller: T::AccountId = whitelisted_caller();
		let (key, manifest, roots, signature) = signed_feed(MAX_LENGTH, &ed_key());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), key, Some(manifest), MAX_LENGTH, 0, roots, signature);
		assert!(FeedByKey::<T>::contains_key(key));
	}

	#[benchmark]
	fn update_feed() {
		let caller: T::AccountId = whitelisted_caller();
		let signer = ed_key();
		let (key, manifest, roots, signature) = signed_feed(1, &signer);
		Hosting::<T>::publish_feed(
			RawOrigin::Signed(caller.clone()).into(),
			key,
			Some(manifest),
			1,
			0,
			roots,
			signature,
		)
		.expect("publishes");
		let (_, _, roots, signature) = signed_feed(MAX_LENGTH, &signer);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0, MAX_LENGTH, 0, roots, signature);
		assert_eq!(Feeds::<T>::get(0).map(|f| f.length), Some(MAX_LENGTH));
	}

	/// `a`: registered attestors the assignment looks through.
	#[benchmark]
	fn register_hoster(a: Linear<1, { T::MaxAttestors::get() }>) {
		attestors::<T>(a);
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, 1_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), form(ed_key().0), feed);
		assert_eq!(Hosters::<T>::get(&caller).map(|h| h.status), Some(HosterStatus::Pending));
	}

	#[benchmark]
	fn update_registration(a: Linear<1, { T::MaxAttestors::get() }>) {
		attestors::<T>(a);
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, 1_000_000);
		active_hoster::<T>(&caller, feed, ed_key().0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), form(ed_key().0));
		assert_eq!(Hosters::<T>::get(&caller).map(|h| h.status), Some(HosterStatus::Pending));
	}

	/// `h`: hostings removed with the hoster.
	#[benchmark]
	fn unregister_hoster(h: Linear<1, { T::MaxHostingsPerHoster::get() }>) {
		let caller: T::AccountId = whitelisted_caller();
		let first = stored_feed::<T>(&caller, 8);
		active_hoster::<T>(&caller, first, ed_key().0);
		for _ in 1..h {
			let feed = stored_feed::<T>(&caller, 8);
			Hosting::<T>::add_hosting(&caller, feed).expect("room");
		}
		// Another hoster's hosting sits in the last schedule slot and must move.
		let other: T::AccountId = account("other", 0, 0);
		active_hoster::<T>(&other, first, ed_key().0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(Hosters::<T>::get(&caller).is_none());
		assert_eq!(HostingCount::<T>::get(), 1);
	}

	#[benchmark]
	fn register_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), region(u32::MAX));
		assert!(Attestors::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn unregister_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		Hosting::<T>::do_register_attestor(caller.clone(), region(u32::MAX)).expect("room");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(!Attestors::<T>::contains_key(&caller));
	}

	#[benchmark]
	fn resume_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		Hosting::<T>::do_register_attestor(caller.clone(), region(u32::MAX)).expect("room");
		for _ in 0..T::MaxConsecutiveMisses::get() {
			Hosting::<T>::note_missed(&caller);
		}
		assert_eq!(Attestors::<T>::get(&caller).map(|a| a.status), Some(AttestorStatus::Suspended));
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert_eq!(Attestors::<T>::get(&caller).map(|a| a.status), Some(AttestorStatus::Active));
	}

	#[benchmark]
	fn offer_hosting() {
		let caller: T::AccountId = whitelisted_caller();
		let first = stored_feed::<T>(&caller, 8);
		active_hoster::<T>(&caller, first, ed_key().0);
		let feed = stored_feed::<T>(&caller, 8);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), feed);
		assert!(Hostings::<T>::contains_key(&caller, feed));
	}

	#[benchmark]
	fn stop_hosting() {
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, 8);
		active_hoster::<T>(&caller, feed, ed_key().0);
		let other: T::AccountId = account("other", 0, 0);
		active_hoster::<T>(&other, feed, ed_key().0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), feed);
		assert!(!Hostings::<T>::contains_key(&caller, feed));
	}

	#[benchmark]
	fn request_performance_benchmark(a: Linear<1, { T::MaxAttestors::get() }>) {
		attestors::<T>(a);
		let hoster: T::AccountId = account("hoster", 0, 0);
		let feed = stored_feed::<T>(&hoster, 1_000_000);
		active_hoster::<T>(&hoster, feed, ed_key().0);
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), hoster, feed);
		assert_eq!(NextRequestId::<T>::get(), 1);
	}

	/// A Normal rating of a registration benchmark that activates the hoster.
	#[benchmark]
	fn performance_benchmark_response() {
		let RatedSetup { request, rating, signature } = rating_setup::<T>();
		let hoster = BenchmarkRequests::<T>::get(request).map(|r| r.hoster).expect("open");
		#[extrinsic_call]
		_(RawOrigin::Authorized, rating, signature);
		assert_eq!(Hosters::<T>::get(&hoster).map(|h| h.status), Some(HosterStatus::Active));
	}

	/// Authorizing a Normal rating: the attestor's sr25519 signature and the
	/// hoster's ed25519 contact proof.
	#[benchmark]
	fn authorize_performance_benchmark_response() -> Result<(), BenchmarkError> {
		let RatedSetup { rating, signature, .. } = rating_setup::<T>();
		let call = Call::<T>::performance_benchmark_response { rating, signature };
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("the call defines authorize")?
				.map_err(|_| "the rating is valid")?;
		}
		Ok(())
	}

	/// `n` Normal ratings of one attestor in one batch, each of a registration
	/// benchmark that activates its hoster.
	#[benchmark]
	fn performance_benchmark_responses(
		n: Linear<1, { T::MaxRatingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let setups = rating_setups::<T>(n);
		let Call::<T>::performance_benchmark_responses { attestor, ratings, signature } =
			batch_call::<T>(&setups)
		else {
			return Err("a batch call".into());
		};
		#[extrinsic_call]
		_(RawOrigin::Authorized, attestor, ratings, signature);
		for i in 0..n {
			let hoster: T::AccountId = account("hoster", i, 0);
			assert_eq!(Hosters::<T>::get(&hoster).map(|h| h.status), Some(HosterStatus::Active));
		}
		Ok(())
	}

	/// Authorizing `n` Normal ratings in one batch: the attestor's one
	/// signature, each hoster's contact proof, and the check that none repeats.
	#[benchmark]
	fn authorize_performance_benchmark_responses(
		n: Linear<1, { T::MaxRatingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let call = batch_call::<T>(&rating_setups::<T>(n));
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("the call defines authorize")?
				.map_err(|_| "the ratings are valid")?;
		}
		Ok(())
	}

	/// `e` requests expire with every attestor silent; a periodic round schedules `p` hostings.
	#[benchmark]
	fn on_initialize(
		e: Linear<0, { T::MaxRequestsPerBlock::get() }>,
		p: Linear<0, { T::MaxBenchmarksPerBlock::get() }>,
	) {
		attestors::<T>(T::AttestorsPerRequest::get() + 1);
		let window = T::ResponseWindow::get();
		let period = T::BenchmarkPeriod::get();
		// Create the requests in a block such that the block closing them is a periodic one.
		let mut closing = period;
		while closing <= window.saturating_add(One::one()) {
			closing = closing.saturating_add(period);
		}
		let created: BlockNumberFor<T> = closing.saturating_sub(window).saturating_sub(One::one());
		frame_system::Pallet::<T>::set_block_number(created);
		let owner: T::AccountId = account("owner", 0, 0);
		let feed = stored_feed::<T>(&owner, 1_000_000);
		for i in 0..p.max(1) {
			let hoster: T::AccountId = account("hoster", i, 0);
			active_hoster::<T>(&hoster, feed, ed_key().0);
		}
		if p == 0 {
			let _ = HostingSchedule::<T>::clear(u32::MAX, None);
			HostingCount::<T>::put(0);
		}
		let hoster: T::AccountId = account("hoster", 0, 0);
		for _ in 0..e {
			Hosting::<T>::create_request(&hoster, feed, BenchmarkKind::OnDemand)
				.expect("within the block's budget");
		}
		// The attestors above stay silent; many misses suspend them (the heavier
		// path). Fresh attestors take the periodic requests.
		let room = T::MaxAttestors::get().saturating_sub(ActiveAttestors::<T>::get().len() as u32);
		more_attestors::<T>(
			(T::AttestorsPerRequest::get() + 1).min(room),
			T::AttestorsPerRequest::get() + 1,
		);
		frame_system::Pallet::<T>::set_block_number(closing);
		#[block]
		{
			Hosting::<T>::on_initialize(closing);
		}
		assert_eq!(NextRequestId::<T>::get(), (e + p) as u64);
		assert!(RequestsByDeadline::<T>::get(created.saturating_add(window)).is_empty());
	}

	impl_benchmark_test_suite!(Hosting, crate::tests::new_bench_ext(), crate::tests::Test);
}
