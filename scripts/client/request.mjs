// Asks for a benchmark of a hoster on a feed (hosting.requestPerformanceBenchmark,
// signed by a dev account or any secret URI), waits until it is in a block and
// prints what the ProvidePerformanceBenchmark event of that transaction says:
//   node request.mjs <ws url> <secret uri> <hoster hex> <feed id>
//       request <id> attestors <hex,...> deadline <block> block <block it is in>
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
  const opened = events.map(({ event }) => event).find((e) => api.events.hosting.ProvidePerformanceBenchmark.is(e))
  if (!opened) throw new Error('no ProvidePerformanceBenchmark event')
  const { request, attestors, deadline } = opened.data
  const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber()
  console.log(`request ${request} attestors ${attestors.map(hex).join(',')} deadline ${deadline} block ${block}`)
} catch (e) {
  console.error(`request: ${e.message}`)
  process.exitCode = 1
} finally {
  await api?.disconnect()
}
