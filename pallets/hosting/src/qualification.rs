//! Qualification: [`Pallet::does_qualify`] and the plain functions it rests
//! on, which judge the stored figures: which requirements an account meets,
//! and for each one it misses, measured against required.

use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;

use crate::{
	figures::Figures,
	pallet::*,
	types::{
		Attestor, AttestorStatus, HosterStatus, Promise, Qualification, Reason, Region,
		Requirements, Role,
	},
};

impl<T: Config> Pallet<T> {
	/// Whether `who` qualifies for `role` under `requirements`, with every
	/// reason it does not. Reads O(1) storage items: two for a hoster (its
	/// record and its figures record, which holds both the overall and the
	/// per-region figures), one for an attestor.
	pub fn does_qualify(
		who: &T::AccountId,
		role: Role,
		requirements: &Requirements,
	) -> Qualification {
		match role {
			Role::Hoster => {
				let Some(hoster) = Hosters::<T>::get(who) else {
					return judge_hoster::<BlockNumberFor<T>>(None, requirements);
				};
				let record = HosterFigures::<T>::get(who);
				let figures = match &requirements.region {
					Some(region) => record.as_ref().and_then(|r| r.region(region)),
					None => record.as_ref().map(|r| &r.overall),
				};
				judge_hoster(Some(HosterView { status: hoster.status, figures }), requirements)
			},
			Role::Attestor => judge_attestor(Attestors::<T>::get(who).as_ref(), requirements),
		}
	}
}

/// What is known of a hoster when judging it.
pub struct HosterView<'a, BlockNumber> {
	/// Its status.
	pub status: HosterStatus,
	/// The figures to judge: overall, or as measured from the required region.
	pub figures: Option<&'a Figures<BlockNumber>>,
}

fn verdict(reasons: Vec<Reason>) -> Qualification {
	Qualification { qualifies: reasons.is_empty(), reasons }
}

/// Judges a hoster (or `None`: not registered) against `requirements`. When
/// the requirements name a region, `hoster.figures` are the ones measured
/// from it, and their absence means no attestor there has measured it.
pub fn judge_hoster<BlockNumber>(
	hoster: Option<HosterView<'_, BlockNumber>>,
	requirements: &Requirements,
) -> Qualification {
	let Some(hoster) = hoster else { return verdict(alloc::vec![Reason::NotRegistered]) };
	let mut reasons = Vec::new();
	if hoster.status != HosterStatus::Active {
		reasons.push(Reason::NotActive);
	}
	let Some(p) = hoster.figures else {
		if let Some(region) = &requirements.region {
			reasons.push(Reason::RegionNotServed { region: region.clone() });
		} else if let Some(required) = requirements.min_samples.filter(|n| *n > 0) {
			reasons.push(Reason::TooFewSamples { measured: 0, required });
		}
		return verdict(reasons);
	};
	if let Some(required) = requirements.min_samples {
		if p.samples < required {
			reasons.push(Reason::TooFewSamples { measured: p.samples, required });
		}
	}
	if let Some(required) = requirements.min_availability {
		let measured = p.availability.mean();
		if measured < required {
			reasons.push(Reason::AvailabilityBelow { measured, required });
		}
	}
	if let Some(required) = requirements.min_reliability {
		let measured = p.reliability.mean();
		if measured < required {
			reasons.push(Reason::ReliabilityBelow { measured, required });
		}
	}
	// Speed figures exist only once a Normal rating arrived; none is as bad as it gets.
	if let Some(required_ms) = requirements.max_latency_ms {
		let measured_ms =
			if p.latency_ms.count == 0 { u32::MAX } else { clamp_u32(p.latency_ms.mean_units()) };
		if measured_ms > required_ms {
			reasons.push(Reason::LatencyAbove { measured_ms, required_ms });
		}
	}
	if let Some(required_bytes_per_sec) = requirements.min_bandwidth_bytes_per_sec {
		let bandwidth = &p.bandwidth_bytes_per_sec;
		let measured_bytes_per_sec = if bandwidth.count == 0 { 0 } else { bandwidth.mean_units() };
		if measured_bytes_per_sec < required_bytes_per_sec {
			reasons.push(Reason::BandwidthBelow { measured_bytes_per_sec, required_bytes_per_sec });
		}
	}
	verdict(reasons)
}

