//! Tests of the pallet with a mock runtime, one file per topic. This module
//! holds the mock runtime (sr25519 accounts; each attestor `Name` signs with
//! the key `//Name//host`; balances for bonds; a deterministic randomness
//! source; committees of three with a quorum of two; small bounds), the
//! [`ExtBuilder`] that runs a test and then checks the pallet's invariants
//! (`try_state`), and the helpers the topics share.

mod attestors;
mod budgets;
mod committees;
mod deposits;
mod feeds;
mod genesis;
mod hosters;
mod invariants;
mod migrations;
mod offchain;
mod qualification;
mod ratings;
mod requests;
mod scripted_http;

use crate as pallet_hosting;
use crate::*;
use frame_support::{
	derive_impl,
	migrations::MultiStepMigrator,
	parameter_types,
	traits::{fungible::HoldConsideration, ConstU32, ConstU64, Hooks, Randomness},
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
		Balances: pallet_balances,
		Hosting: pallet_hosting,
		Migrator: pallet_migrations,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<u64>;
	// As the weights of `()`, so that refunds of database writes show.
	type DbWeight = frame_support::weights::constants::ParityDbWeight;
	type MultiBlockMigrator = Migrator;
}

parameter_types! {
	/// What the migrator may spend a block: a whole block, unless a test
	/// lowers it to spread a migration over several blocks.
	pub storage MigratorServiceWeight: frame_support::weights::Weight =
		<<Test as frame_system::Config>::BlockWeights as frame_support::traits::Get<
			frame_system::limits::BlockWeights,
		>>::get()
		.max_block;
}

#[derive_impl(pallet_migrations::config_preludes::TestDefaultConfig)]
impl pallet_migrations::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Migrations = (crate::migrations::v7::LazyMigrateV6ToV7<Test>,);
	type MaxServiceWeight = MigratorServiceWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
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
use frame_support::{
	assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidityError},
	traits::{Authorize, UnfilteredDispatchable},
};
use hypercore_verify::{feed::compat_signable, hashes, tree::MemoryTree, PureRust};
use sp_core::ed25519;

parameter_types! {
	pub const Forgetting: Perbill = Perbill::from_percent(90);
	pub const Smoothing: Perbill = Perbill::from_percent(20);
	pub const SlashShare: Perbill = Perbill::from_percent(10);
	pub const DisagreementShare: Perbill = Perbill::from_percent(5);
	/// Committee size: 3, as in the runtime; a test may make it even (ties).
	pub storage CommitteeSize: u32 = 3;
}

pub const BENCHMARK_PERIOD: u64 = 10;
pub const RESPONSE_WINDOW: u64 = 5;
/// The attestor bond of the mock.
pub const BOND: u64 = 100;
/// Blocks before a leaving attestor's bond is released.
pub const UNBONDING: u64 = 20;
/// What every dev account starts with.
pub const ENDOWMENT: u64 = 1_000_000;
/// Disagreements in one window that suspend and slash.
pub const MAX_DISAGREEMENTS: u32 = 3;

impl pallet_hosting::Config for Test {
	type AuthorityId = crate::crypto::AttestorAuthId;
	type Randomness = TestRandomness;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AttestorOrigin = frame_system::EnsureSigned<AccountId>;
	type AttestorBond = ConstU64<BOND>;
	type AttestorUnbondingPeriod = ConstU64<UNBONDING>;
	type CommitteeQuorum = ConstU32<2>;
	type MaxDisagreements = ConstU32<MAX_DISAGREEMENTS>;
	type MaxDisagreementShare = DisagreementShare;
	type DisagreementWindow = ConstU64<100>;
	type DisagreementSlash = SlashShare;
	type Slashed = ();
	type WeightInfo = ();
	type BenchmarkPeriod = ConstU64<BENCHMARK_PERIOD>;
	type MaxBenchmarksPerBlock = ConstU32<2>;
	type MaxRegistrationsPerBlock = ConstU32<MAX_REGISTRATIONS_PER_BLOCK>;
	type MaxOnDemandPerBlock = ConstU32<MAX_ON_DEMAND_PER_BLOCK>;
	type MaxOnDemandPerHoster = ConstU32<MAX_ON_DEMAND_PER_HOSTER>;
	type MaxRequestsPerBlock = ConstU32<7>;
	type ChunksPerBenchmark = ConstU32<4>;
	type AttestorsPerRequest = CommitteeSize;
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
	type FeedConsideration =
		HoldConsideration<AccountId, Balances, FeedDepositReason, StoragePrice<Test>>;
	type HosterConsideration =
		HoldConsideration<AccountId, Balances, HosterDepositReason, StoragePrice<Test>>;
	type HostingConsideration =
		HoldConsideration<AccountId, Balances, HostingDepositReason, StoragePrice<Test>>;
	type RequestConsideration =
		HoldConsideration<AccountId, Balances, RequestDepositReason, StoragePrice<Test>>;
	type DepositBase = ConstU64<DEPOSIT_BASE>;
	type DepositPerByte = ConstU64<DEPOSIT_PER_BYTE>;
}

