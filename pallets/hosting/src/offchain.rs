//! The attestor: an off-chain worker that measures the hosters assigned to this
//! node's attestor keys and returns signed ratings.
//!
//! ## Flow of one run (after each imported block)
//! 1. **Is it for me.** For every attestor key in the keystore (key type `host`),
//!    the attestor it signs for ([`Pallet::attestor_of_key`]: the key is
//!    registered apart from the bonded account), and the open requests whose
//!    committee that attestor is in and that it has not rated
//!    ([`Pallet::unanswered_requests`], a bounded scan of `BenchmarkRequests`).
//!    Each is *claimed* in persistent off-chain storage with a compare-and-set,
//!    so overlapping runs, re-orgs and restarts never rate a request twice;
//!    claims are forgotten once their request's deadline has passed
//!    ([`forget_claims`]), so the node's off-chain database does not grow with
//!    every rating.
//!    The key signs each round's nonce once (the requests assigned in one
//!    block share it): that chunk seed, hashed with a request's id, draws the
//!    chunks this attestor asks for in it ([`crate::requests::chunks_of`]),
//!    which the hoster cannot know before it is asked.
//! 2. **Fetch.** Every chunk of every claimed request is requested at once
//!    (`GET {endpoint}/feeds/{key}/blocks/{index}?length=&request=&nonce=&attestor=`,
//!    the protocol of [`hypercore_verify::wire`]),
//!    then all are awaited under **one** deadline of `HttpDeadlineMs` (5 s): 100
//!    open requests take about as long as one. While headers are still awaited,
//!    the bodies that came are read and verified (in turns of [`BODY_TURN_MS`]
//!    between two looks at the headers), so verifying overlaps waiting. Bodies
//!    are read one at a time into one buffer, hashed in place, and capped at
//!    [`MAX_BODY_BYTES`].
//! 3. **Measure** with the node's off-chain clock (resolution 1 ms): time to
//!    response headers per chunk (looked at least every [`POLL_MS`] ms, so a
//!    time-to-first-byte is known to within that, plus one turn of body
//!    verification when bodies are being verified; exact for the oldest
//!    request still awaited while no body is being read); the rating's latency
//!    is the earliest of them, its bandwidth the body bytes over the transfer
//!    window ([`crate::measure`]).
//! 4. **Verify** each chunk with `hypercore-verify` against the feed's tree hash
//!    at the request's length (recorded in the request from the registered,
//!    signed roots), and the hoster's contact proof with the contact key of its
//!    registration form.
//! 5. **Rate** (Normal, Timeout, or Error: Unreachable, Http, Encoding,
//!    Integrity, ContactProof; a Normal rating carries the contact proof and
//!    Merkle path of one verified chunk, and every rating its chunk seed), sign
//!    with the attestor key and submit as an authorized unsigned transaction:
//!    `performance_benchmark_response` when a key has one rating in this run,
//!    else `performance_benchmark_responses` with all of them (the pool
//!    validates each transaction synchronously on submission, so one per
//!    rating would not keep 100 requests as fast as one). A node holding
//!    several attestors' keys (the development chain's node holds three) rates
//!    for each of them in the same run.
//!
//! ## Retries
//! A claimed request that is still open for this attestor [`RETRY_AFTER`] blocks
//! later was not included (dropped from the pool, or the node restarted before
//! submitting). It is measured and submitted **once** more, if its deadline is
//! at least one block away; the pool's `provides` tag per (request, attestor)
//! and the chain's `AlreadyAnswered` check make a duplicate impossible anyway.
//! A batch is valid only if all its ratings are: if one of them went stale (its
//! request closed) before inclusion, the batch is dropped and its other
//! requests, still open, are retried the same way.
//!
//! ## Logs
//! Target `runtime::hosting`: `info` for each request taken, each rating sent;
//! `debug` for each chunk's fate and skipped requests.

