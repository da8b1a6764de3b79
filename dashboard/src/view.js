// Drawing the dashboard with DOM calls only: every value from the chain
// reaches the page as text (never as HTML), so a hoster's region or endpoint
// cannot inject markup.

import { chartGeometry } from './chart.js'
import { describeMeasurement, describeReason, describeVerdict, mbps, ms, percent } from './format.js'
import { attestorActivity, committeeOf, latestRequests, pointsOf } from './history.js'
import { assess } from './warning.js'

const SVG = 'http://www.w3.org/2000/svg'

/** An element with attributes (`class`, `data-*`, properties for the rest) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name === 'class' || name.startsWith('data-') || name.startsWith('aria-') || name === 'title' || name === 'role') node.setAttribute(name, String(value))
    else node[name] = value
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return node
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value))
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  return node
}

/** How an account reads: a development name with the start of its address, or the address shortened. */
export function accountLabel(names, account) {
  const name = names.get(account)
  const short = `${account.slice(0, 6)}…${account.slice(-4)}`
  return name ? `${name} (${short})` : short
}

function accountNode(names, account) {
  return el('span', { class: 'account', title: account }, accountLabel(names, account))
}

/**
 * One figure's curve over the window, with the promise as a dashed line: a
 * `figure` of the hoster's history points, read by `value(point)`, written
 * by `format(value)` (the axis by `tick(value)`, without the unit the title names).
 */
function curve({ title, figure, points, value, format, tick, promise, promiseText, floor, ceiling, from, to }) {
  const series = points.map((p) => ({ x: p.block, y: value(p) })).filter((p) => p.y !== undefined && Number.isFinite(p.y))
  const g = chartGeometry({ points: series, from, to, promise, floor, ceiling, width: 320, height: 120 })
  const chart = svg('svg', { viewBox: '0 0 320 120', class: 'curve', role: 'img', 'aria-label': `${title} over blocks ${from} to ${to}` })
  for (const { y, value: tickValue } of g.yTicks) {
    chart.append(svg('line', { x1: 44, x2: 312, y1: y, y2: y, class: 'grid' }))
    chart.append(svg('text', { x: 40, y: y + 3, class: 'tick', 'text-anchor': 'end' }, tick(tickValue)))
  }
  for (const { x, block } of g.xTicks) {
    chart.append(svg('text', { x, y: 116, class: 'tick', 'text-anchor': x < 160 ? 'start' : 'end' }, `#${block}`))
  }
  if (g.promiseY !== null) {
    chart.append(svg('line', { x1: 44, x2: 312, y1: g.promiseY, y2: g.promiseY, class: 'promise' }))
    chart.append(svg('text', { x: 310, y: g.promiseY - 3, class: 'promise-label', 'text-anchor': 'end' }, promiseText))
  }
  if (g.path) chart.append(svg('path', { d: g.path, class: 'line' }))
  for (const dot of g.dots) {
    chart.append(svg('circle', { cx: dot.x, cy: dot.y, r: 2.5, class: 'dot' }, svg('title', {}, `block #${dot.block}: ${format(dot.value)}`)))
  }
  const latest = series.at(-1)
  return el(
    'figure',
    { class: 'chart', 'data-figure': figure, 'data-points': g.dots.length },
    el('figcaption', {}, title, el('span', { class: 'latest' }, latest ? format(latest.y) : 'no verdict in the window')),
    chart,
  )
}

/** A hoster's card: status, early warning, figures against its promise, and its curves. */
export function hosterCard({ hoster, names, history, from, to, onQualify }) {
  const { account, registration, figures } = hoster
  const promise = registration.form.promised
  const standing = assess(promise, figures)
  const points = pointsOf(history, account)
  const figureRow = (label, measured, promised) =>
    el('div', { class: 'figure' }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, measured), promised && el('span', { class: 'promised' }, promised))
  return el(
    'article',
    { class: `hoster ${standing.level}`, 'data-hoster': account, 'data-level': standing.level },
    el(
      'header',
      {},
      el('h3', {}, accountNode(names, account)),
      el('span', { class: `badge status-${registration.status.toLowerCase()}` }, registration.status),
      el('span', { class: `badge level-${standing.level}`, 'data-warning': standing.level }, warningTitle(standing.level)),
      el('span', { class: 'region' }, `region ${registration.form.region}`),
      el('span', { class: 'endpoint' }, registration.form.endpoint),
    ),
    el(
      'div',
      { class: 'figures' },
      figureRow('availability', figures ? percent(figures.availability) : '–', `promised ≥ ${percent(promise.availability)}`),
      figureRow('reliability', figures ? percent(figures.reliability) : '–', 'ratings meeting the promise'),
      figureRow('latency', figures ? ms(figures.latencyMs) : '–', `promised ≤ ${ms(promise.latencyMs)}`),
      figureRow('bandwidth', figures ? mbps(figures.bandwidthBytesPerSec) : '–', `promised ≥ ${mbps(promise.bandwidthBytesPerSec)}`),
      figureRow('verdicts', figures ? String(figures.samples) : '0', figures?.samples ? `last at #${figures.lastUpdate}` : ''),
    ),
    standing.notes.length > 0 && standing.level !== 'ok'
      ? el('ul', { class: 'notes' }, standing.notes.map((n) => el('li', { class: n.level }, n.note)))
      : null,
    el(
      'div',
      { class: 'charts' },
      curve({ title: 'availability, %', figure: 'availability', points, value: (p) => p.availability / 1e9, format: (v) => `${(v * 100).toFixed(2)}%`, tick: (v) => (v * 100).toFixed(1), promise: Number(promise.availability) / 1e9, promiseText: 'promise', ceiling: 1, from, to }),
      curve({ title: 'latency of each verdict, ms', figure: 'latency', points, value: (p) => p.latencyMs, format: (v) => `${Math.round(v)} ms`, tick: (v) => String(Math.round(v)), promise: Number(promise.latencyMs), promiseText: 'promise', floor: 0, from, to }),
      curve({ title: 'bandwidth of each verdict, MB/s', figure: 'bandwidth', points, value: (p) => (p.bandwidth === undefined ? undefined : p.bandwidth / 1e6), format: (v) => `${v.toFixed(1)} MB/s`, tick: (v) => (v < 10 ? v.toFixed(1) : String(Math.round(v))), promise: Number(promise.bandwidthBytesPerSec) / 1e6, promiseText: 'promise', floor: 0, from, to }),
      curve({ title: 'reliability, %', figure: 'reliability', points, value: (p) => p.reliability / 1e9, format: (v) => `${(v * 100).toFixed(2)}%`, tick: (v) => (v * 100).toFixed(1), promise: null, ceiling: 1, from, to }),
    ),
    el('button', { type: 'button', class: 'ask', onclick: () => onQualify(account, promise) }, 'Does it meet its promise? (does_qualify)'),
  )
}

