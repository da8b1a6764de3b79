//! Is this chunk really block `i` of the feed at length `L`? ([`verify_block`])

use crate::{
	crypto::{Crypto, Hash},
	flat, hashes,
	types::{BlockProof, Node, MAX_LENGTH},
};

/// What a block proof is checked against: state registered on chain at length `L`.
#[derive(Clone, Copy, Debug)]
pub enum Anchor<'a> {
	/// The full roots at `L` (as stored by the pallet).
	Roots(&'a [Node]),
	/// The tree hash at `L`; the proof must then carry the other roots.
	TreeHash(&'a Hash),
}

/// Why a block proof was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
pub enum BlockError {
	/// The length is beyond [`MAX_LENGTH`].
	LengthTooLarge,
	/// The block index is not below the length the proof is anchored at.
	IndexOutOfRange {
		/// Requested block.
		index: u64,
		/// Anchor length.
		length: u64,
	},
	/// The path node at `position` (0 = leaf level) is not the expected sibling.
	UnexpectedNode {
		/// Position in the path.
		position: u32,
		/// Flat index of the sibling that belongs there.
		expected: u64,
		/// Flat index found.
		found: u64,
	},
	/// The path ends before reaching the block's root.
	MissingNodes {
		/// Nodes a complete path has.
		needed: u32,
		/// Nodes given.
		given: u32,
	},
	/// The path goes on after reaching the block's root.
	UnusedNodes {
		/// Nodes a complete path has.
		needed: u32,
		/// Nodes given.
		given: u32,
	},
	/// Node sizes add up beyond `u64`.
	SizeOverflow,
	/// The root computed from the block and its path is not the registered root.
	RootMismatch {
		/// Flat index of the root.
		root: u64,
	},
	/// The registered roots, or the other roots the proof carries, are not
	/// the full roots of the tree at the anchor length.
	WrongRoots,
	/// The roots hash to a different tree hash than the registered one.
	TreeHashMismatch,
}

/// Verifies that `proof` shows block `proof.index` of a feed whose tree at
/// `length` is `anchor`, and returns the block's leaf hash.
///
/// The proof is anchored at `length` (the length registered on chain), even if
/// the hoster's copy of the feed has grown since: the path runs up to the root
/// that covers the block at `length`.
pub fn verify_block<C: Crypto>(
	anchor: Anchor<'_>,
	length: u64,
	proof: &BlockProof,
) -> Result<Hash, BlockError> {
	let leaf = hashes::leaf::<C>(&proof.value);
	verify_leaf::<C>(
		anchor,
		length,
		proof.index,
		(leaf, proof.value.len() as u64),
		&proof.nodes,
		&proof.roots,
	)
}

/// [`verify_block`] for a block whose leaf hash is already known: `leaf` is the
/// (hash, byte size) of block `index`, `nodes` its sibling path and `roots` the
/// other roots at `length` (see [`BlockProof`]). Returns the leaf hash.
///
/// [`crate::served::decode_served_block`] hashes a served block where it was
/// received and verifies it through this, without copying the block's bytes.
pub fn verify_leaf<C: Crypto>(
	anchor: Anchor<'_>,
	length: u64,
	index: u64,
	leaf: (Hash, u64),
	nodes: &[Node],
	roots: &[Node],
) -> Result<Hash, BlockError> {
	if length > MAX_LENGTH {
		return Err(BlockError::LengthTooLarge);
	}
	if index >= length {
		return Err(BlockError::IndexOutOfRange { index, length });
	}
	let leaf_index = flat::leaf(index).ok_or(BlockError::LengthTooLarge)?;
	let root_index = flat::full_roots(length)
		.find(|&r| flat::contains(r, leaf_index))
		.ok_or(BlockError::WrongRoots)?;
	let needed = flat::depth(root_index);
	let given = nodes.len() as u32;

	let (leaf_hash, leaf_size) = leaf;
	let mut node = Node { index: leaf_index, size: leaf_size, hash: leaf_hash };
	for (position, sibling) in nodes.iter().take(needed as usize).enumerate() {
		let expected = flat::sibling(node.index).ok_or(BlockError::LengthTooLarge)?;
		if sibling.index != expected {
			return Err(BlockError::UnexpectedNode {
				position: position as u32,
				expected,
				found: sibling.index,
			});
		}
		let size = node.size.checked_add(sibling.size).ok_or(BlockError::SizeOverflow)?;
		let hash = hashes::parent::<C>(&node, sibling, size);
		node =
			Node { index: flat::parent(node.index).ok_or(BlockError::LengthTooLarge)?, size, hash };
	}
	if given < needed {
		return Err(BlockError::MissingNodes { needed, given });
	}
	if given > needed {
		return Err(BlockError::UnusedNodes { needed, given });
	}

	match anchor {
		Anchor::Roots(registered) => {
			check_root_indexes(length, registered)?;
			let reg = registered
				.iter()
				.find(|r| r.index == root_index)
				.ok_or(BlockError::WrongRoots)?;
			if *reg != node {
				return Err(BlockError::RootMismatch { root: root_index });
			}
			// Other roots carried by the proof must agree with the registered ones.
			if !roots.is_empty() {
				let others = registered.iter().filter(|r| r.index != root_index);
				if roots.len() != registered.len() - 1 || !others.eq(roots.iter()) {
					return Err(BlockError::WrongRoots);
				}
			}
		},
		Anchor::TreeHash(tree_hash) => {
			let mut all = alloc::vec::Vec::with_capacity(roots.len() + 1);
			let mut others = roots.iter();
			for index in flat::full_roots(length) {
				if index == root_index {
					all.push(node);
				} else {
					match others.next() {
						Some(other) if other.index == index => all.push(*other),
						_ => return Err(BlockError::WrongRoots),
					}
				}
			}
			if others.next().is_some() {
				return Err(BlockError::WrongRoots);
			}
			if hashes::tree::<C>(&all) != *tree_hash {
				return Err(BlockError::TreeHashMismatch);
			}
		},
	}
	Ok(leaf_hash)
}

/// The registered roots must be exactly the full roots of `length`, in order.
fn check_root_indexes(length: u64, roots: &[Node]) -> Result<(), BlockError> {
	if roots.iter().map(|r| r.index).eq(flat::full_roots(length)) {
		Ok(())
	} else {
		Err(BlockError::WrongRoots)
	}
}

/// Whether `roots` are, by index, the full roots of a tree of `length` blocks.
pub fn roots_fit_length(length: u64, roots: &[Node]) -> bool {
	length <= MAX_LENGTH && check_root_indexes(length, roots).is_ok()
}