use alloc::{collections::VecDeque, string::String, vec, vec::Vec};
use codec::{Decode, Encode};
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{AppCrypto, CreateAuthorizedTransaction, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use hypercore_verify::{
	decode_served_block, verify_contact_proof,
	wire::{block_url, Challenge},
	Anchor, SpIo,
};
use sp_core::offchain::{Duration, HttpRequestStatus, Timestamp};
use sp_runtime::{
	offchain::storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
	traits::{CheckedSub, IdentifyAccount, One, Saturating},
	RuntimeAppPublic,
};

use crate::{
	measure::{rate, ChunkFate},
	pallet::*,
	requests::{chunks_of, RequestOf},
	types::*,
	LOG_TARGET,
};

/// Largest response body read for one chunk: a block of the largest size a proof
/// carries, its path, the other roots and the contact proof.
pub const MAX_BODY_BYTES: usize = hypercore_verify::MAX_BLOCK_SIZE as usize + 2 * 64 * 48 + 128;
/// Longest the worker sleeps on one thing (the oldest awaited header, or the
/// body it is reading) before it looks at every awaited header again, in
/// milliseconds.
pub const POLL_MS: u64 = 2;
/// Longest stretch of reading and verifying bodies, in milliseconds, before the
/// headers still awaited are looked at again (the clock ticks in whole
/// milliseconds, so a turn lasts up to this plus one chunk).
pub const BODY_TURN_MS: u64 = 1;
/// Blocks after a claim before a still-open request is tried again (once).
pub const RETRY_AFTER: u32 = 3;
/// Most attempts at one request.
pub const MAX_ATTEMPTS: u8 = 2;

/// The persistent record of a request this node took on.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Claim<BlockNumber> {
	/// Block of the last attempt.
	pub at: BlockNumber,
	/// Attempts so far.
	pub attempts: u8,
}

/// Persistent off-chain storage key of a claim.
pub fn claim_key<AccountId: Encode>(request: RequestId, attestor: &AccountId) -> Vec<u8> {
	let mut key = b"hosting::claim::".to_vec();
	(request, attestor).encode_to(&mut key);
	key
}

/// Persistent off-chain storage key of the claims whose request's deadline is
/// `deadline`: what [`forget_claims`] removes once that deadline has passed.
pub fn claims_due_key<BlockNumber: Encode>(deadline: BlockNumber) -> Vec<u8> {
	let mut key = b"hosting::claims-due::".to_vec();
	deadline.encode_to(&mut key);
	key
}

/// Persistent off-chain storage key of the last deadline whose claims were forgotten.
pub const CLAIMS_FORGOTTEN_THROUGH: &[u8] = b"hosting::claims-forgotten-through";

/// Most deadlines whose claims one run forgets (a node back from a long stop
/// catches up over several runs).
pub const MAX_DEADLINES_FORGOTTEN_PER_RUN: u32 = 64;

/// Notes claim `key` under its request's `deadline`, so that it is forgotten
/// once the deadline has passed. Should two overlapping runs race here, one
/// note is lost and that claim stays: rare, and bounded by the races.
fn note_claim<BlockNumber: Encode + Decode>(key: Vec<u8>, deadline: BlockNumber) {
	let due_key = claims_due_key(deadline);
	let due = StorageValueRef::persistent(&due_key);
	let _ = due.mutate(|keys: Result<Option<Vec<Vec<u8>>>, StorageRetrievalError>| {
		let mut keys = keys.ok().flatten().unwrap_or_default();
		keys.push(key);
		Ok::<_, ()>(keys)
	});
}

/// Removes the claims of requests whose deadline has passed (they can no
/// longer be rated, and are closed on chain): without it a node's off-chain
/// database would grow by one entry per rating forever. Walks the deadlines
/// from the last one forgotten, at most [`MAX_DEADLINES_FORGOTTEN_PER_RUN`] a
/// run; a node that never forgot starts `ResponseWindow + 2` blocks back.
pub fn forget_claims<T: Config>(now: BlockNumberFor<T>) {
	let cursor = StorageValueRef::persistent(CLAIMS_FORGOTTEN_THROUGH);
	let Some(last_passed) = now.checked_sub(&One::one()) else { return };
	let start = match cursor.get::<BlockNumberFor<T>>() {
		Ok(Some(through)) => through.saturating_add(One::one()),
		_ => now.saturating_sub(T::ResponseWindow::get().saturating_add(2u32.into())),
	};
	let mut deadline = start;
	let mut walked = 0;
	while deadline <= last_passed && walked < MAX_DEADLINES_FORGOTTEN_PER_RUN {
		let due_key = claims_due_key(deadline);
		let mut due = StorageValueRef::persistent(&due_key);
		if let Ok(Some(keys)) = due.get::<Vec<Vec<u8>>>() {
			for key in keys {
				StorageValueRef::persistent(&key).clear();
			}
			due.clear();
		}
		deadline = deadline.saturating_add(One::one());
		walked += 1;
	}
	if walked > 0 {
		cursor.set(&deadline.saturating_sub(One::one()));
	}
}

