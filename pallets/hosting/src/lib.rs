#![doc = include_str!("../README.md")]
//!
//! ### Example
//!
//! A hoster registers, its registration benchmark is rated by the assigned
//! attestor, and it qualifies:
#![doc = docify::embed!("src/tests/qualification.rs", a_rated_hoster_qualifies)]
//!
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod tests;

pub mod attestors;
pub mod block_writes;
pub mod committee;
pub mod crypto;
pub mod deposits;
pub mod endpoint;
pub mod feeds;
pub mod figures;
pub mod genesis;
pub mod hosters;
#[cfg(feature = "std")]
pub mod integrity;
pub mod measure;
pub mod migrations;
pub mod offchain;
pub mod qualification;
pub mod ratings;
pub mod requests;
pub mod runtime_api;
#[cfg(any(feature = "try-runtime", test))]
pub mod try_state;
pub mod types;
pub mod weights;

pub use deposits::StoragePrice;
pub use figures::Figures;
pub use genesis::{GenesisFeed, GenesisHoster};
pub use requests::{chunks_of, sample_chunks};
pub use types::*;
pub use weights::WeightInfo;

/// Most chunks one benchmark may sample.
pub const MAX_CHUNKS_PER_BENCHMARK: u32 = 32;

/// Key type of attestor keys in a node's keystore.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"host");

/// Log target of the pallet and its off-chain worker.
pub const LOG_TARGET: &str = "runtime::hosting";

