//! Attestors: registration with a region, leaving, the active set requests are
//! assigned from, and each attestor's own reliability (answers and misses;
//! too many misses in a row suspend it until it resumes).

use frame_support::pallet_prelude::*;
use sp_runtime::Perbill;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Registers an attestor measuring from `region` (the call and genesis).
	pub(crate) fn do_register_attestor(who: T::AccountId, region: Region) -> DispatchResult {
		ensure!(!Attestors::<T>::contains_key(&who), Error::<T>::AlreadyAttestor);
		ensure!(is_valid_region(&region), Error::<T>::InvalidRegion);
		ActiveAttestors::<T>::try_mutate(|list| list.try_push((who.clone(), region.clone())))
			.map_err(|_| Error::<T>::TooManyAttestors)?;
		Attestors::<T>::insert(
			&who,
			Attestor {
				region: region.clone(),
				status: AttestorStatus::Active,
				reliability: Default::default(),
				answered: 0,
				missed: 0,
				consecutive_misses: 0,
				registered_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::AttestorRegistered { attestor: who, region });
		Ok(())
	}

	/// Removes an attestor; the requests already assigned to it expire.
	pub(crate) fn do_unregister_attestor(who: T::AccountId) -> DispatchResult {
		ensure!(Attestors::<T>::take(&who).is_some(), Error::<T>::NotAttestor);
		ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| *a != who));
		Self::deposit_event(Event::AttestorUnregistered { attestor: who });
		Ok(())
	}

	/// A suspended attestor takes requests again.
	pub(crate) fn do_resume_attestor(who: T::AccountId) -> DispatchResult {
		let mut attestor = Attestors::<T>::get(&who).ok_or(Error::<T>::NotAttestor)?;
		ensure!(attestor.status == AttestorStatus::Suspended, Error::<T>::AttestorNotSuspended);
		ActiveAttestors::<T>::try_mutate(|list| {
			list.try_push((who.clone(), attestor.region.clone()))
		})
		.map_err(|_| Error::<T>::TooManyAttestors)?;
		attestor.status = AttestorStatus::Active;
		attestor.consecutive_misses = 0;
		Attestors::<T>::insert(&who, attestor);
		Self::deposit_event(Event::AttestorResumed { attestor: who });
		Ok(())
	}

	/// An attestor answered a request in time: its reliability rises and its
	/// run of misses ends.
	pub(crate) fn note_answered(who: &T::AccountId) {
		Attestors::<T>::mutate(who, |a| {
			if let Some(a) = a {
				a.reliability.record(T::ForgettingFactor::get(), Perbill::one());
				a.answered = a.answered.saturating_add(1);
				a.consecutive_misses = 0;
			}
		});
	}

	/// An attestor let a request expire: its reliability falls; after too
	/// many misses in a row it is suspended. The hoster is not blamed.
	pub(crate) fn note_missed(who: &T::AccountId) {
		let Some(mut attestor) = Attestors::<T>::get(who) else { return };
		attestor.reliability.record(T::ForgettingFactor::get(), Perbill::zero());
		attestor.missed = attestor.missed.saturating_add(1);
		attestor.consecutive_misses = attestor.consecutive_misses.saturating_add(1);
		if attestor.status == AttestorStatus::Active
			&& attestor.consecutive_misses >= T::MaxConsecutiveMisses::get()
		{
			attestor.status = AttestorStatus::Suspended;
			ActiveAttestors::<T>::mutate(|list| list.retain(|(a, _)| a != who));
			Self::deposit_event(Event::AttestorSuspended {
				attestor: who.clone(),
				consecutive_misses: attestor.consecutive_misses,
			});
		}
		Attestors::<T>::insert(who, attestor);
	}
}
