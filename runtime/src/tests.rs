//! Runtime-level checks: the genesis presets build, and a rating travels the
//! real transaction-extension pipeline as an authorized unsigned transaction.

use super::*;
use frame_support::traits::Hooks;
use frame_system::offchain::CreateAuthorizedTransaction;
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
};

/// Merges a preset patch into `base`, as the node's chain-spec builder does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (k, v) in patch {
				merge(base.entry(k).or_insert(serde_json::Value::Null), v);
			}
		},
		(base, patch) => *base = patch,
	}
}

fn ext_from_preset(id: &str) -> sp_io::TestExternalities {
	let patch = genesis_config_presets::get_preset(&id.into()).expect("preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let json = serde_json::to_vec(&config).unwrap();
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(json)
			.expect("preset builds");
	});
	ext
}

#[test]
fn presets_set_up_validators_and_attestors() {
	use sp_keyring::Sr25519Keyring::*;
	ext_from_preset(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let attestors: Vec<AccountId> = pallet_hosting::ActiveAttestors::<Runtime>::get()
			.into_iter()
			.map(|(a, _)| a)
			.collect();
		assert_eq!(
			attestors,
			vec![
				AliceStash.to_account_id(),
				BobStash.to_account_id(),
				CharlieStash.to_account_id()
			]
		);
		// Each signs with a key of its own, held by the development node, and is bonded.
		for (stash, key) in [(AliceStash, Alice), (BobStash, Bob), (CharlieStash, Charlie)] {
			let record = pallet_hosting::Attestors::<Runtime>::get(stash.to_account_id()).unwrap();
			assert_eq!(record.key, key.to_account_id());
			assert_eq!(record.bond, configs::AttestorBond::get());
		}
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
	});
	ext_from_preset(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let regions: Vec<Vec<u8>> = pallet_hosting::ActiveAttestors::<Runtime>::get()
			.iter()
			.map(|(_, r)| r.to_vec())
			.collect();
		assert_eq!(regions, vec![b"eu".to_vec(), b"us".to_vec(), b"ap".to_vec()]);
		// Four GRANDPA voters, so one stopped validator does not stall finality.
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
	});
	assert!(genesis_config_presets::get_preset(&"nope".into()).is_none());
}

#[test]
fn ratings_are_validated_by_the_pallet_without_a_signer_or_fees() {
	ext_from_preset(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		Hosting::on_initialize(1);
		// AliceStash attests; Alice's key signs for it.
		let alice = sp_keyring::Sr25519Keyring::Alice;
		let stash = sp_keyring::Sr25519Keyring::AliceStash.to_account_id();
		let seed: Signature = alice.sign(b"any chunk seed").into();
		let rating = pallet_hosting::Rating {
			request_id: 7,
			attestor: stash.clone(),
			nonce: [0; 32],
			outcome: pallet_hosting::RatingOutcome::Timeout,
			chunk_seed: seed.clone(),
		};
		let genesis = Hosting::genesis_hash();
		let signature: Signature = alice.sign(&rating.signing_payload(&genesis)).into();
		let single = pallet_hosting::Call::performance_benchmark_response { rating, signature };
		let entries = vec![
			pallet_hosting::BatchedRating {
				request_id: 7,
				nonce: [0; 32],
				outcome: pallet_hosting::RatingOutcome::Timeout,
				chunk_seed: seed.clone(),
			},
			pallet_hosting::BatchedRating {
				request_id: 8,
				nonce: [0; 32],
				outcome: pallet_hosting::RatingOutcome::Timeout,
				chunk_seed: seed,
			},
		];
		let batch_signature: Signature =
			alice.sign(&pallet_hosting::batch_signing_payload(&genesis, &stash, &entries)).into();
		let batch = pallet_hosting::Call::performance_benchmark_responses {
			attestor: stash.clone(),
			ratings: entries.try_into().unwrap(),
			signature: batch_signature,
		};
		for call in [single, batch] {
			let xt = <Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_authorized_transaction(call.into());
			let hash = <Block as BlockT>::Hash::default();
			// Requests 7 and 8 do not exist: the pallet's authorize says Stale (not a payment or signature failure).
			assert_eq!(
				Executive::validate_transaction(TransactionSource::External, xt, hash),
				Err(TransactionValidityError::Invalid(InvalidTransaction::Stale))
			);
		}
	});
}

#[test]
fn hosting_api_is_in_the_runtime_version() {
	use sp_api::RuntimeApiInfo;
	let id =
		<dyn pallet_hosting::runtime_api::HostingApi<Block, AccountId, Balance, BlockNumber>>::ID;
	assert!(VERSION.apis.iter().any(|(api, _)| *api == id));
}