/// Registration requests a block before they queue.
pub const MAX_REGISTRATIONS_PER_BLOCK: u32 = 3;
/// On-demand requests a block.
pub const MAX_ON_DEMAND_PER_BLOCK: u32 = 2;
/// Open on-demand requests on one hoster.
pub const MAX_ON_DEMAND_PER_HOSTER: u32 = 3;

/// The mock's deposit for one more storage item.
pub const DEPOSIT_BASE: u64 = 10;
/// The mock's deposit for each byte an item adds.
pub const DEPOSIT_PER_BYTE: u64 = 1;

parameter_types! {
	pub const FeedDepositReason: RuntimeHoldReason = RuntimeHoldReason::Hosting(HoldReason::FeedDeposit);
	pub const HosterDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(HoldReason::HosterDeposit);
	pub const HostingDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(HoldReason::HostingDeposit);
	pub const RequestDepositReason: RuntimeHoldReason =
		RuntimeHoldReason::Hosting(HoldReason::RequestDeposit);
}

/// The sr25519 pair of a dev name (`"Alice"` → `//Alice`).
pub fn pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}"), None).expect("valid dev seed")
}

/// The account of a dev name.
pub fn account(name: &str) -> AccountId {
	pair(name).public()
}

/// The attestor key of a dev name (`//Name//host`), which signs its ratings.
pub fn key_pair(name: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(&format!("//{name}//host"), None).expect("valid dev seed")
}

/// The attestor key of a dev name, as an account.
pub fn key_account(name: &str) -> AccountId {
	key_pair(name).public()
}

/// `name` registers as an attestor in `region` with its key `//name//host`,
/// proving it holds the key.
pub fn register_attestor(name: &str, region: &str) -> frame_support::dispatch::DispatchResult {
	let proof = key_pair(name).sign(&attestor_key_payload(&account(name)));
	Hosting::register_attestor(
		RuntimeOrigin::signed(account(name)),
		region.as_bytes().to_vec().try_into().unwrap(),
		key_account(name),
		proof,
	)
}

/// Builds the externalities of a test: every dev account endowed with
/// [`ENDOWMENT`]; genesis attestors (Alice in `eu`, Bob in `us`, Charlie in
/// `asia` unless told otherwise), bonded, signing with `//Name//host`; at block 1.
pub struct ExtBuilder {
	attestors: Vec<(&'static str, &'static str)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { attestors: vec![("Alice", "eu"), ("Bob", "us"), ("Charlie", "asia")] }
	}
}

impl ExtBuilder {
	/// These attestors (dev name, region) instead of the default three.
	pub fn attestors(mut self, attestors: &[(&'static str, &'static str)]) -> Self {
		self.attestors = attestors.to_vec();
		self
	}

	/// The externalities, at block 1.
	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: NAMES.iter().map(|n| (account(n), ENDOWMENT)).collect(),
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_hosting::GenesisConfig::<Test> {
			attestors: self
				.attestors
				.iter()
				.map(|(n, r)| (account(n), r.as_bytes().to_vec(), key_account(n)))
				.collect(),
			feeds: Vec::new(),
			hosters: Vec::new(),
			// The mock's hosters serve on loopback, as on a development chain.
			allow_local_endpoints: true,
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Hosting::do_try_state().expect("the pallet's invariants hold after the test");
		})
	}
}

