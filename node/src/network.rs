//! A chain spec for a network of the operator's own (`--chain network:<file>`):
//! its validators, attestors, sudo key and endowments come from a JSON file the
//! operator writes, and no well-known development key may appear in it.
//!
//! ```json
//! {
//!   "name": "Hosting Testnet",
//!   "id": "hosting_testnet",
//!   "bootNodes": ["/dns/boot.example.org/tcp/30333/p2p/12D3KooW..."],
//!   "validators": [{ "aura": "5F... (sr25519)", "grandpa": "5G... (ed25519)" }],
//!   "attestors": [{ "account": "5H...", "region": "eu", "key": "5C... (sr25519)" }],
//!   "sudo": "5D...",
//!   "endowed": [["5H...", 10000]]
//! }
//! ```
//!
//! Balances in `endowed` are whole tokens (12 decimals); every attestor's
//! account needs at least its bond (`AttestorBond`) plus the existential deposit.

use hosting_runtime::{AccountId, Runtime, EXISTENTIAL_DEPOSIT, UNIT};
use sc_chain_spec::ChainType;
use sc_network::config::MultiaddrWithPeerId;
use serde::Deserialize;
use sp_core::{crypto::Ss58Codec, ed25519, sr25519};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::chain_spec::{builder, ChainSpec};

/// What the operator writes.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Network {
	/// The chain's name, as apps show it.
	pub name: String,
	/// The chain's id: lowercase letters, digits and `_` (its database directory).
	pub id: String,
	/// Nodes a new node connects to first (multiaddresses with a peer id).
	#[serde(default)]
	pub boot_nodes: Vec<String>,
	/// Block producers (Aura, sr25519) and finality voters (GRANDPA, ed25519).
	pub validators: Vec<Validator>,
	/// Bonded attestors at genesis; more may register later.
	#[serde(default)]
	pub attestors: Vec<Attestor>,
	/// The account that may use `sudo` (upgrades).
	pub sudo: String,
	/// Accounts and their balances at genesis, in whole tokens.
	pub endowed: Vec<(String, u64)>,
}

/// One validator's session keys, as SS58.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Validator {
	/// Its Aura key (sr25519).
	pub aura: String,
	/// Its GRANDPA key (ed25519).
	pub grandpa: String,
}

/// One attestor: the bonded account, where it measures from, the key its node signs with.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Attestor {
	/// The account whose bond is held.
	pub account: String,
	/// Its region: a short printable name (`eu`, `us-east`, ...).
	pub region: String,
	/// The signing key its node's keystore holds under key type `host` (sr25519).
	pub key: String,
}

/// Reads `path` and builds its chain spec; any error names the field at fault.
pub fn chain_spec(path: &str) -> Result<ChainSpec, String> {
	let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
	let network: Network =
		serde_json::from_str(&text).map_err(|e| format!("{path}: not a network file: {e}"))?;
	build(&network).map_err(|e| format!("{path}: {e}"))
}

/// The chain spec of `network`, checked first.
pub fn build(network: &Network) -> Result<ChainSpec, String> {
	let patch = genesis_patch(network)?;
	let boot_nodes = network
		.boot_nodes
		.iter()
		.map(|a| a.parse::<MultiaddrWithPeerId>().map_err(|e| format!("bootNodes: {a}: {e}")))
		.collect::<Result<Vec<_>, _>>()?;
	Ok(builder()?
		.with_name(&network.name)
		.with_id(&network.id)
		.with_chain_type(ChainType::Live)
		.with_boot_nodes(boot_nodes)
		.with_genesis_config_patch(patch)
		.build())
}

