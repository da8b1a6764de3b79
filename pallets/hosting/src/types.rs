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
/// A hoster's HTTP endpoint: an `http://host[:port]` or `https://host[:port]`
/// origin of at most 128 bytes ([`crate::endpoint`]).
pub type Endpoint = BoundedVec<u8, ConstU32<128>>;
/// The signature of a feed as the JS core stores it (64 bytes compat, the multisig blob in manifest mode).
pub type FeedSignature = BoundedVec<u8, ConstU32<256>>;
/// An encoded Hypercore manifest.
pub type Manifest = BoundedVec<u8, ConstU32<512>>;
/// An Ed25519 public key (a hoster's contact key).
pub type ContactKey = [u8; 32];
/// Block numbers of a feed sampled by one benchmark.
pub type Chunks = BoundedVec<u64, ConstU32<{ crate::MAX_CHUNKS_PER_BENCHMARK }>>;

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
	/// Who published it: whose deposit keeps the record, and who may
	/// unpublish it. Anyone may update it with a longer state the feed's key signed.
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
	/// Missed too many requests in a row, or disagreed with its committees too
	/// often; receives none until it resumes.
	Suspended,
	/// Unregistered; its bond is released once the unbonding period ends
	/// (`withdraw_attestor_bond`), and can still be slashed until then.
	Leaving,
}

/// Why an attestor was suspended.
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
pub enum AttestorFault {
	/// It let this many requests in a row expire.
	MissedRequests(u32),
	/// Its ratings disagreed with its committees' verdicts this many times in one window.
	Disagreed(u32),
}

/// A registered attestor: its signing key, its bond, and its own record.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Attestor<AccountId, Balance, BlockNumber> {
	/// Where it measures from.
	pub region: Region,
	/// Where it stands.
	pub status: AttestorStatus,
	/// The key its off-chain worker signs ratings with (key type `host`), as an
	/// account: a hot key on the node, never the bonded account's own key.
	pub key: AccountId,
	/// What is held from the account as its bond.
	pub bond: Balance,
	/// Decayed share of its assigned requests it answered in time.
	pub reliability: Beta,
	/// Requests answered in time.
	pub answered: u32,
	/// Requests it let expire.
	pub missed: u32,
	/// Requests missed since its last answer.
	pub consecutive_misses: u32,
	/// Ratings that disagreed with their committee's verdict, in all.
	pub disagreed: u32,
	/// First block of the current disagreement window.
	pub window_start: BlockNumber,
	/// Disagreements in the current window.
	pub window_disagreements: u32,
	/// Requests it answered in the current window: disagreements suspend it
	/// only past a share of these.
	pub window_answered: u32,
	/// When it registered.
	pub registered_at: BlockNumber,
	/// While `Leaving`: the first block its bond may be withdrawn in.
	pub unbonded_at: Option<BlockNumber>,
}

impl<AccountId, Balance, BlockNumber> Attestor<AccountId, Balance, BlockNumber> {
	/// Share of its counted ratings that agreed with their committee's
	/// verdict (100% before any).
	pub fn agreement(&self) -> Perbill {
		if self.answered == 0 {
			return Perbill::one();
		}
		Perbill::from_rational(self.answered.saturating_sub(self.disagreed), self.answered)
	}
}

/// What uses a published feed: a feed may be unpublished only when nobody
/// hosts it and its last request has closed.
#[derive(Clone, Copy, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct FeedUse<BlockNumber> {
	/// How many hosters host it.
	pub hostings: u32,
	/// The block by which the last request on it closes (its deadline's next
	/// block, when `on_initialize` closes it).
	pub requests_until: BlockNumber,
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

/// Requests created in one block, per kind: each kind has its own budget
/// (`MaxRegistrationsPerBlock`, `MaxBenchmarksPerBlock`, `MaxOnDemandPerBlock`).
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct RequestCounts {
	/// Registration requests.
	pub registration: u32,
	/// Periodic requests.
	pub periodic: u32,
	/// On-demand requests.
	pub on_demand: u32,
}

impl RequestCounts {
	/// The count of `kind`.
	pub fn of(&mut self, kind: BenchmarkKind) -> &mut u32 {
		match kind {
			BenchmarkKind::Registration => &mut self.registration,
			BenchmarkKind::Periodic => &mut self.periodic,
			BenchmarkKind::OnDemand => &mut self.on_demand,
		}
	}
}

