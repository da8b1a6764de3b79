// Holds a development chain at a number of benchmark requests a block for a
// while, then reads back from the chain's events how they fared:
//   node load.mjs <ws url> <hoster hex> <feed id> <requests per block> <seconds>
// On every new best block it sends `requests per block` requestPerformanceBenchmark
// transactions, signed by the dev accounts in turn with explicit nonces. When the
// time is up it waits for the last requests to close, then prints one line per
// figure (`key value ...`, as scripts/lib.sh `field` reads):
//   blocks <n> from <block> to <block>
//   block_time_ms mean <ms> max <ms>
//   requested <n> per_block_mean <x> per_block_max <n>
//   committees <n>
//   ratings <n> per_block_mean <x>
//   closed <n> within_2_blocks <n> later <n> max_blocks <n>
//   void <n> refused <n>
//   failed <n> {<dispatch error>: <n>, ...}   (requests included but refused by the chain)
//   attestors <n> active <n> disagreements <n>
// With LOAD_VERBOSE=1 also one line per block and how many ratings each closed
// request's verdict rests on.
// Exits 2 on bad arguments, 1 when the node cannot be reached.
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady } from '@polkadot/util-crypto'
import { setOnDemandLimit } from './on-demand-limit.mjs'

const [url, hoster, feed, perBlockArg, secondsArg] = process.argv.slice(2)
const perBlock = Number(perBlockArg)
const seconds = Number(secondsArg)
if (!url || !hoster || feed === undefined || !(perBlock > 0) || !(seconds > 0)) {
  console.error('usage: node load.mjs <ws url> <hoster hex> <feed id> <requests per block> <seconds>')
  process.exit(2)
}

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
await cryptoWaitReady()
const keyring = new Keyring({ type: 'sr25519' })
const senders = ['//Eve', '//Ferdie', '//Charlie', '//Bob', '//Alice', '//Dave'].map((s) => keyring.addFromUri(s))
// Every request is on one hoster: raise the runtime's limit per hoster (16)
// above what the run can have open at once.
await setOnDemandLimit(api, keyring.addFromUri('//Alice'), perBlock * 16)
const next = (await Promise.all(senders.map((s) => api.rpc.system.accountNextIndex(s.address)))).map((n) => n.toNumber())

let refused = 0
let turn = 0
const send = () => {
  for (let i = 0; i < perBlock; i++) {
    const k = turn++ % senders.length
    api.tx.hosting.requestPerformanceBenchmark(`0x${hoster}`, Number(feed))
      .signAndSend(senders[k], { nonce: next[k]++ })
      .catch(() => { refused++ })
  }
}

