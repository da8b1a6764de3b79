// The recent-blocks history the curves and the ratings table are drawn from.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { addBlock, attestorActivity, committeeOf, createHistory, latestRequests, pointsOf } from '../src/history.js'

const served = (latencyMs, bandwidth) => ({ served: { availability: 1_000_000_000, latencyMs, bandwidthBytesPerSec: bandwidth } })
const rated = (request, attestor, latencyMs) => ({
  method: 'BenchmarkRated',
  data: { request, hoster: 'H', attestor, measurement: { served: { latencyMs, bandwidthBytesPerSec: 1e6, chunksVerified: 4, chunksAsked: 4 } } },
})
const committee = (request, attestors, deadline) => ({
  method: 'ProvidePerformanceBenchmark',
  data: { request, hoster: 'H', attestors, deadline, kind: 'Periodic' },
})
const closed = (request, verdict, availability, { disagreeing = [], silent = [] } = {}) => ({
  method: 'RequestClosed',
  data: { request, hoster: 'H', verdict, ratings: 3, availability, reliability: 1e9, disagreeing, silent },
})

test('each verdict adds a point to its hoster\'s curves, in block order', () => {
  const h = createHistory()
  addBlock(h, 12, [closed(1, served(8, 2e6), 990_000_000)])
  addBlock(h, 7, [closed(0, served(14, 3e6), 1e9)])
  addBlock(h, 20, [closed(2, 'Timeout', 900_000_000)])
  const points = pointsOf(h, 'H')
  assert.deepEqual(points.map((p) => p.block), [7, 12, 20])
  assert.deepEqual(points.map((p) => p.latencyMs), [14, 8, undefined])
  assert.equal(points[2].availability, 900_000_000)
  assert.deepEqual(pointsOf(h, 'other'), [])
})

test('a block added twice counts once', () => {
  const h = createHistory()
  assert.equal(addBlock(h, 7, [closed(0, served(14, 3e6), 1e9)]), true)
  assert.equal(addBlock(h, 7, [closed(0, served(14, 3e6), 1e9)]), false)
  assert.equal(pointsOf(h, 'H').length, 1)
})

test('what is older than the window is forgotten', () => {
  const h = createHistory({ window: 10 })
  addBlock(h, 1, [committee(0, ['A'], 5), rated(0, 'A', 5), closed(0, served(5, 1e6), 1e9)])
  addBlock(h, 8, [closed(1, served(6, 1e6), 1e9)])
  assert.equal(pointsOf(h, 'H').length, 2)
  addBlock(h, 15, [])
  assert.deepEqual(pointsOf(h, 'H').map((p) => p.block), [8])
  assert.equal(h.requests.has(0), false, 'a request closed before the window is dropped')
  assert.equal(h.blocks.has(1), false)
})

test('at most maxRequests requests are kept, the newest', () => {
  const h = createHistory({ maxRequests: 3 })
  for (let i = 0; i < 6; i++) addBlock(h, i + 1, [committee(i, ['A'], i + 10)])
  assert.deepEqual(latestRequests(h).map((r) => r.id), [5, 4, 3])
})

test('a committee shows who rated, who disagreed, who stayed silent, who is still expected', () => {
  const h = createHistory()
  addBlock(h, 6, [committee(0, ['A', 'B', 'C'], 16), committee(1, ['A', 'B'], 16)])
  addBlock(h, 7, [rated(0, 'A', 7), rated(0, 'B', 900), rated(1, 'A', 7)])
  const open = committeeOf(h.requests.get(1))
  assert.deepEqual(open.map((m) => m.state), ['rated', 'waiting'])
  addBlock(h, 16, [closed(0, served(7, 1e6), 1e9, { disagreeing: ['B'], silent: ['C'] })])
  const members = committeeOf(h.requests.get(0))
  assert.deepEqual(members.map((m) => [m.attestor, m.state, m.disagreed ?? null]), [
    ['A', 'rated', false],
    ['B', 'rated', true],
    ['C', 'silent', null],
  ])
  const activity = attestorActivity(h)
  assert.deepEqual(activity.get('B'), { committees: 2, rated: 1, disagreed: 1, silent: 0 })
  assert.deepEqual(activity.get('C'), { committees: 1, rated: 0, disagreed: 0, silent: 1 })
})

test('a void request closes with its silent members and no point on the curve', () => {
  const h = createHistory()
  addBlock(h, 6, [committee(0, ['A', 'B', 'C'], 16)])
  addBlock(h, 16, [{ method: 'RequestVoid', data: { request: 0, hoster: 'H', ratings: 0, silent: ['A', 'B', 'C'], retry: 1 } }])
  assert.equal(h.requests.get(0).closed.verdict, null)
  assert.deepEqual(committeeOf(h.requests.get(0)).map((m) => m.state), ['silent', 'silent', 'silent'])
  assert.deepEqual(pointsOf(h, 'H'), [])
})

test('a hoster that leaves loses its curve', () => {
  const h = createHistory()
  addBlock(h, 7, [closed(0, served(14, 3e6), 1e9)])
  addBlock(h, 8, [{ method: 'HosterUnregistered', data: { hoster: 'H' } }])
  assert.deepEqual(pointsOf(h, 'H'), [])
})
