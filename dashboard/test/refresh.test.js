// Which hosters a new block makes the page read again.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { FULL_EVERY, whatToRefresh } from '../src/refresh.js'

test('a block without hosting events reads nothing until the periodic full read', () => {
  assert.deepEqual(whatToRefresh([], 1), { full: false, hosters: new Set(), attestors: false })
  assert.equal(whatToRefresh([], FULL_EVERY).full, true)
})

test('the hosters an event names are read again, and the attestors', () => {
  const events = [
    { method: 'BenchmarkRated', data: { request: 1, hoster: 'H1', attestor: 'A' } },
    { method: 'RequestClosed', data: { request: 1, hoster: 'H1' } },
    { method: 'HosterSuspended', data: { hoster: 'H2' } },
  ]
  assert.deepEqual(whatToRefresh(events, 3), { full: false, hosters: new Set(['H1', 'H2']), attestors: true })
})

test('a hoster or attestor joining or leaving reads everything again', () => {
  for (const method of ['HosterRegistered', 'HosterUnregistered', 'AttestorRegistered', 'AttestorUnregistered', 'AttestorBondReleased']) {
    assert.equal(whatToRefresh([{ method, data: {} }], 0).full, true, method)
  }
})
