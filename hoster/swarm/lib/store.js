// Reads the hoster's feed store (hoster/src/store: `<data>/feeds/<key>/`) and
// loads a feed into a Hypercore of the reference implementation, so the swarm
// peer serves exactly the bytes the HTTP API serves.
//
// The store is the source of truth. Nothing is copied into the Hypercore
// unverified: the signed state goes in as an upgrade proof (its roots and
// signature, checked by hypercore against the feed key), every block as a
// block proof (its sibling path to a signed root, checked by hypercore).
'use strict'

const fs = require('fs')
const path = require('path')
const flat = require('flat-tree')
const c = require('compact-encoding')
const crypto = require('hypercore-crypto')
const messages = require('hypercore/lib/messages.js')

/** Bytes of one tree node in the store's `tree` file: hash (32), size (u64 LE). */
const NODE_BYTES = 40

/** The directory of feed `keyHex` in the store under `data`. */
function feedDir(data, keyHex) {
  return path.join(data, 'feeds', keyHex)
}

/** A stored feed's signed state (`header.json`, the `JsonState` of the Rust store). */
function readState(data, keyHex) {
  return JSON.parse(fs.readFileSync(path.join(feedDir(data, keyHex), 'header.json'), 'utf8'))
}

/** Positioned reads of one stored feed's blocks and tree nodes. */
class StoredFeed {
  constructor(data, keyHex) {
    const dir = feedDir(data, keyHex)
    this.data = fs.openSync(path.join(dir, 'data'), 'r')
    this.offsets = fs.openSync(path.join(dir, 'offsets'), 'r')
    this.tree = fs.openSync(path.join(dir, 'tree'), 'r')
  }

  close() {
    for (const fd of [this.data, this.offsets, this.tree]) fs.closeSync(fd)
  }

  /** Tree node `index` as hypercore's `{ index, size, hash }`. */
  node(index) {
    const b = Buffer.alloc(NODE_BYTES)
    if (fs.readSync(this.tree, b, 0, NODE_BYTES, index * NODE_BYTES) !== NODE_BYTES) {
      throw new Error(`the store has no tree node ${index}`)
    }
    return { index, size: Number(b.readBigUInt64LE(32)), hash: b.subarray(0, 32) }
  }

  /** Block `index`'s bytes. */
  block(index) {
    const ends = Buffer.alloc(16)
    const start = index === 0 ? 0 : (fs.readSync(this.offsets, ends, 0, 8, (index - 1) * 8), Number(ends.readBigUInt64LE(0)))
    if (fs.readSync(this.offsets, ends, 8, 8, index * 8) !== 8) throw new Error(`the store has no block ${index}`)
    const end = Number(ends.readBigUInt64LE(8))
    const value = Buffer.alloc(end - start)
    if (value.length && fs.readSync(this.data, value, 0, value.length, start) !== value.length) {
      throw new Error(`block ${index} is cut short in the store`)
    }
    return value
  }

  /** Block `index`'s sibling path up to the full root covering it at `length`. */
  path(index, length) {
    const roots = new Set(flat.fullRoots(2 * length))
    const ite = flat.iterator(2 * index)
    const nodes = []
    while (!roots.has(ite.index)) {
      nodes.push(this.node(ite.sibling()))
      ite.parent()
    }
    return nodes
  }
}

/** The nodes of an upgrade proof from `from` blocks to `to` (hypercore's verifyUpgrade order). */
function upgradeNodes(stored, from, to) {
  const oldRoots = flat.fullRoots(2 * from)
  const nodes = []
  let i = 0
  let grow = oldRoots.length > 0
  for (const root of flat.fullRoots(2 * to)) {
    if (i < oldRoots.length && oldRoots[i] === root) {
      i++
      continue
    }
    if (grow) {
      grow = false
      if (i < oldRoots.length) {
        // The first new root covers the old ones from the i-th on. Climbing
        // from the last old root, hypercore merges a left sibling (an old root)
        // by itself and takes each right sibling from the proof.
        const ite = flat.iterator(oldRoots[oldRoots.length - 1])
        while (ite.index !== root) {
          if (ite.isLeft()) nodes.push(stored.node(ite.sibling()))
          else ite.sibling()
          ite.parent()
        }
        continue
      }
    }
    nodes.push(stored.node(root))
  }
  return nodes
}

/** The manifest object of a stored state (null in compat mode). */
function manifestOf(state) {
  return state.manifest ? c.decode(messages.manifest, Buffer.from(state.manifest, 'hex')) : null
}

/**
 * Brings `core` (a reader Hypercore of the same key) up to the stored state:
 * the signed upgrade, then every block it lacks. Returns the blocks added.
 * A stored state of another fork, or one shorter than the core, is left alone.
 */
async function loadIntoCore(core, data, keyHex) {
  const state = readState(data, keyHex)
  if (state.fork !== core.fork || state.length < core.length) return 0
  if (state.length === core.length && core.contiguousLength === core.length) return 0
  const stored = new StoredFeed(data, keyHex)
  try {
    if (state.length > core.length) {
      const proof = {
        fork: state.fork,
        block: null,
        hash: null,
        seek: null,
        upgrade: {
          start: core.length,
          length: state.length - core.length,
          nodes: upgradeNodes(stored, core.length, state.length),
          additionalNodes: [],
          signature: Buffer.from(state.signature, 'hex')
        },
        manifest: core.manifest ? null : manifestOf(state)
      }
      if (!(await core.core.verify(proof, null))) throw new Error(`the stored state of ${keyHex} was refused`)
    }
    let added = 0
    const pending = []
    for (let index = 0; index < state.length; index++) {
      if (await core.has(index)) continue
      const proof = {
        fork: state.fork,
        block: { index, value: stored.block(index), nodes: stored.path(index, state.length) },
        hash: null,
        seek: null,
        upgrade: null,
        manifest: null
      }
      pending.push(core.core.verify(proof, null))
      added++
      // Verified in batches (hypercore commits concurrent block proofs together).
      if (pending.length >= 64) await verifiedAll(pending.splice(0), keyHex)
    }
    await verifiedAll(pending, keyHex)
    return added
  } finally {
    stored.close()
  }
}

/** Waits for every block proof; throws if the library refused one. */
async function verifiedAll(verifies, keyHex) {
  const results = await Promise.allSettled(verifies)
  for (const r of results) {
    if (r.status === 'rejected') throw r.reason
    if (r.value !== true) throw new Error(`a stored block of ${keyHex} was refused`)
  }
}

/** A core's signed state in the store's JSON form (`JsonState`). */
function stateOf(core) {
  const hex = (b) => Buffer.from(b).toString('hex')
  const s = core.state
  const manifest = core.manifest
  const signer = manifest ? manifest.signers[0].publicKey : core.key
  // Compat mode (Hypercore 10's keys): the feed key is the signer's public key.
  const compat = Buffer.from(signer).equals(core.key)
  return {
    mode: compat ? 'compat' : 'manifest',
    key: hex(core.key),
    signer: hex(signer),
    manifest: compat ? null : hex(c.encode(messages.manifest, manifest)),
    length: s.length,
    fork: s.fork,
    roots: s.roots.map((n) => ({ index: n.index, size: n.size, hash: hex(n.hash) })),
    tree_hash: hex(crypto.tree(s.roots)),
    signature: hex(s.signature)
  }
}

module.exports = { readState, StoredFeed, upgradeNodes, loadIntoCore, stateOf, manifestOf }
