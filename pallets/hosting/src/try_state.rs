//! The invariants between the pallet's storage items, checked by the
//! `try_state` hook on `try-runtime` builds and after every test of the mock
//! runtime:
//!
//! * the periodic schedule: slots `0..HostingCount` are filled, each with a
//!   hosting whose record names that slot, and no slot beyond; every hosting
//!   has its slot; each hoster's `hostings` counts its hostings;
//! * attestors: `ActiveAttestors` holds exactly the Active attestors, once
//!   each, with their registered region; `AttestorKeys` and the attestors'
//!   keys match both ways; only leaving attestors have an unbonding block;
//!   the recorded bond is held;
//! * requests: a request without a committee is queued in `Unassigned`; every
//!   assigned request is listed under its deadline in `RequestsByDeadline`,
//!   every listed id is either closed or open with that deadline, only
//!   committee members have rated, a request rated by its whole committee
//!   is closed, and the deferred deadlines are a range; the requests noted
//!   as written in the block (`RequestsWrittenInBlock`) have been created;
//! * feeds and deposits: each feed's `FeedUsage` counts its hostings and lasts
//!   until its open requests close; usage and deposits belong only to items
//!   that exist;
//! * budgets: the registration queue holds registered hosters, each once, at
//!   the position its index names, between the queue's ends; each hoster's
//!   `OnDemandRequests` counts its open on-demand requests, and only open
//!   on-demand requests hold a request deposit.
//!
//! None is checked while a multi-block migration runs: it leaves records half
//! translated.

