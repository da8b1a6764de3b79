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
//! The JS reference averaged latency over all requests, timeouts included, and
//! never verified what it timed; here only verified chunks count, and a chunk
//! that is served but invalid makes the rating an error (see [`rate`]).

use alloc::vec::Vec;

use crate::types::{BlockInclusion, ContactProof, MeasurementFailure, RatingOutcome};

/// What became of one chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChunkFate {
	/// Delivered, verified against the registered roots, contact proof valid.
	Valid {
		/// Time to response headers.
		first_byte_ms: u64,
		/// Time to the end of the body.
		done_ms: u64,
		/// Body bytes.
		bytes: u64,
		/// The hoster's contact proof for it.
		contact_proof: ContactProof,
		/// Its Merkle path, which the chain checks for the block the rating's contact proof names.
		inclusion: BlockInclusion,
	},
	/// Served, but wrong: an HTTP status, an undecodable body, a failed proof or contact proof.
	Failed(MeasurementFailure),
	/// No answer before the deadline.
	TimedOut,
}

/// One line for the logs (the contact proof is left out: 96 bytes of numbers).
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
	first_byte_ms: u64,
	done_ms: u64,
	bytes: u64,
	contact_proof: &'a ContactProof,
	inclusion: &'a BlockInclusion,
}

/// Turns the fates of one benchmark's chunks into its rating.
///
/// A chunk that was served wrong (integrity, contact proof, encoding) makes the
/// whole rating that error, in that order of gravity: the hoster served
/// something it must not. Otherwise any valid chunk makes it Normal, with the
/// others counting against availability. With nothing valid: an HTTP status if
/// one came, else Unreachable if a connection failed, else Timeout.
pub fn rate(fates: &[ChunkFate]) -> RatingOutcome {
	let failed = |kind: fn(&MeasurementFailure) -> bool| {
		fates.iter().find_map(|f| match f {
			ChunkFate::Failed(k) if kind(k) => Some(*k),
			_ => None,
		})
	};
	let served_wrong = [
		failed(|k| matches!(k, MeasurementFailure::Integrity)),
		failed(|k| matches!(k, MeasurementFailure::ContactProof)),
		failed(|k| matches!(k, MeasurementFailure::Encoding)),
	];
	if let Some(kind) = served_wrong.into_iter().flatten().next() {
		return RatingOutcome::Error(kind);
	}
	let valid: Vec<ValidChunk> = fates
		.iter()
		.filter_map(|f| match f {
			ChunkFate::Valid { first_byte_ms, done_ms, bytes, contact_proof, inclusion } => {
				Some(ValidChunk {
					first_byte_ms: *first_byte_ms,
					done_ms: *done_ms,
					bytes: *bytes,
					contact_proof,
					inclusion,
				})
			},
			_ => None,
		})
		.collect();
	if let Some(first) = valid.first() {
		let contact_proof = *first.contact_proof;
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
	failed(|k| matches!(k, MeasurementFailure::Http(_)))
		.or_else(|| failed(|k| matches!(k, MeasurementFailure::Unreachable)))
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

	fn inclusion() -> BlockInclusion {
		BlockInclusion { size: 7, nodes: Default::default(), roots: Default::default() }
	}

	fn valid(first_byte_ms: u64, done_ms: u64, bytes: u64) -> ChunkFate {
		ChunkFate::Valid {
			first_byte_ms,
			done_ms,
			bytes,
			contact_proof: PROOF,
			inclusion: inclusion(),
		}
	}

	#[test]
	fn normal_ratings_take_the_first_first_byte_and_measure_the_transfer_window() {
		// The chunk whose headers came first need not be the first listed.
		let outcome = rate(&[valid(30, 220, 50_000), valid(20, 120, 50_000), valid(40, 70, 0)]);
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
		let RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, .. } = rate(&fates) else {
			panic!("valid chunks make a Normal rating")
		};
		assert_eq!(latency_ms, 20);
		// 262 144 bytes from 20 ms to 440 ms.
		assert_eq!(bandwidth_bytes_per_sec, 262_144 * 1000 / 420);
	}

	#[test]
	fn timed_out_chunks_lower_availability_not_latency() {
		let RatingOutcome::Normal { latency_ms, chunks_verified, .. } =
			rate(&[valid(10, 20, 1000), ChunkFate::TimedOut, ChunkFate::TimedOut])
		else {
			panic!("one valid chunk makes a Normal rating")
		};
		assert_eq!((latency_ms, chunks_verified), (10, 1));
	}

	#[test]
	fn serving_wrong_data_outweighs_valid_chunks() {
		use MeasurementFailure::*;
		let wrong = |k| ChunkFate::Failed(k);
		assert_eq!(rate(&[valid(1, 2, 3), wrong(Integrity)]), RatingOutcome::Error(Integrity));
		assert_eq!(
			rate(&[wrong(Encoding), wrong(ContactProof), valid(1, 2, 3)]),
			RatingOutcome::Error(ContactProof)
		);
		assert_eq!(rate(&[wrong(Encoding), wrong(Integrity)]), RatingOutcome::Error(Integrity));
		assert_eq!(rate(&[wrong(Encoding), ChunkFate::TimedOut]), RatingOutcome::Error(Encoding));
	}

	#[test]
	fn without_a_valid_chunk_status_beats_unreachable_beats_timeout() {
		use MeasurementFailure::*;
		assert_eq!(
			rate(&[ChunkFate::Failed(Unreachable), ChunkFate::Failed(Http(503))]),
			RatingOutcome::Error(Http(503))
		);
		// Some chunks served fine but a status error on the others still leaves a Normal rating.
		assert!(matches!(
			rate(&[ChunkFate::Failed(Http(404)), valid(5, 6, 7)]),
			RatingOutcome::Normal { chunks_verified: 1, .. }
		));
		assert_eq!(
			rate(&[ChunkFate::Failed(Unreachable), ChunkFate::TimedOut]),
			RatingOutcome::Error(Unreachable)
		);
		assert_eq!(rate(&[ChunkFate::TimedOut, ChunkFate::TimedOut]), RatingOutcome::Timeout);
		assert_eq!(rate(&[]), RatingOutcome::Timeout);
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