type AppPublic<T> = <<T as Config>::AuthorityId as AppCrypto<
	<T as frame_system::offchain::SigningTypes>::Public,
	<T as frame_system::offchain::SigningTypes>::Signature,
>>::RuntimeAppPublic;

/// A batch entry, for the runtime's signature type.
type BatchedRatingOf<T> = BatchedRating<<T as frame_system::offchain::SigningTypes>::Signature>;

/// One request to measure, with what it takes to judge and sign.
struct Job<T: Config> {
	id: RequestId,
	request: RequestOf<T>,
	/// The attestor account the key signs for.
	attestor: T::AccountId,
	/// The attestor's key, as the runtime's signer type.
	public: T::Public,
	/// The key's signature over the round's nonce, whose hash with the request id draws `chunks`.
	chunk_seed: T::Signature,
	/// The chunks this attestor asks for.
	chunks: Chunks,
	/// The feed's key; `None` when the feed is gone.
	feed_key: Option<[u8; 32]>,
	/// Where and as whom the hoster answers; `None` when the hoster is gone.
	hoster: Option<HosterContact>,
}

/// What the worker needs of a hoster's registration form.
struct HosterContact {
	/// Base URL of its HTTP API.
	endpoint: Vec<u8>,
	/// The Ed25519 key its contact proofs are signed with (the request's snapshot).
	contact_key: [u8; 32],
}

/// One chunk fetch in flight.
struct Fetch {
	job: usize,
	index: u64,
	sent: Timestamp,
	id: Option<sp_core::offchain::HttpRequestId>,
	first_byte: Option<Timestamp>,
	fate: Option<ChunkFate>,
}

/// Runs the attestor for this block.
pub fn run<T: Config>(now: BlockNumberFor<T>) {
	forget_claims::<T>(now);
	let jobs = claim_jobs::<T>(now);
	if jobs.is_empty() {
		return;
	}
	let deadline =
		sp_io::offchain::timestamp().add(Duration::from_millis(T::HttpDeadlineMs::get()));
	let fetches = fetch_all::<T>(&jobs, deadline);
	let rated: Vec<(&Job<T>, RatingOutcome)> = jobs
		.iter()
		.enumerate()
		.map(|(n, job)| {
			let fates: Vec<ChunkFate> =
				fetches.iter().filter(|f| f.job == n).filter_map(|f| f.fate.clone()).collect();
			let outcome = if job.hoster.is_none() || job.feed_key.is_none() {
				// The hoster or the feed left the chain: there is nothing to fetch as asked.
				RatingOutcome::Error(MeasurementFailure::Unreachable)
			} else {
				rate(&fates)
			};
			(job, outcome)
		})
		.collect();
	submit_all::<T>(rated);
}