/// An externalities with no attestors and a keystore, for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut ext = ExtBuilder::default().attestors(&[]).build();
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}

/// Advances to block `n`, ending the current block (`on_finalize`) and
/// running `on_initialize` of each new block and then, as `Executive` does
/// after the inherents, a step of any multi-block migration. Each block's
/// parent hash is made from its number, as a chain's would differ.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		Hosting::on_finalize(System::block_number());
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(H256(sp_io::hashing::blake2_256(&(b"block", next - 1).encode())));
		Hosting::on_initialize(next);
		<Test as frame_system::Config>::MultiBlockMigrator::step();
	}
}

/// Advances one block: the committees of the requests of this block are drawn.
pub fn next_block() {
	run_to_block(System::block_number() + 1);
}

pub(crate) const NAMES: [&str; 7] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie", "Mallory"];

pub(crate) fn name_of(who: &AccountId) -> &'static str {
	NAMES.iter().copied().find(|n| account(n) == *who).expect("a dev account")
}

/// A compat-mode feed built and signed natively.
pub(crate) struct TestFeed {
	pub key: [u8; 32],
	pub pair: ed25519::Pair,
	pub tree: MemoryTree,
	pub blocks: Vec<Vec<u8>>,
}

impl TestFeed {
	pub(crate) fn new(seed: u8, length: u64) -> Self {
		let pair = ed25519::Pair::from_seed(&[seed; 32]);
		let mut feed =
			TestFeed { key: pair.public().0, pair, tree: MemoryTree::new(), blocks: Vec::new() };
		feed.grow(length);
		feed
	}

	/// A feed of the given blocks.
	pub(crate) fn with_blocks(seed: u8, blocks: Vec<Vec<u8>>) -> Self {
		let pair = ed25519::Pair::from_seed(&[seed; 32]);
		let mut feed =
			TestFeed { key: pair.public().0, pair, tree: MemoryTree::new(), blocks: Vec::new() };
		for block in blocks {
			feed.tree.append::<PureRust>(&block);
			feed.blocks.push(block);
		}
		feed
	}

	pub(crate) fn grow(&mut self, blocks: u64) {
		for _ in 0..blocks {
			let i = self.blocks.len();
			let block = vec![(i as u8).wrapping_mul(31) ^ self.key[0]; 50 + i];
			self.tree.append::<PureRust>(&block);
			self.blocks.push(block);
		}
	}

	pub(crate) fn length(&self) -> u64 {
		self.tree.length()
	}

	pub(crate) fn roots(&self) -> Roots {
		self.tree.roots(self.length()).unwrap().try_into().unwrap()
	}

	pub(crate) fn signature(&self, fork: u64) -> FeedSignature {
		let signable =
			compat_signable(&hashes::tree::<PureRust>(&self.roots()), self.length(), fork);
		self.pair.sign(&signable).0.to_vec().try_into().unwrap()
	}

	pub(crate) fn publish(&self, who: &str) -> FeedId {
		assert_ok!(Hosting::publish_feed(
			RuntimeOrigin::signed(account(who)),
			self.key,
			None,
			self.length(),
			0,
			self.roots(),
			self.signature(0)
		));
		FeedByKey::<Test>::get(self.key).unwrap()
	}
}

pub(crate) fn contact(name: &str) -> ed25519::Pair {
	ed25519::Pair::from_string(&format!("//{name}//contact"), None).unwrap()
}

/// Where `hoster` serves: each its own port, Dave on 8900.
pub(crate) fn endpoint_of(hoster: &str) -> String {
	let n = NAMES.iter().position(|n| *n == hoster).unwrap_or(NAMES.len());
	format!("http://127.0.0.1:{}", 8897 + n)
}

pub(crate) fn form(hoster: &str) -> HosterForm {
	HosterForm {
		endpoint: endpoint_of(hoster).into_bytes().try_into().unwrap(),
		region: b"eu".to_vec().try_into().unwrap(),
		promised: Promise {
			availability: Perbill::from_percent(75),
			latency_ms: 200,
			bandwidth_bytes_per_sec: 100_000,
		},
		capacity_bytes: 1 << 30,
		contact_key: contact(hoster).public().0,
	}
}

