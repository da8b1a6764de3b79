//! Benchmark requests: where they come from (registration, the periodic
//! schedule, anyone on demand), the per-block budget of each kind, the
//! queue of registrations waiting for room, the committee drawn a block
//! later, the chunks each attestor draws, and the close: once, when the
//! whole committee has rated or at the deadline, with the committee's
//! verdict ([`crate::committee`]).
//!
//! Each kind has its own block budget, so no kind crowds out another:
//! registrations (`MaxRegistrationsPerBlock`) queue when theirs is used and
//! are requested in order at the start of the next blocks; periodic rounds
//! (`MaxBenchmarksPerBlock`) skip what does not fit; on-demand requests
//! (`MaxOnDemandPerBlock`) fail with `TooManyRequests`, hold a deposit from
//! whoever asked until they close, and at most `MaxOnDemandPerHoster` are
//! open on one hoster.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Randomness};
use frame_system::pallet_prelude::BlockNumberFor;
use hypercore_verify::SpIo;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

use crate::{
	committee, figures::Params, pallet::*, types::*, LOG_TARGET, MAX_CHUNKS_PER_BENCHMARK,
};

/// Most times a void request (no quorum, or no majority) is tried again.
pub const MAX_RETRIES: u8 = 2;

/// Most deferred deadlines `on_initialize` looks up in a block, to find one
/// that lists open requests ([`DeferredDeadlines`]).
pub const MAX_DEFERRED_LOOKUPS: u32 = 16;

/// Whether a closing request's silent attestors are blamed for their silence.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Silence {
	/// They are: they had the whole response window.
	Blamed,
	/// They are not: no rating could be included while the request was open
	/// (a multi-block migration ran through its deadline). The request closes
	/// on the votes it has, and the event lists nobody as silent.
	Excused,
}

/// An open request as stored, for the pallet's own `T`.
pub type RequestOf<T> = BenchmarkRequest<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	<T as Config>::AttestorsPerRequest,
>;

impl<T: Config> Pallet<T> {
	/// `who`'s request for a benchmark of `hoster` on a feed it hosts; `who`
	/// holds its deposit until it closes.
	pub(crate) fn do_request_benchmark(
		who: T::AccountId,
		hoster: T::AccountId,
		feed: FeedId,
	) -> DispatchResult {
		ensure!(Hosters::<T>::contains_key(&hoster), Error::<T>::NotHoster);
		ensure!(Hostings::<T>::contains_key(&hoster, feed), Error::<T>::NotHosting);
		ensure!(
			OnDemandRequests::<T>::get(&hoster) < T::MaxOnDemandPerHoster::get(),
			Error::<T>::TooManyOnDemandRequests
		);
		let id = Self::create_request(&hoster, feed, BenchmarkKind::OnDemand)?;
		Self::hold_request_deposit(&who, id)?;
		Ok(())
	}

	/// Requests the registration benchmark of `hoster` on its registration
	/// feed, or queues it when the block's registration budget is used (or
	/// others wait already); nothing to do if it is queued already.
	pub(crate) fn request_registration(hoster: &T::AccountId, feed: FeedId) -> DispatchResult {
		if QueuedRegistrations::<T>::contains_key(hoster) {
			return Ok(());
		}
		let (head, tail) = RegistrationQueueEnds::<T>::get();
		if head == tail {
			match Self::create_request(hoster, feed, BenchmarkKind::Registration) {
				Err(Error::<T>::TooManyRequests) => {},
				other => return other.map(|_| ()).map_err(Into::into),
			}
		}
		// Queued only if a committee can be drawn, or it would wait for ever.
		Self::ensure_committee_possible(hoster)?;
		Self::enqueue_registration(hoster, 0);
		Ok(())
	}

	/// Puts `hoster` at the end of the registration queue (its `retry`-th
	/// try), unless it waits there already.
	pub(crate) fn enqueue_registration(hoster: &T::AccountId, retry: u8) {
		if QueuedRegistrations::<T>::contains_key(hoster) {
			return;
		}
		let (head, tail) = RegistrationQueueEnds::<T>::get();
		RegistrationQueue::<T>::insert(tail, (hoster.clone(), retry));
		QueuedRegistrations::<T>::insert(hoster, tail);
		RegistrationQueueEnds::<T>::put((head, tail.saturating_add(1)));
		Self::deposit_event(Event::RegistrationQueued {
			hoster: hoster.clone(),
			ahead: tail.saturating_sub(head),
		});
	}