/// The requests assigned to this node's attestor keys that this run claims.
fn claim_jobs<T: Config>(now: BlockNumberFor<T>) -> Vec<Job<T>> {
	let mut jobs = Vec::new();
	for key in AppPublic::<T>::all() {
		let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic =
			key.into();
		let public: T::Public = generic.into();
		let Some(attestor) = Pallet::<T>::attestor_of_key(&public.clone().into_account()) else {
			continue;
		};
		// Oldest first (storage order is by hash): logs and batches follow request ids.
		let mut open: Vec<(RequestId, RequestOf<T>)> =
			Pallet::<T>::unanswered_requests(&attestor).collect();
		open.sort_by_key(|(id, _)| *id);
		// One chunk seed per round's nonce: the keystore signs once per round, not per request.
		let mut seeds: Vec<([u8; 32], T::Signature)> = Vec::new();
		for (id, request) in open {
			if !claim::<T>(id, &attestor, now, request.deadline) {
				log::debug!(target: LOG_TARGET, "request {id}: already handled by this node");
				continue;
			}
			let known = seeds.iter().find(|(nonce, _)| *nonce == request.nonce);
			let chunk_seed = match known {
				Some((_, seed)) => seed.clone(),
				None => {
					let payload = chunk_seed_payload(&request.nonce);
					let Some(seed) = T::AuthorityId::sign(&payload, public.clone()) else {
						log::warn!(target: LOG_TARGET, "request {id}: the keystore could not sign the chunk seed");
						continue;
					};
					seeds.push((request.nonce, seed.clone()));
					seed
				},
			};
			let chunks = chunks_of(&chunk_seed, id, request.length, T::ChunksPerBenchmark::get());
			let feed = Feeds::<T>::get(request.feed);
			let hoster = Hosters::<T>::get(&request.hoster).map(|h| HosterContact {
				endpoint: h.form.endpoint.into_inner(),
				contact_key: request.contact_key,
			});
			log::info!(
				target: LOG_TARGET,
				"request {id}: attestor {:?} measures hoster {:?} ({}) on feed {} at length {}, chunks {:?}",
				attestor,
				request.hoster,
				hoster.as_ref().map(|h| String::from_utf8_lossy(&h.endpoint).into_owned()).unwrap_or_default(),
				request.feed,
				request.length,
				chunks
			);
			jobs.push(Job {
				id,
				feed_key: feed.map(|f| f.key),
				hoster,
				request,
				attestor: attestor.clone(),
				public: public.clone(),
				chunk_seed,
				chunks,
			});
		}
	}
	// By request, then key: when this node holds several keys of one committee,
	// their fetches of a request go out together and are read together, so the
	// order of the run does not set the members' figures apart.
	jobs.sort_by_key(|job| job.id);
	jobs
}

/// Claims `request` for `attestor` in persistent storage (compare-and-set): a
/// first attempt, or the one retry when the request is still open long enough
/// after the first.
pub fn claim<T: Config>(
	request: RequestId,
	attestor: &T::AccountId,
	now: BlockNumberFor<T>,
	deadline: BlockNumberFor<T>,
) -> bool {
	let key = claim_key(request, attestor);
	let storage = StorageValueRef::persistent(&key);
	let result = storage.mutate(
		|current: Result<Option<Claim<BlockNumberFor<T>>>, StorageRetrievalError>| match current {
			Ok(None) => Ok(Claim { at: now, attempts: 1 }),
			Ok(Some(c))
				if c.attempts < MAX_ATTEMPTS
					&& now >= c.at.saturating_add(RETRY_AFTER.into())
					&& deadline > now =>
			{
				Ok(Claim { at: now, attempts: c.attempts + 1 })
			},
			_ => Err(()),
		},
	);
	match result {
		Ok(claim) => {
			if claim.attempts == 1 {
				note_claim(key, deadline);
			}
			true
		},
		Err(MutateStorageError::ValueFunctionFailed(()))
		| Err(MutateStorageError::ConcurrentModification(_)) => false,
	}
}

