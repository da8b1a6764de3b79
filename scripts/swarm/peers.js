// What the interop peers share: versions of the library, swarms on a loopback
// DHT, and the deterministic contents of a test feed.
'use strict'
const crypto = require('crypto')
const Hyperswarm = require('hyperswarm')
const HyperDHT = require('hyperdht')

/** The Hypercore class of a major version (11 current, 10 LTS). */
function hypercoreOf(version) {
  if (version === '11') return require('hypercore')
  if (version === '10') return require('hypercore10')
  throw new Error(`no Hypercore version ${version}`)
}

/**
 * A swarm whose DHT node is bound to loopback and knows only `bootstrap`.
 * Not a routing node (a destroyed one lingers in the others' tables), and
 * reachable: on loopback nothing is behind a NAT, and a node that probes for
 * one first stalls the peers connecting to it.
 */
function loopbackSwarm(bootstrap) {
  const [host, port] = bootstrap.split(':')
  const dht = new HyperDHT({ bootstrap: [{ host, port: Number(port) }], host: '127.0.0.1', firewalled: false, ephemeral: true })
  return new Hyperswarm({ dht })
}

/** Block `index` of the test feed named `seed`: `size` bytes of a hash stream. */
function block(seed, index, size) {
  const out = Buffer.alloc(size)
  let h = crypto.createHash('sha256').update(`${seed}/${index}`).digest()
  for (let at = 0; at < size; at += h.length) {
    h.copy(out, at)
    h = crypto.createHash('sha256').update(h).digest()
  }
  return out
}

/** SHA-256 of the blocks in order, each prefixed with its length. */
function digest(blocks) {
  const h = crypto.createHash('sha256')
  for (const b of blocks) {
    const len = Buffer.alloc(4)
    len.writeUInt32LE(b.length)
    h.update(len).update(b)
  }
  return h.digest('hex')
}

/** Parses `--name value` flags into an object. */
function flags(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`)
    out[argv[i].slice(2)] = argv[i + 1]
  }
  return out
}

function print(message) {
  process.stdout.write(JSON.stringify(message) + '\n')
}

module.exports = { hypercoreOf, loopbackSwarm, block, digest, flags, print }