	/// Takes `hoster` out of the registration queue, if it waits there (it left).
	pub(crate) fn dequeue_registration(hoster: &T::AccountId) {
		if let Some(position) = QueuedRegistrations::<T>::take(hoster) {
			RegistrationQueue::<T>::remove(position);
		}
	}

	/// Requests the registration benchmarks waiting in the queue, in order,
	/// while the block's registration budget has room: looks at most at
	/// `MaxRegistrationsPerBlock` positions (an entry whose hoster left is
	/// skipped). Returns how many positions it looked at.
	pub(crate) fn serve_registration_queue() -> u32 {
		let (mut head, tail) = RegistrationQueueEnds::<T>::get();
		if head == tail {
			return 0;
		}
		let mut looked = 0u32;
		while head < tail && looked < T::MaxRegistrationsPerBlock::get() {
			looked += 1;
			let Some((hoster, retry)) = RegistrationQueue::<T>::get(head) else {
				head += 1;
				continue;
			};
			let opened = match Hosters::<T>::get(&hoster) {
				Some(h) => Self::open_request(
					&hoster,
					h.registration_feed,
					BenchmarkKind::Registration,
					retry,
				),
				None => Err(Error::<T>::NotHoster),
			};
			match opened {
				// No room, or no committee yet: wait for a later block, in order.
				Err(Error::<T>::TooManyRequests | Error::<T>::NoAttestorAvailable) => break,
				Err(e) => log::debug!(
					target: LOG_TARGET,
					"queued registration of {hoster:?} dropped: {e:?}"
				),
				Ok(_) => {},
			}
			RegistrationQueue::<T>::remove(head);
			QueuedRegistrations::<T>::remove(&hoster);
			head += 1;
		}
		// An empty queue starts again at zero.
		RegistrationQueueEnds::<T>::put(if head == tail { (0, 0) } else { (head, tail) });
		looked
	}

	/// At least `CommitteeQuorum` active attestors other than `hoster` exist.
	fn ensure_committee_possible(hoster: &T::AccountId) -> Result<(), Error<T>> {
		let eligible =
			ActiveAttestors::<T>::get().iter().filter(|(a, _)| a != hoster).count() as u32;
		ensure!(eligible >= T::CommitteeQuorum::get().max(1), Error::<T>::NoAttestorAvailable);
		Ok(())
	}

	/// The block budget of requests of `kind`.
	pub fn budget_of(kind: BenchmarkKind) -> u32 {
		match kind {
			BenchmarkKind::Registration => T::MaxRegistrationsPerBlock::get(),
			BenchmarkKind::Periodic => T::MaxBenchmarksPerBlock::get(),
			BenchmarkKind::OnDemand => T::MaxOnDemandPerBlock::get(),
		}
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

	/// Creates a benchmark request and queues it for its committee, drawn
	/// at the start of the next block ([`Self::assign_committees`]); emits
	/// `BenchmarkRequested`. Counts against the block's budget of its kind.
	pub(crate) fn create_request(
		hoster: &T::AccountId,
		feed_id: FeedId,
		kind: BenchmarkKind,
	) -> Result<RequestId, Error<T>> {
		Self::open_request(hoster, feed_id, kind, 0)
	}

	/// [`Self::create_request`] for the `retry`-th try of a benchmark.
	fn open_request(
		hoster: &T::AccountId,
		feed_id: FeedId,
		kind: BenchmarkKind,
		retry: u8,
	) -> Result<RequestId, Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let (block, mut counts) = RequestsInBlock::<T>::get();
		if block != now {
			counts = RequestCounts::default();
		}
		ensure!(*counts.of(kind) < Self::budget_of(kind), Error::<T>::TooManyRequests);
		let feed = Feeds::<T>::get(feed_id).ok_or(Error::<T>::UnknownFeed)?;
		ensure!(Hosters::<T>::contains_key(hoster), Error::<T>::NotHoster);
		Self::ensure_committee_possible(hoster)?;
		let id = NextRequestId::<T>::get();
		Unassigned::<T>::try_mutate(|(block, ids)| {
			if *block != now {
				*block = now;
				ids.clear();
			}
			ids.try_push(id)
		})
		.map_err(|_| Error::<T>::TooManyRequests)?;
		let request = BenchmarkRequest {
			hoster: hoster.clone(),
			feed: feed_id,
			length: feed.length,
			tree_hash: hypercore_verify::hashes::tree::<SpIo>(&feed.roots),
			nonce: [0; 32],
			contact_key: [0; 32],
			endpoint: BoundedVec::new(),
			attestors: BoundedVec::new(),
			votes: BoundedVec::new(),
			created: now,
			deadline: now.saturating_add(One::one()).saturating_add(T::ResponseWindow::get()),
			kind,
			retry,
		};
		// The feed stays published at least until this request closes.
		let closes = request.deadline.saturating_add(One::one());
		FeedUsage::<T>::mutate(feed_id, |usage| {
			usage.requests_until = usage.requests_until.max(closes)
		});
		BenchmarkRequests::<T>::insert(id, request);
		NextRequestId::<T>::put(id.saturating_add(1));
		*counts.of(kind) += 1;
		RequestsInBlock::<T>::put((now, counts));
		if kind == BenchmarkKind::OnDemand {
			OnDemandRequests::<T>::mutate(hoster, |open| *open = open.saturating_add(1));
		}
		log::debug!(
			target: LOG_TARGET,
			"request {} ({:?}): hoster {:?}, feed {} at length {}; committee drawn next block",
			id, kind, hoster, feed_id, feed.length
		);
		Self::deposit_event(Event::BenchmarkRequested {
			request: id,
			hoster: hoster.clone(),
			feed: feed_id,
			kind,
		});
		Ok(id)
	}