/// Sends every chunk request of every job, then waits for all under one deadline.
fn fetch_all<T: Config>(jobs: &[Job<T>], deadline: Timestamp) -> Vec<Fetch> {
	let mut fetches = Vec::new();
	for (n, job) in jobs.iter().enumerate() {
		let (Some(hoster), Some(feed_key)) = (&job.hoster, &job.feed_key) else { continue };
		let endpoint = String::from_utf8_lossy(&hoster.endpoint);
		for &index in job.chunks.iter() {
			let challenge = Challenge {
				request: job.id,
				nonce: job.request.nonce,
				attestor: account_bytes(&job.attestor),
			};
			let url = block_url(&endpoint, feed_key, index, job.request.length, Some(&challenge));
			let sent = sp_io::offchain::timestamp();
			let id = sp_io::offchain::http_request_start("GET", &url, &[]).ok().filter(|id| {
				// An empty body finishes the request: it is sent now.
				sp_io::offchain::http_request_write_body(*id, &[], Some(deadline)).is_ok()
			});
			let fate = if id.is_none() {
				Some(ChunkFate::Failed(MeasurementFailure::Unreachable))
			} else {
				None
			};
			log::debug!(target: LOG_TARGET, "request {}: GET {url}", job.id);
			fetches.push(Fetch { job: n, index, sent, id, first_byte: None, fate });
		}
	}

	// Headers and bodies together: while some headers are still awaited, the
	// bodies that already came are read and verified in turns of at most
	// `BODY_TURN_MS` between two looks at the headers, in the order their headers
	// arrived, so the worker's own work overlaps the network's. The worker sleeps
	// only when a round moved nothing, and then on what comes next:
	// - with a body being read, on that body (up to `POLL_MS`): the read returns
	//   as soon as its next bytes come, where a wait for headers would sleep the
	//   whole `POLL_MS` (the host's wait returns only when *every* request given
	//   has answered);
	// - with no body to read, on the oldest awaited header (up to `POLL_MS`):
	//   one hoster answers in the order asked, so that wait ends when the next
	//   header comes and times it exactly.
	let mut body = BodyBuffer::new();
	let mut awaited: Vec<usize> =
		(0..fetches.len()).filter(|&i| fetches[i].fate.is_none()).collect();
	let mut arrived: VecDeque<usize> = VecDeque::new();
	let mut reading: Option<usize> = None;
	let mut progressed = false;
	loop {
		let now = sp_io::offchain::timestamp();
		if now.unix_millis() >= deadline.unix_millis() {
			for f in fetches.iter_mut().filter(|f| f.fate.is_none()) {
				f.fate = Some(ChunkFate::TimedOut);
			}
			break;
		}
		if awaited.is_empty() && reading.is_none() && arrived.is_empty() {
			break;
		}
		let sleep_until =
			Timestamp::from_unix_millis(deadline.unix_millis().min(now.unix_millis() + POLL_MS));
		if !awaited.is_empty() {
			let ids: Vec<_> = awaited.iter().filter_map(|&i| fetches[i].id).collect();
			let body_to_read = reading.is_some() || !arrived.is_empty();
			if let (false, false, Some(oldest)) = (progressed, body_to_read, ids.first()) {
				let _ = sp_io::offchain::http_response_wait(
					core::slice::from_ref(oldest),
					Some(sleep_until),
				);
			}
			let statuses =
				sp_io::offchain::http_response_wait(&ids, Some(sp_io::offchain::timestamp()));
			let at = sp_io::offchain::timestamp();
			let still_awaited = awaited.len();
			for (&i, status) in awaited.iter().zip(statuses) {
				match status {
					HttpRequestStatus::Finished(200) => {
						fetches[i].first_byte = Some(at);
						arrived.push_back(i);
					},
					HttpRequestStatus::Finished(code) => {
						fetches[i].first_byte = Some(at);
						fetches[i].fate = Some(ChunkFate::Failed(MeasurementFailure::Http(code)));
					},
					HttpRequestStatus::IoError | HttpRequestStatus::Invalid => {
						fetches[i].fate = Some(ChunkFate::Failed(MeasurementFailure::Unreachable))
					},
					HttpRequestStatus::DeadlineReached => {},
				}
			}
			awaited.retain(|&i| fetches[i].fate.is_none() && fetches[i].first_byte.is_none());
			progressed = awaited.len() != still_awaited;
		} else {
			progressed = false;
		}
		let turn_ends = sp_io::offchain::timestamp().unix_millis() + BODY_TURN_MS;
		loop {
			if reading.is_none() {
				reading = arrived.pop_front();
				body.clear();
			}
			let Some(i) = reading else { break };
			// Only fetches whose headers came are queued.
			let (Some(id), Some(first_byte)) = (fetches[i].id, fetches[i].first_byte) else {
				reading = None;
				continue;
			};
			// With no headers left to watch, wait for this body itself, so its end is
			// timed exactly; with headers to watch, only while nothing else moved.
			let wait_until = if awaited.is_empty() {
				deadline
			} else if progressed {
				sp_io::offchain::timestamp()
			} else {
				sleep_until
			};
			let (read, got) = body.read(id, wait_until);
			progressed |= got > 0 || !matches!(read, BodyRead::Waiting);
			let fate = match read {
				BodyRead::Waiting => break,
				BodyRead::Failed(fate) => fate,
				BodyRead::Complete => {
					let done = sp_io::offchain::timestamp();
					let received = body.received();
					let bytes = received.len() as u64;
					let job = &jobs[fetches[i].job];
					judge_chunk::<T>(job, fetches[i].index, received).map_or_else(
						ChunkFate::Failed,
						|(contact_proof, inclusion)| ChunkFate::Valid {
							first_byte_ms: first_byte.diff(&fetches[i].sent).millis(),
							done_ms: done.diff(&fetches[i].sent).millis(),
							bytes,
							contact_proof,
							inclusion,
						},
					)
				},
			};
			fetches[i].fate = Some(fate);
			reading = None;
			if !awaited.is_empty() && sp_io::offchain::timestamp().unix_millis() >= turn_ends {
				break;
			}
		}
	}
	for f in &fetches {
		if let Some(fate) = &f.fate {
			log::debug!(target: LOG_TARGET, "request {}: chunk {} → {fate}", jobs[f.job].id, f.index);
		}
	}
	fetches
}

