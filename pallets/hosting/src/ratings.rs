//! Ratings: what an attestor's signed rating must pass before it enters the
//! transaction pool (`#[pallet::authorize]`): its key's signature, its chunk
//! seed, its contact proof and its block's Merkle path; the pool's rejection
//! codes; and how an accepted rating is kept with its request until the
//! request closes.

use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use hypercore_verify::{Anchor, SpIo};
use sp_runtime::traits::{One, SaturatedConversion, Saturating, Verify, Zero};

use crate::{
	committee,
	pallet::*,
	requests::{chunks_drawn, chunks_of, Closed, RequestOf, Silence},
	types::*,
	weights::WeightInfo,
	LOG_TARGET,
};

/// Codes of `InvalidTransaction::Custom` with which the pool refuses a rating
/// for a reason that is neither `Stale` (the request is closed for this
/// attestor) nor `BadProof` (a signature or contact proof does not verify).
pub mod rejection {
	/// The signer is not assigned to the request.
	pub const NOT_ASSIGNED: u8 = 25;
	/// A batch carries no rating.
	pub const EMPTY_BATCH: u8 = 30;
	/// A batch rates one request twice.
	pub const DUPLICATE_RATING: u8 = 31;
	/// A Normal rating rates a chunk its chunk seed does not draw.
	pub const WRONG_CHUNKS: u8 = 32;
	/// The request's committee is not drawn yet.
	pub const NOT_ASSIGNED_YET: u8 = 33;
	/// The rating names an account that is not a registered attestor.
	pub const NOT_ATTESTOR: u8 = 34;
	/// The rating answers another challenge: its nonce is not its request's.
	pub const WRONG_NONCE: u8 = 35;
	/// Any other reason (not produced by the checks today).
	pub const OTHER: u8 = u8::MAX;
}

/// Why the pool refuses a rating: `Stale` when the request is closed for the
/// attestor, `BadProof` for a bad signature or contact proof, else a
/// [`rejection`] code.
fn rating_invalidity<T>(e: Error<T>) -> TransactionValidityError {
	let code = match e {
		Error::<T>::UnknownRequest | Error::<T>::DeadlinePassed | Error::<T>::AlreadyAnswered => {
			return InvalidTransaction::Stale.into()
		},
		Error::<T>::InvalidRatingSignature
		| Error::<T>::InvalidContactProof
		| Error::<T>::InvalidChunkSeed
		| Error::<T>::InvalidInclusionProof => return InvalidTransaction::BadProof.into(),
		Error::<T>::NotAssigned => rejection::NOT_ASSIGNED,
		Error::<T>::EmptyBatch => rejection::EMPTY_BATCH,
		Error::<T>::DuplicateRating => rejection::DUPLICATE_RATING,
		Error::<T>::WrongChunks => rejection::WRONG_CHUNKS,
		Error::<T>::NotAssignedYet => rejection::NOT_ASSIGNED_YET,
		Error::<T>::NotAttestor => rejection::NOT_ATTESTOR,
		Error::<T>::WrongNonce => rejection::WRONG_NONCE,
		_ => rejection::OTHER,
	};
	InvalidTransaction::Custom(code).into()
}

/// Whether `e` means a rating's request went stale (closed, late, already
/// rated by this attestor), and how: such a rating is skipped in a batch, not
/// held against the batch.
pub fn stale_reason<T>(e: &Error<T>) -> Option<StaleRating> {
	match e {
		Error::<T>::UnknownRequest => Some(StaleRating::Closed),
		Error::<T>::DeadlinePassed => Some(StaleRating::Late),
		Error::<T>::AlreadyAnswered => Some(StaleRating::AlreadyRated),
		_ => None,
	}
}

