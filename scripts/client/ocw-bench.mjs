// Sets up one off-chain run with N open requests for the OCW benchmark
// (scripts/bench/ocw.sh): makes Ferdie and Eve the only attestors (a committee
// of two, the quorum; Eve's key is never on the node, so she stays silent),
// opens N benchmark requests of the hoster, waits until all are open, then
// inserts Ferdie's attestor key so the next off-chain run takes them all at once.
//   node ocw-bench.mjs <ws url> <hoster hex> <feed id> <N>
import assert from 'node:assert/strict'
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util'
import { setOnDemandLimit } from './on-demand-limit.mjs'

const [url, hoster, feed, count] = process.argv.slice(2)
const n = Number(count)
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true })
await cryptoWaitReady()
const keyring = new Keyring({ type: 'sr25519' })
const [ferdie, eve] = ['//Ferdie', '//Eve'].map((s) => keyring.addFromUri(s))
const ferdieHost = keyring.addFromUri('//Ferdie//host')
const stashes = ['//Alice//stash', '//Bob//stash', '//Charlie//stash'].map((s) => keyring.addFromUri(s))

const inBlock = (tx, signer, nonce) => new Promise((resolve, reject) => {
  tx.signAndSend(signer, nonce === undefined ? {} : { nonce }, ({ status, dispatchError }) => {
    if (dispatchError) reject(new Error(dispatchError.toString()))
    else if (status.isInBlock) resolve()
  }).catch(reject)
})

// Ferdie and Eve attest (Ferdie's key is not in the keystore yet); the
// development chain's three attestors stop.
// Each key proves whose it is: its signature over the context and the account.
const proof = (key, account) => ({ Sr25519: key.sign(u8aConcat(stringToU8a('hosting/attestor-key/v1'), account.publicKey)) })
const eveHost = keyring.addFromUri('//Eve//host')
await inBlock(api.tx.hosting.registerAttestor('bench', ferdieHost.address, proof(ferdieHost, ferdie)), ferdie)
await inBlock(api.tx.hosting.registerAttestor('bench-2', eveHost.address, proof(eveHost, eve)), eve)
for (const stash of stashes) await inBlock(api.tx.hosting.unregisterAttestor(), stash)
// All N requests are on one hoster: raise the runtime's limit per hoster (16).
await setOnDemandLimit(api, keyring.addFromUri('//Alice'), Math.max(n, 16))

// N requests from dev accounts, in batches of 25 per block (the runtime opens at
// most 208 on-demand requests a block), each batch sent at once and awaited in a block.
const senders = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve'].map((s) => keyring.addFromUri(s))
// Committees are drawn a block after the requests: wait for the last ones.
const settle = () => new Promise((resolve) => setTimeout(resolve, 7_000))
const request = () => api.tx.hosting.requestPerformanceBenchmark(`0x${hoster}`, Number(feed))
for (let done = 0; done < n;) {
  const batch = Math.min(25, n - done)
  const nonces = await Promise.all(senders.map((s) => api.rpc.system.accountNextIndex(s.address)))
  await Promise.all(Array.from({ length: batch }, (_, i) => {
    const k = i % senders.length
    return inBlock(request(), senders[k], nonces[k].addn(Math.floor(i / senders.length)))
  }))
  done += batch
}
await settle()
// At least N: a periodic round may have added one more.
const open = await api.call.hostingApi.openRequestsFor(ferdie.address)
assert.ok(open.length >= n, `every request is open for Ferdie (${open.length} of ${n})`)
// Now the off-chain worker of the next block sees all N at once.
await api.rpc.author.insertKey('host', '//Ferdie//host', u8aToHex(ferdieHost.publicKey))
console.log(open.length)
await api.disconnect()
