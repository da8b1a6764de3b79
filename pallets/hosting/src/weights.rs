//! Weights of `pallet-hosting`.
//!
//! The figures of `SubstrateWeight` are to be regenerated with
//! `scripts/bench/weights.sh` (frame-omni-bencher over the runtime's
//! `runtime-benchmarks` build); the values here are the last measured ones.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions of `pallet-hosting`.
pub trait WeightInfo {
	fn publish_feed() -> Weight;
	fn update_feed() -> Weight;
	fn register_hoster(a: u32) -> Weight;
	fn update_registration(a: u32) -> Weight;
	fn unregister_hoster(h: u32) -> Weight;
	fn register_attestor() -> Weight;
	fn unregister_attestor() -> Weight;
	fn resume_attestor() -> Weight;
	fn offer_hosting() -> Weight;
	fn stop_hosting() -> Weight;
	fn request_performance_benchmark(a: u32) -> Weight;
	fn performance_benchmark_response() -> Weight;
	fn authorize_performance_benchmark_response() -> Weight;
	fn on_initialize(e: u32, p: u32) -> Weight;
}

/// Weights for `pallet-hosting` measured with the node's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn publish_feed() -> Weight {
		Weight::from_parts(180_000_000, 3_500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn update_feed() -> Weight {
		Weight::from_parts(180_000_000, 3_500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn register_hoster(a: u32) -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(Weight::from_parts(200_000, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	fn update_registration(a: u32) -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(Weight::from_parts(200_000, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	fn unregister_hoster(h: u32) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(h.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(h.into())))
			.saturating_add(T::DbWeight::get().writes(5_u64))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(h.into())))
	}
	fn register_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn unregister_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn resume_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn offer_hosting() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn stop_hosting() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn request_performance_benchmark(a: u32) -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(Weight::from_parts(200_000, 0).saturating_mul(a.into()))
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn performance_benchmark_response() -> Weight {
		Weight::from_parts(45_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
	fn authorize_performance_benchmark_response() -> Weight {
		Weight::from_parts(120_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
	}
	fn on_initialize(e: u32, p: u32) -> Weight {
		Weight::from_parts(5_000_000, 2_000)
			.saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(e.into()))
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(p.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(p.into())))
			.saturating_add(T::DbWeight::get().writes((4_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(p.into())))
	}
}

/// For tests: the same figures with the RocksDb reference weights.
impl WeightInfo for () {
	fn publish_feed() -> Weight {
		Weight::from_parts(180_000_000, 3_500).saturating_add(RocksDbWeight::get().reads_writes(2, 3))
	}
	fn update_feed() -> Weight {
		Weight::from_parts(180_000_000, 3_500).saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn register_hoster(_a: u32) -> Weight {
		Weight::from_parts(60_000_000, 6_000).saturating_add(RocksDbWeight::get().reads_writes(9, 10))
	}
	fn update_registration(_a: u32) -> Weight {
		Weight::from_parts(55_000_000, 6_000).saturating_add(RocksDbWeight::get().reads_writes(8, 7))
	}
	fn unregister_hoster(h: u32) -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(Weight::from_parts(12_000_000, 0).saturating_mul(h.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 5))
	}
	fn register_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn unregister_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn resume_attestor() -> Weight {
		Weight::from_parts(25_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn offer_hosting() -> Weight {
		Weight::from_parts(30_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn stop_hosting() -> Weight {
		Weight::from_parts(30_000_000, 4_000).saturating_add(RocksDbWeight::get().reads_writes(4, 5))
	}
	fn request_performance_benchmark(_a: u32) -> Weight {
		Weight::from_parts(55_000_000, 6_000).saturating_add(RocksDbWeight::get().reads_writes(8, 6))
	}
	fn performance_benchmark_response() -> Weight {
		Weight::from_parts(45_000_000, 6_000).saturating_add(RocksDbWeight::get().reads_writes(6, 7))
	}
	fn authorize_performance_benchmark_response() -> Weight {
		Weight::from_parts(120_000_000, 6_000).saturating_add(RocksDbWeight::get().reads(2))
	}
	fn on_initialize(e: u32, p: u32) -> Weight {
		Weight::from_parts(5_000_000, 2_000)
			.saturating_add(Weight::from_parts(30_000_000, 0).saturating_mul(e.into()))
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(p.into()))
	}
}