impl<T: Config> Pallet<T> {
	/// Validity of a rating transaction: everything the call needs, signatures included.
	pub fn authorize_rating(
		_source: TransactionSource,
		rating: &Rating<T::AccountId, T::Signature>,
		signature: &T::Signature,
	) -> TransactionValidityWithRefund {
		let longevity = Self::check_rating(rating, signature).map_err(rating_invalidity::<T>)?;
		let valid = Self::rating_transaction()
			.and_provides((rating.request_id, rating.attestor.clone()))
			.longevity(longevity)
			.build()?;
		Ok((valid, Weight::zero()))
	}

	/// Validity of a batch of ratings: the attestor key's signature over the
	/// batch, at least one rating, none twice, and each as in
	/// [`Self::authorize_rating`] but for its own signature, except that a
	/// rating whose request went stale ([`stale_reason`]) is passed over (the
	/// call skips it): one request closing does not void the attestor's other
	/// ratings. It is `Stale` when every rating is. It provides the tag of
	/// every rating still open (the same tags as single ratings, so the pool
	/// never holds a rating both alone and in a batch) and lives until the
	/// nearest of their deadlines. It refunds the chunk seeds the round's
	/// ratings shared and the reads of requests an earlier batch of the
	/// block wrote ([`crate::block_writes`]).
	pub fn authorize_ratings(
		_source: TransactionSource,
		attestor: &T::AccountId,
		ratings: &BoundedVec<BatchedRating<T::Signature>, T::MaxRatingsPerBatch>,
		signature: &T::Signature,
	) -> TransactionValidityWithRefund {
		ensure!(!ratings.is_empty(), rating_invalidity::<T>(Error::<T>::EmptyBatch));
		let key = Self::signing_key(attestor).map_err(rating_invalidity::<T>)?;
		ensure!(
			signature
				.verify(&batch_signing_payload(&Self::genesis_hash(), attestor, ratings)[..], &key),
			rating_invalidity::<T>(Error::<T>::InvalidRatingSignature)
		);
		let now = frame_system::Pallet::<T>::block_number();
		// Requests an earlier batch of this block wrote are read from the
		// block's own changes, not from the database: their reads are refunded.
		let written = RequestsWrittenInBlock::<T>::get();
		let mut read_before = 0u64;
		let mut valid = Self::rating_transaction();
		let mut longevity = TransactionLongevity::MAX;
		let mut seeds = CheckedSeeds::default();
		let mut open = 0u32;
		for (i, entry) in ratings.iter().enumerate() {
			let repeated =
				ratings[..i].iter().any(|earlier| earlier.request_id == entry.request_id);
			ensure!(!repeated, rating_invalidity::<T>(Error::<T>::DuplicateRating));
			if written.as_ref().is_some_and(|w| w.contains(entry.request_id)) {
				read_before += 1;
			}
			let request =
				match Self::answerable_request(entry.request_id, &entry.nonce, attestor, now) {
					Ok(request) => request,
					Err(e) if stale_reason(&e).is_some() => continue,
					Err(e) => return Err(rating_invalidity::<T>(e)),
				};
			Self::check_proofs(
				entry.request_id,
				attestor,
				&entry.outcome,
				&entry.chunk_seed,
				&request,
				&key,
				&mut seeds,
			)
			.map_err(rating_invalidity::<T>)?;
			open += 1;
			longevity = longevity.min(Self::longevity(&request, now));
			valid = valid.and_provides((entry.request_id, attestor));
		}
		ensure!(open > 0, TransactionValidityError::from(InvalidTransaction::Stale));
		let charged = Self::authorize_batch_weight(ratings.len() as u32, ratings.len() as u32);
		let spent = Self::authorize_batch_weight(ratings.len() as u32, seeds.verified())
			.saturating_sub(T::DbWeight::get().reads(read_before));
		Ok((valid.longevity(longevity).build()?, charged.saturating_sub(spent)))
	}

