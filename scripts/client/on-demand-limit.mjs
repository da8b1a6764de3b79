// The runtime's limit of open on-demand requests on one hoster
// (`MaxOnDemandPerHoster`) is a storage parameter that root may change: the
// load benchmarks raise it to put many requests on one hoster.
import { u8aToHex } from '@polkadot/util'
import { xxhashAsU8a } from '@polkadot/util-crypto'

/** The storage key of the runtime's `MaxOnDemandPerHoster` parameter. */
export const onDemandLimitKey = u8aToHex(xxhashAsU8a(':MaxOnDemandPerHoster:', 128))

/**
 * Sets the limit to `limit` with sudo(system.setStorage) signed by `sudo` (on a
 * development chain, //Alice); resolves once it is in a block.
 */
export const setOnDemandLimit = (api, sudo, limit) => new Promise((resolve, reject) => {
  const value = u8aToHex(api.createType('u32', limit).toU8a())
  api.tx.sudo.sudo(api.tx.system.setStorage([[onDemandLimitKey, value]]))
    .signAndSend(sudo, ({ status, events, dispatchError }) => {
      if (dispatchError) return reject(new Error(dispatchError.toString()))
      if (!status.isInBlock) return
      const sudid = events.map(({ event }) => event).find((e) => api.events.sudo.Sudid.is(e))
      if (sudid?.data.sudoResult.isOk) resolve()
      else reject(new Error(`setting MaxOnDemandPerHoster failed: ${sudid?.data.sudoResult}`))
    }).catch(reject)
})