/// Publishes a feed as Eve and registers `hoster` on it, then moves to the
/// next block, where the request's committee is drawn; returns (feed, feed
/// id, registration request).
pub(crate) fn registered(hoster: &str) -> (TestFeed, FeedId, RequestId) {
	let feed = TestFeed::new(7, 9);
	let (id, request) = register_on(&feed, hoster);
	next_block();
	(feed, id, request)
}

/// Publishes `feed` as Eve and registers `hoster` on it, in this block (its
/// registration request's committee is drawn in the next); returns (feed id,
/// registration request).
pub(crate) fn register_on(feed: &TestFeed, hoster: &str) -> (FeedId, RequestId) {
	let id = feed.publish("Eve");
	assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account(hoster)), form(hoster), id));
	(id, NextRequestId::<Test>::get() - 1)
}

pub(crate) fn request(id: RequestId) -> crate::requests::RequestOf<Test> {
	BenchmarkRequests::<Test>::get(id).expect("open request")
}

std::thread_local! {
	/// Each attestor's chunk seed per round nonce: sr25519 signatures are
	/// randomized, so a seed is made once and reused by every request of the
	/// round, as the off-chain worker does.
	static SEEDS: core::cell::RefCell<std::collections::BTreeMap<(String, [u8; 32]), Signature>> =
		Default::default();
}

/// The nonce of request `id` (zero once it is closed: such ratings are stale anyway).
pub(crate) fn nonce_of(id: RequestId) -> [u8; 32] {
	BenchmarkRequests::<Test>::get(id).map(|r| r.nonce).unwrap_or_default()
}

/// `attestor`'s chunk seed of request `id` (its key's signature over the round's nonce).
pub(crate) fn chunk_seed(attestor: &str, id: RequestId) -> Signature {
	let nonce = BenchmarkRequests::<Test>::get(id).map(|r| r.nonce).unwrap_or_default();
	SEEDS.with(|seeds| {
		*seeds
			.borrow_mut()
			.entry((attestor.to_string(), nonce))
			.or_insert_with(|| key_pair(attestor).sign(&chunk_seed_payload(&nonce)))
	})
}

/// The chunks `attestor` asks for in request `id`.
pub(crate) fn chunks_for(attestor: &str, id: RequestId) -> Chunks {
	let r = request(id);
	chunks_of(&chunk_seed(attestor, id), id, r.length, 4)
}

/// The contact proof by `hoster` and Merkle path of block `block_index` of `feed`, for `attestor`.
pub(crate) fn served_block(
	feed: &TestFeed,
	hoster: &str,
	id: RequestId,
	attestor: &str,
	block_index: u64,
) -> (ContactProof, BlockInclusion) {
	let r = request(id);
	let block_hash = hashes::leaf::<PureRust>(&feed.blocks[block_index as usize]);
	let message = hypercore_verify::contact_message(
		id,
		&r.nonce,
		&account_bytes(&account(attestor)),
		block_index,
		&block_hash,
	);
	let proof = feed
		.tree
		.proof(block_index, r.length, feed.blocks[block_index as usize].clone())
		.expect("a block of the feed");
	(
		ContactProof { block_index, block_hash, signature: contact(hoster).sign(&message).0 },
		BlockInclusion { size: proof.value.len() as u64, nodes: proof.nodes, roots: proof.roots },
	)
}

/// A Normal outcome by `attestor` with a valid contact proof by `hoster` and
/// the Merkle path for the first chunk its seed draws.
pub(crate) fn normal(
	feed: &TestFeed,
	hoster: &str,
	id: RequestId,
	attestor: &str,
	latency_ms: u32,
	bandwidth_bytes_per_sec: u64,
) -> RatingOutcome {
	let chunks = chunks_for(attestor, id);
	let (contact_proof, inclusion) = served_block(feed, hoster, id, attestor, chunks[0]);
	RatingOutcome::Normal {
		latency_ms,
		bandwidth_bytes_per_sec,
		bytes: 1000,
		chunks_verified: chunks.len() as u32,
		contact_proof,
		inclusion,
	}
}

