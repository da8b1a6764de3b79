#!/usr/bin/env node
// A Hypercore app's writer: creates a feed with JS Hypercore 10 or 11 in
// compat or manifest mode, appends deterministic blocks and seeds it on the
// loopback DHT. SIGUSR1 appends `--more` blocks more; SIGTERM or SIGINT
// leaves the swarm (unannounces) and exits.
//   node writer.js --version 11 --mode manifest --dir D --blocks N --size BYTES --seed NAME --bootstrap HOST:PORT [--more N]
// stdout: {"key","length","digest"} once announced, and after every append.
'use strict'
const { hypercoreOf, loopbackSwarm, block, digest, flags, print } = require('./peers.js')

async function main() {
  const f = flags(process.argv.slice(2))
  const Hypercore = hypercoreOf(f.version)
  const core = new Hypercore(f.dir, { compat: f.mode === 'compat' })
  await core.ready()
  const size = Number(f.size)
  const blocks = []
  const append = async (n) => {
    const more = []
    for (let i = 0; i < n; i++) more.push(block(f.seed, blocks.length + i, size))
    await core.append(more)
    blocks.push(...more)
  }
  await append(Number(f.blocks))
  const swarm = loopbackSwarm(f.bootstrap)
  swarm.on('connection', (conn) => {
    conn.on('error', () => {})
    core.replicate(conn)
  })
  const discovery = swarm.join(core.discoveryKey, { server: true, client: false })
  await discovery.flushed()
  const report = () => print({ key: core.key.toString('hex'), length: core.length, digest: digest(blocks) })
  report()
  let queue = Promise.resolve()
  process.on('SIGUSR1', () => {
    queue = queue.then(async () => {
      await append(Number(f.more || 8))
      report()
    })
  })
  const keepAlive = setInterval(() => {}, 1 << 30)
  await new Promise((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  clearInterval(keepAlive)
  await queue
  await swarm.leave(core.discoveryKey)
  await swarm.destroy()
  await core.close()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
