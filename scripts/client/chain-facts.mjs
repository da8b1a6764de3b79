// Reads facts from a hosting node for the testnet test, one line per fact, in a
// form a shell script can grep:
//   node chain-facts.mjs <ws url> heads
//       best <n> finalized <n>
//   node chain-facts.mjs <ws url> attestor <account hex> [block]
//       status <Active|Suspended> answered <n> missed <n> reliability <ppm>
//   node chain-facts.mjs <ws url> hoster <account hex> [block]
//       status <s> samples <n> availability <ppm>
// (at the best block, or at the given block number)
//   node chain-facts.mjs <ws url> events <from block>
//       rated <request> <attestor hex> <outcome> [latency_ms <ms> bandwidth <B/s>] block <n>
//                                                     (BenchmarkRated; figures for Normal)
//       expired <request> <silent attestor hex,...> block <n>   (RequestExpired)
// Exits 2 on bad arguments, 1 when the node cannot be reached or the account is unknown.
import { ApiPromise, WsProvider } from '@polkadot/api'
import { u8aToHex } from '@polkadot/util'
import { decodeAddress } from '@polkadot/util-crypto'

const [url, what, arg, block] = process.argv.slice(2)
const usage = 'usage: node chain-facts.mjs <ws url> heads | attestor <hex> | hoster <hex> | events <from block>'
if (!url || !['heads', 'attestor', 'hoster', 'events'].includes(what) || (what !== 'heads' && !arg)) {
  console.error(usage)
  process.exit(2)
}
const hex = (account) => u8aToHex(decodeAddress(account)).slice(2)
const ppm = (num, den) => (den === 0n ? 0n : (num * 1_000_000n) / den)

// @polkadot/api retries a refused connection forever: give up after 30 s.
setTimeout(() => {
  console.error(`chain-facts ${what}: no answer from ${url} within 30 s`)
  process.exit(1)
}, 30_000).unref()
let api
try {
  api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
  if (what === 'heads') {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber()
    console.log(`best ${best} finalized ${finalized}`)
  } else if (what === 'attestor') {
    const at = block === undefined ? api : await api.at(await api.rpc.chain.getBlockHash(Number(block)))
    const stored = await at.query.hosting.attestors(`0x${arg}`)
    if (stored.isNone) throw new Error(`${arg} is not an attestor`)
    const a = stored.unwrap()
    const alpha = a.reliability.alpha.toBigInt()
    const beta = a.reliability.beta.toBigInt()
    console.log(`status ${a.status.toString()} answered ${a.answered} missed ${a.missed} reliability ${ppm(alpha, alpha + beta)}`)
  } else if (what === 'hoster') {
    const at = block === undefined ? api : await api.at(await api.rpc.chain.getBlockHash(Number(block)))
    const hoster = await at.query.hosting.hosters(`0x${arg}`)
    if (hoster.isNone) throw new Error(`${arg} is not a hoster`)
    const figures = await at.query.hosting.hosterPerformance(`0x${arg}`)
    const samples = figures.isSome ? figures.unwrap().figures.samples.toNumber() : 0
    const alpha = figures.isSome ? figures.unwrap().figures.availability.alpha.toBigInt() : 0n
    const beta = figures.isSome ? figures.unwrap().figures.availability.beta.toBigInt() : 0n
    console.log(`status ${hoster.unwrap().status.toString()} samples ${samples} availability ${ppm(alpha, alpha + beta)}`)
  } else {
    const best = (await api.rpc.chain.getHeader()).number.toNumber()
    for (let n = Number(arg); n <= best; n++) {
      const at = await api.at(await api.rpc.chain.getBlockHash(n))
      for (const { event } of await at.query.system.events()) {
        if (api.events.hosting.BenchmarkRated.is(event)) {
          const { request, attestor, outcome } = event.data
          const kind = outcome.isError ? `Error${outcome.asError.type}` : outcome.type
          const figures = outcome.isNormal
            ? ` latency_ms ${outcome.asNormal.latencyMs} bandwidth ${outcome.asNormal.bandwidth}`
            : ''
          console.log(`rated ${request} ${hex(attestor)} ${kind}${figures} block ${n}`)
        } else if (api.events.hosting.RequestExpired.is(event)) {
          const { request, silent } = event.data
          console.log(`expired ${request} ${silent.map(hex).join(',') || '-'} block ${n}`)
        }
      }
    }
  }
} catch (e) {
  console.error(`chain-facts ${what}: ${e.message}`)
  process.exitCode = 1
} finally {
  await api?.disconnect()
}
