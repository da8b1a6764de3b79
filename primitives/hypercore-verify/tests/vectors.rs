//! Verifies every vector produced by the JS reference implementation
//! (`scripts/vectors/generate.js`), and tampered copies of each.
//!
//! Vectors are read from `tests/vectors/*.json` and, when the environment
//! variable `HYPERCORE_EXTRA_VECTORS` names a folder, from `*.json` there too.

use std::path::{Path, PathBuf};

use hypercore_verify::{
	feed::manifest_hash, hashes, tree::MemoryTree, verify_block, verify_feed, Anchor, BlockError,
	BlockProof, Crypto, FeedError, KeyMode, Node, PureRust, SignedTree,
};
use serde::Deserialize;

#[derive(Deserialize, Clone)]
struct JsonNode {
	index: u64,
	size: u64,
	hash: String,
}

#[derive(Deserialize, Clone)]
struct JsonBlock {
	index: u64,
	value: String,
	nodes: Vec<JsonNode>,
}

#[derive(Deserialize, Clone)]
struct Vector {
	mode: String,
	key: String,
	signer: String,
	manifest: Option<String>,
	length: u64,
	fork: u64,
	roots: Vec<JsonNode>,
	tree_hash: String,
	signature: String,
	blocks: Vec<JsonBlock>,
}

/// A vector decoded into the crate's types.
struct Feed {
	name: String,
	mode: KeyMode,
	key: [u8; 32],
	signer: [u8; 32],
	manifest: Option<Vec<u8>>,
	length: u64,
	fork: u64,
	roots: Vec<Node>,
	tree_hash: [u8; 32],
	signature: Vec<u8>,
	blocks: Vec<(u64, Vec<u8>, Vec<Node>)>,
}

impl Feed {
	fn tree(&self) -> SignedTree<'_> {
		SignedTree {
			key: &self.key,
			mode: self.mode,
			manifest: self.manifest.as_deref(),
			length: self.length,
			fork: self.fork,
			roots: &self.roots,
			signature: &self.signature,
		}
	}

	/// A proof of one block from the vector, with the other roots filled in.
	fn proof(&self, block: usize) -> BlockProof {
		let (index, value, nodes) = &self.blocks[block];
		let root = root_of(self, nodes, *index);
		BlockProof {
			index: *index,
			value: value.clone().try_into().unwrap(),
			nodes: nodes.clone().try_into().unwrap(),
			roots: self
				.roots
				.iter()
				.filter(|r| r.index != root)
				.copied()
				.collect::<Vec<_>>()
				.try_into()
				.unwrap(),
		}
	}
}

/// Flat index of the root a block's path reaches.
fn root_of(feed: &Feed, nodes: &[Node], index: u64) -> u64 {
	let mut at = 2 * index;
	for _ in nodes {
		at = hypercore_verify::flat::parent(at).unwrap();
	}
	assert!(
		feed.roots.iter().any(|r| r.index == at),
		"{}: block {index} path does not end at a root",
		feed.name
	);
	at
}

fn bytes(s: &str) -> Vec<u8> {
	hex::decode(s).expect("lowercase hex")
}

fn b32(s: &str) -> [u8; 32] {
	bytes(s).try_into().expect("32 bytes")
}

fn node(n: &JsonNode) -> Node {
	Node { index: n.index, size: n.size, hash: b32(&n.hash) }
}

fn load(path: &Path) -> Feed {
	let text = std::fs::read_to_string(path).unwrap();
	let v: Vector =
		serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
	Feed {
		name: path.file_name().unwrap().to_string_lossy().into_owned(),
		mode: match v.mode.as_str() {
			"compat" => KeyMode::Compat,
			"manifest" => KeyMode::Manifest,
			other => panic!("unknown mode {other}"),
		},
		key: b32(&v.key),
		signer: b32(&v.signer),
		manifest: v.manifest.as_deref().map(bytes),
		length: v.length,
		fork: v.fork,
		roots: v.roots.iter().map(node).collect(),
		tree_hash: b32(&v.tree_hash),
		signature: bytes(&v.signature),
		blocks: v
			.blocks
			.iter()
			.map(|b| (b.index, bytes(&b.value), b.nodes.iter().map(node).collect()))
			.collect(),
	}
}

