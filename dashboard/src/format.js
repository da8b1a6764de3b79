// How the dashboard writes the chain's values for people: percentages,
// milliseconds, MB/s, measurements, verdicts and does_qualify reasons.
// Values arrive as @polkadot/api's `toPrimitive()` forms: Perbill as parts
// per billion, enums as `{ variantName: fields }` or a bare variant name.

/** Parts per billion as a fraction in [0, 1]. */
export const fraction = (perbill) => Number(perbill) / 1e9

/** Parts per billion as a percentage with two decimals: `99.50%`. */
export const percent = (perbill) => `${(fraction(perbill) * 100).toFixed(2)}%`

/** Bytes per second in MB/s (10^6 bytes), one decimal under 100: `23.7 MB/s`. */
export function mbps(bytesPerSec) {
  const mb = Number(bytesPerSec) / 1e6
  return `${mb < 100 ? mb.toFixed(1) : Math.round(mb)} MB/s`
}

/** Milliseconds: `14 ms`. */
export const ms = (value) => `${Number(value)} ms`

/** An enum's variant and its fields: `'Timeout'` → ['timeout', null]; `{ served: {...} }` → ['served', {...}]. */
export function variant(value) {
  if (typeof value === 'string') return [lowerFirst(value), null]
  if (value && typeof value === 'object') {
    const [name] = Object.keys(value)
    if (name !== undefined) return [lowerFirst(name), value[name]]
  }
  return ['unknown', null]
}

const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1)

/** A measurement failure kind: `Http 503`, `Unreachable`, `Integrity`. */
export function failure(kind) {
  const [name, fields] = variant(kind)
  const title = name.charAt(0).toUpperCase() + name.slice(1)
  return fields === null || typeof fields === 'object' ? title : `${title} ${fields}`
}

/** One attestor's measurement (event `BenchmarkRated`). */
export function describeMeasurement(measurement) {
  const [name, fields] = variant(measurement)
  if (name === 'served') {
    return `${ms(fields.latencyMs)}, ${mbps(fields.bandwidthBytesPerSec)}, ${fields.chunksVerified} of ${fields.chunksAsked} chunks`
  }
  if (name === 'timeout') return 'timeout: nothing valid in time'
  if (name === 'failed') return `error: ${failure(fields)}`
  return name
}

/** A committee's verdict (event `RequestClosed`). */
export function describeVerdict(verdict) {
  const [name, fields] = variant(verdict)
  if (name === 'served') {
    return `served: ${percent(fields.availability)} of chunks, ${ms(fields.latencyMs)}, ${mbps(fields.bandwidthBytesPerSec)}`
  }
  if (name === 'timeout') return 'timeout'
  if (name === 'failed') return `failed: ${failure(fields)}`
  return name
}

/**
 * One reason of a `does_qualify` answer, with what was measured and what
 * was required: `{ what, measured, required }` (the last two empty when the
 * reason has no figures).
 */
export function describeReason(reason) {
  const [name, f] = variant(reason)
  switch (name) {
    case 'notRegistered':
      return { what: 'not registered in this role', measured: '', required: '' }
    case 'notActive':
      return { what: 'not active', measured: '', required: 'Active' }
    case 'availabilityBelow':
      return { what: 'availability below the requirement', measured: percent(f.measured), required: `≥ ${percent(f.required)}` }
    case 'reliabilityBelow':
      return { what: 'reliability below the requirement', measured: percent(f.measured), required: `≥ ${percent(f.required)}` }
    case 'agreementBelow':
      return { what: 'agreement with committees below the requirement', measured: percent(f.measured), required: `≥ ${percent(f.required)}` }
    case 'latencyAbove':
      return { what: 'mean latency above the requirement', measured: ms(f.measuredMs), required: `≤ ${ms(f.requiredMs)}` }
    case 'bandwidthBelow':
      return { what: 'mean bandwidth below the requirement', measured: mbps(f.measuredBytesPerSec), required: `≥ ${mbps(f.requiredBytesPerSec)}` }
    case 'tooFewSamples':
      return { what: 'too few ratings', measured: String(f.measured), required: `≥ ${f.required}` }
    case 'regionNotServed':
      return { what: `no attestor in region ${f.region ?? f} has measured it`, measured: '', required: '' }
    default:
      return { what: name, measured: '', required: '' }
  }
}
