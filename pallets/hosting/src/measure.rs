//! The attestor's measurement arithmetic, as plain functions of what happened
//! to each chunk of one benchmark. Times are milliseconds of the node's
//! off-chain clock (resolution 1 ms), counted from when the request was sent.
//!
//! * latency: the earliest time to response headers (first byte) among the
//!   valid chunks. The chunks of a benchmark are in flight together over one
//!   path, so on a slow link every later response waits behind the bodies
//!   already on the wire: at 5 Mbit/s each 4 KiB segment ahead adds 6.5 ms. The
//!   mean of the first bytes would measure that queueing as latency (it did:
//!   +16 to +68 ms at 5 Mbit/s in `scripts/bench/accuracy.sh`); the first one
//!   to arrive is the path's latency, as `ping` reports the minimum RTT;
//! * bandwidth: body bytes of the valid chunks over their transfer window, from
//!   the first headers to the end of the last body (at least 1 ms);
//! * availability: valid chunks / chunks asked (the chain divides).
//!
//! The contact request that follows the block fetches ([`hypercore_verify::wire`],
//! section 4) names the valid chunks ([`to_vouch_for`]) and only decides
//! whether the rating is Normal or a `ContactProof` failure: its timing is
//! not part of any figure.
//!
//! The JS reference averaged latency over all requests, timeouts included, and
//! never verified what it timed; here only verified chunks count, and a chunk
//! that is served but invalid makes the rating an error (see [`rate`]).

use alloc::vec::Vec;

use crate::types::{BlockInclusion, ContactProof, MeasurementFailure, RatingOutcome};

/// A block a contact request names: its index and leaf hash.
pub type Vouched = (u64, [u8; 32]);

/// What became of one chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChunkFate {
	/// Delivered and verified against the registered roots.
	Valid {
		/// The block's number.
		index: u64,
		/// Time to response headers.
		first_byte_ms: u64,
		/// Time to the end of the body.
		done_ms: u64,
		/// Body bytes.
		bytes: u64,
		/// Its leaf hash, as verified.
		block_hash: [u8; 32],
		/// Its Merkle path, which the chain checks for the block the rating's contact proof names.
		inclusion: BlockInclusion,
	},
	/// Served, but wrong: an HTTP status, an undecodable body, a failed proof.
	Failed(MeasurementFailure),
	/// No answer before the deadline.
	TimedOut,
}

/// One line for the logs (the hash and path are left out).
impl core::fmt::Display for ChunkFate {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		match self {
			ChunkFate::Valid { first_byte_ms, done_ms, bytes, .. } => write!(
				f,
				"valid: first byte {first_byte_ms} ms, body done {done_ms} ms, {bytes} bytes"
			),
			ChunkFate::Failed(kind) => write!(f, "failed: {kind:?}"),
			ChunkFate::TimedOut => write!(f, "timed out"),
		}
	}
}

/// A chunk delivered valid, as the rating's arithmetic needs it.
struct ValidChunk<'a> {
	index: u64,
	first_byte_ms: u64,
	done_ms: u64,
	bytes: u64,
	block_hash: [u8; 32],
	inclusion: &'a BlockInclusion,
}

fn valid_chunks(fates: &[ChunkFate]) -> Vec<ValidChunk<'_>> {
	fates
		.iter()
		.filter_map(|f| match f {
			ChunkFate::Valid { index, first_byte_ms, done_ms, bytes, block_hash, inclusion } => {
				Some(ValidChunk {
					index: *index,
					first_byte_ms: *first_byte_ms,
					done_ms: *done_ms,
					bytes: *bytes,
					block_hash: *block_hash,
					inclusion,
				})
			},
			_ => None,
		})
		.collect()
}

/// The first failure of a kind `kind` accepts among the fates, if any.
fn first_failure(
	fates: &[ChunkFate],
	kind: fn(&MeasurementFailure) -> bool,
) -> Option<MeasurementFailure> {
	fates.iter().find_map(|f| match f {
		ChunkFate::Failed(k) if kind(k) => Some(*k),
		_ => None,
	})
}

/// The first chunk served wrong (integrity, contact proof, encoding, in that
/// order of gravity), if any.
fn served_wrong(fates: &[ChunkFate]) -> Option<MeasurementFailure> {
	[
		first_failure(fates, |k| matches!(k, MeasurementFailure::Integrity)),
		first_failure(fates, |k| matches!(k, MeasurementFailure::ContactProof)),
		first_failure(fates, |k| matches!(k, MeasurementFailure::Encoding)),
	]
	.into_iter()
	.flatten()
	.next()
}