const requestedPerBlock = []
const ratingsPerBlock = []
const times = []
const committeeAt = new Map()
const closeDelays = []
const ratingsOf = new Map()
const closedWith = new Map()
let committees = 0
let closed = 0
let voids = 0
let disagreements = 0
let shown = 0
const measured = new Map()
const failures = new Map()
// One block's events, read while the block's state is still kept (a dev node
// prunes state older than 256 blocks, so a long run is read as it goes).
let end = Infinity
async function tally(n) {
  const state = await api.at(await api.rpc.chain.getBlockHash(n))
  const [events, now] = await Promise.all([state.query.system.events(), state.query.timestamp.now()])
  if (n <= end) times.push(now.toNumber())
  let requested = 0
  let ratings = 0
  let closedHere = 0
  for (const { event } of events) {
    if (api.events.hosting.BenchmarkRequested.is(event)) requested++
    else if (api.events.hosting.ProvidePerformanceBenchmark.is(event)) {
      committees++
      committeeAt.set(event.data.request.toNumber(), n)
    } else if (api.events.hosting.BenchmarkRated.is(event)) {
      ratings++
      const id = event.data.request.toNumber()
      ratingsOf.set(id, (ratingsOf.get(id) ?? 0) + 1)
      if (process.env.LOAD_VERBOSE) {
        measured.set(id, [...(measured.get(id) ?? []), `${event.data.attestor.toString().slice(0, 6)} ${event.data.measurement.toString()}`])
      }
    }
    else if (api.events.system.ExtrinsicFailed.is(event)) {
      const error = event.data.dispatchError
      const name = error.isModule ? api.registry.findMetaError(error.asModule).name : error.type
      failures.set(name, (failures.get(name) ?? 0) + 1)
    } else if (api.events.hosting.RequestClosed.is(event)) {
      closed++
      closedHere++
      disagreements += event.data.disagreeing.length
      if (process.env.LOAD_VERBOSE && event.data.disagreeing.length > 0 && shown++ < 5) {
        const id = event.data.request.toNumber()
        console.log(`disagreement on request ${id}: verdict ${event.data.verdict.toString()}; ${(measured.get(id) ?? []).join('; ')}; disagreeing ${event.data.disagreeing.map((a) => a.toString().slice(0, 6))}`)
      }
      const k = `${event.data.ratings}/${ratingsOf.get(event.data.request.toNumber()) ?? 0}`
      closedWith.set(k, (closedWith.get(k) ?? 0) + 1)
      const drawn = committeeAt.get(event.data.request.toNumber())
      if (drawn !== undefined) closeDelays.push(n - drawn)
    } else if (api.events.hosting.RequestVoid.is(event)) voids++
  }
  if (n <= end) requestedPerBlock.push(requested)
  ratingsPerBlock.push(ratings)
  if (process.env.LOAD_VERBOSE) console.log(`block ${n} requested ${requested} ratings ${ratings} closed ${closedHere} events ${events.length}`)
}
let tallied = 0
let tallying = Promise.resolve()
const tallyThrough = (n) => {
  tallying = tallying.then(async () => {
    while (tallied < n) await tally(++tallied)
  })
  return tallying
}

const start = (await api.rpc.chain.getHeader()).number.toNumber() + 1
tallied = start - 1
const stopAt = Date.now() + seconds * 1000
let last = start - 1
await new Promise((resolve) => {
  let unsubscribe = () => {}
  api.rpc.chain.subscribeNewHeads((header) => {
    const n = header.number.toNumber()
    if (Date.now() >= stopAt) {
      unsubscribe()
      resolve()
      return
    }
    if (n > last) {
      last = n
      send()
      tallyThrough(n - 1)
    }
  }).then((u) => { unsubscribe = u })
})
end = (await api.rpc.chain.getHeader()).number.toNumber()
// Let the last requests be drawn, rated and closed (the window is 10 blocks).
const settleUntil = end + 14
while ((await api.rpc.chain.getHeader()).number.toNumber() < settleUntil) {
  await new Promise((resolve) => setTimeout(resolve, 1000))
}
await tallyThrough(settleUntil)

const gaps = times.slice(1).map((t, i) => t - times[i])
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0)
console.log(`blocks ${end - start + 1} from ${start} to ${end}`)
console.log(`block_time_ms mean ${Math.round(mean(gaps))} max ${Math.max(0, ...gaps)}`)
console.log(`requested ${requestedPerBlock.reduce((a, b) => a + b, 0)} per_block_mean ${mean(requestedPerBlock).toFixed(1)} ` +
  `per_block_max ${Math.max(0, ...requestedPerBlock)}`)
console.log(`committees ${committees}`)
console.log(`ratings ${ratingsPerBlock.reduce((a, b) => a + b, 0)} per_block_mean ${mean(ratingsPerBlock).toFixed(1)}`)
const within = closeDelays.filter((d) => d <= 2).length
console.log(`closed ${closed} within_2_blocks ${within} later ${closeDelays.length - within} max_blocks ${Math.max(0, ...closeDelays)}`)
console.log(`void ${voids} refused ${refused}`)
console.log(`failed ${[...failures.values()].reduce((a, b) => a + b, 0)} ${JSON.stringify(Object.fromEntries(failures))}`)
// The attestors at the end: a committee needs them active, and disagreements can suspend them.
const attestors = (await api.query.hosting.attestors.entries()).map(([, a]) => a.unwrap())
const active = attestors.filter((a) => a.status.isActive).length
console.log(`attestors ${attestors.length} active ${active} disagreements ${disagreements}`)
if (process.env.LOAD_VERBOSE) console.log(`closed_with (ratings in verdict/seen) ${JSON.stringify(Object.fromEntries(closedWith))}`)
await api.disconnect()
