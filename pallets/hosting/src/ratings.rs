//! Ratings: what an attestor's signed rating must pass before it enters the
//! transaction pool (`#[pallet::authorize]`), the pool's rejection codes, and
//! how a rating is recorded into the hoster's figures, its status and the
//! attestor's reliability.

use frame_support::{pallet_prelude::*, BoundedVec};
use hypercore_verify::SpIo;
use sp_runtime::{
	traits::{One, SaturatedConversion, Saturating, Verify},
	Perbill,
};

use crate::{
	figures::{Params, Sample, Speed},
	pallet::*,
	requests::RequestOf,
	types::*,
	LOG_TARGET,
};

/// Codes of `InvalidTransaction::Custom` with which the pool refuses a rating
/// for a reason that is neither `Stale` (the request is closed for this
/// attestor) nor `BadProof` (a signature or contact proof does not verify).
pub mod rejection {
	/// The signer is not assigned to the request.
	pub const NOT_ASSIGNED: u8 = 25;
	/// The hoster rated left the chain, so its contact proof cannot be checked.
	pub const HOSTER_GONE: u8 = 12;
	/// A batch carries no rating.
	pub const EMPTY_BATCH: u8 = 30;
	/// A batch rates one request twice.
	pub const DUPLICATE_RATING: u8 = 31;
	/// Any other reason (not produced by the checks today).
	pub const OTHER: u8 = u8::MAX;
}

/// Reduces an outcome of a benchmark of `chunks_asked` chunks to what the
/// figures need, judged against the hoster's `promise`.
pub fn sample_of(outcome: &RatingOutcome, chunks_asked: u32, promise: &Promise) -> Sample {
	match *outcome {
		RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, chunks_verified, .. } => {
			let success =
				Perbill::from_rational(chunks_verified.min(chunks_asked), chunks_asked.max(1));
			let met_promise = success >= promise.availability
				&& latency_ms <= promise.latency_ms
				&& bandwidth_bytes_per_sec >= promise.bandwidth_bytes_per_sec;
			Sample {
				success,
				speed: Some(Speed { latency_ms, bandwidth_bytes_per_sec }),
				met_promise,
			}
		},
		RatingOutcome::Timeout | RatingOutcome::Error(_) => {
			Sample { success: Perbill::zero(), speed: None, met_promise: false }
		},
	}
}

