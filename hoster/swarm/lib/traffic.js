// Traffic of one hosted feed over the Hypercore protocol: blocks and bytes
// uploaded and downloaded, in total and per peer, and the peers open now.
// Per-peer figures are kept for open peers only, so their number is bounded
// by the swarm's connections.
'use strict'

const hex = (b) => Buffer.from(b).toString('hex')

/** Counters of blocks and bytes in each direction. */
function counters() {
  return { uploaded_blocks: 0, uploaded_bytes: 0, downloaded_blocks: 0, downloaded_bytes: 0 }
}

class FeedTraffic {
  constructor() {
    this.total = counters()
    this.peers = new Map()
  }

  peerAdded(peer) {
    const key = hex(peer.remotePublicKey)
    if (!this.peers.has(key)) {
      const stream = peer.stream && peer.stream.rawStream
      const address = stream && stream.remoteHost ? `${stream.remoteHost}:${stream.remotePort}` : null
      this.peers.set(key, { address, ...counters() })
    }
  }

  peerRemoved(peer) {
    this.peers.delete(hex(peer.remotePublicKey))
  }

  uploaded(bytes, peer) {
    this.count('uploaded', bytes, peer)
  }

  downloaded(bytes, peer) {
    this.count('downloaded', bytes, peer)
  }

  count(direction, bytes, peer) {
    for (const c of [this.total, peer && this.peers.get(hex(peer.remotePublicKey))]) {
      if (!c) continue
      c[direction + '_blocks'] += 1
      c[direction + '_bytes'] += bytes
    }
  }

  /** What `/stats` shows: totals, the open peers with their address and counters. */
  summary() {
    const peers = {}
    for (const [key, c] of this.peers) peers[key] = c
    return { ...this.total, peer_count: this.peers.size, peers }
  }
}

module.exports = { FeedTraffic }