/// Judges an attestor (or `None`: not registered): its answer rate stands for
/// availability, its agreement with its committees is `min_agreement`; speed
/// requirements do not apply to attestors, and a required region must be the
/// attestor's own.
pub fn judge_attestor<AccountId, Balance, BlockNumber>(
	attestor: Option<&Attestor<AccountId, Balance, BlockNumber>>,
	requirements: &Requirements,
) -> Qualification {
	let Some(a) = attestor else { return verdict(alloc::vec![Reason::NotRegistered]) };
	let mut reasons = Vec::new();
	if a.status != AttestorStatus::Active {
		reasons.push(Reason::NotActive);
	}
	let rated = a.answered.saturating_add(a.missed);
	if let Some(required) = requirements.min_samples {
		if rated < required {
			reasons.push(Reason::TooFewSamples { measured: rated, required });
		}
	}
	for required in [requirements.min_availability, requirements.min_reliability]
		.into_iter()
		.flatten()
	{
		let measured = a.reliability.mean();
		if measured < required {
			reasons.push(Reason::ReliabilityBelow { measured, required });
			break;
		}
	}
	if let Some(required) = requirements.min_agreement {
		let measured = a.agreement();
		if measured < required {
			reasons.push(Reason::AgreementBelow { measured, required });
		}
	}
	if let Some(region) = requirements.region.as_ref().filter(|r| **r != a.region) {
		reasons.push(Reason::RegionNotServed { region: Region::clone(region) });
	}
	verdict(reasons)
}

/// Whether a hoster's figures meet its own `promise`, judged as
/// `does_qualify` judges them (availability, latency, bandwidth): the rule
/// that activates and suspends hosters.
pub fn meets_own_promise<BlockNumber>(figures: &Figures<BlockNumber>, promise: &Promise) -> bool {
	let requirements = Requirements {
		min_availability: Some(promise.availability),
		max_latency_ms: Some(promise.latency_ms),
		min_bandwidth_bytes_per_sec: Some(promise.bandwidth_bytes_per_sec),
		..Default::default()
	};
	let view = HosterView { status: HosterStatus::Active, figures: Some(figures) };
	judge_hoster(Some(view), &requirements).qualifies
}

