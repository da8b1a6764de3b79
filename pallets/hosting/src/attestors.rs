//! Attestors: admission with a bond and a signing key of their own, leaving
//! through an unbonding period, the active set committees are drawn from, and
//! each attestor's own record: answers and misses (too many misses in a row
//! suspend it), and disagreements with its committees (too many in one window
//! suspend it and slash part of its bond).

use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{BalancedHold, InspectHold, MutateHold},
		tokens::Precision,
		OnUnbalanced,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Registers `who` as an attestor measuring from `region`, signing with
	/// `key`; holds the bond when `hold_bond` (the call and genesis).
	pub(crate) fn do_register_attestor(
		who: T::AccountId,
		region: Region,
		key: T::AccountId,
		hold_bond: bool,
	) -> DispatchResult {
		ensure!(!Attestors::<T>::contains_key(&who), Error::<T>::AlreadyAttestor);
		ensure!(is_valid_region(&region), Error::<T>::InvalidRegion);
		ensure!(key != who, Error::<T>::KeyIsAccount);
		ensure!(!AttestorKeys::<T>::contains_key(&key), Error::<T>::KeyInUse);
		ensure!(
			(ActiveAttestors::<T>::decode_len().unwrap_or(0) as u32) < T::MaxAttestors::get(),
			Error::<T>::TooManyAttestors
		);
		let bond = if hold_bond { T::AttestorBond::get() } else { Zero::zero() };
		if !bond.is_zero() {
			T::Currency::hold(&HoldReason::AttestorBond.into(), &who, bond)
				.map_err(|_| Error::<T>::InsufficientBond)?;
		}
		ActiveAttestors::<T>::try_mutate(|list| list.try_push((who.clone(), region.clone())))
			.map_err(|_| Error::<T>::TooManyAttestors)?;
		AttestorKeys::<T>::insert(&key, &who);
		let now = frame_system::Pallet::<T>::block_number();
		Attestors::<T>::insert(
			&who,
			Attestor {
				region: region.clone(),
				status: AttestorStatus::Active,
				key: key.clone(),
				bond,
				reliability: Default::default(),
				answered: 0,
				missed: 0,
				consecutive_misses: 0,
				disagreed: 0,
				window_start: now,
				window_disagreements: 0,
				window_answered: 0,
				registered_at: now,
				unbonded_at: None,
			},
		);
		Self::deposit_event(Event::AttestorRegistered { attestor: who, region, key, bond });
		Ok(())
	}

	/// `who` leaves the active set; the requests already assigned to it still
	/// take its rating, and its bond stays held until the unbonding period ends.
	pub(crate) fn do_unregister_attestor(who: T::AccountId) -> DispatchResult {
		let mut attestor = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		ensure!(attestor.status != AttestorStatus::Leaving, Error::<T>::AttestorLeaving);
		ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| *a != who));
		let unbonded_at = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::AttestorUnbondingPeriod::get());
		attestor.status = AttestorStatus::Leaving;
		attestor.unbonded_at = Some(unbonded_at);
		Attestors::<T>::insert(&who, attestor);
		Self::deposit_event(Event::AttestorUnregistered { attestor: who, unbonded_at });
		Ok(())
	}

	/// A leaving attestor past its unbonding period takes back its bond; its
	/// record and key are removed.
	pub(crate) fn do_withdraw_attestor_bond(who: T::AccountId) -> DispatchResult {
		let attestor = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		let unbonded_at = attestor.unbonded_at.ok_or(Error::<T>::AttestorNotLeaving)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() >= unbonded_at,
			Error::<T>::StillUnbonding
		);
		let amount = T::Currency::release_all(
			&HoldReason::AttestorBond.into(),
			&who,
			Precision::BestEffort,
		)?;
		AttestorKeys::<T>::remove(&attestor.key);
		Attestors::<T>::remove(&who);
		Self::deposit_event(Event::AttestorBondReleased { attestor: who, amount });
		Ok(())
	}

	/// A suspended attestor takes requests again, its bond topped up to `AttestorBond`.
	pub(crate) fn do_resume_attestor(who: T::AccountId) -> DispatchResult {
		let mut attestor = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		ensure!(attestor.status == AttestorStatus::Suspended, Error::<T>::AttestorNotSuspended);
		let reason = HoldReason::AttestorBond.into();
		let held = T::Currency::balance_on_hold(&reason, &who);
		let wanted = T::AttestorBond::get();
		if held < wanted {
			T::Currency::hold(&reason, &who, wanted.saturating_sub(held))
				.map_err(|_| Error::<T>::InsufficientBond)?;
		}
		ActiveAttestors::<T>::try_mutate(|list| {
			list.try_push((who.clone(), attestor.region.clone()))
		})
		.map_err(|_| Error::<T>::TooManyAttestors)?;
		attestor.status = AttestorStatus::Active;
		attestor.bond = held.max(wanted);
		attestor.consecutive_misses = 0;
		attestor.window_disagreements = 0;
		attestor.window_answered = 0;
		attestor.window_start = frame_system::Pallet::<T>::block_number();
		Attestors::<T>::insert(&who, attestor);
		Self::deposit_event(Event::AttestorResumed { attestor: who });
		Ok(())
	}

	/// The attestor account a rating key signs for.
	pub fn attestor_of_key(key: &T::AccountId) -> Option<T::AccountId> {
		AttestorKeys::<T>::get(key)
	}

	/// An attestor answered `count` requests in time: its answer rate rises and
	/// its run of misses ends. One write, however many (a batch's ratings).
	pub(crate) fn note_answered(who: &T::AccountId, count: u32) {
		let now = frame_system::Pallet::<T>::block_number();
		Attestors::<T>::mutate(who, |a| {
			if let Some(a) = a {
				for _ in 0..count {
					a.reliability.record(T::ForgettingFactor::get(), Perbill::one());
				}
				a.answered = a.answered.saturating_add(count);
				a.consecutive_misses = 0;
				Self::roll_window(a, now);
				a.window_answered = a.window_answered.saturating_add(count);
			}
		});
	}

	/// Starts a new disagreement window when the current one has ended.
	fn roll_window(attestor: &mut AttestorOf<T>, now: BlockNumberFor<T>) {
		if now >= attestor.window_start.saturating_add(T::DisagreementWindow::get()) {
			attestor.window_start = now;
			attestor.window_disagreements = 0;
			attestor.window_answered = 0;
		}
	}

	/// An attestor let a request expire: its answer rate falls; after too
	/// many misses in a row it is suspended. The hoster is not blamed.
	pub(crate) fn note_missed(who: &T::AccountId) {
		let Some(mut attestor) = Attestors::<T>::get(who) else { return };
		attestor.reliability.record(T::ForgettingFactor::get(), Perbill::zero());
		attestor.missed = attestor.missed.saturating_add(1);
		attestor.consecutive_misses = attestor.consecutive_misses.saturating_add(1);
		if attestor.status == AttestorStatus::Active
			&& attestor.consecutive_misses >= T::MaxConsecutiveMisses::get()
		{
			let fault = AttestorFault::MissedRequests(attestor.consecutive_misses);
			Self::suspend_attestor(who, &mut attestor, fault);
		}
		Attestors::<T>::insert(who, attestor);
	}

	/// An attestor's rating disagreed with its committee's verdict. Past
	/// `MaxDisagreements` in one `DisagreementWindow` that are also more than
	/// `MaxDisagreementShare` of its answers in the window
	/// ([`too_many_disagreements`]), it is suspended and `DisagreementSlash`
	/// of its bond goes to `Slashed`.
	pub(crate) fn note_disagreed(who: &T::AccountId, now: BlockNumberFor<T>) {
		let Some(mut attestor) = Attestors::<T>::get(who) else { return };
		attestor.disagreed = attestor.disagreed.saturating_add(1);
		Self::roll_window(&mut attestor, now);
		attestor.window_disagreements = attestor.window_disagreements.saturating_add(1);
		if too_many_disagreements(
			attestor.window_disagreements,
			attestor.window_answered,
			T::MaxDisagreements::get(),
			T::MaxDisagreementShare::get(),
		) {
			let count = attestor.window_disagreements;
			attestor.window_disagreements = 0;
			attestor.window_answered = 0;
			attestor.window_start = now;
			if attestor.status == AttestorStatus::Active {
				Self::suspend_attestor(who, &mut attestor, AttestorFault::Disagreed(count));
			}
			Self::slash_bond(who, &mut attestor);
		}
		Attestors::<T>::insert(who, attestor);
	}

	/// Takes `who` out of the active set.
	fn suspend_attestor(who: &T::AccountId, attestor: &mut AttestorOf<T>, fault: AttestorFault) {
		attestor.status = AttestorStatus::Suspended;
		ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| a != who));
		Self::deposit_event(Event::AttestorSuspended { attestor: who.clone(), fault });
	}

	/// Slashes `DisagreementSlash` of what is held as `who`'s bond.
	fn slash_bond(who: &T::AccountId, attestor: &mut AttestorOf<T>) {
		let reason = HoldReason::AttestorBond.into();
		let held = T::Currency::balance_on_hold(&reason, who);
		let amount = T::DisagreementSlash::get().mul_floor(held);
		if amount.is_zero() {
			return;
		}
		let (credit, _missing) = T::Currency::slash(&reason, who, amount);
		let slashed = frame_support::traits::Imbalance::peek(&credit);
		T::Slashed::on_unbalanced(credit);
		attestor.bond = attestor.bond.saturating_sub(slashed);
		Self::deposit_event(Event::AttestorSlashed { attestor: who.clone(), amount: slashed });
	}

	/// An attestor's record in plain units (`None` if not registered).
	pub fn attestor_figures(
		who: &T::AccountId,
	) -> Option<AttestorSummary<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let a = Attestors::<T>::get(who)?;
		Some(AttestorSummary {
			status: a.status,
			agreement: a.agreement(),
			answer_rate: a.reliability.mean(),
			region: a.region,
			key: a.key,
			bond: a.bond,
			answered: a.answered,
			missed: a.missed,
			disagreed: a.disagreed,
			unbonded_at: a.unbonded_at,
		})
	}
}

