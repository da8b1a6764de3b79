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
//! 2. **Fetch, like any client.** Every chunk of every claimed request is
//!    requested at once with the request any client of a hoster makes
//!    (`GET {endpoint}/feeds/{key}/blocks/{index}?length=`, the headers of
//!    [`hypercore_verify::wire::CLIENT_HEADERS`], the protocol of
//!    [`hypercore_verify::wire`]): nothing in it names the benchmark or the
//!    attestor. **Each benchmark runs on its own clock**: its deadline is `HttpDeadlineMs` (5 s) after its first
//!    request, and at its deadline whatever of it is not whole times out,
//!    whatever the others are doing. The worker goes round everything without
//!    waiting: the headers that came, then what has arrived of every body being
//!    read (round-robin, each into its own buffer, the clock read as its last
//!    byte comes), then the whole bodies are verified (for at most
//!    [`BODY_TURN_MS`] while others are in flight). Only a round that moved
//!    nothing sleeps, at most [`POLL_MS`], on what most likely comes next (the
//!    body whose headers came first, else the oldest awaited headers). So a
//!    hoster that stalls, trickles, sends an endless or oversized body,
//!    redirects or answers garbage settles only its own chunks: a body is capped
//!    at [`MAX_BODY_BYTES`], and the bodies held at once at
//!    [`MAX_BUFFERED_BYTES`] (past it, a body not yet begun waits in the host
//!    until others are verified). 100 open requests take about as long as one.
//! 3. **Measure** with the node's off-chain clock (resolution 1 ms): time to
//!    response headers per chunk and time to the end of its body, each known to
//!    within one round (a look at everything, plus at most one turn of
//!    verification while others are in flight; exact for what the worker sleeps
//!    on); the rating's latency is the earliest first byte, its bandwidth the
//!    body bytes over the transfer window ([`crate::measure`]). The ratings are
//!    decided as each benchmark settles and submitted once the run's last
//!    benchmark has settled (at most 5 s after the first request): a
//!    submission mid-run would stop the clocks of the benchmarks still being
//!    read for as long as the keystore and the pool take.
//! 4. **Verify** each chunk with `hypercore-verify` against the feed's tree hash
//!    at the request's length (recorded in the request from the registered,
//!    signed roots). Once a benchmark's chunks are settled and some verified,
//!    **ask for the proof of contact**: one `POST {endpoint}/contact` naming the
//!    request, nonce, attestor and the verified blocks with their leaf hashes
//!    ([`hypercore_verify::ContactRequest`]), sent at once, with a deadline of
//!    its own ([`CONTACT_WINDOW_MS`]). The hoster signs each block it served to
//!    this node's address; the worker checks the signature that goes on chain
//!    (the first block's) with the contact key the request snapshotted. The
//!    exchange is not timed: the figures come from the block fetches alone.
//! 5. **Rate** (Normal, Timeout, or Error: Unreachable, Http, Encoding,
//!    Integrity, ContactProof when the contact request failed in any way;
//!    a Normal rating carries the contact proof and
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
//! A rating of a batch that went stale before inclusion (its request closed,
//! or its deadline passed) is skipped by the chain with a `RatingSkipped`
//! event; the batch's other ratings count.
//!
//! ## Logs
//! Target `runtime::hosting`: `info` for each request taken, each rating sent;
//! `debug` for each chunk's fate and skipped requests.

