//! # Hosting pallet
//!
//! Measures the hosters of Hypercore feeds and decides who qualifies for work.
//!
//! * **Feeds** are published with their key and signed Merkle tree state; the
//!   Hypercore signature is verified on chain ([`hypercore_verify`], hashing and
//!   Ed25519 through `sp_io` host functions).
//! * **Hosters** register a form (endpoint, region, promised availability /
//!   latency / bandwidth, capacity, contact key). Registration schedules a
//!   benchmark at once; a hoster becomes `Active` only after a rating that meets
//!   its own promise, and is `Suspended` when its availability falls below it.
//! * **Attestors** are accounts whose key (key type [`KEY_TYPE`], sr25519) sits in
//!   their node's keystore: the off-chain worker measures the hosters assigned to
//!   it and signs ratings with that key.
//! * **Benchmark requests** (hoster, feed, random chunks, nonce, assigned
//!   attestors, deadline) come from registration, from a periodic schedule in
//!   `on_initialize` (bounded per block, rotating cursor) and from anyone
//!   through `request_performance_benchmark`. Each emits
//!   [`Event::ProvidePerformanceBenchmark`] with all an attestor needs.
//! * **Ratings** arrive through `performance_benchmark_response` (one) or
//!   `performance_benchmark_responses` (a batch: what the off-chain worker sends
//!   when one run rated several requests), authorized unsigned transactions
//!   (`#[pallet::authorize]`, no fees, no funded account): the attestor's
//!   signature and, for a Normal rating, the hoster's contact proof are checked
//!   before it enters the pool. Each rating updates the hoster's
//!   figures in O(1) ([`performance`]). Requests past their deadline are closed in
//!   `on_initialize`: a silent attestor loses reliability, the hoster is not blamed.
//! * [`Pallet::does_qualify`] answers, with reasons, whether an account qualifies
//!   for a role or a job's requirements ([`qualification`]); the runtime API
//!   [`runtime_api::HostingApi`] exposes it to polkadot.js apps.
//!
//! ## Integrating
//! Implement [`Config`] (see its constants), add `frame_system::AuthorizeCall` to
//! the runtime's transaction extensions and implement
//! `frame_system::offchain::CreateAuthorizedTransaction` so ratings can be
//! submitted. Insert each attestor's sr25519 key with key type `host` into its
//! node's keystore (`author_insertKey`); `--dev` nodes get Alice's.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod offchain_tests;
#[cfg(test)]
mod tests;

pub mod measure;
pub mod offchain;
pub mod performance;
pub mod qualification;
pub mod runtime_api;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

/// Most chunks one benchmark may sample.
pub const MAX_CHUNKS_PER_BENCHMARK: u32 = 32;

/// Key type of attestor keys in a node's keystore.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"host");

/// Log target of the pallet and its off-chain worker.
pub const LOG_TARGET: &str = "runtime::hosting";

/// The attestor key: sr25519 with key type [`KEY_TYPE`].
pub mod crypto {
	use super::KEY_TYPE;
	use sp_application_crypto::sr25519;
	use sp_runtime::{MultiSignature, MultiSigner};

	sp_application_crypto::app_crypto!(sr25519, KEY_TYPE);

	/// Ties the app key to the runtime's signature types for the off-chain worker.
	pub struct AttestorAuthId;

	impl frame_system::offchain::AppCrypto<MultiSigner, MultiSignature> for AttestorAuthId {
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}

	impl frame_system::offchain::AppCrypto<sp_core::sr25519::Public, sp_core::sr25519::Signature>
		for AttestorAuthId
	{
		type RuntimeAppPublic = Public;
		type GenericSignature = sp_core::sr25519::Signature;
		type GenericPublic = sp_core::sr25519::Public;
	}
}

/// `account` as the 32 bytes a contact proof names: its encoding when that is
/// 32 bytes (`AccountId32`, sr25519 keys), else the BLAKE2b-256 of it.
pub fn account_bytes<AccountId: codec::Encode>(account: &AccountId) -> [u8; 32] {
	account.using_encoded(|bytes| <[u8; 32]>::try_from(bytes).unwrap_or_else(|_| sp_io::hashing::blake2_256(bytes)))
}

/// Whether `url` is an `http://` or `https://` URL with a host, printable ASCII, no spaces.
pub fn is_valid_endpoint(url: &[u8]) -> bool {
	let rest = url.strip_prefix(b"http://").or_else(|| url.strip_prefix(b"https://"));
	match rest {
		Some(rest) => !rest.is_empty() && rest[0] != b'/' && url.iter().all(|c| (0x21..=0x7e).contains(c)),
		None => false,
	}
}

