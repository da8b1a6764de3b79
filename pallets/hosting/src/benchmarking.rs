//! Benchmarks of `pallet-hosting` (FRAME v2): every call, the authorization of
//! a rating (its signatures, contact proof and Merkle path), a rating that
//! closes its committee, and the worst case of `on_initialize`.
//! Keys are generated and used through the keystore host functions, so the
//! same code runs in the mock (`cargo test --features runtime-benchmarks`) and
//! under frame-omni-bencher (`scripts/bench/weights.sh`).

use super::*;
use crate::Pallet as Hosting;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{fungible, Authorize, Consideration, Footprint, Get, Hooks},
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

/// Gives `who` enough to hold any of the pallet's deposits, several times over.
fn afford<T: Config>(who: &T::AccountId) {
	let plenty = Footprint::from_parts(1, 64 * 1024);
	T::FeedConsideration::ensure_successful(who, plenty);
	T::HosterConsideration::ensure_successful(who, plenty);
	T::HostingConsideration::ensure_successful(who, plenty);
	T::RequestConsideration::ensure_successful(who, plenty);
}

/// A feed record stored directly, its deposit held (setup only;
/// `publish_feed` is benchmarked on its own): a signed one of `length`
/// blocks, or with `uniform` the [`uniform_tree`] of [`TREE_DEPTH`] (whose
/// signature is not checked here).
fn stored_feed<T: Config>(publisher: &T::AccountId, length: u64) -> FeedId {
	stored_feed_with::<T>(publisher, length, false)
}

fn stored_feed_with<T: Config>(publisher: &T::AccountId, length: u64, uniform: bool) -> FeedId {
	let id = NextFeedId::<T>::get();
	let (key, manifest, mut roots, signature) = signed_feed(length, &ed_key());
	let mut length = length;
	if uniform {
		roots = uniform_tree(TREE_DEPTH).0;
		length = 1u64 << TREE_DEPTH;
	}
	let feed = Feed {
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
	};
	afford::<T>(publisher);
	Hosting::<T>::hold_feed_deposit(publisher, id, &feed).expect("afforded");
	Feeds::<T>::insert(id, feed);
	FeedByKey::<T>::insert(key, id);
	NextFeedId::<T>::put(id + 1);
	id
}

fn region(i: u32) -> Region {
	let mut r = b"region-".to_vec();
	r.extend_from_slice(&i.to_le_bytes().map(|b| b'a' + b % 26));
	r.try_into().expect("short region")
}

/// Exactly `n` active attestors in distinct regions, with their sr25519
/// signing keys. Attestors from the runtime's genesis (frame-omni-bencher
/// runs on the development preset) are removed first: their keys are not in
/// the benchmark keystore, and they would take the room the worst case needs.
fn attestors<T: Config>(n: u32) -> Vec<(T::AccountId, sr25519::Public)>
where
	T::AccountId: From<sr25519::Public>,
{
	ActiveAttestors::<T>::kill();
	let _ = Attestors::<T>::clear(u32::MAX, None);
	let _ = AttestorKeys::<T>::clear(u32::MAX, None);
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
			let who: T::AccountId = account("attestor", i, 0);
			Hosting::<T>::do_register_attestor(who.clone(), region(i), key.into(), false)
				.expect("room for attestors");
			(who, key)
		})
		.collect()
}

/// A feed of `2^depth` identical blocks: every node at one depth has the same
/// hash, so the Merkle path of any block is known without building the tree.
/// Returns the feed's roots and, per depth, the (hash, size) of its nodes.
fn uniform_tree(depth: u32) -> (Roots, Vec<([u8; 32], u64)>) {
	let block = [7u8; 64];
	let mut level = vec![(hashes::leaf::<SpIo>(&block), block.len() as u64)];
	for d in 0..depth {
		let (hash, size) = level[d as usize];
		let node = Node { index: 0, size, hash };
		level.push((hashes::parent::<SpIo>(&node, &node, size * 2), size * 2));
	}
	let (hash, size) = level[depth as usize];
	let root = Node { index: (1u64 << depth) - 1, size, hash };
	(vec![root].try_into().expect("one root"), level)
}

