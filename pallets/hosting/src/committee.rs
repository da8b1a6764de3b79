//! A committee's verdict: how the ratings of a request's attestors become one
//! outcome, and which of them disagree with it. Pure functions: nothing here
//! reads storage; [`crate::requests`] closes a request with them.
//!
//! ## The rules
//! * **Quorum.** A request with fewer than `quorum` ratings has no verdict
//!   (it is void: the hoster is not blamed, the silent attestors are).
//! * **Availability by majority.** When more than half of the ratings received
//!   are Normal (verified chunks with the hoster's contact proof), the hoster
//!   served: its share of chunks, latency and bandwidth are the medians of the
//!   Normal ratings. When more than half are Timeout or an error, it did not;
//!   the verdict names an error kind only when more than half report that same
//!   kind, otherwise it is Timeout. A tie has no verdict (void, as above).
//! * **Medians that a liar cannot pull.** With an odd number of Normal ratings
//!   the median is the middle one, whatever the others claim. With an even
//!   number the pessimistic middle is taken (the higher latency, the lower
//!   bandwidth and share), so a fabricated better figure never helps.
//! * **Disagreement.** A rating disagrees with a Served verdict when it is
//!   Timeout or an error, or when its latency or bandwidth is outside the
//!   tolerance band around the median ([`latency_agrees`],
//!   [`bandwidth_agrees`]); it disagrees with a failure verdict when it is
//!   Normal.
//!
//! ## The tolerance band
//! The band is narrow on the side of figures *better* than the median and
//! wide on the side of worse ones. Better figures are what a hoster's friend
//! fabricates; worse ones are what distance and congestion produce (the
//! committee's attestors measure from distinct regions, so an honest far
//! attestor's latency can be many times the median), and one worse figure
//! cannot move the median anyway. Bandwidth bands are wider than latency
//! ones: over a benchmark's few chunks, timed with the off-chain clock's 1 ms
//! resolution, honest bandwidth figures of one hoster differ several-fold.
//!
//! | figure | agrees with median `m` when |
//! |---|---|
//! | latency | `m / 4 − 20 ms ≤ x ≤ 8 m + 100 ms` |
//! | bandwidth | `m / 32 − 64 KiB/s ≤ x ≤ 16 m + 64 KiB/s` |

use alloc::vec::Vec;
use sp_runtime::Perbill;

use crate::{
	figures::{Sample, Speed},
	types::{Measurement, Promise, RatingOutcome, Verdict},
};

/// Latency slack of the band, in milliseconds (loopback and LAN latencies are a
/// few milliseconds, where a factor alone would be too tight).
pub const LATENCY_SLACK_MS: u64 = 20;
/// Bandwidth slack of the band, in bytes per second.
pub const BANDWIDTH_SLACK_BYTES_PER_SEC: u64 = 64 * 1024;

/// What a rating's outcome says, as stored with its request: figures without
/// the proofs that were checked when it was accepted.
pub fn measurement_of(outcome: &RatingOutcome, chunks_asked: u32) -> Measurement {
	match outcome {
		RatingOutcome::Normal { latency_ms, bandwidth_bytes_per_sec, chunks_verified, .. } => {
			Measurement::Served {
				latency_ms: *latency_ms,
				bandwidth_bytes_per_sec: *bandwidth_bytes_per_sec,
				chunks_verified: (*chunks_verified).min(chunks_asked),
				chunks_asked,
			}
		},
		RatingOutcome::Timeout => Measurement::Timeout,
		RatingOutcome::Error(kind) => Measurement::Failed(*kind),
	}
}

/// Whether one measurement, alone, meets the hoster's `promise`.
pub fn meets_promise(measurement: &Measurement, promise: &Promise) -> bool {
	match *measurement {
		Measurement::Served { latency_ms, bandwidth_bytes_per_sec, .. } => {
			figures_meet(share(measurement), latency_ms, bandwidth_bytes_per_sec, promise)
		},
		Measurement::Timeout | Measurement::Failed(_) => false,
	}
}

/// Whether a share of chunks, a latency and a bandwidth meet `promise`.
fn figures_meet(share: Perbill, latency_ms: u32, bandwidth: u64, promise: &Promise) -> bool {
	share >= promise.availability
		&& latency_ms <= promise.latency_ms
		&& bandwidth >= promise.bandwidth_bytes_per_sec
}

/// Share of the asked chunks a measurement verified (zero for a failure).
pub fn share(measurement: &Measurement) -> Perbill {
	match *measurement {
		Measurement::Served { chunks_verified, chunks_asked, .. } => {
			Perbill::from_rational(chunks_verified.min(chunks_asked), chunks_asked.max(1))
		},
		Measurement::Timeout | Measurement::Failed(_) => Perbill::zero(),
	}
}