/// What committee ratings cost in full batches, checked on the generated weights (not a
/// timing). A round's requests are rated by their committee of three, each member sending
/// one full batch of them (one chunk seed a batch), and the three batches land in one
/// block, as the members' off-chain workers submit them after the same block: the first
/// writes the requests' first votes, the second adds its votes, the third closes every
/// request (an Active hoster staying Active, its record not written). Each batch is charged
/// what it did: signatures, chunk seeds, contact proofs and Merkle paths checked, requests
/// read and written, less the refunds it gets (the round's shared seed, the reads its
/// authorization made, the request writes merged with an earlier batch's in the block:
/// `pallet_hosting::block_writes`). At least RATINGS_PER_SECOND ratings fit in one second
/// of block weight. Should the batches of a round land in different blocks, nothing merges:
/// that rate, one in three ratings closing its request, keeps the lower floor
/// SPREAD_RATINGS_PER_SECOND. The figures and what they are made of are in the README. A
/// regenerated `weights.rs` that falls below fails here.
#[test]
fn committee_ratings_in_full_batches_keep_their_rate() {
	use frame_support::traits::Get;
	use pallet_hosting::requests::Closed;
	const RATINGS_PER_SECOND: u64 = 6_000;
	const SPREAD_RATINGS_PER_SECOND: u64 = 5_000;
	let full: u32 = <<Runtime as pallet_hosting::Config>::MaxRatingsPerBatch as Get<u32>>::get();
	let committee: u32 =
		<<Runtime as pallet_hosting::Config>::AttestorsPerRequest as Get<u32>>::get();
	assert!(committee >= 2, "a committee of {committee}");
	let db = <Runtime as frame_system::Config>::DbWeight::get();
	let second = frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND;
	let authorized = |read_before: u32| {
		Hosting::authorize_batch_weight(full, 1).saturating_sub(db.reads(read_before.into()))
	};
	let status_kept = Closed::Verdict { status_changed: false };

	// The committee's batches of a round in one block.
	let closing = vec![status_kept; full as usize];
	let first = authorized(0).saturating_add(Hosting::recorded_weight(full, &[], 0));
	let joining = authorized(full).saturating_add(Hosting::recorded_weight(full, &[], full));
	let last = authorized(full).saturating_add(Hosting::recorded_weight(0, &closing, full));
	let round = first
		.saturating_add(joining.saturating_mul(u64::from(committee - 2)))
		.saturating_add(last);
	let ratings = u64::from(committee * full);
	let per_second = ratings * second / round.ref_time();
	println!(
		"a round's {committee} full batches of {full} in one block weigh {} ps: {per_second} ratings a second",
		round.ref_time()
	);

	// Batches that each land in a block of their own, one rating in `committee` closing.
	let closes = full / committee;
	let spread = Hosting::recorded_weight(full - closes, &vec![status_kept; closes as usize], 0)
		.saturating_add(authorized(0));
	let spread_per_second = u64::from(full) * second / spread.ref_time();
	println!(
		"a full batch of {full} alone in its block ({closes} closing) weighs {} ps: \
		 {spread_per_second} ratings a second",
		spread.ref_time()
	);
	assert!(
		per_second >= RATINGS_PER_SECOND,
		"a round's batches in one block: {per_second} ratings a second"
	);
	assert!(
		spread_per_second >= SPREAD_RATINGS_PER_SECOND,
		"batches in blocks of their own: {spread_per_second} ratings a second"
	);
}

/// The request cap the weights allow: `MaxRequestsPerBlock` requests a block, each rated by
/// its committee in full batches charged as before their refunds (every rating closing its
/// request, every chunk seed its own), fit in a block's normal weight together with the
/// requests themselves; drawing their committees, closing as many at once and as many
/// more deferred by a multi-block migration fits in `on_initialize`.
#[test]
fn a_block_takes_its_full_request_budget_and_every_rating_of_it() {
	use frame_support::{dispatch::DispatchClass, traits::Get};
	use pallet_hosting::weights::WeightInfo;
	type W = pallet_hosting::weights::SubstrateWeight<Runtime>;
	type C = Runtime;
	let requests = <<C as pallet_hosting::Config>::MaxRequestsPerBlock as Get<u32>>::get();
	let committee = <<C as pallet_hosting::Config>::AttestorsPerRequest as Get<u32>>::get();
	let full = <<C as pallet_hosting::Config>::MaxRatingsPerBatch as Get<u32>>::get();
	let attestors = <<C as pallet_hosting::Config>::MaxAttestors as Get<u32>>::get();
	let ratings = requests * committee;
	let batches = ratings.div_ceil(full);
	// Charged before refunds: every rating closing, every chunk seed its own.
	let rating_weight = (Hosting::batch_weight_bound(full)
		.saturating_add(Hosting::authorize_batch_weight(full, full)))
	.saturating_mul(u64::from(batches));
	let request_weight =
		W::request_performance_benchmark(attestors).saturating_mul(u64::from(requests));
	let normal = rating_weight.saturating_add(request_weight);
	let limits = <C as frame_system::Config>::BlockWeights::get();
	let normal_max = limits.get(DispatchClass::Normal).max_total.expect("a normal limit");
	assert!(
		normal.all_lte(normal_max),
		"{requests} requests and their {ratings} ratings weigh {normal:?}, above {normal_max:?}"
	);
	let periodic = <<C as pallet_hosting::Config>::MaxBenchmarksPerBlock as Get<u32>>::get();
	let registrations =
		<<C as pallet_hosting::Config>::MaxRegistrationsPerBlock as Get<u32>>::get();
	let hook = W::on_initialize(3 * requests, periodic, registrations);
	assert!(hook.all_lte(limits.max_block), "on_initialize weighs {hook:?}");
}

