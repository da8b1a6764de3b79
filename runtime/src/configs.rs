//! Configuration of each pallet of the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		fungible::HoldConsideration, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8,
		VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	generic::Era,
	traits::{One, Verify},
	Perbill,
};
use sp_version::RuntimeVersion;

use super::*;

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// One second of compute per 3-second block; 75% of it for normal transactions.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| *max = NORMAL_DISPATCH_RATIO * *max)
		.build();
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores its state in ParityDb.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	/// Multi-block migrations: while one runs, blocks carry no transactions.
	type MultiBlockMigrator = MultiBlockMigrations;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_insecure_randomness_collective_flip::Config for Runtime {}

parameter_types! {
	/// What multi-block migrations may spend of a block: 80% of the block's
	/// compute (no transaction is admitted while one runs; the hooks keep the
	/// rest). A step of the hosting pallet's migration translates as many
	/// hosters' figures as fit, a few thousand a block.
	pub MigrationServiceWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_migrations::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// The hosting pallet's storage version 6 → 7 (figures forget by time),
	/// over as many blocks as the hosters need. Later layout changes of a map
	/// that can be large are appended here; single-block ones go to the
	/// runtime's `Migrations`.
	#[cfg(not(feature = "runtime-benchmarks"))]
	type Migrations = (pallet_hosting::migrations::v7::LazyMigrateV6ToV7<Runtime>,);
	#[cfg(feature = "runtime-benchmarks")]
	type Migrations = pallet_migrations::mock_helpers::MockedMigrations;
	type CursorMaxLen = ConstU32<65_536>;
	type IdentifierMaxLen = ConstU32<256>;
	type MigrationStatusHandler = ();
	/// A migration that fails leaves the chain without transactions until
	/// governance (sudo) fixes it: safer than running on half-translated state.
	type FailedMigrationHandler = frame_support::migrations::FreezeChainOnFailedMigration;
	type MaxServiceWeight = MigrationServiceWeight;
	type WeightInfo = pallet_migrations::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Evidence of a hoster's availability halves every 6 hours (7,200 blocks
	/// of 3 s): λ = 2^(−1/7200) per block. Its figures are about the last
	/// day; a hoster that stops serving falls below a 99% promise in minutes.
	pub const Forgetting: Perbill = Perbill::from_parts(999_903_734);
	pub const Smoothing: Perbill = Perbill::from_percent(20);
}

parameter_types! {
	/// A hoster answers at most 16 on-demand requests at a time (48 fetches
	/// of its committees'), whoever asks. A `storage` parameter: root can
	/// change it without an upgrade (`system.setStorage` at
	/// `twox128(":MaxOnDemandPerHoster:")`, a SCALE `u32`), as the load
	/// benchmarks do to put many requests on one hoster.
	pub storage MaxOnDemandPerHoster: u32 = 16;
}

parameter_types! {
	/// An attestor's bond: what it loses a share of when it disagrees with its
	/// committees too often (see `DisagreementSlash`).
	pub const AttestorBond: Balance = 1_000 * UNIT;
	/// One in ten of the bond per suspension for disagreements.
	pub const DisagreementSlash: Perbill = Perbill::from_percent(10);
	/// Disagreements suspend an attestor only past 5% of its answers in the
	/// window: an honest attestor that rates hundreds of requests a block has
	/// rare outliers (0.15% under `scripts/bench/load.sh`), a liar disagrees on
	/// the ratings it lies in.
	pub const MaxDisagreementShare: Perbill = Perbill::from_percent(5);
}

parameter_types! {
	/// What one more storage item costs in deposit (shown in polkadot.js apps
	/// as `hosting.depositBase`).
	pub const DepositBase: Balance = UNIT / 100;
	/// And each byte it adds (`hosting.depositPerByte`): a feed with the most
	/// roots is about 3.5 UNIT, a hoster about 1 UNIT, a hosting 0.2 UNIT.
	pub const DepositPerByte: Balance = UNIT / 1_000;
	/// Why a feed's deposit is held.
	pub const FeedDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(pallet_hosting::HoldReason::FeedDeposit);
	/// Why a hoster's deposit is held.
	pub const HosterDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(pallet_hosting::HoldReason::HosterDeposit);
	/// Why a hosting's deposit is held.
	pub const HostingDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(pallet_hosting::HoldReason::HostingDeposit);
	/// Why an on-demand request's deposit is held.
	pub const RequestDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(pallet_hosting::HoldReason::RequestDeposit);
}

