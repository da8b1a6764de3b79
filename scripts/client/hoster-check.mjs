// Is the Hypercore peer I am talking to a hoster registered on the hosting chain?
//
// A hoster greets every peer of a feed it seeds on the `hosting-extension`
// with its signed message (the same one `GET /hello` gives over HTTP):
//   {account, contact_key, feeds: [{key, length}], signature}
// A Hypercore app registers the extension and checks what it receives:
//
//   import { checkHoster } from './hoster-check.mjs'
//   core.registerExtension('hosting-extension', {
//     encoding: 'json',
//     async onmessage (hello, peer) {
//       const verdict = await checkHoster(api, hello, { remotePublicKey: peer.remotePublicKey, feedKey: core.key })
//       if (verdict.ok) console.log('hosted by', verdict.account, 'holding', verdict.length, 'blocks')
//     }
//   })
//
// `verifyHello` checks what needs no chain: the signature by the contact
// key, that the contact key is the connection's Noise key (so the message
// cannot be replayed by another peer), and that it names this feed.
// `checkHoster` adds the chain: the account is a registered hoster whose
// registration form names the same contact key.
//
// As a command, on a message saved as JSON:
//   node hoster-check.mjs <ws url> <hello.json> <remote public key hex> <feed key hex>
import { ed25519Verify } from '@polkadot/util-crypto'
import { hexToU8a, u8aToHex } from '@polkadot/util'

/** What the signature starts with (hoster/src/hello.rs: HELLO_CONTEXT). */
export const HELLO_CONTEXT = 'hosting/hello/v2'

const HEX32 = /^(0x)?[0-9a-fA-F]{64}$/
const hex32 = (v) => (typeof v === 'string' ? v : Buffer.from(v).toString('hex')).replace(/^0x/, '').toLowerCase()

/** The signed bytes of a greeting (hoster/src/hello.rs: hello_message). */
export function helloMessageBytes(hello) {
  const account = hello.account ? Buffer.from(hex32(hello.account), 'hex') : Buffer.alloc(32)
  const parts = [Buffer.from(HELLO_CONTEXT), account, Buffer.from(hex32(hello.contact_key), 'hex')]
  const count = Buffer.alloc(4)
  count.writeUInt32LE(hello.feeds.length)
  parts.push(count)
  for (const feed of hello.feeds) {
    const length = Buffer.alloc(8)
    length.writeBigUInt64LE(BigInt(feed.length))
    parts.push(Buffer.from(hex32(feed.key), 'hex'), length)
  }
  return Buffer.concat(parts)
}

/** Whether a value has the greeting's shape. */
function wellFormed(hello) {
  return hello && typeof hello === 'object' &&
    (hello.account === null || HEX32.test(hello.account)) &&
    HEX32.test(hello.contact_key || '') &&
    /^(0x)?[0-9a-fA-F]{128}$/.test(hello.signature || '') &&
    Array.isArray(hello.feeds) && hello.feeds.length <= 100000 &&
    hello.feeds.every((f) => f && HEX32.test(f.key || '') && Number.isSafeInteger(f.length) && f.length >= 0)
}

/**
 * Checks a greeting without the chain. Returns `{ ok, reasons, account, length }`:
 * `reasons` lists every check that failed; `length` is what it holds of `feedKey`.
 */
export function verifyHello(hello, { remotePublicKey, feedKey }) {
  if (!wellFormed(hello)) return { ok: false, reasons: ['not a hoster greeting'], account: null, length: null }
  const reasons = []
  const contact = hex32(hello.contact_key)
  if (!ed25519Verify(helloMessageBytes(hello), hexToU8a('0x' + hex32(hello.signature)), hexToU8a('0x' + contact))) {
    reasons.push('the signature is not by the contact key')
  }
  if (!remotePublicKey || hex32(remotePublicKey) !== contact) {
    reasons.push("the contact key is not the connection's Noise key")
  }
  const held = hello.feeds.find((f) => hex32(f.key) === hex32(feedKey))
  if (!held) reasons.push('it does not name this feed')
  if (!hello.account) reasons.push('it names no chain account')
  return { ok: reasons.length === 0, reasons, account: hello.account ? '0x' + hex32(hello.account) : null, length: held ? held.length : null }
}

/**
 * Checks a greeting against the chain too (`api`: a connected @polkadot/api
 * ApiPromise): the account must be a registered hoster whose form names the
 * same contact key. Adds `status` (Pending, Active, Suspended) when it is.
 */
export async function checkHoster(api, hello, peer) {
  const verdict = verifyHello(hello, peer)
  if (!verdict.account) return { ...verdict, status: null }
  const record = await api.query.hosting.hosters(verdict.account)
  if (record.isNone) {
    return { ...verdict, ok: false, reasons: [...verdict.reasons, 'the account is not a registered hoster'], status: null }
  }
  const hoster = record.unwrap()
  const reasons = [...verdict.reasons]
  if (hex32(u8aToHex(hoster.form.contactKey)) !== hex32(hello.contact_key)) {
    reasons.push('the chain registers another contact key for the account')
  }
  return { ...verdict, ok: reasons.length === 0, reasons, status: hoster.status.toString() }
}

/** A @polkadot/api client of the node at `url` (close it with `api.disconnect()`). */
export async function connect(url) {
  const { ApiPromise, WsProvider } = await import('@polkadot/api')
  return ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true })
}

// As a command.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, file, remote, feed] = process.argv.slice(2)
  if (!url || !file || !remote || !feed) {
    console.error('usage: node hoster-check.mjs <ws url> <hello.json> <remote public key hex> <feed key hex>')
    process.exit(2)
  }
  const { readFileSync } = await import('node:fs')
  const api = await connect(url)
  try {
    const verdict = await checkHoster(api, JSON.parse(readFileSync(file, 'utf8')), { remotePublicKey: remote, feedKey: feed })
    console.log(JSON.stringify(verdict))
    process.exitCode = verdict.ok ? 0 : 1
  } finally {
    await api.disconnect()
  }
}