// FRAME's expansion of `#[pallet::authorize]` for a call of three arguments
// spells out a function type that clippy finds complex; there is nothing to
// factor out on this side.
#[allow(clippy::type_complexity)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::DispatchResult,
		migrations::MultiStepMigrator,
		pallet_prelude::*,
		traits::{
			fungible::{self, Credit},
			Consideration, Footprint, OnUnbalanced, Randomness,
		},
	};
	use frame_system::{offchain::SigningTypes, pallet_prelude::*};
	use sp_runtime::{
		traits::{Saturating, Verify},
		Perbill,
	};

	/// The storage version: 2 since requests carry committees' votes and
	/// attestors carry a key and a bond ([`crate::migrations::v2`]); 3 since
	/// requests keep the hoster's contact key and the hoster's figures record
	/// holds its per-region figures ([`crate::migrations::v3`]); 4 since
	/// attestors count their answers per disagreement window
	/// ([`crate::migrations::v4`]); 5 since requests keep the hoster's
	/// endpoint ([`crate::migrations::v5`]); 6 since feeds count their
	/// hostings and open requests, and items hold deposits
	/// ([`crate::migrations::v6`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(7);

	/// A balance of the pallet's currency.
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// Funds slashed from an attestor's bond, on their way to [`Config::Slashed`].
	pub type CreditOf<T> = Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

	/// A feed's record, for the pallet's own `T`.
	pub type FeedOf<T> = Feed<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// An attestor's record, for the pallet's own `T`.
	pub type AttestorOf<T> =
		Attestor<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An attestor's bond, held while it is registered and through its unbonding period.
		AttestorBond,
		/// A published feed's storage deposit, held from its publisher.
		FeedDeposit,
		/// A hoster's storage deposit for its record and figures.
		HosterDeposit,
		/// The storage deposit of one of a hoster's hostings.
		HostingDeposit,
		/// The deposit of an open on-demand benchmark request, held from whoever asked.
		RequestDeposit,
	}

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
		/// Source of randomness for committees and nonces, drawn at the start
		/// of the block after a request's (see the README on what a production
		/// chain plugs in here).
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// The currency attestor bonds are held in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::BalancedHold<Self::AccountId>;
		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;
		/// Who may register as an attestor: `EnsureSigned` for an open, bonded
		/// set; an origin of a fixed set of accounts for a permissioned one.
		type AttestorOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Held from an attestor's account while it is registered.
		#[pallet::constant]
		type AttestorBond: Get<BalanceOf<Self>>;
		/// Blocks between `unregister_attestor` and the release of the bond.
		#[pallet::constant]
		type AttestorUnbondingPeriod: Get<BlockNumberFor<Self>>;
		/// Ratings a request needs for a verdict, and Registration ratings that
		/// must meet the hoster's promise to activate it.
		#[pallet::constant]
		type CommitteeQuorum: Get<u32>;
		/// Disagreements with its committees in one window that suspend an
		/// attestor and slash its bond, when they are also more than
		/// `MaxDisagreementShare` of the requests it answered in the window.
		#[pallet::constant]
		type MaxDisagreements: Get<u32>;
		/// Share of its answers in one window an attestor may disagree on
		/// without being suspended (past `MaxDisagreements`): an honest
		/// attestor that rates thousands of requests a day has rare outliers
		/// (measurement noise, a hoster that changed between two fetches);
		/// a liar disagrees on the ratings it lies in.
		#[pallet::constant]
		type MaxDisagreementShare: Get<Perbill>;
		/// Blocks of one disagreement window.
		#[pallet::constant]
		type DisagreementWindow: Get<BlockNumberFor<Self>>;
		/// Share of its bond an attestor loses when it is suspended for disagreements.
		#[pallet::constant]
		type DisagreementSlash: Get<Perbill>;
		/// Where slashed bonds go (`()` burns them).
		type Slashed: OnUnbalanced<CreditOf<Self>>;
		/// Weights of calls and hooks.
		type WeightInfo: WeightInfo;
		/// Blocks between two rounds of periodic benchmarks.
		#[pallet::constant]
		type BenchmarkPeriod: Get<BlockNumberFor<Self>>;
		/// Most hostings benchmarked by one periodic round: the block budget
		/// of periodic requests.
		#[pallet::constant]
		type MaxBenchmarksPerBlock: Get<u32>;
		/// The block budget of registration requests (`register_hoster`,
		/// `update_registration`); past it, registrations queue and are
		/// served in order in the next blocks.
		#[pallet::constant]
		type MaxRegistrationsPerBlock: Get<u32>;
		/// The block budget of on-demand requests (`request_performance_benchmark`).
		#[pallet::constant]
		type MaxOnDemandPerBlock: Get<u32>;
		/// Most open on-demand requests on one hoster.
		#[pallet::constant]
		type MaxOnDemandPerHoster: Get<u32>;
		/// Most benchmark requests created in one block, all kinds together:
		/// at least the three budgets summed (it bounds the per-block lists).
		#[pallet::constant]
		type MaxRequestsPerBlock: Get<u32>;
		/// Chunks one attestor samples per benchmark (at most [`MAX_CHUNKS_PER_BENCHMARK`]).
		#[pallet::constant]
		type ChunksPerBenchmark: Get<u32>;
		/// Attestors in the committee of one benchmark.
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
		/// Forgetting factor λ of a hoster's availability and reliability, per
		/// block elapsed (evidence `Δ` blocks old weighs `λ^Δ`; a block's
		/// ratings share one unit), and of an attestor's reliability, per
		/// request it answers or misses.
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

		/// The deposit a feed holds from its publisher while it is published
		/// (see [`crate::deposits`]); released by `unpublish_feed`.
		type FeedConsideration: Consideration<Self::AccountId, Footprint>;
		/// The deposit a hoster holds for its record and figures while it is
		/// registered; released by `unregister_hoster`.
		type HosterConsideration: Consideration<Self::AccountId, Footprint>;
		/// The deposit each hosting holds from its hoster; released by
		/// `stop_hosting` or `unregister_hoster`.
		type HostingConsideration: Consideration<Self::AccountId, Footprint>;
		/// The deposit an on-demand request holds from whoever asked for it
		/// while it is open; released when it closes.
		type RequestConsideration: Consideration<Self::AccountId, Footprint>;
		/// Every item's deposit starts at this: the price of one more storage
		/// item ([`crate::StoragePrice`]).
		#[pallet::constant]
		type DepositBase: Get<BalanceOf<Self>>;
		/// And grows by this for each byte of its footprint.
		#[pallet::constant]
		type DepositPerByte: Get<BalanceOf<Self>>;
	}

	/// The id the next published feed gets.
	#[pallet::storage]
	pub type NextFeedId<T> = StorageValue<_, FeedId, ValueQuery>;

	/// Published feeds: id → key and signed state.
	#[pallet::storage]
	pub type Feeds<T: Config> =
		StorageMap<_, Twox64Concat, FeedId, Feed<T::AccountId, BlockNumberFor<T>>>;

	/// Each published feed's deposit, held from its publisher.
	#[pallet::storage]
	pub type FeedDeposits<T: Config> = StorageMap<_, Twox64Concat, FeedId, T::FeedConsideration>;

	/// What uses each published feed: its hostings, and the block by which
	/// its last request closes. A feed is unpublished only when both are past.
	#[pallet::storage]
	pub type FeedUsage<T: Config> =
		StorageMap<_, Twox64Concat, FeedId, FeedUse<BlockNumberFor<T>>, ValueQuery>;

	/// Feed key → feed id (a key is published once).
	#[pallet::storage]
	pub type FeedByKey<T> = StorageMap<_, Blake2_128Concat, [u8; 32], FeedId>;

	/// Registered hosters: account → registration form, status, registration block.
	#[pallet::storage]
	pub type Hosters<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Hoster<BlockNumberFor<T>>>;

	/// Each hoster's deposit for its record and figures.
	#[pallet::storage]
	pub type HosterDeposits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, T::HosterConsideration>;

	/// Registered attestors: account → region, status, key, bond, own record.
	#[pallet::storage]
	pub type Attestors<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, AttestorOf<T>>;

	/// Attestor signing keys (as accounts) → the attestor account they sign for.
	#[pallet::storage]
	pub type AttestorKeys<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, T::AccountId>;

	/// Active attestors and their regions, the pool requests are assigned from.
	#[pallet::storage]
	pub type ActiveAttestors<T: Config> =
		StorageValue<_, BoundedVec<(T::AccountId, Region), T::MaxAttestors>, ValueQuery>;

	/// Hostings: (hoster, feed) → since when, and the slot in the periodic schedule.
	#[pallet::storage]
	pub type Hostings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		FeedId,
		HostingInfo<BlockNumberFor<T>>,
	>;

	/// The periodic schedule: slot → (hoster, feed); slots `0..HostingCount` are filled.
	#[pallet::storage]
	pub type HostingSchedule<T: Config> = StorageMap<_, Twox64Concat, u32, (T::AccountId, FeedId)>;

	/// Each hosting's deposit, held from its hoster.
	#[pallet::storage]
	pub type HostingDeposits<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		FeedId,
		T::HostingConsideration,
	>;

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

	/// Requests created in the current block, assigned their committee at the
	/// start of the next: (block they were created in, ids).
	#[pallet::storage]
	pub type Unassigned<T: Config> = StorageValue<
		_,
		(BlockNumberFor<T>, BoundedVec<RequestId, T::MaxRequestsPerBlock>),
		ValueQuery,
	>;

	/// The requests the batches of ratings of the current block have written
	/// (see [`crate::block_writes`]): a later batch of the block is not charged
	/// the database write and read of those again. Removed in `on_finalize`,
	/// so it never outlives its block.
	#[pallet::storage]
	pub type RequestsWrittenInBlock<T: Config> =
		StorageValue<_, crate::block_writes::WrittenRequests, OptionQuery>;

	/// Requests by deadline block, closed by `on_initialize` the block after.
	#[pallet::storage]
	pub type RequestsByDeadline<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<RequestId, T::MaxRequestsPerBlock>,
		ValueQuery,
	>;

	/// Deadline blocks whose requests are not closed yet because a multi-block
	/// migration ran when they were due or in their last block: (first, last).
	/// `on_initialize` closes one such block's requests a block, oldest first,
	/// once the migration is over, without blaming the attestors the migration
	/// kept silent.
	#[pallet::storage]
	pub type DeferredDeadlines<T: Config> =
		StorageValue<_, (BlockNumberFor<T>, BlockNumberFor<T>), OptionQuery>;

	/// Requests created in the current block, per kind: (block, counts).
	#[pallet::storage]
	pub type RequestsInBlock<T: Config> =
		StorageValue<_, (BlockNumberFor<T>, RequestCounts), ValueQuery>;

	/// Hosters whose registration benchmark waits for a block with room in
	/// the registration budget: queue position → (hoster, how many times its
	/// benchmark was tried void before), served in order.
	#[pallet::storage]
	pub type RegistrationQueue<T: Config> = StorageMap<_, Twox64Concat, u32, (T::AccountId, u8)>;

	/// Each queued hoster's position in `RegistrationQueue` (a hoster is
	/// queued at most once; its deposit covers the entry).
	#[pallet::storage]
	pub type QueuedRegistrations<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32>;

	/// The queue's ends: (first position not yet served, next free position).
	#[pallet::storage]
	pub type RegistrationQueueEnds<T> = StorageValue<_, (u32, u32), ValueQuery>;

	/// Open on-demand requests per hoster (at most `MaxOnDemandPerHoster`).
	#[pallet::storage]
	pub type OnDemandRequests<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each open on-demand request's deposit and who holds it.
	#[pallet::storage]
	pub type RequestDeposits<T: Config> =
		StorageMap<_, Twox64Concat, RequestId, (T::AccountId, T::RequestConsideration)>;

	/// Each hoster's figures: overall, per attestor region, and the verdict that last changed them.
	#[pallet::storage]
	pub type HosterFigures<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, FiguresRecord<BlockNumberFor<T>>>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A feed was published; its signature verified.
		FeedPublished {
			/// The feed's id.
			feed: FeedId,
			/// The Hypercore feed key.
			key: [u8; 32],
			/// Who published it.
			publisher: T::AccountId,
			/// Blocks in the published state.
			length: u64,
		},
		/// A feed was unpublished; its deposit went back to its publisher.
		FeedUnpublished {
			/// The feed's id.
			feed: FeedId,
			/// The Hypercore feed key (free to be published again).
			key: [u8; 32],
			/// Who had published it.
			publisher: T::AccountId,
		},
		/// A feed's state was updated to a longer length.
		FeedUpdated {
			/// The feed's id.
			feed: FeedId,
			/// Blocks in the new state.
			length: u64,
			/// Fork id of the new state.
			fork: u64,
		},
		/// A hoster registered (as Pending) and its registration benchmark was requested.
		HosterRegistered {
			/// The hoster.
			hoster: T::AccountId,
			/// Where it serves from.
			region: Region,
			/// The feed its registration benchmarks use.
			feed: FeedId,
		},
		/// A hoster changed its form; it is Pending again until re-benchmarked.
		HosterRegistrationUpdated {
			/// The hoster.
			hoster: T::AccountId,
		},
		/// The block's registration budget was used: the hoster's registration
		/// benchmark waits in the queue and is requested in order, in the
		/// first block with room.
		RegistrationQueued {
			/// The hoster.
			hoster: T::AccountId,
			/// Registrations ahead of it.
			ahead: u32,
		},
		/// A hoster left.
		HosterUnregistered {
			/// The hoster.
			hoster: T::AccountId,
		},
		/// A hoster's measurements meet its promise: it is Active.
		HosterActivated {
			/// The hoster.
			hoster: T::AccountId,
		},
		/// An active hoster's availability fell below its promise.
		HosterSuspended {
			/// The hoster.
			hoster: T::AccountId,
			/// Its measured availability.
			availability: Perbill,
			/// The availability it promised.
			promised: Perbill,
		},
		/// A registration benchmark did not meet the hoster's promise; it stays Pending.
		RegistrationBenchmarkFailed {
			/// The hoster.
			hoster: T::AccountId,
			/// The registration request that was rated.
			request: RequestId,
		},
		/// An attestor registered; its bond is held.
		AttestorRegistered {
			/// The attestor.
			attestor: T::AccountId,
			/// Where it measures from.
			region: Region,
			/// The key its ratings are signed with.
			key: T::AccountId,
			/// The bond held.
			bond: BalanceOf<T>,
		},
		/// An attestor left the active set; its bond is released from `unbonded_at`.
		AttestorUnregistered {
			/// The attestor.
			attestor: T::AccountId,
			/// The first block `withdraw_attestor_bond` succeeds in.
			unbonded_at: BlockNumberFor<T>,
		},
		/// A leaving attestor's bond was released and its record removed.
		AttestorBondReleased {
			/// The attestor.
			attestor: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// An attestor gets no new requests until it resumes.
		AttestorSuspended {
			/// The attestor.
			attestor: T::AccountId,
			/// Why.
			fault: AttestorFault,
		},
		/// Part of an attestor's bond was slashed for disagreeing with its committees.
		AttestorSlashed {
			/// The attestor.
			attestor: T::AccountId,
			/// The amount slashed.
			amount: BalanceOf<T>,
		},
		/// A suspended attestor asked for requests again.
		AttestorResumed {
			/// The attestor.
			attestor: T::AccountId,
		},
		/// A hoster offers to host a feed.
		HostingOffered {
			/// The hoster.
			hoster: T::AccountId,
			/// The feed.
			feed: FeedId,
		},
		/// A hoster stopped hosting a feed.
		HostingStopped {
			/// The hoster.
			hoster: T::AccountId,
			/// The feed.
			feed: FeedId,
		},
		/// A benchmark was requested; its committee is drawn at the start of the next block.
		BenchmarkRequested {
			/// The request's id.
			request: RequestId,
			/// The hoster to measure.
			hoster: T::AccountId,
			/// The feed whose chunks are fetched.
			feed: FeedId,
			/// Why it was requested.
			kind: BenchmarkKind,
		},
		/// A benchmark's committee was drawn: each attestor fetches its own
		/// `chunks_per_attestor` chunks of feed `feed_key` at `length` from
		/// `endpoint` and rates the hoster by `deadline`.
		ProvidePerformanceBenchmark {
			/// The request's id.
			request: RequestId,
			/// The hoster measured.
			hoster: T::AccountId,
			/// The feed whose chunks are fetched.
			feed: FeedId,
			/// The feed's key.
			feed_key: [u8; 32],
			/// The hoster's endpoint.
			endpoint: Endpoint,
			/// The feed length the chunks' proofs are anchored at.
			length: u64,
			/// Chunks each attestor samples (drawn from its own signature).
			chunks_per_attestor: u32,
			/// The challenge the hoster's contact proofs sign.
			nonce: [u8; 32],
			/// The committee.
			attestors: Vec<T::AccountId>,
			/// The last block a rating is accepted in.
			deadline: BlockNumberFor<T>,
			/// Why it was requested.
			kind: BenchmarkKind,
		},
		/// A committee member's rating was accepted and kept with its request.
		BenchmarkRated {
			/// The request rated.
			request: RequestId,
			/// The hoster measured.
			hoster: T::AccountId,
			/// The attestor that rated.
			attestor: T::AccountId,
			/// What it measured.
			measurement: Measurement,
		},
		/// A rating in a batch was skipped: its request went stale between the
		/// pool and the block (closed, past its deadline, or already rated by
		/// this attestor). The batch's other ratings were recorded.
		RatingSkipped {
			/// The request the rating was for.
			request: RequestId,
			/// The attestor that rated.
			attestor: T::AccountId,
			/// Why it no longer counts.
			reason: StaleRating,
		},
		/// A request closed with its committee's verdict, recorded once into the
		/// hoster's figures.
		RequestClosed {
			/// The request.
			request: RequestId,
			/// The hoster measured.
			hoster: T::AccountId,
			/// The committee's verdict.
			verdict: Verdict,
			/// Ratings received.
			ratings: u32,
			/// The hoster's availability after the verdict.
			availability: Perbill,
			/// The hoster's reliability after the verdict.
			reliability: Perbill,
			/// Attestors whose rating disagreed with the verdict.
			disagreeing: Vec<T::AccountId>,
			/// Committee members that never answered.
			silent: Vec<T::AccountId>,
		},
		/// A request closed without a verdict (fewer ratings than the quorum, or
		/// no majority): the hoster is not blamed; the silent attestors are.
		RequestVoid {
			/// The request.
			request: RequestId,
			/// The hoster measured.
			hoster: T::AccountId,
			/// Ratings received.
			ratings: u32,
			/// Committee members that never answered.
			silent: Vec<T::AccountId>,
			/// The request that tries the benchmark again, if any.
			retry: Option<RequestId>,
		},
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
		/// The account's free balance cannot cover the storage deposit of
		/// what it asked the chain to keep (`DepositBase`, plus
		/// `DepositPerByte` for each byte); nothing was stored.
		CannotAffordDeposit,
		/// The feed is still hosted, or a request on it is still open (it closes
		/// by the block in `FeedUsage`): it cannot be unpublished yet.
		FeedInUse,
		/// No feed with this id.
		UnknownFeed,
		/// Only the feed's publisher may unpublish it (the deposit is theirs).
		NotPublisher,
		/// An update must make the feed longer.
		FeedNotLonger,
		/// The fork id may not go back.
		ForkWentBack,
		/// The endpoint is not an origin: `http://host[:port]` or
		/// `https://host[:port]`, with no userinfo, path, query or fragment.
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
		/// The account has too little free balance for the attestor bond.
		InsufficientBond,
		/// This key already signs for an attestor.
		KeyInUse,
		/// An attestor's signing key must not be its own account's key.
		KeyIsAccount,
		/// The key proof is not the key's signature over the attestor's account.
		InvalidKeyProof,
		/// The attestor is leaving; it cannot do this.
		AttestorLeaving,
		/// The attestor has not unregistered.
		AttestorNotLeaving,
		/// The unbonding period has not ended yet.
		StillUnbonding,
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
		/// The block's budget for on-demand requests is used; try again next block.
		TooManyRequests,
		/// The hoster already has `MaxOnDemandPerHoster` on-demand requests
		/// open; try again when one closes.
		TooManyOnDemandRequests,
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
		/// The chunk seed signature does not verify with the attestor's key.
		InvalidChunkSeed,
		/// The rating rates a chunk other than the ones its chunk seed draws.
		WrongChunks,
		/// The Merkle path does not lead from the rated block to the request's tree hash.
		InvalidInclusionProof,
		/// The request's committee is not drawn yet.
		NotAssignedYet,
		/// The registration benchmark's feed is no longer published.
		RegistrationFeedGone,
		/// A batch of ratings is empty.
		EmptyBatch,
		/// A batch of ratings rates one request twice.
		DuplicateRating,
		/// The rating answers another challenge: its nonce is not its request's
		/// (a rating of another request that had the same id).
		WrongNonce,
		/// The endpoint's host is a loopback, private, link-local or other local
		/// address or name, which this chain does not allow.
		LocalEndpoint,
	}

	/// Whether hosters may register loopback, private, link-local and other
	/// local endpoints ([`crate::endpoint`]): set in the genesis of chains
	/// that run on one machine (the development and local-testnet presets),
	/// false everywhere else, so attestor nodes are never sent to their own
	/// network's services.
	#[pallet::storage]
	pub type AllowLocalEndpoints<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Genesis state for dev and test chains (see [`crate::genesis`]).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Attestors: account, region, and the key its ratings are signed with
		/// (the account's bond is held at genesis).
		pub attestors: Vec<(T::AccountId, Vec<u8>, T::AccountId)>,
		/// Feeds, in id order.
		pub feeds: Vec<GenesisFeed<T::AccountId>>,
		/// Hosters, registered Active.
		pub hosters: Vec<GenesisHoster<T::AccountId>>,
		/// Whether local endpoints are allowed ([`AllowLocalEndpoints`]).
		pub allow_local_endpoints: bool,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self)
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Draws the committees of the requests created in the previous block,
		/// closes the requests whose deadline was the previous block, then runs the
		/// periodic benchmark round when one is due. All are bounded per block.
		///
		/// While a multi-block migration runs (`frame_system`'s
		/// `MultiBlockMigrator`), it does none of this: records may be half
		/// translated, and no transaction, so no rating, is admitted. The
		/// deadlines that pass meanwhile are deferred ([`DeferredDeadlines`])
		/// and closed afterwards, one a block, before the block's own.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// The migrator's cursor, and the deferred deadlines.
			let checks = T::DbWeight::get().reads(2);
			// `on_finalize` removes the block's `RequestsWrittenInBlock`.
			let finalize = T::DbWeight::get().writes(1);
			if <T as frame_system::Config>::MultiBlockMigrator::ongoing() {
				Self::defer_deadlines(now);
				log::info!(
					target: LOG_TARGET,
					"block {now:?}: a multi-block migration is running; requests wait for it"
				);
				return checks
					.saturating_add(T::DbWeight::get().writes(1))
					.saturating_add(finalize);
			}
			let assigned = Self::assign_committees(now);
			let deferred = DeferredDeadlines::<T>::get();
			let (closed_deferred, looked_up) = Self::close_deferred(deferred);
			let due = now.saturating_sub(One::one());
			let closed_due =
				if Self::is_deferred(deferred, due) { 0 } else { Self::close_expired(due) };
			let closed = closed_due.saturating_add(closed_deferred);
			let queued = Self::serve_registration_queue();
			let scheduled = Self::schedule_periodic(now);
			// One line a block; each request's committee, close and verdict are in the
			// events, and in the log at debug level (`-lruntime::hosting=debug`).
			if assigned + closed > 0 {
				log::info!(
					target: LOG_TARGET,
					"block {now:?}: {assigned} request(s) given a committee, {closed} closed at their deadline"
				);
			}
			T::WeightInfo::on_initialize(assigned.saturating_add(closed), scheduled, queued)
				.saturating_add(checks)
				.saturating_add(finalize)
				.saturating_add(T::DbWeight::get().reads_writes(
					looked_up.into(),
					u64::from(looked_up).saturating_add(deferred.is_some().into()),
				))
		}

		/// Forgets which requests the block's ratings wrote
		/// ([`RequestsWrittenInBlock`]; weighed in `on_initialize`).
		fn on_finalize(_now: BlockNumberFor<T>) {
			RequestsWrittenInBlock::<T>::kill();
		}

		/// The attestor: measures the hosters assigned to this node's attestor
		/// keys and submits signed ratings (see [`crate::offchain`]).
		fn offchain_worker(now: BlockNumberFor<T>) {
			crate::offchain::run::<T>(now);
		}

		/// Checks the constants fit together (see [`crate::integrity`]).
		#[cfg(feature = "std")]
		fn integrity_test() {
			Self::check_constants()
		}

		/// Checks the invariants between the pallet's storage items.
		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publishes a feed: its key, key mode (given by whether a manifest is
		/// passed), and its Merkle roots at `length` with the owner's signature.
		/// The Hypercore signature is verified on chain. The caller holds the
		/// feed's deposit until it unpublishes it.
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
			let feed =
				Self::verified_feed(who.clone(), key, manifest, length, fork, roots, signature)?;
			Self::hold_feed_deposit(&who, NextFeedId::<T>::get(), &feed)?;
			Self::insert_feed(feed);
			Ok(())
		}

		/// Updates a feed to a longer length with a new valid signature by the
		/// same key. Anyone may send it: the signature, not the sender, makes
		/// the state the feed owner's.
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
			ensure_signed(origin)?;
			Self::do_update_feed(feed, length, fork, roots, signature)
		}

		/// Registers the caller as a hoster with its form, hosting `feed`, and
		/// requests its registration benchmark on that feed at once. The hoster is
		/// Pending until a rating meets its promise.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_hoster(T::MaxAttestors::get()))]
		pub fn register_hoster(
			origin: OriginFor<T>,
			form: HosterForm,
			feed: FeedId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_hoster(who, form, feed)
		}

		/// Replaces the caller's form. The hoster becomes Pending and its
		/// registration benchmark is requested again against the new promise.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::update_registration(T::MaxAttestors::get()))]
		pub fn update_registration(origin: OriginFor<T>, form: HosterForm) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_registration(who, form)
		}

		/// Removes the caller as a hoster, with its hostings and figures.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unregister_hoster(T::MaxHostingsPerHoster::get()))]
		pub fn unregister_hoster(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let removed = Self::do_unregister_hoster(who)?;
			Ok(Some(T::WeightInfo::unregister_hoster(removed)).into())
		}

		/// Registers the caller as an attestor measuring from `region`, holding
		/// `AttestorBond` from its account. `key` is the attestor key its node's
		/// keystore holds under key type `host` (as an account; not the
		/// caller's own key): the off-chain worker signs ratings with it.
		/// `key_proof` is that key's signature over
		/// [`attestor_key_payload`]`(caller)`, so nobody can name a key they do
		/// not hold (and have another operator's node rate for them).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register_attestor())]
		pub fn register_attestor(
			origin: OriginFor<T>,
			region: Region,
			key: T::AccountId,
			key_proof: T::Signature,
		) -> DispatchResult {
			let who = T::AttestorOrigin::ensure_origin(origin)?;
			ensure!(
				key_proof.verify(&attestor_key_payload(&who)[..], &key),
				Error::<T>::InvalidKeyProof
			);
			Self::do_register_attestor(who, region, key, true)
		}

		/// The caller stops taking requests; its bond stays held for
		/// `AttestorUnbondingPeriod` blocks (it can still be slashed for the
		/// ratings it gave), then `withdraw_attestor_bond` releases it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::unregister_attestor())]
		pub fn unregister_attestor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unregister_attestor(who)
		}

		/// A suspended attestor (too many missed requests, or too many
		/// disagreements) asks for requests again; a slashed bond is topped up
		/// to `AttestorBond` from its free balance.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resume_attestor())]
		pub fn resume_attestor(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_resume_attestor(who)
		}

		/// An Active hoster offers to host `feed`; it joins the periodic benchmarks.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::offer_hosting())]
		pub fn offer_hosting(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_offer_hosting(who, feed)
		}

		/// The caller stops hosting `feed`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::stop_hosting())]
		pub fn stop_hosting(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_stop_hosting(who, feed)
		}

		/// Anyone may ask for a benchmark of `hoster` on a feed it hosts. The
		/// caller holds the request's deposit until it closes; on-demand
		/// requests have their own block budget (`MaxOnDemandPerBlock`, so
		/// they never crowd out registrations) and at most
		/// `MaxOnDemandPerHoster` are open on one hoster.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::request_performance_benchmark(T::MaxAttestors::get()))]
		pub fn request_performance_benchmark(
			origin: OriginFor<T>,
			hoster: T::AccountId,
			feed: FeedId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_benchmark(who, hoster, feed)
		}

		/// An attestor's signed rating of a benchmark request. Sent by an off-chain
		/// worker as an authorized unsigned transaction (no fees): the signature,
		/// the assignment, the deadline and, for a Normal rating, the hoster's
		/// contact proof are checked before the transaction enters the pool
		/// ([`Pallet::authorize_rating`], rejection codes in [`crate::ratings::rejection`]).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::performance_benchmark_response())]
		#[pallet::authorize(Pallet::<T>::authorize_rating)]
		#[pallet::weight_of_authorize(T::WeightInfo::authorize_performance_benchmark_response())]
		pub fn performance_benchmark_response(
			origin: OriginFor<T>,
			rating: Rating<T::AccountId, T::Signature>,
			signature: T::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let _ = signature;
			// The signatures and proofs were checked by `authorize_rating` in this
			// same transaction; the state checks are repeated because earlier
			// transactions of the block may have changed it.
			let attestor = rating.attestor.clone();
			let request = Self::open_request_for(&rating)?;
			let _closed = Self::record_rating(rating, request);
			Self::note_answered(&attestor, 1);
			Ok(Pays::No.into())
		}

		/// One attestor's ratings of several requests in one authorized unsigned
		/// transaction (no fees), signed once over [`batch_signing_payload`]: what
		/// an off-chain worker sends after a run that rated several requests. Each
		/// rating is checked as a single one ([`Pallet::authorize_ratings`]); no
		/// request may appear twice. A rating whose request went stale between
		/// the pool and the block (closed, late, already rated) is skipped with
		/// [`Event::RatingSkipped`] and the others are recorded; any other fault
		/// makes the whole batch invalid.
		/// It is weighed as if every rating closed its request, activating its
		/// hoster, and came from a round of its own
		/// ([`Pallet::batch_weight_bound`], [`Pallet::authorize_batch_weight`]);
		/// what the closes that did not happen or left the hoster's status
		/// alone, the chunk seeds shared within a round, the requests' reads
		/// its authorization made and the writes an earlier batch of the block
		/// made would have cost is refunded ([`Pallet::recorded_weight`]).
		#[pallet::call_index(12)]
		#[pallet::weight(Pallet::<T>::batch_weight_bound(ratings.len() as u32))]
		#[pallet::authorize(Pallet::<T>::authorize_ratings)]
		#[pallet::weight_of_authorize(Pallet::<T>::authorize_batch_weight(ratings.len() as u32, ratings.len() as u32))]
		pub fn performance_benchmark_responses(
			origin: OriginFor<T>,
			attestor: T::AccountId,
			ratings: BoundedVec<BatchedRating<T::Signature>, T::MaxRatingsPerBatch>,
			signature: T::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let _ = signature;
			// The signature, duplicates and proofs were checked by
			// `authorize_ratings`; the state is checked again per rating, as for a
			// single one. A rating whose request went stale is skipped with an
			// event; the others are recorded.
			let count = ratings.len() as u32;
			let mut closes = Vec::new();
			let mut recorded = 0u32;
			let now = frame_system::Pallet::<T>::block_number();
			// Requests an earlier batch of this block wrote: their write is merged
			// with that one (see `block_writes`).
			let mut written = Self::requests_written_in_block();
			let mut written_before = 0u32;
			for entry in ratings {
				let id = entry.request_id;
				match Self::answerable_request(id, &entry.nonce, &attestor, now) {
					Ok(request) => {
						recorded += 1;
						if written.contains(id) {
							written_before += 1;
						}
						closes
							.extend(Self::record_rating(entry.rated_by(attestor.clone()), request));
						written.insert(id);
					},
					Err(e) => {
						let reason = crate::ratings::stale_reason(&e).ok_or(e)?;
						Self::deposit_event(Event::RatingSkipped {
							request: id,
							attestor: attestor.clone(),
							reason,
						});
					},
				}
			}
			// One write of the attestor's record for the whole batch.
			if recorded > 0 {
				Self::note_answered(&attestor, recorded);
				RequestsWrittenInBlock::<T>::put(written);
			}
			// A skipped rating is weighed as one that joined its request (it read it).
			let joined = count.saturating_sub(closes.len() as u32);
			let actual = Self::recorded_weight(joined, &closes, written_before);
			Ok(frame_support::dispatch::PostDispatchInfo {
				actual_weight: Some(actual),
				pays_fee: Pays::No,
			})
		}

		/// A leaving attestor whose unbonding period has ended takes back its
		/// bond; its record is removed.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::withdraw_attestor_bond())]
		pub fn withdraw_attestor_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_attestor_bond(who)
		}

		/// The publisher removes a feed nobody hosts any more and no open
		/// request measures; its deposit is released and its key may be
		/// published again.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::unpublish_feed())]
		pub fn unpublish_feed(origin: OriginFor<T>, feed: FeedId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unpublish_feed(who, feed)
		}
	}
}
