// Reads facts from a hosting node for the scripts, one line per fact, in a form
// a shell script can take apart (scripts/lib.sh: `field`):
//   node chain-facts.mjs <ws url> heads
//       best <n> finalized <n>
//   node chain-facts.mjs <ws url> attestor <account hex> [block]
//       status <Active|Suspended|Leaving> answered <n> missed <n> reliability <ppm>
//         disagreed <n> bond <planck>
//   node chain-facts.mjs <ws url> hoster <account hex> [block]
//       status <s> samples <n> availability <ppm>
//     (at the best block, or at the given block number)
//   node chain-facts.mjs <ws url> feed <feed key hex>
//       id <feed id> length <n>
//   node chain-facts.mjs <ws url> events <from block>
//       committee <request> <attestor hex,...> deadline <n> block <n>   (ProvidePerformanceBenchmark)
//       rated <request> <attestor hex> <outcome> [latency_ms <ms> bandwidth <B/s>] hoster <hex> block <n>
//                       (BenchmarkRated: Normal, Timeout or Error<kind>; figures for Normal)
//       closed <request> <verdict> ratings <n> disagreeing <hex,...|-> silent <hex,...|-> hoster <hex> block <n>
//                       (RequestClosed: Served, Timeout or Failed<kind>)
//       void <request> ratings <n> silent <hex,...|-> retry <request|-> hoster <hex> block <n>
//                       (RequestVoid)
//   node chain-facts.mjs <ws url> claims <attestor hex>
//       claim <request> at <block> attempts <n>   (the node's own off-chain
//                                                  claims: offchain_localStorageGet)
//   node chain-facts.mjs <ws url> watch [from block]
//       each benchmark request, committee, rating and close, from the given block (default:
//       the best) on and then as blocks are finalized, until stopped; for people: accounts
//       as `Dave (5DAAnr…)` (the development accounts and their stashes by name), bandwidth
//       in MB/s (kB/s below 1 MB/s)
// A hoster's status and does_qualify answer: `hoster chain status --account A --json`.
// Exits 2 on bad arguments, 1 when the node cannot be reached or the account is unknown.
import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { u8aConcat, u8aToHex, stringToU8a, hexToU8a } from '@polkadot/util'
import { cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto'

const [url, what, arg, block] = process.argv.slice(2)
const commands = ['heads', 'attestor', 'hoster', 'feed', 'events', 'claims', 'watch']
const usage = `usage: node chain-facts.mjs <ws url> ${commands.join(' | ')} [argument]`
if (!url || !commands.includes(what) || (!['heads', 'watch'].includes(what) && !arg)) {
  console.error(usage)
  process.exit(2)
}
const hex = (account) => u8aToHex(decodeAddress(account)).slice(2)
// The development accounts and their stashes (the dev chains' attestors) by
// name, as `hoster` prints them: `Dave (5DAAnr…)`, `AliceStash (5GNJqT…)`.
const devNames = new Map()
const nameDevAccounts = async () => {
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519' })
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    devNames.set(hex(keyring.addFromUri(`//${name}`).address), name)
    devNames.set(hex(keyring.addFromUri(`//${name}//stash`).address), `${name}Stash`)
  }
}
const short = (account) => {
  const address = encodeAddress(account)
  const name = devNames.get(hex(account))
  return name ? `${name} (${address.slice(0, 6)}…)` : `${address.slice(0, 8)}…`
}
// Bytes per second for people, in decimal units as the chain means them.
const rate = (bytesPerSec) => {
  const n = Number(bytesPerSec)
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB/s` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB/s` : `${n} B/s`
}
// A measurement failure for people: `Unreachable`, `Http 503`.
const failure = (f) => (f.isHttp ? `Http ${f.asHttp}` : f.type)
const ppm = (num, den) => (den === 0n ? 0n : (num * 1_000_000n) / den)
const list = (accounts) => accounts.map(hex).join(',') || '-'
// A stored measurement in the words of the rating it came from.
const measured = (m) => (m.isServed ? 'Normal' : m.isFailed ? `Error${m.asFailed.type}` : m.type)
const verdictName = (v) => (v.isFailed ? `Failed${v.asFailed.type}` : v.type)