/// The committee's verdict over the `votes` received, or `None` when there is
/// none (fewer than `quorum` votes, or no majority).
pub fn verdict_of(votes: &[Measurement], quorum: u32) -> Option<Verdict> {
	let received = votes.len();
	if received == 0 || (received as u32) < quorum {
		return None;
	}
	let served: Vec<&Measurement> =
		votes.iter().filter(|m| matches!(m, Measurement::Served { .. })).collect();
	let failed = received - served.len();
	if served.len() * 2 > received {
		let mut shares: Vec<Perbill> = served.iter().map(|m| share(m)).collect();
		let mut latencies: Vec<u32> = Vec::with_capacity(served.len());
		let mut bandwidths: Vec<u64> = Vec::with_capacity(served.len());
		for m in &served {
			if let Measurement::Served { latency_ms, bandwidth_bytes_per_sec, .. } = m {
				latencies.push(*latency_ms);
				bandwidths.push(*bandwidth_bytes_per_sec);
			}
		}
		shares.sort_unstable();
		latencies.sort_unstable();
		bandwidths.sort_unstable();
		// Pessimistic middles: the lower share and bandwidth, the higher latency.
		let low = (served.len() - 1) / 2;
		let high = served.len() / 2;
		return Some(Verdict::Served {
			availability: shares[low],
			latency_ms: latencies[high],
			bandwidth_bytes_per_sec: bandwidths[low],
		});
	}
	if failed * 2 > received {
		let mut kinds: Vec<(Measurement, usize)> = Vec::new();
		for m in votes.iter().filter(|m| !matches!(m, Measurement::Served { .. })) {
			match kinds.iter_mut().find(|(k, _)| k == m) {
				Some((_, n)) => *n += 1,
				None => kinds.push((*m, 1)),
			}
		}
		let majority = kinds.iter().find(|(_, n)| n * 2 > received).map(|(k, _)| *k);
		return Some(match majority {
			Some(Measurement::Failed(kind)) => Verdict::Failed(kind),
			_ => Verdict::Timeout,
		});
	}
	None
}

/// Whether a latency agrees with the committee's median (see the module docs).
pub fn latency_agrees(latency_ms: u64, median_ms: u64) -> bool {
	let low = (median_ms / 4).saturating_sub(LATENCY_SLACK_MS);
	let high = median_ms.saturating_mul(8).saturating_add(5 * LATENCY_SLACK_MS);
	(low..=high).contains(&latency_ms)
}

/// Whether a bandwidth agrees with the committee's median (see the module docs).
pub fn bandwidth_agrees(bytes_per_sec: u64, median: u64) -> bool {
	let low = (median / 32).saturating_sub(BANDWIDTH_SLACK_BYTES_PER_SEC);
	let high = median.saturating_mul(16).saturating_add(BANDWIDTH_SLACK_BYTES_PER_SEC);
	(low..=high).contains(&bytes_per_sec)
}

/// Whether a vote agrees with its committee's verdict (see the module docs).
pub fn agrees(vote: &Measurement, verdict: &Verdict) -> bool {
	match (vote, verdict) {
		(
			Measurement::Served { latency_ms, bandwidth_bytes_per_sec, .. },
			Verdict::Served {
				latency_ms: median_latency, bandwidth_bytes_per_sec: median_bw, ..
			},
		) => {
			latency_agrees(u64::from(*latency_ms), u64::from(*median_latency))
				&& bandwidth_agrees(*bandwidth_bytes_per_sec, *median_bw)
		},
		(Measurement::Served { .. }, _) => false,
		(_, Verdict::Served { .. }) => false,
		_ => true,
	}
}

/// The one sample a closed request records into the hoster's figures.
pub fn sample_of(verdict: &Verdict, promise: &Promise) -> Sample {
	match *verdict {
		Verdict::Served { availability, latency_ms, bandwidth_bytes_per_sec } => Sample {
			success: availability,
			speed: Some(Speed { latency_ms, bandwidth_bytes_per_sec }),
			met_promise: figures_meet(availability, latency_ms, bandwidth_bytes_per_sec, promise),
		},
		Verdict::Timeout | Verdict::Failed(_) => {
			Sample { success: Perbill::zero(), speed: None, met_promise: false }
		},
	}
}