/// Whether `region` is a non-empty printable ASCII name.
pub fn is_valid_region(region: &[u8]) -> bool {
	!region.is_empty() && region.iter().all(|c| (0x20..=0x7e).contains(c))
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use codec::Encode;
	use frame_support::{
		dispatch::DispatchResult,
		pallet_prelude::*,
		traits::{Randomness, StorageVersion},
	};
	use frame_system::{offchain::SigningTypes, pallet_prelude::*};
	use hypercore_verify::{verify_feed, FeedError, SignedTree, SpIo};
	use sp_runtime::{
		traits::{SaturatedConversion, Saturating, Verify},
		Perbill,
	};

	use crate::performance::{Params, Performance, Sample};

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config:
		frame_system::Config
		+ SigningTypes<Signature: Verify<Signer = Self::Public>>
		+ frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// The attestor key the off-chain worker signs ratings with.
		type AuthorityId: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>;
		/// Source of randomness for chunks, nonces and attestor assignment.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// Weights of calls and hooks.
		type WeightInfo: WeightInfo;
		/// Blocks between two rounds of periodic benchmarks.
		#[pallet::constant]
		type BenchmarkPeriod: Get<BlockNumberFor<Self>>;
		/// Most hostings benchmarked by one periodic round.
		#[pallet::constant]
		type MaxBenchmarksPerBlock: Get<u32>;
		/// Most benchmark requests created in one block, all kinds together.
		#[pallet::constant]
		type MaxRequestsPerBlock: Get<u32>;
		/// Chunks sampled by one benchmark (at most [`MAX_CHUNKS_PER_BENCHMARK`]).
		#[pallet::constant]
		type ChunksPerBenchmark: Get<u32>;
		/// Attestors assigned to one benchmark.
		#[pallet::constant]
		type AttestorsPerRequest: Get<u32>;
		/// Blocks after its creation during which a request accepts ratings.
		#[pallet::constant]
		type ResponseWindow: Get<BlockNumberFor<Self>>;
		/// Most registered attestors.
		#[pallet::constant]
		type MaxAttestors: Get<u32>;
		/// Most feeds one hoster hosts.
		#[pallet::constant]
		type MaxHostingsPerHoster: Get<u32>;
		/// Forgetting factor λ of availability and reliability (per rating).
		#[pallet::constant]
		type ForgettingFactor: Get<Perbill>;
		/// Weight of a new latency or bandwidth value in its moving average.
		#[pallet::constant]
		type Smoothing: Get<Perbill>;
		/// Ratings an active hoster needs before its availability can suspend it.
		#[pallet::constant]
		type SuspensionMinSamples: Get<u32>;
		/// Requests an attestor may miss in a row before it is suspended.
		#[pallet::constant]
		type MaxConsecutiveMisses: Get<u32>;
		/// Time the off-chain worker gives one round of benchmarks, in milliseconds.
		#[pallet::constant]
		type HttpDeadlineMs: Get<u64>;
		/// Priority of rating transactions in the pool.
		#[pallet::constant]
		type RatingPriority: Get<TransactionPriority>;
		/// Most ratings in one `performance_benchmark_responses` transaction
		/// (the off-chain worker sends the ratings of one run and one key in as
		/// few transactions as this allows).
		#[pallet::constant]
		type MaxRatingsPerBatch: Get<u32>;
	}

	/// The id the next published feed gets.
	#[pallet::storage]
	pub type NextFeedId<T> = StorageValue<_, FeedId, ValueQuery>;

	/// Published feeds: id → key and signed state.
	#[pallet::storage]
	pub type Feeds<T: Config> = StorageMap<_, Twox64Concat, FeedId, Feed<T::AccountId, BlockNumberFor<T>>>;

	/// Feed key → feed id (a key is published once).
	#[pallet::storage]
	pub type FeedByKey<T> = StorageMap<_, Blake2_128Concat, [u8; 32], FeedId>;

	/// Registered hosters: account → registration form, status, registration block.
	#[pallet::storage]
	pub type Hosters<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Hoster<BlockNumberFor<T>>>;

	/// Registered attestors: account → region, status, own reliability.
	#[pallet::storage]
	pub type Attestors<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Attestor<BlockNumberFor<T>>>;

	/// Active attestors and their regions, the pool requests are assigned from.
	#[pallet::storage]
	pub type ActiveAttestors<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, Region), T::MaxAttestors>, ValueQuery>;

	/// Hostings: (hoster, feed) → since when, and the slot in the periodic schedule.
	#[pallet::storage]
	pub type Hostings<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, FeedId, HostingInfo<BlockNumberFor<T>>>;

	/// The periodic schedule: slot → (hoster, feed); slots `0..HostingCount` are filled.
	#[pallet::storage]
	pub type HostingSchedule<T: Config> = StorageMap<_, Twox64Concat, u32, (T::AccountId, FeedId)>;

	/// Number of hostings (filled schedule slots).
	#[pallet::storage]
	pub type HostingCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Next schedule slot the periodic round starts from.
	#[pallet::storage]
	pub type ScheduleCursor<T> = StorageValue<_, u32, ValueQuery>;

	/// The id the next benchmark request gets.
	#[pallet::storage]
	pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

	/// Open benchmark requests.
	#[pallet::storage]
	pub type BenchmarkRequests<T: Config> = StorageMap<
		_,
		Twox64Concat,
		RequestId,
		BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
	>;

	/// Requests by deadline block, closed by `on_initialize` the block after.
	#[pallet::storage]
	pub type RequestsByDeadline<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<RequestId, T::MaxRequestsPerBlock>, ValueQuery>;

	/// Requests created in the current block: (block, count).
	#[pallet::storage]
	pub type RequestsInBlock<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32), ValueQuery>;

	/// Each hoster's figures over all ratings, and the rating that last changed them.
	#[pallet::storage]
	pub type HosterPerformance<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HosterFigures<T::AccountId, BlockNumberFor<T>>>;

	/// Each hoster's figures as measured by attestors of one region.
	#[pallet::storage]
	pub type RegionalPerformance<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		Region,
		Performance<BlockNumberFor<T>>,
	>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A feed was published; its signature verified.
		FeedPublished { feed: FeedId, key: [u8; 32], publisher: T::AccountId, length: u64 },
		/// A feed's state was updated to a longer length.
		FeedUpdated { feed: FeedId, length: u64, fork: u64 },
		/// A hoster registered (as Pending) and its registration benchmark was requested.
		HosterRegistered { hoster: T::AccountId, region: Region, feed: FeedId },
		/// A hoster changed its form; it is Pending again until re-benchmarked.
		HosterRegistrationUpdated { hoster: T::AccountId },
		/// A hoster left.
		HosterUnregistered { hoster: T::AccountId },
		/// A hoster's measurements meet its promise: it is Active.
		HosterActivated { hoster: T::AccountId },
		/// An active hoster's availability fell below its promise.
		HosterSuspended { hoster: T::AccountId, availability: Perbill, promised: Perbill },
		/// A registration benchmark did not meet the hoster's promise; it stays Pending.
		RegistrationBenchmarkFailed { hoster: T::AccountId, request: RequestId },
		/// An attestor registered.
		AttestorRegistered { attestor: T::AccountId, region: Region },
		/// An attestor left.
		AttestorUnregistered { attestor: T::AccountId },
		/// An attestor missed too many requests in a row and gets no new ones.
		AttestorSuspended { attestor: T::AccountId, consecutive_misses: u32 },
		/// A suspended attestor asked for requests again.
		AttestorResumed { attestor: T::AccountId },
		/// A hoster offers to host a feed.
		HostingOffered { hoster: T::AccountId, feed: FeedId },
		/// A hoster stopped hosting a feed.
		HostingStopped { hoster: T::AccountId, feed: FeedId },
		/// A benchmark is requested: the assigned attestors fetch `chunks` of feed
		/// `feed_key` at `length` from `endpoint` and rate the hoster by `deadline`.
		ProvidePerformanceBenchmark {
			request: RequestId,
			hoster: T::AccountId,
			feed: FeedId,
			feed_key: [u8; 32],
			endpoint: Endpoint,
			length: u64,
			chunks: Chunks,
			nonce: [u8; 32],
			attestors: Vec<T::AccountId>,
			deadline: BlockNumberFor<T>,
			kind: BenchmarkKind,
		},
		/// An attestor's rating was recorded; the hoster's figures after it.
		BenchmarkRated {
			request: RequestId,
			hoster: T::AccountId,
			attestor: T::AccountId,
			outcome: RatingOutcome,
			availability: Perbill,
			reliability: Perbill,
		},
		/// A request closed at its deadline; these attestors never answered.
		RequestExpired { request: RequestId, silent: Vec<T::AccountId> },
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The feed's Hypercore signature does not verify over its roots, length and fork.
		InvalidFeedSignature,
		/// The roots are not the full roots of a tree of that length.
		InvalidFeedRoots,
		/// The manifest is missing, malformed, does not hash to the key, or uses
		/// a feature that cannot be verified (quorum > 1, prologue, patches).
		InvalidManifest,
		/// A feed must have at least one block to be benchmarked.
		EmptyFeed,
		/// This feed key is already published.
		FeedAlreadyPublished,
		/// No feed with this id.
		UnknownFeed,
		/// Only the publisher may update a feed.
		NotPublisher,
		/// An update must make the feed longer.
		FeedNotLonger,
		/// The fork id may not go back.
		ForkWentBack,
		/// The endpoint is not an `http://` or `https://` URL with a host.
		InvalidEndpoint,
		/// The region is empty or not printable ASCII.
		InvalidRegion,
		/// This account is already a registered hoster.
		AlreadyHoster,
		/// This account is not a registered hoster.
		NotHoster,
		/// Only an Active hoster may do this.
		HosterNotActive,
		/// This account is already a registered attestor.
		AlreadyAttestor,
		/// This account is not a registered attestor.
		NotAttestor,
		/// The attestor is not suspended.
		AttestorNotSuspended,
		/// The attestor set is full.
		TooManyAttestors,
		/// The hoster already hosts this feed.
		AlreadyHosting,
		/// The hoster does not host this feed.
		NotHosting,
		/// The hoster hosts as many feeds as allowed.
		TooManyHostings,
		/// No active attestor other than the hoster can take the request.
		NoAttestorAvailable,
		/// The block's request budget is used; try again next block.
		TooManyRequests,
		/// No open request with this id (never created, answered or expired).
		UnknownRequest,
		/// The request's deadline has passed.
		DeadlinePassed,
		/// The signer is not assigned to this request.
		NotAssigned,
		/// This attestor already rated this request.
		AlreadyAnswered,
		/// The rating's signature does not verify with the attestor's key.
		InvalidRatingSignature,
		/// The contact proof does not verify with the hoster's contact key, or names a chunk not asked.
		InvalidContactProof,
		/// The registration benchmark's feed is no longer published.
		RegistrationFeedGone,
		/// A batch of ratings is empty.
		EmptyBatch,
		/// A batch of ratings rates one request twice.
		DuplicateRating,
	}

	/// A hosting's record.
	#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
	pub struct HostingInfo<BlockNumber> {
		/// When the hosting started.
		pub since: BlockNumber,
		/// Its slot in the periodic schedule.
		pub slot: u32,
	}

	/// A feed in the genesis config (verified when the chain spec is built).
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	pub struct GenesisFeed<AccountId> {
		/// Publisher.
		pub publisher: AccountId,
		/// Feed key.
		pub key: [u8; 32],
		/// Encoded manifest (manifest mode); `None` for compat mode.
		pub manifest: Option<Vec<u8>>,
		/// Length.
		pub length: u64,
		/// Fork id.
		pub fork: u64,
		/// Roots as (index, size, hash).
		pub roots: Vec<(u64, u64, [u8; 32])>,
		/// Signature as the JS core stores it.
		pub signature: Vec<u8>,
	}

	/// A hoster in the genesis config (registered Active, hosting its feed).
	#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
	pub struct GenesisHoster<AccountId> {
		/// Account.
		pub account: AccountId,
		/// Endpoint URL.
		pub endpoint: Vec<u8>,
		/// Region.
		pub region: Vec<u8>,
		/// Promised availability.
		pub availability: Perbill,
		/// Promised latency (ms).
		pub latency_ms: u32,
		/// Promised bandwidth (bytes/s).
		pub bandwidth: u64,
		/// Capacity (bytes).
		pub capacity_bytes: u64,
		/// Ed25519 contact key.
		pub contact_key: [u8; 32],
		/// Index into the genesis feeds of the feed it hosts.
		pub feed: FeedId,
	}

	/// Genesis state for dev and test chains.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Attestors and their regions.
		pub attestors: Vec<(T::AccountId, Vec<u8>)>,
		/// Feeds, in id order.
		pub feeds: Vec<GenesisFeed<T::AccountId>>,
		/// Hosters, registered Active.
		pub hosters: Vec<GenesisHoster<T::AccountId>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A chain spec with invalid entries must not be built: panics here abort genesis.
			for f in &self.feeds {
				let roots: Vec<Node> =
					f.roots.iter().map(|&(index, size, hash)| Node { index, size, hash }).collect();
				let manifest = f.manifest.clone().map(|m| Manifest::try_from(m).expect("genesis manifest too long"));
				let roots = Roots::try_from(roots).expect("genesis roots too many");
				let signature = FeedSignature::try_from(f.signature.clone()).expect("genesis signature too long");
				Pallet::<T>::do_publish(f.publisher.clone(), f.key, manifest, f.length, f.fork, roots, signature)
					.expect("genesis feed does not verify");
			}
			for (account, region) in &self.attestors {
				let region = Region::try_from(region.clone()).expect("genesis region too long");
				Pallet::<T>::do_register_attestor(account.clone(), region).expect("genesis attestor invalid");
			}
			for h in &self.hosters {
				let form = HosterForm {
					endpoint: h.endpoint.clone().try_into().expect("genesis endpoint too long"),
					region: h.region.clone().try_into().expect("genesis region too long"),
					promised: Promise { availability: h.availability, latency_ms: h.latency_ms, bandwidth: h.bandwidth },
					capacity_bytes: h.capacity_bytes,
					contact_key: h.contact_key,
				};
				assert!(is_valid_endpoint(&form.endpoint) && is_valid_region(&form.region), "genesis hoster form");
				assert!(Feeds::<T>::contains_key(h.feed), "genesis hoster feed unknown");
				Hosters::<T>::insert(
					&h.account,
					Hoster { form, status: HosterStatus::Active, registered_at: Zero::zero(), hostings: 0, registration_feed: h.feed },
				);
				Pallet::<T>::add_hosting(&h.account, h.feed).expect("genesis hosting");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Closes the requests whose deadline was the previous block, then runs the
		/// periodic benchmark round when one is due. Both are bounded per block.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let expired = Self::expire_requests(now.saturating_sub(One::one()));
			let scheduled = Self::schedule_periodic(now);
			T::WeightInfo::on_initialize(expired, scheduled)
		}

		/// The attestor: measures the hosters assigned to this node's attestor
		/// keys and submits signed ratings (see [`crate::offchain`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			crate::offchain::run::<T>(now);
		}

		/// Checks the constants fit together.
		#[cfg(feature = "std")]
		fn integrity_test() {
			assert!(T::ChunksPerBenchmark::get() >= 1 && T::ChunksPerBenchmark::get() <= MAX_CHUNKS_PER_BENCHMARK);
			assert!(T::AttestorsPerRequest::get() >= 1);
			assert!(T::MaxRequestsPerBlock::get() >= T::MaxBenchmarksPerBlock::get());
			assert!(!T::BenchmarkPeriod::get().is_zero());
			assert!(T::MaxRatingsPerBatch::get() >= 1);
			// A full batch of ratings must fit in one block's normal class.
			let full = T::MaxRatingsPerBatch::get();
			let batch = T::WeightInfo::performance_benchmark_responses(full)
				.saturating_add(T::WeightInfo::authorize_performance_benchmark_responses(full));
			let limits = <T as frame_system::Config>::BlockWeights::get();
			if let Some(max) = limits.get(frame_support::dispatch::DispatchClass::Normal).max_extrinsic {
				assert!(batch.all_lte(max), "MaxRatingsPerBatch ({full}) weighs {batch:?}, above the largest extrinsic {max:?}");
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publishes a feed: its key, key mode (given by whether a manifest is
		/// passed), and its Merkle roots at `length` with the owner's signature.
		/// The Hypercore signature is verified on chain.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::publish_feed())]
		pub fn publish_feed(
			origin: OriginFor<T>,
			key: [u8; 32],
			manifest: Option<Manifest>,
			length: u64,
			fork: u64,
			roots: Roots,
			signature: FeedSignature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_publish(who, key, manifest, length, fork, roots, signature)?;
			Ok(())
		}

		/// Updates a feed to a longer length with a new valid signature; publisher only.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_feed())]
		pub fn update_feed(
			origin: OriginFor<T>,
			feed: FeedId,
			length: u64,
			fork: u64,
			roots: Roots,
			signature: FeedSignature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut record = Feeds::<T>::get(feed).ok_or(Error::<T>::UnknownFeed)?;
			ensure!(record.publisher == who, Error::<T>::NotPublisher);
			ensure!(length > record.length, Error::<T>::FeedNotLonger);
			ensure!(fork >= record.fork, Error::<T>::ForkWentBack);
			let verified = Self::verify(&record.key, record.manifest.as_ref().map(|m| &m[..]), length, fork, &roots, &signature)?;
			ensure!(verified.signer == record.signer, Error::<T>::InvalidFeedSignature);
			record.length = length;
			record.fork = fork;
			record.roots = roots;
			record.signature = signature;
			record.updated_at = frame_system::Pallet::<T>::block_number();
			Feeds::<T>::insert(feed, record);
			Self::deposit_event(Event::FeedUpdated { feed, length, fork });
			Ok(())
		}

		/// Registers the caller as a hoster with its form, hosting `feed`, and
		/// requests its registration benchmark on that feed at once. The hoster is
		/// Pending until a rating meets its promise.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_hoster(T::MaxAttestors::get()))]
		pub fn register_hoster(origin: OriginFor<T>, form: HosterForm, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Hosters::<T>::contains_key(&who), Error::<T>::AlreadyHoster);
			Self::check_form(&form)?;
			ensure!(Feeds::<T>::contains_key(feed), Error::<T>::UnknownFeed);
			let region = form.region.clone();
			let now = frame_system::Pallet::<T>::block_number();
			Hosters::<T>::insert(
				&who,
				Hoster { form, status: HosterStatus::Pending, registered_at: now, hostings: 0, registration_feed: feed },
			);
			Self::add_hosting(&who, feed)?;
			Self::create_request(&who, feed, BenchmarkKind::Registration)?;
			Self::deposit_event(Event::HosterRegistered { hoster: who, region, feed });
			Ok(())
		}

		/// Replaces the caller's form. The hoster becomes Pending and its
		/// registration benchmark is requested again against the new promise.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_registration(T::MaxAttestors::get()))]
		pub fn update_registration(origin: OriginFor<T>, form: HosterForm) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut hoster = Hosters::<T>::get(&who).ok_or(Error::<T>::NotHoster)?;
			Self::check_form(&form)?;
			ensure!(Feeds::<T>::contains_key(hoster.registration_feed), Error::<T>::RegistrationFeedGone);
			hoster.form = form;
			hoster.status = HosterStatus::Pending;
			let feed = hoster.registration_feed;
			Hosters::<T>::insert(&who, hoster);
			Self::create_request(&who, feed, BenchmarkKind::Registration)?;
			Self::deposit_event(Event::HosterRegistrationUpdated { hoster: who });
			Ok(())
		}

		/// Removes the caller as a hoster, with its hostings and figures.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unregister_hoster(T::MaxHostingsPerHoster::get()))]
		pub fn unregister_hoster(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(Hosters::<T>::contains_key(&who), Error::<T>::NotHoster);
			let feeds: Vec<FeedId> = Hostings::<T>::iter_key_prefix(&who).take(T::MaxHostingsPerHoster::get() as usize).collect();
			let removed = feeds.len() as u32;
			for feed in feeds {
				Self::remove_hosting(&who, feed);
			}
			Hosters::<T>::remove(&who);
			HosterPerformance::<T>::remove(&who);
			let _ = RegionalPerformance::<T>::clear_prefix(&who, T::MaxAttestors::get(), None);
			Self::deposit_event(Event::HosterUnregistered { hoster: who });
			Ok(Some(T::WeightInfo::unregister_hoster(removed)).into())
		}

		/// Registers the caller as an attestor measuring from `region`. Its account
		/// key must be in its node's keystore under key type `host`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register_attestor())]
		pub fn register_attestor(origin: OriginFor<T>, region: Region) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_attestor(who, region)
		}

		/// Removes the caller as an attestor. Requests already assigned to it expire.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::unregister_attestor())]
		pub fn unregister_attestor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Attestors::<T>::take(&who).is_some(), Error::<T>::NotAttestor);
			ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| *a != who));
			Self::deposit_event(Event::AttestorUnregistered { attestor: who });
			Ok(())
		}

		/// A suspended attestor (too many missed requests) asks for requests again.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resume_attestor())]
		pub fn resume_attestor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut attestor = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
			ensure!(attestor.status == AttestorStatus::Suspended, Error::<T>::AttestorNotSuspended);
			ActiveAttestors::<T>::try_mutate(|list| list.try_push((who.clone(), attestor.region.clone())))
				.map_err(|_| Error::<T>::TooManyAttestors)?;
			attestor.status = AttestorStatus::Active;
			attestor.consecutive_misses = 0;
			Attestors::<T>::insert(&who, attestor);
			Self::deposit_event(Event::AttestorResumed { attestor: who });
			Ok(())
		}

		/// An Active hoster offers to host `feed`; it joins the periodic benchmarks.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::offer_hosting())]
		pub fn offer_hosting(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let hoster = Hosters::<T>::get(&who).ok_or(Error::<T>::NotHoster)?;
			ensure!(hoster.status == HosterStatus::Active, Error::<T>::HosterNotActive);
			ensure!(Feeds::<T>::contains_key(feed), Error::<T>::UnknownFeed);
			Self::add_hosting(&who, feed)?;
			Self::deposit_event(Event::HostingOffered { hoster: who, feed });
			Ok(())
		}

		/// The caller stops hosting `feed`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::stop_hosting())]
		pub fn stop_hosting(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Hostings::<T>::contains_key(&who, feed), Error::<T>::NotHosting);
			Self::remove_hosting(&who, feed);
			Self::deposit_event(Event::HostingStopped { hoster: who, feed });
			Ok(())
		}

		/// Anyone may ask for a benchmark of `hoster` on a feed it hosts
		/// (bounded per block with the other requests).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::request_performance_benchmark(T::MaxAttestors::get()))]
		pub fn request_performance_benchmark(origin: OriginFor<T>, hoster: T::AccountId, feed: FeedId) -> DispatchResult {
			ensure_signed(origin)?;
			ensure!(Hosters::<T>::contains_key(&hoster), Error::<T>::NotHoster);
			ensure!(Hostings::<T>::contains_key(&hoster, feed), Error::<T>::NotHosting);
			Self::create_request(&hoster, feed, BenchmarkKind::OnDemand)?;
			Ok(())
		}

		/// An attestor's signed rating of a benchmark request. Sent by an off-chain
		/// worker as an authorized unsigned transaction (no fees): the signature,
		/// the assignment, the deadline and, for a Normal rating, the hoster's
		/// contact proof are checked before the transaction enters the pool.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::performance_benchmark_response())]
		#[pallet::authorize(Pallet::<T>::authorize_rating)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_performance_benchmark_response())]
		pub fn performance_benchmark_response(
			origin: OriginFor<T>,
			rating: Rating<T::AccountId>,
			signature: T::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let _ = signature;
			// The signatures were checked by `authorize_rating` in this same
			// transaction; the state checks are repeated because earlier
			// transactions of the block may have changed it.
			let request = Self::open_request_for(&rating)?;
			Self::record_rating(rating, request);
			Ok(Pays::No.into())
		}

		/// One attestor's ratings of several requests in one authorized unsigned
		/// transaction (no fees), signed once by the attestor over
		/// [`batch_signing_payload`]. Each rating is checked as in
		/// `performance_benchmark_response` (open request, assigned, in time,
		/// contact proof); no request may appear twice. An attestor's off-chain
		/// worker sends the ratings of one run this way: one signature, one pool
		/// validation and one transaction instead of one of each per rating. The
		/// batch is valid only if every rating is, and it is applied whole.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::performance_benchmark_responses(ratings.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_ratings)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_performance_benchmark_responses(ratings.len() as u32))]
		pub fn performance_benchmark_responses(
			origin: OriginFor<T>,
			attestor: T::AccountId,
			ratings: BoundedVec<BatchedRating, T::MaxRatingsPerBatch>,
			signature: T::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let _ = signature;
			// The signature, duplicates and contact proofs were checked by
			// `authorize_ratings`; the state is checked again per rating, as for a
			// single one. An error reverts the whole batch (calls are transactional).
			for entry in ratings {
				let rating = entry.rated_by(attestor.clone());
				let request = Self::open_request_for(&rating)?;
				Self::record_rating(rating, request);
			}
			Ok(Pays::No.into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Validity of a rating transaction: everything the call needs, signatures included.
		pub fn authorize_rating(
			_source: TransactionSource,
			rating: &Rating<T::AccountId>,
			signature: &T::Signature,
		) -> TransactionValidityWithRefund {
			let longevity = Self::check_rating(rating, signature).map_err(rating_invalidity::<T>)?;
			let valid = Self::rating_transaction()
				.and_provides((rating.request_id, rating.attestor.clone()))
				.longevity(longevity)
				.build()?;
			Ok((valid, Weight::zero()))
		}

		/// Validity of a batch of ratings: the attestor's signature over the
		/// batch, at least one rating, none twice, and each as in
		/// [`Self::authorize_rating`] but for its own signature. It provides the
		/// tag of every rating it carries (the same tags as single ratings, so the
		/// pool never holds a rating both alone and in a batch) and lives until
		/// the nearest deadline.
		pub fn authorize_ratings(
			_source: TransactionSource,
			attestor: &T::AccountId,
			ratings: &BoundedVec<BatchedRating, T::MaxRatingsPerBatch>,
			signature: &T::Signature,
		) -> TransactionValidityWithRefund {
			ensure!(!ratings.is_empty(), rating_invalidity::<T>(Error::<T>::EmptyBatch));
			ensure!(
				signature.verify(&batch_signing_payload(attestor, ratings)[..], attestor),
				rating_invalidity::<T>(Error::<T>::InvalidRatingSignature)
			);
			let mut valid = Self::rating_transaction();
			let mut longevity = TransactionLongevity::MAX;
			for (i, entry) in ratings.iter().enumerate() {
				let repeated = ratings[..i].iter().any(|earlier| earlier.request_id == entry.request_id);
				ensure!(!repeated, rating_invalidity::<T>(Error::<T>::DuplicateRating));
				let rating = entry.rated_by(attestor.clone());
				let request = Self::open_request_for(&rating).map_err(rating_invalidity::<T>)?;
				Self::check_contact_proof(&rating, &request).map_err(rating_invalidity::<T>)?;
				longevity = longevity.min(Self::longevity(&request));
				valid = valid.and_provides((rating.request_id, rating.attestor));
			}
			Ok((valid.longevity(longevity).build()?, Weight::zero()))
		}

		/// What single and batched rating transactions share in the pool: their
		/// tag prefix (so a rating alone and in a batch carry the same tag), priority
		/// and propagation.
		fn rating_transaction() -> sp_runtime::transaction_validity::ValidTransactionBuilder {
			ValidTransaction::with_tag_prefix("hosting-rating").priority(T::RatingPriority::get()).propagate(true)
		}

		/// Everything a single rating must pass before it enters the pool: the
		/// request is open for this attestor, the signatures are valid. Returns
		/// how many blocks the rating stays valid (through the request's deadline).
		fn check_rating(rating: &Rating<T::AccountId>, signature: &T::Signature) -> Result<TransactionLongevity, Error<T>> {
			let request = Self::open_request_for(rating)?;
			ensure!(
				signature.verify(&rating.signing_payload()[..], &rating.attestor),
				Error::<T>::InvalidRatingSignature
			);
			Self::check_contact_proof(rating, &request)?;
			Ok(Self::longevity(&request))
		}

		/// Blocks from now through the request's deadline.
		fn longevity(
			request: &BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
		) -> TransactionLongevity {
			let now = frame_system::Pallet::<T>::block_number();
			request.deadline.saturating_sub(now).saturating_add(One::one()).saturated_into()
		}

		/// The open request a rating answers, if the attestor may still answer it.
		pub fn open_request_for(
			rating: &Rating<T::AccountId>,
		) -> Result<BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>, Error<T>> {
			let request = BenchmarkRequests::<T>::get(rating.request_id).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(frame_system::Pallet::<T>::block_number() <= request.deadline, Error::<T>::DeadlinePassed);
			ensure!(request.attestors.contains(&rating.attestor), Error::<T>::NotAssigned);
			ensure!(!request.answered.contains(&rating.attestor), Error::<T>::AlreadyAnswered);
			Ok(request)
		}

		/// For a Normal rating, the hoster's contact proof for one of the
		/// request's chunks (its contact key's signature binding this request,
		/// nonce, attestor, block index and block hash).
		pub fn check_contact_proof(
			rating: &Rating<T::AccountId>,
			request: &BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
		) -> Result<(), Error<T>> {
			if let RatingOutcome::Normal { contact_proof, .. } = &rating.outcome {
				let hoster = Hosters::<T>::get(&request.hoster).ok_or(Error::<T>::NotHoster)?;
				ensure!(request.chunks.contains(&contact_proof.block_index), Error::<T>::InvalidContactProof);
				ensure!(
					hypercore_verify::verify_contact_proof::<SpIo>(
						&hoster.form.contact_key,
						rating.request_id,
						&request.nonce,
						&account_bytes(&rating.attestor),
						contact_proof.block_index,
						&contact_proof.block_hash,
						&contact_proof.signature,
					),
					Error::<T>::InvalidContactProof
				);
			}
			Ok(())
		}

		/// Applies a checked rating: hoster figures (overall and for the
		/// attestor's region), hoster status, attestor reliability, request state.
		fn record_rating(
			rating: Rating<T::AccountId>,
			mut request: BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
		) {
			let now = frame_system::Pallet::<T>::block_number();
			let params = Params { forgetting: T::ForgettingFactor::get(), smoothing: T::Smoothing::get() };
			let attestor = rating.attestor.clone();
			let mut availability = Perbill::zero();
			let mut reliability = Perbill::zero();

			if let Some(mut hoster) = Hosters::<T>::get(&request.hoster) {
				let sample = Sample::from_outcome(&rating.outcome, request.chunks.len() as u32, &hoster.form.promised);
				let mut record = HosterPerformance::<T>::get(&request.hoster).unwrap_or_default();
				record.figures.record(&sample, &params, now);
				record.last_rating =
					Some(RatingRecord { request: rating.request_id, attestor: attestor.clone(), outcome: rating.outcome, at: now });
				HosterPerformance::<T>::insert(&request.hoster, &record);
				let performance = record.figures;
				availability = performance.availability.mean();
				reliability = performance.reliability.mean();
				if let Some(a) = Attestors::<T>::get(&attestor) {
					RegionalPerformance::<T>::mutate(&request.hoster, &a.region, |p| {
						p.get_or_insert_with(Default::default).record(&sample, &params, now)
					});
				}
				Self::update_hoster_status(&request.hoster, &mut hoster, &request, rating.request_id, &sample, &performance);
			}

			Attestors::<T>::mutate(&attestor, |a| {
				if let Some(a) = a {
					a.reliability.record(T::ForgettingFactor::get(), Perbill::one());
					a.answered = a.answered.saturating_add(1);
					a.consecutive_misses = 0;
				}
			});

			// `answered` has room: it is bounded like `attestors` and `attestor` is one of them.
			let _ = request.answered.try_push(attestor.clone());
			if request.answered.len() >= request.attestors.len() {
				BenchmarkRequests::<T>::remove(rating.request_id);
			} else {
				BenchmarkRequests::<T>::insert(rating.request_id, &request);
			}
			log::info!(
				target: LOG_TARGET,
				"request {} rated by {:?}: {:?}; availability {:?}",
				rating.request_id, attestor, rating.outcome, availability
			);
			Self::deposit_event(Event::BenchmarkRated {
				request: rating.request_id,
				hoster: request.hoster,
				attestor,
				outcome: rating.outcome,
				availability,
				reliability,
			});
		}

		/// Status follows the measurements: a registration rating that meets the
		/// promise activates; an active hoster whose availability falls below its
		/// promise is suspended; a suspended one that meets it again is reactivated.
		fn update_hoster_status(
			who: &T::AccountId,
			hoster: &mut Hoster<BlockNumberFor<T>>,
			request: &BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
			request_id: RequestId,
			sample: &Sample,
			performance: &Performance<BlockNumberFor<T>>,
		) {
			let promised = hoster.form.promised.availability;
			let availability = performance.availability.mean();
			let next = match hoster.status {
				HosterStatus::Pending if request.kind == BenchmarkKind::Registration => {
					if sample.met_promise {
						HosterStatus::Active
					} else {
						Self::deposit_event(Event::RegistrationBenchmarkFailed { hoster: who.clone(), request: request_id });
						HosterStatus::Pending
					}
				},
				HosterStatus::Active
					if performance.samples >= T::SuspensionMinSamples::get() && availability < promised =>
					HosterStatus::Suspended,
				HosterStatus::Suspended if sample.met_promise && availability >= promised => HosterStatus::Active,
				status => status,
			};
			if next != hoster.status {
				match next {
					HosterStatus::Active => Self::deposit_event(Event::HosterActivated { hoster: who.clone() }),
					HosterStatus::Suspended =>
						Self::deposit_event(Event::HosterSuspended { hoster: who.clone(), availability, promised }),
					HosterStatus::Pending => {},
				}
				hoster.status = next;
				Hosters::<T>::insert(who, hoster.clone());
			}
		}

		/// Closes the requests whose deadline was `block`; returns how many were closed.
		pub(crate) fn expire_requests(block: BlockNumberFor<T>) -> u32 {
			let ids = RequestsByDeadline::<T>::take(block);
			let mut closed = 0u32;
			for id in ids {
				let Some(request) = BenchmarkRequests::<T>::take(id) else { continue };
				closed += 1;
				let silent: Vec<T::AccountId> =
					request.attestors.iter().filter(|a| !request.answered.contains(a)).cloned().collect();
				for attestor in &silent {
					Self::note_missed(attestor);
				}
				log::info!(target: LOG_TARGET, "request {} expired; silent attestors: {:?}", id, silent);
				Self::deposit_event(Event::RequestExpired { request: id, silent });
			}
			closed
		}

		/// An attestor let a request expire: its reliability falls; after too
		/// many misses in a row it is suspended. The hoster is not blamed.
		pub(crate) fn note_missed(who: &T::AccountId) {
			let Some(mut attestor) = Attestors::<T>::get(who) else { return };
			attestor.reliability.record(T::ForgettingFactor::get(), Perbill::zero());
			attestor.missed = attestor.missed.saturating_add(1);
			attestor.consecutive_misses = attestor.consecutive_misses.saturating_add(1);
			if attestor.status == AttestorStatus::Active && attestor.consecutive_misses >= T::MaxConsecutiveMisses::get()
			{
				attestor.status = AttestorStatus::Suspended;
				ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| a != who));
				Self::deposit_event(Event::AttestorSuspended {
					attestor: who.clone(),
					consecutive_misses: attestor.consecutive_misses,
				});
			}
			Attestors::<T>::insert(who, attestor);
		}

		/// Every `BenchmarkPeriod` blocks, requests benchmarks for up to
		/// `MaxBenchmarksPerBlock` hostings from the rotating cursor. Returns how
		/// many hostings were looked at.
		fn schedule_periodic(now: BlockNumberFor<T>) -> u32 {
			if !(now % T::BenchmarkPeriod::get()).is_zero() {
				return 0;
			}
			let count = HostingCount::<T>::get();
			if count == 0 {
				return 0;
			}
			let take = T::MaxBenchmarksPerBlock::get().min(count);
			let start = ScheduleCursor::<T>::get() % count;
			for k in 0..take {
				let slot = (start + k) % count;
				let Some((hoster, feed)) = HostingSchedule::<T>::get(slot) else { continue };
				let active = Hosters::<T>::get(&hoster)
					.is_some_and(|h| matches!(h.status, HosterStatus::Active | HosterStatus::Suspended));
				if active {
					if let Err(e) = Self::create_request(&hoster, feed, BenchmarkKind::Periodic) {
						log::debug!(target: LOG_TARGET, "periodic benchmark of {:?} on feed {} skipped: {:?}", hoster, feed, e);
					}
				}
			}
			ScheduleCursor::<T>::put((start + take) % count);
			take
		}

		/// Creates a benchmark request: random chunks below the feed's registered
		/// length, a random nonce, random attestors (never the hoster, regions as
		/// diverse as possible), a deadline; emits `ProvidePerformanceBenchmark`.
		pub(crate) fn create_request(hoster: &T::AccountId, feed_id: FeedId, kind: BenchmarkKind) -> Result<RequestId, Error<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			let (block, count) = RequestsInBlock::<T>::get();
			let count = if block == now { count } else { 0 };
			ensure!(count < T::MaxRequestsPerBlock::get(), Error::<T>::TooManyRequests);
			let feed = Feeds::<T>::get(feed_id).ok_or(Error::<T>::UnknownFeed)?;
			let form = Hosters::<T>::get(hoster).ok_or(Error::<T>::NotHoster)?.form;
			let id = NextRequestId::<T>::get();

			let (random, _) = T::Randomness::random(&(b"hosting/request", id).encode());
			let seed = sp_io::hashing::blake2_256(&(random, id, hoster, feed_id).encode());
			let attestors = Self::select_attestors(hoster, &seed);
			ensure!(!attestors.is_empty(), Error::<T>::NoAttestorAvailable);
			let chunks = sample_chunks(&seed, feed.length, T::ChunksPerBenchmark::get());
			let nonce = sp_io::hashing::blake2_256(&(b"nonce", seed).encode());
			let deadline = now.saturating_add(T::ResponseWindow::get());

			RequestsByDeadline::<T>::try_mutate(deadline, |ids| ids.try_push(id))
				.map_err(|_| Error::<T>::TooManyRequests)?;
			let request = BenchmarkRequest {
				hoster: hoster.clone(),
				feed: feed_id,
				length: feed.length,
				tree_hash: hypercore_verify::hashes::tree::<SpIo>(&feed.roots),
				chunks: chunks.clone(),
				nonce,
				attestors: attestors.clone(),
				answered: BoundedVec::new(),
				created: now,
				deadline,
				kind,
			};
			BenchmarkRequests::<T>::insert(id, request);
			NextRequestId::<T>::put(id.saturating_add(1));
			RequestsInBlock::<T>::put((now, count + 1));
			log::info!(
				target: LOG_TARGET,
				"request {} ({:?}): hoster {:?}, feed {} at length {}, chunks {:?}, attestors {:?}, deadline {:?}",
				id, kind, hoster, feed_id, feed.length, chunks, attestors, deadline
			);
			Self::deposit_event(Event::ProvidePerformanceBenchmark {
				request: id,
				hoster: hoster.clone(),
				feed: feed_id,
				feed_key: feed.key,
				endpoint: form.endpoint,
				length: feed.length,
				chunks,
				nonce,
				attestors: attestors.into_inner(),
				deadline,
				kind,
			});
			Ok(id)
		}

		/// Up to `AttestorsPerRequest` active attestors, never `hoster`, starting
		/// at a random position; first one per region, then any.
		fn select_attestors(hoster: &T::AccountId, seed: &[u8; 32]) -> BoundedVec<T::AccountId, T::AttestorsPerRequest> {
			let pool = ActiveAttestors::<T>::get();
			let mut chosen: BoundedVec<T::AccountId, T::AttestorsPerRequest> = BoundedVec::new();
			let n = pool.len();
			if n == 0 {
				return chosen;
			}
			let start = (u64::from_le_bytes([seed[0], seed[1], seed[2], seed[3], seed[4], seed[5], seed[6], seed[7]])
				% n as u64) as usize;
			let mut regions: Vec<&Region> = Vec::new();
			for distinct_regions in [true, false] {
				for k in 0..n {
					let (account, region) = &pool[(start + k) % n];
					if account == hoster || chosen.contains(account) {
						continue;
					}
					if distinct_regions && regions.contains(&region) {
						continue;
					}
					if chosen.try_push(account.clone()).is_err() {
						return chosen;
					}
					regions.push(region);
				}
			}
			chosen
		}

		/// Verifies a feed's signed state; maps verification errors to pallet errors.
		fn verify(
			key: &[u8; 32],
			manifest: Option<&[u8]>,
			length: u64,
			fork: u64,
			roots: &Roots,
			signature: &FeedSignature,
		) -> Result<hypercore_verify::VerifiedFeed, Error<T>> {
			let mode = if manifest.is_some() { KeyMode::Manifest } else { KeyMode::Compat };
			let tree = SignedTree { key, mode, manifest, length, fork, roots, signature };
			verify_feed::<SpIo>(&tree).map_err(|e| match e {
				FeedError::LengthTooLarge | FeedError::WrongRoots => Error::<T>::InvalidFeedRoots,
				FeedError::MissingManifest |
				FeedError::UnexpectedManifest |
				FeedError::KeyMismatch |
				FeedError::Malformed |
				FeedError::Unsupported(_) => Error::<T>::InvalidManifest,
				FeedError::SignatureLength | FeedError::BadSignature => Error::<T>::InvalidFeedSignature,
			})
		}

		/// Publishes a verified feed (calls and genesis).
		pub(crate) fn do_publish(
			who: T::AccountId,
			key: [u8; 32],
			manifest: Option<Manifest>,
			length: u64,
			fork: u64,
			roots: Roots,
			signature: FeedSignature,
		) -> Result<FeedId, Error<T>> {
			ensure!(length > 0, Error::<T>::EmptyFeed);
			ensure!(!FeedByKey::<T>::contains_key(key), Error::<T>::FeedAlreadyPublished);
			let verified = Self::verify(&key, manifest.as_ref().map(|m| &m[..]), length, fork, &roots, &signature)?;
			let id = NextFeedId::<T>::get();
			let mode = if manifest.is_some() { KeyMode::Manifest } else { KeyMode::Compat };
			Feeds::<T>::insert(
				id,
				Feed {
					key,
					signer: verified.signer,
					mode,
					manifest,
					length,
					fork,
					roots,
					signature,
					publisher: who.clone(),
					updated_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			FeedByKey::<T>::insert(key, id);
			NextFeedId::<T>::put(id.saturating_add(1));
			Self::deposit_event(Event::FeedPublished { feed: id, key, publisher: who, length });
			Ok(id)
		}

		/// Registers an attestor (calls and genesis).
		pub(crate) fn do_register_attestor(who: T::AccountId, region: Region) -> DispatchResult {
			ensure!(!Attestors::<T>::contains_key(&who), Error::<T>::AlreadyAttestor);
			ensure!(is_valid_region(&region), Error::<T>::InvalidRegion);
			ActiveAttestors::<T>::try_mutate(|list| list.try_push((who.clone(), region.clone())))
				.map_err(|_| Error::<T>::TooManyAttestors)?;
			Attestors::<T>::insert(
				&who,
				Attestor {
					region: region.clone(),
					status: AttestorStatus::Active,
					reliability: Default::default(),
					answered: 0,
					missed: 0,
					consecutive_misses: 0,
					registered_at: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::AttestorRegistered { attestor: who, region });
			Ok(())
		}

		fn check_form(form: &HosterForm) -> Result<(), Error<T>> {
			ensure!(is_valid_endpoint(&form.endpoint), Error::<T>::InvalidEndpoint);
			ensure!(is_valid_region(&form.region), Error::<T>::InvalidRegion);
			Ok(())
		}

		/// Adds a hosting and its schedule slot.
		pub(crate) fn add_hosting(who: &T::AccountId, feed: FeedId) -> Result<(), Error<T>> {
			ensure!(!Hostings::<T>::contains_key(who, feed), Error::<T>::AlreadyHosting);
			let mut hoster = Hosters::<T>::get(who).ok_or(Error::<T>::NotHoster)?;
			ensure!(hoster.hostings < T::MaxHostingsPerHoster::get(), Error::<T>::TooManyHostings);
			let slot = HostingCount::<T>::get();
			HostingSchedule::<T>::insert(slot, (who.clone(), feed));
			HostingCount::<T>::put(slot + 1);
			Hostings::<T>::insert(who, feed, HostingInfo { since: frame_system::Pallet::<T>::block_number(), slot });
			hoster.hostings += 1;
			Hosters::<T>::insert(who, hoster);
			Ok(())
		}

		/// Removes a hosting; the last schedule slot moves into its place (O(1)).
		fn remove_hosting(who: &T::AccountId, feed: FeedId) {
			let Some(info) = Hostings::<T>::take(who, feed) else { return };
			let last = HostingCount::<T>::get().saturating_sub(1);
			if info.slot != last {
				if let Some(moved) = HostingSchedule::<T>::get(last) {
					Hostings::<T>::mutate(&moved.0, moved.1, |h| {
						if let Some(h) = h {
							h.slot = info.slot
						}
					});
					HostingSchedule::<T>::insert(info.slot, moved);
				}
			}
			HostingSchedule::<T>::remove(last);
			HostingCount::<T>::put(last);
			Hosters::<T>::mutate(who, |h| {
				if let Some(h) = h {
					h.hostings = h.hostings.saturating_sub(1)
				}
			});
		}

		/// Whether `who` qualifies for `role` under `requirements`, with every
		/// reason it does not. Reads O(1) storage items.
		pub fn does_qualify(who: &T::AccountId, role: Role, requirements: &Requirements) -> Qualification {
			match role {
				Role::Hoster => {
					let Some(hoster) = Hosters::<T>::get(who) else {
						return qualification::judge_hoster::<BlockNumberFor<T>>(None, requirements);
					};
					let performance = match &requirements.region {
						Some(region) => RegionalPerformance::<T>::get(who, region),
						None => HosterPerformance::<T>::get(who).map(|r| r.figures),
					};
					qualification::judge_hoster(
						Some(qualification::HosterView { status: hoster.status, performance: performance.as_ref() }),
						requirements,
					)
				},
				Role::Attestor => qualification::judge_attestor(Attestors::<T>::get(who).as_ref(), requirements),
			}
		}

		/// A hoster's figures in plain units.
		pub fn hoster_performance(who: &T::AccountId) -> Option<PerformanceSummary<BlockNumberFor<T>>> {
			let hoster = Hosters::<T>::get(who)?;
			let record = HosterPerformance::<T>::get(who).unwrap_or_default();
			let raw = record.figures;
			Some(PerformanceSummary {
				status: hoster.status,
				availability: raw.availability.mean(),
				reliability: raw.reliability.mean(),
				latency_ms: u32::try_from(raw.latency_ms.mean_units()).unwrap_or(u32::MAX),
				latency_stddev_ms: u32::try_from(raw.latency_ms.stddev_units()).unwrap_or(u32::MAX),
				bandwidth: raw.bandwidth.mean_units(),
				bandwidth_stddev: raw.bandwidth.stddev_units(),
				samples: raw.samples,
				last_update: raw.last_update,
				raw,
			})
		}

		/// Open requests assigned to `attestor` that it has not answered, with their ids.
		pub fn open_requests_for(attestor: &T::AccountId) -> Vec<RequestView<T::AccountId, BlockNumberFor<T>>> {
			Self::unanswered_requests(attestor).map(|(id, r)| Self::request_view(id, r)).collect()
		}

		/// Open requests assigned to `attestor` that it has not answered.
		///
		/// A scan of `BenchmarkRequests`, for off-chain and runtime-API use only
		/// (never in a dispatchable or hook). It is bounded: requests live at
		/// most `ResponseWindow + 1` blocks and at most `MaxRequestsPerBlock`
		/// are created per block, so at most
		/// `MaxRequestsPerBlock × (ResponseWindow + 1)` exist (352 in the
		/// runtime). A per-attestor index would cost a database write per
		/// request and per rating, on the path that must absorb 500 ratings
		/// per second.
		pub fn unanswered_requests(
			attestor: &T::AccountId,
		) -> impl Iterator<Item = (RequestId, BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>)> + '_ {
			BenchmarkRequests::<T>::iter()
				.filter(move |(_, r)| r.attestors.contains(attestor) && !r.answered.contains(attestor))
		}

		/// A request with what an attestor needs to fetch it: the feed key and the hoster's endpoint.
		pub fn request_view(
			id: RequestId,
			r: BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
		) -> RequestView<T::AccountId, BlockNumberFor<T>> {
			RequestView {
				id,
				feed_key: Feeds::<T>::get(r.feed).map(|f| f.key).unwrap_or_default(),
				endpoint: Hosters::<T>::get(&r.hoster).map(|h| h.form.endpoint.into_inner()).unwrap_or_default(),
				hoster: r.hoster,
				feed: r.feed,
				length: r.length,
				tree_hash: r.tree_hash,
				chunks: r.chunks.into_inner(),
				nonce: r.nonce,
				attestors: r.attestors.into_inner(),
				answered: r.answered.into_inner(),
				deadline: r.deadline,
				kind: r.kind,
			}
		}
	}

	/// The attestor key is a session key: `--dev`/`--alice` nodes and
	/// `author_rotateKeys` put it into the keystore with Aura's and GRANDPA's.
	impl<T: Config> sp_runtime::BoundToRuntimeAppPublic for Pallet<T> {
		type Public = crate::crypto::Public;
	}

	/// Index of a pallet error (the code of `InvalidTransaction::Custom` for ratings).
	fn error_index<T>(e: &Error<T>) -> u8 {
		e.encode().first().copied().unwrap_or(u8::MAX)
	}

	/// Why the pool refuses a rating: `Stale` when the request is closed for the
	/// attestor, `BadProof` for a bad signature or contact proof, else the
	/// pallet error's index as `Custom`.
	fn rating_invalidity<T>(e: Error<T>) -> TransactionValidityError {
		match e {
			Error::<T>::UnknownRequest | Error::<T>::DeadlinePassed | Error::<T>::AlreadyAnswered =>
				InvalidTransaction::Stale.into(),
			Error::<T>::InvalidRatingSignature | Error::<T>::InvalidContactProof => InvalidTransaction::BadProof.into(),
			other => InvalidTransaction::Custom(error_index(&other)).into(),
		}
	}
}

/// `count` random block numbers below `length` from `seed`, sorted, without repeats.
pub fn sample_chunks(seed: &[u8; 32], length: u64, count: u32) -> Chunks {
	let mut chunks = alloc::vec::Vec::with_capacity(count as usize);
	if length > 0 {
		for i in 0..count.min(MAX_CHUNKS_PER_BENCHMARK) {
			let h = sp_io::hashing::blake2_256(&codec::Encode::encode(&(b"chunk", seed, i)));
			let mut word = [0u8; 8];
			word.copy_from_slice(&h[..8]);
			chunks.push(u64::from_le_bytes(word) % length);
		}
	}
	chunks.sort_unstable();
	chunks.dedup();
	Chunks::truncate_from(chunks)
}