	/// Draws the committee of every request created in the previous block,
	/// and the round's nonce they share, from this block's randomness and the
	/// previous block's hash (neither existed when the requests were
	/// submitted); keeps the hoster's contact key with each, sets their
	/// deadline and emits `ProvidePerformanceBenchmark`. Returns how many
	/// requests it looked at.
	pub(crate) fn assign_committees(now: BlockNumberFor<T>) -> u32 {
		let (created, ids) = Unassigned::<T>::get();
		if created >= now || ids.is_empty() {
			return 0;
		}
		Unassigned::<T>::kill();
		let (random, _) = T::Randomness::random(b"hosting/committee");
		let parent = frame_system::Pallet::<T>::parent_hash();
		let deadline = now.saturating_add(T::ResponseWindow::get());
		// One nonce for the round: each attestor signs it once for all its requests of the round.
		let nonce = sp_io::hashing::blake2_256(&(b"nonce", random, parent, now).encode());
		let looked_at = ids.len() as u32;
		for id in ids {
			let Some(mut request) = BenchmarkRequests::<T>::get(id) else { continue };
			let seed = sp_io::hashing::blake2_256(&(random, parent, id, &request.hoster).encode());
			let attestors = Self::select_attestors(&request.hoster, &seed);
			let contact =
				Hosters::<T>::get(&request.hoster).map(|h| (h.form.endpoint, h.form.contact_key));
			let feed_key = Feeds::<T>::get(request.feed).map(|f| f.key);
			let quorum = T::CommitteeQuorum::get().max(1);
			let (Some((endpoint, contact_key)), Some(feed_key), true) =
				(contact, feed_key, attestors.len() as u32 >= quorum)
			else {
				// The hoster or feed left, or too few attestors remain: nobody is blamed.
				BenchmarkRequests::<T>::remove(id);
				Self::request_gone(id, &request, None);
				Self::deposit_event(Event::RequestVoid {
					request: id,
					hoster: request.hoster,
					ratings: 0,
					silent: Vec::new(),
					retry: None,
				});
				continue;
			};
			if RequestsByDeadline::<T>::try_mutate(deadline, |list| list.try_push(id)).is_err() {
				// Cannot happen: one block's requests share one deadline and fit its list.
				BenchmarkRequests::<T>::remove(id);
				Self::request_gone(id, &request, None);
				continue;
			}
			request.nonce = nonce;
			request.contact_key = contact_key;
			request.endpoint = endpoint.clone();
			request.attestors = attestors;
			request.deadline = deadline;
			log::debug!(
				target: LOG_TARGET,
				"request {}: committee {:?}, deadline {:?}",
				id, request.attestors, deadline
			);
			Self::deposit_event(Event::ProvidePerformanceBenchmark {
				request: id,
				hoster: request.hoster.clone(),
				feed: request.feed,
				feed_key,
				endpoint,
				length: request.length,
				chunks_per_attestor: T::ChunksPerBenchmark::get(),
				nonce: request.nonce,
				attestors: request.attestors.clone().into_inner(),
				deadline,
				kind: request.kind,
			});
			BenchmarkRequests::<T>::insert(id, request);
		}
		looked_at
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

	/// What a removed request leaves: an on-demand request no longer counts
	/// against its hoster, and its deposit goes back to whoever asked, or
	/// moves to the request that tries it again (`retry`).
	fn request_gone(id: RequestId, request: &RequestOf<T>, retry: Option<RequestId>) {
		if request.kind != BenchmarkKind::OnDemand {
			return;
		}
		OnDemandRequests::<T>::mutate_exists(&request.hoster, |open| {
			*open = open.map(|n| n.saturating_sub(1)).filter(|n| *n > 0)
		});
		match retry {
			Some(next) => Self::move_request_deposit(id, next),
			None => Self::release_request_deposit(id),
		}
	}

	/// Closes the requests whose deadline was `block`; returns how many were
	/// closed.
	pub(crate) fn close_expired(block: BlockNumberFor<T>) -> u32 {
		Self::close_listed(block, Silence::Blamed)
	}

	/// Closes the open requests listed under the deadline `block`; returns how
	/// many were open.
	fn close_listed(block: BlockNumberFor<T>, silence: Silence) -> u32 {
		let ids = RequestsByDeadline::<T>::take(block);
		let mut closed = 0u32;
		for id in ids {
			let Some(request) = BenchmarkRequests::<T>::get(id) else { continue };
			closed += 1;
			let _ = Self::close_request(id, request, silence);
		}
		closed
	}

	/// Notes, in a block `now` in which a multi-block migration runs, that the
	/// requests due at the previous block and at this one are not closed now
	/// ([`DeferredDeadlines`]): the previous block's were due in this block's
	/// `on_initialize`, and this block's could get no rating in this block,
	/// which admits no transaction.
	pub(crate) fn defer_deadlines(now: BlockNumberFor<T>) {
		DeferredDeadlines::<T>::mutate(|range| {
			*range = Some(match *range {
				Some((first, _)) => (first, now),
				None => (now.saturating_sub(One::one()), now),
			})
		});
	}

	/// Whether the requests due at `deadline` wait in [`DeferredDeadlines`],
	/// as it was at the start of the block (`range`).
	pub(crate) fn is_deferred(
		range: Option<(BlockNumberFor<T>, BlockNumberFor<T>)>,
		deadline: BlockNumberFor<T>,
	) -> bool {
		range.is_some_and(|(first, last)| first <= deadline && deadline <= last)
	}

	/// Closes the requests of the oldest deferred deadline in `range` (the
	/// [`DeferredDeadlines`] at the start of the block) that lists any,
	/// looking at most [`MAX_DEFERRED_LOOKUPS`] deadlines. Their attestors
	/// could not answer while the migration ran, so their silence is excused
	/// ([`Silence::Excused`]); that includes the deadline due in the
	/// migration's first block, whose attestors had their whole window.
	/// Returns (requests closed, deadlines looked up).
	pub(crate) fn close_deferred(
		range: Option<(BlockNumberFor<T>, BlockNumberFor<T>)>,
	) -> (u32, u32) {
		let Some((mut first, last)) = range else { return (0, 0) };
		let mut looked_up = 0u32;
		let mut closed = 0u32;
		while looked_up < MAX_DEFERRED_LOOKUPS && closed == 0 {
			looked_up += 1;
			closed = Self::close_listed(first, Silence::Excused);
			if first >= last {
				DeferredDeadlines::<T>::kill();
				return (closed, looked_up);
			}
			first = first.saturating_add(One::one());
		}
		DeferredDeadlines::<T>::put((first, last));
		(closed, looked_up)
	}

	/// Closes a request, once: when its whole committee has rated it, or at
	/// its deadline. With a verdict ([`crate::committee`]) the hoster's
	/// figures record it once, its status follows, and disagreeing attestors
	/// are noted; without one the request is void and tried again (at most
	/// [`MAX_RETRIES`] times). Silent attestors are blamed either way, unless
	/// `silence` excuses them.
	/// Returns how it closed, which a rating transaction's weight follows.
	pub(crate) fn close_request(id: RequestId, request: RequestOf<T>, silence: Silence) -> Closed {
		BenchmarkRequests::<T>::remove(id);
		let now = frame_system::Pallet::<T>::block_number();
		let silent: Vec<T::AccountId> = match silence {
			Silence::Blamed => {
				request.attestors.iter().filter(|a| !request.has_voted(a)).cloned().collect()
			},
			Silence::Excused => Vec::new(),
		};
		for attestor in &silent {
			Self::note_missed(attestor);
		}
		let measurements: Vec<Measurement> = request.votes.iter().map(|v| v.measurement).collect();
		let ratings = measurements.len() as u32;
		let Some(verdict) = committee::verdict_of(&measurements, T::CommitteeQuorum::get()) else {
			let retry = if request.retry < MAX_RETRIES {
				let opened = Self::open_request(
					&request.hoster,
					request.feed,
					request.kind,
					request.retry + 1,
				);
				if request.kind == BenchmarkKind::Registration
					&& matches!(opened, Err(Error::<T>::TooManyRequests))
					&& Hosters::<T>::contains_key(&request.hoster)
				{
					// A registration is never dropped for want of room: it waits its turn.
					Self::enqueue_registration(&request.hoster, request.retry + 1);
				}
				opened.ok()
			} else {
				None
			};
			Self::request_gone(id, &request, retry);
			log::debug!(target: LOG_TARGET, "request {id} void: {ratings} rating(s), silent {silent:?}, retry {retry:?}");
			Self::deposit_event(Event::RequestVoid {
				request: id,
				hoster: request.hoster,
				ratings,
				silent,
				retry,
			});
			return Closed::Void { retried: retry.is_some() };
		};
		Self::request_gone(id, &request, None);
		let mut disagreeing = Vec::new();
		for vote in &request.votes {
			if !committee::agrees(&vote.measurement, &verdict) {
				Self::note_disagreed(&vote.attestor, now);
				disagreeing.push(vote.attestor.clone());
			}
		}
		let (availability, reliability, status_changed) = match Hosters::<T>::get(&request.hoster) {
			Some(hoster) => Self::record_verdict(id, &request, hoster, &verdict, &disagreeing),
			None => (Perbill::zero(), Perbill::zero(), false),
		};
		log::debug!(
			target: LOG_TARGET,
			"request {id} closed: {verdict:?} from {ratings} rating(s); disagreeing {disagreeing:?}, silent {silent:?}"
		);
		Self::deposit_event(Event::RequestClosed {
			request: id,
			hoster: request.hoster,
			verdict,
			ratings,
			availability,
			reliability,
			disagreeing,
			silent,
		});
		Closed::Verdict { status_changed }
	}

	/// Records a verdict into the hoster's figures (overall once; per region,
	/// each agreeing attestor's own measurement) and moves its status.
	/// Returns its availability and reliability after, and whether its status changed.
	fn record_verdict(
		id: RequestId,
		request: &RequestOf<T>,
		mut hoster: Hoster<BlockNumberFor<T>>,
		verdict: &Verdict,
		disagreeing: &[T::AccountId],
	) -> (Perbill, Perbill, bool) {
		let now = frame_system::Pallet::<T>::block_number();
		let params =
			Params { forgetting: T::ForgettingFactor::get(), smoothing: T::Smoothing::get() };
		let promise = hoster.form.promised;
		let sample = committee::sample_of(verdict, &promise);
		let mut record = HosterFigures::<T>::get(&request.hoster).unwrap_or_default();
		record.overall.record(&sample, &params, now);
		record.last_verdict = Some(VerdictRecord {
			request: id,
			verdict: *verdict,
			ratings: request.votes.len() as u32,
			at: now,
		});
		for vote in request.votes.iter().filter(|v| !disagreeing.contains(&v.attestor)) {
			let Some(region) = Attestors::<T>::get(&vote.attestor).map(|a| a.region) else {
				continue;
			};
			let own = committee::sample_of_measurement(&vote.measurement, &promise);
			record.update_region(&region, |figures| figures.record(&own, &params, now));
		}
		HosterFigures::<T>::insert(&request.hoster, &record);
		let promise_votes = request
			.votes
			.iter()
			.filter(|v| committee::meets_promise(&v.measurement, &promise))
			.count() as u32;
		let status_changed = Self::update_hoster_status(
			&request.hoster,
			&mut hoster,
			request.kind,
			id,
			promise_votes >= T::CommitteeQuorum::get(),
			&record.overall,
		);
		(record.overall.availability.mean(), record.overall.reliability.mean(), status_changed)
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
	/// most `ResponseWindow + 2` blocks (one waiting for their committee)
	/// and at most `MaxRequestsPerBlock` are created per block, so at most
	/// `MaxRequestsPerBlock × (ResponseWindow + 2)` exist (3,072 in the
	/// runtime). A per-attestor index would cost a database write per
	/// request and per rating, on the pallet's busiest path.
	pub fn unanswered_requests(
		attestor: &T::AccountId,
	) -> impl Iterator<Item = (RequestId, RequestOf<T>)> + '_ {
		BenchmarkRequests::<T>::iter()
			.filter(move |(_, r)| r.attestors.contains(attestor) && !r.has_voted(attestor))
	}

	/// A request with what an attestor needs to fetch it: the feed key and
	/// the endpoint it is measured at (the hoster's current one until its
	/// committee is drawn, then the one it had then).
	pub fn request_view(
		id: RequestId,
		r: RequestOf<T>,
	) -> RequestView<T::AccountId, BlockNumberFor<T>> {
		RequestView {
			id,
			feed_key: Feeds::<T>::get(r.feed).map(|f| f.key).unwrap_or_default(),
			endpoint: if r.endpoint.is_empty() {
				Hosters::<T>::get(&r.hoster)
					.map(|h| h.form.endpoint.into_inner())
					.unwrap_or_default()
			} else {
				r.endpoint.into_inner()
			},
			hoster: r.hoster,
			feed: r.feed,
			length: r.length,
			tree_hash: r.tree_hash,
			nonce: r.nonce,
			answered: r.votes.iter().map(|v| v.attestor.clone()).collect(),
			attestors: r.attestors.into_inner(),
			deadline: r.deadline,
			kind: r.kind,
		}
	}
}

/// How a request closed: what its closing cost beyond recording a rating.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Closed {
	/// With a verdict; `status_changed` when the hoster's status moved (its
	/// record was written).
	Verdict {
		/// Whether the hoster's record was written.
		status_changed: bool,
	},
	/// Without a verdict; `retried` when a new request was opened in its place.
	Void {
		/// Whether a new request was opened.
		retried: bool,
	},
}

