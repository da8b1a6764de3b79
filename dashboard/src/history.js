// What the dashboard remembers of recent blocks, built from the hosting
// pallet's events alone (public chain data): each hoster's figures after each
// verdict (the curves), each request with its committee and ratings (the
// ratings feed), and each attestor's agreement and misses within the window.
//
// Events arrive as plain objects `{ method, data }`, `data` holding the
// event's named fields in `toPrimitive()` form (accounts as SS58 strings).

/** A new, empty history keeping `window` blocks and at most `maxRequests` requests. */
export function createHistory({ window = 600, maxRequests = 200 } = {}) {
  return { window, maxRequests, best: 0, blocks: new Set(), hosters: new Map(), requests: new Map() }
}

/** The hoster's curve points, oldest first (an empty list for a hoster not seen). */
export const pointsOf = (history, hoster) => history.hosters.get(hoster) ?? []

/**
 * Adds one block's hosting events. A block number already added is ignored
 * (the page follows the best chain; a block seen twice after a re-org keeps its
 * first events), so replaying the same block changes nothing. Returns whether
 * anything changed.
 */
export function addBlock(history, block, events) {
  if (history.blocks.has(block)) return false
  history.blocks.add(block)
  history.best = Math.max(history.best, block)
  for (const { method, data } of events) apply(history, block, method, data)
  forget(history)
  return true
}

function apply(history, block, method, data) {
  switch (method) {
    case 'BenchmarkRequested':
      request(history, data.request, data.hoster).kind = data.kind
      request(history, data.request, data.hoster).requestedAt = block
      break
    case 'ProvidePerformanceBenchmark': {
      const r = request(history, data.request, data.hoster)
      r.committee = [...data.attestors]
      r.deadline = Number(data.deadline)
      r.kind = data.kind
      r.drawnAt = block
      break
    }
    case 'BenchmarkRated':
      request(history, data.request, data.hoster).ratings.push({ attestor: data.attestor, measurement: data.measurement, block })
      break
    case 'RequestClosed': {
      const r = request(history, data.request, data.hoster)
      r.closed = { block, verdict: data.verdict, disagreeing: [...data.disagreeing], silent: [...data.silent] }
      const point = {
        block,
        request: Number(data.request),
        availability: Number(data.availability),
        reliability: Number(data.reliability),
        verdict: data.verdict,
      }
      const served = data.verdict && typeof data.verdict === 'object' ? data.verdict.served : undefined
      if (served) {
        point.latencyMs = Number(served.latencyMs)
        point.bandwidth = Number(served.bandwidthBytesPerSec)
      }
      const points = history.hosters.get(data.hoster) ?? []
      points.push(point)
      points.sort((a, b) => a.block - b.block)
      history.hosters.set(data.hoster, points)
      break
    }
    case 'RequestVoid': {
      const r = request(history, data.request, data.hoster)
      r.closed = { block, verdict: null, disagreeing: [], silent: [...data.silent], retry: data.retry }
      break
    }
    case 'HosterUnregistered':
      history.hosters.delete(data.hoster)
      break
    default:
      break
  }
}

function request(history, id, hoster) {
  const key = Number(id)
  let r = history.requests.get(key)
  if (!r) {
    r = { id: key, hoster, kind: null, committee: [], deadline: null, ratings: [], closed: null }
    history.requests.set(key, r)
  }
  return r
}

// Drops points and requests older than the window, and the oldest requests past `maxRequests`.
function forget(history) {
  const oldest = history.best - history.window
  for (const [hoster, points] of history.hosters) {
    const kept = points.filter((p) => p.block > oldest)
    if (kept.length !== points.length) history.hosters.set(hoster, kept)
  }
  for (const block of history.blocks) if (block <= oldest) history.blocks.delete(block)
  const ids = [...history.requests.keys()].sort((a, b) => a - b)
  for (const id of ids) {
    const r = history.requests.get(id)
    const last = r.closed?.block ?? r.ratings.at(-1)?.block ?? r.drawnAt ?? r.requestedAt ?? history.best
    if (last <= oldest || history.requests.size > history.maxRequests) history.requests.delete(id)
  }
}

/** The most recent requests first, at most `limit`. */
export function latestRequests(history, limit = 20) {
  return [...history.requests.values()].sort((a, b) => b.id - a.id).slice(0, limit)
}

/**
 * Each committee member of a request and what became of it: `rated` (with its
 * measurement and whether it disagreed with the verdict), `silent` (the request
 * closed without its rating) or `waiting`.
 */
export function committeeOf(request) {
  return request.committee.map((attestor) => {
    const rating = request.ratings.find((x) => x.attestor === attestor)
    if (rating) {
      const disagreed = request.closed ? request.closed.disagreeing.includes(attestor) : false
      return { attestor, state: 'rated', measurement: rating.measurement, disagreed }
    }
    if (request.closed) return { attestor, state: 'silent' }
    return { attestor, state: 'waiting' }
  })
}

/** Per attestor, within the window: committees it sat on, ratings, disagreements and silences. */
export function attestorActivity(history) {
  const activity = new Map()
  const entry = (a) => {
    if (!activity.has(a)) activity.set(a, { committees: 0, rated: 0, disagreed: 0, silent: 0 })
    return activity.get(a)
  }
  for (const r of history.requests.values()) {
    for (const member of committeeOf(r)) {
      const e = entry(member.attestor)
      e.committees += 1
      if (member.state === 'rated') e.rated += 1
      if (member.disagreed) e.disagreed += 1
      if (member.state === 'silent') e.silent += 1
    }
  }
  return activity
}