fn vector_files() -> Vec<PathBuf> {
	let mut dirs = vec![crate_dir().join("tests/vectors")];
	if let Some(extra) = std::env::var_os("HYPERCORE_EXTRA_VECTORS") {
		dirs.push(PathBuf::from(extra));
	}
	let mut files = Vec::new();
	for dir in dirs {
		for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
			let path = entry.unwrap().path();
			if path.extension().is_some_and(|e| e == "json") {
				files.push(path);
			}
		}
	}
	files.sort();
	files
}

fn feeds() -> Vec<Feed> {
	let feeds: Vec<Feed> = vector_files().iter().map(|p| load(p)).collect();
	assert!(feeds.len() >= 36, "expected the committed vectors, found {}", feeds.len());
	feeds
}

fn check_feed<C: Crypto>(feed: &Feed) {
	let name = &feed.name;
	let verified = verify_feed::<C>(&feed.tree()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
	assert_eq!(verified.signer, feed.signer, "{name}");
	assert_eq!(verified.tree_hash, feed.tree_hash, "{name}");
	assert_eq!(hashes::tree::<C>(&feed.roots), feed.tree_hash, "{name}");
	if let Some(m) = &feed.manifest {
		assert_eq!(manifest_hash::<C>(m), feed.key, "{name}");
	} else {
		assert_eq!(feed.key, feed.signer, "{name}: compat key is the signer");
	}
	assert_eq!(feed.blocks.len() as u64, feed.length, "{name}: every block is in the vector");
	for b in 0..feed.blocks.len() {
		let proof = feed.proof(b);
		let leaf = hashes::leaf::<C>(&proof.value);
		assert_eq!(
			verify_block::<C>(Anchor::Roots(&feed.roots), feed.length, &proof),
			Ok(leaf),
			"{name} block {b}"
		);
		assert_eq!(
			verify_block::<C>(Anchor::TreeHash(&feed.tree_hash), feed.length, &proof),
			Ok(leaf),
			"{name} block {b}"
		);
		// Against registered roots the other roots are optional.
		let mut bare = proof.clone();
		bare.roots = Default::default();
		assert_eq!(
			verify_block::<C>(Anchor::Roots(&feed.roots), feed.length, &bare),
			Ok(leaf),
			"{name} block {b}"
		);
	}
}

#[test]
fn every_vector_verifies_with_pure_rust() {
	for feed in feeds() {
		check_feed::<PureRust>(&feed);
	}
}

#[cfg(feature = "sp-io")]
#[test]
fn every_vector_verifies_with_sp_io_host_functions() {
	for feed in feeds() {
		check_feed::<hypercore_verify::SpIo>(&feed);
	}
}

#[test]
fn vectors_cover_both_modes_and_many_shapes() {
	let feeds = feeds();
	assert!(feeds.iter().any(|f| f.mode == KeyMode::Compat));
	assert!(feeds.iter().any(|f| f.mode == KeyMode::Manifest));
	for length in [1, 2, 3, 7, 8] {
		assert!(feeds.iter().any(|f| f.length == length), "length {length}");
	}
	assert!(feeds.iter().any(|f| f.length >= 100));
	assert!(feeds.iter().any(|f| f.fork > 0));
	assert!(feeds.iter().any(|f| f.blocks.iter().any(|b| b.1.is_empty())), "an empty block");
}

#[test]
fn our_tree_builds_the_same_roots_and_proofs_as_the_js_core() {
	for feed in feeds() {
		let mut tree = MemoryTree::new();
		for (_, value, _) in &feed.blocks {
			tree.append::<PureRust>(value);
		}
		assert_eq!(tree.roots(feed.length).unwrap(), feed.roots, "{}", feed.name);
		for (b, (index, value, nodes)) in feed.blocks.iter().enumerate() {
			let ours = tree.proof(*index, feed.length, value.clone()).unwrap();
			assert_eq!(ours.nodes.to_vec(), *nodes, "{} block {index}", feed.name);
			assert_eq!(ours, feed.proof(b), "{} block {index}", feed.name);
		}
	}
}

#[test]
fn proofs_anchored_at_an_older_length_verify_after_growth() {
	for feed in feeds().into_iter().filter(|f| f.length >= 7) {
		let mut tree = MemoryTree::new();
		for (_, value, _) in &feed.blocks {
			tree.append::<PureRust>(value);
		}
		for old in [1, 3, feed.length / 2, feed.length - 1] {
			let roots = tree.roots(old).unwrap();
			for index in 0..old {
				let proof = tree.proof(index, old, feed.blocks[index as usize].1.clone()).unwrap();
				assert!(
					verify_block::<PureRust>(Anchor::Roots(&roots), old, &proof).is_ok(),
					"{} {index}@{old}",
					feed.name
				);
				// Unless the block's old root is still a root, the old proof does not fit the newer state.
				let old_root = roots
					.iter()
					.find(|r| hypercore_verify::flat::contains(r.index, 2 * index))
					.unwrap();
				if !feed.roots.contains(old_root) {
					assert!(verify_block::<PureRust>(
						Anchor::Roots(&feed.roots),
						feed.length,
						&proof
					)
					.is_err());
				}
			}
		}
	}
}

fn flip(bytes: &mut [u8], at: usize) {
	bytes[at] ^= 0x01;
}

#[test]
fn tampered_feeds_are_rejected_with_the_right_error() {
	for feed in feeds() {
		let name = &feed.name;
		let verify = |t: &SignedTree<'_>| verify_feed::<PureRust>(t);

		// One flipped byte in the signature itself (inside the multisig wrapper in manifest mode).
		let mut sig = feed.signature.clone();
		flip(&mut sig, if feed.mode == KeyMode::Manifest { 2 } else { 0 });
		assert_eq!(
			verify(&SignedTree { signature: &sig, ..feed.tree() }),
			Err(FeedError::BadSignature),
			"{name}"
		);

		// One flipped byte in a root hash.
		let mut roots = feed.roots.clone();
		flip(&mut roots[0].hash, 7);
		assert_eq!(
			verify(&SignedTree { roots: &roots, ..feed.tree() }),
			Err(FeedError::BadSignature),
			"{name}"
		);

		// Another fork.
		assert_eq!(
			verify(&SignedTree { fork: feed.fork + 1, ..feed.tree() }),
			Err(FeedError::BadSignature),
			"{name}"
		);

		// Roots that do not belong to the length.
		assert_eq!(
			verify(&SignedTree { length: feed.length + 1, ..feed.tree() }),
			Err(FeedError::WrongRoots),
			"{name}"
		);

		// A key that is not this feed's.
		let mut key = feed.key;
		flip(&mut key, 0);
		let expected = match feed.mode {
			KeyMode::Compat => FeedError::BadSignature,
			KeyMode::Manifest => FeedError::KeyMismatch,
		};
		assert_eq!(verify(&SignedTree { key: &key, ..feed.tree() }), Err(expected), "{name}");

		// The wrong mode for the key.
		match feed.mode {
			KeyMode::Compat => {
				assert_eq!(
					verify(&SignedTree { mode: KeyMode::Manifest, ..feed.tree() }),
					Err(FeedError::MissingManifest)
				);
				assert_eq!(
					verify(&SignedTree { signature: &feed.signature[..63], ..feed.tree() }),
					Err(FeedError::SignatureLength)
				);
			},
			KeyMode::Manifest => {
				assert_eq!(
					verify(&SignedTree { mode: KeyMode::Compat, manifest: None, ..feed.tree() }),
					Err(FeedError::SignatureLength)
				);
				let truncated = &feed.signature[..feed.signature.len() - 1];
				assert_eq!(
					verify(&SignedTree { signature: truncated, ..feed.tree() }),
					Err(FeedError::Malformed)
				);
			},
		}
	}
}

#[test]
fn tampered_blocks_are_rejected_with_the_right_error() {
	for feed in feeds() {
		let name = &feed.name;
		let roots = Anchor::Roots(&feed.roots);
		let tree_hash = Anchor::TreeHash(&feed.tree_hash);
		let length = feed.length;
		let check = |anchor: Anchor<'_>, proof: &BlockProof| {
			verify_block::<PureRust>(anchor, length, proof)
		};
		for b in 0..feed.blocks.len() {
			let good = feed.proof(b);
			let root = root_of(&feed, &good.nodes, good.index);
			let depth = good.nodes.len() as u32;

			// One flipped byte in the value (or one byte added to an empty block).
			let mut p = good.clone();
			if p.value.is_empty() {
				p.value.try_push(0).unwrap();
			} else {
				let middle = p.value.len() / 2;
				flip(p.value.as_mut(), middle);
			}
			assert_eq!(check(roots, &p), Err(BlockError::RootMismatch { root }), "{name} {b}");
			assert_eq!(check(tree_hash, &p), Err(BlockError::TreeHashMismatch), "{name} {b}");

			// A wrong registered root / tree hash.
			let mut bad_roots = feed.roots.clone();
			flip(&mut bad_roots.iter_mut().find(|r| r.index == root).unwrap().hash, 0);
			assert_eq!(
				check(Anchor::Roots(&bad_roots), &good),
				Err(BlockError::RootMismatch { root }),
				"{name} {b}"
			);
			let mut bad_hash = feed.tree_hash;
			flip(&mut bad_hash, 31);
			assert_eq!(
				check(Anchor::TreeHash(&bad_hash), &good),
				Err(BlockError::TreeHashMismatch),
				"{name} {b}"
			);

			// An index at or past the length.
			let mut p = good.clone();
			p.index = feed.length;
			assert_eq!(
				check(roots, &p),
				Err(BlockError::IndexOutOfRange { index: feed.length, length: feed.length })
			);

			// Another block's other roots.
			let mut p = good.clone();
			if let Some(first) = p.roots.as_mut().first_mut() {
				flip(&mut first.hash, 3);
				assert_eq!(check(roots, &p), Err(BlockError::WrongRoots), "{name} {b}");
				assert_eq!(check(tree_hash, &p), Err(BlockError::TreeHashMismatch), "{name} {b}");
			}

			if depth == 0 {
				// The block is a root itself: any node is one too many.
				let mut p = good.clone();
				p.nodes.try_push(feed.roots[0]).unwrap();
				assert_eq!(
					check(roots, &p),
					Err(BlockError::UnusedNodes { needed: 0, given: 1 }),
					"{name} {b}"
				);
				continue;
			}

			// One flipped byte in a path node's hash.
			let mut p = good.clone();
			flip(&mut p.nodes.as_mut()[0].hash, 0);
			assert_eq!(check(roots, &p), Err(BlockError::RootMismatch { root }), "{name} {b}");

			// A wrong index: the sibling block's index with this block's path.
			let mut p = good.clone();
			p.index ^= 1;
			assert_eq!(
				check(roots, &p),
				Err(BlockError::UnexpectedNode {
					position: 0,
					expected: 2 * good.index,
					found: 2 * p.index
				}),
				"{name} {b}"
			);

			// A truncated path.
			let mut p = good.clone();
			p.nodes.pop();
			assert_eq!(
				check(roots, &p),
				Err(BlockError::MissingNodes { needed: depth, given: depth - 1 }),
				"{name} {b}"
			);

			// A path that goes past the root.
			let mut p = good.clone();
			p.nodes.try_push(feed.roots[0]).unwrap();
			assert_eq!(
				check(roots, &p),
				Err(BlockError::UnusedNodes { needed: depth, given: depth + 1 }),
				"{name} {b}"
			);

			// Path nodes in the wrong order.
			if depth >= 2 {
				let mut p = good.clone();
				p.nodes.as_mut().swap(0, 1);
				assert!(
					matches!(check(roots, &p), Err(BlockError::UnexpectedNode { position: 0, .. })),
					"{name} {b}"
				);
			}
		}
	}
}

/// The crate's directory, as cargo tells the running test. (The compile-time
/// `env!("CARGO_MANIFEST_DIR")` is wrong when a shared target directory reuses
/// a test binary built from another checkout of the same workspace.)
fn crate_dir() -> std::path::PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map(Into::into)
		.unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
}
