// Upgrades a running chain's runtime through a multi-block migration and
// checks that nothing was lost:
//   node upgrade.mjs <ws url> <wasm file> <hoster hex> <feed id>
// 1. asks (as //Eve) for a benchmark of the hoster, so a request is open
//    across the upgrade;
// 2. as //Alice, in one block: puts the hosting pallet back to storage
//    version 6 with every hoster's figures written in the version-6 layout
//    (sudo(system.setStorage)), and sets the code
//    (sudo.sudoUncheckedWeight(system.setCode(wasm))); the new code's first
//    block starts the version 6 → 7 multi-block migration
//    (`multiBlockMigrations`), which runs while blocks carry no transaction;
// 3. compares the state before with the state once the migration is over:
//    every feed, hoster and hosting identical, every hoster's figures
//    translated back with their values (unless a request of the hoster closed
//    since; then with more samples), every open request still open (perhaps
//    with more votes) or closed by an event; no request closed while the
//    migration ran;
// 4. waits for ratings to keep landing: the request opened before the upgrade
//    and one asked for after it both close with a verdict.
// Prints `key value` lines (scripts/lib.sh `field`):
//   spec <old> <new> upgraded_at <block> feeds <n> hosters <n> open_requests <n>
//   migrated <hosters> version <from> <to> blocks <n> done_at <block>
//   closed_after <request> verdict <kind> ...
// Exits 2 on bad arguments, 1 when a check fails.
import { readFileSync } from 'node:fs'
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { compactToU8a, u8aConcat, u8aEq, u8aToHex } from '@polkadot/util'
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

const versionKey = u8aToHex(u8aConcat(xxhashAsU8a('Hosting', 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128)))

// The hosting pallet's storage at `hash`: per item, its entries by key (the
// key's arguments, as JSON).
const snapshot = async (api, hash, items = ['feeds', 'hosters', 'hosterFigures', 'benchmarkRequests', 'hostings']) => {
  const at = await api.at(hash)
  const state = {}
  for (const item of items) {
    const entries = await at.query.hosting[item].entries()
    state[item] = new Map(entries.map(([key, value]) => [JSON.stringify(key.args.map((a) => a.toJSON())), value]))
  }
  state.storageVersion = await storageVersion(api, hash)
  return state
}

const storageVersion = async (api, hash) => {
  const raw = await api.rpc.state.getStorage(versionKey, hash)
  return raw.isSome ? raw.unwrap().toU8a(true)[0] : 0
}

// A hoster's figures as the pallet's storage version 6 wrote them: each
// figures without the tally of its last block (the field version 7 added).
const figuresV6 = (f) => u8aConcat(f.availability.toU8a(), f.reliability.toU8a(), f.latencyMs.toU8a(),
  f.bandwidthBytesPerSec.toU8a(), f.samples.toU8a(), f.lastUpdate.toU8a())
const figuresV7 = (f) => u8aConcat(figuresV6(f), f.thisBlock.toU8a())
const record = (r, figures) => u8aConcat(figures(r.overall), compactToU8a(r.regions.length),
  ...r.regions.map((x) => u8aConcat(x.region.toU8a(), figures(x.figures))), r.lastVerdict.toU8a())

