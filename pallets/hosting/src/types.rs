//! Types stored by the pallet and passed to its calls, and the checks of
//! user-supplied names. Every stored type is bounded (`MaxEncodedLen`); names
//! are what users see in polkadot.js apps.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use hypercore_verify::{KeyMode, Node, Roots};

use crate::figures::{Beta, Figures};

/// Identifier of a published feed (sequential).
pub type FeedId = u32;
/// Identifier of a benchmark request (sequential).
pub type RequestId = u64;
/// A region name, such as `eu-west` (at most 32 bytes).
pub type Region = BoundedVec<u8, ConstU32<32>>;
/// A hoster's HTTP endpoint: an `http://` or `https://` URL of at most 128 bytes.
pub type Endpoint = BoundedVec<u8, ConstU32<128>>;
/// The signature of a feed as the JS core stores it (64 bytes compat, the multisig blob in manifest mode).
pub type FeedSignature = BoundedVec<u8, ConstU32<256>>;
/// An encoded Hypercore manifest.
pub type Manifest = BoundedVec<u8, ConstU32<512>>;
/// An Ed25519 public key (a hoster's contact key).
pub type ContactKey = [u8; 32];
/// Block numbers of a feed sampled by one benchmark.
pub type Chunks = BoundedVec<u64, ConstU32<{ crate::MAX_CHUNKS_PER_BENCHMARK }>>;

/// Whether `url` is an `http://` or `https://` URL with a host, printable ASCII, no spaces.
pub fn is_valid_endpoint(url: &[u8]) -> bool {
	let rest = url.strip_prefix(b"http://").or_else(|| url.strip_prefix(b"https://"));
	match rest {
		Some(rest) => {
			!rest.is_empty() && rest[0] != b'/' && url.iter().all(|c| (0x21..=0x7e).contains(c))
		},
		None => false,
	}
}

/// Whether `region` is a non-empty printable ASCII name.
pub fn is_valid_region(region: &[u8]) -> bool {
	!region.is_empty() && region.iter().all(|c| (0x20..=0x7e).contains(c))
}

/// `account` as the 32 bytes a contact proof names: its encoding when that is
/// 32 bytes (`AccountId32`, sr25519 keys), else the BLAKE2b-256 of it.
pub fn account_bytes<AccountId: Encode>(account: &AccountId) -> [u8; 32] {
	account.using_encoded(|bytes| {
		<[u8; 32]>::try_from(bytes).unwrap_or_else(|_| sp_io::hashing::blake2_256(bytes))
	})
}

/// A feed published on chain: its key and its state at `length`, signed by its owner.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Feed<AccountId, BlockNumber> {
	/// The Hypercore feed key (public key in compat mode, manifest hash in manifest mode).
	pub key: [u8; 32],
	/// The Ed25519 key that signs the feed.
	pub signer: [u8; 32],
	/// How `key` relates to `signer`.
	pub mode: KeyMode,
	/// The encoded manifest (manifest mode).
	pub manifest: Option<Manifest>,
	/// Number of blocks at the registered state.
	pub length: u64,
	/// Fork id at the registered state.
	pub fork: u64,
	/// The Merkle tree roots at `length`.
	pub roots: Roots,
	/// The feed's signature over roots, length and fork.
	pub signature: FeedSignature,
	/// Who published it (only they may update it).
	pub publisher: AccountId,
	/// When it was last published or updated.
	pub updated_at: BlockNumber,
}

/// What a hoster promises in its registration form.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Promise {
	/// Share of requested chunks it serves, valid, within the deadline.
	pub availability: Perbill,
	/// Highest time to first byte, in milliseconds.
	pub latency_ms: u32,
	/// Lowest transfer rate, in bytes per second.
	pub bandwidth_bytes_per_sec: u64,
}

/// A hoster's registration form.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct HosterForm {
	/// Base URL of its HTTP API (`http://` or `https://`).
	pub endpoint: Endpoint,
	/// Where it serves from.
	pub region: Region,
	/// What it promises.
	pub promised: Promise,
	/// Bytes it offers to store.
	pub capacity_bytes: u64,
	/// The Ed25519 key it signs proofs of contact with.
	pub contact_key: ContactKey,
}

