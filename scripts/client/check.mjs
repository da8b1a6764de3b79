// A @polkadot/api client of the hosting chain, doing what polkadot.js apps does:
// reads the metadata, finds the pallet's calls, storage, events and the runtime
// API, submits a signed extrinsic, and calls does_qualify through the runtime API.
//   node check.mjs ws://127.0.0.1:9944 <hoster account hex>
import assert from 'node:assert/strict'
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { u8aConcat, stringToU8a } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'

const [url, hoster, feedLength] = process.argv.slice(2)
if (!url || !hoster) {
  console.error('usage: node check.mjs <ws url> <hoster account hex>')
  process.exit(2)
}
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
try {
  const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === 'Hosting')
  assert.ok(pallet, 'the Hosting pallet is in the metadata')
  for (const call of ['publishFeed', 'updateFeed', 'registerHoster', 'updateRegistration', 'unregisterHoster',
    'registerAttestor', 'unregisterAttestor', 'resumeAttestor', 'withdrawAttestorBond', 'offerHosting', 'stopHosting',
    'requestPerformanceBenchmark', 'performanceBenchmarkResponse', 'performanceBenchmarkResponses']) {
    assert.equal(typeof api.tx.hosting[call], 'function', `call hosting.${call}`)
  }
  for (const item of ['feeds', 'hosters', 'attestors', 'attestorKeys', 'hostings', 'benchmarkRequests', 'hosterFigures']) {
    assert.equal(typeof api.query.hosting[item], 'function', `storage hosting.${item}`)
  }
  for (const event of ['BenchmarkRequested', 'ProvidePerformanceBenchmark', 'BenchmarkRated', 'RequestClosed', 'RequestVoid',
    'HosterActivated', 'AttestorSlashed']) {
    assert.ok(api.events.hosting[event], `event hosting.${event}`)
  }
  for (const method of ['doesQualify', 'hosterFigures', 'attestorFigures', 'openRequestsFor']) {
    assert.equal(typeof api.call.hostingApi?.[method], 'function', `runtime API hostingApi.${method}`)
  }
  console.log(`metadata: ${api.runtimeVersion.specName} v${api.runtimeVersion.specVersion}; hosting calls, storage, events and hostingApi found`)
  // The bond and the committee, as apps shows them under Chain state → Constants.
  const bond = api.consts.hosting.attestorBond
  assert.ok(bond.toBigInt() > 0n, 'the attestor bond is a constant')
  assert.equal(api.consts.hosting.attestorsPerRequest.toNumber(), 3, 'committees of three')
  assert.equal(api.consts.hosting.committeeQuorum.toNumber(), 2, 'a quorum of two')

  // Storage as apps shows it.
  const stored = await api.query.hosting.hosters(`0x${hoster}`)
  assert.ok(stored.isSome, 'the hoster is registered')
  console.log(`hoster: ${JSON.stringify(stored.unwrap().status.toHuman())}, form region ${stored.unwrap().form.region.toUtf8()}`)

  if (feedLength) {
    const feed = (await api.query.hosting.feeds(0)).unwrap()
    assert.equal(feed.length.toNumber(), Number(feedLength), 'feed 0 has its updated length')
    console.log(`feed 0: length ${feed.length}, mode ${feed.mode.toString()}, ${feed.roots.length} roots`)
  }

  // A signed extrinsic, as the Extrinsics page sends it: Eve bonds and names a
  // signing key of her own (//Eve//host) for her attestor's node.
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  const eve = keyring.addFromUri('//Eve')
  const eveHost = keyring.addFromUri('//Eve//host')
  const events = await new Promise((resolve, reject) => {
    // The key proves it is Eve's: its signature over "hosting/attestor-key/v1" ++ Eve's account.
    const keyProof = { Sr25519: eveHost.sign(u8aConcat(stringToU8a('hosting/attestor-key/v1'), eve.publicKey)) }
    api.tx.hosting.registerAttestor('client', eveHost.address, keyProof).signAndSend(eve, ({ status, events, dispatchError }) => {
      if (dispatchError) reject(new Error(`registerAttestor failed: ${dispatchError.toString()}`))
      else if (status.isInBlock) resolve(events)
    }).catch(reject)
  })
  assert.ok(events.some(({ event }) => api.events.hosting.AttestorRegistered.is(event)), 'AttestorRegistered emitted')
  assert.ok((await api.query.hosting.attestors(eve.address)).isSome, 'Eve is an attestor')
  const held = (await api.query.balances.holds(eve.address)).map((h) => h.amount.toBigInt())
  assert.deepEqual(held, [bond.toBigInt()], 'the bond is held from Eve')
  assert.equal((await api.query.hosting.attestorKeys(eveHost.address)).unwrap().toString(), eve.address, 'her key signs for her')
  const summary = (await api.call.hostingApi.attestorFigures(eve.address)).unwrap()
  assert.equal(summary.bond.toBigInt(), bond.toBigInt(), 'attestorFigures shows the bond')
  console.log(`extrinsic hosting.registerAttestor("client", //Eve//host) by Eve: included, ${bond.toHuman()} held`)

  // The runtime API, as the Runtime calls page uses it.
  const answer = await api.call.hostingApi.doesQualify(`0x${hoster}`, 'Hoster', { minAvailability: 900_000_000, minSamples: 1 })
  const human = answer.toHuman()
  console.log(`doesQualify: ${JSON.stringify(human)}`)
  assert.equal(answer.qualifies.isFalse, true, 'the hoster that failed its benchmarks does not qualify')
  assert.ok(answer.reasons.some((r) => r.isAvailabilityBelow), 'the reason names the availability')
  const figures = await api.call.hostingApi.hosterFigures(`0x${hoster}`)
  assert.ok(figures.isSome && figures.unwrap().samples.toNumber() >= 4, 'the figures count every verdict')
  console.log(`hosterFigures: ${figures.unwrap().samples} verdicts, availability ${figures.unwrap().availability.toHuman()}`)
  const open = await api.call.hostingApi.openRequestsFor(eve.address)
  assert.ok(Array.isArray(open.toArray()), 'openRequestsFor decodes')
} finally {
  await api.disconnect()
}
