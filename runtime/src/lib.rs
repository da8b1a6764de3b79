//! # Hosting runtime
//!
//! FRAME system, timestamp, Aura (3-second slots), GRANDPA, balances,
//! transaction payment, sudo, a randomness source and [`pallet_hosting`].
//!
//! Randomness comes from `pallet-insecure-randomness-collective-flip`: it is
//! **dev-grade** (block producers can bias it). It chooses benchmark chunks,
//! nonces and attestors; a production chain should use a VRF-based source
//! (BABE) or a commit-reveal beacon.
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`/`impl_runtime_apis` expand to large recursive types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
mod configs;
pub mod genesis_config_presets;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_hosting;
pub use pallet_timestamp::Call as TimestampCall;

/// Block number.
pub type BlockNumber = u32;
/// Transaction signature (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// Account id: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Transaction nonce.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;

/// One unit of the chain's token.
pub const UNIT: Balance = 1_000_000_000_000;
/// Existential deposit.
pub const EXISTENTIAL_DEPOSIT: Balance = UNIT / 1_000;

/// Opaque types for the node, independent of the runtime's call types.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash.
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// Session keys of a validator.
	pub struct SessionKeys {
		/// Block production.
		pub aura: Aura,
		/// Finality.
		pub grandpa: Grandpa,
		/// The attestor key its off-chain worker signs ratings with (key type `host`).
		pub hosting: Hosting,
	}
}

/// The runtime's version.
#[cfg(not(feature = "next-spec-version"))]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("hosting"),
	impl_name: alloc::borrow::Cow::Borrowed("hosting-node"),
	authoring_version: 1,
	spec_version: 110,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// The runtime's version with `spec_version` one higher (feature
/// `next-spec-version`): the code `scripts/upgrade.sh` upgrades a running
/// chain to. Bump it with the one above (the script checks it is higher).
#[cfg(feature = "next-spec-version")]
#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("hosting"),
	impl_name: alloc::borrow::Cow::Borrowed("hosting-node"),
	authoring_version: 1,
	spec_version: 111,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Target block time: 3 seconds.
pub const MILLI_SECS_PER_BLOCK: u64 = 3000;
/// Aura slot duration (changing it on a live chain stops block production).
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Account address format.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// Transaction extensions. `AuthorizeCall` comes first: it lets calls with a
/// `#[pallet::authorize]` function (the hosting pallet's ratings) be submitted
/// without a signer; the extensions after it skip what only applies to signed
/// transactions (nonce, fees).
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Extrinsic as the runtime decodes it.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload signed by a transaction's signer.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Single-block migrations to run on upgrade, oldest first: the hosting
/// pallet's storage version 1 → 2 (committees and bonded attestors), 2 → 3
/// (round nonces, contact keys kept with requests, regional figures in the
/// hoster's record), 3 → 4 (answers counted per disagreement window), 4 → 5
/// (endpoints kept with requests) and 5 → 6 (feeds count their use; items hold
/// deposits). Version 6 → 7 (figures forget by time) rewrites every hoster's
/// figures, so it is a multi-block migration: `pallet_migrations::Config::
/// Migrations` in `configs.rs`, run by `MultiBlockMigrations` after these.
type Migrations = (
	pallet_hosting::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_hosting::migrations::v3::MigrateV2ToV3<Runtime>,
	pallet_hosting::migrations::v4::MigrateV3ToV4<Runtime>,
	pallet_hosting::migrations::v5::MigrateV4ToV5<Runtime>,
	pallet_hosting::migrations::v6::MigrateV5ToV6<Runtime>,
);

/// Dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(7)]
	pub type RandomnessCollectiveFlip = pallet_insecure_randomness_collective_flip;
	#[runtime::pallet_index(8)]
	pub type Hosting = pallet_hosting;
	#[runtime::pallet_index(9)]
	pub type MultiBlockMigrations = pallet_migrations;
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
	frame_benchmarking::define_benchmarks!([pallet_hosting, Hosting]);
}

#[cfg(test)]
mod tests;
