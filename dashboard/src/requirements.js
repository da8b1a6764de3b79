// The does_qualify form: what a person types, checked and turned into the
// runtime API's `Requirements` (every field optional; an empty field is not
// checked), or a clear error naming the field.

const MAX_U32 = 2 ** 32 - 1

/** A percentage field (0 to 100, decimals allowed) as Perbill parts. */
function perbill(label, text) {
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 100) throw new Error(`${label}: a percentage from 0 to 100`)
  return Math.round(value * 1e7)
}

/** A whole-number field within [0, max]. */
function whole(label, text, max = MAX_U32) {
  if (!/^\d+$/.test(text)) throw new Error(`${label}: a whole number`)
  const value = Number(text)
  if (value > max) throw new Error(`${label}: at most ${max}`)
  return value
}

/**
 * Form fields (strings, '' when empty): `minAvailability`, `minReliability`,
 * `minAgreement` (percent), `maxLatencyMs`, `minSamples` (whole numbers),
 * `minBandwidthMBps` (MB/s, decimals allowed), `region` (printable ASCII, at
 * most 32 characters, as the chain's regions). Returns `{ requirements }` or
 * `{ error }`.
 */
export function requirementsFromForm(fields) {
  const t = (name) => String(fields[name] ?? '').trim()
  try {
    const r = {
      minAvailability: null,
      minReliability: null,
      minAgreement: null,
      maxLatencyMs: null,
      minBandwidthBytesPerSec: null,
      minSamples: null,
      region: null,
    }
    if (t('minAvailability')) r.minAvailability = perbill('lowest availability', t('minAvailability'))
    if (t('minReliability')) r.minReliability = perbill('lowest reliability', t('minReliability'))
    if (t('minAgreement')) r.minAgreement = perbill('lowest agreement', t('minAgreement'))
    if (t('maxLatencyMs')) r.maxLatencyMs = whole('highest latency', t('maxLatencyMs'))
    if (t('minSamples')) r.minSamples = whole('fewest ratings', t('minSamples'))
    if (t('minBandwidthMBps')) {
      const value = Number(t('minBandwidthMBps'))
      if (!Number.isFinite(value) || value < 0 || value > 1e9) throw new Error('lowest bandwidth: MB/s, from 0 to 1,000,000,000')
      r.minBandwidthBytesPerSec = Math.round(value * 1e6)
    }
    if (t('region')) {
      const region = t('region')
      if (region.length > 32 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(region)) throw new Error('region: printable ASCII, at most 32 characters')
      r.region = region
    }
    return { requirements: r }
  } catch (error) {
    return { error: error.message }
  }
}

/** The form fields that ask for exactly what a hoster promised (its own promise, on at least one rating). */
export function promiseAsForm(promise) {
  return {
    minAvailability: String(Number(promise.availability) / 1e7),
    minReliability: '',
    minAgreement: '',
    maxLatencyMs: String(promise.latencyMs),
    minBandwidthMBps: String(Number(promise.bandwidthBytesPerSec) / 1e6),
    minSamples: '1',
    region: '',
  }
}
