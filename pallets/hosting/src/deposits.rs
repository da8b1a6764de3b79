//! Storage deposits: whoever makes the chain keep a feed, a hoster, a
//! hosting or an on-demand request holds a deposit for it, priced by its
//! encoded size ([`Config::FeedConsideration`], [`Config::HosterConsideration`],
//! [`Config::HostingConsideration`], [`Config::RequestConsideration`]:
//! `Consideration` tickets, in a runtime `HoldConsideration` priced with
//! [`StoragePrice`]), and gets it back when the item goes (`unpublish_feed`,
//! `stop_hosting`, `unregister_hoster`, the request's close).
//! Attestor records are covered by the attestor's bond, which is far larger.
//!
//! The tickets are kept next to their items, under the same keys
//! ([`FeedDeposits`], [`HosterDeposits`], [`HostingDeposits`]). Items from
//! genesis, or from before deposits, have none and release nothing.
//!
//! Footprints, in bytes, are what the item adds to the state, counted so
//! that no later change of the item by someone else can raise its price:
//! - a feed: its record with the most roots a tree has (an update, which
//!   anyone may send, never changes the publisher's deposit), its key index,
//!   its use counters and its ticket;
//! - a hoster: its record (priced again when its form changes), its figures
//!   record at its largest, its place in the registration queue, and its ticket;
//! - a hosting: its record, its schedule slot and its ticket;
//! - an on-demand request: its record at its largest (a full committee's
//!   votes), its place in the per-block lists, its hoster's counter, and its ticket.

use codec::{Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*,
	traits::{Consideration, Footprint, LinearStoragePrice},
};
use frame_system::pallet_prelude::BlockNumberFor;

use crate::{pallet::*, types::*};

/// The price of a footprint that the pallet's constants show: [`Config::DepositBase`]
/// plus [`Config::DepositPerByte`] for each byte. A runtime prices its
/// considerations with it so that what polkadot.js apps shows is what is held.
pub type StoragePrice<T> =
	LinearStoragePrice<<T as Config>::DepositBase, <T as Config>::DepositPerByte, BalanceOf<T>>;

/// A feed's footprint: `feed` with its roots counted at their most.
pub fn feed_footprint<T: Config>(feed: &FeedOf<T>) -> Footprint {
	let record = feed.encoded_size() - feed.roots.encoded_size() + Roots::max_encoded_len();
	let index = <[u8; 32]>::max_encoded_len() + FeedId::max_encoded_len();
	let usage = FeedUse::<BlockNumberFor<T>>::max_encoded_len() + FeedId::max_encoded_len();
	let ticket = T::FeedConsideration::max_encoded_len() + FeedId::max_encoded_len();
	Footprint::from_parts(1, record + index + usage + ticket)
}

/// A hoster's footprint: its record, its figures at their largest, its
/// place in the registration queue, its ticket.
pub fn hoster_footprint<T: Config>(hoster: &Hoster<BlockNumberFor<T>>) -> Footprint {
	let key = T::AccountId::max_encoded_len();
	let figures = FiguresRecord::<BlockNumberFor<T>>::max_encoded_len() + key;
	let queued = 2 * (key + u32::max_encoded_len()) + u8::max_encoded_len();
	let ticket = T::HosterConsideration::max_encoded_len() + key;
	Footprint::from_parts(1, hoster.encoded_size() + key + figures + queued + ticket)
}

/// An on-demand request's footprint: its record at its largest, its ids in
/// the per-block lists, its hoster's counter, its ticket and who holds it.
pub fn request_footprint<T: Config>() -> Footprint {
	let id = RequestId::max_encoded_len();
	let record = crate::requests::RequestOf::<T>::max_encoded_len() + id;
	let lists = 2 * id;
	let counter = T::AccountId::max_encoded_len() + u32::max_encoded_len();
	let ticket = T::RequestConsideration::max_encoded_len() + T::AccountId::max_encoded_len() + id;
	Footprint::from_parts(1, record + lists + counter + ticket)
}