	/// What authorizing a batch of `ratings` costs when `seeds` chunk seeds
	/// are verified: one per round the batch's Normal ratings come from. A
	/// batch is charged as if each rating came from a round of its own
	/// (`seeds == ratings`) and refunded for the seeds it shared.
	pub fn authorize_batch_weight(ratings: u32, seeds: u32) -> Weight {
		let ratings = ratings.max(1);
		let more_seeds = seeds.clamp(1, ratings) - 1;
		T::WeightInfo::authorize_performance_benchmark_responses(ratings)
			.saturating_add(T::WeightInfo::verify_chunk_seed().saturating_mul(more_seeds.into()))
	}

	/// What single and batched rating transactions share in the pool: their
	/// tag prefix (so a rating alone and in a batch carry the same tag), priority
	/// and propagation.
	fn rating_transaction() -> sp_runtime::transaction_validity::ValidTransactionBuilder {
		ValidTransaction::with_tag_prefix("hosting-rating")
			.priority(T::RatingPriority::get())
			.propagate(true)
	}

	/// The hash of this chain's genesis block, which every rating signature
	/// covers (`frame_system` keeps block 0's hash for good).
	pub fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// The key `attestor`'s ratings are signed with.
	fn signing_key(attestor: &T::AccountId) -> Result<T::AccountId, Error<T>> {
		Attestors::<T>::get(attestor).map(|a| a.key).ok_or(Error::<T>::NotAttestor)
	}

