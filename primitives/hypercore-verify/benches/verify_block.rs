//! Verifying a 64 KiB block of a feed of length 1,000,000 against hashing the
//! same 64 KiB with the same BLAKE2b implementation (the physical floor: one
//! pass over the bytes). Goal: verify ≤ 1.2 × hash. Run: `cargo bench -p hypercore-verify`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use hypercore_verify::{flat, hashes, verify_block, Anchor, BlockProof, Crypto, Node, PureRust};

const LENGTH: u64 = 1_000_000;
const BLOCK: u64 = 777_777;
const BLOCK_SIZE: usize = 64 * 1024;

/// A proof for one block of a feed of `LENGTH` blocks of 64 KiB. Sibling hashes
/// are arbitrary (deterministic) values: verification cost does not depend on them.
fn proof_and_roots() -> (BlockProof, Vec<Node>) {
	let value: Vec<u8> = (0..BLOCK_SIZE).map(|i| (i * 31 % 251) as u8).collect();
	let leaf = flat::leaf(BLOCK).unwrap();
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
		index: BLOCK,
		value: value.try_into().unwrap(),
		nodes: path.try_into().unwrap(),
		roots: Default::default(),
	};
	(proof, roots)
}

fn bench(c: &mut Criterion) {
	let (proof, roots) = proof_and_roots();
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

criterion_group!(benches, bench);
criterion_main!(benches);
