//! [`decode_served_block`] accepts exactly what `BlockProof::decode_all`
//! accepts, and what it returns verifies exactly as [`verify_block`] does.

use codec::{DecodeAll, Encode};
use hypercore_verify::{
	decode_served_block, hashes, tree::MemoryTree, verify_block, Anchor, BlockError, BlockProof,
	Crypto, HashedServedBlock, PureRust, MAX_BLOCK_SIZE,
};

/// A feed of 13 blocks of growing size, the last one 64 KiB.
fn tree() -> MemoryTree {
	let mut tree = MemoryTree::new();
	for i in 0..12u8 {
		tree.append::<PureRust>(&vec![i; i as usize * 3]);
	}
	tree.append::<PureRust>(&vec![0xab; 64 * 1024]);
	tree
}

fn value(i: u64) -> Vec<u8> {
	if i == 12 {
		vec![0xab; 64 * 1024]
	} else {
		vec![i as u8; i as usize * 3]
	}
}

/// Served blocks of every shape: each index, with and without the other roots.
fn served_blocks() -> Vec<BlockProof> {
	let tree = tree();
	let mut out = Vec::new();
	for i in 0..13u64 {
		let with_roots = tree.proof(i, 13, value(i)).unwrap();
		let mut bare = with_roots.clone();
		bare.roots = Default::default();
		out.extend([with_roots, bare]);
	}
	out
}

fn decode(bytes: &[u8]) -> Result<HashedServedBlock, codec::Error> {
	decode_served_block::<PureRust>(&mut bytes.to_vec())
}

fn check_same_as_owned_decoding<C: Crypto>() {
	let roots = tree().roots(13).unwrap();
	let tree_hash = hashes::tree::<PureRust>(&roots);
	for served in served_blocks() {
		let mut body = served.encode();
		let hashed = decode_served_block::<C>(&mut body).unwrap();
		let proof = &served;
		assert_eq!(hashed.index, proof.index);
		assert_eq!(hashed.size, proof.value.len() as u64);
		assert_eq!(hashed.leaf_hash, hashes::leaf::<PureRust>(&proof.value));
		assert_eq!(hashed.nodes, proof.nodes);
		assert_eq!(hashed.roots, proof.roots);
		for anchor in [Anchor::Roots(&roots), Anchor::TreeHash(&tree_hash)] {
			assert_eq!(
				hashed.verify::<C>(anchor, 13),
				verify_block::<C>(anchor, 13, proof),
				"block {}",
				proof.index
			);
		}
	}
}

#[test]
fn decodes_and_hashes_every_shape_like_the_owned_decoder() {
	check_same_as_owned_decoding::<PureRust>();
}

#[cfg(feature = "sp-io")]
#[test]
fn decodes_and_hashes_every_shape_like_the_owned_decoder_with_host_functions() {
	check_same_as_owned_decoding::<hypercore_verify::SpIo>();
}

#[test]
fn a_tampered_block_fails_as_it_does_decoded() {
	let roots = tree().roots(13).unwrap();
	let mut served = served_blocks().remove(24); // block 12, 64 KiB, with roots
	assert_eq!(served.index, 12);
	let last = served.value.len() - 1;
	served.value[last] ^= 1;
	let hashed = decode(&served.encode()).unwrap();
	let expected = verify_block::<PureRust>(Anchor::Roots(&roots), 13, &served);
	assert!(matches!(expected, Err(BlockError::RootMismatch { .. })), "{expected:?}");
	assert_eq!(hashed.verify::<PureRust>(Anchor::Roots(&roots), 13), expected);
}

#[test]
fn every_truncation_and_any_trailing_byte_is_an_error_that_leaves_the_body_alone() {
	for served in served_blocks().into_iter().step_by(5) {
		let bytes = served.encode();
		for cut in 0..bytes.len() {
			let mut body = bytes[..cut].to_vec();
			assert!(decode_served_block::<PureRust>(&mut body).is_err(), "cut at {cut}");
			assert_eq!(body, bytes[..cut], "cut at {cut}: the body changed");
		}
		let mut longer = bytes.clone();
		longer.push(0);
		assert!(BlockProof::decode_all(&mut &longer[..]).is_err());
		assert!(decode(&longer).is_err());
	}
}

#[test]
fn a_block_over_the_size_limit_is_refused() {
	let mut bytes = 0u64.encode();
	codec::Compact(MAX_BLOCK_SIZE + 1).encode_to(&mut bytes);
	bytes.resize(bytes.len() + MAX_BLOCK_SIZE as usize + 1 + 3, 0);
	assert!(decode(&bytes).is_err());
	// A u32::MAX length with nothing behind it.
	let mut bytes = 0u64.encode();
	codec::Compact(u32::MAX).encode_to(&mut bytes);
	assert!(decode(&bytes).is_err());
}

#[test]
fn arbitrary_bytes_are_accepted_exactly_when_the_owned_decoder_accepts_them() {
	let mut x: u64 = 0x2545_f491_4f6c_dd1d;
	let mut next = || {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x
	};
	let small: Vec<Vec<u8>> = served_blocks()
		.iter()
		.filter(|s| s.value.len() < 100)
		.map(Encode::encode)
		.collect();
	let mut accepted = 0;
	for round in 0..20_000 {
		let bytes: Vec<u8> = if round % 4 == 0 {
			let len = (next() % 300) as usize;
			(0..len).map(|_| next() as u8).collect()
		} else {
			let mut v = small[(next() as usize) % small.len()].clone();
			let at = (next() as usize) % v.len();
			v[at] = next() as u8;
			v
		};
		let owned = BlockProof::decode_all(&mut &bytes[..]);
		let hashed = decode(&bytes);
		assert_eq!(owned.is_ok(), hashed.is_ok(), "round {round}: {bytes:?}");
		if let (Ok(owned), Ok(hashed)) = (owned, hashed) {
			assert_eq!(hashed.leaf_hash, hashes::leaf::<PureRust>(&owned.value));
			accepted += 1;
		}
	}
	assert!(accepted > 1000, "the mutations exercised accepted bodies too ({accepted})");
}
