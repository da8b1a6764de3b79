//! Hosters: registration with a form, its updates, leaving, the feeds a hoster
//! hosts (each a slot in the periodic schedule), and its status, which follows
//! its measured figures.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;

use crate::{
	endpoint::{check_endpoint, EndpointError},
	figures::Figures,
	pallet::*,
	qualification::meets_own_promise,
	types::*,
};

impl<T: Config> Pallet<T> {
	/// Registers `who` as a Pending hoster hosting `feed` and requests its
	/// registration benchmark (or queues it, when the block has no room).
	pub(crate) fn do_register_hoster(
		who: T::AccountId,
		form: HosterForm,
		feed: FeedId,
	) -> DispatchResult {
		ensure!(!Hosters::<T>::contains_key(&who), Error::<T>::AlreadyHoster);
		Self::check_form(&form)?;
		ensure!(Feeds::<T>::contains_key(feed), Error::<T>::UnknownFeed);
		let region = form.region.clone();
		let now = frame_system::Pallet::<T>::block_number();
		let hoster = Hoster {
			form,
			status: HosterStatus::Pending,
			registered_at: now,
			hostings: 0,
			registration_feed: feed,
		};
		Self::hold_hoster_deposit(&who, &hoster)?;
		Hosters::<T>::insert(&who, hoster);
		Self::add_hosting(&who, feed)?;
		Self::hold_hosting_deposit(&who, feed)?;
		Self::deposit_event(Event::HosterRegistered { hoster: who.clone(), region, feed });
		Self::request_registration(&who, feed)?;
		Ok(())
	}

	/// Replaces `who`'s form; it is Pending again until its registration
	/// benchmark, requested at once, meets the new promise.
	pub(crate) fn do_update_registration(who: T::AccountId, form: HosterForm) -> DispatchResult {
		let mut hoster = Hosters::<T>::get(&who).ok_or(Error::<T>::NotHoster)?;
		Self::check_form(&form)?;
		ensure!(
			Feeds::<T>::contains_key(hoster.registration_feed),
			Error::<T>::RegistrationFeedGone
		);
		hoster.form = form;
		hoster.status = HosterStatus::Pending;
		let feed = hoster.registration_feed;
		// The form's size may change: so does the deposit.
		Self::hold_hoster_deposit(&who, &hoster)?;
		Hosters::<T>::insert(&who, hoster);
		Self::deposit_event(Event::HosterRegistrationUpdated { hoster: who.clone() });
		Self::request_registration(&who, feed)?;
		Ok(())
	}

	/// Removes `who` as a hoster, with its hostings and figures; returns how
	/// many hostings it had.
	pub(crate) fn do_unregister_hoster(who: T::AccountId) -> Result<u32, DispatchError> {
		ensure!(Hosters::<T>::contains_key(&who), Error::<T>::NotHoster);
		let feeds: Vec<FeedId> = Hostings::<T>::iter_key_prefix(&who)
			.take(T::MaxHostingsPerHoster::get() as usize)
			.collect();
		let removed = feeds.len() as u32;
		for feed in feeds {
			Self::remove_hosting(&who, feed)?;
		}
		Hosters::<T>::remove(&who);
		HosterFigures::<T>::remove(&who);
		Self::dequeue_registration(&who);
		Self::release_hoster_deposit(&who)?;
		Self::deposit_event(Event::HosterUnregistered { hoster: who });
		Ok(removed)
	}

	/// An Active hoster starts hosting `feed`.
	pub(crate) fn do_offer_hosting(who: T::AccountId, feed: FeedId) -> DispatchResult {
		let hoster = Hosters::<T>::get(&who).ok_or(Error::<T>::NotHoster)?;
		ensure!(hoster.status == HosterStatus::Active, Error::<T>::HosterNotActive);
		ensure!(Feeds::<T>::contains_key(feed), Error::<T>::UnknownFeed);
		Self::add_hosting(&who, feed)?;
		Self::hold_hosting_deposit(&who, feed)?;
		Self::deposit_event(Event::HostingOffered { hoster: who, feed });
		Ok(())
	}

	/// `who` stops hosting `feed`.
	pub(crate) fn do_stop_hosting(who: T::AccountId, feed: FeedId) -> DispatchResult {
		ensure!(Hostings::<T>::contains_key(&who, feed), Error::<T>::NotHosting);
		Self::remove_hosting(&who, feed)?;
		Self::deposit_event(Event::HostingStopped { hoster: who, feed });
		Ok(())
	}

	/// The form's endpoint and region are well-formed.
	fn check_form(form: &HosterForm) -> Result<(), Error<T>> {
		check_endpoint(&form.endpoint, AllowLocalEndpoints::<T>::get()).map_err(|e| match e {
			EndpointError::Malformed => Error::<T>::InvalidEndpoint,
			EndpointError::Local => Error::<T>::LocalEndpoint,
		})?;
		ensure!(is_valid_region(&form.region), Error::<T>::InvalidRegion);
		Ok(())
	}