/// A deposit held from the account under `Reason`, priced with the pallet's
/// `DepositBase` and `DepositPerByte` (so what apps shows is what is held).
type StorageDeposit<Reason> =
	HoldConsideration<AccountId, Balances, Reason, pallet_hosting::StoragePrice<Runtime>>;

impl pallet_hosting::Config for Runtime {
	type AuthorityId = pallet_hosting::crypto::AttestorAuthId;
	/// Collective flip: a block author can bias it (it sees the hash of the
	/// block it builds on); a production chain plugs in BABE's VRF randomness
	/// or a beacon (see the pallet's README).
	type Randomness = RandomnessCollectiveFlip;
	type WeightInfo = pallet_hosting::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Open to anyone who bonds `AttestorBond`.
	type AttestorOrigin = frame_system::EnsureSigned<AccountId>;
	type AttestorBond = AttestorBond;
	/// A day (28 800 blocks of 3 s): longer than any request stays open, so an
	/// attestor cannot leave before the verdicts on its ratings land.
	type AttestorUnbondingPeriod = ConstU32<28_800>;
	/// Two of the committee's three.
	type CommitteeQuorum = ConstU32<2>;
	/// Ten disagreements in a day suspend an attestor and slash its bond.
	type MaxDisagreements = ConstU32<10>;
	type MaxDisagreementShare = MaxDisagreementShare;
	type DisagreementWindow = ConstU32<28_800>;
	type DisagreementSlash = DisagreementSlash;
	/// Slashed bonds are burned (the runtime has no treasury).
	type Slashed = ();
	/// Every 10 blocks (30 s) a periodic round.
	type BenchmarkPeriod = ConstU32<10>;
	type MaxBenchmarksPerBlock = ConstU32<16>;
	/// 32 registrations a block; more wait in the queue, in order.
	type MaxRegistrationsPerBlock = ConstU32<32>;
	/// The rest of the block's requests are anyone's to ask for.
	type MaxOnDemandPerBlock = ConstU32<208>;
	type MaxOnDemandPerHoster = MaxOnDemandPerHoster;
	/// 256 requests a block (the three budgets), each rated by a committee of
	/// three: 768 ratings and 256 closes a block, about half of a block's
	/// normal weight (see the README's figures).
	type MaxRequestsPerBlock = ConstU32<256>;
	type ChunksPerBenchmark = ConstU32<4>;
	/// Committees of three, from distinct regions where the active set allows.
	type AttestorsPerRequest = ConstU32<3>;
	/// Ratings are accepted for 10 blocks (30 s) after the committee is drawn:
	/// the off-chain worker runs after import, takes at most 5 s, and its
	/// transaction needs a block or two.
	type ResponseWindow = ConstU32<10>;
	type MaxAttestors = ConstU32<64>;
	type MaxHostingsPerHoster = ConstU32<256>;
	type ForgettingFactor = Forgetting;
	type Smoothing = Smoothing;
	type SuspensionMinSamples = ConstU32<3>;
	type MaxConsecutiveMisses = ConstU32<5>;
	type HttpDeadlineMs = ConstU64<5000>;
	type RatingPriority = ConstU64<{ u64::MAX / 2 }>;
	/// One attestor's ratings of one off-chain run in one transaction.
	type MaxRatingsPerBatch = ConstU32<128>;
	type FeedConsideration = StorageDeposit<FeedDepositReason>;
	type HosterConsideration = StorageDeposit<HosterDepositReason>;
	type HostingConsideration = StorageDeposit<HostingDepositReason>;
	type RequestConsideration = StorageDeposit<RequestDepositReason>;
	type DepositBase = DepositBase;
	type DepositPerByte = DepositPerByte;
}

impl frame_system::offchain::SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	/// The extensions of an authorized (unsigned) transaction: no signer, so no
	/// nonce and no fee; immortal, since the call's own validity has a deadline.
	fn create_extension() -> TxExtension {
		(
			frame_system::AuthorizeCall::<Runtime>::new(),
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::Immortal),
			frame_system::CheckNonce::<Runtime>::from(0),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
		)
	}
}