/// The Merkle path of `block` in [`uniform_tree`] of `depth`.
fn uniform_path(block: u64, level: &[([u8; 32], u64)], depth: u32) -> BlockInclusion {
	let mut index = flat::leaf(block).expect("small index");
	let mut nodes = Vec::new();
	for d in 0..depth {
		let (hash, size) = level[d as usize];
		nodes.push(Node { index: flat::sibling(index).expect("in the tree"), size, hash });
		index = flat::parent(index).expect("in the tree");
	}
	BlockInclusion {
		size: level[0].1,
		nodes: nodes.try_into().expect("at most 64 nodes"),
		roots: Default::default(),
	}
}

/// Depth of the benchmark feeds: 2^40 blocks, deeper than any feed served today.
const TREE_DEPTH: u32 = 40;

fn form(contact_key: [u8; 32]) -> HosterForm {
	HosterForm {
		// The longest an endpoint can be: 128 bytes.
		endpoint: b"https://a-hoster-whose-name-is-as-long-as-an-endpoint-may-be.with-several-labels.in-the-benchmarks.hosting-net.example.org:65535"
			.to_vec()
			.try_into()
			.unwrap(),
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

/// An Active hoster hosting `feed`, its deposits held.
fn active_hoster<T: Config>(who: &T::AccountId, feed: FeedId, contact_key: [u8; 32]) {
	let hoster = Hoster {
		form: form(contact_key),
		status: HosterStatus::Active,
		registered_at: Default::default(),
		hostings: 0,
		registration_feed: feed,
	};
	afford::<T>(who);
	Hosting::<T>::hold_hoster_deposit(who, &hoster).expect("afforded");
	Hosters::<T>::insert(who, hoster);
	hosting::<T>(who, feed);
}

/// `who` hosts `feed`, its deposit held.
fn hosting<T: Config>(who: &T::AccountId, feed: FeedId) {
	Hosting::<T>::add_hosting(who, feed).expect("room for hostings");
	afford::<T>(who);
	Hosting::<T>::hold_hosting_deposit(who, feed).expect("afforded");
}

/// A hoster registered on a feed, its registration request, and everything to rate it.
struct RatedSetup<T: Config> {
	request: RequestId,
	rating: Rating<T::AccountId, T::Signature>,
	signature: T::Signature,
}

/// `n` hosters, each registered on a feed of its own, whose registration
/// requests' committees (all `AttestorsPerRequest` attestors) have rated but
/// for one attestor, the same for every request; and that attestor's Normal
/// ratings, each closing its request and activating its hoster (the worst
/// case of a rating: the verdict, a disagreeing member's record, the regional
/// figures, the status). Registrations move to the next block when one is
/// full (`MaxRequestsPerBlock`); all are assigned and stay open.
fn rating_setups<T: Config>(n: u32) -> Vec<RatedSetup<T>>
where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
{
	rating_setups_closing::<T>(n, n)
}

/// As [`rating_setups`], but only the first `closing` ratings complete their
/// committee (the others are the first of their request). All share the
/// round they were assigned in, so one chunk seed serves them all.
fn rating_setups_closing<T: Config>(n: u32, closing: u32) -> Vec<RatedSetup<T>>
where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
{
	let committee = T::AttestorsPerRequest::get();
	let keys = attestors::<T>(committee);
	let (attestor, key) = keys.first().cloned().expect("at least one attestor per request");
	let (_, level) = uniform_tree(TREE_DEPTH);
	let mut hosters = Vec::new();
	for i in 0..n {
		if i > 0 && i % T::MaxRequestsPerBlock::get() == 0 {
			next_block::<T>();
		}
		let hoster: T::AccountId = account("hoster", i, 0);
		let feed = stored_feed_with::<T>(&hoster, 1, true);
		let contact = ed_key();
		Hosting::<T>::register_hoster(
			RawOrigin::Signed(hoster.clone()).into(),
			form(contact.0),
			feed,
		)
		.expect("registers");
		// One round for all, as in a block of on-demand requests (setup only:
		// registrations past their budget would queue).
		RequestsInBlock::<T>::kill();
		hosters.push((NextRequestId::<T>::get() - 1, contact));
	}
	next_block::<T>();
	let mut seeds: Vec<([u8; 32], T::Signature)> = Vec::new();
	hosters
		.into_iter()
		.enumerate()
		.map(|(i, (request, contact))| {
			let mut r = BenchmarkRequests::<T>::get(request).expect("request assigned");
			assert!(r.attestors.contains(&attestor), "every attestor is in every committee");
			// The others rated already; with three or more, the last one disagrees.
			let others = if (i as u32) < closing { keys.len() } else { 1 };
			for (k, (other, _)) in keys.iter().enumerate().take(others).skip(1) {
				let measurement = if committee >= 3 && k as u32 == committee - 1 {
					Measurement::Timeout
				} else {
					Measurement::Served {
						latency_ms: 10,
						bandwidth_bytes_per_sec: 1_000_000_000,
						chunks_verified: T::ChunksPerBenchmark::get(),
						chunks_asked: T::ChunksPerBenchmark::get(),
					}
				};
				r.votes.try_push(Vote { attestor: other.clone(), measurement }).expect("room");
			}
			BenchmarkRequests::<T>::insert(request, &r);
			// One seed per round, as the worker signs it (sr25519 signatures are randomized).
			let chunk_seed: T::Signature = match seeds.iter().find(|(nonce, _)| *nonce == r.nonce) {
				Some((_, seed)) => seed.clone(),
				None => {
					let seed: T::Signature =
						sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &chunk_seed_payload(&r.nonce))
							.expect("the key is in the keystore")
							.into();
					seeds.push((r.nonce, seed.clone()));
					seed
				},
			};
			let chunks = chunks_of(&chunk_seed, request, r.length, T::ChunksPerBenchmark::get());
			let block_index = chunks[0];
			let block_hash = level[0].0;
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
				chunks_verified: chunks.len() as u32,
				contact_proof: ContactProof {
					block_index,
					block_hash,
					signature: ed_sign(&contact, &message),
				},
				inclusion: uniform_path(block_index, &level, TREE_DEPTH),
			};
			let nonce = BenchmarkRequests::<T>::get(request).map(|r| r.nonce).expect("open");
			let rating = Rating {
				request_id: request,
				attestor: attestor.clone(),
				nonce,
				outcome,
				chunk_seed,
			};
			let payload = rating.signing_payload(&Hosting::<T>::genesis_hash());
			let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &payload)
				.expect("the key is in the keystore");
			RatedSetup { request, rating, signature: signature.into() }
		})
		.collect()
}

