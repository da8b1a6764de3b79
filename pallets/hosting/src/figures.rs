//! A hoster's figures, updated in O(1) time and storage per rating, with
//! fixed-point arithmetic only (no floats). Pure math: nothing here reads
//! storage or knows about ratings; [`crate::ratings`] reduces a rating to a
//! [`Sample`] and records it here.
//!
//! * availability and reliability as a beta reputation that forgets by time:
//!   with success share `s` (a plain success is `s = 1`, a failure `s = 0`, a
//!   benchmark where 3 of 4 chunks arrived valid `s = 3/4`), a block's
//!   ratings add their mean as one unit of evidence, `α ← α + s̄`,
//!   `β ← β + (1 − s̄)`, and all evidence fades by the forgetting factor λ for
//!   every block that passes: `α ← λ^Δ α` after `Δ` blocks. The figure is
//!   `α / (α + β)`. So a burst of ratings in one block weighs one block's
//!   worth (no more than the same ratings spread out), a quiet stretch lets
//!   old evidence fade as time passes rather than freezing it, and a hoster
//!   can recover and cannot coast.
//! * latency and bandwidth as an exponentially weighted mean and variance with
//!   weight `w` per rating: `d = x − μ`, `μ ← μ + w·d`, `σ² ← (1 − w)(σ² + d·w·d)`.
//!
//! Beta parameters are in parts per billion (1.0 = 10⁹); means are kept in
//! thousandths of the unit (milliseconds → microseconds), variances in their square.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto},
	Perbill,
};

/// 1.0 in the beta parameters' fixed point.
pub const ONE: u64 = 1_000_000_000;
/// Means are stored multiplied by this.
pub const MEAN_SCALE: u128 = 1_000;

/// Beta reputation parameters (fixed point, 1.0 = [`ONE`]).
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Beta {
	/// Decayed successes.
	pub alpha: u64,
	/// Decayed failures.
	pub beta: u64,
}

impl Beta {
	/// Records one rating with success share `success` as one unit of
	/// evidence, after forgetting by `lambda`: the rule of a rating alone in
	/// its block, one block after the last.
	pub fn record(&mut self, lambda: Perbill, success: Perbill) {
		self.forget(lambda);
		self.add(success.deconstruct() as u64);
	}

	/// Keeps `keep` of the evidence (`λ^Δ` after `Δ` blocks).
	pub fn forget(&mut self, keep: Perbill) {
		self.alpha = keep.mul_floor(self.alpha);
		self.beta = keep.mul_floor(self.beta);
	}

	/// Adds one unit of evidence with success share `share` (parts per billion).
	fn add(&mut self, share: u64) {
		let share = share.min(ONE);
		self.alpha = self.alpha.saturating_add(share);
		self.beta = self.beta.saturating_add(ONE - share);
	}

	/// Takes back a unit added with [`Self::add`].
	fn remove(&mut self, share: u64) {
		let share = share.min(ONE);
		self.alpha = self.alpha.saturating_sub(share);
		self.beta = self.beta.saturating_sub(ONE - share);
	}

	/// `α / (α + β)`; zero before any rating.
	pub fn mean(&self) -> Perbill {
		let total = (self.alpha as u128) + (self.beta as u128);
		if total == 0 {
			return Perbill::zero();
		}
		Perbill::from_rational(self.alpha as u128, total)
	}
}

/// The ratings recorded in the block of a hoster's last update: how many,
/// and their success shares summed (parts per billion), so that the
/// block's unit of evidence is their mean.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct BlockTally {
	/// Ratings recorded in the block.
	pub ratings: u32,
	/// Their availability shares, summed.
	pub availability: u64,
	/// Their reliability shares (one each that met the promise), summed.
	pub reliability: u64,
}

impl BlockTally {
	/// The block's mean availability and reliability shares, if it has ratings.
	fn means(&self) -> Option<(u64, u64)> {
		let n = u64::from(self.ratings);
		(n > 0).then(|| (self.availability / n, self.reliability / n))
	}
}

/// Exponentially weighted mean and variance.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Ewmv {
	/// Mean × [`MEAN_SCALE`].
	pub mean: u128,
	/// Variance × [`MEAN_SCALE`]².
	pub variance: u128,
	/// Values recorded.
	pub count: u32,
}

