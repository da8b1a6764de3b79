// Drives the dashboard in headless Chromium (Debian's, through playwright-core)
// against a running chain with hosters being rated, as a person would use it:
//   node e2e/browser.mjs --url http://127.0.0.1:8800/ --hoster <SS58> --out DIR
//     [--failing <SS58>] [--timeout 120]
//   node e2e/browser.mjs --url http://127.0.0.1:8801/ --unreachable ws://127.0.0.1:PORT --out DIR
//     (a page whose node is not there: it must say it cannot reach it)
// Checks: the page loads with no console error; the hoster's card appears
// with its status; its availability curve gains points as ratings land; the
// ratings table shows each committee member's rating; the attestors are listed;
// a hoster that breaks its promise is flagged; the does_qualify form answers
// yes, then no with each reason's measured and required value, and refuses bad
// input. Screenshots go to DIR. Exits 1 with the first failed check.
import { chromium } from 'playwright-core'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    hoster: { type: 'string' },
    failing: { type: 'string' },
    unreachable: { type: 'string' },
    out: { type: 'string' },
    timeout: { type: 'string', default: '120' },
    browser: { type: 'string', default: process.env.CHROMIUM ?? '/usr/bin/chromium' },
  },
})
if (!args.url || !(args.hoster || args.unreachable) || !args.out) {
  console.error('usage: node e2e/browser.mjs --url URL (--hoster SS58 [--failing SS58] | --unreachable WS_URL) --out DIR [--timeout S]')
  process.exit(2)
}
const timeout = Number(args.timeout) * 1000
await mkdir(args.out, { recursive: true })

const step = (text) => console.log(`browser: ${text}`)
function check(condition, message) {
  if (!condition) throw new Error(message)
}

