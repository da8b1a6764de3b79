#!/usr/bin/env node
// A Hyperswarm DHT of its own on loopback (hyperdht's createTestnet): prints
// `{"bootstrap":"127.0.0.1:PORT"}` and runs until SIGTERM or SIGINT.
//   node testnet.js [port]   (default: hyperdht's 49737)
'use strict'
const createTestnet = require('hyperdht/testnet')

async function main() {
  const port = Number(process.argv[2] || 49737)
  const testnet = await createTestnet(3, { host: '127.0.0.1', port })
  const first = testnet.bootstrap[0]
  process.stdout.write(JSON.stringify({ bootstrap: `${first.host}:${first.port}` }) + '\n')
  const stop = async () => {
    await testnet.destroy()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  setInterval(() => {}, 1 << 30)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
