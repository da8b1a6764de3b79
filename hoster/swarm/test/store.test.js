// loadIntoCore against the reference implementation: a feed written by JS
// Hypercore, laid out as the hoster's store lays it out, loads into a fresh
// reader core at every length, and grows from every length to every longer
// one (the upgrade proofs hypercore checks against the feed key).
//   node --test test/
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const os = require('os')
const path = require('path')
const Hypercore = require('hypercore')
const { MerkleTree } = require('hypercore/lib/merkle-tree.js')
const { loadIntoCore, stateOf } = require('../lib/store.js')

/** Writes `core`'s state at its length into `<data>/feeds/<key>/` as the Rust store does. */
async function writeStore(core, data) {
  const keyHex = core.key.toString('hex')
  const dir = path.join(data, 'feeds', keyHex)
  fs.mkdirSync(dir, { recursive: true })
  const blocks = []
  for (let i = 0; i < core.length; i++) blocks.push(await core.get(i))
  fs.writeFileSync(path.join(dir, 'data'), Buffer.concat(blocks))
  const offsets = Buffer.alloc(8 * blocks.length)
  let end = 0
  blocks.forEach((b, i) => offsets.writeBigUInt64LE(BigInt((end += b.length)), 8 * i))
  fs.writeFileSync(path.join(dir, 'offsets'), offsets)
  const tree = Buffer.alloc(40 * 2 * core.length)
  const rx = core.state.storage.read()
  const reads = []
  for (let index = 0; index < 2 * core.length - 1; index++) reads.push(MerkleTree.get(core.state, index, false, rx).catch(() => null))
  rx.tryFlush()
  for (const node of await Promise.all(reads)) {
    if (!node) continue
    Buffer.from(node.hash).copy(tree, 40 * node.index)
    tree.writeBigUInt64LE(BigInt(node.size), 40 * node.index + 32)
  }
  fs.writeFileSync(path.join(dir, 'tree'), tree)
  fs.writeFileSync(path.join(dir, 'header.json'), JSON.stringify(stateOf(core)))
  return keyHex
}

for (const compat of [false, true]) {
  test(`a stored ${compat ? 'compat' : 'manifest'} feed loads at every length and grows to every longer one`, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-store-'))
    try {
      const writer = new Hypercore(path.join(tmp, 'writer'), { compat })
      await writer.ready()
      const lengths = []
      const stores = []
      for (let length = 1; length <= 19; length++) {
        await writer.append(Buffer.from(`block ${length - 1} `.repeat(length % 5 + 1)))
        const data = path.join(tmp, `store-${length}`)
        await writeStore(writer, data)
        lengths.push(length)
        stores.push(data)
      }
      const keyHex = writer.key.toString('hex')
      for (let a = 0; a < lengths.length; a++) {
        for (const b of new Set([a, a + 1, a + 3, lengths.length - 1])) {
          if (b >= lengths.length || b < a) continue
          const reader = new Hypercore(path.join(tmp, `reader-${a}-${b}`), writer.key)
          await reader.ready()
          await loadIntoCore(reader, stores[a], keyHex)
          assert.equal(reader.length, lengths[a])
          await loadIntoCore(reader, stores[b], keyHex)
          assert.equal(reader.length, lengths[b], `grown from ${lengths[a]} to ${lengths[b]}`)
          assert.equal(reader.contiguousLength, lengths[b])
          for (let i = 0; i < lengths[b]; i++) assert.deepEqual(await reader.get(i), await writer.get(i))
          await reader.close()
        }
      }
      await writer.close()
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  })
}

test('a stored state whose signature is not the writer’s is refused and nothing is loaded', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-store-'))
  try {
    const writer = new Hypercore(path.join(tmp, 'writer'))
    await writer.ready()
    await writer.append([Buffer.from('a'), Buffer.from('b'), Buffer.from('c')])
    const data = path.join(tmp, 'store')
    const keyHex = await writeStore(writer, data)
    const header = path.join(data, 'feeds', keyHex, 'header.json')
    const state = JSON.parse(fs.readFileSync(header, 'utf8'))
    state.signature = state.signature.replace(/^../, (x) => (x === '00' ? '01' : '00'))
    fs.writeFileSync(header, JSON.stringify(state))
    const reader = new Hypercore(path.join(tmp, 'reader'), writer.key)
    await reader.ready()
    await assert.rejects(loadIntoCore(reader, data, keyHex))
    assert.equal(reader.length, 0)
    await reader.close()
    await writer.close()
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
})