/// What one rating measured, as kept with its request until the request
/// closes: the figures, without the proofs checked when it was accepted.
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
pub enum Measurement {
	/// Chunks were fetched, verified and proven served (a Normal rating).
	Served {
		/// Time to first byte, in milliseconds.
		latency_ms: u32,
		/// Body bytes per second of transfer time.
		bandwidth_bytes_per_sec: u64,
		/// Chunks delivered and valid within the deadline.
		chunks_verified: u32,
		/// Chunks the attestor asked for.
		chunks_asked: u32,
	},
	/// Nothing valid arrived in time.
	Timeout,
	/// The measurement failed.
	Failed(MeasurementFailure),
}

/// One committee member's rating of a request.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Vote<AccountId> {
	/// The attestor.
	pub attestor: AccountId,
	/// What it measured.
	pub measurement: Measurement,
}

/// Why a rating of a batch no longer counts when the batch reaches a block
/// ([`crate::Event::RatingSkipped`]).
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
pub enum StaleRating {
	/// The request is closed (or never existed).
	Closed,
	/// The request's deadline has passed.
	Late,
	/// This attestor's rating of the request is already recorded.
	AlreadyRated,
}

/// A committee's verdict on a closed request (see [`crate::committee`]).
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
pub enum Verdict {
	/// A majority received verified chunks with valid contact proofs; the
	/// figures are the medians of their ratings.
	Served {
		/// Median share of the asked chunks delivered valid in time.
		availability: Perbill,
		/// Median time to first byte, in milliseconds.
		latency_ms: u32,
		/// Median bandwidth, in bytes per second.
		bandwidth_bytes_per_sec: u64,
	},
	/// A majority received nothing valid, without a majority for one error kind.
	Timeout,
	/// A majority reported this error.
	Failed(MeasurementFailure),
}

/// A performance benchmark request: what its committee must measure, and
/// the ratings received so far.
///
/// A request is created without a committee; its committee and nonce are
/// drawn at the start of the next block, from randomness that did not exist
/// when the request was submitted.
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
	/// Random challenge the hoster's contact proofs must sign, shared by the
	/// requests assigned in one block (zero until assigned).
	pub nonce: [u8; 32],
	/// The hoster's contact key when the committee was drawn (zero until
	/// assigned): contact proofs are checked against it, so a hoster that
	/// changes its key or leaves cannot void ratings already in flight.
	pub contact_key: [u8; 32],
	/// The hoster's endpoint when the committee was drawn (empty until
	/// assigned): the attestors fetch from it, wherever the hoster moves in
	/// the meantime.
	pub endpoint: Endpoint,
	/// The committee (empty until assigned).
	pub attestors: BoundedVec<AccountId, MaxAttestors>,
	/// The ratings received, one per committee member at most.
	pub votes: BoundedVec<Vote<AccountId>, MaxAttestors>,
	/// When it was created.
	pub created: BlockNumber,
	/// Last block in which a rating is accepted (set when assigned).
	pub deadline: BlockNumber,
	/// Why it was requested.
	pub kind: BenchmarkKind,
	/// How many void requests for the same benchmark came before this one.
	pub retry: u8,
}

impl<AccountId: PartialEq, BlockNumber, MaxAttestors: frame_support::traits::Get<u32>>
	BenchmarkRequest<AccountId, BlockNumber, MaxAttestors>
{
	/// Whether `attestor` has rated this request.
	pub fn has_voted(&self, attestor: &AccountId) -> bool {
		self.votes.iter().any(|v| v.attestor == *attestor)
	}
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

/// Where the block a contact proof names sits in the feed: its size, its
/// Merkle path to its root and the other roots at the request's length. The
/// chain hashes the path up to the request's tree hash, so the block hash the
/// hoster signed is a block of the feed.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo)]
pub struct BlockInclusion {
	/// Bytes in the block.
	pub size: u64,
	/// Sibling nodes from the leaf up to (not including) the block's root.
	pub nodes: hypercore_verify::PathNodes,
	/// The other full roots at the request's length, left to right.
	pub roots: Roots,
}

/// Short form for logs: the size and how many nodes and roots.
impl core::fmt::Debug for BlockInclusion {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		write!(
			f,
			"BlockInclusion {{ {} bytes, {} path nodes, {} other roots }}",
			self.size,
			self.nodes.len(),
			self.roots.len()
		)
	}
}

