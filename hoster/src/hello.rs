//! The hoster's greeting: who it is on chain, the key it proves contact with,
//! and the feeds it holds with their lengths, signed with that contact key.
//!
//! One message, two carriers: `GET /hello` over HTTP (every feed), and the
//! `hosting-extension` of the Hypercore protocol (the feed of the channel),
//! whose peer checks the signature, that the contact key is the Noise key of
//! the connection, and that the chain's `Hosters` entry of the account names
//! the same contact key (`scripts/client/hoster-check.mjs`).

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

/// What the signature starts with: names the message and its version.
pub const HELLO_CONTEXT: &[u8] = b"hosting/hello/v2";

/// A feed the hoster holds, and how many of its blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldFeed {
	/// Feed key.
	pub key: [u8; 32],
	/// Blocks held (the length of the signed state stored).
	pub length: u64,
}

/// The signed bytes: [`HELLO_CONTEXT`], the account (32 zero bytes if none), the
/// contact key, the number of feeds (u32 LE), then each feed's key and length (u64 LE).
pub fn hello_message(account: &[u8; 32], contact_key: &[u8; 32], feeds: &[HeldFeed]) -> Vec<u8> {
	let mut message = Vec::with_capacity(HELLO_CONTEXT.len() + 68 + feeds.len() * 40);
	message.extend_from_slice(HELLO_CONTEXT);
	message.extend_from_slice(account);
	message.extend_from_slice(contact_key);
	message.extend_from_slice(&(feeds.len() as u32).to_le_bytes());
	for feed in feeds {
		message.extend_from_slice(&feed.key);
		message.extend_from_slice(&feed.length.to_le_bytes());
	}
	message
}

/// A feed in the greeting's JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonHeldFeed {
	/// Feed key, hex.
	pub key: String,
	/// Blocks held.
	pub length: u64,
}

/// The greeting as JSON: `{account, contact_key, feeds: [{key, length}], signature}`,
/// hex throughout (`account` null when the hoster names none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
	/// The hoster's chain account, hex.
	pub account: Option<String>,
	/// Its contact key, hex.
	pub contact_key: String,
	/// The feeds it holds.
	pub feeds: Vec<JsonHeldFeed>,
	/// Ed25519 signature of [`hello_message`] by the contact key, hex.
	pub signature: String,
}

/// The greeting of the hoster with `contact` key and `account`, for `feeds`.
pub fn signed_hello(contact: &SigningKey, account: Option<[u8; 32]>, feeds: &[HeldFeed]) -> Hello {
	let contact_key = contact.verifying_key().to_bytes();
	let signature = contact.sign(&hello_message(&account.unwrap_or([0; 32]), &contact_key, feeds));
	Hello {
		account: account.map(hex::encode),
		contact_key: hex::encode(contact_key),
		feeds: feeds
			.iter()
			.map(|f| JsonHeldFeed { key: hex::encode(f.key), length: f.length })
			.collect(),
		signature: hex::encode(signature.to_bytes()),
	}
}

#[cfg(test)]
mod tests {
	use ed25519_dalek::{Signature, Verifier};

	use super::*;

	#[test]
	fn the_signature_covers_account_contact_key_feeds_and_lengths() {
		let contact = SigningKey::from_bytes(&[7; 32]);
		let feeds = [HeldFeed { key: [1; 32], length: 10 }, HeldFeed { key: [2; 32], length: 3 }];
		let hello = signed_hello(&contact, Some([5; 32]), &feeds);
		let signature = Signature::from_slice(&hex::decode(&hello.signature).unwrap()).unwrap();
		let key = contact.verifying_key();
		let message = hello_message(&[5; 32], &key.to_bytes(), &feeds);
		assert!(key.verify(&message, &signature).is_ok());
		// Any other length, feed or account is another message.
		let longer = [HeldFeed { key: [1; 32], length: 11 }, feeds[1]];
		assert!(key
			.verify(&hello_message(&[5; 32], &key.to_bytes(), &longer), &signature)
			.is_err());
		assert!(key
			.verify(&hello_message(&[6; 32], &key.to_bytes(), &feeds), &signature)
			.is_err());
		assert!(key
			.verify(&hello_message(&[5; 32], &key.to_bytes(), &feeds[..1]), &signature)
			.is_err());
		assert_eq!(hello.feeds[0], JsonHeldFeed { key: hex::encode([1; 32]), length: 10 });
		assert_eq!(hello.account, Some(hex::encode([5; 32])));
	}

	#[test]
	fn the_message_layout_is_fixed() {
		let message = hello_message(&[5; 32], &[6; 32], &[HeldFeed { key: [1; 32], length: 258 }]);
		assert_eq!(&message[..16], HELLO_CONTEXT);
		assert_eq!(&message[16..48], &[5; 32]);
		assert_eq!(&message[48..80], &[6; 32]);
		assert_eq!(&message[80..84], &[1, 0, 0, 0]);
		assert_eq!(&message[84..116], &[1; 32]);
		assert_eq!(&message[116..], &[2, 1, 0, 0, 0, 0, 0, 0]);
	}
}