/// The genesis config patch of `network`, or what is wrong with it.
pub fn genesis_patch(network: &Network) -> Result<serde_json::Value, String> {
	if network.name.trim().is_empty() {
		return Err("name: empty".into());
	}
	if network.id.is_empty()
		|| !network
			.id
			.bytes()
			.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
	{
		return Err(format!("id: {:?}: use lowercase letters, digits and _", network.id));
	}
	if network.validators.is_empty() {
		return Err("validators: at least one is needed to produce blocks".into());
	}
	let mut aura = Vec::new();
	let mut grandpa = Vec::new();
	for (i, v) in network.validators.iter().enumerate() {
		aura.push(sr25519_key(&v.aura, &format!("validators[{i}].aura"))?);
		grandpa.push(ed25519_key(&v.grandpa, &format!("validators[{i}].grandpa"))?);
	}
	distinct(&aura, "validators: an Aura key appears twice")?;
	distinct(&grandpa, "validators: a GRANDPA key appears twice")?;
	let sudo = account(&network.sudo, "sudo")?;
	let mut endowed = Vec::new();
	for (i, (who, tokens)) in network.endowed.iter().enumerate() {
		let who = account(who, &format!("endowed[{i}]"))?;
		let planck = u128::from(*tokens)
			.checked_mul(UNIT)
			.filter(|p| *p >= EXISTENTIAL_DEPOSIT)
			.ok_or_else(|| format!("endowed[{i}]: give at least one token"))?;
		endowed.push((who, planck));
	}
	distinct(
		&endowed.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>(),
		"endowed: an account appears twice",
	)?;
	let bond: u128 = <Runtime as pallet_hosting::Config>::AttestorBond::get();
	let mut attestors = Vec::new();
	for (i, a) in network.attestors.iter().enumerate() {
		let field = format!("attestors[{i}]");
		let who = account(&a.account, &format!("{field}.account"))?;
		let key = AccountId::from(sr25519_key(&a.key, &format!("{field}.key"))?);
		if key == who {
			return Err(format!("{field}: the key must not be the bonded account's own"));
		}
		if !pallet_hosting::is_valid_region(a.region.as_bytes())
			|| pallet_hosting::Region::try_from(a.region.as_bytes().to_vec()).is_err()
		{
			return Err(format!("{field}.region: {:?} is not a region", a.region));
		}
		let funds = endowed.iter().find(|(e, _)| *e == who).map_or(0, |(_, p)| *p);
		if funds < bond + EXISTENTIAL_DEPOSIT {
			return Err(format!(
				"{field}: its account needs at least {} tokens in endowed for its bond",
				(bond + EXISTENTIAL_DEPOSIT).div_ceil(UNIT)
			));
		}
		attestors.push((who, a.region.as_bytes().to_vec(), key));
	}
	distinct(
		&attestors.iter().map(|(a, _, _)| a.clone()).collect::<Vec<_>>(),
		"attestors: an account appears twice",
	)?;
	distinct(
		&attestors.iter().map(|(_, _, k)| k.clone()).collect::<Vec<_>>(),
		"attestors: a key appears twice",
	)?;
	Ok(serde_json::json!({
		"balances": { "balances": endowed.iter().map(|(a, p)| (a.to_ss58check(), *p)).collect::<Vec<_>>() },
		"aura": { "authorities": aura.iter().map(|k| k.to_ss58check()).collect::<Vec<_>>() },
		"grandpa": { "authorities": grandpa.iter().map(|k| (k.to_ss58check(), 1)).collect::<Vec<_>>() },
		"sudo": { "key": sudo.to_ss58check() },
		"hosting": {
			"attestors": attestors
				.iter()
				.map(|(a, r, k)| (a.to_ss58check(), r.clone(), k.to_ss58check()))
				.collect::<Vec<_>>(),
			"allowLocalEndpoints": false,
		},
	}))
}

/// The raw public keys of every well-known development account.
fn development_keys() -> Vec<[u8; 32]> {
	Sr25519Keyring::iter()
		.map(|k| k.public().0)
		.chain(Ed25519Keyring::iter().map(|k| k.public().0))
		.collect()
}

/// Refuses a key anyone can sign with.
fn not_development(raw: [u8; 32], field: &str) -> Result<(), String> {
	if development_keys().contains(&raw) {
		return Err(format!("{field}: a well-known development key, which anyone can sign with"));
	}
	Ok(())
}

