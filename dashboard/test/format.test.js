// How values from the chain read on the page.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { describeMeasurement, describeReason, describeVerdict, mbps, percent } from '../src/format.js'

test('Perbill reads as a percentage, bandwidth as MB/s', () => {
  assert.equal(percent(995_000_000), '99.50%')
  assert.equal(percent(0), '0.00%')
  assert.equal(mbps(23_696_017), '23.7 MB/s')
  assert.equal(mbps('131614000'), '132 MB/s')
})

test('a measurement reads as latency, bandwidth and chunks, or its failure', () => {
  assert.equal(
    describeMeasurement({ served: { latencyMs: 7, bandwidthBytesPerSec: 17531200, chunksVerified: 3, chunksAsked: 4 } }),
    '7 ms, 17.5 MB/s, 3 of 4 chunks',
  )
  assert.equal(describeMeasurement('Timeout'), 'timeout: nothing valid in time')
  assert.equal(describeMeasurement({ failed: { http: 503 } }), 'error: Http 503')
  assert.equal(describeMeasurement({ failed: 'Integrity' }), 'error: Integrity')
})

test('a verdict names its figures or its failure', () => {
  assert.equal(describeVerdict({ served: { availability: 750_000_000, latencyMs: 14, bandwidthBytesPerSec: 20228307 } }), 'served: 75.00% of chunks, 14 ms, 20.2 MB/s')
  assert.equal(describeVerdict('Timeout'), 'timeout')
  assert.equal(describeVerdict({ failed: 'ContactProof' }), 'failed: ContactProof')
})

test('every does_qualify reason shows what was measured against what was required', () => {
  assert.deepEqual(describeReason({ availabilityBelow: { measured: 880_000_000, required: 900_000_000 } }), {
    what: 'availability below the requirement',
    measured: '88.00%',
    required: '≥ 90.00%',
  })
  assert.deepEqual(describeReason({ latencyAbove: { measuredMs: 13, requiredMs: 1 } }), { what: 'mean latency above the requirement', measured: '13 ms', required: '≤ 1 ms' })
  assert.deepEqual(describeReason({ bandwidthBelow: { measuredBytesPerSec: 500_000, requiredBytesPerSec: 1_000_000 } }), {
    what: 'mean bandwidth below the requirement',
    measured: '0.5 MB/s',
    required: '≥ 1.0 MB/s',
  })
  assert.deepEqual(describeReason({ tooFewSamples: { measured: 2, required: 100 } }), { what: 'too few ratings', measured: '2', required: '≥ 100' })
  assert.equal(describeReason('NotActive').what, 'not active')
  assert.equal(describeReason('notRegistered').what, 'not registered in this role')
  assert.equal(describeReason({ regionNotServed: { region: 'eu-west' } }).what, 'no attestor in region eu-west has measured it')
  assert.equal(describeReason({ agreementBelow: { measured: 500_000_000, required: 900_000_000 } }).measured, '50.00%')
})
