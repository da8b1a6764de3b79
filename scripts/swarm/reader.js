#!/usr/bin/env node
// A Hypercore app's fresh reader (JS Hypercore 10 or 11): finds the feed on
// the loopback DHT, downloads every block up to a length (the library
// verifies each against the signed tree), and listens on the
// `hosting-extension` with `{ encoding: 'json' }` for the hoster's greeting,
// which it checks with scripts/client/hoster-check.mjs (against the chain
// when given --chain). It also checks that the greeting is refused when it
// is tampered with or arrives from another peer's connection.
//   node reader.js --version 11 --key HEX --dir D --bootstrap HOST:PORT --length N [--chain ws://...] [--hoster-key HEX]
// stdout: {"length","digest","hello","remote_public_key","verdict","refused":{...}}
'use strict'
const path = require('path')
const { hypercoreOf, loopbackSwarm, digest, flags, print } = require('./peers.js')

const within = (ms, promise, what) =>
  Promise.race([promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms / 1000} s`)), ms).unref())])

async function main() {
  const f = flags(process.argv.slice(2))
  const check = await import(path.join(__dirname, '../client/hoster-check.mjs'))
  const Hypercore = hypercoreOf(f.version)
  const core = new Hypercore(f.dir, Buffer.from(f.key, 'hex'))
  await core.ready()
  const greetings = []
  let greeted
  const greeting = new Promise((resolve) => (greeted = resolve))
  core.registerExtension('hosting-extension', {
    encoding: 'json',
    onmessage(message, peer) {
      const remote = Buffer.from(peer.remotePublicKey).toString('hex')
      greetings.push({ message, remote })
      // Only the hoster's greeting counts (when its key is known).
      if (!f['hoster-key'] || remote === f['hoster-key']) greeted({ message, remote })
    }
  })
  const swarm = loopbackSwarm(f.bootstrap)
  swarm.on('connection', (conn) => {
    conn.on('error', () => {})
    core.replicate(conn)
  })
  swarm.join(core.discoveryKey, { server: false, client: true })

  const length = Number(f.length)
  await within(60000, (async () => {
    while (core.length < length) {
      await core.update({ wait: true })
      if (core.length < length) await new Promise((resolve) => setTimeout(resolve, 250))
    }
  })(), `length ${length}`)
  const blocks = []
  for (let i = 0; i < length; i++) blocks.push(await within(30000, core.get(i), `block ${i}`))
  const { message, remote } = await within(30000, greeting, 'the hoster greeting')

  const peer = { remotePublicKey: remote, feedKey: f.key }
  let verdict = check.verifyHello(message, peer)
  if (f.chain) {
    const api = await check.connect(f.chain)
    try {
      verdict = await check.checkHoster(api, message, peer)
    } finally {
      await api.disconnect()
    }
  }
  // The same greeting, tampered with or from another connection, is refused.
  const other = Buffer.alloc(32, 7).toString('hex')
  const flip = (s) => (s[0] === '0' ? '1' : '0') + s.slice(1)
  const refused = {
    replayed_by_another_peer: !check.verifyHello(message, { ...peer, remotePublicKey: other }).ok,
    signed_by_another_key: !check.verifyHello({ ...message, signature: flip(message.signature) }, peer).ok,
    longer_than_signed: !check.verifyHello({ ...message, feeds: message.feeds.map((x) => ({ ...x, length: x.length + 1 })) }, peer).ok,
    another_feed: !check.verifyHello(message, { ...peer, feedKey: other }).ok,
    not_a_greeting: !check.verifyHello({ hello: 'world' }, peer).ok
  }
  print({ length: core.length, digest: digest(blocks), hello: message, remote_public_key: remote, verdict, refused })
  await swarm.destroy()
  await core.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