use alloc::{collections::BTreeMap, vec::Vec};
use frame_support::{ensure, migrations::MultiStepMigrator};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Checks every invariant; the first broken one is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		// Mid-migration, records are half translated: the checks wait for the end.
		if <T as frame_system::Config>::MultiBlockMigrator::ongoing() {
			return Ok(());
		}
		if let Some((first, last)) = DeferredDeadlines::<T>::get() {
			ensure!(first <= last, "the deferred deadlines are an empty range");
		}
		if let Some(written) = RequestsWrittenInBlock::<T>::get() {
			let next = NextRequestId::<T>::get();
			let beyond = (next.max(written.first)
				..written.first.saturating_add(crate::block_writes::WINDOW))
				.any(|id| written.contains(id));
			ensure!(!beyond, "a request noted as written in the block was never created");
		}
		Self::check_schedule()?;
		Self::check_attestors()?;
		Self::check_requests()?;
		Self::check_budgets()?;
		Self::check_feeds_and_deposits()
	}

	fn check_budgets() -> Result<(), TryRuntimeError> {
		let (head, tail) = RegistrationQueueEnds::<T>::get();
		ensure!(head <= tail, "the registration queue ends are crossed");
		let mut queued = 0usize;
		for (position, (hoster, _)) in RegistrationQueue::<T>::iter() {
			queued += 1;
			ensure!(
				(head..tail).contains(&position),
				"a queued registration lies outside the queue's ends"
			);
			ensure!(
				QueuedRegistrations::<T>::get(&hoster) == Some(position),
				"a queued registration is not indexed at its position"
			);
			ensure!(Hosters::<T>::contains_key(&hoster), "a queued registration has no hoster");
		}
		ensure!(
			QueuedRegistrations::<T>::iter().count() == queued,
			"the registration queue's index names entries the queue does not hold"
		);
		let mut open: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (_, request) in BenchmarkRequests::<T>::iter() {
			if request.kind == BenchmarkKind::OnDemand {
				*open.entry(request.hoster).or_default() += 1;
			}
		}
		let counted: BTreeMap<T::AccountId, u32> = OnDemandRequests::<T>::iter().collect();
		ensure!(counted == open, "a hoster's on-demand count is not its open on-demand requests");
		for id in RequestDeposits::<T>::iter_keys() {
			ensure!(
				BenchmarkRequests::<T>::get(id).is_some_and(|r| r.kind == BenchmarkKind::OnDemand),
				"a request deposit outlived its on-demand request"
			);
		}
		Ok(())
	}

	fn check_feeds_and_deposits() -> Result<(), TryRuntimeError> {
		let mut per_feed: BTreeMap<FeedId, u32> = BTreeMap::new();
		for (_, feed, _) in Hostings::<T>::iter() {
			*per_feed.entry(feed).or_default() += 1;
		}
		for (feed, usage) in FeedUsage::<T>::iter() {
			ensure!(Feeds::<T>::contains_key(feed), "a feed's usage outlived the feed");
			ensure!(
				usage.hostings == per_feed.get(&feed).copied().unwrap_or(0),
				"a feed's hostings count differs from its hostings"
			);
		}
		for (feed, hostings) in per_feed {
			ensure!(
				FeedUsage::<T>::get(feed).hostings == hostings,
				"a hosted feed's usage does not count its hostings"
			);
		}
		for request in BenchmarkRequests::<T>::iter_values() {
			ensure!(
				!Feeds::<T>::contains_key(request.feed)
					|| FeedUsage::<T>::get(request.feed).requests_until > request.deadline,
				"a feed is not in use until its open request closes"
			);
		}
		ensure!(
			FeedDeposits::<T>::iter_keys().all(Feeds::<T>::contains_key),
			"a deposit outlived its feed"
		);
		ensure!(
			HosterDeposits::<T>::iter_keys().all(Hosters::<T>::contains_key),
			"a deposit outlived its hoster"
		);
		ensure!(
			HostingDeposits::<T>::iter_keys()
				.all(|(who, feed)| Hostings::<T>::contains_key(who, feed)),
			"a deposit outlived its hosting"
		);
		Ok(())
	}

	fn check_schedule() -> Result<(), TryRuntimeError> {
		let count = HostingCount::<T>::get();
		for slot in 0..count {
			let (hoster, feed) = HostingSchedule::<T>::get(slot)
				.ok_or("a schedule slot below HostingCount is empty")?;
			let info =
				Hostings::<T>::get(&hoster, feed).ok_or("a schedule slot names no hosting")?;
			ensure!(info.slot == slot, "a hosting's slot differs from the schedule's");
		}
		ensure!(
			HostingSchedule::<T>::iter_keys().all(|slot| slot < count),
			"a schedule slot at or beyond HostingCount is filled"
		);
		let mut per_hoster: BTreeMap<Vec<u8>, u32> = BTreeMap::new();
		let mut hostings = 0u32;
		for (hoster, _, info) in Hostings::<T>::iter() {
			ensure!(info.slot < count, "a hosting's slot is beyond HostingCount");
			hostings += 1;
			*per_hoster.entry(codec::Encode::encode(&hoster)).or_default() += 1;
		}
		ensure!(hostings == count, "HostingCount differs from the number of hostings");
		for (who, hoster) in Hosters::<T>::iter() {
			let counted = per_hoster.get(&codec::Encode::encode(&who)).copied().unwrap_or(0);
			ensure!(
				hoster.hostings == counted,
				"a hoster's hostings count differs from its hostings"
			);
		}
		Ok(())
	}

	fn check_attestors() -> Result<(), TryRuntimeError> {
		let active = ActiveAttestors::<T>::get();
		for (i, (who, region)) in active.iter().enumerate() {
			ensure!(
				!active[..i].iter().any(|(earlier, _)| earlier == who),
				"an attestor is active twice"
			);
			let attestor =
				Attestors::<T>::get(who).ok_or("an active attestor is not registered")?;
			ensure!(attestor.status == AttestorStatus::Active, "a listed attestor is not Active");
			ensure!(
				attestor.region == *region,
				"an active attestor's region differs from its record"
			);
		}
		for (who, attestor) in Attestors::<T>::iter() {
			let listed = active.iter().any(|(a, _)| *a == who);
			ensure!(
				listed == (attestor.status == AttestorStatus::Active),
				"an Active attestor is not in ActiveAttestors"
			);
			ensure!(
				AttestorKeys::<T>::get(&attestor.key).as_ref() == Some(&who),
				"an attestor's key does not lead back to it"
			);
			ensure!(
				(attestor.status == AttestorStatus::Leaving) == attestor.unbonded_at.is_some(),
				"only a leaving attestor has an unbonding block"
			);
			let held =
				<T::Currency as frame_support::traits::fungible::InspectHold<_>>::balance_on_hold(
					&HoldReason::AttestorBond.into(),
					&who,
				);
			ensure!(held >= attestor.bond, "an attestor's recorded bond is not held");
		}
		for (key, who) in AttestorKeys::<T>::iter() {
			let attestor = Attestors::<T>::get(&who).ok_or("a key signs for no attestor")?;
			ensure!(attestor.key == key, "a key signs for an attestor registered with another");
		}
		Ok(())
	}

	fn check_requests() -> Result<(), TryRuntimeError> {
		let (_, unassigned) = Unassigned::<T>::get();
		for (id, request) in BenchmarkRequests::<T>::iter() {
			if request.attestors.is_empty() {
				ensure!(
					unassigned.contains(&id),
					"a request without a committee is not queued for one"
				);
				continue;
			}
			ensure!(
				RequestsByDeadline::<T>::get(request.deadline).contains(&id),
				"an open request is not listed under its deadline"
			);
			ensure!(
				request.votes.iter().all(|v| request.attestors.contains(&v.attestor)),
				"a request was answered by an attestor not assigned to it"
			);
			ensure!(
				request.votes.len() < request.attestors.len().max(1),
				"a request rated by its whole committee is still open"
			);
		}
		for (deadline, ids) in RequestsByDeadline::<T>::iter() {
			for id in ids {
				if let Some(request) = BenchmarkRequests::<T>::get(id) {
					ensure!(
						request.deadline == deadline,
						"a request is listed under another deadline than its own"
					);
				}
			}
		}
		Ok(())
	}
}