/// The chunks an attestor asks for in request `request`: `count` block
/// numbers below `length` drawn from the hash of its round's `chunk_seed`
/// signature (SCALE-encoded) and the request id, so one signature draws
/// different chunks for each request of the round.
pub fn chunks_of<Signature: Encode>(
	chunk_seed: &Signature,
	request: RequestId,
	length: u64,
	count: u32,
) -> Chunks {
	let seed = sp_io::hashing::blake2_256(&(chunk_seed, request).encode());
	sample_chunks(&seed, length, count)
}

/// How many chunks [`sample_chunks`] draws of a feed of `length` blocks when
/// asked for `count` (at most [`MAX_CHUNKS_PER_BENCHMARK`]): the chunks an
/// attestor asks for, which its availability share is counted against.
pub fn chunks_drawn(length: u64, count: u32) -> u32 {
	u64::from(count.min(MAX_CHUNKS_PER_BENCHMARK)).min(length) as u32
}

/// `min(count, length)` distinct block numbers below `length` drawn from
/// `seed`, sorted (`count` at most [`MAX_CHUNKS_PER_BENCHMARK`]). Draws
/// that repeat a block are drawn again, a bounded number of times; should
/// those run out, the lowest blocks not drawn complete the set, so every
/// attestor asks for the same number of chunks.
pub fn sample_chunks(seed: &[u8; 32], length: u64, count: u32) -> Chunks {
	let wanted = chunks_drawn(length, count) as usize;
	let mut chunks: Vec<u64> = Vec::with_capacity(wanted);
	if wanted as u64 == length {
		chunks.extend(0..length);
	} else {
		let mut draw = 0u32;
		while chunks.len() < wanted && draw < 4 * MAX_CHUNKS_PER_BENCHMARK {
			let h = sp_io::hashing::blake2_256(&(b"chunk", seed, draw).encode());
			let mut word = [0u8; 8];
			word.copy_from_slice(&h[..8]);
			let chunk = u64::from_le_bytes(word) % length;
			if !chunks.contains(&chunk) {
				chunks.push(chunk);
			}
			draw += 1;
		}
		let mut next = 0;
		while chunks.len() < wanted {
			if !chunks.contains(&next) {
				chunks.push(next);
			}
			next += 1;
		}
	}
	chunks.sort_unstable();
	Chunks::truncate_from(chunks)
}