use alloc::{string::String, vec, vec::Vec};
use codec::{Decode, DecodeAll, Encode};
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{AppCrypto, CreateAuthorizedTransaction, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use hypercore_verify::{
	contact::MAX_CONTACT_ANSWER_BYTES,
	decode_served_block, verify_contact_proof,
	wire::{block_url, contact_url, CLIENT_HEADERS, MAX_BLOCK_ANSWER_BYTES},
	Anchor, ContactAnswer, ContactRequest, ReceivedBlock, SpIo,
};
use sp_core::offchain::{Duration, HttpRequestStatus, Timestamp};
use sp_runtime::{
	offchain::storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
	traits::{CheckedSub, IdentifyAccount, One, Saturating},
	RuntimeAppPublic,
};

use crate::{
	measure::{rate, to_vouch_for, ChunkFate, Vouched},
	pallet::*,
	requests::{chunks_of, RequestOf},
	types::*,
	LOG_TARGET,
};

/// Largest response body read for one chunk: a block of the largest size a proof
/// carries, its path and the other roots.
pub const MAX_BODY_BYTES: usize = MAX_BLOCK_ANSWER_BYTES;
/// How long a contact request may take, in milliseconds, from when it is sent
/// (once its benchmark's chunks are settled) to the end of its answer.
pub const CONTACT_WINDOW_MS: u64 = 2_000;
/// Most body bytes the worker holds at once across a run's fetches (the
/// buffers of bodies being read and of whole ones awaiting verification, by
/// the room they take): hosters that stall
/// mid-body cannot make the worker's memory grow with the number of chunks.
pub const MAX_BUFFERED_BYTES: usize = 32 * 1024 * 1024;
/// Longest the worker sleeps on one thing (a body being read, or the oldest
/// awaited headers) before it looks at everything again, in milliseconds:
/// the off-chain clock's resolution, so what it does not sleep on is timed
/// to within about one tick.
pub const POLL_MS: u64 = 1;
/// Longest stretch of verifying whole bodies, in milliseconds, while other
/// fetches are in flight, before their headers and bodies are looked at again
/// (the clock ticks in whole milliseconds, so a turn lasts up to this plus one
/// chunk).
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

/// What the worker needs of a hoster's registration form, as the request snapshotted it.
struct HosterContact {
	/// Base URL of its HTTP API (the request's snapshot).
	endpoint: Vec<u8>,
	/// The Ed25519 key its contact proofs are signed with (the request's snapshot).
	contact_key: [u8; 32],
}

/// What a fetch asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wanted {
	/// A chunk: the block of this number.
	Block(u64),
	/// The proof of contact for the job's verified chunks, of which the first
	/// goes on chain.
	Contact {
		/// The first block named.
		first: Vouched,
		/// Blocks named.
		named: usize,
	},
}

/// What became of a fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fate {
	/// A chunk's.
	Chunk(ChunkFate),
	/// A contact request's: the signature over the first block named, or it failed.
	Contact(Option<[u8; 64]>),
}

/// One fetch (a chunk, or a contact request): in flight until its headers and
/// whole body came (or it failed, or its deadline passed), then settled with a
/// fate.
struct Fetch {
	/// Index of its job.
	job: usize,
	/// What it asks for.
	wanted: Wanted,
	/// When it was sent.
	sent: Timestamp,
	/// A chunk's: its benchmark's deadline, `HttpDeadlineMs` after the
	/// benchmark's first request; a contact request's: [`CONTACT_WINDOW_MS`] after it was sent.
	deadline: Timestamp,
	/// The host's handle; `None` when it could not be sent.
	id: Option<sp_core::offchain::HttpRequestId>,
	/// When its headers were seen.
	first_byte: Option<Timestamp>,
	/// The body's length as its `Content-Length` header declared it, if it did.
	declared: Option<usize>,
	/// Its own body buffer (given back once settled), filled up to `filled`.
	body: Vec<u8>,
	/// Body bytes read so far.
	filled: usize,
	/// When the body's last byte was read.
	done: Option<Timestamp>,
	/// What became of it.
	fate: Option<Fate>,
}