fn clamp_u32(v: u64) -> u32 {
	u32::try_from(v).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::figures::{Beta, Ewmv, ONE};
	use sp_runtime::Perbill;

	fn figures(
		availability: u64,
		latency_ms: u64,
		bandwidth_bytes_per_sec: u64,
		samples: u32,
	) -> Figures<u32> {
		let ewmv = |v: u64| Ewmv { mean: v as u128 * 1000, variance: 0, count: samples };
		Figures {
			availability: Beta {
				alpha: availability * ONE / 100,
				beta: (100 - availability) * ONE / 100,
			},
			reliability: Beta { alpha: ONE, beta: 0 },
			latency_ms: ewmv(latency_ms),
			bandwidth_bytes_per_sec: ewmv(bandwidth_bytes_per_sec),
			samples,
			last_update: 7,
			this_block: Default::default(),
		}
	}

	fn needs() -> Requirements {
		Requirements {
			min_availability: Some(Perbill::from_percent(90)),
			min_reliability: None,
			min_agreement: None,
			max_latency_ms: Some(100),
			min_bandwidth_bytes_per_sec: Some(1_000_000),
			min_samples: Some(3),
			region: None,
		}
	}

	#[test]
	fn a_good_active_hoster_qualifies() {
		let p = figures(95, 50, 2_000_000, 5);
		let q = judge_hoster(
			Some(HosterView { status: HosterStatus::Active, figures: Some(&p) }),
			&needs(),
		);
		assert_eq!(q, Qualification { qualifies: true, reasons: Vec::new() });
	}

	#[test]
	fn every_missed_requirement_is_a_reason_with_its_figures() {
		let p = figures(80, 150, 500_000, 2);
		let q = judge_hoster(
			Some(HosterView { status: HosterStatus::Suspended, figures: Some(&p) }),
			&needs(),
		);
		assert!(!q.qualifies);
		assert_eq!(
			q.reasons,
			alloc::vec![
				Reason::NotActive,
				Reason::TooFewSamples { measured: 2, required: 3 },
				Reason::AvailabilityBelow {
					measured: Perbill::from_percent(80),
					required: Perbill::from_percent(90)
				},
				Reason::LatencyAbove { measured_ms: 150, required_ms: 100 },
				Reason::BandwidthBelow {
					measured_bytes_per_sec: 500_000,
					required_bytes_per_sec: 1_000_000
				},
			]
		);
	}

	#[test]
	fn unknown_accounts_and_unmeasured_regions() {
		assert_eq!(judge_hoster::<u32>(None, &needs()).reasons, alloc::vec![Reason::NotRegistered]);
		let region: Region = b"eu-west".to_vec().try_into().unwrap();
		let q = judge_hoster::<u32>(
			Some(HosterView { status: HosterStatus::Active, figures: None }),
			&Requirements { region: Some(region.clone()), ..needs() },
		);
		assert_eq!(q.reasons, alloc::vec![Reason::RegionNotServed { region }]);
		let q = judge_hoster::<u32>(
			Some(HosterView { status: HosterStatus::Pending, figures: None }),
			&needs(),
		);
		assert_eq!(
			q.reasons,
			alloc::vec![Reason::NotActive, Reason::TooFewSamples { measured: 0, required: 3 }]
		);
	}

	#[test]
	fn no_requirements_means_registered_and_active() {
		let q = judge_hoster::<u32>(
			Some(HosterView { status: HosterStatus::Active, figures: None }),
			&Requirements::default(),
		);
		assert!(q.qualifies);
	}

	#[test]
	fn attestors_are_judged_by_their_answer_rate_and_agreement() {
		let region: Region = b"eu".to_vec().try_into().unwrap();
		let mut a = Attestor {
			region: region.clone(),
			status: AttestorStatus::Active,
			key: 7u64,
			bond: 100u64,
			reliability: Beta { alpha: 9 * ONE, beta: ONE },
			answered: 10,
			missed: 1,
			consecutive_misses: 0,
			disagreed: 1,
			window_start: 1u32,
			window_disagreements: 1,
			window_answered: 1,
			registered_at: 1u32,
			unbonded_at: None,
		};
		let req = Requirements {
			min_availability: Some(Perbill::from_percent(85)),
			min_agreement: Some(Perbill::from_percent(90)),
			min_samples: Some(5),
			..Default::default()
		};
		assert!(judge_attestor(Some(&a), &req).qualifies);
		a.reliability = Beta { alpha: 5 * ONE, beta: 5 * ONE };
		a.disagreed = 5;
		a.status = AttestorStatus::Suspended;
		let other: Region = b"us".to_vec().try_into().unwrap();
		let q = judge_attestor(Some(&a), &Requirements { region: Some(other.clone()), ..req });
		assert_eq!(
			q.reasons,
			alloc::vec![
				Reason::NotActive,
				Reason::ReliabilityBelow {
					measured: Perbill::from_percent(50),
					required: Perbill::from_percent(85)
				},
				Reason::AgreementBelow {
					measured: Perbill::from_percent(50),
					required: Perbill::from_percent(90)
				},
				Reason::RegionNotServed { region: other },
			]
		);
		assert_eq!(
			judge_attestor::<u64, u64, u32>(None, &Requirements::default()).reasons,
			alloc::vec![Reason::NotRegistered]
		);
	}
}