/// The result of one benchmark, as measured by one attestor.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
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
		/// The Merkle path of the block the contact proof names.
		inclusion: BlockInclusion,
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
pub struct Rating<AccountId, Signature> {
	/// The request rated.
	pub request_id: RequestId,
	/// The attestor that measured (its registered key signs).
	pub attestor: AccountId,
	/// The nonce of the request rated: the challenge this rating answers. A
	/// rating of another request that had the same id (another fork, another
	/// chain) names another nonce and is rejected.
	pub nonce: [u8; 32],
	/// What it measured.
	pub outcome: RatingOutcome,
	/// The attestor key's signature over [`chunk_seed_payload`] of the
	/// request's nonce: with the request id, its hash picks the chunks this
	/// attestor asks for ([`crate::requests::chunks_of`]), which the hoster
	/// cannot know before it is asked and the chain checks.
	pub chunk_seed: Signature,
}

impl<AccountId: Encode, Signature: Encode> Rating<AccountId, Signature> {
	/// The bytes an attestor signs: a domain prefix, the chain's genesis hash
	/// (a rating signed for one chain is no rating on another) and the
	/// SCALE-encoded rating, which names its request's nonce.
	pub fn signing_payload<Hash: Encode>(&self, genesis: &Hash) -> alloc::vec::Vec<u8> {
		let mut out = RATING_CONTEXT.to_vec();
		(genesis, self).encode_to(&mut out);
		out
	}
}

/// One entry of a `performance_benchmark_responses` batch: a rating without its
/// attestor, which the batch names once.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct BatchedRating<Signature> {
	/// The request rated.
	pub request_id: RequestId,
	/// As [`Rating::nonce`].
	pub nonce: [u8; 32],
	/// What the attestor measured.
	pub outcome: RatingOutcome,
	/// As [`Rating::chunk_seed`].
	pub chunk_seed: Signature,
}

impl<Signature> BatchedRating<Signature> {
	/// The full rating, with the batch's attestor.
	pub fn rated_by<AccountId>(self, attestor: AccountId) -> Rating<AccountId, Signature> {
		Rating {
			request_id: self.request_id,
			attestor,
			nonce: self.nonce,
			outcome: self.outcome,
			chunk_seed: self.chunk_seed,
		}
	}
}

/// The bytes an attestor signs to draw its chunks: a domain prefix and the
/// round's nonce (every request assigned in one block shares it). Only the
/// attestor's key can produce the signature, and the nonce exists only once
/// the requests are assigned, so neither the requester nor the hoster can
/// know the chunks. One signature serves all of an attestor's requests of a
/// round ([`crate::requests::chunks_of`] mixes in each request id), so the
/// worker signs once per round and the chain verifies once per batch.
pub fn chunk_seed_payload(nonce: &[u8; 32]) -> alloc::vec::Vec<u8> {
	let mut out = CHUNKS_CONTEXT.to_vec();
	nonce.encode_to(&mut out);
	out
}

/// The bytes an attestor key signs to show whose key it is: a domain prefix
/// and the SCALE-encoded attestor account (`register_attestor`'s `key_proof`).
pub fn attestor_key_payload<AccountId: Encode>(attestor: &AccountId) -> alloc::vec::Vec<u8> {
	let mut out = ATTESTOR_KEY_CONTEXT.to_vec();
	attestor.encode_to(&mut out);
	out
}

/// Domain separation prefix of an attestor key's proof of possession.
pub const ATTESTOR_KEY_CONTEXT: &[u8] = b"hosting/attestor-key/v1";

/// Domain separation prefix of a chunk seed signature.
pub const CHUNKS_CONTEXT: &[u8] = b"hosting/chunks/v2";

/// The bytes an attestor signs for a batch: a domain prefix of its own and
/// the BLAKE2b-256 digest of the SCALE-encoded (genesis hash, attestor,
/// ratings), each rating naming its request's nonce. One signature covers the
/// whole batch, so the worker asks its keystore once per run: a keystore
/// derives the key from its stored phrase on every signature (PBKDF2, about
/// 10 ms in a debug node).
///
/// The digest, not the encoding, is signed because a full batch encodes to
/// about 280 KB (each rating carries its Merkle path) and sr25519 absorbs
/// what it signs byte by byte: verifying over the digest costs about 4 µs a
/// rating (the host's BLAKE2b) instead of about 12 µs. polkadot-sdk's
/// signed extrinsics do the same past 256 bytes.
pub fn batch_signing_payload<Hash: Encode, AccountId: Encode, Signature: Encode>(
	genesis: &Hash,
	attestor: &AccountId,
	ratings: &[BatchedRating<Signature>],
) -> alloc::vec::Vec<u8> {
	let digest = (genesis, attestor, ratings).using_encoded(sp_io::hashing::blake2_256);
	let mut out = alloc::vec::Vec::with_capacity(BATCH_CONTEXT.len() + digest.len());
	out.extend_from_slice(BATCH_CONTEXT);
	out.extend_from_slice(&digest);
	out
}