/// The blocks the benchmark's contact request names: every valid chunk, in
/// order, when the rating depends on the contact proof (some chunk valid and
/// none served wrong); else none, and no contact request is made. The first
/// is the one whose proof goes on chain.
pub fn to_vouch_for(fates: &[ChunkFate]) -> Vec<Vouched> {
	if served_wrong(fates).is_some() {
		return Vec::new();
	}
	valid_chunks(fates).iter().map(|v| (v.index, v.block_hash)).collect()
}

/// Turns the fates of one benchmark's chunks, and the hoster's contact
/// signature over the first block of [`to_vouch_for`] (`None`: the contact
/// request failed, or was not needed), into its rating.
///
/// A chunk that was served wrong (integrity, encoding) makes the whole rating
/// that error, in that order of gravity: the hoster served something it must
/// not. Otherwise any valid chunk makes it Normal, with the others counting
/// against availability, if the hoster vouched for it; without its signature
/// the rating is a `ContactProof` failure. With nothing valid: an HTTP status
/// if one came, else Unreachable if a connection failed, else Timeout.
pub fn rate(fates: &[ChunkFate], contact_signature: Option<[u8; 64]>) -> RatingOutcome {
	if let Some(kind) = served_wrong(fates) {
		return RatingOutcome::Error(kind);
	}
	let valid = valid_chunks(fates);
	if let Some(first) = valid.first() {
		let Some(signature) = contact_signature else {
			return RatingOutcome::Error(MeasurementFailure::ContactProof);
		};
		let contact_proof =
			ContactProof { block_index: first.index, block_hash: first.block_hash, signature };
		let inclusion = first.inclusion.clone();
		let first_byte_ms = valid.iter().map(|v| v.first_byte_ms).min().unwrap_or(0);
		let bytes: u64 = valid.iter().map(|v| v.bytes).sum();
		let end = valid.iter().map(|v| v.done_ms).max().unwrap_or(0);
		return RatingOutcome::Normal {
			latency_ms: u32::try_from(first_byte_ms).unwrap_or(u32::MAX),
			bandwidth_bytes_per_sec: bytes_per_sec(bytes, end.saturating_sub(first_byte_ms)),
			bytes,
			chunks_verified: valid.len() as u32,
			contact_proof,
			inclusion,
		};
	}
	first_failure(fates, |k| matches!(k, MeasurementFailure::Http(_)))
		.or_else(|| first_failure(fates, |k| matches!(k, MeasurementFailure::Unreachable)))
		.map_or(RatingOutcome::Timeout, RatingOutcome::Error)
}

