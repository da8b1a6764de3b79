//! Flat-tree index arithmetic, as in the JS `flat-tree` package.
//!
//! A Hypercore Merkle tree is laid out "flat": leaf (block) `i` has index `2i`,
//! and a parent sits between its two children. Depth is the number of trailing
//! one bits of an index. All functions are pure and total: where the JS version
//! would overflow a double, these return `None`.

/// Index of the leaf node that holds block `block`: `2 * block`.
pub fn leaf(block: u64) -> Option<u64> {
	block.checked_mul(2)
}

/// Depth of a node: 0 for leaves, one more per level up.
pub fn depth(index: u64) -> u32 {
	index.trailing_ones()
}

/// Position of a node among the nodes of its depth, counted from the left.
pub fn offset(index: u64) -> u64 {
	let d = depth(index);
	if d >= 63 {
		0
	} else {
		index >> (d + 1)
	}
}

/// The node at `depth` and `offset`, or `None` if it does not fit in a `u64`.
pub fn index(depth: u32, offset: u64) -> Option<u64> {
	if depth >= 64 {
		return None;
	}
	if depth == 63 {
		return if offset == 0 { Some(u64::MAX >> 1) } else { None };
	}
	let shifted = offset.checked_mul(1u64 << (depth + 1))?;
	shifted.checked_add((1u64 << depth) - 1)
}

/// The parent of a node, or `None` at the top of the `u64` range.
pub fn parent(index_: u64) -> Option<u64> {
	let d = depth(index_);
	index(d.checked_add(1)?, offset(index_) >> 1)
}

/// The other child of this node's parent.
pub fn sibling(index_: u64) -> Option<u64> {
	index(depth(index_), offset(index_) ^ 1)
}

/// Number of blocks (leaves) under a node.
pub fn leaf_count(index_: u64) -> Option<u64> {
	1u64.checked_shl(depth(index_))
}

/// Leftmost leaf index under a node.
pub fn left_span(index_: u64) -> Option<u64> {
	let d = depth(index_);
	if d == 0 {
		return Some(index_);
	}
	index(0, offset(index_).checked_mul(leaf_count(index_)?)?)
}

/// Rightmost leaf index under a node.
pub fn right_span(index_: u64) -> Option<u64> {
	let d = depth(index_);
	if d == 0 {
		return Some(index_);
	}
	let count = leaf_count(index_)?;
	index(0, offset(index_).checked_add(1)?.checked_mul(count)?.checked_sub(1)?)
}

/// Whether the subtree rooted at `root` contains node `index_`.
pub fn contains(root: u64, index_: u64) -> bool {
	match (left_span(root), right_span(root)) {
		(Some(l), Some(r)) => l <= index_ && index_ <= r,
		_ => false,
	}
}

/// Iterator over the full roots of a tree of `length` blocks, left to right.
///
/// A tree of `length` blocks has one root per set bit of `length`: the largest
/// complete subtree first. `length = 7` gives the roots `3, 9, 12`.
pub fn full_roots(length: u64) -> FullRoots {
	FullRoots { remaining: length, offset: 0 }
}

/// See [`full_roots`].
#[derive(Clone, Debug)]
pub struct FullRoots {
	remaining: u64,
	offset: u64,
}

impl Iterator for FullRoots {
	type Item = u64;

	fn next(&mut self) -> Option<u64> {
		if self.remaining == 0 {
			return None;
		}
		// Largest power of two not above the blocks left: one complete subtree.
		let factor = 1u64 << (63 - self.remaining.leading_zeros());
		// Root of a complete subtree of `factor` leaves starting at leaf `offset / 2`:
		// offset + factor - 1 in flat-tree indexes. `offset` stays below 2 * length.
		let root = self.offset.checked_add(factor - 1)?;
		self.offset = self.offset.checked_add(factor.checked_mul(2)?)?;
		self.remaining -= factor;
		Some(root)
	}

	fn size_hint(&self) -> (usize, Option<usize>) {
		let n = self.remaining.count_ones() as usize;
		(n, Some(n))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec::Vec;

	#[test]
	fn leaves_and_parents_match_flat_tree() {
		assert_eq!(leaf(0), Some(0));
		assert_eq!(leaf(3), Some(6));
		assert_eq!(parent(0), Some(1));
		assert_eq!(parent(2), Some(1));
		assert_eq!(parent(1), Some(3));
		assert_eq!(parent(5), Some(3));
		assert_eq!(parent(3), Some(7));
		assert_eq!(parent(11), Some(7));
		assert_eq!(sibling(0), Some(2));
		assert_eq!(sibling(2), Some(0));
		assert_eq!(sibling(1), Some(5));
		assert_eq!(sibling(5), Some(1));
		assert_eq!(sibling(3), Some(11));
		assert_eq!(depth(7), 3);
		assert_eq!(offset(11), 1);
		assert_eq!(index(1, 1), Some(5));
	}

	#[test]
	fn spans_cover_the_leaves_below() {
		assert_eq!((left_span(3), right_span(3)), (Some(0), Some(6)));
		assert_eq!((left_span(11), right_span(11)), (Some(8), Some(14)));
		assert_eq!((left_span(4), right_span(4)), (Some(4), Some(4)));
		assert!(contains(3, 6));
		assert!(!contains(3, 8));
		assert!(contains(7, 7));
	}

	#[test]
	fn full_roots_match_flat_tree() {
		let roots = |n| full_roots(n).collect::<Vec<_>>();
		assert_eq!(roots(0), Vec::<u64>::new());
		assert_eq!(roots(1), [0]);
		assert_eq!(roots(2), [1]);
		assert_eq!(roots(3), [1, 4]);
		assert_eq!(roots(7), [3, 9, 12]);
		assert_eq!(roots(8), [7]);
		assert_eq!(roots(131), [127, 257, 260]);
		assert_eq!(full_roots(1_000_000).count(), 1_000_000u64.count_ones() as usize);
	}

	#[test]
	fn extreme_indexes_never_overflow() {
		assert_eq!(leaf(u64::MAX), None);
		assert_eq!(parent(u64::MAX >> 1), None);
		assert_eq!(depth(u64::MAX), 64);
		assert_eq!(index(64, 0), None);
		assert_eq!(sibling(u64::MAX), None);
		assert_eq!(full_roots(u64::MAX >> 1).count(), 63);
		// Every root of a huge tree lies inside the u64 range and spans whole leaves.
		for r in full_roots(u64::MAX >> 1) {
			assert!(left_span(r).is_some() && right_span(r).is_some());
		}
	}
}