fn sr25519_key(ss58: &str, field: &str) -> Result<sr25519::Public, String> {
	let key = sr25519::Public::from_ss58check(ss58)
		.map_err(|e| format!("{field}: {ss58:?} is not an SS58 key: {e:?}"))?;
	not_development(key.0, field)?;
	Ok(key)
}

fn ed25519_key(ss58: &str, field: &str) -> Result<ed25519::Public, String> {
	let key = ed25519::Public::from_ss58check(ss58)
		.map_err(|e| format!("{field}: {ss58:?} is not an SS58 key: {e:?}"))?;
	not_development(key.0, field)?;
	Ok(key)
}

fn account(ss58: &str, field: &str) -> Result<AccountId, String> {
	let who = AccountId::from_ss58check(ss58)
		.map_err(|e| format!("{field}: {ss58:?} is not an SS58 account: {e:?}"))?;
	let raw: [u8; 32] = *who.as_ref();
	not_development(raw, field)?;
	Ok(who)
}

fn distinct<T: PartialEq>(items: &[T], error: &str) -> Result<(), String> {
	for (i, a) in items.iter().enumerate() {
		if items[..i].contains(a) {
			return Err(error.into());
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use sc_chain_spec::ChainSpec as _;
	use sp_core::Pair;

	/// A network of two validators and two attestors, all with fresh keys.
	fn fresh() -> (Network, Vec<AccountId>) {
		let sr = || sr25519::Pair::generate().0.public();
		let ed = || ed25519::Pair::generate().0.public();
		let accounts: Vec<AccountId> = (0..3).map(|_| AccountId::from(sr())).collect();
		let network = Network {
			name: "Hosting Testnet".into(),
			id: "hosting_testnet".into(),
			boot_nodes: vec![
				"/ip4/10.0.0.1/tcp/30333/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"
					.into(),
			],
			validators: (0..2)
				.map(|_| Validator { aura: sr().to_ss58check(), grandpa: ed().to_ss58check() })
				.collect(),
			attestors: accounts[..2]
				.iter()
				.zip(["eu", "us"])
				.map(|(a, region)| Attestor {
					account: a.to_ss58check(),
					region: region.into(),
					key: sr().to_ss58check(),
				})
				.collect(),
			sudo: accounts[2].to_ss58check(),
			endowed: accounts.iter().map(|a| (a.to_ss58check(), 100_000)).collect(),
		};
		(network, accounts)
	}

	#[test]
	fn a_network_file_becomes_a_chain_with_its_validators_attestors_and_balances() {
		let (network, accounts) = fresh();
		let spec = build(&network).expect("a valid network");
		assert_eq!(
			(spec.name(), spec.id(), spec.boot_nodes().len()),
			("Hosting Testnet", "hosting_testnet", 1)
		);
		let storage = spec.as_storage_builder().build_storage().expect("the runtime accepts it");
		sp_io::TestExternalities::new(storage).execute_with(|| {
			let attestors: Vec<(AccountId, Vec<u8>)> =
				pallet_hosting::ActiveAttestors::<Runtime>::get()
					.into_iter()
					.map(|(a, r)| (a, r.to_vec()))
					.collect();
			assert_eq!(
				attestors,
				vec![(accounts[0].clone(), b"eu".to_vec()), (accounts[1].clone(), b"us".to_vec())]
			);
			let grandpa = hosting_runtime::Grandpa::grandpa_authorities();
			assert_eq!(grandpa.len(), 2);
			let sudo_key =
				[sp_io::hashing::twox_128(b"Sudo"), sp_io::hashing::twox_128(b"Key")].concat();
			let sudo = sp_io::storage::get(&sudo_key)
				.and_then(|v| <AccountId as sp_runtime::codec::Decode>::decode(&mut &v[..]).ok());
			assert_eq!(sudo, Some(accounts[2].clone()));
			let bond = <Runtime as pallet_hosting::Config>::AttestorBond::get();
			assert_eq!(
				hosting_runtime::Balances::free_balance(&accounts[0]),
				100_000 * UNIT - bond
			);
			assert_eq!(hosting_runtime::Balances::free_balance(&accounts[2]), 100_000 * UNIT);
			// Hosters on a public network register public endpoints only.
			assert!(!pallet_hosting::AllowLocalEndpoints::<Runtime>::get());
		});
	}

	/// A way to spoil a network file: its name, the change, the error's start.
	type Spoiled<'a> = (&'static str, Box<dyn Fn(&mut Network) + 'a>, &'static str);

	#[test]
	fn development_keys_and_bad_input_are_refused_naming_the_field() {
		let alice = Sr25519Keyring::Alice.to_account_id().to_ss58check();
		let alice_grandpa = Ed25519Keyring::Alice.public().to_ss58check();
		let cases: Vec<Spoiled<'_>> = vec![
			(
				"sudo is Alice",
				Box::new(|n| n.sudo = alice.clone()),
				"sudo: a well-known development key",
			),
			(
				"a validator is Alice",
				Box::new(|n| n.validators[0].grandpa = alice_grandpa.clone()),
				"validators[0].grandpa: a well-known development key",
			),
			(
				"an attestor's key is Alice's",
				Box::new(|n| n.attestors[1].key = alice.clone()),
				"attestors[1].key: a well-known development key",
			),
			(
				"an endowed account is Alice",
				Box::new(|n| n.endowed.push((alice.clone(), 5))),
				"endowed[3]: a well-known development key",
			),
			("no validator", Box::new(|n| n.validators.clear()), "validators: at least one"),
			(
				"a key that is not SS58",
				Box::new(|n| n.validators[1].aura = "5Gx".into()),
				"validators[1].aura: \"5Gx\" is not an SS58 key",
			),
			("a bad id", Box::new(|n| n.id = "Hosting Net".into()), "id: \"Hosting Net\""),
			(
				"an empty region",
				Box::new(|n| n.attestors[0].region = "".into()),
				"attestors[0].region",
			),
			(
				"a region too long",
				Box::new(|n| n.attestors[1].region = "r".repeat(100)),
				"attestors[1].region",
			),
			(
				"an attestor too poor to bond",
				Box::new(|n| n.endowed[0].1 = 10),
				"attestors[0]: its account needs at least",
			),
			(
				"an attestor signing with its own account",
				Box::new(|n| n.attestors[0].key = n.attestors[0].account.clone()),
				"attestors[0]: the key must not be the bonded account's own",
			),
			(
				"one key for two attestors",
				Box::new(|n| n.attestors[1].key = n.attestors[0].key.clone()),
				"attestors: a key appears twice",
			),
			(
				"a bad boot node",
				Box::new(|n| n.boot_nodes[0] = "/ip4/1.2.3.4".into()),
				"bootNodes: /ip4/1.2.3.4",
			),
		];
		for (name, spoil, expected) in cases {
			let (mut network, _) = fresh();
			spoil(&mut network);
			let error = build(&network).map(|_| ()).expect_err(name);
			assert!(error.starts_with(expected), "{name}: {error}");
		}
	}

	#[test]
	fn a_file_that_is_not_a_network_is_refused() {
		let dir = std::env::temp_dir().join(format!("network-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("network.json");
		std::fs::write(
			&path,
			r#"{"name": "x", "id": "x", "validators": [], "sudo": "", "endowed": [], "extra": 1}"#,
		)
		.unwrap();
		let error = chain_spec(path.to_str().unwrap()).map(|_| ()).unwrap_err();
		assert!(error.contains("not a network file") && error.contains("extra"), "{error}");
		let error = chain_spec(dir.join("missing.json").to_str().unwrap()).map(|_| ()).unwrap_err();
		assert!(error.contains("missing.json"), "{error}");
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