#[test]
fn deposits_hold_what_the_constants_in_apps_say() {
	use frame_support::traits::{fungible::InspectHold, Consideration, Footprint};
	use pallet_hosting::HoldReason;
	ext_from_preset(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		let dave = sp_keyring::Sr25519Keyring::Dave.to_account_id();
		let footprint = Footprint::from_parts(1, 300);
		let expected = configs::DepositBase::get() + 300 * configs::DepositPerByte::get();
		let held = |reason: HoldReason| {
			Balances::balance_on_hold(&RuntimeHoldReason::Hosting(reason), &dave)
		};
		type C = <Runtime as pallet_hosting::Config>::FeedConsideration;
		type H = <Runtime as pallet_hosting::Config>::HosterConsideration;
		type S = <Runtime as pallet_hosting::Config>::HostingConsideration;
		let feed = C::new(&dave, footprint).unwrap();
		let hoster = H::new(&dave, footprint).unwrap();
		let hosting = S::new(&dave, footprint).unwrap();
		// Each under its own reason, so an account sees what each deposit is for.
		for reason in
			[HoldReason::FeedDeposit, HoldReason::HosterDeposit, HoldReason::HostingDeposit]
		{
			assert_eq!(held(reason), expected);
		}
		feed.drop(&dave).unwrap();
		hoster.drop(&dave).unwrap();
		hosting.drop(&dave).unwrap();
		assert_eq!(held(HoldReason::FeedDeposit) + held(HoldReason::HosterDeposit), 0);
	});
}

#[test]
fn root_can_raise_the_on_demand_limit_per_hoster_at_its_storage_key() {
	use codec::Encode;
	type Limit = <Runtime as pallet_hosting::Config>::MaxOnDemandPerHoster;
	ext_from_preset(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Limit::get(), 16);
		// The key the load benchmarks write with sudo(system.setStorage).
		let key = sp_io::hashing::twox_128(b":MaxOnDemandPerHoster:");
		sp_io::storage::set(&key, &4096u32.encode());
		assert_eq!(Limit::get(), 4096);
	});
}

/// The hosting pallet's version-7 migration runs through the runtime's
/// `pallet-migrations`: a chain at version 6 with a hoster's figures in the old
/// layout is at version 7 with the same figures after the migrator's steps, and
/// a block's budget translates thousands of hosters, so a chain with many
/// takes a handful of blocks, not one overweight block.
#[test]
fn the_multi_block_migration_runs_in_this_runtime() {
	use frame_support::{
		migrations::MultiStepMigrator,
		traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	};
	use pallet_hosting::migrations::v7::{old, upgraded, LazyMigrateV6ToV7};
	let service = configs::MigrationServiceWeight::get();
	let overhead = <pallet_migrations::weights::SubstrateWeight<Runtime> as pallet_migrations::WeightInfo>::progress_mbms_none()
		.saturating_add(MultiBlockMigrations::exec_migration_max_weight())
		.saturating_add(LazyMigrateV6ToV7::<Runtime>::begin_weight());
	let per_block = (service.ref_time() - overhead.ref_time())
		/ LazyMigrateV6ToV7::<Runtime>::record_weight().ref_time();
	assert!(per_block >= 2_000, "a block of migration translates only {per_block} hosters");

	ext_from_preset(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
		System::set_block_number(1);
		let dave = sp_keyring::Sr25519Keyring::Dave.to_account_id();
		let record = old::FiguresRecord {
			overall: old::Figures { samples: 4, last_update: 1, ..Default::default() },
			regions: Default::default(),
			last_verdict: None,
		};
		let _ = pallet_hosting::HosterFigures::<Runtime>::clear(u32::MAX, None);
		old::HosterFigures::<Runtime>::insert(&dave, &record);
		StorageVersion::new(6).put::<Hosting>();
		// What `Executive` runs on the first block of a new runtime.
		Migrations::on_runtime_upgrade();
		AllPalletsWithSystem::on_runtime_upgrade();
		assert!(<Runtime as frame_system::Config>::MultiBlockMigrator::ongoing());
		for _ in 0..3 {
			<Runtime as frame_system::Config>::MultiBlockMigrator::step();
		}
		assert!(!<Runtime as frame_system::Config>::MultiBlockMigrator::ongoing());
		assert_eq!(Hosting::on_chain_storage_version(), 7);
		assert_eq!(pallet_hosting::HosterFigures::<Runtime>::get(&dave), Some(upgraded(record)));
	});
}
