//! Genesis presets: `development` (one validator, Alice, whose node holds
//! the keys of all three attestors) and `local_testnet` (Alice, Bob, Charlie
//! and Dave validate; Alice, Bob and Charlie also attest, each from its own
//! region).
//!
//! An attestor is a bonded account (`AliceStash`, ...) that names a signing
//! key of its own: the node's `host` key (`//Alice`, ...), never the bonded
//! account's key.
//!
//! Why four validators for three attestors: GRANDPA finalizes with more than
//! two thirds of the voters (threshold = n - (n-1)/3), so with three voters it
//! needs all three and one stopped validator stalls finality. Four voters
//! tolerate one fault; Dave is the fourth.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{AccountId, BalancesConfig, HostingConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// Every dev account starts with this balance.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// `validators` produce and finalize blocks; `attestors` (bonded account,
/// region, signing key) measure hosters.
/// `allow_local_endpoints` lets hosters register loopback and private
/// endpoints: for chains that run on one machine.
fn genesis(
	validators: &[(Sr25519Keyring, Ed25519Keyring)],
	attestors: &[(Sr25519Keyring, &str, Sr25519Keyring)],
	root: AccountId,
	allow_local_endpoints: bool,
) -> Value {
	let endowed: Vec<AccountId> = Sr25519Keyring::iter().map(|k| k.to_account_id()).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>()
		},
		aura: pallet_aura::GenesisConfig {
			authorities: validators.iter().map(|v| AuraId::from(v.0.public())).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: validators
				.iter()
				.map(|v| (GrandpaId::from(v.1.public()), 1))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		hosting: HostingConfig {
			attestors: attestors
				.iter()
				.map(|a| (a.0.to_account_id(), a.1.as_bytes().to_vec(), a.2.to_account_id()))
				.collect::<Vec<_>>(),
			allow_local_endpoints,
		},
	})
}

/// One validator, Alice; three attestors (`AliceStash`, `BobStash`,
/// `CharlieStash`, region `local`) whose keys (`//Alice`, `//Bob`,
/// `//Charlie`) the development node holds, so a committee of three rates
/// every request on one machine. Hosters may register loopback endpoints.
pub fn development_config_genesis() -> Value {
	genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		&[
			(Sr25519Keyring::AliceStash, "local", Sr25519Keyring::Alice),
			(Sr25519Keyring::BobStash, "local", Sr25519Keyring::Bob),
			(Sr25519Keyring::CharlieStash, "local", Sr25519Keyring::Charlie),
		],
		Sr25519Keyring::Alice.to_account_id(),
		true,
	)
}

/// Alice, Bob, Charlie and Dave validate (four GRANDPA voters tolerate one
/// stopped validator); `AliceStash`, `BobStash` and `CharlieStash` attest
/// from regions `eu`, `us`, `ap`, signing with their validators' `host` keys.
/// Its nodes run on one machine, so hosters may register loopback endpoints.
pub fn local_config_genesis() -> Value {
	genesis(
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		&[
			(Sr25519Keyring::AliceStash, "eu", Sr25519Keyring::Alice),
			(Sr25519Keyring::BobStash, "us", Sr25519Keyring::Bob),
			(Sr25519Keyring::CharlieStash, "ap", Sr25519Keyring::Charlie),
		],
		Sr25519Keyring::Alice.to_account_id(),
		true,
	)
}

/// The JSON of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|s| s.into_bytes())
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