/// Where a hoster stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum HosterStatus {
	/// Registered; its registration benchmark has not met its promise yet.
	Pending,
	/// Its measurements meet its promise.
	Active,
	/// It was active, but its measured availability fell below its promise.
	Suspended,
}

/// A registered hoster.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Hoster<BlockNumber> {
	/// Its registration form.
	pub form: HosterForm,
	/// Where it stands.
	pub status: HosterStatus,
	/// When it (last) registered.
	pub registered_at: BlockNumber,
	/// How many feeds it hosts.
	pub hostings: u32,
	/// The feed its registration benchmarks use.
	pub registration_feed: FeedId,
}

/// Where an attestor stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum AttestorStatus {
	/// Receives benchmark requests.
	Active,
	/// Missed too many requests in a row; receives none until it resumes.
	Suspended,
}

/// A registered attestor and its own reliability.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Attestor<BlockNumber> {
	/// Where it measures from.
	pub region: Region,
	/// Where it stands.
	pub status: AttestorStatus,
	/// Decayed share of its assigned requests it answered in time.
	pub reliability: Beta,
	/// Requests answered in time.
	pub answered: u32,
	/// Requests it let expire.
	pub missed: u32,
	/// Requests missed since its last answer.
	pub consecutive_misses: u32,
	/// When it registered.
	pub registered_at: BlockNumber,
}

/// A hosting's record: when it started and its slot in the periodic schedule.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct HostingInfo<BlockNumber> {
	/// When the hosting started.
	pub since: BlockNumber,
	/// Its slot in the periodic schedule.
	pub slot: u32,
}

/// Why a benchmark was requested.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum BenchmarkKind {
	/// A new (or re-registered) hoster is measured against its promise.
	Registration,
	/// The periodic schedule of `on_initialize`.
	Periodic,
	/// Someone asked with `request_performance_benchmark`.
	OnDemand,
}

/// A performance benchmark request: what the assigned attestors must measure.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
#[scale_info(skip_type_params(MaxAttestors))]
pub struct BenchmarkRequest<AccountId, BlockNumber, MaxAttestors: frame_support::traits::Get<u32>> {
	/// The hoster measured.
	pub hoster: AccountId,
	/// The feed whose chunks are fetched.
	pub feed: FeedId,
	/// The feed length the chunks' proofs are anchored at (registered length when requested).
	pub length: u64,
	/// The feed's tree hash at `length` (what its signature covers): chunks are verified against it.
	pub tree_hash: [u8; 32],
	/// Random block numbers below `length`.
	pub chunks: Chunks,
	/// Random challenge the hoster's contact proofs must sign.
	pub nonce: [u8; 32],
	/// Attestors assigned to measure.
	pub attestors: BoundedVec<AccountId, MaxAttestors>,
	/// Assigned attestors that answered.
	pub answered: BoundedVec<AccountId, MaxAttestors>,
	/// When it was created.
	pub created: BlockNumber,
	/// Last block in which a rating is accepted.
	pub deadline: BlockNumber,
	/// Why it was requested.
	pub kind: BenchmarkKind,
}

/// A benchmark request as the runtime API shows it, with the feed key and endpoint to fetch from.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct RequestView<AccountId, BlockNumber> {
	/// Request id.
	pub id: RequestId,
	/// The hoster measured.
	pub hoster: AccountId,
	/// The hoster's endpoint.
	pub endpoint: alloc::vec::Vec<u8>,
	/// The feed.
	pub feed: FeedId,
	/// The feed's key.
	pub feed_key: [u8; 32],
	/// The length the proofs are anchored at.
	pub length: u64,
	/// The tree hash at `length` the chunks are verified against.
	pub tree_hash: [u8; 32],
	/// Block numbers to fetch.
	pub chunks: alloc::vec::Vec<u64>,
	/// The challenge nonce.
	pub nonce: [u8; 32],
	/// Assigned attestors.
	pub attestors: alloc::vec::Vec<AccountId>,
	/// Attestors that answered.
	pub answered: alloc::vec::Vec<AccountId>,
	/// Last block a rating is accepted in.
	pub deadline: BlockNumber,
	/// Why it was requested.
	pub kind: BenchmarkKind,
}

