#!/usr/bin/env node
// Times a fresh JS Hypercore reader downloading a whole feed from the loopback
// DHT's peers: scripts/bench/swarm.sh compares the hoster with JS peers.
//   node download.js --version 11 --key HEX --dir D --bootstrap HOST:PORT --length N
// stdout: {"length","bytes","seconds","mb_per_s"}
'use strict'
const { hypercoreOf, loopbackSwarm, flags, print } = require('./peers.js')

async function main() {
  const f = flags(process.argv.slice(2))
  const Hypercore = hypercoreOf(f.version)
  const core = new Hypercore(f.dir, Buffer.from(f.key, 'hex'))
  await core.ready()
  const swarm = loopbackSwarm(f.bootstrap)
  swarm.on('connection', (conn) => {
    conn.on('error', () => {})
    core.replicate(conn)
  })
  const length = Number(f.length)
  const started = process.hrtime.bigint()
  swarm.join(core.discoveryKey, { server: false, client: true })
  while (core.length < length) {
    await core.update({ wait: true })
    if (core.length < length) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await core.download({ start: 0, end: length }).done()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const bytes = core.byteLength
  print({ length, bytes, seconds, mb_per_s: bytes / seconds / 1e6 })
  await swarm.destroy()
  await core.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