/// Why the pool refuses a rating: `Stale` when the request is closed for the
/// attestor, `BadProof` for a bad signature or contact proof, else a
/// [`rejection`] code.
fn rating_invalidity<T>(e: Error<T>) -> TransactionValidityError {
	let code = match e {
		Error::<T>::UnknownRequest | Error::<T>::DeadlinePassed | Error::<T>::AlreadyAnswered => {
			return InvalidTransaction::Stale.into()
		},
		Error::<T>::InvalidRatingSignature | Error::<T>::InvalidContactProof => {
			return InvalidTransaction::BadProof.into()
		},
		Error::<T>::NotAssigned => rejection::NOT_ASSIGNED,
		Error::<T>::NotHoster => rejection::HOSTER_GONE,
		Error::<T>::EmptyBatch => rejection::EMPTY_BATCH,
		Error::<T>::DuplicateRating => rejection::DUPLICATE_RATING,
		_ => rejection::OTHER,
	};
	InvalidTransaction::Custom(code).into()
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
			let repeated =
				ratings[..i].iter().any(|earlier| earlier.request_id == entry.request_id);
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
		ValidTransaction::with_tag_prefix("hosting-rating")
			.priority(T::RatingPriority::get())
			.propagate(true)
	}

	/// Everything a single rating must pass before it enters the pool: the
	/// request is open for this attestor, the signatures are valid. Returns
	/// how many blocks the rating stays valid (through the request's deadline).
	fn check_rating(
		rating: &Rating<T::AccountId>,
		signature: &T::Signature,
	) -> Result<TransactionLongevity, Error<T>> {
		let request = Self::open_request_for(rating)?;
		ensure!(
			signature.verify(&rating.signing_payload()[..], &rating.attestor),
			Error::<T>::InvalidRatingSignature
		);
		Self::check_contact_proof(rating, &request)?;
		Ok(Self::longevity(&request))
	}

	/// Blocks from now through the request's deadline.
	fn longevity(request: &RequestOf<T>) -> TransactionLongevity {
		let now = frame_system::Pallet::<T>::block_number();
		request.deadline.saturating_sub(now).saturating_add(One::one()).saturated_into()
	}

	/// The open request a rating answers, if the attestor may still answer it.
	pub fn open_request_for(rating: &Rating<T::AccountId>) -> Result<RequestOf<T>, Error<T>> {
		let request =
			BenchmarkRequests::<T>::get(rating.request_id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() <= request.deadline,
			Error::<T>::DeadlinePassed
		);
		ensure!(request.attestors.contains(&rating.attestor), Error::<T>::NotAssigned);
		ensure!(!request.answered.contains(&rating.attestor), Error::<T>::AlreadyAnswered);
		Ok(request)
	}

	/// For a Normal rating, the hoster's contact proof for one of the
	/// request's chunks (its contact key's signature binding this request,
	/// nonce, attestor, block index and block hash).
	pub fn check_contact_proof(
		rating: &Rating<T::AccountId>,
		request: &RequestOf<T>,
	) -> Result<(), Error<T>> {
		if let RatingOutcome::Normal { contact_proof, .. } = &rating.outcome {
			let hoster = Hosters::<T>::get(&request.hoster).ok_or(Error::<T>::NotHoster)?;
			ensure!(
				request.chunks.contains(&contact_proof.block_index),
				Error::<T>::InvalidContactProof
			);
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
	pub(crate) fn record_rating(rating: Rating<T::AccountId>, mut request: RequestOf<T>) {
		let now = frame_system::Pallet::<T>::block_number();
		let params =
			Params { forgetting: T::ForgettingFactor::get(), smoothing: T::Smoothing::get() };
		let attestor = rating.attestor.clone();
		let mut availability = Perbill::zero();
		let mut reliability = Perbill::zero();

		if let Some(mut hoster) = Hosters::<T>::get(&request.hoster) {
			let sample =
				sample_of(&rating.outcome, request.chunks.len() as u32, &hoster.form.promised);
			let mut record = HosterFigures::<T>::get(&request.hoster).unwrap_or_default();
			record.overall.record(&sample, &params, now);
			record.last_rating = Some(RatingRecord {
				request: rating.request_id,
				attestor: attestor.clone(),
				outcome: rating.outcome,
				at: now,
			});
			HosterFigures::<T>::insert(&request.hoster, &record);
			let figures = record.overall;
			availability = figures.availability.mean();
			reliability = figures.reliability.mean();
			if let Some(a) = Attestors::<T>::get(&attestor) {
				RegionalFigures::<T>::mutate(&request.hoster, &a.region, |p| {
					p.get_or_insert_with(Default::default).record(&sample, &params, now)
				});
			}
			Self::update_hoster_status(
				&request.hoster,
				&mut hoster,
				request.kind,
				rating.request_id,
				&sample,
				&figures,
			);
		}

		Self::note_answered(&attestor);

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
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn samples_judge_the_promise() {
		let promise = Promise {
			availability: Perbill::from_percent(75),
			latency_ms: 100,
			bandwidth_bytes_per_sec: 1_000,
		};
		let proof = ContactProof { block_index: 0, block_hash: [0; 32], signature: [0; 64] };
		let normal = |chunks_verified, latency_ms, bandwidth_bytes_per_sec| RatingOutcome::Normal {
			latency_ms,
			bandwidth_bytes_per_sec,
			bytes: 1,
			chunks_verified,
			contact_proof: proof,
		};
		assert!(sample_of(&normal(4, 100, 1_000), 4, &promise).met_promise);
		assert!(sample_of(&normal(3, 100, 1_000), 4, &promise).met_promise);
		assert!(!sample_of(&normal(2, 100, 1_000), 4, &promise).met_promise);
		assert!(!sample_of(&normal(4, 101, 1_000), 4, &promise).met_promise);
		assert!(!sample_of(&normal(4, 100, 999), 4, &promise).met_promise);
		// More verified chunks than asked cannot push the share above 1.
		assert_eq!(sample_of(&normal(9, 1, 1), 4, &promise).success, Perbill::one());
		let timeout = sample_of(&RatingOutcome::Timeout, 4, &promise);
		assert_eq!(
			(timeout.success, timeout.speed, timeout.met_promise),
			(Perbill::zero(), None, false)
		);
	}
}
