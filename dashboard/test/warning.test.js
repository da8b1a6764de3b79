// The early warning: figures close to, or past, the hoster's promise.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { assess } from '../src/warning.js'

const promise = { availability: 900_000_000, latencyMs: 500, bandwidthBytesPerSec: 1_000_000 }
const figures = (f) => ({ status: 'Active', availability: 1e9, reliability: 1e9, latencyMs: 20, bandwidthBytesPerSec: 20e6, samples: 5, ...f })

test('figures well within the promise are ok', () => {
  assert.deepEqual(assess(promise, figures({})), { level: 'ok', notes: [] })
})

test('availability within the margin of the promise is an early warning, below it a failure', () => {
  const close = assess(promise, figures({ availability: 910_000_000 }))
  assert.equal(close.level, 'warning')
  assert.match(close.notes[0].note, /availability 91.00% is within 2.00% of the promised 90.00%/)
  const below = assess(promise, figures({ availability: 899_999_999 }))
  assert.equal(below.level, 'failing')
  assert.match(below.notes[0].note, /below the promised 90.00%/)
})

test('a promise near 100% warns within half its distance to 100%', () => {
  const high = { ...promise, availability: 995_000_000 }
  assert.equal(assess(high, figures({ availability: 997_000_000 })).level, 'warning')
  assert.equal(assess(high, figures({ availability: 998_000_000 })).level, 'ok')
})

test('latency over 80% of the promise warns; above it fails', () => {
  assert.equal(assess(promise, figures({ latencyMs: 400 })).level, 'ok')
  assert.equal(assess(promise, figures({ latencyMs: 401 })).level, 'warning')
  assert.equal(assess(promise, figures({ latencyMs: 501 })).level, 'failing')
})

test('bandwidth under 1.25× the promise warns; below it fails', () => {
  assert.equal(assess(promise, figures({ bandwidthBytesPerSec: 1_250_000 })).level, 'ok')
  assert.equal(assess(promise, figures({ bandwidthBytesPerSec: 1_249_999 })).level, 'warning')
  assert.equal(assess(promise, figures({ bandwidthBytesPerSec: 999_999 })).level, 'failing')
})

test('a failure outranks a warning whatever the order, and every note is kept', () => {
  const both = assess(promise, figures({ availability: 910_000_000, bandwidthBytesPerSec: 10 }))
  assert.equal(both.level, 'failing')
  assert.deepEqual(both.notes.map((n) => n.level), ['warning', 'failing'])
})

test('low reliability warns; suspended fails; pending and no verdict say so', () => {
  assert.equal(assess(promise, figures({ reliability: 800_000_000 })).level, 'warning')
  assert.equal(assess(promise, figures({ status: 'Suspended' })).level, 'failing')
  assert.equal(assess(promise, figures({ status: 'Pending' })).level, 'pending')
  assert.equal(assess(promise, figures({ status: 'Pending', samples: 0 })).level, 'pending')
  assert.equal(assess(promise, null).level, 'unknown')
})
