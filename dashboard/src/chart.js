// The geometry of a figure's curve over recent blocks: where each point and
// the promise line sit in a chart of `width` × `height` pixels. Drawing is the
// view's job (view.js); this part is plain arithmetic, tested alone.

/** Space kept around the plot for the axis labels, in pixels. */
export const PADDING = { left: 44, right: 8, top: 8, bottom: 18 }

/**
 * `points`: `[{ x: block, y: value }]`; `from`, `to`: the blocks the x axis
 * spans; `promise`: the promised value (drawn as a line) or null; `floor`,
 * `ceiling`: bounds the y axis must include (e.g. 0 and 1 for a share).
 * Returns `{ dots: [{ x, y, block, value }], path, promiseY, yTicks: [{ y, value }], xTicks: [{ x, block }] }`
 * in pixel coordinates; `path` is an SVG path through the dots (empty when none).
 */
export function chartGeometry({ points, from, to, promise = null, floor = null, ceiling = null, width = 320, height = 120 }) {
  const values = points.map((p) => p.y)
  if (promise !== null) values.push(promise)
  if (floor !== null) values.push(floor)
  if (ceiling !== null) values.push(ceiling)
  let low = values.length ? Math.min(...values) : 0
  let high = values.length ? Math.max(...values) : 1
  if (high === low) {
    // One value: give it room, staying within the floor and the ceiling.
    const room = Math.abs(high) > 0 ? Math.abs(high) * 0.1 : 1
    low -= room
    high += room
    if (ceiling !== null && high > ceiling) {
      low -= high - ceiling
      high = ceiling
    }
    if (floor !== null && low < floor) {
      high += floor - low
      low = floor
    }
  }
  const left = PADDING.left
  const right = width - PADDING.right
  const top = PADDING.top
  const bottom = height - PADDING.bottom
  const span = Math.max(1, to - from)
  const px = (block) => left + ((block - from) / span) * (right - left)
  const py = (value) => bottom - ((value - low) / (high - low)) * (bottom - top)
  const dots = points
    .filter((p) => p.x >= from && p.x <= to && Number.isFinite(p.y))
    .map((p) => ({ x: px(p.x), y: py(p.y), block: p.x, value: p.y }))
  const path = dots.map((d, i) => `${i ? 'L' : 'M'}${d.x.toFixed(1)},${d.y.toFixed(1)}`).join(' ')
  const yTicks = [high, (high + low) / 2, low].map((value) => ({ y: py(value), value }))
  const xTicks = [from, to].map((block) => ({ x: px(block), block }))
  return { dots, path, promiseY: promise === null ? null : py(promise), yTicks, xTicks }
}
