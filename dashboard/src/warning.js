// The early warning: how close a hoster's current figures are to the promise
// it registered. The chain suspends an Active hoster whose availability falls
// below its promise, and counts a rating as reliable only when it meets the
// whole promise; a hoster wants to know before either happens.

/**
 * Availability within this many percentage points of the promise is a
 * warning, or within half of the promise's distance to 100%, whichever is
 * smaller (a 99.5% promise warns below 99.75%).
 */
export const AVAILABILITY_MARGIN = 0.02
/** Mean latency above this share of the promised latency is a warning. */
export const LATENCY_SHARE = 0.8
/** Mean bandwidth below this multiple of the promised bandwidth is a warning. */
export const BANDWIDTH_MULTIPLE = 1.25
/** Reliability (ratings that met the whole promise) below this is a warning. */
export const RELIABILITY_FLOOR = 0.9

/**
 * The hoster's standing against its promise: `level` is `failing` (a figure
 * breaks the promise, or the hoster is Suspended), `warning` (a figure is
 * close to it), `ok`, `pending` (not yet Active) or `unknown` (no verdict yet),
 * with one note per figure that is close or broken.
 *
 * `promise`: `{ availability (perbill), latencyMs, bandwidthBytesPerSec }`;
 * `figures`: runtime API `hoster_figures` (`status`, `availability`,
 * `reliability`, `latencyMs`, `bandwidthBytesPerSec`, `samples`).
 */
export function assess(promise, figures) {
  const notes = []
  let level = 'ok'
  const raise = (to, note) => {
    notes.push({ level: to, note })
    if (to === 'failing' || level === 'ok') level = to
  }
  if (!figures || Number(figures.samples) === 0) {
    return { level: figures?.status === 'Pending' ? 'pending' : 'unknown', notes: [{ level: 'unknown', note: 'no verdict yet' }] }
  }
  const availability = Number(figures.availability) / 1e9
  const promised = Number(promise.availability) / 1e9
  const margin = Math.min(AVAILABILITY_MARGIN, (1 - promised) / 2)
  const pct = (x) => `${(x * 100).toFixed(2)}%`
  if (availability < promised) raise('failing', `availability ${pct(availability)} is below the promised ${pct(promised)}`)
  else if (availability < promised + margin) raise('warning', `availability ${pct(availability)} is within ${pct(margin)} of the promised ${pct(promised)}`)

  const latency = Number(figures.latencyMs)
  const promisedLatency = Number(promise.latencyMs)
  if (latency > promisedLatency) raise('failing', `latency ${latency} ms is above the promised ${promisedLatency} ms`)
  else if (latency > promisedLatency * LATENCY_SHARE) raise('warning', `latency ${latency} ms is over ${LATENCY_SHARE * 100}% of the promised ${promisedLatency} ms`)

  const bandwidth = Number(figures.bandwidthBytesPerSec)
  const promisedBandwidth = Number(promise.bandwidthBytesPerSec)
  const mb = (x) => `${(x / 1e6).toFixed(1)} MB/s`
  if (bandwidth < promisedBandwidth) raise('failing', `bandwidth ${mb(bandwidth)} is below the promised ${mb(promisedBandwidth)}`)
  else if (bandwidth < promisedBandwidth * BANDWIDTH_MULTIPLE) raise('warning', `bandwidth ${mb(bandwidth)} is less than ${BANDWIDTH_MULTIPLE}× the promised ${mb(promisedBandwidth)}`)

  const reliability = Number(figures.reliability) / 1e9
  if (reliability < RELIABILITY_FLOOR) raise('warning', `only ${pct(reliability)} of its ratings met the whole promise`)

  if (figures.status === 'Suspended') raise('failing', 'suspended: availability fell below the promise')
  else if (figures.status === 'Pending' && level === 'ok') level = 'pending'
  return { level, notes }
}
