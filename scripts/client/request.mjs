// Asks for a benchmark of a hoster on a feed (hosting.requestPerformanceBenchmark,
// signed by a dev account or any secret URI), waits until it is in a block
// (BenchmarkRequested) and its committee is drawn at the start of a later block
// (ProvidePerformanceBenchmark), and prints:
//   node request.mjs <ws url> <secret uri> <hoster hex> <feed id>
//       request <id> attestors <hex,...> deadline <block> block <block the committee was drawn in>
// Exits 2 on bad arguments, 1 when the request fails.
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { u8aToHex } from '@polkadot/util'
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto'

const [url, suri, hoster, feed] = process.argv.slice(2)
if (!url || !suri || !hoster || feed === undefined) {
  console.error('usage: node request.mjs <ws url> <secret uri> <hoster hex> <feed id>')
  process.exit(2)
}
const hex = (account) => u8aToHex(decodeAddress(account)).slice(2)

setTimeout(() => {
  console.error(`request: no benchmark request in a block within 60 s (${url})`)
  process.exit(1)
}, 60_000).unref()
let api
try {
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  await cryptoWaitReady()
  const signer = new Keyring({ type: 'sr25519' }).addFromUri(suri)
  const { events, blockHash } = await new Promise((resolve, reject) => {
    api.tx.hosting.requestPerformanceBenchmark(`0x${hoster}`, Number(feed))
      .signAndSend(signer, ({ status, events, dispatchError }) => {
        if (dispatchError) {
          const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null
          reject(new Error(error ? `${error.section}.${error.name}` : dispatchError.toString()))
        } else if (status.isInBlock) resolve({ events, blockHash: status.asInBlock })
      }).catch(reject)
  })
  const requested = events.map(({ event }) => event).find((e) => api.events.hosting.BenchmarkRequested.is(e))
  if (!requested) throw new Error('no BenchmarkRequested event')
  const id = requested.data.request.toNumber()
  // The committee is drawn in a later block: look at each block from the one
  // after inclusion on, as the chain grows.
  let next = (await api.rpc.chain.getHeader(blockHash)).number.toNumber() + 1
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    for (; next <= best; next++) {
      const state = await api.at(await api.rpc.chain.getBlockHash(next))
      for (const { event } of await state.query.system.events()) {
        if (api.events.hosting.ProvidePerformanceBenchmark.is(event) && event.data.request.toNumber() === id) {
          const { attestors, deadline } = event.data
          console.log(`request ${id} attestors ${attestors.map(hex).join(',')} deadline ${deadline} block ${next}`)
          process.exit(0)
        }
        if (api.events.hosting.RequestVoid.is(event) && event.data.request.toNumber() === id) {
          throw new Error(`request ${id} is void: no committee could be drawn`)
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
} catch (e) {
  console.error(`request: ${e.message}`)
  process.exitCode = 1
} finally {
  await api?.disconnect()
}