	/// Everything a single rating must pass before it enters the pool: the
	/// request is open for this attestor, the signatures and proofs are valid.
	/// Returns how many blocks the rating stays valid (through the request's
	/// deadline).
	fn check_rating(
		rating: &Rating<T::AccountId, T::Signature>,
		signature: &T::Signature,
	) -> Result<TransactionLongevity, Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		let request =
			Self::answerable_request(rating.request_id, &rating.nonce, &rating.attestor, now)?;
		let key = Self::signing_key(&rating.attestor)?;
		ensure!(
			signature.verify(&rating.signing_payload(&Self::genesis_hash())[..], &key),
			Error::<T>::InvalidRatingSignature
		);
		Self::check_proofs(
			rating.request_id,
			&rating.attestor,
			&rating.outcome,
			&rating.chunk_seed,
			&request,
			&key,
			&mut CheckedSeeds::default(),
		)?;
		Ok(Self::longevity(&request, now))
	}

	/// Blocks from now through the request's deadline.
	fn longevity(request: &RequestOf<T>, now: BlockNumberFor<T>) -> TransactionLongevity {
		request.deadline.saturating_sub(now).saturating_add(One::one()).saturated_into()
	}

	/// The open request a rating answers, if the attestor may still answer it.
	pub fn open_request_for(
		rating: &Rating<T::AccountId, T::Signature>,
	) -> Result<RequestOf<T>, Error<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		Self::answerable_request(rating.request_id, &rating.nonce, &rating.attestor, now)
	}

	/// Request `id`, if at block `now` it is open, `nonce` is its challenge
	/// and `attestor` may still answer it.
	pub fn answerable_request(
		id: RequestId,
		nonce: &[u8; 32],
		attestor: &T::AccountId,
		now: BlockNumberFor<T>,
	) -> Result<RequestOf<T>, Error<T>> {
		let request = BenchmarkRequests::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(!request.attestors.is_empty(), Error::<T>::NotAssignedYet);
		ensure!(*nonce == request.nonce, Error::<T>::WrongNonce);
		ensure!(now <= request.deadline, Error::<T>::DeadlinePassed);
		ensure!(request.attestors.contains(attestor), Error::<T>::NotAssigned);
		ensure!(!request.has_voted(attestor), Error::<T>::AlreadyAnswered);
		Ok(request)
	}

	/// For a Normal rating, what proves it: the chunk seed is the attestor
	/// key's signature over the request's nonce (checked once per nonce
	/// within `seeds`); the rated block is one of the chunks that seed draws
	/// for this request, and no more chunks are claimed than drawn; the
	/// hoster's contact proof binds the contact key it had when the committee
	/// was drawn to this request, nonce, attestor and block hash; and the
	/// block's Merkle path leads from that hash to the request's tree hash.
	/// Other outcomes carry no proof. The rating's parts are passed apart, so
	/// a batch's entries are checked where they lie, without a copy.
	pub fn check_proofs(
		request_id: RequestId,
		attestor: &T::AccountId,
		outcome: &RatingOutcome,
		chunk_seed: &T::Signature,
		request: &RequestOf<T>,
		key: &T::AccountId,
		seeds: &mut CheckedSeeds<T::Signature>,
	) -> Result<(), Error<T>> {
		let RatingOutcome::Normal { contact_proof, inclusion, chunks_verified, .. } = outcome
		else {
			return Ok(());
		};
		if !seeds.contains(&request.nonce, chunk_seed) {
			ensure!(
				chunk_seed.verify(&chunk_seed_payload(&request.nonce)[..], key),
				Error::<T>::InvalidChunkSeed
			);
			seeds.insert(request.nonce, chunk_seed.clone());
		}
		let chunks =
			chunks_of(chunk_seed, request_id, request.length, T::ChunksPerBenchmark::get());
		ensure!(
			chunks.contains(&contact_proof.block_index)
				&& *chunks_verified as usize <= chunks.len(),
			Error::<T>::WrongChunks
		);
		ensure!(
			hypercore_verify::verify_contact_proof::<SpIo>(
				&request.contact_key,
				request_id,
				&request.nonce,
				&account_bytes(attestor),
				contact_proof.block_index,
				&contact_proof.block_hash,
				&contact_proof.signature,
			),
			Error::<T>::InvalidContactProof
		);
		let leaf = hypercore_verify::verify_leaf::<SpIo>(
			Anchor::TreeHash(&request.tree_hash),
			request.length,
			contact_proof.block_index,
			(contact_proof.block_hash, inclusion.size),
			&inclusion.nodes,
			&inclusion.roots,
		);
		ensure!(leaf.is_ok(), Error::<T>::InvalidInclusionProof);
		Ok(())
	}

	/// Keeps a checked rating with its request; closes the request when its
	/// whole committee has rated it (returns how, `None` while it stays
	/// open). The hoster's figures change only at the close, once per request.
	pub(crate) fn record_rating(
		rating: Rating<T::AccountId, T::Signature>,
		mut request: RequestOf<T>,
	) -> Option<Closed> {
		let asked = chunks_drawn(request.length, T::ChunksPerBenchmark::get());
		let measurement = committee::measurement_of(&rating.outcome, asked);
		// `votes` has room: it is bounded like `attestors` and the attestor is one of them
		// that has not voted.
		let _ = request.votes.try_push(Vote { attestor: rating.attestor.clone(), measurement });
		log::debug!(
			target: LOG_TARGET,
			"request {} rated by {:?}: {:?}",
			rating.request_id, rating.attestor, measurement
		);
		Self::deposit_event(Event::BenchmarkRated {
			request: rating.request_id,
			hoster: request.hoster.clone(),
			attestor: rating.attestor,
			measurement,
		});
		let complete = request.votes.len() >= request.attestors.len();
		// A tie (a committee of even size, split) has no verdict: the request
		// stays open with every vote in and closes void at its deadline, where
		// opening it again is weighed with the hook's closes. So a rating
		// never pays for a retry.
		if complete && Self::has_verdict(&request) {
			Some(Self::close_request(rating.request_id, request, Silence::Blamed))
		} else {
			BenchmarkRequests::<T>::insert(rating.request_id, &request);
			None
		}
	}

	/// Whether the votes in `request` make a verdict.
	fn has_verdict(request: &RequestOf<T>) -> bool {
		let votes: alloc::vec::Vec<_> = request.votes.iter().map(|v| v.measurement).collect();
		committee::verdict_of(&votes, T::CommitteeQuorum::get()).is_some()
	}

	/// What a batch of ratings recorded weighs: `joined` ratings left their
	/// request open (or were skipped), the `closes` closed it with a verdict,
	/// and `written_before` of them rated a request an earlier batch of the
	/// block wrote. Refunded from what the benchmarks measured:
	/// - the hoster's record, for a close that leaves its status alone (a
	///   close is benchmarked as one that activates its hoster);
	/// - the database read of every rating's request: the batch's
	///   authorization (`authorize_ratings`, run by `AuthorizeCall` in the
	///   same transaction, just before the call) read each of them, and paid
	///   for it, so the call reads them from the block's state cache;
	/// - the database write of a request written before in the block: the
	///   block writes (or removes) it once at its end, and the earlier batch
	///   paid for that (see [`crate::block_writes`]).
	pub fn recorded_weight(joined: u32, closes: &[Closed], written_before: u32) -> Weight {
		let unwritten = closes
			.iter()
			.filter(|c| !matches!(c, Closed::Verdict { status_changed: true }))
			.count() as u64;
		let closing = closes.len() as u32;
		let read_before = joined.saturating_add(closing);
		Self::batch_weight(joined, closing)
			.saturating_sub(
				T::DbWeight::get().writes(unwritten.saturating_add(written_before.into())),
			)
			.saturating_sub(T::DbWeight::get().reads(read_before.into()))
	}

	/// What a batch of `joined` ratings that leave their request open and
	/// `closing` ratings that close it weighs before refunds, as benchmarked:
	/// a batch of both is weighed as the two batches it holds (its base
	/// counted twice).
	pub fn batch_weight(joined: u32, closing: u32) -> Weight {
		match (joined, closing) {
			(0, closing) => T::WeightInfo::performance_benchmark_responses_closing(closing),
			(joined, 0) => T::WeightInfo::performance_benchmark_responses_joining(joined),
			(joined, closing) => T::WeightInfo::performance_benchmark_responses_joining(joined)
				.saturating_add(T::WeightInfo::performance_benchmark_responses_closing(closing)),
		}
	}

	/// What a batch of `ratings` is charged before it runs: as if each closed
	/// its request, plus a batch's base, the most any mix of joining and
	/// closing ratings weighs ([`Self::batch_weight`]).
	pub fn batch_weight_bound(ratings: u32) -> Weight {
		T::WeightInfo::performance_benchmark_responses_closing(ratings)
			.saturating_add(T::WeightInfo::performance_benchmark_responses_joining(1))
	}

	/// The requests the batches of ratings of this block wrote so far: the
	/// block's bitmap, or an empty one below the next request id.
	pub fn requests_written_in_block() -> crate::block_writes::WrittenRequests {
		RequestsWrittenInBlock::<T>::get().unwrap_or_else(|| {
			crate::block_writes::WrittenRequests::below(NextRequestId::<T>::get())
		})
	}
}

/// The chunk seeds already verified while checking one transaction, by
/// nonce: the ratings of a batch that share a round share one seed, whose
/// signature is then verified once rather than once per rating.
pub struct CheckedSeeds<Signature>(alloc::vec::Vec<([u8; 32], Signature)>);

impl<Signature> Default for CheckedSeeds<Signature> {
	fn default() -> Self {
		CheckedSeeds(alloc::vec::Vec::new())
	}
}

impl<Signature: PartialEq> CheckedSeeds<Signature> {
	/// Whether `seed` was verified for `nonce`.
	pub fn contains(&self, nonce: &[u8; 32], seed: &Signature) -> bool {
		self.0.iter().any(|(n, s)| n == nonce && s == seed)
	}

	/// Notes that `seed` verified for `nonce`.
	pub fn insert(&mut self, nonce: [u8; 32], seed: Signature) {
		self.0.push((nonce, seed));
	}

	/// How many seeds were verified.
	pub fn verified(&self) -> u32 {
		self.0.len() as u32
	}
}
