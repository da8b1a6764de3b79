//! Chain accounts as people write and read them: SS58 (what polkadot.js apps
//! shows) or 64 hex characters in, SS58 out, with the well-known development
//! accounts (`//Alice` … `//Ferdie`, and their stashes, the development
//! chains' attestors) named.

use std::sync::OnceLock;

use subxt::utils::AccountId32;
use subxt_signer::{sr25519::Keypair, SecretUri};

/// An account that is neither SS58 nor 64 hex characters.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an account: expected an SS58 address (as polkadot.js apps shows it) or 64 hex characters")]
pub struct NotAnAccount(pub String);

/// Reads an account written as SS58 (any network prefix) or as 64 hex
/// characters, with or without `0x`.
pub fn parse_account(text: &str) -> Result<[u8; 32], NotAnAccount> {
	let text = text.trim();
	let hex = text.strip_prefix("0x").unwrap_or(text);
	if hex.len() == 64 {
		if let Ok(bytes) = hex::decode(hex) {
			if let Ok(account) = <[u8; 32]>::try_from(bytes) {
				return Ok(account);
			}
		}
	}
	text.parse::<AccountId32>()
		.map(|a| a.0)
		.map_err(|_| NotAnAccount(text.to_owned()))
}

/// The account's SS58 address with the generic Substrate prefix (42), as
/// polkadot.js apps shows it on a development chain.
pub fn ss58(account: &[u8; 32]) -> String {
	AccountId32(*account).to_string()
}

/// The development accounts by name: `//Alice` … `//Ferdie`, and the stash
/// accounts `//Alice//stash` … (the development chains' attestors).
fn dev_accounts() -> &'static [(String, [u8; 32])] {
	static ACCOUNTS: OnceLock<Vec<(String, [u8; 32])>> = OnceLock::new();
	ACCOUNTS.get_or_init(|| {
		let names = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
		let account = |uri: String| {
			let uri: SecretUri = uri.parse().expect("a development account's URI parses");
			Keypair::from_uri(&uri).expect("a development account derives").public_key().0
		};
		names
			.iter()
			.map(|name| (name.to_string(), account(format!("//{name}"))))
			.chain(
				names
					.iter()
					.map(|name| (format!("{name}Stash"), account(format!("//{name}//stash")))),
			)
			.collect()
	})
}

/// The development account's name (`Dave`, `AliceStash`), if it is one.
pub fn dev_name(account: &[u8; 32]) -> Option<&'static str> {
	dev_accounts().iter().find(|(_, a)| a == account).map(|(name, _)| name.as_str())
}

/// The account for people: `Dave (5DAAnr…)` for a development account, else
/// its SS58 address.
pub fn display_account(account: &[u8; 32]) -> String {
	match dev_name(account) {
		Some(name) => format!("{name} ({})", ss58(account)),
		None => ss58(account),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Dave's account as polkadot.js apps shows it, and as 32 bytes.
	const DAVE_SS58: &str = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";
	const DAVE_HEX: &str = "306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20";

	#[test]
	fn ss58_and_hex_read_as_the_same_account_and_print_as_ss58() {
		let from_ss58 = parse_account(DAVE_SS58).unwrap();
		assert_eq!(hex::encode(from_ss58), DAVE_HEX);
		assert_eq!(parse_account(DAVE_HEX), Ok(from_ss58));
		assert_eq!(parse_account(&format!("0x{DAVE_HEX}")), Ok(from_ss58));
		assert_eq!(ss58(&from_ss58), DAVE_SS58);
		assert_eq!(display_account(&from_ss58), format!("Dave ({DAVE_SS58})"));
		assert_eq!(display_account(&[7; 32]), ss58(&[7; 32]));
		assert_eq!(parse_account(&ss58(&[7; 32])), Ok([7; 32]));
		assert_eq!(dev_name(&from_ss58), Some("Dave"));
		assert_eq!(dev_name(&[7; 32]), None);
	}

	#[test]
	fn the_dev_chains_attestors_are_named_too() {
		// AliceStash, as the dev chain spec and polkadot.js apps name it.
		let stash = parse_account("5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY").unwrap();
		assert_eq!(dev_name(&stash), Some("AliceStash"));
		assert!(display_account(&stash).starts_with("AliceStash (5GNJqT"));
	}

	#[test]
	fn anything_else_is_refused_with_what_was_expected() {
		let mut broken_checksum = DAVE_SS58.to_owned();
		broken_checksum.replace_range(47.., "z");
		for bad in ["", "Dave", "0x1234", &DAVE_HEX[..63], &"zz".repeat(32), &broken_checksum] {
			let err = parse_account(bad).unwrap_err();
			assert!(err.to_string().contains("expected an SS58 address"), "{bad}: {err}");
		}
	}
}