const browser = await chromium.launch({
  executablePath: args.browser,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const problems = []

/** The page against a node that is not there: it must name the node it cannot reach. */
async function checkUnreachable(page) {
  await page.waitForSelector('#connection[data-state="failed"]', { timeout: 30_000 })
  const said = await page.textContent('#connection')
  check(said.includes(args.unreachable), `the page says "${said}", not naming ${args.unreachable}`)
  await page.screenshot({ path: join(args.out, 'dashboard-unreachable.png') })
  step(`with no node at ${args.unreachable} the page says: ${said}`)
}

/** The page against a chain with hosters being rated. */
async function checkDashboard(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout })
  step(`loaded; ${await page.textContent('#chain')}, ${await page.textContent('#best')}`)

  const card = page.locator(`article[data-hoster="${args.hoster}"]`)
  await card.waitFor({ timeout })
  const status = await card.locator('.badge').first().textContent()
  check(status === 'Active', `the hoster shows status ${status}, expected Active`)
  const level = await card.getAttribute('data-level')
  check(level === 'ok', `the hoster meeting its promise is marked ${level}`)
  const availability = card.locator('[data-figure="availability"]')
  const before = Number(await availability.getAttribute('data-points'))
  step(`hoster ${args.hoster} is Active, meets its promise, ${before} verdict(s) on its availability curve`)
  await page.screenshot({ path: join(args.out, 'dashboard-loaded.png'), fullPage: true })

  // The curve grows as ratings land, without reloading the page.
  await page.waitForFunction(
    ({ selector, before }) => Number(document.querySelector(selector)?.getAttribute('data-points')) > before,
    { selector: `article[data-hoster="${args.hoster}"] [data-figure="availability"]`, before },
    { timeout },
  )
  const after = Number(await availability.getAttribute('data-points'))
  const dots = await card.locator('[data-figure="latency"] circle.dot').count()
  check(dots >= after, `the latency curve draws ${dots} dots for ${after} served verdicts`)
  check((await card.locator('[data-figure="availability"] line.promise').count()) === 1, 'the availability curve has no promise line')
  // The card's figures follow (read again for the hosters a block's events name).
  await page.waitForFunction(
    ({ selector, after }) => {
      const figure = [...document.querySelectorAll(`${selector} .figure`)].find((f) => f.querySelector('.label')?.textContent === 'verdicts')
      return Number(figure?.querySelector('.value')?.textContent) >= after
    },
    { selector: `article[data-hoster="${args.hoster}"]`, after },
    { timeout: 30_000 },
  )
  step(`a new verdict landed: ${after} point(s) on the curve, promise line drawn, the card's verdict count followed`)

  // The ratings table: the latest closed request of the hoster, each member's rating.
  const closed = page.locator('#ratings-body tr', { has: page.locator('li.member.rated') }).first()
  await closed.waitFor({ timeout })
  const members = await closed.locator('li.member').allTextContents()
  check(members.length >= 2, `a committee of ${members.length} is shown`)
  check(members.every((m) => /ms, [\d.]+ MB\/s, \d+ of \d+ chunks|silent|waiting|timeout|error/.test(m)), `committee lines read oddly: ${members.join(' | ')}`)
  step(`ratings: ${members.join(' | ')}`)

  const attestorRows = await page.locator('#attestors-body tr[data-attestor]').count()
  check(attestorRows >= 1, 'no attestor listed')
  const agreement = await page.locator('#attestors-body tr[data-attestor] td').nth(3).textContent()
  check(/^\d+\.\d\d%$/.test(agreement), `an attestor's agreement reads ${agreement}`)
  step(`${attestorRows} attestor(s) listed, agreement ${agreement}`)

  if (args.failing) {
    const bad = page.locator(`article[data-hoster="${args.failing}"]`)
    await page.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('data-level') === 'failing', `article[data-hoster="${args.failing}"]`, { timeout })
    const notes = await bad.locator('.notes li').allTextContents()
    check(notes.some((n) => /below the promised/.test(n)), `the failing hoster's notes say: ${notes.join(' | ')}`)
    step(`the hoster that breaks its promise is flagged: ${notes.join(' | ')}`)
  }

  // does_qualify against the hoster's own promise: yes.
  await card.locator('button.ask').click()
  await page.waitForSelector('#answer [data-qualifies]', { timeout: 30_000 })
  const yes = await page.getAttribute('#answer [data-qualifies]', 'data-qualifies')
  check(yes === 'yes', `against its own promise the answer is ${yes}: ${await page.textContent('#answer')}`)
  step('does_qualify against its own promise: qualifies')

  // Stricter than anything measured: no, with every reason's measured and required value.
  const form = page.locator('#qualify-form')
  await form.locator('[name=maxLatencyMs]').fill('0')
  await form.locator('[name=minSamples]').fill('100000')
  await form.locator('[name=minAvailability]').fill('')
  await form.locator('[name=minBandwidthMBps]').fill('')
  await form.locator('button[type=submit]').click()
  await page.waitForSelector('#answer [data-qualifies="no"]', { timeout: 30_000 })
  const reasons = await page.locator('#answer tr.reason').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)))
  const latency = reasons.find((r) => r[0].includes('latency'))
  const samples = reasons.find((r) => r[0].includes('too few ratings'))
  check(latency && /^\d+ ms$/.test(latency[1]) && latency[2] === '≤ 0 ms', `the latency reason reads ${JSON.stringify(latency)}`)
  check(samples && /^\d+$/.test(samples[1]) && samples[2] === '≥ 100000', `the samples reason reads ${JSON.stringify(samples)}`)
  step(`does_qualify with stricter requirements: no, ${reasons.map((r) => `${r[0]} (${r[1]} vs ${r[2]})`).join('; ')}`)
  await page.screenshot({ path: join(args.out, 'dashboard.png'), fullPage: true })

  // Bad input is refused in the page and nothing is asked of the chain.
  await form.locator('[name=minAvailability]').fill('150')
  await form.locator('button[type=submit]').click()
  await page.waitForSelector('#answer [data-qualifies="error"]', { timeout: 10_000 })
  const refused = await page.textContent('#answer')
  check(/percentage from 0 to 100/.test(refused), `an availability of 150% gives: ${refused}`)
  await form.locator('[name=minAvailability]').fill('')
  await form.locator('[name=who]').fill('not-an-account')
  await form.locator('button[type=submit]').click()
  await page.waitForFunction(() => /is not an account/.test(document.querySelector('#answer')?.textContent ?? ''), null, { timeout: 10_000 })
  step('bad input is refused with a clear message')

  check(problems.length === 0, `the page reported problems:\n  ${problems.join('\n  ')}`)
  step('no console error, no failed request')
}

let page
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    else if (message.type() === 'warning') console.log(`browser: (page warning) ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`))

  const response = await page.goto(args.url, { waitUntil: 'load' })
  check(response.ok(), `the page answered HTTP ${response.status()}`)
  if (args.unreachable) await checkUnreachable(page)
  else await checkDashboard(page)
} catch (error) {
  if (page) await page.screenshot({ path: join(args.out, 'dashboard-failed.png'), fullPage: true }).catch(() => {})
  console.error(`browser: FAILED: ${error.message}`)
  if (problems.length) console.error(`browser: the page also reported:\n  ${problems.join('\n  ')}`)
  process.exitCode = 1
} finally {
  await browser.close()
}
