// The dashboard page: connects to the node named by `config.json` (served by
// `hoster dashboard --url`), reads the recent blocks' hosting events, then
// redraws hosters, ratings and attestors as blocks are imported.

import { connect, developmentNames, doesQualify, followBestBlocks, isAccount, loadAttestors, loadHoster, loadHosters, loadRecentBlocks } from './chain.js'
import { createHistory } from './history.js'
import { whatToRefresh } from './refresh.js'
import { promiseAsForm, requirementsFromForm } from './requirements.js'
import { attestorRows, el, hosterCard, qualificationAnswer, ratingsTable } from './view.js'

const $ = (id) => document.getElementById(id)

/** Blocks of history the curves span: `?blocks=N` (10 to 14,400), default 600 (30 minutes of 3 s blocks). */
function windowFromQuery() {
  const asked = Number(new URLSearchParams(location.search).get('blocks'))
  return Number.isInteger(asked) && asked >= 10 && asked <= 14_400 ? asked : 600
}

function setStatus(text, state) {
  const node = $('connection')
  node.textContent = text
  node.dataset.state = state
}

async function main() {
  const config = await fetch('config.json', { cache: 'no-store' }).then((r) => {
    if (!r.ok) throw new Error(`config.json: HTTP ${r.status}`)
    return r.json()
  })
  setStatus(`connecting to ${config.rpc}…`, 'connecting')
  const api = await connect(config.rpc)
  api.on('disconnected', () => setStatus(`disconnected from ${config.rpc}; reconnecting…`, 'disconnected'))
  api.on('connected', () => setStatus(`connected to ${config.rpc}`, 'connected'))
  const [chain, names, header] = await Promise.all([api.rpc.system.chain(), developmentNames(api), api.rpc.chain.getHeader()])
  $('chain').textContent = chain.toString()
  setStatus(`connected to ${config.rpc}`, 'connected')

  const history = createHistory({ window: windowFromQuery() })
  $('window').textContent = `the last ${history.window} blocks`
  const best = header.number.toNumber()
  await loadRecentBlocks(api, history, best, {
    progress: (done, total) => ($('best').textContent = `reading blocks: ${done} of ${total}`),
  })

  let hosters = []
  let attestors = []
  let refreshing = null
  let again = false
  const draw = () => {
    const to = Math.max(history.best, 1)
    const from = Math.max(0, to - history.window)
    $('best').textContent = `best block #${history.best}`
    $('hoster-cards').replaceChildren(
      ...(hosters.length
        ? hosters.map((hoster) => hosterCard({ hoster, names, history, from, to, onQualify: askWithPromise }))
        : [el('p', { class: 'empty' }, 'no hoster registered')]),
    )
    $('ratings-body').replaceChildren(...ratingsTable({ history, names }))
    $('attestors-body').replaceChildren(...attestorRows({ attestors, history, names }))
    $('accounts').replaceChildren(
      ...[...hosters.map((h) => h.account), ...attestors.map((a) => a.account)].map((account) =>
        el('option', { value: account }, names.get(account) ?? ''),
      ),
    )
    document.body.dataset.best = String(history.best)
  }
  // Reads storage and the runtime API again, one refresh at a time: every
  // hoster and attestor (`full`), or the hosters named and the attestors; what
  // a block asks for while one runs is read after it.
  let wanted = { full: true, hosters: new Set(), attestors: true }
  let sinceFull = 0
  const refresh = (ask) => {
    wanted = {
      full: wanted.full || ask.full,
      hosters: new Set([...wanted.hosters, ...ask.hosters]),
      attestors: wanted.attestors || ask.attestors,
    }
    if (refreshing) {
      again = true
      return refreshing
    }
    const now = wanted
    wanted = { full: false, hosters: new Set(), attestors: false }
    const readHosters = now.full
      ? loadHosters(api)
      : Promise.all([...now.hosters].map((account) => loadHoster(api, account))).then((changed) => {
          const byAccount = new Map(hosters.map((h) => [h.account, h]))
          for (const h of changed) {
            if (h.registration === null) byAccount.delete(h.account)
            else byAccount.set(h.account, h)
          }
          return [...byAccount.values()]
        })
    const readAttestors = now.attestors ? loadAttestors(api) : Promise.resolve(attestors)
    if (now.full) sinceFull = 0
    refreshing = Promise.all([readHosters, readAttestors])
      .then(([h, a]) => {
        // In account order, so cards keep their places from block to block.
        hosters = h.sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0))
        attestors = a
        draw()
      })
      .catch((error) => {
        console.warn(`refresh: ${error.message}`)
        wanted.full = true
      })
      .finally(() => {
        refreshing = null
        if (again) {
          again = false
          refresh({ full: false, hosters: new Set(), attestors: false })
        }
      })
    return refreshing
  }

  const form = $('qualify-form')
  const answer = $('answer')
  function askWithPromise(account, promise) {
    form.elements.who.value = account
    form.elements.role.value = 'Hoster'
    for (const [name, value] of Object.entries(promiseAsForm(promise))) form.elements[name].value = value
    form.requestSubmit()
    form.scrollIntoView({ behavior: 'smooth' })
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const fields = Object.fromEntries(new FormData(form).entries())
    const who = String(fields.who ?? '').trim()
    if (!isAccount(who)) {
      answer.replaceChildren(el('p', { class: 'error', 'data-qualifies': 'error' }, `${who || 'an empty field'} is not an account: paste an SS58 address or pick one from the list`))
      return
    }
    const { requirements, error } = requirementsFromForm(fields)
    if (error) {
      answer.replaceChildren(el('p', { class: 'error', 'data-qualifies': 'error' }, error))
      return
    }
    answer.replaceChildren(el('p', { class: 'waiting' }, 'asking the chain…'))
    try {
      const result = await doesQualify(api, who, fields.role, requirements)
      answer.replaceChildren(qualificationAnswer({ answer: result, who: api.createType('AccountId', who).toString(), names }))
    } catch (e) {
      answer.replaceChildren(el('p', { class: 'error', 'data-qualifies': 'error' }, `the chain did not answer: ${e.message}`))
    }
  })

  await refresh({ full: true, hosters: new Set(), attestors: true })
  await followBestBlocks(api, history, (number, events) => {
    sinceFull += 1
    const ask = whatToRefresh(events, sinceFull)
    // The best block and the history's curves move every block; the figures when asked.
    if (ask.full || ask.hosters.size > 0 || ask.attestors) refresh(ask)
    else draw()
  })
  document.body.dataset.ready = 'true'
}

main().catch((error) => {
  setStatus(`cannot show the chain: ${error.message}`, 'failed')
  console.error(error)
})
