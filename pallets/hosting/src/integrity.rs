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
			T::CommitteeQuorum::get() >= 1
				&& T::CommitteeQuorum::get() <= T::AttestorsPerRequest::get(),
			"CommitteeQuorum must be between 1 and AttestorsPerRequest"
		);
		assert!(
			T::AttestorUnbondingPeriod::get() > T::ResponseWindow::get().saturating_add(One::one()),
			"AttestorUnbondingPeriod must outlast every request an attestor is in"
		);
		assert!(T::MaxRequestsPerBlock::get() >= T::MaxBenchmarksPerBlock::get());
		assert!(!T::BenchmarkPeriod::get().is_zero());
		assert!(T::MaxRatingsPerBatch::get() >= 1);
		// A full batch of ratings must fit in one block's normal class.
		let full = T::MaxRatingsPerBatch::get();
		let batch = T::WeightInfo::performance_benchmark_responses(0, full)
			.saturating_add(Pallet::<T>::authorize_batch_weight(full, full));
		let limits = <T as frame_system::Config>::BlockWeights::get();
		if let Some(max) = limits.get(DispatchClass::Normal).max_extrinsic {
			assert!(
				batch.all_lte(max),
				"MaxRatingsPerBatch ({full}) weighs {batch:?}, above the largest extrinsic {max:?}"
			);
		}
	}
}
