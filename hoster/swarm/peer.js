#!/usr/bin/env node
// The hoster's Hypercore peer: the reference implementation (npm `hypercore`
// and `hyperswarm`, pinned in package.json) run by the Rust hoster, which
// starts, supervises and stops it (hoster/src/swarm).
//
//   node peer.js serve --data DIR [--bootstrap HOST:PORT]... [--listen HOST:PORT]
//   node peer.js fetch --data DIR --key HEX [--from-length N] [--follow] [--timeout S] [--bootstrap ...] [--listen ...]
//
// serve: joins the swarm of every feed the hoster names and seeds it from the
// hoster's store; on each new peer sends the hoster's signed message on the
// `hosting-extension`; passes on what writers append (follow).
// fetch: finds the feed's peers, downloads it, passes it on, and exits (or,
// with --follow, keeps passing on appends).
//
// The Noise key pair is the hoster's contact key, whose seed comes as the
// first line of stdin (never on the command line). Both modes talk to the
// hoster in JSON lines: stdin from the hoster, stdout to it, diagnostics on
// stderr (HOSTER_SWARM_DEBUG=1 adds stack traces). What the peer passes on
// is untrusted by the hoster: it verifies the signed state and every block
// with hypercore-verify before storing them.
//
// stdin  {"type":"start","seed":HEX}                       first line, both modes
//        {"type":"feed","key":HEX,"hello":{...},"max_bytes":N}
//                                                           serve: host (or refresh) a feed, following
//                                                           its writer's appends up to N bytes
//        {"type":"drop","key":HEX}                          serve: stop hosting it
// stdout {"type":"listening","port":N,"public_key":HEX}
//        {"type":"progress","key":HEX,"have":N,"length":N}  fetch: contiguous blocks held
//        {"type":"state","key":HEX,"state":{JsonState}}    a signed state whose blocks follow
//        {"type":"block","key":HEX,"index":N,"size":N}      in order, from the stored length;
//                                                           the line is followed by the block's N raw bytes
//        {"type":"end","key":HEX}                           every block of the last state sent
//        {"type":"stats","feeds":{HEX:{...}}}               serve: traffic, every 2 s
//        {"type":"error","key":HEX?,"message":TEXT}
'use strict'

const fs = require('fs')
const path = require('path')
const readline = require('readline')
const Hypercore = require('hypercore')
const Hyperswarm = require('hyperswarm')
const HyperDHT = require('hyperdht')
const crypto = require('hypercore-crypto')
const { readState, loadIntoCore, stateOf } = require('./lib/store.js')
const { FeedTraffic } = require('./lib/traffic.js')

const EXTENSION = 'hosting-extension'
/** The largest block (hypercore-verify's MAX_BLOCK_SIZE). */
const MAX_BLOCK_SIZE = 4 * 1024 * 1024
/** How long a block may take to arrive once its feed's length is known. */
const BLOCK_TIMEOUT_MS = 60000
const hex = (b) => Buffer.from(b).toString('hex')

/** Writes one message; resolves when the pipe can take more (backpressure). */
function send(message) {
  return write(JSON.stringify(message) + '\n')
}

/** A block: its line, then its bytes as they are (no text encoding to pay for). */
function sendBlock(keyHex, index, value) {
  process.stdout.write(JSON.stringify({ type: 'block', key: keyHex, index, size: value.length }) + '\n')
  return write(value)
}

function write(data) {
  if (process.stdout.write(data)) return Promise.resolve()
  return new Promise((resolve) => process.stdout.once('drain', resolve))
}

