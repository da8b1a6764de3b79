//! The relations between the pallet's constants that a runtime must keep,
//! checked by `integrity_test` when the runtime is tested.

use frame_support::{dispatch::DispatchClass, traits::Get};
use sp_runtime::traits::{One, Saturating, Zero};

use crate::{pallet::*, WeightInfo, MAX_CHUNKS_PER_BENCHMARK};

impl<T: Config> Pallet<T> {
	/// Panics with the broken relation if the constants do not fit together.
	pub fn check_constants() {
		assert!(
			T::ChunksPerBenchmark::get() >= 1
				&& T::ChunksPerBenchmark::get() <= MAX_CHUNKS_PER_BENCHMARK
		);
		assert!(T::AttestorsPerRequest::get() >= 1);
		assert!(
			T::AttestorsPerRequest::get() <= T::MaxAttestors::get(),
			"AttestorsPerRequest must not exceed MaxAttestors: no committee could be full"
		);
		// One block for the off-chain run (at most `HttpDeadlineMs` plus the
		// contact request), one for its transaction to land.
		assert!(
			T::ResponseWindow::get() >= 2u32.into(),
			"ResponseWindow must leave a block for the worker's run and one for its ratings"
		);
		assert!(
			T::ForgettingFactor::get() < sp_runtime::Perbill::one(),
			"ForgettingFactor must be below one, or old measurements are never forgotten"
		);
		assert!(
			T::CommitteeQuorum::get() >= 1
				&& T::CommitteeQuorum::get() <= T::AttestorsPerRequest::get(),
			"CommitteeQuorum must be between 1 and AttestorsPerRequest"
		);
		assert!(
			T::AttestorUnbondingPeriod::get() > T::ResponseWindow::get().saturating_add(One::one()),
			"AttestorUnbondingPeriod must outlast every request an attestor is in"
		);
		let budgets = T::MaxRegistrationsPerBlock::get()
			.saturating_add(T::MaxBenchmarksPerBlock::get())
			.saturating_add(T::MaxOnDemandPerBlock::get());
		assert!(
			T::MaxRequestsPerBlock::get() >= budgets,
			"MaxRequestsPerBlock must hold the three kinds' budgets summed ({budgets})"
		);
		assert!(
			T::MaxRegistrationsPerBlock::get() >= 1,
			"MaxRegistrationsPerBlock must be at least one, or registrations wait forever"
		);
		assert!(T::MaxOnDemandPerHoster::get() >= 1);
		assert!(!T::BenchmarkPeriod::get().is_zero());
		assert!(T::MaxRatingsPerBatch::get() >= 1);
		// A full batch of ratings must fit in one block's normal class.
		let full = T::MaxRatingsPerBatch::get();
		let batch = Pallet::<T>::batch_weight_bound(full)
			.saturating_add(Pallet::<T>::authorize_batch_weight(full, full));
		let limits = <T as frame_system::Config>::BlockWeights::get();
		// The hook's worst block: a full block's requests given committees, as
		// many closed at their deadline and as many more at a deadline deferred
		// by a multi-block migration, a full periodic round and a full block of
		// queued registrations.
		let hook = T::WeightInfo::on_initialize(
			T::MaxRequestsPerBlock::get().saturating_mul(3),
			T::MaxBenchmarksPerBlock::get(),
			T::MaxRegistrationsPerBlock::get(),
		);
		assert!(
			hook.all_lte(limits.max_block),
			"on_initialize's worst case weighs {hook:?}, above a block's {:?}",
			limits.max_block
		);
		if let Some(max) = limits.get(DispatchClass::Normal).max_extrinsic {
			assert!(
				batch.all_lte(max),
				"MaxRatingsPerBatch ({full}) weighs {batch:?}, above the largest extrinsic {max:?}"
			);
		}
	}
}
