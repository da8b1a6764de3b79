//! Which requests the batches of ratings of the current block have written.
//!
//! The three ratings of a committee usually land in the same block, each in
//! its attestor's batch: the first two write the request's record (their
//! votes), the third removes it as the request closes. The block reaches the
//! database once per key, when it ends: the record is written there once (or
//! removed once), however often the block changed it, and the block's later
//! reads of it come from the block's own changes, not from the database. So a
//! batch is charged the database write (and its authorization the read) of
//! a request only when no earlier batch of the block wrote it, and refunded
//! otherwise.
//!
//! [`WrittenRequests`] is a bitmap over the [`WINDOW`] request ids below
//! the next id when the block's first batch was recorded; the pallet keeps it
//! in `RequestsWrittenInBlock` and removes it in `on_finalize`, so it never
//! reaches the database itself. A request outside the window is simply not
//! noted, and its writes are charged in full: the bitmap can only lower a
//! charge for a write the block really merges.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::types::RequestId;

/// How many request ids the bitmap covers: the open requests of a block are
/// the newest ones (each lives a response window), so a window of 8,192 ids
/// holds every request that can be rated with up to 256 requests a block and
/// a response window of 30 blocks.
pub const WINDOW: u64 = 8_192;

/// Bytes of the bitmap.
const BYTES: usize = (WINDOW / 8) as usize;

/// Request ids written in this block by batches of ratings, within a window.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct WrittenRequests {
	/// The lowest id the bitmap covers.
	pub first: RequestId,
	/// Bit `i % 8` of byte `i / 8` stands for request `first + i`.
	pub bits: [u8; BYTES],
}

impl WrittenRequests {
	/// None written yet, over the [`WINDOW`] ids below `next` (the id the next
	/// request will get).
	pub fn below(next: RequestId) -> Self {
		WrittenRequests { first: next.saturating_sub(WINDOW), bits: [0; BYTES] }
	}

	/// The byte and bit of `id`, if the window covers it.
	fn position(&self, id: RequestId) -> Option<(usize, u8)> {
		let offset = id.checked_sub(self.first).filter(|o| *o < WINDOW)?;
		Some(((offset / 8) as usize, 1u8 << (offset % 8)))
	}

	/// Whether `id` was noted as written.
	pub fn contains(&self, id: RequestId) -> bool {
		self.position(id).is_some_and(|(byte, bit)| self.bits[byte] & bit != 0)
	}

	/// Notes `id` as written; `false` (nothing noted) when the window does
	/// not cover it.
	pub fn insert(&mut self, id: RequestId) -> bool {
		match self.position(id) {
			Some((byte, bit)) => {
				self.bits[byte] |= bit;
				true
			},
			None => false,
		}
	}

	/// How many ids are noted.
	pub fn len(&self) -> u32 {
		self.bits.iter().map(|b| b.count_ones()).sum()
	}

	/// Whether no id is noted.
	pub fn is_empty(&self) -> bool {
		self.bits.iter().all(|b| *b == 0)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn notes_the_ids_of_its_window_and_nothing_else() {
		let mut written = WrittenRequests::below(10_000);
		assert_eq!(written.first, 10_000 - WINDOW);
		assert!(written.is_empty());
		for id in [10_000 - WINDOW, 9_000, 9_001, 9_999] {
			assert!(!written.contains(id));
			assert!(written.insert(id), "{id} is in the window");
			assert!(written.contains(id));
		}
		// Neighbours stay unnoted, and noting twice counts once.
		assert!(!written.contains(8_999) && !written.contains(9_002));
		assert!(written.insert(9_000));
		assert_eq!(written.len(), 4);
		// Ids below or from the window's end are not noted.
		for id in [0, 10_000 - WINDOW - 1, 10_000, u64::MAX] {
			assert!(!written.insert(id), "{id} is outside");
			assert!(!written.contains(id));
		}
		assert_eq!(written.len(), 4);
	}

	#[test]
	fn a_young_chain_starts_its_window_at_zero() {
		let mut written = WrittenRequests::below(3);
		assert_eq!(written.first, 0);
		assert!(written.insert(0) && written.insert(2));
		// Ids not given yet are covered too: the window is WINDOW wide from 0.
		assert!(written.insert(WINDOW - 1));
		assert!(!written.insert(WINDOW));
		assert_eq!(written.len(), 3);
	}

	#[test]
	fn it_fits_in_a_small_value() {
		assert_eq!(WrittenRequests::max_encoded_len(), 8 + 1024);
		let written = WrittenRequests::below(5);
		assert_eq!(WrittenRequests::decode(&mut &written.encode()[..]).unwrap(), written);
	}
}
