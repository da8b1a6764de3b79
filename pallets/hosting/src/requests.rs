//! Benchmark requests: where they come from (registration, the periodic
//! schedule, anyone on demand), the per-block budget, which attestors are
//! assigned, which chunks are sampled, and their expiry at the deadline.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use hypercore_verify::SpIo;
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, types::*, LOG_TARGET, MAX_CHUNKS_PER_BENCHMARK};

/// An open request as stored, for the pallet's own `T`.
pub type RequestOf<T> = BenchmarkRequest<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::AttestorsPerRequest,
>;

impl<T: Config> Pallet<T> {
	/// Anyone's request for a benchmark of `hoster` on a feed it hosts.
	pub(crate) fn do_request_benchmark(hoster: T::AccountId, feed: FeedId) -> DispatchResult {
		ensure!(Hosters::<T>::contains_key(&hoster), Error::<T>::NotHoster);
		ensure!(Hostings::<T>::contains_key(&hoster, feed), Error::<T>::NotHosting);
		Self::create_request(&hoster, feed, BenchmarkKind::OnDemand)?;
		Ok(())
	}

	/// Every `BenchmarkPeriod` blocks, requests benchmarks for up to
	/// `MaxBenchmarksPerBlock` hostings from the rotating cursor. Returns how
	/// many hostings were looked at.
	pub(crate) fn schedule_periodic(now: BlockNumberFor<T>) -> u32 {
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
			let active = Hosters::<T>::get(&hoster).is_some_and(|h| {
				matches!(h.status, HosterStatus::Active | HosterStatus::Suspended)
			});
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
	pub(crate) fn create_request(
		hoster: &T::AccountId,
		feed_id: FeedId,
		kind: BenchmarkKind,
	) -> Result<RequestId, Error<T>> {
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
	fn select_attestors(
		hoster: &T::AccountId,
		seed: &[u8; 32],
	) -> BoundedVec<T::AccountId, T::AttestorsPerRequest> {
		let pool = ActiveAttestors::<T>::get();
		let mut chosen: BoundedVec<T::AccountId, T::AttestorsPerRequest> = BoundedVec::new();
		let n = pool.len();
		if n == 0 {
			return chosen;
		}
		let start = (u64::from_le_bytes([
			seed[0], seed[1], seed[2], seed[3], seed[4], seed[5], seed[6], seed[7],
		]) % n as u64) as usize;
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

	/// Closes the requests whose deadline was `block`; returns how many were
	/// closed. Silent attestors are blamed, the hoster is not.
	pub(crate) fn expire_requests(block: BlockNumberFor<T>) -> u32 {
		let ids = RequestsByDeadline::<T>::take(block);
		let mut closed = 0u32;
		for id in ids {
			let Some(request) = BenchmarkRequests::<T>::take(id) else { continue };
			closed += 1;
			let silent: Vec<T::AccountId> = request
				.attestors
				.iter()
				.filter(|a| !request.answered.contains(a))
				.cloned()
				.collect();
			for attestor in &silent {
				Self::note_missed(attestor);
			}
			log::info!(target: LOG_TARGET, "request {} expired; silent attestors: {:?}", id, silent);
			Self::deposit_event(Event::RequestExpired { request: id, silent });
		}
		closed
	}

	/// Open requests assigned to `attestor` that it has not answered, with their ids.
	pub fn open_requests_for(
		attestor: &T::AccountId,
	) -> Vec<RequestView<T::AccountId, BlockNumberFor<T>>> {
		Self::unanswered_requests(attestor)
			.map(|(id, r)| Self::request_view(id, r))
			.collect()
	}

	/// Open requests assigned to `attestor` that it has not answered.
	///
	/// A scan of `BenchmarkRequests`, for off-chain and runtime-API use only
	/// (never in a dispatchable or hook). It is bounded: requests live at
	/// most `ResponseWindow + 1` blocks and at most `MaxRequestsPerBlock`
	/// are created per block, so at most
	/// `MaxRequestsPerBlock × (ResponseWindow + 1)` exist (352 in the
	/// runtime). A per-attestor index would cost a database write per
	/// request and per rating, on the pallet's busiest path.
	pub fn unanswered_requests(
		attestor: &T::AccountId,
	) -> impl Iterator<Item = (RequestId, RequestOf<T>)> + '_ {
		BenchmarkRequests::<T>::iter()
			.filter(move |(_, r)| r.attestors.contains(attestor) && !r.answered.contains(attestor))
	}

	/// A request with what an attestor needs to fetch it: the feed key and the hoster's endpoint.
	pub fn request_view(
		id: RequestId,
		r: RequestOf<T>,
	) -> RequestView<T::AccountId, BlockNumberFor<T>> {
		RequestView {
			id,
			feed_key: Feeds::<T>::get(r.feed).map(|f| f.key).unwrap_or_default(),
			endpoint: Hosters::<T>::get(&r.hoster)
				.map(|h| h.form.endpoint.into_inner())
				.unwrap_or_default(),
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

/// `count` random block numbers below `length` from `seed`, sorted, without repeats.
pub fn sample_chunks(seed: &[u8; 32], length: u64, count: u32) -> Chunks {
	let mut chunks = Vec::with_capacity(count as usize);
	if length > 0 {
		for i in 0..count.min(MAX_CHUNKS_PER_BENCHMARK) {
			let h = sp_io::hashing::blake2_256(&(b"chunk", seed, i).encode());
			let mut word = [0u8; 8];
			word.copy_from_slice(&h[..8]);
			chunks.push(u64::from_le_bytes(word) % length);
		}
	}
	chunks.sort_unstable();
	chunks.dedup();
	Chunks::truncate_from(chunks)
}
