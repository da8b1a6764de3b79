#!/usr/bin/env node
// Verifies test vectors (the shape generate.js writes, or `hoster feed export-vector`
// prints) with the JS reference: hypercore-crypto for the Merkle tree, and the
// hypercore Verifier for the signature in both key modes.
//   node verify.js vector.json [more.json ...]
'use strict'

const fs = require('fs')
const b4a = require('b4a')
const c = require('compact-encoding')
const crypto = require('hypercore-crypto')
const caps = require('hypercore/lib/caps.js')
const messages = require('hypercore/lib/messages.js')
const Verifier = require('hypercore/lib/verifier.js')

const buf = (hex) => b4a.from(hex, 'hex')
const node = (n) => ({ index: n.index, size: n.size, hash: buf(n.hash) })

function verifyVector(v) {
  const roots = v.roots.map(node)
  const treeHash = crypto.tree(roots)
  if (!b4a.equals(treeHash, buf(v.tree_hash))) throw new Error('tree hash differs')
  const signature = buf(v.signature)
  // A batch as the Verifier sees one: the signed tree.
  const batch = {
    length: v.length,
    fork: v.fork,
    hash: () => treeHash,
    signable: (manifestHash) => caps.treeSignable(manifestHash, treeHash, v.length, v.fork),
    signableCompat: (noHeader) => caps.treeSignableCompat(treeHash, v.length, v.fork, noHeader)
  }
  let verifier
  if (v.mode === 'compat') {
    if (v.key !== v.signer) throw new Error('compat key must be the signer')
    verifier = new Verifier(buf(v.key), Verifier.defaultSignerManifest(buf(v.key)), { compat: true })
  } else {
    const manifest = c.decode(messages.manifest, buf(v.manifest))
    if (!b4a.equals(Verifier.manifestHash(manifest), buf(v.key))) throw new Error('key is not the manifest hash')
    verifier = new Verifier(buf(v.key), manifest)
  }
  if (!verifier.verify(batch, signature)) throw new Error('signature does not verify')

  // Every block: leaf hash, then parents with its sibling path, up to one of the roots.
  for (const b of v.blocks) {
    let cur = { index: 2 * b.index, size: buf(b.value).byteLength, hash: crypto.data(buf(b.value)) }
    for (const sib of b.nodes.map(node)) {
      const parentIndex = Math.min(cur.index, sib.index) + (Math.abs(cur.index - sib.index) >> 1)
      cur = { index: parentIndex, size: cur.size + sib.size, hash: crypto.parent(cur, sib) }
    }
    const root = roots.find((r) => r.index === cur.index)
    if (!root || !b4a.equals(root.hash, cur.hash) || root.size !== cur.size) {
      throw new Error(`block ${b.index} does not reach a root`)
    }
  }
  return v.blocks.length
}

let failed = 0
for (const file of process.argv.slice(2)) {
  try {
    const n = verifyVector(JSON.parse(fs.readFileSync(file, 'utf8')))
    console.log(`ok ${file}: signature and ${n} blocks verified by the JS reference`)
  } catch (err) {
    failed++
    console.error(`FAIL ${file}: ${err.message}`)
  }
}
process.exit(failed ? 1 : 0)
