//! Inputs the fuzzer (`fuzz/fuzz_targets/decode_verify.rs`) once crashed on,
//! replayed through the same paths. Each must now fail cleanly.

use codec::Decode;
use hypercore_verify::{
	manifest::{parse_manifest, parse_multisig, ManifestError, UnsupportedManifest},
	tree::MemoryTree,
	verify_block, verify_feed, Anchor, BlockProof, KeyMode, PureRust, SignedTree,
};

fn replay(data: &[u8]) {
	let mut tree = MemoryTree::new();
	for i in 0..11u8 {
		tree.append::<PureRust>(&[i; 5]);
	}
	let roots = tree.roots(11).unwrap();
	if let Ok(proof) = BlockProof::decode(&mut &data[..]) {
		let _ = verify_block::<PureRust>(Anchor::Roots(&roots), 11, &proof);
	}
	let _ = parse_manifest(data);
	let _ = parse_multisig(data);
	let key = [3u8; 32];
	let tree = SignedTree {
		key: &key,
		mode: KeyMode::Manifest,
		manifest: Some(data),
		length: 11,
		fork: 0,
		roots: &roots,
		signature: data,
	};
	assert!(verify_feed::<PureRust>(&tree).is_err());
}

#[test]
fn every_recorded_crash_now_fails_cleanly() {
	let dir = crate_dir().join("tests/fuzz-regressions");
	let mut n = 0;
	for entry in std::fs::read_dir(dir).unwrap() {
		replay(&std::fs::read(entry.unwrap().path()).unwrap());
		n += 1;
	}
	assert!(n >= 1);
}

#[test]
fn a_multisig_proof_by_signer_u64_max_is_unsupported_not_an_overflow() {
	// One proof, signer index u64::MAX (0xff + 8 bytes), a signature, no patch.
	let mut blob = vec![1u8, 0xff];
	blob.extend_from_slice(&[0xff; 8]);
	blob.extend_from_slice(&[0; 64]);
	blob.extend_from_slice(&[0, 0]);
	assert_eq!(
		parse_multisig(&blob),
		Err(ManifestError::Unsupported(UnsupportedManifest::Signers(u64::MAX)))
	);
}

/// The crate's directory, as cargo tells the running test. (The compile-time
/// `env!("CARGO_MANIFEST_DIR")` is wrong when a shared target directory reuses
/// a test binary built from another checkout of the same workspace.)
fn crate_dir() -> std::path::PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map(Into::into)
		.unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
