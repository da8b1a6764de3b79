//! Decoding a served block (the SCALE-encoded [`BlockProof`](crate::BlockProof)
//! a hoster answers a block request with) where it was received, without
//! copying its bytes ([`decode_served_block`]).
//!
//! An attestor verifies hundreds of blocks of up to 64 KiB in one off-chain run.
//! Decoding each into a [`BlockProof`](crate::BlockProof) copies the block, and hashing it through
//! a host function that takes one buffer copies it again to put the 9-byte leaf
//! header in front. In a runtime built for the wasm MVP every copy is a byte
//! loop, so this decoder reads the block in place and hashes it in place instead:
//! the SCALE encoding puts at least 9 bytes (the `u64` index and the compact
//! length) right before the block's bytes, and once read they are overwritten
//! with the leaf header (`0x00 ‖ u64le(len)`).

use codec::{Compact, Decode};

use crate::{
	block::{verify_leaf, Anchor, BlockError},
	crypto::{Crypto, Hash},
	types::{PathNodes, Roots, MAX_BLOCK_SIZE},
};

/// Bytes of the leaf header hashed before a block: type byte and `u64le` length.
const LEAF_HEADER_LEN: usize = 9;

/// A served [`BlockProof`](crate::BlockProof) decoded for verification: the block's bytes are replaced by
/// their leaf hash and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedServedBlock {
	/// Block number.
	pub index: u64,
	/// Bytes in the block.
	pub size: u64,
	/// The block's leaf hash (`hashes::leaf` of its bytes).
	pub leaf_hash: Hash,
	/// Sibling nodes from the leaf up to (not including) the block's root.
	pub nodes: PathNodes,
	/// The other full roots of the tree at the proof's length.
	pub roots: Roots,
}

impl HashedServedBlock {
	/// Verifies the block against `anchor` at `length`, as [`crate::verify_block`]
	/// does for the decoded [`BlockProof`](crate::BlockProof); returns the leaf hash.
	pub fn verify<C: Crypto>(&self, anchor: Anchor<'_>, length: u64) -> Result<Hash, BlockError> {
		verify_leaf::<C>(
			anchor,
			length,
			self.index,
			(self.leaf_hash, self.size),
			&self.nodes,
			&self.roots,
		)
	}
}

/// Decodes the SCALE encoding of a [`BlockProof`](crate::BlockProof) that fills `body` exactly
/// (as `BlockProof::decode_all` would accept it) and hashes its block in place.
///
/// `body` is scratch space: on success the 9 bytes before the block are
/// overwritten. On error it is left as it was.
pub fn decode_served_block<C: Crypto>(body: &mut [u8]) -> Result<HashedServedBlock, codec::Error> {
	let mut input: &[u8] = body;
	let index = u64::decode(&mut input)?;
	let Compact(len) = Compact::<u32>::decode(&mut input)?;
	if len > MAX_BLOCK_SIZE {
		return Err("served block: block larger than MAX_BLOCK_SIZE".into());
	}
	let start = body.len() - input.len();
	let end = start
		.checked_add(len as usize)
		.filter(|&end| end <= body.len())
		.ok_or("served block: body ends inside the block")?;
	let mut rest = &body[end..];
	let nodes = PathNodes::decode(&mut rest)?;
	let roots = Roots::decode(&mut rest)?;
	if !rest.is_empty() {
		return Err("served block: bytes after the roots".into());
	}
	// `start` >= 8 (index) + 1 (shortest compact length) = LEAF_HEADER_LEN.
	let header = start
		.checked_sub(LEAF_HEADER_LEN)
		.ok_or("served block: no room for the leaf header")?;
	body[header] = 0;
	body[header + 1..start].copy_from_slice(&u64::from(len).to_le_bytes());
	let leaf_hash = C::blake2b_256(&[&body[header..end]]);
	Ok(HashedServedBlock { index, size: len.into(), leaf_hash, nodes, roots })
}
