//! Tests of the pallet with a mock runtime, one file per topic. This module
//! holds the mock runtime (sr25519 accounts, so attestor keys are account
//! keys; a deterministic randomness source; small bounds), the [`ExtBuilder`]
//! that runs a test and then checks the pallet's invariants (`try_state`), and
//! the helpers the topics share.

mod attestors;
mod feeds;
mod genesis;
mod hosters;
mod invariants;
mod offchain;
mod qualification;
mod ratings;
mod requests;
mod scripted_http;

use crate as pallet_hosting;
use crate::*;
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

/// Builds the externalities of a test: genesis attestors (Alice in `eu`, Bob
/// in `us`, Charlie in `eu` unless told otherwise), at block 1.
pub struct ExtBuilder {
	attestors: Vec<(&'static str, &'static str)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { attestors: vec![("Alice", "eu"), ("Bob", "us"), ("Charlie", "eu")] }
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
		pallet_hosting::GenesisConfig::<Test> {
			attestors: self
				.attestors
				.iter()
				.map(|(n, r)| (account(n), r.as_bytes().to_vec()))
				.collect(),
			feeds: Vec::new(),
			hosters: Vec::new(),
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

/// Advances to block `n`, running `on_initialize` of each new block.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Hosting::on_initialize(next);
	}
}

const NAMES: [&str; 6] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

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

pub(crate) fn form(hoster: &str) -> HosterForm {
	HosterForm {
		endpoint: b"http://127.0.0.1:8900".to_vec().try_into().unwrap(),
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

/// Publishes a feed as Eve and registers `hoster` on it; returns (feed, feed id, registration request).
pub(crate) fn registered(hoster: &str) -> (TestFeed, FeedId, RequestId) {
	let feed = TestFeed::new(7, 9);
	let id = feed.publish("Eve");
	assert_ok!(Hosting::register_hoster(RuntimeOrigin::signed(account(hoster)), form(hoster), id));
	(feed, id, NextRequestId::<Test>::get() - 1)
}

pub(crate) fn request(id: RequestId) -> crate::requests::RequestOf<Test> {
	BenchmarkRequests::<Test>::get(id).expect("open request")
}

/// A Normal outcome with a valid contact proof by `hoster` for the request's first chunk.
pub(crate) fn normal(
	feed: &TestFeed,
	hoster: &str,
	id: RequestId,
	attestor: &str,
	latency_ms: u32,
	bandwidth_bytes_per_sec: u64,
) -> RatingOutcome {
	let r = request(id);
	let block_index = r.chunks[0];
	let block_hash = hashes::leaf::<PureRust>(&feed.blocks[block_index as usize]);
	let message = hypercore_verify::contact_message(
		id,
		&r.nonce,
		&account_bytes(&account(attestor)),
		block_index,
		&block_hash,
	);
	RatingOutcome::Normal {
		latency_ms,
		bandwidth_bytes_per_sec,
		bytes: 1000,
		chunks_verified: r.chunks.len() as u32,
		contact_proof: ContactProof {
			block_index,
			block_hash,
			signature: contact(hoster).sign(&message).0,
		},
	}
}

pub(crate) fn signed_rating(
	attestor: &str,
	request_id: RequestId,
	outcome: RatingOutcome,
) -> (Rating<AccountId>, Signature) {
	let rating = Rating { request_id, attestor: account(attestor), outcome };
	let signature = pair(attestor).sign(&rating.signing_payload());
	(rating, signature)
}

/// Submits a rating as the runtime does: authorize, then dispatch with the Authorized origin.
pub(crate) fn submit(
	rating: Rating<AccountId>,
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

/// `attestor`'s batch of (request, outcome), signed by `signer`.
pub(crate) fn batch_call(
	attestor: &str,
	signer: &str,
	ratings: &[(RequestId, RatingOutcome)],
) -> crate::Call<Test> {
	let ratings: Vec<BatchedRating> = ratings
		.iter()
		.map(|&(request_id, outcome)| BatchedRating { request_id, outcome })
		.collect();
	let signature = pair(signer).sign(&batch_signing_payload(&account(attestor), &ratings));
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

pub(crate) fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

/// The pool's answer to a rating refused with a rejection code.
pub(crate) fn rejected(code: u8) -> TransactionValidityError {
	TransactionValidityError::Invalid(InvalidTransaction::Custom(code))
}