/// Moves to the next block and draws the committees of the previous one's requests.
fn next_block<T: Config>() {
	let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(next);
	Hosting::<T>::assign_committees(next);
}

fn rating_setup<T: Config>() -> RatedSetup<T>
where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
{
	rating_setups::<T>(1).pop().expect("one setup")
}

/// The batch call for the setups, all rated by the one attestor, signed once by its key.
fn batch_call<T: Config>(setups: &[RatedSetup<T>]) -> Call<T>
where
	T::Signature: From<sr25519::Signature>,
{
	let attestor = setups.first().map(|s| s.rating.attestor.clone()).expect("at least one rating");
	let ratings: Vec<BatchedRating<T::Signature>> = setups
		.iter()
		.map(|s| BatchedRating {
			request_id: s.rating.request_id,
			nonce: s.rating.nonce,
			outcome: s.rating.outcome.clone(),
			chunk_seed: s.rating.chunk_seed.clone(),
		})
		.collect();
	let key_account = Attestors::<T>::get(&attestor).expect("registered").key;
	let key = sr25519::Public::from_raw(account_bytes(&key_account));
	let payload = batch_signing_payload(&Hosting::<T>::genesis_hash(), &attestor, &ratings);
	let signature =
		sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &payload).expect("the key is in the keystore");
	let ratings = ratings.try_into().ok().expect("at most MaxRatingsPerBatch");
	Call::<T>::performance_benchmark_responses { attestor, ratings, signature: signature.into() }
}

/// Gives `who` enough free balance for the attestor bond.
fn fund<T: Config>(who: &T::AccountId)
where
	T::Currency: fungible::Mutate<T::AccountId>,
{
	use fungible::{Inspect, Mutate};
	let amount = T::AttestorBond::get()
		.saturating_mul(10u32.into())
		.saturating_add(T::Currency::minimum_balance());
	let _ = T::Currency::set_balance(who, amount);
}

#[benchmarks(where
	T::AccountId: From<sr25519::Public>,
	T::Signature: From<sr25519::Signature>,
	T::Currency: fungible::Mutate<T::AccountId>,
)]
mod benchmarks {
	use super::*;

