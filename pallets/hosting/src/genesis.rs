//! Genesis state for dev and test chains: feeds (verified when the chain spec
//! is built), attestors, and hosters registered Active on a feed.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use sp_runtime::{traits::Zero, Perbill};

use crate::{pallet::*, types::*};

/// A feed in the genesis config (verified when the chain spec is built).
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct GenesisFeed<AccountId> {
	/// Publisher.
	pub publisher: AccountId,
	/// Feed key.
	pub key: [u8; 32],
	/// Encoded manifest (manifest mode); `None` for compat mode.
	pub manifest: Option<Vec<u8>>,
	/// Length.
	pub length: u64,
	/// Fork id.
	pub fork: u64,
	/// Roots as (index, size, hash).
	pub roots: Vec<(u64, u64, [u8; 32])>,
	/// Signature as the JS core stores it.
	pub signature: Vec<u8>,
}

/// A hoster in the genesis config (registered Active, hosting its feed).
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct GenesisHoster<AccountId> {
	/// Account.
	pub account: AccountId,
	/// Endpoint URL.
	pub endpoint: Vec<u8>,
	/// Region.
	pub region: Vec<u8>,
	/// Promised availability.
	pub availability: Perbill,
	/// Promised latency (ms).
	pub latency_ms: u32,
	/// Promised bandwidth, in bytes per second.
	pub bandwidth_bytes_per_sec: u64,
	/// Capacity (bytes).
	pub capacity_bytes: u64,
	/// Ed25519 contact key.
	pub contact_key: [u8; 32],
	/// Index into the genesis feeds of the feed it hosts.
	pub feed: FeedId,
}

impl<T: Config> Pallet<T> {
	/// Builds the genesis state. A chain spec with invalid entries must not be
	/// built: the panics here abort genesis, never a running chain.
	pub(crate) fn build_genesis(config: &GenesisConfig<T>) {
		AllowLocalEndpoints::<T>::put(config.allow_local_endpoints);
		for f in &config.feeds {
			let roots: Vec<Node> =
				f.roots.iter().map(|&(index, size, hash)| Node { index, size, hash }).collect();
			let manifest = f
				.manifest
				.clone()
				.map(|m| Manifest::try_from(m).expect("genesis manifest too long"));
			let roots = Roots::try_from(roots).expect("genesis roots too many");
			let signature =
				FeedSignature::try_from(f.signature.clone()).expect("genesis signature too long");
			let feed = Self::verified_feed(
				f.publisher.clone(),
				f.key,
				manifest,
				f.length,
				f.fork,
				roots,
				signature,
			)
			.expect("genesis feed does not verify");
			Self::insert_feed(feed);
		}
		for (account, region, key) in &config.attestors {
			let region: Region =
				region.clone().try_into().expect("genesis attestor region too long");
			Self::do_register_attestor(account.clone(), region, key.clone(), true)
				.expect("genesis attestor invalid (region, key, or bond funds)");
		}

		for h in &config.hosters {
			let form = HosterForm {
				endpoint: h.endpoint.clone().try_into().expect("genesis endpoint too long"),
				region: h.region.clone().try_into().expect("genesis region too long"),
				promised: Promise {
					availability: h.availability,
					latency_ms: h.latency_ms,
					bandwidth_bytes_per_sec: h.bandwidth_bytes_per_sec,
				},
				capacity_bytes: h.capacity_bytes,
				contact_key: h.contact_key,
			};
			assert!(
				crate::endpoint::check_endpoint(&form.endpoint, config.allow_local_endpoints)
					.is_ok() && is_valid_region(&form.region),
				"genesis hoster form"
			);
			assert!(Feeds::<T>::contains_key(h.feed), "genesis hoster feed unknown");
			Hosters::<T>::insert(
				&h.account,
				Hoster {
					form,
					status: HosterStatus::Active,
					registered_at: Zero::zero(),
					hostings: 0,
					registration_feed: h.feed,
				},
			);
			Self::add_hosting(&h.account, h.feed).expect("genesis hosting");
		}
	}
}