/// One attestor's own measurement as a sample (for the figures of its region).
pub fn sample_of_measurement(measurement: &Measurement, promise: &Promise) -> Sample {
	match *measurement {
		Measurement::Served { latency_ms, bandwidth_bytes_per_sec, .. } => Sample {
			success: share(measurement),
			speed: Some(Speed { latency_ms, bandwidth_bytes_per_sec }),
			met_promise: meets_promise(measurement, promise),
		},
		Measurement::Timeout | Measurement::Failed(_) => {
			Sample { success: Perbill::zero(), speed: None, met_promise: false }
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::types::MeasurementFailure;

	fn served(latency_ms: u32, bandwidth: u64, verified: u32) -> Measurement {
		Measurement::Served {
			latency_ms,
			bandwidth_bytes_per_sec: bandwidth,
			chunks_verified: verified,
			chunks_asked: 4,
		}
	}

	#[test]
	fn below_quorum_or_without_majority_there_is_no_verdict() {
		assert_eq!(verdict_of(&[], 2), None);
		assert_eq!(verdict_of(&[served(50, 1_000_000, 4)], 2), None);
		// One says served, one says timeout: no majority either way.
		assert_eq!(verdict_of(&[served(50, 1_000_000, 4), Measurement::Timeout], 2), None);
	}

	#[test]
	fn the_median_ignores_one_liar() {
		// Two honest attestors measured 80 and 90 ms, 10 and 12 MB/s; the liar claims 1 ms, 1 GB/s.
		let votes =
			[served(80, 10_000_000, 4), served(1, 1_000_000_000, 4), served(90, 12_000_000, 4)];
		let verdict = verdict_of(&votes, 2).unwrap();
		assert_eq!(
			verdict,
			Verdict::Served {
				availability: Perbill::one(),
				latency_ms: 80,
				bandwidth_bytes_per_sec: 12_000_000
			}
		);
		assert!(agrees(&votes[0], &verdict));
		assert!(agrees(&votes[2], &verdict));
		assert!(!agrees(&votes[1], &verdict), "the liar's figures are outside the band");
	}

	#[test]
	fn with_two_normal_ratings_the_pessimistic_middle_is_taken() {
		let votes = [served(10, 50_000_000, 4), served(200, 1_000_000, 3)];
		assert_eq!(
			verdict_of(&votes, 2),
			Some(Verdict::Served {
				availability: Perbill::from_rational(3u32, 4),
				latency_ms: 200,
				bandwidth_bytes_per_sec: 1_000_000,
			})
		);
	}

	#[test]
	fn a_saboteur_is_outvoted_and_disagrees() {
		let votes = [served(80, 10_000_000, 4), Measurement::Timeout, served(90, 9_000_000, 4)];
		let verdict = verdict_of(&votes, 2).unwrap();
		assert!(matches!(verdict, Verdict::Served { .. }));
		assert!(!agrees(&Measurement::Timeout, &verdict));
		assert_eq!(sample_of(&verdict, &promise()).success, Perbill::one());
	}

	#[test]
	fn failures_name_a_kind_only_by_majority() {
		use MeasurementFailure::*;
		let same =
			[Measurement::Failed(Http(404)), Measurement::Failed(Http(404)), served(1, 1, 4)];
		assert_eq!(verdict_of(&same, 2), Some(Verdict::Failed(Http(404))));
		let mixed =
			[Measurement::Failed(Http(404)), Measurement::Failed(Integrity), Measurement::Timeout];
		assert_eq!(verdict_of(&mixed, 2), Some(Verdict::Timeout));
		// A Normal rating against a failure verdict disagrees; failures of another kind agree.
		assert!(!agrees(&served(1, 1, 4), &Verdict::Failed(Http(404))));
		assert!(agrees(&Measurement::Timeout, &Verdict::Failed(Http(404))));
		let sample = sample_of(&Verdict::Timeout, &promise());
		assert_eq!(
			(sample.success, sample.speed, sample.met_promise),
			(Perbill::zero(), None, false)
		);
	}

	#[test]
	fn the_band_is_narrow_for_better_figures_and_wide_for_worse_ones() {
		// Latency: better than a quarter of the median (less slack) disagrees.
		assert!(latency_agrees(0, 80));
		assert!(!latency_agrees(4, 100));
		assert!(latency_agrees(5, 100));
		assert!(!latency_agrees(9, 200));
		assert!(latency_agrees(30, 200));
		// A far region's latency, many times the median, agrees...
		assert!(latency_agrees(180, 10));
		// ...up to eight times it and 100 ms.
		assert!(!latency_agrees(181, 10));
		// Bandwidth: up to sixteen times the median, down to a thirty-second.
		assert!(bandwidth_agrees(16 * 1_000_000 + 65_536, 1_000_000));
		assert!(!bandwidth_agrees(16 * 1_000_000 + 65_537, 1_000_000));
		assert!(bandwidth_agrees(0, 1_000_000));
		assert!(!bandwidth_agrees(100_000, 10_000_000));
		assert!(bandwidth_agrees(u64::MAX, u64::MAX));
		assert!(latency_agrees(u64::MAX, u64::MAX));
	}

	fn promise() -> Promise {
		Promise {
			availability: Perbill::from_percent(75),
			latency_ms: 100,
			bandwidth_bytes_per_sec: 1_000,
		}
	}

	#[test]
	fn a_single_measurement_is_judged_against_the_promise() {
		let p = promise();
		assert!(meets_promise(&served(100, 1_000, 4), &p));
		assert!(meets_promise(&served(100, 1_000, 3), &p));
		assert!(!meets_promise(&served(100, 1_000, 2), &p));
		assert!(!meets_promise(&served(101, 1_000, 4), &p));
		assert!(!meets_promise(&served(100, 999, 4), &p));
		assert!(!meets_promise(&Measurement::Timeout, &p));
		// More verified chunks than asked cannot push the share above 1.
		let outcome = RatingOutcome::Timeout;
		assert_eq!(measurement_of(&outcome, 4), Measurement::Timeout);
	}
}
