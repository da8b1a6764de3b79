// Upgrades a running chain's runtime and checks that nothing was lost:
//   node upgrade.mjs <ws url> <wasm file> <hoster hex> <feed id>
// 1. asks (as //Eve) for a benchmark of the hoster, so a request is open
//    across the upgrade;
// 2. sets the code with sudo.sudoUncheckedWeight(system.setCode(wasm)) as
//    //Alice, and waits for the first block that runs it;
// 3. compares the hosting pallet's state in the last block of the old code
//    with the first block of the new: every feed and hoster identical, every
//    hoster's figures identical unless a request of it closed in that block
//    (then with more samples), every open request still open (perhaps with
//    more votes) or closed by an event in that block;
// 4. waits for ratings to keep landing: the request opened before the upgrade
//    and one asked for after it both close with a verdict.
// Prints `key value` lines (scripts/lib.sh `field`):
//   spec <old> <new> upgraded_at <block> feeds <n> hosters <n> open_requests <n>
//   closed_after <request> verdict <kind> ...
// Exits 2 on bad arguments, 1 when a check fails.
import { readFileSync } from 'node:fs'
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { u8aToHex, u8aConcat } from '@polkadot/util'
import { cryptoWaitReady, xxhashAsU8a } from '@polkadot/util-crypto'

const [url, wasmPath, hoster, feed] = process.argv.slice(2)
if (!url || !wasmPath || !hoster || feed === undefined) {
  console.error('usage: node upgrade.mjs <ws url> <wasm file> <hoster hex> <feed id>')
  process.exit(2)
}
setTimeout(() => {
  console.error('upgrade: not done within 240 s')
  process.exit(1)
}, 240_000).unref()

