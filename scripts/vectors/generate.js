#!/usr/bin/env node
// Generates Hypercore test vectors for primitives/hypercore-verify from the real
// JS implementation (npm `hypercore` v11 current and v10 LTS, pinned in package.json).
//
// Every feed is built from fixed seeds, so re-running this script re-creates the
// committed files byte for byte:  node generate.js [output dir]
//
// One JSON file per feed, shape:
//   {mode, key, signer, manifest, length, fork, roots:[{index,size,hash}], tree_hash,
//    signature, blocks:[{index, value, nodes:[{index,size,hash}]}]}
// `signature` is what the JS core stores (64 raw bytes in compat mode, the multisig
// blob in manifest mode); each block's `nodes` is its sibling path up to its root.
'use strict'

const fs = require('fs')
const os = require('os')
const path = require('path')
const crypto = require('hypercore-crypto')
const flat = require('flat-tree')
const Hypercore11 = require('hypercore')
const Hypercore10 = require('hypercore10')
const MerkleTree11 = require('hypercore/lib/merkle-tree.js').MerkleTree
const c = require('compact-encoding')
const messages11 = require('hypercore/lib/messages.js')
const messages10 = require('hypercore10/lib/messages.js')

const OUT = path.resolve(process.argv[2] || path.join(__dirname, '../../primitives/hypercore-verify/tests/vectors'))

const hex = (b) => Buffer.from(b).toString('hex')
const node = (n) => ({ index: n.index, size: n.size, hash: hex(n.hash) })

// A small deterministic generator (xorshift32) for block contents and sizes.
function prng(seed) {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x
  }
}

function makeBlocks({ length, seed, sizes }) {
  const rand = prng(seed)
  const blocks = []
  for (let i = 0; i < length; i++) {
    const size = sizes(i, rand)
    const b = Buffer.alloc(size)
    for (let j = 0; j < size; j++) b[j] = rand() & 0xff
    blocks.push(b)
  }
  return blocks
}

// The feeds: both key modes, both major versions, many shapes of tree.
const uneven = (i, rand) => rand() % 300
const fixed = (n) => () => n
const FEEDS = []
for (const version of [11, 10]) {
  for (const mode of ['compat', 'manifest']) {
    for (const length of [1, 2, 3, 7, 8, 131]) {
      FEEDS.push({ version, mode, length, sizes: uneven, name: `v${version}-${mode}-len${length}` })
    }
    FEEDS.push({ version, mode, length: 5, sizes: (i, r) => (i === 2 ? 0 : r() % 64), name: `v${version}-${mode}-empty-block` })
    FEEDS.push({ version, mode, length: 4, sizes: fixed(4096), name: `v${version}-${mode}-4k-blocks` })
    // Appended, truncated (fork becomes 1) and appended again.
    FEEDS.push({ version, mode, length: 9, sizes: uneven, truncateTo: 6, name: `v${version}-${mode}-forked` })
  }
}

function seedOf(name) {
  // 32-byte key seed and 32-bit data seed derived from the feed name.
  const h = crypto.hash(Buffer.from('hosting-vectors:' + name))
  return { keySeed: h, dataSeed: h.readUInt32LE(0) }
}

async function openCore(spec, dir, keyPair) {
  const Hypercore = spec.version === 11 ? Hypercore11 : Hypercore10
  const core = new Hypercore(dir, { keyPair, compat: spec.mode === 'compat' })
  await core.ready()
  return core
}

// Levels from block `index` up to the full root that covers it at `length`.
function levelsToRoot(index, length) {
  const roots = flat.fullRoots(2 * length)
  const ite = flat.iterator(2 * index)
  let levels = 0
  while (!roots.includes(ite.index)) {
    ite.parent()
    levels++
  }
  return levels
}

async function blockNodes(spec, core, index, length) {
  const nodes = levelsToRoot(index, length)
  if (spec.version === 11) {
    const rx = core.state.storage.read()
    const p = await MerkleTree11.proof(core.state, rx, { block: { index, nodes } })
    rx.tryFlush()
    const proof = await p.settle()
    return proof.block.nodes
  }
  const proof = await core.core.tree.proof({ block: { index, nodes } })
  return (await (proof.settle ? proof.settle() : proof)).block.nodes
}

function treeState(spec, core) {
  if (spec.version === 11) {
    const s = core.state
    return { roots: s.roots, fork: s.fork, length: s.length, signature: s.signature, manifest: core.core.manifest }
  }
  const t = core.core.tree
  return { roots: t.roots, fork: t.fork, length: t.length, signature: t.signature, manifest: core.core.header.manifest }
}

async function generate(spec) {
  const { keySeed, dataSeed } = seedOf(spec.name)
  const keyPair = crypto.keyPair(keySeed)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hypercore-vector-'))
  try {
    const core = await openCore(spec, dir, keyPair)
    const blocks = makeBlocks({ length: spec.length, seed: dataSeed, sizes: spec.sizes })
    if (spec.truncateTo !== undefined) {
      await core.append(blocks.slice(0, spec.length))
      await core.truncate(spec.truncateTo)
      const regrown = makeBlocks({ length: spec.length - spec.truncateTo, seed: dataSeed ^ 0x5a5a5a5a, sizes: spec.sizes })
      blocks.splice(spec.truncateTo, blocks.length, ...regrown)
    }
    await core.append(spec.truncateTo !== undefined ? blocks.slice(spec.truncateTo) : blocks)

    const st = treeState(spec, core)
    if (st.length !== spec.length) throw new Error(`${spec.name}: length ${st.length} != ${spec.length}`)
    const messages = spec.version === 11 ? messages11 : messages10
    const manifest = spec.mode === 'manifest' ? hex(c.encode(messages.manifest, st.manifest)) : null
    if (spec.mode === 'compat' && !Buffer.from(core.key).equals(keyPair.publicKey)) throw new Error('compat key mismatch')

    const vector = {
      mode: spec.mode,
      key: hex(core.key),
      signer: hex(keyPair.publicKey),
      manifest,
      length: st.length,
      fork: st.fork,
      roots: st.roots.map(node),
      tree_hash: hex(crypto.tree(st.roots)),
      signature: hex(st.signature),
      blocks: []
    }
    for (let i = 0; i < st.length; i++) {
      const value = await core.get(i)
      if (!value.equals(blocks[i])) throw new Error(`${spec.name}: block ${i} differs`)
      const nodes = await blockNodes(spec, core, i, st.length)
      if (nodes.length !== levelsToRoot(i, st.length)) throw new Error(`${spec.name}: block ${i} path is incomplete`)
      vector.blocks.push({ index: i, value: hex(value), nodes: nodes.map(node) })
    }
    await core.close()
    return vector
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true })
  for (const spec of FEEDS) {
    const vector = await generate(spec)
    fs.writeFileSync(path.join(OUT, spec.name + '.json'), JSON.stringify(vector, null, 1) + '\n')
    console.log(`${spec.name}.json  length=${vector.length} fork=${vector.fork} key=${vector.key}`)
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