/// A hoster's proof of contact for one block it served: its contact key's Ed25519
/// signature over (request id, nonce, attestor, block index, block hash).
#[derive(
	Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ContactProof {
	/// Block number of the served chunk (one of the request's chunks).
	pub block_index: u64,
	/// Leaf hash of the served chunk, as verified by the attestor.
	pub block_hash: [u8; 32],
	/// The signature.
	pub signature: [u8; 64],
}

/// Short form for logs: the block and the first bytes of hash and signature.
impl core::fmt::Debug for ContactProof {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		let h = &self.block_hash;
		let s = &self.signature;
		write!(
			f,
			"ContactProof {{ block {}, hash {:02x}{:02x}{:02x}{:02x}.., signature {:02x}{:02x}{:02x}{:02x}.. }}",
			self.block_index, h[0], h[1], h[2], h[3], s[0], s[1], s[2], s[3]
		)
	}
}

/// Why an attestor's measurement of a hoster failed.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum MeasurementFailure {
	/// No connection could be made.
	Unreachable,
	/// The hoster answered with this HTTP status.
	Http(u16),
	/// A response body did not decode.
	Encoding,
	/// A chunk failed verification against the feed's registered roots.
	Integrity,
	/// A contact proof did not verify with the hoster's contact key.
	ContactProof,
}

/// The result of one benchmark, as measured by one attestor.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum RatingOutcome {
	/// Chunks were fetched and verified.
	Normal {
		/// Earliest time to first byte among the verified chunks, in milliseconds
		/// (see [`crate::measure`] for why not the mean).
		latency_ms: u32,
		/// Body bytes per second of transfer time.
		bandwidth_bytes_per_sec: u64,
		/// Body bytes received.
		bytes: u64,
		/// Chunks delivered and valid within the deadline.
		chunks_verified: u32,
		/// One of the hoster's proofs of contact.
		contact_proof: ContactProof,
	},
	/// The deadline passed with nothing valid (the "default" rating).
	Timeout,
	/// The measurement failed.
	Error(MeasurementFailure),
}

/// A signed attestor's rating of one benchmark request.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Rating<AccountId> {
	/// The request rated.
	pub request_id: RequestId,
	/// The attestor that measured (and signs).
	pub attestor: AccountId,
	/// What it measured.
	pub outcome: RatingOutcome,
}

impl<AccountId: Encode> Rating<AccountId> {
	/// The bytes an attestor signs: a domain prefix and the SCALE-encoded rating.
	pub fn signing_payload(&self) -> alloc::vec::Vec<u8> {
		let mut out = RATING_CONTEXT.to_vec();
		self.encode_to(&mut out);
		out
	}
}

/// One entry of a `performance_benchmark_responses` batch: a rating without its
/// attestor, which the batch names once.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct BatchedRating {
	/// The request rated.
	pub request_id: RequestId,
	/// What the attestor measured.
	pub outcome: RatingOutcome,
}

impl BatchedRating {
	/// The full rating, with the batch's attestor.
	pub fn rated_by<AccountId>(self, attestor: AccountId) -> Rating<AccountId> {
		Rating { request_id: self.request_id, attestor, outcome: self.outcome }
	}
}

/// The bytes an attestor signs for a batch: a domain prefix of its own and the
/// SCALE-encoded (attestor, ratings). One signature covers the whole batch, so
/// the worker asks its keystore once per run: a keystore derives the key from
/// its stored phrase on every signature (PBKDF2, about 10 ms in a debug node).
pub fn batch_signing_payload<AccountId: Encode>(
	attestor: &AccountId,
	ratings: &[BatchedRating],
) -> alloc::vec::Vec<u8> {
	let mut out = BATCH_CONTEXT.to_vec();
	(attestor, ratings).encode_to(&mut out);
	out
}

/// Domain separation prefix of a batch signature.
pub const BATCH_CONTEXT: &[u8] = b"hosting/ratings/v1";

/// Domain separation prefix of a rating signature.
pub const RATING_CONTEXT: &[u8] = b"hosting/rating/v1";

/// The role `does_qualify` checks.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Role {
	/// Serves feeds.
	Hoster,
	/// Measures hosters.
	Attestor,
}