impl Ewmv {
	/// Records value `x` with weight `weight`.
	pub fn record(&mut self, x: u64, weight: Perbill) {
		let x = (x as u128) * MEAN_SCALE;
		if self.count == 0 {
			self.mean = x;
			self.variance = 0;
		} else {
			let (diff, up) =
				if x >= self.mean { (x - self.mean, true) } else { (self.mean - x, false) };
			let incr = weight.mul_floor(diff);
			self.mean =
				if up { self.mean.saturating_add(incr) } else { self.mean.saturating_sub(incr) };
			let spread = self.variance.saturating_add(diff.saturating_mul(incr));
			self.variance = (Perbill::one() - weight).mul_floor(spread);
		}
		self.count = self.count.saturating_add(1);
	}

	/// The mean in whole units, rounded to nearest.
	pub fn mean_units(&self) -> u64 {
		u64::try_from((self.mean + MEAN_SCALE / 2) / MEAN_SCALE).unwrap_or(u64::MAX)
	}

	/// The standard deviation in whole units, rounded down.
	pub fn stddev_units(&self) -> u64 {
		u64::try_from(integer_sqrt(self.variance) / MEAN_SCALE).unwrap_or(u64::MAX)
	}
}

/// Largest `r` with `r² ≤ n`.
pub fn integer_sqrt(n: u128) -> u128 {
	if n < 2 {
		return n;
	}
	// Newton's method from an over-estimate converges downward.
	let mut x = 1u128 << ((128 - n.leading_zeros()).div_ceil(2));
	loop {
		let y = (x + n / x) / 2;
		if y >= x {
			return x;
		}
		x = y;
	}
}

/// Tuning of the figures.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Params {
	/// Forgetting factor λ of availability and reliability, per block.
	pub forgetting: Perbill,
	/// Weight `w` of a new latency or bandwidth value.
	pub smoothing: Perbill,
}

/// A hoster's measured figures (overall, or as seen from one region).
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Figures<BlockNumber> {
	/// Chunks served valid and in time.
	pub availability: Beta,
	/// Ratings that met the hoster's promise.
	pub reliability: Beta,
	/// Time to first byte, milliseconds (Normal ratings only).
	pub latency_ms: Ewmv,
	/// Bandwidth in bytes per second (Normal ratings only).
	pub bandwidth_bytes_per_sec: Ewmv,
	/// Ratings recorded.
	pub samples: u32,
	/// Block of the last rating.
	pub last_update: BlockNumber,
	/// The ratings of block `last_update`, which share one unit of evidence.
	pub this_block: BlockTally,
}

/// Latency and bandwidth of one rating that delivered verified chunks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Speed {
	/// Time to first byte, in milliseconds.
	pub latency_ms: u32,
	/// Transfer rate, in bytes per second.
	pub bandwidth_bytes_per_sec: u64,
}

/// One rating reduced to what the figures need.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Sample {
	/// Share of the requested chunks delivered valid in time.
	pub success: Perbill,
	/// Latency and bandwidth, when chunks were delivered (Normal ratings).
	pub speed: Option<Speed>,
	/// Whether the rating met the hoster's promise.
	pub met_promise: bool,
}