/// Runs the attestor for this block.
pub fn run<T: Config>(now: BlockNumberFor<T>) {
	forget_claims::<T>(now);
	let jobs = claim_jobs::<T>(now);
	if jobs.is_empty() {
		return;
	}
	let fetches = fetch_all::<T>(&jobs);
	let rated: Vec<(&Job<T>, RatingOutcome)> = jobs
		.iter()
		.enumerate()
		.map(|(n, job)| {
			let fates = chunk_fates(&fetches, n);
			let contact_signature =
				fetches.iter().filter(|f| f.job == n).find_map(|f| match f.fate {
					Some(Fate::Contact(signature)) => signature,
					_ => None,
				});
			let outcome = if job.hoster.is_none() || job.feed_key.is_none() {
				// The hoster or the feed left the chain: there is nothing to fetch as asked.
				RatingOutcome::Error(MeasurementFailure::Unreachable)
			} else {
				rate(&fates, contact_signature)
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
			// Measured where and as whom it was when the committee was drawn.
			let hoster = Hosters::<T>::contains_key(&request.hoster).then(|| HosterContact {
				endpoint: request.endpoint.clone().into_inner(),
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

/// Sends every chunk request of every job, then reads every answer as it
/// comes, each benchmark on its own clock, and asks each hoster for its proof
/// of contact as soon as the benchmark's chunks are settled (see the module
/// docs, steps 2 and 4).
fn fetch_all<T: Config>(jobs: &[Job<T>]) -> Vec<Fetch> {
	let window = Duration::from_millis(T::HttpDeadlineMs::get());
	let mut fetches = Vec::new();
	for (n, job) in jobs.iter().enumerate() {
		let (Some(hoster), Some(feed_key)) = (&job.hoster, &job.feed_key) else { continue };
		let endpoint = String::from_utf8_lossy(&hoster.endpoint);
		// This benchmark's own deadline: `HttpDeadlineMs` after its first request.
		let deadline = sp_io::offchain::timestamp().add(window);
		for &index in job.chunks.iter() {
			let url = block_url(&endpoint, feed_key, index, job.request.length);
			let sent = sp_io::offchain::timestamp();
			let id = send("GET", &url, &[], deadline);
			log::debug!(target: LOG_TARGET, "request {}: GET {url}", job.id);
			fetches.push(Fetch::new(n, Wanted::Block(index), sent, deadline, id));
		}
	}
	// Whether each job's contact request was sent, or found not needed.
	let mut decided = vec![false; jobs.len()];

	// Rounds of looking at everything without waiting: the headers that came,
	// what arrived of every body being read (round-robin, each into its own
	// buffer, the clock read as its last byte comes), then the whole bodies
	// verified (for at most `BODY_TURN_MS` while others are in flight: their
	// clocks are read after the turn), then the contact requests of the
	// benchmarks whose chunks are all settled. Only a round that moved nothing
	// sleeps, at most `POLL_MS`, on what most likely comes next. A benchmark
	// past its own deadline is settled with what it has; none waits for another.
	loop {
		let now = sp_io::offchain::timestamp();
		for f in fetches.iter_mut().filter(|f| f.is_in_flight() && now >= f.deadline) {
			f.time_out();
		}
		// Every job whose chunks are all settled is decided here, so once every
		// fetch is settled, every contact request has been sent and answered.
		let mut progressed = ask_for_contact::<T>(jobs, &mut fetches, &mut decided);
		if fetches.iter().all(|f| f.fate.is_some()) {
			break;
		}

		let awaited: Vec<usize> =
			(0..fetches.len()).filter(|&i| fetches[i].awaits_headers()).collect();
		if !awaited.is_empty() {
			let ids: Vec<_> = awaited.iter().filter_map(|&i| fetches[i].id).collect();
			let statuses = sp_io::offchain::http_response_wait(&ids, Some(now));
			let at = sp_io::offchain::timestamp();
			for (&i, status) in awaited.iter().zip(statuses) {
				progressed |= fetches[i].headers_came(status, at);
			}
		}

		let now = sp_io::offchain::timestamp();
		let mut buffered: usize = fetches.iter().map(|f| f.body.capacity()).sum();
		for f in fetches.iter_mut().filter(|f| f.is_reading()) {
			// Past the cap, a body not yet begun waits in the host until others are verified.
			if f.body.capacity() == 0 && buffered >= MAX_BUFFERED_BYTES {
				continue;
			}
			let before = f.body.capacity();
			progressed |= f.read(now);
			buffered = buffered.saturating_sub(before).saturating_add(f.body.capacity());
		}

		// Verifying settles only whole bodies: what is in flight stays so meanwhile.
		let others_in_flight = fetches.iter().any(Fetch::is_in_flight);
		let turn_ends = sp_io::offchain::timestamp().add(Duration::from_millis(BODY_TURN_MS));
		let mut whole: Vec<usize> = (0..fetches.len()).filter(|&i| fetches[i].is_whole()).collect();
		whole.sort_by_key(|&i| fetches[i].done);
		for i in whole {
			let f = &mut fetches[i];
			let fate = f.judge(&jobs[f.job]);
			f.settle(fate);
			progressed = true;
			if others_in_flight && sp_io::offchain::timestamp() >= turn_ends {
				break;
			}
		}

		if !progressed {
			sleep_on_next(&mut fetches);
		}
	}
	for f in &fetches {
		if let Some(fate) = &f.fate {
			log::debug!(target: LOG_TARGET, "request {}: {:?} → {fate:?}", jobs[f.job].id, f.wanted);
		}
	}
	fetches
}

/// Starts an HTTP request with the headers every hosting client sends and
/// `body` (empty for a GET), sent by `deadline`; `None` when it could not be sent.
fn send(
	method: &str,
	url: &str,
	body: &[u8],
	deadline: Timestamp,
) -> Option<sp_core::offchain::HttpRequestId> {
	let id = sp_io::offchain::http_request_start(method, url, &[]).ok()?;
	for (name, value) in CLIENT_HEADERS {
		sp_io::offchain::http_request_add_header(id, name, value).ok()?;
	}
	if !body.is_empty() {
		sp_io::offchain::http_request_add_header(id, "Content-Type", "application/octet-stream")
			.ok()?;
		sp_io::offchain::http_request_write_body(id, body, Some(deadline)).ok()?;
	}
	// An empty write finishes the request: it is sent now.
	sp_io::offchain::http_request_write_body(id, &[], Some(deadline)).ok()?;
	Some(id)
}

/// The body length a response's `Content-Length` header declares, if it
/// declares one (a chunked body does not).
fn content_length(id: sp_core::offchain::HttpRequestId) -> Option<usize> {
	sp_io::offchain::http_response_headers(id)
		.iter()
		.find(|(name, _)| name.eq_ignore_ascii_case(b"content-length"))
		.and_then(|(_, value)| core::str::from_utf8(value).ok()?.trim().parse().ok())
}

/// The fates of job `n`'s chunks, in the order asked.
fn chunk_fates(fetches: &[Fetch], n: usize) -> Vec<ChunkFate> {
	fetches
		.iter()
		.filter(|f| f.job == n)
		.filter_map(|f| match &f.fate {
			Some(Fate::Chunk(fate)) => Some(fate.clone()),
			_ => None,
		})
		.collect()
}

/// Decides every undecided job whose chunks have all settled: sends its
/// contact request when its rating depends on one ([`to_vouch_for`]).
/// Returns whether any job was decided.
fn ask_for_contact<T: Config>(
	jobs: &[Job<T>],
	fetches: &mut Vec<Fetch>,
	decided: &mut [bool],
) -> bool {
	let mut chunks_in_flight = vec![false; jobs.len()];
	for f in fetches.iter().filter(|f| f.fate.is_none()) {
		chunks_in_flight[f.job] = true;
	}
	let mut moved = false;
	for (n, job) in jobs.iter().enumerate() {
		if decided[n] || chunks_in_flight[n] {
			continue;
		}
		moved = true;
		decided[n] = true;
		let named = to_vouch_for(&chunk_fates(fetches, n));
		let (Some(&first), Some(hoster), Some(feed)) =
			(named.first(), job.hoster.as_ref(), job.feed_key)
		else {
			continue;
		};
		let request = ContactRequest {
			request: job.id,
			nonce: job.request.nonce,
			attestor: account_bytes(&job.attestor),
			feed,
			length: job.request.length,
			// At most one per chunk, and a benchmark has at most MAX_CONTACT_BLOCKS chunks.
			blocks: BoundedVec::truncate_from(
				named
					.iter()
					.map(|&(index, leaf_hash)| ReceivedBlock { index, leaf_hash })
					.collect(),
			),
		};
		let url = contact_url(&String::from_utf8_lossy(&hoster.endpoint));
		let sent = sp_io::offchain::timestamp();
		let deadline = sent.add(Duration::from_millis(CONTACT_WINDOW_MS));
		let id = send("POST", &url, &request.encode(), deadline);
		log::debug!(target: LOG_TARGET, "request {}: POST {url} for {} block(s)", job.id, named.len());
		fetches.push(Fetch::new(
			n,
			Wanted::Contact { first, named: named.len() },
			sent,
			deadline,
			id,
		));
	}
	moved
}

/// Sleeps, at most `POLL_MS` and not past the nearest deadline, on what most
/// likely comes next: the body being read whose headers came first (its
/// last byte is then timed exactly), else the oldest awaited headers (one
/// hoster answers in the order asked).
fn sleep_on_next(fetches: &mut [Fetch]) {
	let now = sp_io::offchain::timestamp();
	let nearest = fetches
		.iter()
		.filter(|f| f.is_in_flight())
		.map(|f| f.deadline)
		.min()
		.unwrap_or(now);
	let until = nearest.min(now.add(Duration::from_millis(POLL_MS)));
	let reading = fetches
		.iter_mut()
		.filter(|f| f.is_reading() && !f.body.is_empty())
		.min_by_key(|f| (f.first_byte, f.sent));
	if let Some(f) = reading {
		f.read(until);
		return;
	}
	let oldest = fetches.iter().filter(|f| f.awaits_headers()).min_by_key(|f| f.sent);
	match oldest.and_then(|f| f.id) {
		Some(id) => {
			let _ = sp_io::offchain::http_response_wait(core::slice::from_ref(&id), Some(until));
		},
		None => sp_io::offchain::sleep_until(until),
	}
}

impl Fetch {
	fn new(
		job: usize,
		wanted: Wanted,
		sent: Timestamp,
		deadline: Timestamp,
		id: Option<sp_core::offchain::HttpRequestId>,
	) -> Self {
		let mut fetch = Self {
			job,
			wanted,
			sent,
			deadline,
			id,
			first_byte: None,
			declared: None,
			body: Vec::new(),
			filled: 0,
			done: None,
			fate: None,
		};
		if id.is_none() {
			fetch.fail(MeasurementFailure::Unreachable);
		}
		fetch
	}

	/// Neither settled nor whole: it still depends on the network.
	fn is_in_flight(&self) -> bool {
		self.fate.is_none() && self.done.is_none()
	}

	/// Sent, no headers yet.
	fn awaits_headers(&self) -> bool {
		self.is_in_flight() && self.first_byte.is_none() && self.id.is_some()
	}

	/// Headers came (200), the body is not whole yet.
	fn is_reading(&self) -> bool {
		self.is_in_flight() && self.first_byte.is_some()
	}

	/// The body is whole and waits to be verified.
	fn is_whole(&self) -> bool {
		self.fate.is_none() && self.done.is_some()
	}

	/// Ends this fetch with `fate`, giving its buffer back.
	fn settle(&mut self, fate: Fate) {
		self.fate = Some(fate);
		self.body = Vec::new();
		self.filled = 0;
	}

	/// Ends this fetch as failed: a chunk with `failure`, a contact request without a proof.
	fn fail(&mut self, failure: MeasurementFailure) {
		self.settle(match self.wanted {
			Wanted::Block(_) => Fate::Chunk(ChunkFate::Failed(failure)),
			Wanted::Contact { .. } => Fate::Contact(None),
		});
	}

	/// Ends this fetch at its deadline.
	fn time_out(&mut self) {
		self.settle(match self.wanted {
			Wanted::Block(_) => Fate::Chunk(ChunkFate::TimedOut),
			Wanted::Contact { .. } => Fate::Contact(None),
		});
	}

	/// Most body bytes this fetch reads.
	fn max_body(&self) -> usize {
		match self.wanted {
			Wanted::Block(_) => MAX_BODY_BYTES,
			Wanted::Contact { .. } => MAX_CONTACT_ANSWER_BYTES,
		}
	}

	/// Takes in the status of its headers looked at `at`; whether anything changed.
	fn headers_came(&mut self, status: HttpRequestStatus, at: Timestamp) -> bool {
		match status {
			HttpRequestStatus::Finished(200) => {
				self.first_byte = Some(at);
				self.declared = self.id.and_then(content_length);
			},
			HttpRequestStatus::Finished(code) => {
				self.first_byte = Some(at);
				self.fail(MeasurementFailure::Http(code));
			},
			HttpRequestStatus::IoError | HttpRequestStatus::Invalid => {
				self.fail(MeasurementFailure::Unreachable)
			},
			HttpRequestStatus::DeadlineReached => return false,
		}
		true
	}

	/// Reads what has arrived of the body, waiting for more until
	/// `wait_until`; returns whether it moved (bytes came, it is whole or it
	/// failed). The buffer grows by [`Fetch::READ_SLICE`] as bytes come, up to
	/// one byte over the most this body may be (so a longer body is noticed):
	/// [`MAX_BODY_BYTES`], or its declared length when less. A body of a
	/// declared length up to [`Fetch::RESERVED_UP_TO`] gets its whole buffer
	/// when it begins, so it is never copied to a larger one as it grows.
	fn read(&mut self, wait_until: Timestamp) -> bool {
		let Some(id) = self.id else { return false };
		let before = self.filled;
		let cap = self.declared.map_or(self.max_body(), |declared| declared.min(self.max_body()));
		if self.body.capacity() == 0 && cap < Self::RESERVED_UP_TO {
			self.body.reserve_exact(cap + 1);
		}
		let failure = loop {
			if self.filled > cap {
				break MeasurementFailure::Encoding;
			}
			let end = (self.filled + Self::READ_SLICE).min(cap + 1);
			if self.body.len() < end {
				self.body.resize(end, 0);
			}
			match sp_io::offchain::http_response_read_body(
				id,
				&mut self.body[self.filled..end],
				Some(wait_until),
			) {
				Ok(0) => {
					self.done = Some(sp_io::offchain::timestamp());
					return true;
				},
				Ok(n) => self.filled += n as usize,
				Err(sp_core::offchain::HttpError::DeadlineReached) => return self.filled > before,
				Err(_) => break MeasurementFailure::Unreachable,
			}
		};
		self.fail(failure);
		true
	}

	/// Most bytes asked of the host per read. The host copies the whole slice
	/// it is given into its memory and back on every call, however little
	/// arrived, and a body comes in frames of 8–32 KiB: a slice of a whole
	/// 80 KiB buffer cost about 500 KB of copying per 64 KiB chunk.
	const READ_SLICE: usize = 16 * 1024;

	/// Largest declared body whose whole buffer is taken when it begins.
	/// Growing by slices copies a 64 KiB chunk's bytes some three times over
	/// in the runtime (16, 32 then 64 KiB), and that copying cost more than
	/// half as much as hashing the chunk; a larger block is rare enough to
	/// grow as it comes. What is taken counts against [`MAX_BUFFERED_BYTES`].
	const RESERVED_UP_TO: usize = 256 * 1024;

	/// The fate of a whole body: a chunk verified or why not, a contact
	/// request's signature or none.
	fn judge<T: Config>(&mut self, job: &Job<T>) -> Fate {
		let body = &mut self.body[..self.filled];
		match self.wanted {
			Wanted::Block(index) => {
				let (Some(first_byte), Some(done)) = (self.first_byte, self.done) else {
					return Fate::Chunk(ChunkFate::TimedOut);
				};
				let bytes = self.filled as u64;
				Fate::Chunk(judge_chunk::<T>(job, index, body).map_or_else(
					ChunkFate::Failed,
					|(block_hash, inclusion)| ChunkFate::Valid {
						index,
						first_byte_ms: first_byte.diff(&self.sent).millis(),
						done_ms: done.diff(&self.sent).millis(),
						bytes,
						block_hash,
						inclusion,
					},
				))
			},
			Wanted::Contact { first, named } => {
				Fate::Contact(judge_contact(job, first, named, body))
			},
		}
	}
}

/// Decodes and verifies one served chunk; returns its leaf hash and Merkle
/// path. The body is hashed in place (see [`hypercore_verify::served`]), so it
/// is scratch afterwards.
fn judge_chunk<T: Config>(
	job: &Job<T>,
	index: u64,
	body: &mut [u8],
) -> Result<([u8; 32], BlockInclusion), MeasurementFailure> {
	let served = decode_served_block::<SpIo>(body).map_err(|_| MeasurementFailure::Encoding)?;
	if served.index != index {
		return Err(MeasurementFailure::Integrity);
	}
	// Anchored at the request's length and the tree hash the feed's signature covered then.
	let anchor = Anchor::TreeHash(&job.request.tree_hash);
	let block_hash = served
		.verify::<SpIo>(anchor, job.request.length)
		.map_err(|_| MeasurementFailure::Integrity)?;
	let inclusion = BlockInclusion { size: served.size, nodes: served.nodes, roots: served.roots };
	Ok((block_hash, inclusion))
}

/// The signature over the first block a contact request named, from the
/// hoster's whole answer: exactly one SCALE `ContactAnswer` with one signature
/// per block named, the first valid for the contact key the request
/// snapshotted. `None` for anything else.
fn judge_contact<T: Config>(
	job: &Job<T>,
	(index, block_hash): Vouched,
	named: usize,
	body: &[u8],
) -> Option<[u8; 64]> {
	let answer = ContactAnswer::decode_all(&mut &body[..]).ok()?;
	let signature = *answer.signatures.first().filter(|_| answer.signatures.len() == named)?;
	let hoster = job.hoster.as_ref()?;
	verify_contact_proof::<SpIo>(
		&hoster.contact_key,
		job.id,
		&job.request.nonce,
		&account_bytes(&job.attestor),
		index,
		&block_hash,
		&signature,
	)
	.then_some(signature)
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
		let entry = BatchedRating {
			request_id: job.id,
			nonce: job.request.nonce,
			outcome,
			chunk_seed: job.chunk_seed.clone(),
		};
		match by_key.iter_mut().find(|(first, _)| first.public == job.public) {
			Some((_, ratings)) => ratings.push(entry),
			None => by_key.push((job, vec![entry])),
		}
	}
	let most = (T::MaxRatingsPerBatch::get() as usize).max(1);
	let genesis = Pallet::<T>::genesis_hash();
	for (job, ratings) in by_key {
		for part in ratings.chunks(most) {
			let payload = match part {
				[one] => one.clone().rated_by(job.attestor.clone()).signing_payload(&genesis),
				_ => batch_signing_payload(&genesis, &job.attestor, part),
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
