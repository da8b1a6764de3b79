//! Storing what the Hypercore peer passes on: a signed state, then its blocks
//! from the stored length on, then `end`. Nothing becomes visible (the
//! feed's `header.json`) unless the state's signature verifies against the
//! feed key and the stored blocks with the new ones rebuild exactly the state's
//! signed roots; otherwise the stored feed stays as it was (a new copy is
//! removed). A copier that follows (`serve --swarm`) only grows feeds that are
//! stored, and only up to its follow limit.

use hypercore_verify::MAX_BLOCK_SIZE;

use crate::store::{Feed, FeedState, JsonState, Store, StoreError};

/// Why what the peer passed on was refused.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
	/// The state is not a valid signed state of a feed.
	#[error("the signed state does not verify")]
	BadState(#[source] StoreError),
	/// It is the state of another feed.
	#[error("a state of feed {} came for feed {}", hex::encode(.got), hex::encode(.expected))]
	OtherFeed {
		/// The feed being copied.
		expected: [u8; 32],
		/// The feed whose state came.
		got: [u8; 32],
	},
	/// The feed is written here: only this hoster signs its states.
	#[error("feed {} is written here; states from the swarm are not taken", hex::encode(.0))]
	Writable([u8; 32]),
	/// The state is of another fork than the stored one (a truncated feed).
	#[error("the state is of fork {got}, the stored feed of fork {stored}")]
	OtherFork {
		/// Stored fork.
		stored: u64,
		/// The state's fork.
		got: u64,
	},
	/// The feed is not stored here (it was removed): a following copier
	/// does not bring it back.
	#[error("feed {} is not stored here; it is not followed", hex::encode(.0))]
	NotStored([u8; 32]),
	/// The state is larger than a followed feed may grow.
	#[error("the state holds {bytes} bytes, past the follow limit of {limit} bytes (serve --follow-limit)")]
	TooLarge {
		/// Bytes in the state (the sum of its roots' sizes).
		bytes: u64,
		/// The limit.
		limit: u64,
	},
	/// A block came without a state before it.
	#[error("block {0} came before any signed state")]
	NoState(u64),
	/// A block came out of order.
	#[error("block {got} came where block {expected} was due")]
	OutOfOrder {
		/// The block due.
		expected: u64,
		/// The block that came.
		got: u64,
	},
	/// A block is larger than any block may be.
	#[error("block {0} is larger than the largest block size")]
	BadBlock(u64),
	/// `end` came before every block of the state.
	#[error("the state has {length} blocks; {got} came")]
	Incomplete {
		/// The state's length.
		length: u64,
		/// Blocks stored.
		got: u64,
	},
	/// The blocks do not rebuild the signed roots (a block is not the feed's).
	#[error("the blocks do not match the signed state")]
	Mismatch(#[source] StoreError),
	/// The store failed.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// A state being copied: the feed open for writing and the next block due.
struct Pending {
	feed: Feed,
	state: FeedState,
	next: u64,
	/// The stored length before (0 and `new` for a copy made now).
	stored: u64,
	new: bool,
}

/// Applies one feed's states and blocks to the store, verified.
pub struct Copier {
	store: Store,
	key: [u8; 32],
	pending: Option<Pending>,
	/// The last state was no longer than the stored one: its blocks are skipped.
	skipping: bool,
	/// Following: the largest feed, in bytes, it grows a stored feed to (and
	/// it never creates one). `None`: an import, which creates the copy.
	follow_limit: Option<u64>,
}

/// What a message did.
#[derive(Debug, PartialEq, Eq)]
pub enum Copied {
	/// Nothing new yet.
	Nothing,
	/// The feed now has the state of this length, stored.
	Stored(u64),
}

impl Copier {
	/// A copier of feed `key` into `store` (an import: a feed not stored yet
	/// is created).
	pub fn new(store: Store, key: [u8; 32]) -> Self {
		Copier { store, key, pending: None, skipping: false, follow_limit: None }
	}

	/// A copier that follows the growth of the stored feed `key` up to
	/// `limit` bytes: a state of a feed no longer stored, or of more bytes
	/// than `limit`, is refused and the stored feed stays as it is.
	pub fn following(store: Store, key: [u8; 32], limit: u64) -> Self {
		Copier { store, key, pending: None, skipping: false, follow_limit: Some(limit) }
	}

	/// A signed state: the blocks from the stored length to its length follow.
	/// A state no longer than the stored one is ignored.
	pub fn state(&mut self, json: &JsonState) -> Result<Copied, CopyError> {
		self.abandon()?;
		self.skipping = false;
		let state = FeedState::from_json(json).map_err(CopyError::BadState)?;
		if state.key != self.key {
			return Err(CopyError::OtherFeed { expected: self.key, got: state.key });
		}
		let (feed, new) = match self.store.feed(&self.key)? {
			Some(feed) => {
				if feed.writable() {
					return Err(CopyError::Writable(self.key));
				}
				if feed.state().fork != state.fork {
					return Err(CopyError::OtherFork {
						stored: feed.state().fork,
						got: state.fork,
					});
				}
				if state.length <= feed.state().length {
					self.skipping = true;
					return Ok(Copied::Nothing);
				}
				(feed, false)
			},
			None if self.follow_limit.is_some() => return Err(CopyError::NotStored(self.key)),
			None => (self.store.create_copy(&state)?, true),
		};
		if let Some(limit) = self.follow_limit {
			let bytes = state.roots.iter().fold(0u64, |sum, root| sum.saturating_add(root.size));
			if bytes > limit {
				return Err(CopyError::TooLarge { bytes, limit });
			}
		}
		let stored = feed.state().length;
		self.pending = Some(Pending { feed, state, next: stored, stored, new });
		Ok(Copied::Nothing)
	}

	/// The next block of the pending state, in order; `size` is the size the
	/// peer announced (larger than `value` when the block was too large to read).
	pub fn block(&mut self, index: u64, value: &[u8], size: u32) -> Result<Copied, CopyError> {
		if size as usize != value.len() {
			self.abandon()?;
			return Err(CopyError::BadBlock(index));
		}
		if self.skipping {
			return Ok(Copied::Nothing);
		}
		let result = self.write_block(index, value);
		if result.is_err() {
			self.abandon()?;
		}
		result
	}

	fn write_block(&mut self, index: u64, value: &[u8]) -> Result<Copied, CopyError> {
		let pending = self.pending.as_mut().ok_or(CopyError::NoState(index))?;
		if index < pending.stored {
			// A block stored already (the peer counted from an older length).
			return Ok(Copied::Nothing);
		}
		if index != pending.next || index >= pending.state.length {
			return Err(CopyError::OutOfOrder { expected: pending.next, got: index });
		}
		if value.len() > MAX_BLOCK_SIZE as usize {
			return Err(CopyError::BadBlock(index));
		}
		pending.feed.append_verified(value)?;
		pending.next += 1;
		Ok(Copied::Nothing)
	}

	/// Every block of the pending state came: store it if they rebuild its signed roots.
	pub fn end(&mut self) -> Result<Copied, CopyError> {
		self.skipping = false;
		let Some(mut pending) = self.pending.take() else { return Ok(Copied::Nothing) };
		let outcome = if pending.next != pending.state.length {
			Err(CopyError::Incomplete { length: pending.state.length, got: pending.next })
		} else {
			pending.feed.finish_copy(&pending.state).map_err(CopyError::Mismatch)
		};
		match outcome {
			Ok(()) => Ok(Copied::Stored(pending.state.length)),
			Err(e) => {
				self.pending = Some(pending);
				self.abandon()?;
				Err(e)
			},
		}
	}

	/// Drops a pending state: the stored header never changed, so the feed is
	/// as it was; a copy begun for it is removed.
	fn abandon_pending(&mut self) {
		if let Err(e) = self.abandon() {
			tracing::warn!("removing an unfinished copy of {}: {e}", hex::encode(self.key));
		}
	}

	/// Drops a pending state: the stored header never changed, so the feed is
	/// as it was; a copy begun for it is removed.
	fn abandon(&mut self) -> Result<(), StoreError> {
		if let Some(pending) = self.pending.take() {
			if pending.new {
				drop(pending.feed);
				self.store.remove(&self.key)?;
			}
		}
		Ok(())
	}
}

impl Drop for Copier {
	/// A copy never finished (the peer stopped, an error) leaves nothing behind.
	fn drop(&mut self) {
		self.abandon_pending();
	}
}

#[cfg(test)]
mod tests {
	use hypercore_verify::KeyMode;

	use super::*;

	/// A writable feed of `n` blocks in a store of its own: its states and blocks.
	fn source(n: usize, dir: &std::path::Path) -> (Store, [u8; 32], Vec<Vec<u8>>) {
		let store = Store::open(dir).unwrap();
		let mut feed = store.create(KeyMode::Manifest).unwrap();
		let blocks: Vec<Vec<u8>> = (0..n).map(|i| vec![i as u8; 100 + i]).collect();
		feed.append(blocks.clone(), |_| {}).unwrap();
		(store, feed.state().key, blocks)
	}

	fn put(copier: &mut Copier, index: u64, value: &[u8]) -> Result<Copied, CopyError> {
		copier.block(index, value, value.len() as u32)
	}

	fn state_at(store: &Store, key: &[u8; 32]) -> JsonState {
		store.feed(key).unwrap().unwrap().state().to_json()
	}

	#[test]
	fn a_state_and_its_blocks_are_stored_and_a_longer_one_extends_them() {
		let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let (src, key, blocks) = source(5, src_dir.path());
		let first = state_at(&src, &key);
		let dst = Store::open(dst_dir.path()).unwrap();
		let mut copier = Copier::new(dst.clone(), key);
		copier.state(&first).unwrap();
		for (i, b) in blocks.iter().enumerate() {
			put(&mut copier, i as u64, b).unwrap();
		}
		assert_eq!(copier.end().unwrap(), Copied::Stored(5));
		assert_eq!(dst.feed(&key).unwrap().unwrap().state().to_json(), first);

		// The writer appends: only the new blocks come.
		let mut writer = src.feed(&key).unwrap().unwrap();
		writer.append(vec![vec![9u8; 7], vec![8u8; 3]], |_| {}).unwrap();
		let second = state_at(&src, &key);
		copier.state(&second).unwrap();
		put(&mut copier, 5, &[9u8; 7]).unwrap();
		put(&mut copier, 6, &[8u8; 3]).unwrap();
		assert_eq!(copier.end().unwrap(), Copied::Stored(7));
		let stored = dst.feed(&key).unwrap().unwrap();
		assert_eq!(stored.state().to_json(), second);
		assert_eq!(stored.block(6).unwrap(), vec![8u8; 3]);
		assert!(!stored.writable());
		// The same state again, with its blocks, changes nothing.
		assert_eq!(copier.state(&second).unwrap(), Copied::Nothing);
		assert_eq!(put(&mut copier, 0, &blocks[0]).unwrap(), Copied::Nothing);
		assert_eq!(copier.end().unwrap(), Copied::Nothing);
		// A longer state sent from block 0 on: the stored blocks are skipped.
		let mut writer = src.feed(&key).unwrap().unwrap();
		writer.append(vec![vec![7u8; 5]], |_| {}).unwrap();
		copier.state(&state_at(&src, &key)).unwrap();
		for (i, b) in blocks.iter().enumerate() {
			put(&mut copier, i as u64, b).unwrap();
		}
		put(&mut copier, 5, &[9u8; 7]).unwrap();
		put(&mut copier, 6, &[8u8; 3]).unwrap();
		put(&mut copier, 7, &[7u8; 5]).unwrap();
		assert_eq!(copier.end().unwrap(), Copied::Stored(8));
	}

	#[test]
	fn a_forged_block_leaves_nothing_and_a_later_one_leaves_the_stored_state() {
		let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let (src, key, blocks) = source(4, src_dir.path());
		let dst = Store::open(dst_dir.path()).unwrap();
		let mut copier = Copier::new(dst.clone(), key);
		copier.state(&state_at(&src, &key)).unwrap();
		for (i, b) in blocks.iter().enumerate() {
			let value: &[u8] = if i == 2 { b"forged" } else { b };
			put(&mut copier, i as u64, value).unwrap();
		}
		assert!(matches!(copier.end(), Err(CopyError::Mismatch(_))));
		assert!(dst.feed(&key).unwrap().is_none(), "a refused new copy is removed");

		// Stored at 4; a longer state with a forged block keeps the stored 4.
		copier.state(&state_at(&src, &key)).unwrap();
		for (i, b) in blocks.iter().enumerate() {
			put(&mut copier, i as u64, b).unwrap();
		}
		copier.end().unwrap();
		let mut writer = src.feed(&key).unwrap().unwrap();
		writer.append(vec![vec![1u8; 10]], |_| {}).unwrap();
		copier.state(&state_at(&src, &key)).unwrap();
		put(&mut copier, 4, &[2u8; 10]).unwrap();
		assert!(matches!(copier.end(), Err(CopyError::Mismatch(_))));
		let stored = dst.feed(&key).unwrap().unwrap();
		assert_eq!(stored.state().length, 4);
		// And the right block after the refusal is taken.
		copier.state(&state_at(&src, &key)).unwrap();
		put(&mut copier, 4, &[1u8; 10]).unwrap();
		assert_eq!(copier.end().unwrap(), Copied::Stored(5));
	}

	#[test]
	fn a_followed_feed_grows_up_to_its_limit_and_a_removed_one_is_not_brought_back() {
		let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let (src, key, blocks) = source(3, src_dir.path());
		let dst = Store::open(dst_dir.path()).unwrap();
		let mut import = Copier::new(dst.clone(), key);
		import.state(&state_at(&src, &key)).unwrap();
		for (i, block) in blocks.iter().enumerate() {
			put(&mut import, i as u64, block).unwrap();
		}
		assert_eq!(import.end().unwrap(), Copied::Stored(3));
		let stored = state_at(&dst, &key);
		// The writer appends 2 blocks of 100 bytes: 303 + 200 bytes in all.
		src.feed(&key)
			.unwrap()
			.unwrap()
			.append(vec![vec![7u8; 100]; 2], |_| {})
			.unwrap();
		let grown = state_at(&src, &key);

		let mut tight = Copier::following(dst.clone(), key, 502);
		assert!(matches!(tight.state(&grown), Err(CopyError::TooLarge { bytes: 503, limit: 502 })));
		assert_eq!(state_at(&dst, &key), stored, "the stored feed is as it was");

		let mut roomy = Copier::following(dst.clone(), key, 503);
		roomy.state(&grown).unwrap();
		for index in 3..5 {
			put(&mut roomy, index, &[7u8; 100]).unwrap();
		}
		assert_eq!(roomy.end().unwrap(), Copied::Stored(5));

		dst.remove(&key).unwrap();
		let mut follower = Copier::following(dst.clone(), key, u64::MAX);
		assert!(matches!(follower.state(&grown), Err(CopyError::NotStored(k)) if k == key));
		assert!(dst.feed(&key).unwrap().is_none(), "a removed feed stays removed");
	}

	#[test]
	fn bad_states_and_disordered_blocks_are_refused() {
		let (src_dir, dst_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let (src, key, blocks) = source(3, src_dir.path());
		let other_dir = tempfile::tempdir().unwrap();
		let (other_src, other_key, _) = source(2, other_dir.path());
		let dst = Store::open(dst_dir.path()).unwrap();
		let mut copier = Copier::new(dst.clone(), key);

		let mut forged = state_at(&src, &key);
		forged.length += 1;
		assert!(matches!(copier.state(&forged), Err(CopyError::BadState(_))));
		assert!(matches!(
			copier.state(&state_at(&other_src, &other_key)),
			Err(CopyError::OtherFeed { .. })
		));
		assert!(matches!(put(&mut copier, 0, &[0]), Err(CopyError::NoState(0))));

		copier.state(&state_at(&src, &key)).unwrap();
		assert!(matches!(
			put(&mut copier, 1, &blocks[1]),
			Err(CopyError::OutOfOrder { expected: 0, got: 1 })
		));
		assert!(dst.feed(&key).unwrap().is_none());
		copier.state(&state_at(&src, &key)).unwrap();
		let huge = vec![0u8; MAX_BLOCK_SIZE as usize + 1];
		assert!(matches!(put(&mut copier, 0, &huge), Err(CopyError::BadBlock(0))));
		copier.state(&state_at(&src, &key)).unwrap();
		put(&mut copier, 0, &blocks[0]).unwrap();
		assert!(matches!(copier.end(), Err(CopyError::Incomplete { length: 3, got: 1 })));
		assert!(dst.feed(&key).unwrap().is_none());

		// A block announced larger than it came (too large to read) is refused.
		copier.state(&state_at(&src, &key)).unwrap();
		assert!(matches!(copier.block(0, &[], MAX_BLOCK_SIZE + 1), Err(CopyError::BadBlock(0))));
		assert!(dst.feed(&key).unwrap().is_none());

		// A copy under way is not listed; dropped unfinished, it leaves nothing.
		copier.state(&state_at(&src, &key)).unwrap();
		put(&mut copier, 0, &blocks[0]).unwrap();
		assert!(dst.keys().unwrap().is_empty());
		drop(copier);
		assert!(!dst_dir.path().join("feeds").join(hex::encode(key)).exists());

		// A feed written here takes no state from the swarm.
		let mut own = Copier::new(src.clone(), key);
		assert!(matches!(own.state(&state_at(&src, &key)), Err(CopyError::Writable(_))));
	}
}