/// Whether `disagreements` in one window, among `answered` answers in it,
/// suspend an attestor: at least `max` of them, and more than `share` of the
/// answers. A liar disagrees on the ratings it lies in, so it crosses both; an
/// honest attestor that answers thousands of requests a window has a few
/// outliers, far below the share.
pub fn too_many_disagreements(disagreements: u32, answered: u32, max: u32, share: Perbill) -> bool {
	disagreements >= max && disagreements > share.mul_ceil(answered)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn disagreements_suspend_past_both_the_count_and_the_share() {
		let five = Perbill::from_percent(5);
		// Below the count: never, whatever the share.
		assert!(!too_many_disagreements(9, 9, 10, five));
		// A liar: its ratings disagree.
		assert!(too_many_disagreements(10, 10, 10, five));
		assert!(too_many_disagreements(10, 150, 10, five));
		// An honest attestor with a few outliers among thousands of answers.
		assert!(!too_many_disagreements(10, 6_000, 10, five));
		assert!(!too_many_disagreements(30, 20_000, 10, five));
		// The share is exclusive, rounded in the attestor's favour.
		assert!(!too_many_disagreements(10, 200, 10, five));
		assert!(too_many_disagreements(11, 200, 10, five));
		assert!(!too_many_disagreements(10, 199, 10, five));
	}
}
