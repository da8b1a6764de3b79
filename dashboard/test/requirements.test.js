// The does_qualify form: typed values into Requirements, bad input refused.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { promiseAsForm, requirementsFromForm } from '../src/requirements.js'

test('empty fields are not checked', () => {
  const { requirements } = requirementsFromForm({})
  assert.deepEqual(Object.values(requirements), [null, null, null, null, null, null, null])
})

test('typed values become the chain\'s units', () => {
  const { requirements } = requirementsFromForm({ minAvailability: '99.5', maxLatencyMs: '250', minBandwidthMBps: '1.5', minSamples: '3', region: 'eu-west', minAgreement: ' 90 ' })
  assert.equal(requirements.minAvailability, 995_000_000)
  assert.equal(requirements.maxLatencyMs, 250)
  assert.equal(requirements.minBandwidthBytesPerSec, 1_500_000)
  assert.equal(requirements.minSamples, 3)
  assert.equal(requirements.region, 'eu-west')
  assert.equal(requirements.minAgreement, 900_000_000)
})

test('bad input gets an error naming the field', () => {
  assert.match(requirementsFromForm({ minAvailability: '150' }).error, /lowest availability: a percentage from 0 to 100/)
  assert.match(requirementsFromForm({ minReliability: '-1' }).error, /lowest reliability/)
  assert.match(requirementsFromForm({ minAvailability: 'abc' }).error, /lowest availability/)
  assert.match(requirementsFromForm({ maxLatencyMs: '2.5' }).error, /highest latency: a whole number/)
  assert.match(requirementsFromForm({ minSamples: '4294967296' }).error, /fewest ratings: at most 4294967295/)
  assert.match(requirementsFromForm({ minBandwidthMBps: 'fast' }).error, /lowest bandwidth/)
  assert.match(requirementsFromForm({ region: 'x'.repeat(33) }).error, /region: printable ASCII, at most 32/)
  assert.match(requirementsFromForm({ region: 'é' }).error, /region/)
})

test('a hoster\'s promise fills the form and reads back as the same requirements', () => {
  const promise = { availability: 995_000_000, latencyMs: 500, bandwidthBytesPerSec: 1_000_000 }
  const { requirements } = requirementsFromForm(promiseAsForm(promise))
  assert.equal(requirements.minAvailability, 995_000_000)
  assert.equal(requirements.maxLatencyMs, 500)
  assert.equal(requirements.minBandwidthBytesPerSec, 1_000_000)
  assert.equal(requirements.minSamples, 1)
})