/// How far one [`BodyBuffer::read`] got.
#[derive(Clone, Debug)]
enum BodyRead {
	/// The whole body is in the buffer.
	Complete,
	/// Everything that has arrived is read; more is to come.
	Waiting,
	/// The body cannot be a chunk (too long, or the connection failed).
	Failed(ChunkFate),
}

/// The buffer every response body of a run is read into, one body at a time,
/// grown as needed up to one byte over [`MAX_BODY_BYTES`] (so a longer body is
/// noticed).
struct BodyBuffer {
	bytes: Vec<u8>,
	filled: usize,
}

impl BodyBuffer {
	/// Room for a 64 KiB block with its proof before the first growth.
	const INITIAL: usize = 80 * 1024;
	/// Most bytes asked of the host per read. The host copies the whole slice it
	/// is given into its memory and back on every call, however little arrived,
	/// and a body comes in frames of 8–32 KiB: a slice of the whole free buffer
	/// cost about 500 KB of copying per 64 KiB chunk.
	const READ_SLICE: usize = 16 * 1024;

	fn new() -> Self {
		Self { bytes: vec![0; Self::INITIAL], filled: 0 }
	}

	/// Starts the next body.
	fn clear(&mut self) {
		self.filled = 0;
	}

	/// The body read so far.
	fn received(&mut self) -> &mut [u8] {
		&mut self.bytes[..self.filled]
	}

	/// Reads what has arrived of body `id`, waiting for more until `wait_until`;
	/// returns how far it got and the bytes it read.
	fn read(
		&mut self,
		id: sp_core::offchain::HttpRequestId,
		wait_until: Timestamp,
	) -> (BodyRead, usize) {
		let before = self.filled;
		let read = loop {
			if self.filled == self.bytes.len() {
				let grown = (self.bytes.len() * 2).min(MAX_BODY_BYTES + 1);
				if grown == self.bytes.len() {
					break BodyRead::Failed(ChunkFate::Failed(MeasurementFailure::Encoding));
				}
				self.bytes.resize(grown, 0);
			}
			let end = self.bytes.len().min(self.filled + Self::READ_SLICE);
			match sp_io::offchain::http_response_read_body(
				id,
				&mut self.bytes[self.filled..end],
				Some(wait_until),
			) {
				Ok(0) if self.filled > MAX_BODY_BYTES => {
					break BodyRead::Failed(ChunkFate::Failed(MeasurementFailure::Encoding))
				},
				Ok(0) => break BodyRead::Complete,
				Ok(n) => self.filled += n as usize,
				Err(sp_core::offchain::HttpError::DeadlineReached) => break BodyRead::Waiting,
				Err(_) => {
					break BodyRead::Failed(ChunkFate::Failed(MeasurementFailure::Unreachable))
				},
			}
		};
		(read, self.filled - before)
	}
}

