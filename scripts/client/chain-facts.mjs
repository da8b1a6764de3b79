// Reads facts from a hosting node for the scripts, one line per fact, in a form
// a shell script can take apart (scripts/lib.sh: `field`):
//   node chain-facts.mjs <ws url> heads
//       best <n> finalized <n>
//   node chain-facts.mjs <ws url> attestor <account hex> [block]
//       status <Active|Suspended> answered <n> missed <n> reliability <ppm>
//   node chain-facts.mjs <ws url> hoster <account hex> [block]
//       status <s> samples <n> availability <ppm>
//     (at the best block, or at the given block number)
//   node chain-facts.mjs <ws url> feed <feed key hex>
//       id <feed id> length <n>
//   node chain-facts.mjs <ws url> qualifies <hoster hex>
//       qualifies <yes|no>            does_qualify against the hoster's own
//       reason <Name> [<key> <value>...]   promise, on at least one rating
//                                      (Perbill values in parts per billion)
//   node chain-facts.mjs <ws url> events <from block>
//       rated <request> <attestor hex> <outcome> [latency_ms <ms> bandwidth <B/s>] hoster <hex> block <n>
//                                                     (BenchmarkRated; figures for Normal)
//       expired <request> <silent attestor hex,...> block <n>   (RequestExpired)
//   node chain-facts.mjs <ws url> claims <attestor hex>
//       claim <request> at <block> attempts <n>   (the node's own off-chain
//                                                  claims: offchain_localStorageGet)
//   node chain-facts.mjs <ws url> watch [from block]
//       each benchmark request, rating and expiry, from the given block (default:
//       the best) on and then as blocks are imported, until stopped
// Exits 2 on bad arguments, 1 when the node cannot be reached or the account is unknown.
import { ApiPromise, WsProvider } from '@polkadot/api'
import { u8aConcat, u8aToHex, stringToU8a, hexToU8a } from '@polkadot/util'
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto'

const [url, what, arg, block] = process.argv.slice(2)
const commands = ['heads', 'attestor', 'hoster', 'feed', 'qualifies', 'events', 'claims', 'watch']
const usage = `usage: node chain-facts.mjs <ws url> ${commands.join(' | ')} [argument]`
if (!url || !commands.includes(what) || (!['heads', 'watch'].includes(what) && !arg)) {
  console.error(usage)
  process.exit(2)
}
const hex = (account) => u8aToHex(decodeAddress(account)).slice(2)
const short = (account) => encodeAddress(account).slice(0, 8) + '…'
const ppm = (num, den) => (den === 0n ? 0n : (num * 1_000_000n) / den)

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
    console.log(`status ${a.status.toString()} answered ${a.answered} missed ${a.missed} reliability ${ppm(alpha, alpha + beta)}`)
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
  } else if (what === 'qualifies') {
    const hoster = await api.query.hosting.hosters(`0x${arg}`)
    if (hoster.isNone) throw new Error(`${arg} is not a hoster`)
    const promised = hoster.unwrap().form.promised
    const answer = await api.call.hostingApi.doesQualify(`0x${arg}`, 'Hoster', {
      minAvailability: promised.availability,
      maxLatencyMs: promised.latencyMs,
      minBandwidthBytesPerSec: promised.bandwidthBytesPerSec,
      minSamples: 1,
    })
    console.log(`qualifies ${answer.qualifies.isTrue ? 'yes' : 'no'}`)
    for (const reason of answer.reasons) {
      const values = reason.value.toJSON()
      const pairs = values && typeof values === 'object' ? Object.entries(values).map(([k, v]) => ` ${k} ${v}`).join('') : ''
      console.log(`reason ${reason.type}${pairs}`)
    }
  } else if (what === 'events') {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    for (let n = Number(arg); n <= best; n++) {
      const state = await api.at(await api.rpc.chain.getBlockHash(n))
      for (const { event } of await state.query.system.events()) {
        if (api.events.hosting.BenchmarkRated.is(event)) {
          const { request, hoster, attestor, outcome } = event.data
          const kind = outcome.isError ? `Error${outcome.asError.type}` : outcome.type
          const figures = outcome.isNormal
            ? ` latency_ms ${outcome.asNormal.latencyMs} bandwidth ${outcome.asNormal.bandwidthBytesPerSec}`
            : ''
          console.log(`rated ${request} ${hex(attestor)} ${kind}${figures} hoster ${hex(hoster)} block ${n}`)
        } else if (api.events.hosting.RequestExpired.is(event)) {
          const { request, silent } = event.data
          console.log(`expired ${request} ${silent.map(hex).join(',') || '-'} block ${n}`)
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
    let next = arg === undefined ? (await api.rpc.chain.getHeader()).number.toNumber() : Number(arg)
    const show = async (n) => {
      const state = await api.at(await api.rpc.chain.getBlockHash(n))
      for (const { event } of await state.query.system.events()) {
        if (api.events.hosting.ProvidePerformanceBenchmark.is(event)) {
          const { request, hoster, feed, attestors, deadline, kind } = event.data
          console.log(`#${n} request ${request} (${kind.type}): hoster ${short(hoster)} on feed ${feed}, ` +
            `attestor ${attestors.map(short).join(', ')}, deadline #${deadline}`)
        } else if (api.events.hosting.BenchmarkRated.is(event)) {
          const { request, attestor, outcome, availability, reliability } = event.data
          const measured = outcome.isNormal
            ? `Normal: latency ${outcome.asNormal.latencyMs} ms, ${(outcome.asNormal.bandwidthBytesPerSec.toNumber() / 1e6).toFixed(1)} MB/s`
            : outcome.isError ? `Error ${outcome.asError.type}` : outcome.type
          console.log(`#${n} request ${request} rated by ${short(attestor)}: ${measured}; ` +
            `availability ${availability.toHuman()}, reliability ${reliability.toHuman()}`)
        } else if (api.events.hosting.RequestExpired.is(event)) {
          const { request, silent } = event.data
          console.log(`#${n} request ${request} expired; silent: ${silent.map(short).join(', ') || '-'}`)
        }
      }
    }
    let busy = Promise.resolve()
    await api.rpc.chain.subscribeNewHeads((header) => {
      const best = header.number.toNumber()
      busy = busy.then(async () => {
        for (; next <= best; next++) await show(next)
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
