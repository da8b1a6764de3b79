// Sends one extrinsic of the hosting chain, signed by a dev account or any
// secret URI, and waits until it is in a block; prints the events it emitted.
//   node tx.mjs <ws url> <secret uri> <pallet.call> [argument as JSON...]
//   e.g. node tx.mjs ws://127.0.0.1:9944 //Bob//stash hosting.resumeAttestor
// Exits 2 on bad arguments, 1 when the call fails (with the pallet's error name).
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'

const [url, suri, call, ...args] = process.argv.slice(2)
const [section, method] = (call ?? '').split('.')
if (!url || !suri || !section || !method) {
  console.error('usage: node tx.mjs <ws url> <secret uri> <pallet.call> [argument as JSON...]')
  process.exit(2)
}
setTimeout(() => {
  console.error(`tx: ${call} not in a block within 60 s (${url})`)
  process.exit(1)
}, 60_000).unref()
let api
try {
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  const build = api.tx[section]?.[method]
  if (!build) throw new Error(`no call ${call}`)
  await cryptoWaitReady()
  const signer = new Keyring({ type: 'sr25519' }).addFromUri(suri)
  const events = await new Promise((resolve, reject) => {
    build(...args.map((a) => JSON.parse(a))).signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null
        reject(new Error(error ? `${error.section}.${error.name}` : dispatchError.toString()))
      } else if (status.isInBlock) resolve(events)
    }).catch(reject)
  })
  for (const { event } of events) console.log(`${event.section}.${event.method} ${JSON.stringify(event.data.toHuman())}`)
} catch (e) {
  console.error(`tx ${call}: ${e.message}`)
  process.exitCode = 1
} finally {
  await api?.disconnect()
}