pub(crate) fn signed_rating(
	attestor: &str,
	request_id: RequestId,
	outcome: RatingOutcome,
) -> (Rating<AccountId, Signature>, Signature) {
	let rating = Rating {
		request_id,
		attestor: account(attestor),
		nonce: nonce_of(request_id),
		outcome,
		chunk_seed: chunk_seed(attestor, request_id),
	};
	let signature = key_pair(attestor).sign(&rating.signing_payload(&Hosting::genesis_hash()));
	(rating, signature)
}

/// Submits a rating as the runtime does: authorize, then dispatch with the Authorized origin.
pub(crate) fn submit(
	rating: Rating<AccountId, Signature>,
	signature: Signature,
) -> Result<(), TransactionValidityError> {
	submit_call(crate::Call::<Test>::performance_benchmark_response { rating, signature })
}

/// Submits a rating call as the runtime does: authorize, then dispatch with the Authorized origin.
pub(crate) fn submit_call(call: crate::Call<Test>) -> Result<(), TransactionValidityError> {
	call.authorize(TransactionSource::External)
		.expect("the call defines authorize")?;
	assert_ok!(call.dispatch_bypass_filter(frame_system::RawOrigin::Authorized.into()));
	Ok(())
}

/// `attestor`'s batch of (request, outcome), signed by `signer`'s attestor key.
pub(crate) fn batch_call(
	attestor: &str,
	signer: &str,
	ratings: &[(RequestId, RatingOutcome)],
) -> crate::Call<Test> {
	let ratings: Vec<BatchedRating<Signature>> = ratings
		.iter()
		.map(|(request_id, outcome)| BatchedRating {
			request_id: *request_id,
			nonce: nonce_of(*request_id),
			outcome: outcome.clone(),
			chunk_seed: chunk_seed(attestor, *request_id),
		})
		.collect();
	let payload = batch_signing_payload(&Hosting::genesis_hash(), &account(attestor), &ratings);
	let signature = key_pair(signer).sign(&payload);
	crate::Call::<Test>::performance_benchmark_responses {
		attestor: account(attestor),
		ratings: ratings.try_into().expect("within the batch limit"),
		signature,
	}
}

pub(crate) fn rate(
	attestor: &str,
	id: RequestId,
	outcome: RatingOutcome,
) -> Result<(), TransactionValidityError> {
	let (rating, signature) = signed_rating(attestor, id, outcome);
	submit(rating, signature)
}

pub(crate) fn assigned(id: RequestId) -> Vec<&'static str> {
	request(id).attestors.iter().map(name_of).collect()
}

/// Every member of request `id`'s committee rates `hoster` Normal with these
/// figures, which closes the request.
pub(crate) fn rate_all(
	feed: &TestFeed,
	hoster: &str,
	id: RequestId,
	latency_ms: u32,
	bandwidth: u64,
) {
	for a in assigned(id) {
		assert_ok!(rate(a, id, normal(feed, hoster, id, a, latency_ms, bandwidth)));
	}
	assert!(BenchmarkRequests::<Test>::get(id).is_none(), "the whole committee closed it");
}

/// Every member of request `id`'s committee rates it with `outcome` (not
/// Normal: those need a proof per attestor), which closes the request.
pub(crate) fn rate_all_with(id: RequestId, outcome: RatingOutcome) {
	for a in assigned(id) {
		assert_ok!(rate(a, id, outcome.clone()));
	}
	assert!(BenchmarkRequests::<Test>::get(id).is_none(), "the whole committee closed it");
}

/// Eve asks for a benchmark of `hoster` on `feed`; the next block draws its
/// committee. Returns the request.
pub(crate) fn requested(hoster: &str, feed: FeedId) -> RequestId {
	assert_ok!(Hosting::request_performance_benchmark(
		RuntimeOrigin::signed(account("Eve")),
		account(hoster),
		feed
	));
	let id = NextRequestId::<Test>::get() - 1;
	next_block();
	id
}

/// Bytes held from `who` as its attestor bond.
pub(crate) fn held(who: &str) -> u64 {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&RuntimeHoldReason::Hosting(HoldReason::AttestorBond), &account(who))
}

/// The pool's answer to a rating refused with a rejection code.
pub(crate) fn rejected(code: u8) -> TransactionValidityError {
	TransactionValidityError::Invalid(InvalidTransaction::Custom(code))
}
