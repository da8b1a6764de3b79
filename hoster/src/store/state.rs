//! A feed's signed state and its JSON form (`header.json`, `GET /feeds/{key}`).

use hypercore_verify::{
	hashes, verify_feed, wire::decode_hex32, KeyMode, Node, PureRust, SignedTree,
};
use serde::{Deserialize, Serialize};

use super::{NotHex32, StoreError};

/// The signed state of a feed (`header.json`, and `GET /feeds/{key}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedState {
	/// Feed key.
	pub key: [u8; 32],
	/// Key mode.
	pub mode: KeyMode,
	/// Ed25519 key that signs.
	pub signer: [u8; 32],
	/// Encoded manifest (manifest mode).
	pub manifest: Option<Vec<u8>>,
	/// Number of blocks.
	pub length: u64,
	/// Fork id.
	pub fork: u64,
	/// Full roots at `length`.
	pub roots: Vec<Node>,
	/// Signature as the JS core stores it.
	pub signature: Vec<u8>,
}

/// JSON form of a node: hex hash.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JsonNode {
	/// Flat-tree index.
	pub index: u64,
	/// Bytes below.
	pub size: u64,
	/// Hash, 64 lowercase hex characters.
	pub hash: String,
}

impl From<&Node> for JsonNode {
	fn from(n: &Node) -> Self {
		JsonNode { index: n.index, size: n.size, hash: hex::encode(n.hash) }
	}
}

impl TryFrom<&JsonNode> for Node {
	type Error = NotHex32;
	fn try_from(n: &JsonNode) -> Result<Self, NotHex32> {
		Ok(Node { index: n.index, size: n.size, hash: hex32(&n.hash)? })
	}
}

/// JSON form of a feed's state: the test vectors' shape without the blocks.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct JsonState {
	/// `compat` or `manifest`.
	pub mode: String,
	/// Feed key.
	pub key: String,
	/// Signer key.
	pub signer: String,
	/// Manifest bytes, or null.
	pub manifest: Option<String>,
	/// Number of blocks.
	pub length: u64,
	/// Fork id.
	pub fork: u64,
	/// Roots.
	pub roots: Vec<JsonNode>,
	/// Tree hash of the roots.
	pub tree_hash: String,
	/// Signature.
	pub signature: String,
}

/// Parses 64 hex characters (either case).
pub fn hex32(s: &str) -> Result<[u8; 32], NotHex32> {
	decode_hex32(s).ok_or_else(|| NotHex32(s.into()))
}

impl FeedState {
	/// The JSON form.
	pub fn to_json(&self) -> JsonState {
		JsonState {
			mode: mode_name(self.mode).into(),
			key: hex::encode(self.key),
			signer: hex::encode(self.signer),
			manifest: self.manifest.as_ref().map(hex::encode),
			length: self.length,
			fork: self.fork,
			roots: self.roots.iter().map(JsonNode::from).collect(),
			tree_hash: hex::encode(hashes::tree::<PureRust>(&self.roots)),
			signature: hex::encode(&self.signature),
		}
	}

	/// Reads the JSON form and verifies the signature.
	pub fn from_json(json: &JsonState) -> Result<Self, StoreError> {
		let state = FeedState {
			key: hex32(&json.key)?,
			mode: parse_mode(&json.mode)?,
			signer: hex32(&json.signer)?,
			manifest: json.manifest.as_deref().map(hex::decode).transpose()?,
			length: json.length,
			fork: json.fork,
			roots: json.roots.iter().map(Node::try_from).collect::<Result<_, _>>()?,
			signature: hex::decode(&json.signature)?,
		};
		state.verify()?;
		Ok(state)
	}

	/// Checks the signature over roots, length and fork.
	pub fn verify(&self) -> Result<(), StoreError> {
		let verified = verify_feed::<PureRust>(&SignedTree {
			key: &self.key,
			mode: self.mode,
			manifest: self.manifest.as_deref(),
			length: self.length,
			fork: self.fork,
			roots: &self.roots,
			signature: &self.signature,
		})
		.map_err(StoreError::BadSignature)?;
		if verified.signer != self.signer {
			return Err(StoreError::WrongSigner { named: self.signer, signed: verified.signer });
		}
		Ok(())
	}
}

/// `compat` or `manifest`.
pub fn mode_name(mode: KeyMode) -> &'static str {
	match mode {
		KeyMode::Compat => "compat",
		KeyMode::Manifest => "manifest",
	}
}

/// Parses `compat` or `manifest`.
pub fn parse_mode(s: &str) -> Result<KeyMode, StoreError> {
	match s {
		"compat" => Ok(KeyMode::Compat),
		"manifest" => Ok(KeyMode::Manifest),
		other => Err(StoreError::UnknownMode(other.into())),
	}
}
