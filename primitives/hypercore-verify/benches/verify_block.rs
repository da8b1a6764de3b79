//! Verifying 64 KiB blocks of a feed of length 1,000,000 against hashing the
//! same bytes with the same BLAKE2b implementation (the physical floor: one
//! pass over the bytes). Run: `cargo bench -p hypercore-verify`.
//!
//! * `verify_block`: one decoded block and its path. Goal: ≤ 1.2 × the hash.
//! * The attestor's work for one benchmark, as its off-chain worker does it:
//!   four served blocks (the runtime's `ChunksPerBenchmark`) decoded in place
//!   from the bytes a hoster sends, each verified against the feed's tree
//!   hash, and the benchmark's one contact-proof signature checked. Goal:
//!   ≤ 1.5 × the hash of the four blocks. Hashed as the node hashes for its
//!   runtime (`sp_io::hashing::blake2_256` runs `sp-crypto-hashing`), a faster
//!   BLAKE2b than the `blake2` crate, so the rest weighs more against it.

use codec::Encode;
use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ed25519_dalek::{Signer, SigningKey};
use hypercore_verify::{
	contact_message, decode_served_block, flat, hashes, verify_block, verify_contact_proof, Anchor,
	BlockProof, Crypto, Node, PureRust,
};

const LENGTH: u64 = 1_000_000;
const BLOCK: u64 = 777_777;
const BLOCK_SIZE: usize = 64 * 1024;
/// Chunks an attestor asks for in one benchmark (the runtime's `ChunksPerBenchmark`).
const CHUNKS_PER_BENCHMARK: u64 = 4;

/// A proof for block `block` of a feed of `LENGTH` blocks of 64 KiB, and the
/// full roots it fits. Sibling hashes are arbitrary (deterministic) values:
/// verification cost does not depend on them.
fn proof_and_roots(block: u64) -> (BlockProof, Vec<Node>) {
	let value: Vec<u8> = (0..BLOCK_SIZE).map(|i| ((i as u64 * 31 + block) % 251) as u8).collect();
	let leaf = flat::leaf(block).unwrap();
	let root = flat::full_roots(LENGTH).find(|&r| flat::contains(r, leaf)).unwrap();
	let mut node =
		Node { index: leaf, size: BLOCK_SIZE as u64, hash: hashes::leaf::<PureRust>(&value) };
	let mut path = Vec::new();
	while node.index != root {
		let index = flat::sibling(node.index).unwrap();
		let size = flat::leaf_count(index).unwrap() * BLOCK_SIZE as u64;
		let sibling = Node { index, size, hash: PureRust::blake2b_256(&[&index.to_le_bytes()]) };
		let parent_size = node.size + sibling.size;
		node = Node {
			index: flat::parent(node.index).unwrap(),
			size: parent_size,
			hash: hashes::parent::<PureRust>(&node, &sibling, parent_size),
		};
		path.push(sibling);
	}
	let roots: Vec<Node> = flat::full_roots(LENGTH)
		.map(|r| if r == root { node } else { Node { index: r, size: 0, hash: [7; 32] } })
		.collect();
	let proof = BlockProof {
		index: block,
		value: value.try_into().unwrap(),
		nodes: path.try_into().unwrap(),
		roots: Default::default(),
	};
	(proof, roots)
}

fn bench(c: &mut Criterion) {
	let (proof, roots) = proof_and_roots(BLOCK);
	assert!(verify_block::<PureRust>(Anchor::Roots(&roots), LENGTH, &proof).is_ok());
	let mut group = c.benchmark_group("64KiB block, feed length 1,000,000");
	group.throughput(Throughput::Bytes(BLOCK_SIZE as u64));
	group.bench_function("blake2b-256 of the block (floor)", |b| {
		b.iter(|| PureRust::blake2b_256(&[black_box(&proof.value[..])]))
	});
	group.bench_function(format!("verify_block ({} path nodes)", proof.nodes.len()), |b| {
		b.iter(|| {
			verify_block::<PureRust>(Anchor::Roots(black_box(&roots)), LENGTH, black_box(&proof))
		})
	});
	group.finish();
}

/// BLAKE2b as the node computes it for its runtime and off-chain worker
/// (`sp-crypto-hashing`, behind `sp_io::hashing::blake2_256`); Ed25519 as
/// [`PureRust`].
struct NodeHashing;

impl Crypto for NodeHashing {
	fn blake2b_256(parts: &[&[u8]]) -> [u8; 32] {
		match parts {
			[single] => sp_crypto_hashing::blake2_256(single),
			_ => sp_crypto_hashing::blake2_256(&parts.concat()),
		}
	}

	fn ed25519_verify(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
		PureRust::ed25519_verify(public_key, message, signature)
	}
}

/// What a hoster sends for `block` (a SCALE `BlockProof` carrying the other
/// roots), the tree hash the request recorded for the feed at `LENGTH`, and
/// the block's bytes.
fn served_block(block: u64) -> (Vec<u8>, [u8; 32], Vec<u8>) {
	let (mut proof, roots) = proof_and_roots(block);
	let root = roots
		.iter()
		.find(|r| flat::contains(r.index, flat::leaf(block).unwrap()))
		.unwrap();
	let others: Vec<Node> = roots.iter().filter(|r| r.index != root.index).copied().collect();
	proof.roots = others.try_into().unwrap();
	(proof.encode(), hashes::tree::<NodeHashing>(&roots), proof.value.into_inner())
}

fn attestor_benchmark(c: &mut Criterion) {
	let (served, blocks): (Vec<_>, Vec<Vec<u8>>) = (0..CHUNKS_PER_BENCHMARK)
		.map(|n| {
			let (body, tree_hash, block) = served_block(BLOCK + n * 1_001);
			((body, tree_hash), block)
		})
		.unzip();
	let (request, nonce, attestor) = (42u64, [3u8; 32], [5u8; 32]);
	let hoster = SigningKey::from_bytes(&[9; 32]);
	let contact_key = hoster.verifying_key().to_bytes();
	let first_leaf = hashes::leaf::<NodeHashing>(&blocks[0]);
	let signature = hoster
		.sign(&contact_message(request, &nonce, &attestor, BLOCK, &first_leaf))
		.to_bytes();

	let mut group = c.benchmark_group("the attestor's work for one benchmark, 4 blocks of 64 KiB");
	group.throughput(Throughput::Bytes(CHUNKS_PER_BENCHMARK * BLOCK_SIZE as u64));
	group.bench_function("blake2b-256 of the 4 blocks (floor)", |b| {
		b.iter(|| {
			for block in &blocks {
				black_box(NodeHashing::blake2b_256(&[black_box(&block[..])]));
			}
		})
	});
	group.bench_function("decode and verify the 4 served blocks, check the contact proof", |b| {
		b.iter_batched_ref(
			|| served.clone(),
			|bodies| {
				let mut leaves = Vec::with_capacity(bodies.len());
				for (body, tree_hash) in bodies.iter_mut() {
					let block = decode_served_block::<NodeHashing>(body).unwrap();
					let leaf = block.verify::<NodeHashing>(Anchor::TreeHash(tree_hash), LENGTH);
					leaves.push(leaf.unwrap());
				}
				assert!(verify_contact_proof::<NodeHashing>(
					&contact_key,
					request,
					&nonce,
					&attestor,
					BLOCK,
					&leaves[0],
					&signature,
				));
			},
			BatchSize::SmallInput,
		)
	});
	group.finish();
}

criterion_group!(benches, bench, attestor_benchmark);
criterion_main!(benches);