function warningTitle(level) {
  return { ok: 'meets its promise', warning: 'early warning', failing: 'breaks its promise', pending: 'pending', unknown: 'no verdict yet' }[level] ?? level
}

/** The latest requests, each with its committee and what each member rated. */
export function ratingsTable({ history, names, limit = 15 }) {
  const rows = latestRequests(history, limit).map((r) => {
    const members = committeeOf(r).map((m) =>
      el(
        'li',
        { class: `member ${m.state}${m.disagreed ? ' disagreed' : ''}` },
        accountNode(names, m.attestor),
        ': ',
        m.state === 'rated' ? describeMeasurement(m.measurement) : m.state === 'silent' ? 'silent' : 'waiting',
        m.disagreed ? ' (disagreed)' : '',
      ),
    )
    const outcome = r.closed ? (r.closed.verdict === null ? 'void: no quorum' : describeVerdict(r.closed.verdict)) : r.deadline ? `open until #${r.deadline}` : 'committee drawn next block'
    return el(
      'tr',
      { 'data-request': r.id },
      el('td', {}, `#${r.id}`),
      el('td', {}, r.kind ?? ''),
      el('td', {}, accountNode(names, r.hoster)),
      el('td', {}, members.length ? el('ul', { class: 'committee' }, members) : '–'),
      el('td', { class: 'outcome' }, outcome, r.closed ? ` (#${r.closed.block})` : ''),
    )
  })
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colSpan: 5, class: 'empty' }, 'no request in the recent blocks')))
  return rows
}

/** The attestors with their records and what the window shows of them. */
export function attestorRows({ attestors, history, names }) {
  const activity = attestorActivity(history)
  const rows = attestors.map(({ account, summary }) => {
    const seen = activity.get(account) ?? { committees: 0, rated: 0, disagreed: 0, silent: 0 }
    return el(
      'tr',
      { 'data-attestor': account },
      el('td', {}, accountNode(names, account)),
      el('td', {}, summary.status),
      el('td', {}, summary.region),
      el('td', {}, percent(summary.agreement)),
      el('td', {}, percent(summary.answerRate)),
      el('td', {}, `${summary.answered} / ${summary.missed} / ${summary.disagreed}`),
      el('td', {}, `${seen.committees} committees: ${seen.rated} rated, ${seen.silent} silent, ${seen.disagreed} disagreed`),
    )
  })
  if (rows.length === 0) rows.push(el('tr', {}, el('td', { colSpan: 7, class: 'empty' }, 'no attestor registered')))
  return rows
}

/** The answer of does_qualify: yes, or every reason with measured vs required. */
export function qualificationAnswer({ answer, who, names }) {
  if (answer.qualifies) return el('p', { class: 'yes', 'data-qualifies': 'yes' }, accountNode(names, who), ' qualifies: every requirement is met.')
  return el(
    'div',
    { 'data-qualifies': 'no' },
    el('p', { class: 'no' }, accountNode(names, who), ' does not qualify:'),
    el(
      'table',
      { class: 'reasons' },
      el('thead', {}, el('tr', {}, el('th', {}, 'reason'), el('th', {}, 'measured'), el('th', {}, 'required'))),
      el(
        'tbody',
        {},
        answer.reasons.map((reason) => {
          const r = describeReason(reason)
          return el('tr', { class: 'reason' }, el('td', {}, r.what), el('td', {}, r.measured), el('td', {}, r.required))
        }),
      ),
    ),
  )
}