/// Domain separation prefix of a batch signature (over the batch's digest).
pub const BATCH_CONTEXT: &[u8] = b"hosting/ratings/v4";

/// Domain separation prefix of a rating signature.
pub const RATING_CONTEXT: &[u8] = b"hosting/rating/v3";

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
	/// Lowest share of an attestor's ratings that agreed with its committees.
	pub min_agreement: Option<Perbill>,
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
	/// An attestor's agreement with its committees below the requirement.
	AgreementBelow {
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

/// The committee verdict that last changed a hoster's figures.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct VerdictRecord<BlockNumber> {
	/// The request closed.
	pub request: RequestId,
	/// The committee's verdict.
	pub verdict: Verdict,
	/// Ratings it rests on.
	pub ratings: u32,
	/// The block the request closed in.
	pub at: BlockNumber,
}

/// Most attestor regions whose figures a hoster's record keeps; past it, the
/// region measured least recently gives way.
pub const MAX_REGIONS_PER_HOSTER: u32 = 8;

/// A hoster's figures as measured from one attestor region.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct RegionFigures<BlockNumber> {
	/// The attestors' region.
	pub region: Region,
	/// Figures over the agreeing ratings of attestors in that region.
	pub figures: Figures<BlockNumber>,
}

/// A hoster's figures (storage `HosterFigures`): overall, per attestor
/// region, and the verdict that last changed them, kept in one storage item so
/// that closing a request costs one read and one write for all of them.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct FiguresRecord<BlockNumber> {
	/// Availability, reliability, latency, bandwidth, samples over all closed requests.
	pub overall: Figures<BlockNumber>,
	/// Figures per attestor region, the [`MAX_REGIONS_PER_HOSTER`] measured
	/// most recently.
	pub regions: BoundedVec<RegionFigures<BlockNumber>, ConstU32<MAX_REGIONS_PER_HOSTER>>,
	/// The last verdict recorded.
	pub last_verdict: Option<VerdictRecord<BlockNumber>>,
}

impl<BlockNumber> FiguresRecord<BlockNumber> {
	/// The figures measured from `region`, if any.
	pub fn region(&self, region: &Region) -> Option<&Figures<BlockNumber>> {
		self.regions.iter().find(|r| &r.region == region).map(|r| &r.figures)
	}
}

impl<BlockNumber: Copy + Default + Ord> FiguresRecord<BlockNumber> {
	/// Changes the figures of `region` with `change`, starting from empty
	/// figures when the region is new; when the record is full, the region
	/// updated least recently gives way.
	pub fn update_region(
		&mut self,
		region: &Region,
		change: impl FnOnce(&mut Figures<BlockNumber>),
	) {
		if let Some(entry) = self.regions.iter_mut().find(|r| &r.region == region) {
			change(&mut entry.figures);
			return;
		}
		if self.regions.is_full() {
			let oldest = self
				.regions
				.iter()
				.enumerate()
				.min_by_key(|(_, r)| r.figures.last_update)
				.map(|(i, _)| i);
			if let Some(i) = oldest {
				self.regions.remove(i);
			}
		}
		let mut figures = Figures::default();
		change(&mut figures);
		// Room was made above.
		let _ = self.regions.try_push(RegionFigures { region: region.clone(), figures });
	}
}

/// No verdict yet.
impl<BlockNumber: Default> Default for FiguresRecord<BlockNumber> {
	fn default() -> Self {
		FiguresRecord {
			overall: Figures::default(),
			regions: BoundedVec::new(),
			last_verdict: None,
		}
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
	/// Closed requests recorded.
	pub samples: u32,
	/// Block of the last closed request.
	pub last_update: BlockNumber,
	/// The raw figures.
	pub raw: Figures<BlockNumber>,
}

/// An attestor's record in plain units (runtime API `attestor_figures`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct AttestorSummary<AccountId, Balance, BlockNumber> {
	/// Where it stands.
	pub status: AttestorStatus,
	/// Where it measures from.
	pub region: Region,
	/// The key its ratings are signed with.
	pub key: AccountId,
	/// Its bond, held.
	pub bond: Balance,
	/// Decayed share of its assigned requests it answered in time.
	pub answer_rate: Perbill,
	/// Share of its ratings that agreed with their committee's verdict.
	pub agreement: Perbill,
	/// Requests answered in time.
	pub answered: u32,
	/// Requests it let expire.
	pub missed: u32,
	/// Ratings that disagreed with their committee.
	pub disagreed: u32,
	/// While leaving: the first block its bond may be withdrawn in.
	pub unbonded_at: Option<BlockNumber>,
}
