//! The node hashes of a Hypercore Merkle tree (hypercore-crypto), byte-exact:
//!
//! * leaf:   `H(0x00 ‖ u64le(len) ‖ data)`
//! * parent: `H(0x01 ‖ u64le(left.size + right.size) ‖ left.hash ‖ right.hash)`
//! * tree:   `H(0x02 ‖ for each root: hash ‖ u64le(index) ‖ u64le(size))`

use crate::{
	crypto::{Crypto, Hash},
	Node,
};

const LEAF_TYPE: [u8; 1] = [0];
const PARENT_TYPE: [u8; 1] = [1];
const ROOT_TYPE: [u8; 1] = [2];

/// Hash of the leaf node holding `data`.
pub fn leaf<C: Crypto>(data: &[u8]) -> Hash {
	C::blake2b_256(&[&LEAF_TYPE, &(data.len() as u64).to_le_bytes(), data])
}

/// Hash of the parent of two sibling nodes; `size` is their sizes' sum.
/// The node with the smaller index is hashed first, whatever the argument order.
pub fn parent<C: Crypto>(a: &Node, b: &Node, size: u64) -> Hash {
	let (left, right) = if a.index <= b.index { (a, b) } else { (b, a) };
	C::blake2b_256(&[&PARENT_TYPE, &size.to_le_bytes(), &left.hash, &right.hash])
}

/// The tree hash of a list of roots, the value a feed's signature covers.
pub fn tree<C: Crypto>(roots: &[Node]) -> Hash {
	// One buffer keeps this a single hash call for the host-function backend.
	let mut buffer = alloc::vec::Vec::with_capacity(1 + roots.len() * 48);
	buffer.extend_from_slice(&ROOT_TYPE);
	for root in roots {
		buffer.extend_from_slice(&root.hash);
		buffer.extend_from_slice(&root.index.to_le_bytes());
		buffer.extend_from_slice(&root.size.to_le_bytes());
	}
	C::blake2b_256(&[&buffer])
}
