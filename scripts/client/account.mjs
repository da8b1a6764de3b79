// Prints the account id (64 hex characters, no 0x) of each sr25519 secret URI
// given, one a line, as the chain derives it (dev accounts: //Alice, //Bob, ...);
// with --ss58, its SS58 address (generic prefix 42, as polkadot.js apps shows it).
//   node account.mjs [--ss58] //Dave [//Eve ...]
import { Keyring } from '@polkadot/keyring'
import { u8aToHex } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'

const ss58 = process.argv[2] === '--ss58'
const uris = process.argv.slice(ss58 ? 3 : 2)
if (uris.length === 0) {
  console.error('usage: node account.mjs [--ss58] <secret uri>...')
  process.exit(2)
}
await cryptoWaitReady()
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 })
for (const uri of uris) {
  const pair = keyring.addFromUri(uri)
  console.log(ss58 ? pair.address : u8aToHex(pair.publicKey).slice(2))
}