// @polkadot/api retries a refused connection forever: give up after 30 s.
const giveUp = setTimeout(() => {
  console.error(`chain-facts ${what}: no answer from ${url} within 30 s`)
  process.exit(1)
}, 30_000)
giveUp.unref()
let api
try {
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  const at = async () => (block === undefined ? api : api.at(await api.rpc.chain.getBlockHash(Number(block))))
  if (what === 'heads') {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber()
    console.log(`best ${best} finalized ${finalized}`)
  } else if (what === 'attestor') {
    const stored = await (await at()).query.hosting.attestors(`0x${arg}`)
    if (stored.isNone) throw new Error(`${arg} is not an attestor`)
    const a = stored.unwrap()
    const alpha = a.reliability.alpha.toBigInt()
    const beta = a.reliability.beta.toBigInt()
    console.log(`status ${a.status.toString()} answered ${a.answered} missed ${a.missed} reliability ${ppm(alpha, alpha + beta)} ` +
      `disagreed ${a.disagreed} bond ${a.bond}`)
  } else if (what === 'hoster') {
    const state = await at()
    const hoster = await state.query.hosting.hosters(`0x${arg}`)
    if (hoster.isNone) throw new Error(`${arg} is not a hoster`)
    const record = await state.query.hosting.hosterFigures(`0x${arg}`)
    const figures = record.isSome ? record.unwrap().overall : null
    const samples = figures ? figures.samples.toNumber() : 0
    const alpha = figures ? figures.availability.alpha.toBigInt() : 0n
    const beta = figures ? figures.availability.beta.toBigInt() : 0n
    console.log(`status ${hoster.unwrap().status.toString()} samples ${samples} availability ${ppm(alpha, alpha + beta)}`)
  } else if (what === 'feed') {
    const id = await api.query.hosting.feedByKey(`0x${arg}`)
    if (id.isNone) throw new Error(`feed ${arg} is not published`)
    const feed = (await api.query.hosting.feeds(id.unwrap())).unwrap()
    console.log(`id ${id.unwrap()} length ${feed.length}`)
  } else if (what === 'events') {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    for (let n = Number(arg); n <= best; n++) {
      const state = await api.at(await api.rpc.chain.getBlockHash(n))
      for (const { event } of await state.query.system.events()) {
        if (api.events.hosting.ProvidePerformanceBenchmark.is(event)) {
          const { request, attestors, deadline } = event.data
          console.log(`committee ${request} ${list(attestors)} deadline ${deadline} block ${n}`)
        } else if (api.events.hosting.BenchmarkRated.is(event)) {
          const { request, hoster, attestor, measurement } = event.data
          const figures = measurement.isServed
            ? ` latency_ms ${measurement.asServed.latencyMs} bandwidth ${measurement.asServed.bandwidthBytesPerSec}`
            : ''
          console.log(`rated ${request} ${hex(attestor)} ${measured(measurement)}${figures} hoster ${hex(hoster)} block ${n}`)
        } else if (api.events.hosting.RequestClosed.is(event)) {
          const { request, hoster, verdict, ratings, disagreeing, silent } = event.data
          console.log(`closed ${request} ${verdictName(verdict)} ratings ${ratings} disagreeing ${list(disagreeing)} ` +
            `silent ${list(silent)} hoster ${hex(hoster)} block ${n}`)
        } else if (api.events.hosting.RequestVoid.is(event)) {
          const { request, hoster, ratings, silent, retry } = event.data
          console.log(`void ${request} ratings ${ratings} silent ${list(silent)} retry ${retry.isSome ? retry.unwrap() : '-'} ` +
            `hoster ${hex(hoster)} block ${n}`)
        }
      }
    }
  } else if (what === 'claims') {
    // The attestor's claims in this node's persistent off-chain storage: the key
    // is "hosting::claim::" ++ SCALE((request id, attestor)), the value SCALE(Claim).
    const next = (await api.query.hosting.nextRequestId()).toNumber()
    const attestor = hexToU8a(`0x${arg}`)
    for (let id = 0; id < next; id++) {
      const key = u8aConcat(stringToU8a('hosting::claim::'), api.createType('u64', id).toU8a(), attestor)
      const stored = await api.rpc.offchain.localStorageGet('PERSISTENT', u8aToHex(key))
      if (stored.isNone) continue
      const bytes = stored.unwrap().toU8a(true)
      const claim = api.createType('(u32, u8)', bytes)
      console.log(`claim ${id} at ${claim[0]} attempts ${claim[1]}`)
    }
  } else {
    // From block `arg` (default: the best block) on, every block of the best
    // chain in order, then each new one as it is imported.
    clearTimeout(giveUp)
    await nameDevAccounts()
    let next = arg === undefined ? (await api.rpc.chain.getHeader()).number.toNumber() : Number(arg)
    const show = async (n) => {
      const state = await api.at(await api.rpc.chain.getBlockHash(n))
      for (const { event } of await state.query.system.events()) {
        if (api.events.hosting.BenchmarkRequested.is(event)) {
          const { request, hoster, feed, kind } = event.data
          console.log(`#${n} request ${request} (${kind.type}): hoster ${short(hoster)} on feed ${feed}; committee drawn next block`)
        } else if (api.events.hosting.ProvidePerformanceBenchmark.is(event)) {
          const { request, attestors, deadline } = event.data
          console.log(`#${n} request ${request}: committee ${attestors.map(short).join(', ')}, deadline #${deadline}`)
        } else if (api.events.hosting.BenchmarkRated.is(event)) {
          const { request, attestor, measurement } = event.data
          const outcome = measurement.isServed
            ? `Normal: latency ${measurement.asServed.latencyMs} ms, ${rate(measurement.asServed.bandwidthBytesPerSec)}`
            : measurement.isFailed ? `Error: ${failure(measurement.asFailed)}` : measurement.type
          console.log(`#${n} request ${request} rated by ${short(attestor)}: ${outcome}`)
        } else if (api.events.hosting.RequestClosed.is(event)) {
          const { request, verdict, ratings, availability, reliability, disagreeing, silent } = event.data
          const outcome = verdict.isServed
            ? `Served (${verdict.asServed.latencyMs} ms, ${rate(verdict.asServed.bandwidthBytesPerSec)})`
            : verdict.isFailed ? `Failed: ${failure(verdict.asFailed)}` : verdict.type
          console.log(`#${n} request ${request} closed: ${outcome} from ${ratings} rating(s); ` +
            `availability ${availability.toHuman()}, reliability ${reliability.toHuman()}` +
            (disagreeing.length ? `; disagreeing: ${disagreeing.map(short).join(', ')}` : '') +
            (silent.length ? `; silent: ${silent.map(short).join(', ')}` : ''))
        } else if (api.events.hosting.RequestVoid.is(event)) {
          const { request, ratings, silent, retry } = event.data
          console.log(`#${n} request ${request} void (${ratings} rating(s), no quorum or no majority); ` +
            `silent: ${silent.map(short).join(', ') || '-'}${retry.isSome ? `; tried again as request ${retry.unwrap()}` : ''}`)
        }
      }
    }
    let busy = Promise.resolve()
    // Finalized blocks: what the hoster CLI's status reads, so a rating shown
    // here is already in the status printed after it.
    await api.rpc.chain.subscribeFinalizedHeads((header) => {
      const finalized = header.number.toNumber()
      busy = busy.then(async () => {
        for (; next <= finalized; next++) await show(next)
      }).catch((e) => console.error(`chain-facts watch: ${e.message}`))
    })
    await new Promise(() => {})
  }
} catch (e) {
  console.error(`chain-facts ${what}: ${e.message}`)
  process.exitCode = 1
} finally {
  if (what !== 'watch' || process.exitCode) await api?.disconnect()
}