/// A hosting's footprint: its record, its schedule slot, its ticket.
pub fn hosting_footprint<T: Config>() -> Footprint {
	let key = T::AccountId::max_encoded_len() + FeedId::max_encoded_len();
	let record = HostingInfo::<BlockNumberFor<T>>::max_encoded_len() + key;
	let slot = u32::max_encoded_len() + key;
	let ticket = T::HostingConsideration::max_encoded_len() + key;
	Footprint::from_parts(1, record + slot + ticket)
}

impl<T: Config> Pallet<T> {
	/// Holds the deposit of feed `id` from its publisher `who`.
	pub(crate) fn hold_feed_deposit(
		who: &T::AccountId,
		id: FeedId,
		feed: &FeedOf<T>,
	) -> Result<(), Error<T>> {
		let ticket = T::FeedConsideration::new(who, feed_footprint::<T>(feed))
			.map_err(|_| Error::<T>::CannotAffordDeposit)?;
		FeedDeposits::<T>::insert(id, ticket);
		Ok(())
	}

	/// Releases the deposit of feed `id` to its publisher `who`, if it has one.
	pub(crate) fn release_feed_deposit(who: &T::AccountId, id: FeedId) -> DispatchResult {
		match FeedDeposits::<T>::take(id) {
			Some(ticket) => ticket.drop(who),
			None => Ok(()),
		}
	}

	/// Holds (or, after a change of form, adjusts) hoster `who`'s deposit for `hoster`.
	pub(crate) fn hold_hoster_deposit(
		who: &T::AccountId,
		hoster: &Hoster<BlockNumberFor<T>>,
	) -> Result<(), Error<T>> {
		let footprint = hoster_footprint::<T>(hoster);
		let ticket = match HosterDeposits::<T>::take(who) {
			Some(ticket) => ticket.update(who, footprint),
			None => T::HosterConsideration::new(who, footprint),
		}
		.map_err(|_| Error::<T>::CannotAffordDeposit)?;
		HosterDeposits::<T>::insert(who, ticket);
		Ok(())
	}

	/// Releases hoster `who`'s deposit, if it has one.
	pub(crate) fn release_hoster_deposit(who: &T::AccountId) -> DispatchResult {
		match HosterDeposits::<T>::take(who) {
			Some(ticket) => ticket.drop(who),
			None => Ok(()),
		}
	}

	/// Holds the deposit of `who`'s hosting of `feed`.
	pub(crate) fn hold_hosting_deposit(who: &T::AccountId, feed: FeedId) -> Result<(), Error<T>> {
		let ticket = T::HostingConsideration::new(who, hosting_footprint::<T>())
			.map_err(|_| Error::<T>::CannotAffordDeposit)?;
		HostingDeposits::<T>::insert(who, feed, ticket);
		Ok(())
	}

	/// Holds the deposit of on-demand request `id` from `who`, who asked for it.
	pub(crate) fn hold_request_deposit(who: &T::AccountId, id: RequestId) -> Result<(), Error<T>> {
		let ticket = T::RequestConsideration::new(who, request_footprint::<T>())
			.map_err(|_| Error::<T>::CannotAffordDeposit)?;
		RequestDeposits::<T>::insert(id, (who.clone(), ticket));
		Ok(())
	}

	/// Releases the deposit of request `id` to whoever asked, if it has one.
	pub(crate) fn release_request_deposit(id: RequestId) {
		if let Some((who, ticket)) = RequestDeposits::<T>::take(id) {
			if let Err(e) = ticket.drop(&who) {
				// Cannot happen: the ticket holds what it names.
				log::error!(target: crate::LOG_TARGET, "request {id}: deposit not released: {e:?}");
			}
		}
	}

	/// Moves the deposit of request `from` to `to`, which tries it again.
	pub(crate) fn move_request_deposit(from: RequestId, to: RequestId) {
		if let Some(deposit) = RequestDeposits::<T>::take(from) {
			RequestDeposits::<T>::insert(to, deposit);
		}
	}

	/// Releases the deposit of `who`'s hosting of `feed`, if it has one.
	pub(crate) fn release_hosting_deposit(who: &T::AccountId, feed: FeedId) -> DispatchResult {
		match HostingDeposits::<T>::take(who, feed) {
			Some(ticket) => ticket.drop(who),
			None => Ok(()),
		}
	}
}