impl<BlockNumber> Figures<BlockNumber>
where
	BlockNumber: Copy + PartialOrd + Saturating + UniqueSaturatedInto<u32>,
{
	/// Records one rating in block `now`: O(1). In a new block, the evidence
	/// so far first fades by `λ^Δ` for the `Δ` blocks since the last rating;
	/// within one block, the ratings share one unit of evidence, their mean.
	pub fn record(&mut self, sample: &Sample, params: &Params, now: BlockNumber) {
		let met = if sample.met_promise { ONE } else { 0 };
		if self.samples == 0 || now > self.last_update {
			let elapsed: u32 = now.saturating_sub(self.last_update).unique_saturated_into();
			let keep = if self.samples == 0 {
				Perbill::one()
			} else {
				params.forgetting.saturating_pow(elapsed as usize)
			};
			self.availability.forget(keep);
			self.reliability.forget(keep);
			self.this_block = BlockTally::default();
		}
		if let Some((availability, reliability)) = self.this_block.means() {
			self.availability.remove(availability);
			self.reliability.remove(reliability);
		}
		let tally = &mut self.this_block;
		tally.ratings = tally.ratings.saturating_add(1);
		tally.availability = tally.availability.saturating_add(sample.success.deconstruct() as u64);
		tally.reliability = tally.reliability.saturating_add(met);
		if let Some((availability, reliability)) = self.this_block.means() {
			self.availability.add(availability);
			self.reliability.add(reliability);
		}
		if let Some(speed) = sample.speed {
			self.latency_ms.record(speed.latency_ms as u64, params.smoothing);
			self.bandwidth_bytes_per_sec
				.record(speed.bandwidth_bytes_per_sec, params.smoothing);
		}
		self.samples = self.samples.saturating_add(1);
		if now > self.last_update {
			self.last_update = now;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const PARAMS: Params =
		Params { forgetting: Perbill::from_percent(90), smoothing: Perbill::from_percent(20) };

	fn ok() -> Sample {
		Sample {
			success: Perbill::one(),
			speed: Some(Speed { latency_ms: 40, bandwidth_bytes_per_sec: 1_000_000 }),
			met_promise: true,
		}
	}
	fn fail() -> Sample {
		Sample { success: Perbill::zero(), speed: None, met_promise: false }
	}

	#[test]
	fn availability_stays_in_range_whatever_happens() {
		let mut p = Figures::<u32>::default();
		assert_eq!(p.availability.mean(), Perbill::zero());
		let mut block = 0u32;
		for i in 0..10_000u32 {
			// One to three ratings a block, mixed.
			block += u32::from(i % 3 == 0);
			let s = if (i * 7919) % 13 < 6 { ok() } else { fail() };
			p.record(&s, &PARAMS, block);
			let a = p.availability.mean();
			assert!(a <= Perbill::one());
			// One unit a block at λ = 0.9 bounds α + β by 1 / (1 − λ) = 10 units.
			assert!(p.availability.alpha + p.availability.beta <= 10 * ONE + ONE);
		}
		// λ = 1 (no forgetting) saturates instead of overflowing.
		let mut b = Beta { alpha: u64::MAX - 1, beta: 0 };
		b.record(Perbill::one(), Perbill::one());
		assert_eq!(b.alpha, u64::MAX);
		assert_eq!(b.mean(), Perbill::one());
	}

	#[test]
	fn success_raises_and_failure_lowers_availability_across_and_within_blocks() {
		let mut p = Figures::<u32>::default();
		p.record(&fail(), &PARAMS, 1);
		let mut last = p.availability.mean();
		for n in 2..22 {
			p.record(&ok(), &PARAMS, n);
			let now = p.availability.mean();
			assert!(now > last, "a success in block {n} must raise availability");
			last = now;
		}
		for n in 22..42 {
			p.record(&fail(), &PARAMS, n);
			let now = p.availability.mean();
			assert!(now < last, "a failure in block {n} must lower availability");
			last = now;
		}
		// Within one block each rating still moves the block's mean its way.
		p.record(&fail(), &PARAMS, 50);
		assert!(p.availability.mean() < last);
		last = p.availability.mean();
		for _ in 0..5 {
			p.record(&ok(), &PARAMS, 50);
			let now = p.availability.mean();
			assert!(now > last, "a success in the same block must raise availability");
			last = now;
		}
		p.record(&fail(), &PARAMS, 50);
		assert!(p.availability.mean() < last);
	}

	#[test]
	fn evidence_fades_by_lambda_for_every_block_elapsed() {
		let mut p = Figures::<u32>::default();
		p.record(&fail(), &PARAMS, 10);
		p.record(&ok(), &PARAMS, 15);
		// The failure has faded by 0.9⁵ ≈ 0.59: α = 1, β = 0.59049.
		let expected = Perbill::from_rational(ONE, ONE + PARAMS.forgetting.saturating_pow(5) * ONE);
		let got = p.availability.mean();
		assert!(got.deconstruct().abs_diff(expected.deconstruct()) <= 2, "{got:?} vs {expected:?}");
		// The same two ratings one block apart leave the failure weighing 0.9.
		let mut q = Figures::<u32>::default();
		q.record(&fail(), &PARAMS, 10);
		q.record(&ok(), &PARAMS, 11);
		assert!(q.availability.mean() < got, "more blocks elapsed, less the old failure weighs");
	}

	#[test]
	fn a_quiet_stretch_fades_old_evidence_and_no_time_fades_nothing() {
		let mut p = Figures::<u32>::default();
		for n in 1..=50 {
			p.record(&fail(), &PARAMS, n);
		}
		assert_eq!(p.availability.mean(), Perbill::zero());
		// After a month of 3 s blocks without ratings, the old failures weigh nothing.
		p.record(&ok(), &PARAMS, 50 + 864_000);
		assert_eq!(p.availability.mean(), Perbill::one());
		// Rated without a block passing, the evidence is not faded.
		let mut q = Figures::<u32>::default();
		q.record(&fail(), &PARAMS, 7);
		let before = q.availability;
		q.record(&fail(), &PARAMS, 7);
		assert_eq!(q.availability, before);
	}

	#[test]
	fn a_burst_in_one_block_weighs_no_more_than_the_same_ratings_spread_out() {
		// A month of good service, then 20 failed ratings (an outage).
		let history = || {
			let mut p = Figures::<u32>::default();
			for n in 1..=100 {
				p.record(&ok(), &PARAMS, n);
			}
			p
		};
		let mut burst = history();
		for _ in 0..20 {
			burst.record(&fail(), &PARAMS, 101);
		}
		let mut spread = history();
		for n in 101..121 {
			spread.record(&fail(), &PARAMS, n);
		}
		assert!(
			burst.availability.mean() > spread.availability.mean(),
			"burst {:?}, spread {:?}",
			burst.availability.mean(),
			spread.availability.mean()
		);
		// The 20 failures of one block weigh exactly what one failure there does.
		let mut one = history();
		one.record(&fail(), &PARAMS, 101);
		assert_eq!(burst.availability, one.availability);
		assert_eq!(burst.reliability, one.reliability);
		// Still every rating is counted, and a mixed block records its mean.
		assert_eq!(burst.samples, 120);
		let mut mixed = history();
		for k in 0..20 {
			mixed.record(&if k % 4 == 0 { ok() } else { fail() }, &PARAMS, 101);
		}
		let mut quarter = history();
		quarter.record(
			&Sample { success: Perbill::from_percent(25), speed: None, met_promise: false },
			&PARAMS,
			101,
		);
		assert_eq!(mixed.availability, quarter.availability);
	}

	#[test]
	fn old_ratings_fade() {
		let mut p = Figures::<u32>::default();
		for n in 0..50 {
			p.record(&fail(), &PARAMS, n);
		}
		assert_eq!(p.availability.mean(), Perbill::zero());
		for n in 50..110 {
			p.record(&ok(), &PARAMS, n);
		}
		// After 60 blocks of successes at λ = 0.9, the 50 old failures weigh 0.9⁶⁰ ≈ 0.2%.
		assert!(p.availability.mean() > Perbill::from_percent(99));
		// Without forgetting they would still weigh 50 / 110.
		let mut plain = Beta::default();
		for _ in 0..50 {
			plain.record(Perbill::one(), Perbill::zero());
		}
		for _ in 0..60 {
			plain.record(Perbill::one(), Perbill::one());
		}
		assert_eq!(plain.mean(), Perbill::from_rational(60u32, 110u32));
	}

	#[test]
	fn partial_success_counts_its_share() {
		let mut b = Beta::default();
		b.record(PARAMS.forgetting, Perbill::from_percent(75));
		assert_eq!(b.mean(), Perbill::from_percent(75));
	}

	#[test]
	fn ewmv_converges_and_measures_spread() {
		let mut e = Ewmv::default();
		e.record(100, PARAMS.smoothing);
		assert_eq!((e.mean_units(), e.stddev_units()), (100, 0));
		for _ in 0..200 {
			e.record(50, PARAMS.smoothing);
		}
		assert_eq!(e.mean_units(), 50);
		assert_eq!(e.stddev_units(), 0);
		// Alternating 40 / 60: mean near 50, deviation near 10.
		for i in 0..400 {
			e.record(if i % 2 == 0 { 40 } else { 60 }, PARAMS.smoothing);
		}
		assert!((48..=52).contains(&e.mean_units()), "{}", e.mean_units());
		assert!((8..=12).contains(&e.stddev_units()), "{}", e.stddev_units());
		// Extreme values saturate rather than overflow.
		let mut big = Ewmv::default();
		big.record(u64::MAX, PARAMS.smoothing);
		big.record(0, PARAMS.smoothing);
		big.record(u64::MAX, PARAMS.smoothing);
		assert!(big.mean_units() > 0);
	}

	#[test]
	fn mean_moves_by_the_weight() {
		let mut e = Ewmv::default();
		e.record(100, Perbill::from_percent(20));
		e.record(200, Perbill::from_percent(20));
		assert_eq!(e.mean_units(), 120);
		// σ² = (1 − w)(0 + d · w · d) = 0.8 · 100 · 20 = 1600 → σ = 40.
		assert_eq!(e.stddev_units(), 40);
	}

	#[test]
	fn integer_sqrt_is_exact() {
		for n in [0u128, 1, 2, 3, 4, 15, 16, 17, 1 << 64, u128::MAX] {
			let r = integer_sqrt(n);
			assert!(r * r <= n);
			assert!((r + 1).checked_mul(r + 1).is_none_or(|sq| sq > n), "{n}");
		}
	}
}
