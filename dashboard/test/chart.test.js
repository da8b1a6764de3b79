// Where the curve's points and the promise line sit.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { PADDING, chartGeometry } from '../src/chart.js'

test('points span the block range left to right and the values bottom to top', () => {
  const g = chartGeometry({ points: [{ x: 0, y: 0 }, { x: 100, y: 10 }], from: 0, to: 100, width: 200, height: 100 })
  assert.equal(g.dots[0].x, PADDING.left)
  assert.equal(g.dots[1].x, 200 - PADDING.right)
  assert.equal(g.dots[0].y, 100 - PADDING.bottom)
  assert.equal(g.dots[1].y, PADDING.top)
  assert.match(g.path, /^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/)
})

test('the promise is always inside the chart, even far from every value', () => {
  const g = chartGeometry({ points: [{ x: 5, y: 20 }], from: 0, to: 10, promise: 500, height: 120 })
  assert.equal(g.promiseY, PADDING.top)
  assert.ok(g.dots[0].y > g.promiseY)
})

test('one value stays within the ceiling (a share never shows 110%)', () => {
  const g = chartGeometry({ points: [{ x: 1, y: 1 }, { x: 2, y: 1 }], from: 0, to: 10, ceiling: 1 })
  assert.equal(g.yTicks[0].value, 1)
  assert.ok(g.yTicks[2].value < 1)
  const floorOnly = chartGeometry({ points: [{ x: 1, y: 0 }], from: 0, to: 10, floor: 0 })
  assert.equal(floorOnly.yTicks[2].value, 0)
})

test('points outside the block range or without a value are left out', () => {
  const g = chartGeometry({ points: [{ x: -5, y: 1 }, { x: 5, y: NaN }, { x: 6, y: 2 }], from: 0, to: 10 })
  assert.equal(g.dots.length, 1)
  assert.equal(chartGeometry({ points: [], from: 0, to: 10 }).path, '')
})