// A record's JSON as version 7 has it after the migration: every tally empty.
const migratedJson = (json) => {
  const empty = (f) => ({ ...f, thisBlock: { ratings: 0, availability: 0, reliability: 0 } })
  return JSON.stringify({ ...json, overall: empty(json.overall), regions: json.regions.map((r) => ({ ...r, figures: empty(r.figures) })) })
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

  // 2. The upgrade, from a state at version 6. The figures and the version are
  // put back and the code set in one block (both submitted at once, right
  // after the block with the request), so no block of the old code runs on
  // version-6 figures.
  const figureEntries = await api.query.hosting.hosterFigures.entries()
  check(figureEntries.length > 0, 'no hoster has figures to migrate')
  const downgrade = []
  const expected = new Map()
  for (const [key, value] of figureEntries) {
    const figures = value.unwrap()
    check(u8aEq(record(figures, figuresV7), figures.toU8a()), 'the version-6 encoder does not match the figures\' layout')
    downgrade.push([key.toHex(), u8aToHex(record(figures, figuresV6))])
    expected.set(JSON.stringify(key.args.map((a) => a.toJSON())), migratedJson(figures.toJSON()))
  }
  downgrade.push([versionKey, '0x0600'])
  const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber()
  const included = (tx, nonce) => new Promise((resolve, reject) => {
    tx.signAndSend(alice, { nonce }, ({ status }) => {
      if (status.isInBlock) resolve(status.asInBlock.toHex())
    }).catch(reject)
  })
  const setCode = api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(u8aToHex(code)), { refTime: 0, proofSize: 0 })
  const [downgradedHash, upgradedHash] = await Promise.all([
    included(api.tx.sudo.sudo(api.tx.system.setStorage(downgrade)), nonce),
    included(setCode, nonce + 1),
  ])
  check(downgradedHash === upgradedHash, 'the version-6 state and the new code landed in different blocks')
  // The block that sets the code reports the new runtime version, so a client
  // swaps its metadata right then: its events are read afresh, below.
  await api.disconnect()
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  const upgradedEvents = await eventsAt(api, upgradedHash)
  const sudid = upgradedEvents.filter((e) => api.events.sudo.Sudid.is(e))
  check(sudid.length === 2, `${sudid.length} of the 2 sudo calls were dispatched`)
  for (const e of sudid) check(e.data.sudoResult.isOk, `a sudo call failed: ${e.data.sudoResult.toString()}`)
  check(upgradedEvents.some((e) => api.events.system.CodeUpdated.is(e)), 'no CodeUpdated event')
  check(await storageVersion(api, upgradedHash) === 6, 'the state was not put back to version 6')
  const lastOld = (await api.rpc.chain.getHeader(upgradedHash)).number.toNumber()
  const blockHash = async (n) => {
    while ((await api.rpc.chain.getHeader()).number.toNumber() < n) await sleep(500)
    return api.rpc.chain.getBlockHash(n)
  }
  const firstNewHash = await blockHash(lastOld + 1)
  const after = await api.rpc.state.getRuntimeVersion(firstNewHash)
  const newSpec = after.specVersion.toNumber()
  check(newSpec > oldSpec, `the new code's spec_version ${newSpec} is not above ${oldSpec}`)
  check(after.specName.toString() === before.specName.toString(), 'the new code is another chain\'s runtime')

  // The migration: started by the first block of the new code, over when the
  // migrator says so; no request closes and no transaction lands meanwhile.
  let doneAt
  const closedDuring = []
  for (let n = lastOld + 1; doneAt === undefined; n++) {
    check(n <= lastOld + 20, 'the migration did not end within 20 blocks')
    const hash = await blockHash(n)
    const events = await eventsAt(api, hash)
    if (n === lastOld + 1) {
      check(events.some((e) => api.events.multiBlockMigrations.UpgradeStarted.is(e)), 'the new code started no multi-block migration')
    }
    const failed = events.find((e) => api.events.multiBlockMigrations.MigrationFailed.is(e) || api.events.multiBlockMigrations.UpgradeFailed.is(e))
    check(!failed, `the migration failed in block ${n}`)
    closedDuring.push(...events.filter((e) => api.events.hosting.RequestClosed.is(e) || api.events.hosting.RequestVoid.is(e)))
    const block = await api.rpc.chain.getBlock(hash)
    const transactions = block.block.extrinsics.filter((x) => !['timestamp', 'parachainSystem'].includes(x.method.section))
    check(transactions.length === 0, `block ${n} carried ${transactions.length} transaction(s) while migrating`)
    if (events.some((e) => api.events.multiBlockMigrations.UpgradeCompleted.is(e))) doneAt = n
  }
  check(closedDuring.length === 0, `${closedDuring.length} request(s) closed while the migration ran`)
  const doneHash = await blockHash(doneAt)
  check(await storageVersion(api, doneHash) === 7, 'the migration did not end at version 7')
  check((await (await api.at(doneHash)).query.hosting.deferredDeadlines()).isSome, 'no deadline was deferred while migrating')

  // 3. Nothing lost between the last block of the old code and the end of the migration.
  const old = await snapshot(api, upgradedHash, ['feeds', 'hosters', 'benchmarkRequests', 'hostings'])
  const now = await snapshot(api, doneHash)
  for (const item of ['feeds', 'hosters', 'hostings']) {
    check(now[item].size === old[item].size, `${item}: ${old[item].size} before, ${now[item].size} after`)
    for (const [key, value] of old[item]) {
      check(now[item].get(key)?.toHex() === value.toHex(), `${item}: an entry changed across the upgrade`)
    }
  }
  check(now.hosterFigures.size === expected.size, 'a hoster\'s figures were lost')
  for (const [key, json] of expected) {
    const figures = now.hosterFigures.get(key)
    check(figures?.isSome, 'a hoster\'s figures were lost')
    check(JSON.stringify(figures.unwrap().toJSON()) === json, `hoster ${key}: figures changed in the migration`)
  }
  check(old.benchmarkRequests.size > 0, 'no request was open across the upgrade')
  for (const [key, value] of old.benchmarkRequests) {
    const request = now.benchmarkRequests.get(key)
    const id = JSON.parse(key)[0]
    check(request, `request ${id} vanished across the upgrade`)
    const { votes: oldVotes, ...oldRest } = value.unwrap().toJSON()
    const { votes: newVotes, ...newRest } = request.unwrap().toJSON()
    check(JSON.stringify(oldRest) === JSON.stringify(newRest), `request ${id} changed across the upgrade`)
    check(newVotes.length >= oldVotes.length, `request ${id} lost votes across the upgrade`)
  }
  console.log(`spec ${oldSpec} ${newSpec} upgraded_at ${lastOld + 1} feeds ${now.feeds.size} hosters ${now.hosters.size} open_requests ${old.benchmarkRequests.size}`)
  console.log(`migrated ${expected.size} version 6 7 blocks ${doneAt - lastOld} done_at ${doneAt}`)

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