const check = (ok, what) => {
  if (!ok) throw new Error(what)
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Submits `tx` signed by `signer`; resolves with the events of the block it is in.
const submit = (api, tx, signer) => new Promise((resolve, reject) => {
  tx.signAndSend(signer, ({ status, events, dispatchError }) => {
    if (dispatchError) {
      const error = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null
      reject(new Error(error ? `${error.section}.${error.name}` : dispatchError.toString()))
    } else if (status.isInBlock) resolve({ events, blockHash: status.asInBlock })
  }).catch(reject)
})

// The hosting pallet's storage at `hash`: per item, its entries by key (the
// key's arguments, as JSON).
const snapshot = async (api, hash) => {
  const at = await api.at(hash)
  const items = {}
  for (const item of ['feeds', 'hosters', 'hosterFigures', 'benchmarkRequests', 'hostings']) {
    const entries = await at.query.hosting[item].entries()
    items[item] = new Map(entries.map(([key, value]) => [JSON.stringify(key.args.map((a) => a.toJSON())), value]))
  }
  const versionKey = u8aConcat(xxhashAsU8a('Hosting', 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128))
  const raw = await api.rpc.state.getStorage(u8aToHex(versionKey), hash)
  items.storageVersion = raw.isSome ? raw.unwrap().toU8a(true)[0] : 0
  return items
}

const eventsAt = async (api, hash) => (await (await api.at(hash)).query.system.events()).map(({ event }) => event)

let api
try {
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  const alice = keyring.addFromUri('//Alice')
  const eve = keyring.addFromUri('//Eve')
  const code = readFileSync(wasmPath)
  const before = await api.rpc.state.getRuntimeVersion()
  const oldSpec = before.specVersion.toNumber()

  // 1. A request open across the upgrade.
  const asked = await submit(api, api.tx.hosting.requestPerformanceBenchmark(`0x${hoster}`, Number(feed)), eve)
  const requested = asked.events.map(({ event }) => event).find((e) => api.events.hosting.BenchmarkRequested.is(e))
  check(requested, 'no BenchmarkRequested event for the request before the upgrade')
  const openAcross = requested.data.request.toNumber()

  // 2. The upgrade.
  // The block that sets the code reports the new runtime version, so a client
  // swaps its metadata right then: its events are read afresh, below.
  const setCode = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(u8aToHex(code)), { refTime: 0, proofSize: 0 })
  const upgradedHash = await new Promise((resolve, reject) => {
    setCode.signAndSend(alice, ({ status }) => {
      if (status.isInBlock) resolve(status.asInBlock)
    }).catch(reject)
  })
  await api.disconnect()
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  const upgradedEvents = await eventsAt(api, upgradedHash)
  const sudid = upgradedEvents.find((e) => api.events.sudo.Sudid.is(e))
  check(sudid, 'setCode was not dispatched (no Sudid event)')
  check(sudid.data.sudoResult.isOk, `setCode failed: ${sudid.data.sudoResult.toString()}`)
  check(upgradedEvents.some((e) => api.events.system.CodeUpdated.is(e)), 'no CodeUpdated event')
  const lastOld = (await api.rpc.chain.getHeader(upgradedHash)).number.toNumber()
  let firstNewHash
  for (;;) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    if (best > lastOld) {
      firstNewHash = await api.rpc.chain.getBlockHash(lastOld + 1)
      break
    }
    await sleep(500)
  }
  const after = await api.rpc.state.getRuntimeVersion(firstNewHash)
  const newSpec = after.specVersion.toNumber()
  check(newSpec > oldSpec, `the new code's spec_version ${newSpec} is not above ${oldSpec}`)
  check(after.specName.toString() === before.specName.toString(), 'the new code is another chain\'s runtime')

  // 3. Nothing lost between the last block of the old code and the first of the new.
  const old = await snapshot(api, upgradedHash)
  const now = await snapshot(api, firstNewHash)
  const events = await eventsAt(api, firstNewHash)
  const closedThere = new Set(events
    .filter((e) => api.events.hosting.RequestClosed.is(e) || api.events.hosting.RequestVoid.is(e))
    .map((e) => e.data.request.toNumber()))
  const figuresMoved = new Set(events
    .filter((e) => api.events.hosting.RequestClosed.is(e))
    .map((e) => JSON.stringify([e.data.hoster.toJSON()])))
  check(now.storageVersion === old.storageVersion && now.storageVersion > 0,
    `the pallet's storage version moved from ${old.storageVersion} to ${now.storageVersion} with no migration`)
  for (const item of ['feeds', 'hosters', 'hostings']) {
    check(now[item].size === old[item].size, `${item}: ${old[item].size} before, ${now[item].size} after`)
    for (const [key, value] of old[item]) {
      check(now[item].get(key)?.toHex() === value.toHex(), `${item}: an entry changed across the upgrade`)
    }
  }
  check(now.hosterFigures.size === old.hosterFigures.size, 'a hoster\'s figures were lost')
  for (const [key, value] of old.hosterFigures) {
    const figures = now.hosterFigures.get(key)
    check(figures, 'a hoster\'s figures were lost')
    if (figures.toHex() === value.toHex()) continue
    const samples = (f) => f.unwrap().overall.samples.toNumber()
    check(figuresMoved.has(key), `hoster ${key}: figures changed with no request of it closed`)
    check(samples(figures) > samples(value), `hoster ${key}: figures changed without a new verdict`)
  }
  check(old.benchmarkRequests.size > 0, 'no request was open across the upgrade')
  for (const [key, value] of old.benchmarkRequests) {
    const request = now.benchmarkRequests.get(key)
    const id = JSON.parse(key)[0]
    if (!request) {
      check(closedThere.has(id), `request ${id} vanished across the upgrade`)
      continue
    }
    const { votes: oldVotes, ...oldRest } = value.unwrap().toJSON()
    const { votes: newVotes, ...newRest } = request.unwrap().toJSON()
    check(JSON.stringify(oldRest) === JSON.stringify(newRest), `request ${id} changed across the upgrade`)
    check(newVotes.length >= oldVotes.length, `request ${id} lost votes across the upgrade`)
  }
  console.log(`spec ${oldSpec} ${newSpec} upgraded_at ${lastOld + 1} feeds ${now.feeds.size} hosters ${now.hosters.size} open_requests ${old.benchmarkRequests.size}`)

  // 4. Ratings keep landing: the request from before and a new one close with a verdict.
  const asked2 = await submit(api, api.tx.hosting.requestPerformanceBenchmark(`0x${hoster}`, Number(feed)), eve)
  const requested2 = asked2.events.map(({ event }) => event).find((e) => api.events.hosting.BenchmarkRequested.is(e))
  check(requested2, 'no BenchmarkRequested event after the upgrade')
  const waiting = new Set([openAcross, requested2.data.request.toNumber()])
  let next = lastOld + 1
  while (waiting.size > 0) {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    for (; next <= best; next++) {
      for (const event of await eventsAt(api, await api.rpc.chain.getBlockHash(next))) {
        if (api.events.hosting.RequestClosed.is(event) && waiting.has(event.data.request.toNumber())) {
          const id = event.data.request.toNumber()
          waiting.delete(id)
          console.log(`closed_after ${id} verdict ${event.data.verdict.type} ratings ${event.data.ratings} block ${next}`)
        }
        if (api.events.hosting.RequestVoid.is(event) && waiting.has(event.data.request.toNumber())) {
          throw new Error(`request ${event.data.request} is void after the upgrade: its ratings did not land`)
        }
      }
    }
    await sleep(1000)
  }
} catch (e) {
  console.error(`upgrade: ${e.message}`)
  process.exitCode = 1
} finally {
  await api?.disconnect()
}