/// Decodes and verifies one served chunk; returns its contact proof and
/// Merkle path. The body is hashed in place (see [`hypercore_verify::served`]),
/// so it is scratch afterwards.
fn judge_chunk<T: Config>(
	job: &Job<T>,
	index: u64,
	body: &mut [u8],
) -> Result<(ContactProof, BlockInclusion), MeasurementFailure> {
	let served = decode_served_block::<SpIo>(body).map_err(|_| MeasurementFailure::Encoding)?;
	if served.index != index {
		return Err(MeasurementFailure::Integrity);
	}
	// Anchored at the request's length and the tree hash the feed's signature covered then.
	let anchor = Anchor::TreeHash(&job.request.tree_hash);
	let block_hash = served
		.verify::<SpIo>(anchor, job.request.length)
		.map_err(|_| MeasurementFailure::Integrity)?;
	let hoster = job.hoster.as_ref().ok_or(MeasurementFailure::Unreachable)?;
	let signature = served.contact_signature.ok_or(MeasurementFailure::ContactProof)?;
	let valid = verify_contact_proof::<SpIo>(
		&hoster.contact_key,
		job.id,
		&job.request.nonce,
		&account_bytes(&job.attestor),
		index,
		&block_hash,
		&signature,
	);
	if !valid {
		return Err(MeasurementFailure::ContactProof);
	}
	let inclusion = BlockInclusion { size: served.size, nodes: served.nodes, roots: served.roots };
	Ok((ContactProof { block_index: index, block_hash, signature }, inclusion))
}

/// Signs the ratings with their attestor keys and submits them as authorized
/// transactions: per key, one `performance_benchmark_response` for a single
/// rating, else `performance_benchmark_responses` batches of up to
/// `MaxRatingsPerBatch`, each signed once. The keystore derives the key from its
/// stored phrase on every signature (about 10 ms in a debug node) and the pool
/// validates every transaction on submission, so one of each per rating would
/// make a run with 100 requests take a second longer than a run with one.
fn submit_all<T: Config>(rated: Vec<(&Job<T>, RatingOutcome)>) {
	let mut by_key: Vec<(&Job<T>, Vec<BatchedRatingOf<T>>)> = Vec::new();
	for (job, outcome) in rated {
		let entry =
			BatchedRating { request_id: job.id, outcome, chunk_seed: job.chunk_seed.clone() };
		match by_key.iter_mut().find(|(first, _)| first.public == job.public) {
			Some((_, ratings)) => ratings.push(entry),
			None => by_key.push((job, vec![entry])),
		}
	}
	let most = (T::MaxRatingsPerBatch::get() as usize).max(1);
	for (job, ratings) in by_key {
		for part in ratings.chunks(most) {
			let payload = match part {
				[one] => one.clone().rated_by(job.attestor.clone()).signing_payload(),
				_ => batch_signing_payload(&job.attestor, part),
			};
			let Some(signature) = T::AuthorityId::sign(&payload, job.public.clone()) else {
				log::warn!(target: LOG_TARGET, "the keystore could not sign {} rating(s) with {:?}", part.len(), job.attestor);
				continue;
			};
			let call = match part {
				[one] => Call::<T>::performance_benchmark_response {
					rating: one.clone().rated_by(job.attestor.clone()),
					signature,
				},
				_ => Call::<T>::performance_benchmark_responses {
					attestor: job.attestor.clone(),
					// `part` has at most `MaxRatingsPerBatch` entries.
					ratings: BoundedVec::truncate_from(part.to_vec()),
					signature,
				},
			};
			let xt = <T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(
				call.into(),
			);
			let sent = SubmitTransaction::<T, Call<T>>::submit_transaction(xt).is_ok();
			for entry in part {
				if sent {
					log::info!(target: LOG_TARGET, "request {}: rating sent: {:?}", entry.request_id, entry.outcome);
				} else {
					log::warn!(target: LOG_TARGET, "request {}: the pool refused the rating {:?}", entry.request_id, entry.outcome);
				}
			}
			if part.len() > 1 && sent {
				log::info!(target: LOG_TARGET, "{} ratings of {:?} sent in one transaction", part.len(), job.attestor);
			}
		}
	}
}
