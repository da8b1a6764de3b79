// Reading the hosting chain with @polkadot/api: the hosters and attestors in
// storage, their figures from the runtime API, the hosting events of recent
// blocks, new blocks as they are imported, and does_qualify. Public data only:
// the page holds no key and submits nothing.

import { ApiPromise, WsProvider } from '@polkadot/api'
import { Keyring } from '@polkadot/keyring'
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto'

import { addBlock } from './history.js'

/** Connects to the node's RPC; rejects when it cannot be reached within `timeoutMs`. */
export async function connect(rpc, timeoutMs = 15_000) {
  const provider = new WsProvider(rpc, 2_000)
  const api = ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true })
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${rpc} within ${timeoutMs / 1000} s`)), timeoutMs)
  })
  try {
    return await Promise.race([api, timeout])
  } catch (error) {
    provider.disconnect().catch(() => {})
    // A refused connection rejects with the socket's error Event, which has no message.
    throw error instanceof Error ? error : new Error(`cannot connect to ${rpc}`)
  } finally {
    clearTimeout(timer)
  }
}

/** The hosting events of one block's event records, as `{ method, data }` with named fields. */
export function hostingEvents(records) {
  const events = []
  for (const { event } of records) {
    if (event.section !== 'hosting') continue
    const names = event.data.names ?? []
    const data = Object.fromEntries(names.map((name, i) => [name, event.data[i].toPrimitive()]))
    events.push({ method: event.method, data })
  }
  return events
}

async function eventsAt(api, block) {
  const hash = await api.rpc.chain.getBlockHash(block)
  const apiAt = await api.at(hash)
  return hostingEvents(await apiAt.query.system.events())
}

/**
 * Adds the hosting events of the `history.window` blocks up to `best` to the
 * history, `batch` blocks at a time; `progress(done, total)` after each batch.
 */
export async function loadRecentBlocks(api, history, best, { batch = 24, progress = () => {} } = {}) {
  const first = Math.max(1, best - history.window + 1)
  const total = best - first + 1
  for (let start = first; start <= best; start += batch) {
    const numbers = []
    for (let n = start; n <= Math.min(best, start + batch - 1); n++) numbers.push(n)
    const events = await Promise.all(numbers.map((n) => eventsAt(api, n)))
    numbers.forEach((n, i) => addBlock(history, n, events[i]))
    progress(Math.min(total, start + batch - first), total)
  }
}

/**
 * Follows the best chain: for every new best block (and any block skipped
 * since the last one), adds its hosting events and calls
 * `onBlock(number, events)` with the events of the blocks added.
 * Returns the unsubscribe function.
 */
export async function followBestBlocks(api, history, onBlock) {
  let last = history.best
  let busy = Promise.resolve()
  return api.rpc.chain.subscribeNewHeads((header) => {
    const number = header.number.toNumber()
    busy = busy
      .then(async () => {
        const from = last > 0 ? Math.max(last + 1, number - history.window + 1) : number
        const added = []
        for (let n = from; n <= number; n++) {
          const events = await eventsAt(api, n)
          if (addBlock(history, n, events)) added.push(...events)
        }
        last = Math.max(last, number)
        onBlock(number, added)
      })
      .catch((error) => console.warn(`block ${number}: ${error.message}`))
  })
}

/** The first `limit` keys of a storage map, page by page. */
async function keysOf(storage, limit, pageSize = 100) {
  const keys = []
  let startKey
  while (keys.length < limit) {
    const page = await storage.keysPaged({ args: [], pageSize: Math.min(pageSize, limit - keys.length), startKey })
    if (page.length === 0) break
    keys.push(...page)
    startKey = page.at(-1).toHex()
  }
  return keys
}

/**
 * One hoster: its registration (`form`, `status`; null when not registered)
 * and its figures (runtime API `hoster_figures`).
 */
export async function loadHoster(api, account) {
  const [registration, figures] = await Promise.all([
    api.query.hosting.hosters(account),
    api.call.hostingApi.hosterFigures(account),
  ])
  const record = registration.unwrapOr(null)?.toPrimitive() ?? null
  return { account, registration: record, figures: figures.unwrapOr(null)?.toPrimitive() ?? null }
}

/** Every registered hoster (at most `limit`), as `loadHoster` reads it. */
export async function loadHosters(api, limit = 500) {
  const keys = await keysOf(api.query.hosting.hosters, limit)
  const hosters = await Promise.all(keys.map((key) => loadHoster(api, key.args[0].toString())))
  return hosters.filter((h) => h.registration !== null)
}

/** Every registered attestor (at most `limit`) with its record (runtime API `attestor_figures`). */
export async function loadAttestors(api, limit = 500) {
  const keys = await keysOf(api.query.hosting.attestors, limit)
  const attestors = await Promise.all(
    keys.map(async (key) => {
      const account = key.args[0].toString()
      const summary = await api.call.hostingApi.attestorFigures(account)
      return { account, summary: summary.unwrapOr(null)?.toPrimitive() ?? null }
    }),
  )
  return attestors.filter((a) => a.summary !== null)
}

/** The runtime API's `does_qualify(who, role, requirements)` as `{ qualifies, reasons }`. */
export async function doesQualify(api, who, role, requirements) {
  const answer = await api.call.hostingApi.doesQualify(who, role, requirements)
  return answer.toPrimitive()
}

/** Whether `text` is an account the chain can read (SS58 of any prefix, or 0x and 64 hex characters). */
export function isAccount(text) {
  try {
    return decodeAddress(text).length === 32
  } catch {
    return false
  }
}

/**
 * On a development or local chain, the well-known development accounts by
 * name (`//Alice` … `//Ferdie` and their `//stash` accounts, `AliceStash` …), keyed by their
 * SS58 address in the chain's format; elsewhere, none.
 */
export async function developmentNames(api) {
  const type = (await api.rpc.system.chainType()).toString()
  if (type !== 'Development' && type !== 'Local') return new Map()
  await cryptoWaitReady()
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 })
  const names = new Map()
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    names.set(keyring.createFromUri(`//${name}`).address, name)
    names.set(keyring.createFromUri(`//${name}//stash`).address, `${name}Stash`)
  }
  return names
}