	/// A manifest-mode feed with the most roots a tree can have (63).
	#[benchmark]
	fn publish_feed() {
		let caller: T::AccountId = whitelisted_caller();
		afford::<T>(&caller);
		let (key, manifest, roots, signature) = signed_feed(MAX_LENGTH, &ed_key());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), key, Some(manifest), MAX_LENGTH, 0, roots, signature);
		assert!(FeedByKey::<T>::contains_key(key));
	}

	#[benchmark]
	fn update_feed() {
		let caller: T::AccountId = whitelisted_caller();
		afford::<T>(&caller);
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
		attestors::<T>(a.max(T::CommitteeQuorum::get()));
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, 1_000_000);
		afford::<T>(&caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), form(ed_key().0), feed);
		assert_eq!(Hosters::<T>::get(&caller).map(|h| h.status), Some(HosterStatus::Pending));
	}

	#[benchmark]
	fn update_registration(a: Linear<1, { T::MaxAttestors::get() }>) {
		attestors::<T>(a.max(T::CommitteeQuorum::get()));
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, 1_000_000);
		active_hoster::<T>(&caller, feed, ed_key().0);
		afford::<T>(&caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), form(ed_key().0));
		assert_eq!(Hosters::<T>::get(&caller).map(|h| h.status), Some(HosterStatus::Pending));
	}

	/// `h`: hostings removed with the hoster. The hoster also waits in the
	/// registration queue, which it leaves.
	#[benchmark]
	fn unregister_hoster(h: Linear<1, { T::MaxHostingsPerHoster::get() }>) {
		let caller: T::AccountId = whitelisted_caller();
		let first = stored_feed::<T>(&caller, 8);
		active_hoster::<T>(&caller, first, ed_key().0);
		for _ in 1..h {
			let feed = stored_feed::<T>(&caller, 8);
			hosting::<T>(&caller, feed);
		}
		// Another hoster's hosting sits in the last schedule slot and must move.
		let other: T::AccountId = account("other", 0, 0);
		active_hoster::<T>(&other, first, ed_key().0);
		Hosting::<T>::enqueue_registration(&caller, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(Hosters::<T>::get(&caller).is_none());
		assert_eq!(HostingCount::<T>::get(), 1);
		assert!(!QueuedRegistrations::<T>::contains_key(&caller));
		assert_eq!(RegistrationQueue::<T>::iter().count(), 0);
	}

	/// Holds the bond; the active set is one short of full.
	#[benchmark]
	fn register_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let public = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		let proof: T::Signature =
			sp_io::crypto::sr25519_sign(KEY_TYPE, &public, &attestor_key_payload(&caller))
				.expect("the key is in the keystore")
				.into();
		let key: T::AccountId = public.into();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), region(u32::MAX), key, proof);
		assert_eq!(Attestors::<T>::get(&caller).map(|a| a.bond), Some(T::AttestorBond::get()));
	}

	#[benchmark]
	fn unregister_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None).into();
		Hosting::<T>::do_register_attestor(caller.clone(), region(u32::MAX), key, true)
			.expect("room");
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert_eq!(Attestors::<T>::get(&caller).map(|a| a.status), Some(AttestorStatus::Leaving));
	}

	#[benchmark]
	fn withdraw_attestor_bond() {
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None).into();
		Hosting::<T>::do_register_attestor(caller.clone(), region(u32::MAX), key, true)
			.expect("room");
		Hosting::<T>::do_unregister_attestor(caller.clone()).expect("registered");
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::AttestorUnbondingPeriod::get());
		frame_system::Pallet::<T>::set_block_number(later);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));
		assert!(!Attestors::<T>::contains_key(&caller));
	}

	/// Tops a slashed bond up.
	#[benchmark]
	fn resume_attestor() {
		attestors::<T>(T::MaxAttestors::get() - 1);
		let caller: T::AccountId = whitelisted_caller();
		fund::<T>(&caller);
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None).into();
		Hosting::<T>::do_register_attestor(caller.clone(), region(u32::MAX), key, true)
			.expect("room");
		let now = frame_system::Pallet::<T>::block_number();
		for _ in 0..T::MaxDisagreements::get() {
			Hosting::<T>::note_disagreed(&caller, now);
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
		afford::<T>(&caller);
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

	/// A feed with the most roots, its deposit held, that nothing uses any more.
	#[benchmark]
	fn unpublish_feed() {
		let caller: T::AccountId = whitelisted_caller();
		let feed = stored_feed::<T>(&caller, MAX_LENGTH);
		let hoster: T::AccountId = account("hoster", 0, 0);
		active_hoster::<T>(&hoster, feed, ed_key().0);
		Hosting::<T>::stop_hosting(RawOrigin::Signed(hoster).into(), feed).expect("hosted");
		frame_system::Pallet::<T>::set_block_number(One::one());
		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), feed);
		assert!(Feeds::<T>::get(feed).is_none() && FeedDeposits::<T>::get(feed).is_none());
	}

	#[benchmark]
	fn request_performance_benchmark(a: Linear<1, { T::MaxAttestors::get() }>) {
		attestors::<T>(a.max(T::CommitteeQuorum::get()));
		let hoster: T::AccountId = account("hoster", 0, 0);
		let feed = stored_feed::<T>(&hoster, 1_000_000);
		active_hoster::<T>(&hoster, feed, ed_key().0);
		let caller: T::AccountId = whitelisted_caller();
		afford::<T>(&caller);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), hoster, feed);
		assert_eq!(NextRequestId::<T>::get(), 1);
		assert_eq!(Unassigned::<T>::get().1.len(), 1);
		assert!(RequestDeposits::<T>::contains_key(0));
	}

	/// A Normal rating that closes its request's committee and activates the hoster.
	#[benchmark]
	fn performance_benchmark_response() {
		let RatedSetup { request, rating, signature } = rating_setup::<T>();
		let hoster = BenchmarkRequests::<T>::get(request).map(|r| r.hoster).expect("open");
		#[extrinsic_call]
		_(RawOrigin::Authorized, rating, signature);
		assert_eq!(Hosters::<T>::get(&hoster).map(|h| h.status), Some(HosterStatus::Active));
	}

	/// Authorizing a Normal rating: the attestor key's sr25519 signatures (the
	/// rating and its chunk seed), the hoster's ed25519 contact proof, and the
	/// block's Merkle path in a feed of 2^40 blocks.
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

	/// `n` Normal ratings of one attestor in one batch, each the first of its
	/// request's committee: it joins the request, which stays open (the first
	/// batches of a round). A batch of both kinds is weighed as the two
	/// batches it holds (`Pallet::recorded_weight`): each benchmark has one
	/// component over a whole batch, so its fit needs no extrapolation and its
	/// base is measured near one rating, not behind another component at its
	/// maximum.
	#[benchmark]
	fn performance_benchmark_responses_joining(
		n: Linear<1, { T::MaxRatingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let setups = rating_setups_closing::<T>(n, 0);
		let Call::<T>::performance_benchmark_responses { attestor, ratings, signature } =
			batch_call::<T>(&setups)
		else {
			return Err("a batch call".into());
		};
		#[extrinsic_call]
		performance_benchmark_responses(
			RawOrigin::Authorized,
			attestor.clone(),
			ratings,
			signature,
		);
		for setup in &setups {
			let request = BenchmarkRequests::<T>::get(setup.request).ok_or("still open")?;
			assert!(request.has_voted(&attestor));
		}
		Ok(())
	}

	/// `c` Normal ratings of one attestor in one batch, each completing its
	/// request's committee: it closes the request and activates its hoster
	/// (the last batch of a round, in its worst case).
	#[benchmark]
	fn performance_benchmark_responses_closing(
		c: Linear<1, { T::MaxRatingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let setups = rating_setups_closing::<T>(c, c);
		let Call::<T>::performance_benchmark_responses { attestor, ratings, signature } =
			batch_call::<T>(&setups)
		else {
			return Err("a batch call".into());
		};
		#[extrinsic_call]
		performance_benchmark_responses(RawOrigin::Authorized, attestor, ratings, signature);
		for i in 0..c {
			let hoster: T::AccountId = account("hoster", i, 0);
			assert_eq!(Hosters::<T>::get(&hoster).map(|h| h.status), Some(HosterStatus::Active));
		}
		Ok(())
	}

	/// Authorizing `n` Normal ratings of one round in one batch: the attestor
	/// key's one signature over the batch's digest, the round's chunk seed
	/// (verified once), each rating's contact proof, Merkle path (a feed of
	/// 2^40 blocks) and chunks, and the check that none repeats.
	#[benchmark]
	fn authorize_performance_benchmark_responses(
		n: Linear<1, { T::MaxRatingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let call = batch_call::<T>(&rating_setups_closing::<T>(n, n));
		#[block]
		{
			call.authorize(TransactionSource::External)
				.ok_or("the call defines authorize")?
				.map_err(|_| "the ratings are valid")?;
		}
		Ok(())
	}

	/// Verifying one chunk seed (an sr25519 signature over a round's nonce):
	/// what each round a batch's ratings come from beyond the first adds to
	/// its authorization.
	#[benchmark]
	fn verify_chunk_seed() -> Result<(), BenchmarkError> {
		use sp_runtime::traits::Verify;
		let setup = rating_setup::<T>();
		let nonce = BenchmarkRequests::<T>::get(setup.request).ok_or("open")?.nonce;
		let key = Attestors::<T>::get(&setup.rating.attestor).ok_or("an attestor")?.key;
		#[block]
		{
			assert!(setup.rating.chunk_seed.verify(&chunk_seed_payload(&nonce)[..], &key));
		}
		Ok(())
	}

	/// `e` requests get their committee; `e` others close with every member
	/// silent (void: each is tried again, and the silent attestors are
	/// noted), on-demand ones holding a deposit; a periodic round schedules
	/// `p` hostings; `q` registrations waiting in the queue are requested.
	#[benchmark]
	fn on_initialize(
		e: Linear<0, { T::MaxRequestsPerBlock::get() }>,
		p: Linear<0, { T::MaxBenchmarksPerBlock::get() }>,
		q: Linear<0, { T::MaxRegistrationsPerBlock::get() }>,
	) {
		attestors::<T>(T::AttestorsPerRequest::get() + 1);
		let window = T::ResponseWindow::get();
		let period = T::BenchmarkPeriod::get();
		// The block measured closes requests created `window + 2` blocks before
		// (assigned one block after their creation) and is a periodic one.
		let two: BlockNumberFor<T> = 2u32.into();
		let mut closing = period;
		while closing <= window.saturating_add(two) {
			closing = closing.saturating_add(period);
		}
		let created = closing.saturating_sub(window).saturating_sub(two);
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
		// As many requests a block as all budgets allow: the kinds' counts are
		// reset between them (setup only), and each on-demand one holds a deposit.
		let open_requests = |count: u32, round: u32| {
			for i in 0..count {
				let asker: T::AccountId = account("asker", i, round);
				afford::<T>(&asker);
				let id = Hosting::<T>::create_request(&hoster, feed, BenchmarkKind::OnDemand)
					.expect("within the block's budget");
				Hosting::<T>::hold_request_deposit(&asker, id).expect("afforded");
				RequestsInBlock::<T>::kill();
			}
		};
		open_requests(e, 0);
		next_block::<T>();
		frame_system::Pallet::<T>::set_block_number(closing.saturating_sub(One::one()));
		open_requests(e, 1);
		// `q` Pending hosters wait in the registration queue.
		for i in 0..q {
			let waiting: T::AccountId = account("waiting", i, 0);
			let record = Hoster {
				form: form(ed_key().0),
				status: HosterStatus::Pending,
				registered_at: Default::default(),
				hostings: 0,
				registration_feed: feed,
			};
			Hosters::<T>::insert(&waiting, record);
			Hosting::<T>::enqueue_registration(&waiting, 0);
		}
		// The attestors above stay silent; many misses suspend them (the heavier
		// path). Fresh attestors take the retries and the periodic requests.
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
		assert!(RequestsByDeadline::<T>::get(closing.saturating_sub(One::one())).is_empty());
		// (Unless the silent attestors' suspension left too few for a committee,
		// as in a mock with room for few attestors.)
		let committee_possible =
			ActiveAttestors::<T>::get().len() as u32 >= T::CommitteeQuorum::get();
		assert!(
			!committee_possible || QueuedRegistrations::<T>::iter().count() == 0,
			"the queue was served"
		);
		assert!(
			Unassigned::<T>::get().0 == closing || e == 0 || Unassigned::<T>::get().1.is_empty()
		);
	}

	impl_benchmark_test_suite!(Hosting, crate::tests::new_bench_ext(), crate::tests::Test);
}
