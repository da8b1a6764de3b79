//! SCALE encoding of [`BlockProof`]: round trips, bounds, and decoding arbitrary
//! bytes never panics.

use codec::{Decode, Encode};
use hypercore_verify::{
	tree::MemoryTree, BlockProof, Node, PureRust, MAX_BLOCK_SIZE, MAX_TREE_DEPTH,
};

fn sample_proof() -> BlockProof {
	let mut tree = MemoryTree::new();
	for i in 0..13u8 {
		tree.append::<PureRust>(&vec![i; i as usize * 3]);
	}
	tree.proof(5, 13, vec![5; 15]).unwrap()
}

#[test]
fn proofs_round_trip() {
	let proof = sample_proof();
	let bytes = proof.encode();
	assert_eq!(BlockProof::decode(&mut &bytes[..]).unwrap(), proof);
}

#[test]
fn truncated_encodings_are_errors() {
	let bytes = sample_proof().encode();
	for cut in 0..bytes.len() {
		assert!(BlockProof::decode(&mut &bytes[..cut]).is_err(), "cut at {cut}");
	}
}

#[test]
fn oversized_lengths_are_refused_before_allocating() {
	// index, then a compact length prefix one above the block limit.
	let mut bytes = 0u64.encode();
	codec::Compact(MAX_BLOCK_SIZE + 1).encode_to(&mut bytes);
	assert!(BlockProof::decode(&mut &bytes[..]).is_err());
	// A path longer than any tree can have.
	let mut bytes = 0u64.encode();
	Vec::<u8>::new().encode_to(&mut bytes);
	codec::Compact(MAX_TREE_DEPTH + 1).encode_to(&mut bytes);
	bytes.extend(std::iter::repeat_n(0, 48 * (MAX_TREE_DEPTH as usize + 1)));
	assert!(BlockProof::decode(&mut &bytes[..]).is_err());
	// A u32::MAX length with no data behind it.
	let mut bytes = 0u64.encode();
	codec::Compact(u32::MAX).encode_to(&mut bytes);
	assert!(BlockProof::decode(&mut &bytes[..]).is_err());
}

#[test]
fn arbitrary_bytes_never_panic() {
	// Deterministic xorshift inputs of many lengths, plus mutations of a valid proof.
	let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
	let mut next = || {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x
	};
	let valid = sample_proof().encode();
	for round in 0..20_000 {
		let bytes: Vec<u8> = if round % 2 == 0 {
			let len = (next() % 400) as usize;
			(0..len).map(|_| next() as u8).collect()
		} else {
			let mut v = valid.clone();
			let at = (next() as usize) % v.len();
			v[at] = next() as u8;
			v
		};
		if let Ok(proof) = BlockProof::decode(&mut &bytes[..]) {
			// Whatever decodes also verifies or fails cleanly.
			let roots = [Node { index: 0, size: 0, hash: [0; 32] }];
			let _ = hypercore_verify::verify_block::<PureRust>(
				hypercore_verify::Anchor::Roots(&roots),
				1,
				&proof,
			);
		}
	}
}