	/// Adds a hosting and its schedule slot (its deposit is the caller's to hold).
	pub(crate) fn add_hosting(who: &T::AccountId, feed: FeedId) -> Result<(), Error<T>> {
		ensure!(!Hostings::<T>::contains_key(who, feed), Error::<T>::AlreadyHosting);
		let mut hoster = Hosters::<T>::get(who).ok_or(Error::<T>::NotHoster)?;
		ensure!(hoster.hostings < T::MaxHostingsPerHoster::get(), Error::<T>::TooManyHostings);
		let slot = HostingCount::<T>::get();
		HostingSchedule::<T>::insert(slot, (who.clone(), feed));
		HostingCount::<T>::put(slot + 1);
		Hostings::<T>::insert(
			who,
			feed,
			HostingInfo { since: frame_system::Pallet::<T>::block_number(), slot },
		);
		hoster.hostings += 1;
		Hosters::<T>::insert(who, hoster);
		FeedUsage::<T>::mutate(feed, |usage| usage.hostings = usage.hostings.saturating_add(1));
		Ok(())
	}

	/// Removes a hosting and releases its deposit; the last schedule slot
	/// moves into its place (O(1)).
	fn remove_hosting(who: &T::AccountId, feed: FeedId) -> DispatchResult {
		let Some(info) = Hostings::<T>::take(who, feed) else { return Ok(()) };
		let last = HostingCount::<T>::get().saturating_sub(1);
		if info.slot != last {
			if let Some(moved) = HostingSchedule::<T>::get(last) {
				Hostings::<T>::mutate(&moved.0, moved.1, |h| {
					if let Some(h) = h {
						h.slot = info.slot
					}
				});
				HostingSchedule::<T>::insert(info.slot, moved);
			}
		}
		HostingSchedule::<T>::remove(last);
		HostingCount::<T>::put(last);
		Hosters::<T>::mutate(who, |h| {
			if let Some(h) = h {
				h.hostings = h.hostings.saturating_sub(1)
			}
		});
		FeedUsage::<T>::mutate(feed, |usage| usage.hostings = usage.hostings.saturating_sub(1));
		Self::release_hosting_deposit(who, feed)
	}

	/// Status follows the figures, judged as `does_qualify` judges them
	/// against the hoster's own promise ([`meets_own_promise`]):
	/// - a Pending hoster becomes Active when its Registration request closes
	///   with at least `CommitteeQuorum` ratings that met its promise and its
	///   figures meet it;
	/// - an Active hoster with at least `SuspensionMinSamples` closed requests
	///   whose figures no longer meet its promise is Suspended;
	/// - a Suspended hoster whose figures meet its promise again is Active.
	///
	/// Returns whether the status changed (only then is the record written).
	pub(crate) fn update_hoster_status(
		who: &T::AccountId,
		hoster: &mut Hoster<BlockNumberFor<T>>,
		kind: BenchmarkKind,
		request_id: RequestId,
		quorum_met_promise: bool,
		figures: &Figures<BlockNumberFor<T>>,
	) -> bool {
		let promised = hoster.form.promised;
		let meets = meets_own_promise(figures, &promised);
		let next = match hoster.status {
			HosterStatus::Pending if kind == BenchmarkKind::Registration => {
				if quorum_met_promise && meets {
					HosterStatus::Active
				} else {
					Self::deposit_event(Event::RegistrationBenchmarkFailed {
						hoster: who.clone(),
						request: request_id,
					});
					HosterStatus::Pending
				}
			},
			HosterStatus::Active if figures.samples >= T::SuspensionMinSamples::get() && !meets => {
				HosterStatus::Suspended
			},
			HosterStatus::Suspended if meets => HosterStatus::Active,
			status => status,
		};
		if next != hoster.status {
			match next {
				HosterStatus::Active => {
					Self::deposit_event(Event::HosterActivated { hoster: who.clone() })
				},
				HosterStatus::Suspended => Self::deposit_event(Event::HosterSuspended {
					hoster: who.clone(),
					availability: figures.availability.mean(),
					promised: promised.availability,
				}),
				HosterStatus::Pending => {},
			}
			hoster.status = next;
			Hosters::<T>::insert(who, hoster.clone());
			return true;
		}
		false
	}

	/// A hoster's status and figures in plain units (`None` if not registered).
	pub fn hoster_figures(who: &T::AccountId) -> Option<FiguresSummary<BlockNumberFor<T>>> {
		let hoster = Hosters::<T>::get(who)?;
		let raw = HosterFigures::<T>::get(who).unwrap_or_default().overall;
		Some(FiguresSummary {
			status: hoster.status,
			availability: raw.availability.mean(),
			reliability: raw.reliability.mean(),
			latency_ms: u32::try_from(raw.latency_ms.mean_units()).unwrap_or(u32::MAX),
			latency_stddev_ms: u32::try_from(raw.latency_ms.stddev_units()).unwrap_or(u32::MAX),
			bandwidth_bytes_per_sec: raw.bandwidth_bytes_per_sec.mean_units(),
			bandwidth_stddev_bytes_per_sec: raw.bandwidth_bytes_per_sec.stddev_units(),
			samples: raw.samples,
			last_update: raw.last_update,
			raw,
		})
	}
}
