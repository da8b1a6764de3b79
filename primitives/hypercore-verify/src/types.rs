//! The SCALE-encoded types shared by the chain, the attestor and the hoster.

use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::crypto::Hash;

/// Largest block (chunk) a [`BlockProof`] may carry: 4 MiB.
pub const MAX_BLOCK_SIZE: u32 = 4 * 1024 * 1024;

/// Most nodes on a path from a leaf to its root, and most roots of a tree: a
/// tree of at most [`MAX_LENGTH`] blocks is at most 63 levels deep and has at
/// most 63 roots.
pub const MAX_TREE_DEPTH: u32 = 64;

/// Longest feed this crate handles: every flat-tree index of it fits in a `u64`.
pub const MAX_LENGTH: u64 = u64::MAX >> 1;

/// Bytes of one block.
pub type BlockValue = BoundedVec<u8, ConstU32<MAX_BLOCK_SIZE>>;
/// The sibling path of a block, leaf level first.
pub type PathNodes = BoundedVec<Node, ConstU32<MAX_TREE_DEPTH>>;
/// The full roots of a tree, left to right.
pub type Roots = BoundedVec<Node, ConstU32<MAX_TREE_DEPTH>>;

/// A node of a Hypercore Merkle tree.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub struct Node {
	/// Flat-tree index (leaf `i` is `2i`).
	pub index: u64,
	/// Bytes of all blocks below this node.
	pub size: u64,
	/// BLAKE2b-256 node hash.
	pub hash: Hash,
}

/// How a feed's public key relates to its signer.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum KeyMode {
	/// The feed key is the signer's Ed25519 public key; the signature is 64 raw
	/// bytes over the 80-byte compat signable (Hypercore 10's default).
	Compat,
	/// The feed key is the hash of a manifest naming the signer; the signature is
	/// a multisig blob over the 112-byte signable (Hypercore 11's default).
	Manifest,
}

/// A block with what proves it belongs to a feed at a given length.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct BlockProof {
	/// Block number (not the flat-tree index).
	pub index: u64,
	/// The block's bytes.
	pub value: BlockValue,
	/// Sibling nodes from the leaf up to (not including) the block's root.
	pub nodes: PathNodes,
	/// The other full roots of the tree at the proof's length, left to right.
	/// Needed only when verifying against a tree hash; may be empty otherwise.
	pub roots: Roots,
}
