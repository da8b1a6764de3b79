//! A mock runtime for the pallet's tests: sr25519 accounts (attestor keys are
//! account keys), a deterministic randomness source, small bounds.

use crate as pallet_hosting;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks, Randomness},
};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{
	generic::UncheckedExtrinsic,
	traits::{IdentifyAccount, IdentityLookup, Verify},
	BuildStorage, Perbill,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type Signature = sr25519::Signature;
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
pub type Extrinsic = UncheckedExtrinsic<u64, RuntimeCall, (), ()>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Hosting: pallet_hosting,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
}

impl frame_system::offchain::SigningTypes for Test {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, _extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, ())
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() -> Self::Extension {}
}

/// Deterministic randomness: the hash of the subject and the block number.
pub struct TestRandomness;
impl Randomness<H256, u64> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let block = System::block_number();
		(H256(sp_io::hashing::blake2_256(&(subject, block).using_encoded(|b| b.to_vec()))), block)
	}
}
use codec::Encode;

parameter_types! {
	pub const Forgetting: Perbill = Perbill::from_percent(90);
	pub const Smoothing: Perbill = Perbill::from_percent(20);
}

pub const BENCHMARK_PERIOD: u64 = 10;
pub const RESPONSE_WINDOW: u64 = 5;

impl pallet_hosting::Config for Test {
	type AuthorityId = crate::crypto::AttestorAuthId;
	type Randomness = TestRandomness;
	type WeightInfo = ();
	type BenchmarkPeriod = ConstU64<BENCHMARK_PERIOD>;
	type MaxBenchmarksPerBlock = ConstU32<2>;
	type MaxRequestsPerBlock = ConstU32<4>;
	type ChunksPerBenchmark = ConstU32<4>;
	type AttestorsPerRequest = ConstU32<2>;
	type ResponseWindow = ConstU64<RESPONSE_WINDOW>;
	type MaxAttestors = ConstU32<5>;
	type MaxHostingsPerHoster = ConstU32<3>;
	type ForgettingFactor = Forgetting;
	type Smoothing = Smoothing;
	type SuspensionMinSamples = ConstU32<3>;
	type MaxConsecutiveMisses = ConstU32<3>;
	type HttpDeadlineMs = ConstU64<5000>;
	type RatingPriority = ConstU64<{ 1 << 20 }>;
	type MaxRatingsPerBatch = ConstU32<8>;
}

/// The sr25519 pair of a dev name (`"Alice"` → `//Alice`).
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("valid dev seed")
}

/// The account of a dev name.
pub fn account(name: &str) -> AccountId {
	pair(name).public()
}

/// Attestors Alice (eu), Bob (us), Charlie (eu) from genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	ext_with_attestors(&[("Alice", "eu"), ("Bob", "us"), ("Charlie", "eu")])
}

/// An externalities with these attestors registered at genesis, at block 1.
pub fn ext_with_attestors(attestors: &[(&str, &str)]) -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_hosting::GenesisConfig::<Test> {
		attestors: attestors.iter().map(|(n, r)| (account(n), r.as_bytes().to_vec())).collect(),
		feeds: Vec::new(),
		hosters: Vec::new(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// An externalities with no attestors and a keystore, for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut ext = ext_with_attestors(&[]);
	ext.register_extension(sp_keystore::KeystoreExt::new(sp_keystore::testing::MemoryKeystore::new()));
	ext
}

/// Advances to block `n`, running `on_initialize` of each new block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Hosting::on_initialize(next);
	}
}
