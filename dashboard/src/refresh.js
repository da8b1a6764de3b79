// What a new block asks the page to read again. Reading every hoster's
// figures at every block costs two calls per hoster; a block's hosting events
// say which hosters changed, and a full read every few blocks catches what
// moves without an event (figures forget with time, by block).

/** Blocks between two full reads of every hoster. */
export const FULL_EVERY = 10

/** Events after which the set of hosters or attestors itself may have changed. */
const MEMBERSHIP = new Set([
  'HosterRegistered',
  'HosterUnregistered',
  'AttestorRegistered',
  'AttestorUnregistered',
  'AttestorBondReleased',
])

/**
 * `events`: the hosting events of the blocks just added (`{ method, data }`);
 * `blocksSinceFull`: blocks since the last full read. Returns `{ full, hosters }`:
 * read everything again, or only the hosters named (by SS58). Attestors are
 * few (the chain bounds their set): they are read again whenever any hosting
 * event came (`attestors`).
 */
export function whatToRefresh(events, blocksSinceFull, fullEvery = FULL_EVERY) {
  const full = blocksSinceFull >= fullEvery || events.some((e) => MEMBERSHIP.has(e.method))
  const hosters = new Set()
  for (const { data } of events) if (typeof data?.hoster === 'string') hosters.add(data.hoster)
  return { full, hosters, attestors: full || events.length > 0 }
}
