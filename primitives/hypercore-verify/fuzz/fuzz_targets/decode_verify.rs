//! Decodes arbitrary bytes as a SCALE `BlockProof` and verifies it against a
//! small valid feed, under both anchors; also reads the bytes as a manifest and
//! a multisig blob. Nothing may panic.
#![no_main]

use hypercore_verify::{
	manifest::{parse_manifest, parse_multisig},
	tree::MemoryTree,
	verify_block, verify_feed, Anchor, BlockProof, KeyMode, PureRust, SignedTree,
};
use libfuzzer_sys::fuzz_target;
use parity_scale_codec::Decode;

fuzz_target!(|data: &[u8]| {
	let mut tree = MemoryTree::new();
	for i in 0..11u8 {
		tree.append::<PureRust>(&[i; 5]);
	}
	let roots = tree.roots(11).unwrap();
	let tree_hash = hypercore_verify::hashes::tree::<PureRust>(&roots);
	if let Ok(proof) = BlockProof::decode(&mut &data[..]) {
		let _ = verify_block::<PureRust>(Anchor::Roots(&roots), 11, &proof);
		let _ = verify_block::<PureRust>(Anchor::TreeHash(&tree_hash), 11, &proof);
		let _ = verify_block::<PureRust>(Anchor::Roots(&roots), proof.index.wrapping_add(1), &proof);
	}
	let _ = parse_manifest(data);
	let _ = parse_multisig(data);
	let key = [3u8; 32];
	let _ = verify_feed::<PureRust>(&SignedTree {
		key: &key,
		mode: KeyMode::Manifest,
		manifest: Some(data),
		length: 11,
		fork: 0,
		roots: &roots,
		signature: data,
	});
});
