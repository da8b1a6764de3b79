// Prints the account id (64 hex characters, no 0x) of each sr25519 secret URI
// given, one a line, as the chain derives it (dev accounts: //Alice, //Bob, ...).
//   node account.mjs //Dave [//Eve ...]
import { Keyring } from '@polkadot/keyring'
import { u8aToHex } from '@polkadot/util'
import { cryptoWaitReady } from '@polkadot/util-crypto'

const uris = process.argv.slice(2)
if (uris.length === 0) {
  console.error('usage: node account.mjs <secret uri>...')
  process.exit(2)
}
await cryptoWaitReady()
const keyring = new Keyring({ type: 'sr25519' })
for (const uri of uris) console.log(u8aToHex(keyring.addFromUri(uri).publicKey).slice(2))
