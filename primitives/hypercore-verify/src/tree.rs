//! Building block proofs from a store of tree nodes (what a hoster serves), and
//! [`MemoryTree`], an in-memory append-only tree for tests, tools and benchmarks.
//!
//! Flat-tree nodes never change once written (the log only grows), so a proof
//! anchored at an older length reads nodes that are all still there.

use alloc::vec::Vec;

use crate::{
	crypto::Crypto,
	flat, hashes,
	types::{BlockProof, BlockValue, Node, PathNodes, Roots, MAX_LENGTH},
};

/// Why a proof could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofBuildError {
	/// The block is not below the anchor length, or the length is beyond [`MAX_LENGTH`].
	OutOfRange,
	/// The block is larger than a proof may carry.
	BlockTooLarge,
	/// A node the proof needs is not in the store.
	MissingNode(u64),
}

/// The full roots at `length`, read from `get_node`.
pub fn roots_at(
	length: u64,
	get_node: impl Fn(u64) -> Option<Node>,
) -> Result<Vec<Node>, ProofBuildError> {
	if length > MAX_LENGTH {
		return Err(ProofBuildError::OutOfRange);
	}
	flat::full_roots(length)
		.map(|i| get_node(i).ok_or(ProofBuildError::MissingNode(i)))
		.collect()
}

/// Builds the proof of block `index` anchored at `length`: its sibling path up
/// to its root at `length` and the other full roots at `length`.
pub fn block_proof(
	index: u64,
	length: u64,
	value: Vec<u8>,
	get_node: impl Fn(u64) -> Option<Node>,
) -> Result<BlockProof, ProofBuildError> {
	if length > MAX_LENGTH || index >= length {
		return Err(ProofBuildError::OutOfRange);
	}
	let leaf = flat::leaf(index).ok_or(ProofBuildError::OutOfRange)?;
	let root = flat::full_roots(length)
		.find(|&r| flat::contains(r, leaf))
		.ok_or(ProofBuildError::OutOfRange)?;
	let mut nodes = Vec::new();
	let mut at = leaf;
	while at != root {
		let sibling = flat::sibling(at).ok_or(ProofBuildError::OutOfRange)?;
		nodes.push(get_node(sibling).ok_or(ProofBuildError::MissingNode(sibling))?);
		at = flat::parent(at).ok_or(ProofBuildError::OutOfRange)?;
	}
	let roots: Vec<Node> =
		roots_at(length, &get_node)?.into_iter().filter(|r| r.index != root).collect();
	Ok(BlockProof {
		index,
		value: BlockValue::try_from(value).map_err(|_| ProofBuildError::BlockTooLarge)?,
		// A path and the roots of a tree within MAX_LENGTH have fewer than 64 nodes.
		nodes: PathNodes::try_from(nodes).map_err(|_| ProofBuildError::OutOfRange)?,
		roots: Roots::try_from(roots).map_err(|_| ProofBuildError::OutOfRange)?,
	})
}

/// The nodes that appending a block to a tree of `length` blocks creates: its
/// leaf, then every parent the leaf completes. `get_node` reads existing nodes
/// (the left siblings). Returns `None` if a needed node is missing or the tree
/// would outgrow [`MAX_LENGTH`].
pub fn nodes_created_by_append<C: Crypto>(
	length: u64,
	data: &[u8],
	get_node: impl Fn(u64) -> Option<Node>,
) -> Option<Vec<Node>> {
	if length >= MAX_LENGTH {
		return None;
	}
	let mut node =
		Node { index: flat::leaf(length)?, size: data.len() as u64, hash: hashes::leaf::<C>(data) };
	let mut created = alloc::vec![node];
	// While the new node is a right child, its parent is now complete.
	while flat::offset(node.index) & 1 == 1 {
		let left = get_node(flat::sibling(node.index)?)?;
		let size = left.size.checked_add(node.size)?;
		node = Node {
			index: flat::parent(node.index)?,
			size,
			hash: hashes::parent::<C>(&left, &node, size),
		};
		created.push(node);
	}
	Some(created)
}

/// An append-only Hypercore Merkle tree held in memory (nodes only, not data).
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
	/// Nodes by flat index; `None` for parents not complete yet.
	nodes: Vec<Option<Node>>,
	length: u64,
}

impl MemoryTree {
	/// An empty tree.
	pub fn new() -> Self {
		Self::default()
	}

	/// Number of blocks appended.
	pub fn length(&self) -> u64 {
		self.length
	}

	/// The node at a flat index, once it is complete.
	pub fn node(&self, index: u64) -> Option<Node> {
		self.nodes.get(usize::try_from(index).ok()?).copied().flatten()
	}

	/// Appends a block and completes every parent it closes. Returns `false`
	/// (and changes nothing) when the tree is full.
	pub fn append<C: Crypto>(&mut self, data: &[u8]) -> bool {
		let Some(created) = nodes_created_by_append::<C>(self.length, data, |i| self.node(i))
		else {
			return false;
		};
		for node in created {
			self.put(node);
		}
		self.length += 1;
		true
	}

	/// The full roots at `length` (any length up to the current one).
	pub fn roots(&self, length: u64) -> Option<Vec<Node>> {
		if length > self.length {
			return None;
		}
		roots_at(length, |i| self.node(i)).ok()
	}

	/// A proof of block `index` anchored at `length`; `value` is the block's data.
	pub fn proof(
		&self,
		index: u64,
		length: u64,
		value: Vec<u8>,
	) -> Result<BlockProof, ProofBuildError> {
		if length > self.length {
			return Err(ProofBuildError::OutOfRange);
		}
		block_proof(index, length, value, |i| self.node(i))
	}

	fn put(&mut self, node: Node) {
		let at = node.index as usize;
		if self.nodes.len() <= at {
			self.nodes.resize(at + 1, None);
		}
		self.nodes[at] = Some(node);
	}
}