/// Bytes per second of `bytes` moved in `millis` (at least 1 ms: the clock's resolution).
pub fn bytes_per_sec(bytes: u64, millis: u64) -> u64 {
	let per_second = (bytes as u128) * 1000 / (millis.max(1) as u128);
	u64::try_from(per_second).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
	use super::*;

	const PROOF: ContactProof =
		ContactProof { block_index: 3, block_hash: [1; 32], signature: [2; 64] };
	/// The hoster's contact signature, as its contact request answered.
	const SIGNED: Option<[u8; 64]> = Some(PROOF.signature);

	fn inclusion() -> BlockInclusion {
		BlockInclusion { size: 7, nodes: Default::default(), roots: Default::default() }
	}

	fn valid(first_byte_ms: u64, done_ms: u64, bytes: u64) -> ChunkFate {
		ChunkFate::Valid {
			index: PROOF.block_index,
			first_byte_ms,
			done_ms,
			bytes,
			block_hash: PROOF.block_hash,
			inclusion: inclusion(),
		}
	}

	#[test]
	fn normal_ratings_take_the_first_first_byte_and_measure_the_transfer_window() {
		// The chunk whose headers came first need not be the first listed.
		let outcome =
			rate(&[valid(30, 220, 50_000), valid(20, 120, 50_000), valid(40, 70, 0)], SIGNED);
		assert_eq!(
			outcome,
			RatingOutcome::Normal {
				latency_ms: 20,
				// 100 000 bytes from 20 ms to 220 ms.
				bandwidth_bytes_per_sec: 500_000,
				bytes: 100_000,
				chunks_verified: 3,
				contact_proof: PROOF,
				inclusion: inclusion(),
			}
		);
	}

	#[test]
	fn queueing_behind_earlier_bodies_does_not_count_as_latency() {
		// Four 64 KiB chunks over a 5 Mbit/s link with 20 ms of delay: the
		// headers of each wait behind the bodies before it (105 ms each).
		let fates: Vec<ChunkFate> =
			(0..4).map(|i| valid(20 + 105 * i, 125 + 105 * i, 65_536)).collect();
		let RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, .. } =
			rate(&fates, SIGNED)
		else {
			panic!("valid chunks make a Normal rating")
		};
		assert_eq!(latency_ms, 20);
		// 262 144 bytes from 20 ms to 440 ms.
		assert_eq!(bandwidth_bytes_per_sec, 262_144 * 1000 / 420);
	}

	#[test]
	fn timed_out_chunks_lower_availability_not_latency() {
		let RatingOutcome::Normal { latency_ms, chunks_verified, .. } =
			rate(&[valid(10, 20, 1000), ChunkFate::TimedOut, ChunkFate::TimedOut], SIGNED)
		else {
			panic!("one valid chunk makes a Normal rating")
		};
		assert_eq!((latency_ms, chunks_verified), (10, 1));
	}

	#[test]
	fn serving_wrong_data_outweighs_valid_chunks() {
		use MeasurementFailure::*;
		let wrong = |k| ChunkFate::Failed(k);
		assert_eq!(
			rate(&[valid(1, 2, 3), wrong(Integrity)], SIGNED),
			RatingOutcome::Error(Integrity)
		);
		assert_eq!(
			rate(&[wrong(Encoding), valid(1, 2, 3)], SIGNED),
			RatingOutcome::Error(Encoding)
		);
		// Nothing to vouch for when the rating is an error anyway.
		assert!(to_vouch_for(&[valid(1, 2, 3), wrong(Encoding)]).is_empty());
		assert_eq!(
			rate(&[wrong(Encoding), wrong(Integrity)], SIGNED),
			RatingOutcome::Error(Integrity)
		);
		assert_eq!(
			rate(&[wrong(Encoding), ChunkFate::TimedOut], SIGNED),
			RatingOutcome::Error(Encoding)
		);
	}

	#[test]
	fn valid_chunks_are_normal_only_with_the_hosters_contact_signature() {
		let fates = [
			ChunkFate::TimedOut,
			ChunkFate::Valid {
				index: 8,
				first_byte_ms: 5,
				done_ms: 9,
				bytes: 10,
				block_hash: [8; 32],
				inclusion: inclusion(),
			},
			valid(4, 7, 10),
		];
		// Every valid chunk is named, in order; the first one's proof goes on chain.
		assert_eq!(to_vouch_for(&fates), vec![(8, [8; 32]), (3, [1; 32])]);
		let RatingOutcome::Normal { contact_proof, .. } = rate(&fates, Some([9; 64])) else {
			panic!("Normal with a signature")
		};
		assert_eq!(
			contact_proof,
			ContactProof { block_index: 8, block_hash: [8; 32], signature: [9; 64] }
		);
		assert_eq!(rate(&fates, None), RatingOutcome::Error(MeasurementFailure::ContactProof));
		// Nothing valid: no contact request, and none needed.
		assert!(to_vouch_for(&[ChunkFate::TimedOut]).is_empty());
		assert_eq!(rate(&[ChunkFate::TimedOut], None), RatingOutcome::Timeout);
	}

	#[test]
	fn without_a_valid_chunk_status_beats_unreachable_beats_timeout() {
		use MeasurementFailure::*;
		assert_eq!(
			rate(&[ChunkFate::Failed(Unreachable), ChunkFate::Failed(Http(503))], SIGNED),
			RatingOutcome::Error(Http(503))
		);
		// Some chunks served fine but a status error on the others still leaves a Normal rating.
		assert!(matches!(
			rate(&[ChunkFate::Failed(Http(404)), valid(5, 6, 7)], SIGNED),
			RatingOutcome::Normal { chunks_verified: 1, .. }
		));
		assert_eq!(
			rate(&[ChunkFate::Failed(Unreachable), ChunkFate::TimedOut], SIGNED),
			RatingOutcome::Error(Unreachable)
		);
		assert_eq!(
			rate(&[ChunkFate::TimedOut, ChunkFate::TimedOut], SIGNED),
			RatingOutcome::Timeout
		);
		assert_eq!(rate(&[], SIGNED), RatingOutcome::Timeout);
	}

	#[test]
	fn fates_read_in_one_line() {
		assert_eq!(
			valid(4, 9, 65_536).to_string(),
			"valid: first byte 4 ms, body done 9 ms, 65536 bytes"
		);
		assert_eq!(
			ChunkFate::Failed(MeasurementFailure::Http(503)).to_string(),
			"failed: Http(503)"
		);
		assert_eq!(ChunkFate::TimedOut.to_string(), "timed out");
	}

	#[test]
	fn bandwidth_is_per_second_with_a_one_millisecond_floor() {
		assert_eq!(bytes_per_sec(65_536, 1000), 65_536);
		assert_eq!(bytes_per_sec(65_536, 0), 65_536_000);
		assert_eq!(bytes_per_sec(0, 10), 0);
		assert_eq!(bytes_per_sec(u64::MAX, 1), u64::MAX);
	}
}