function parseArgs(argv) {
  const opts = { mode: argv[0], bootstrap: [], listen: null, data: null, key: null, fromLength: 0, follow: false, timeout: 60 }
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`)
      return argv[++i]
    }
    if (flag === '--bootstrap') opts.bootstrap.push(hostPort(value(), flag))
    else if (flag === '--listen') opts.listen = hostPort(value(), flag)
    else if (flag === '--data') opts.data = value()
    else if (flag === '--key') opts.key = hexKey(value())
    else if (flag === '--from-length') opts.fromLength = count(value(), flag)
    else if (flag === '--timeout') opts.timeout = count(value(), flag)
    else if (flag === '--follow') opts.follow = true
    else throw new Error(`unknown argument ${flag}`)
  }
  if (opts.mode !== 'serve' && opts.mode !== 'fetch') throw new Error('the mode is serve or fetch')
  if (!opts.data) throw new Error('--data is required')
  if (opts.mode === 'fetch' && !opts.key) throw new Error('fetch needs --key')
  return opts
}

function hostPort(s, flag) {
  const m = /^(.+):(\d{1,5})$/.exec(s)
  if (!m || Number(m[2]) > 65535) throw new Error(`${flag} takes host:port, not ${s}`)
  return { host: m[1], port: Number(m[2]) }
}

function hexKey(s) {
  if (!/^[0-9a-fA-F]{64}$/.test(s)) throw new Error(`a feed key is 64 hex characters, not ${s}`)
  return s.toLowerCase()
}

function count(s, flag) {
  if (!/^\d+$/.test(s)) throw new Error(`${flag} takes a whole number, not ${s}`)
  return Number(s)
}

/** The DHT node and swarm, with the contact key as the Noise key pair. */
function openSwarm(opts, keyPair) {
  const loopback = opts.listen && (opts.listen.host === '127.0.0.1' || opts.listen.host === 'localhost')
  const dht = new HyperDHT({
    bootstrap: opts.bootstrap.length ? opts.bootstrap : undefined,
    keyPair,
    host: opts.listen ? opts.listen.host : undefined,
    port: opts.listen ? opts.listen.port : undefined,
    // On loopback nothing is behind a NAT: a node that knows it is reachable
    // serves at once (a firewalled one stalls its peers while it probes).
    firewalled: loopback ? false : undefined,
    ephemeral: loopback ? true : undefined
  })
  return new Hyperswarm({ dht, keyPair })
}

/** The first stdin line: the contact key's seed. */
async function readStart(lines) {
  const { value, done } = await lines.next()
  if (done) throw new Error('stdin closed before the start line')
  const start = JSON.parse(value)
  if (start.type !== 'start' || !/^[0-9a-f]{64}$/.test(start.seed || '')) throw new Error('the first line must be {"type":"start","seed":HEX}')
  return crypto.keyPair(Buffer.from(start.seed, 'hex'))
}

/**
 * Sends a core's signed state and its blocks from `from` on, then `end`. Each
 * block goes as soon as it is downloaded (the whole range is requested at
 * once), so the hoster stores while the rest arrives.
 */
async function passOn(core, keyHex, from) {
  const state = stateOf(core)
  if (state.length <= from) return from
  const range = core.download({ start: from, end: state.length })
  try {
    send({ type: 'state', key: keyHex, state })
    for (let index = from; index < state.length; index++) {
      // A peer that announced a length but serves no blocks must not hold the feed forever.
      const value = await core.get(index, { timeout: BLOCK_TIMEOUT_MS })
      if (value.length > MAX_BLOCK_SIZE) {
        // Announced, not sent: the hoster refuses the state (the largest block the chain and attestors take).
        await send({ type: 'block', key: keyHex, index, size: value.length })
        throw new Error(`block ${index} has ${value.length} bytes, more than ${MAX_BLOCK_SIZE}`)
      }
      await sendBlock(keyHex, index, value)
    }
    send({ type: 'end', key: keyHex })
  } finally {
    range.destroy()
  }
  return state.length
}

// ---------------------------------------------------------------- serve

/** One hosted feed: its core, extension, hello message and traffic. */
class HostedFeed {
  constructor(core, keyHex, data) {
    this.core = core
    this.keyHex = keyHex
    this.data = data
    this.hello = null
    /** The largest the feed is followed to, in bytes. */
    this.maxBytes = 0
    /** The length whose refusal (past maxBytes) was reported, so it is said once. */
    this.refusedLength = null
    this.traffic = new FeedTraffic()
    this.queue = Promise.resolve()
    this.extension = core.registerExtension(EXTENSION, {
      // Raw JSON, no length prefix: what a peer registering the extension
      // with `{ encoding: 'json' }` reads.
      encoding: 'json',
      onmessage() {}
    })
    core.on('peer-add', (peer) => {
      this.traffic.peerAdded(peer)
      if (this.hello) this.extension.send(this.hello, peer)
    })
    core.on('peer-remove', (peer) => this.traffic.peerRemoved(peer))
    core.on('upload', (index, bytes, peer) => this.traffic.uploaded(bytes, peer))
    core.on('download', (index, bytes, peer) => this.traffic.downloaded(bytes, peer))
    core.on('append', () => this.serially(() => this.follow()))
  }

  /** Runs `task` after the feed's earlier tasks. */
  serially(task) {
    this.queue = this.queue.then(task).catch((err) => send({ type: 'error', key: this.keyHex, message: err.message }))
    return this.queue
  }

  /**
   * A writer appended: pass the blocks the store lacks on to the hoster. The
   * store's own length says where to start (the hoster may have refused an
   * earlier state); blocks it holds already are skipped by the hoster.
   */
  async follow() {
    const from = storedLength(this.data, this.keyHex)
    if (this.core.length <= from) return
    // Past the follow limit nothing is downloaded: a writer cannot fill the hoster's disk.
    if (this.core.byteLength > this.maxBytes) {
      if (this.refusedLength !== this.core.length) {
        this.refusedLength = this.core.length
        await send({
          type: 'error',
          key: this.keyHex,
          message: `not followed: the writer grew the feed to ${this.core.length} blocks, ${this.core.byteLength} bytes, past the follow limit of ${this.maxBytes} bytes (hoster serve --follow-limit)`
        })
      }
      return
    }
    await passOn(this.core, this.keyHex, from)
  }
}

async function serve(opts, lines) {
  const keyPair = await readStart(lines)
  const swarm = openSwarm(opts, keyPair)
  const feeds = new Map()
  const byDiscoveryKey = new Map()

  swarm.on('connection', (conn, info) => {
    conn.on('error', () => {})
    // Open a feed's channel when the peer asks for it, and for the topics we found it on.
    const mux = Hypercore.createProtocolStream(conn, {
      ondiscoverykey(discoveryKey) {
        const feed = byDiscoveryKey.get(hex(discoveryKey))
        if (feed) feed.core.replicate(mux)
      }
    })
    for (const topic of info.topics || []) {
      const feed = byDiscoveryKey.get(hex(topic))
      if (feed) feed.core.replicate(mux)
    }
  })

  async function host(message) {
    const keyHex = hexKey(message.key)
    if (!Number.isSafeInteger(message.max_bytes) || message.max_bytes < 0) throw new Error('max_bytes must be a whole number of bytes')
    let feed = feeds.get(keyHex)
    if (!feed) {
      const core = new Hypercore(path.join(opts.data, 'swarm', 'cores', keyHex), Buffer.from(keyHex, 'hex'))
      await core.ready()
      feed = new HostedFeed(core, keyHex, opts.data)
      feeds.set(keyHex, feed)
      byDiscoveryKey.set(hex(core.discoveryKey), feed)
      swarm.join(core.discoveryKey, { server: true, client: true })
    }
    const changed = feed.hello !== null && JSON.stringify(feed.hello) !== JSON.stringify(message.hello)
    feed.hello = message.hello
    feed.maxBytes = message.max_bytes
    // Peers open already hear the new greeting (a longer length, an account).
    if (changed) feed.extension.broadcast(feed.hello)
    // Not awaited: one feed's load or follow never holds up the others' messages.
    feed.serially(() => loadIntoCore(feed.core, opts.data, keyHex))
    // A writer may be ahead of the store already.
    feed.serially(() => feed.follow())
  }

  async function drop(keyHex) {
    const feed = feeds.get(keyHex)
    if (!feed) return
    feeds.delete(keyHex)
    byDiscoveryKey.delete(hex(feed.core.discoveryKey))
    await swarm.leave(feed.core.discoveryKey)
    await feed.core.close()
    // The hoster removed the feed: its copy here goes too.
    fs.rmSync(path.join(opts.data, 'swarm', 'cores', keyHex), { recursive: true, force: true })
  }

  const stats = setInterval(() => {
    const out = {}
    for (const [keyHex, feed] of feeds) out[keyHex] = feed.traffic.summary()
    send({ type: 'stats', feeds: out })
  }, 2000)

  await swarm.listen()
  send({ type: 'listening', port: swarm.dht.address().port, public_key: hex(keyPair.publicKey) })

  for await (const line of lines) {
    let message
    try {
      message = JSON.parse(line)
      if (message.type === 'feed') await host(message)
      else if (message.type === 'drop') await drop(hexKey(message.key))
      else throw new Error(`unknown message type ${message.type}`)
    } catch (err) {
      send({ type: 'error', key: message && message.key, message: err.message })
    }
  }
  // stdin closed: the hoster stopped or died.
  clearInterval(stats)
  await shutdown(swarm, [...feeds.values()].map((f) => f.core))
}

/** The stored length of a feed (0 if it has none). */
function storedLength(data, keyHex) {
  try {
    return readState(data, keyHex).length
  } catch {
    return 0
  }
}

// ---------------------------------------------------------------- fetch

async function fetch(opts, lines) {
  const keyPair = await readStart(lines)
  // The hoster went away (its end of stdin closed): stop downloading for nobody.
  // What was downloaded stays, for the next import to resume from.
  let finished = false
  process.stdin.once('end', () => {
    if (!finished) process.exit(1)
  })
  const swarm = openSwarm(opts, keyPair)
  // A storage of its own (a serving peer may hold the feed's core open): what
  // it downloaded stays there until the hoster stored the feed, so an import
  // cut short resumes.
  const core = new Hypercore(path.join(opts.data, 'swarm', 'fetch', opts.key), Buffer.from(opts.key, 'hex'))
  await core.ready()
  swarm.on('connection', (conn) => {
    conn.on('error', () => {})
    core.replicate(conn)
  })
  // Client only: a fetch never listens, so it never answers for the hoster's key
  // (a serving peer of the same hoster may be running).
  swarm.join(core.discoveryKey, { server: false, client: true })
  await swarm.dht.ready()
  send({ type: 'listening', port: swarm.dht.address().port, public_key: hex(keyPair.publicKey) })

  // Finding a peer of the feed, within the timeout, and the length it knows.
  let timer
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, opts.timeout * 1000, 'timeout')))
  const peered = core.peers.length > 0 ? Promise.resolve('peer') : new Promise((resolve) => core.once('peer-add', () => resolve('peer')))
  const found = await Promise.race([peered, timeout])
  clearTimeout(timer)
  if (found === 'timeout') {
    send({ type: 'error', key: opts.key, message: `no peer of feed ${opts.key} answered within ${opts.timeout} s` })
    await shutdown(swarm, [core])
    process.exitCode = 1
    return
  }
  await core.update({ wait: true })
  if (core.length === 0) {
    send({ type: 'error', key: opts.key, message: `feed ${opts.key} has no blocks yet` })
    await shutdown(swarm, [core])
    process.exitCode = 1
    return
  }
  // What an earlier, interrupted import downloaded is here already: say so at once.
  const report = () => send({ type: 'progress', key: opts.key, have: core.contiguousLength, length: core.length })
  report()
  const progress = setInterval(report, 500)
  let from = opts.fromLength
  try {
    from = await passOn(core, opts.key, from)
    if (opts.follow) {
      // Pass on every append until stdin closes.
      let queue = Promise.resolve()
      core.on('append', () => {
        queue = queue
          .then(async () => { from = await passOn(core, opts.key, from) })
          .catch((err) => send({ type: 'error', key: opts.key, message: err.message }))
      })
      for await (const line of lines) void line
    }
  } finally {
    finished = true
    clearInterval(progress)
    await shutdown(swarm, [core])
  }
}

async function shutdown(swarm, cores) {
  await swarm.destroy()
  for (const core of cores) await core.close()
}

async function main() {
  // The hoster's end of the pipe closed (it stopped or died): nothing to do for nobody.
  process.stdout.on('error', () => process.exit(1))
  const opts = parseArgs(process.argv.slice(2))
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  const lines = input[Symbol.asyncIterator]()
  try {
    if (opts.mode === 'serve') await serve(opts, lines)
    else await fetch(opts, lines)
  } finally {
    // Done: stop reading stdin, so nothing keeps the process alive.
    input.close()
    process.stdin.destroy()
  }
}

main().catch((err) => {
  if (process.env.HOSTER_SWARM_DEBUG) console.error(err)
  send({ type: 'error', message: err.message })
  process.exit(1)
})