/// What a role or job requires; `None` fields are not checked.
#[derive(
	Clone,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Requirements {
	/// Lowest availability (hosters) or answer rate (attestors).
	pub min_availability: Option<Perbill>,
	/// Lowest share of ratings that met the hoster's own promise.
	pub min_reliability: Option<Perbill>,
	/// Highest mean latency, in milliseconds.
	pub max_latency_ms: Option<u32>,
	/// Lowest mean bandwidth, in bytes per second.
	pub min_bandwidth_bytes_per_sec: Option<u64>,
	/// Fewest ratings the figures must rest on.
	pub min_samples: Option<u32>,
	/// Judge the hoster by what attestors in this region measured.
	pub region: Option<Region>,
}

/// Why an account does not qualify; each carries the measured and the required value.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub enum Reason {
	/// The account is not registered in this role.
	NotRegistered,
	/// Registered, but not active.
	NotActive,
	/// Availability below the requirement.
	AvailabilityBelow {
		/// Measured.
		measured: Perbill,
		/// Required.
		required: Perbill,
	},
	/// Reliability below the requirement.
	ReliabilityBelow {
		/// Measured.
		measured: Perbill,
		/// Required.
		required: Perbill,
	},
	/// Mean latency above the requirement.
	LatencyAbove {
		/// Measured, in milliseconds.
		measured_ms: u32,
		/// Required, in milliseconds.
		required_ms: u32,
	},
	/// Mean bandwidth below the requirement.
	BandwidthBelow {
		/// Measured, in bytes per second.
		measured_bytes_per_sec: u64,
		/// Required, in bytes per second.
		required_bytes_per_sec: u64,
	},
	/// The figures rest on too few ratings.
	TooFewSamples {
		/// Ratings so far.
		measured: u32,
		/// Required.
		required: u32,
	},
	/// No attestor in this region has measured the hoster.
	RegionNotServed {
		/// The region asked for.
		region: Region,
	},
}

/// The rating that last changed a hoster's figures.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct RatingRecord<AccountId, BlockNumber> {
	/// The request rated.
	pub request: RequestId,
	/// Who rated it.
	pub attestor: AccountId,
	/// What was measured.
	pub outcome: RatingOutcome,
	/// The block it was recorded in.
	pub at: BlockNumber,
}

/// A hoster's overall figures and the rating that last changed them (storage
/// `HosterFigures`), kept in one storage item so that recording a rating costs
/// one write for both (ratings are the busiest path of the pallet).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct FiguresRecord<AccountId, BlockNumber> {
	/// Availability, reliability, latency, bandwidth, samples over all ratings.
	pub overall: Figures<BlockNumber>,
	/// The last rating recorded.
	pub last_rating: Option<RatingRecord<AccountId, BlockNumber>>,
}

/// No ratings yet (no bound on `AccountId`, unlike a derived `Default`).
impl<AccountId, BlockNumber: Default> Default for FiguresRecord<AccountId, BlockNumber> {
	fn default() -> Self {
		FiguresRecord { overall: Figures::default(), last_rating: None }
	}
}

/// The answer of `does_qualify`.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct Qualification {
	/// Whether every requirement is met.
	pub qualifies: bool,
	/// Every requirement that is not met.
	pub reasons: alloc::vec::Vec<Reason>,
}

/// A hoster's figures in plain units (runtime API `hoster_figures`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct FiguresSummary<BlockNumber> {
	/// Where the hoster stands.
	pub status: HosterStatus,
	/// Decayed share of chunks served valid and in time.
	pub availability: Perbill,
	/// Decayed share of ratings that met its promise.
	pub reliability: Perbill,
	/// Moving mean of the rated latencies (each a time to first byte), milliseconds.
	pub latency_ms: u32,
	/// Standard deviation of latency, milliseconds.
	pub latency_stddev_ms: u32,
	/// Mean bandwidth, bytes per second.
	pub bandwidth_bytes_per_sec: u64,
	/// Standard deviation of bandwidth, bytes per second.
	pub bandwidth_stddev_bytes_per_sec: u64,
	/// Ratings received.
	pub samples: u32,
	/// Block of the last rating.
	pub last_update: BlockNumber,
	/// The raw figures.
	pub raw: Figures<BlockNumber>,
}
