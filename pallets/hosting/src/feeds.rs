//! Feeds: publishing a feed's signed Merkle tree state, verified on chain, and
//! updating it to a longer one.
//!
//! A feed belongs to whoever holds its signing key, not to the account that
//! published it: the chain accepts any state the key signed, from anyone, and
//! any longer signed state updates it. So an account that publishes someone
//! else's feed first (every hoster serves its signed state) gains nothing:
//! the owner, or anyone carrying the owner's newer state, updates it all the
//! same. The publisher is only the account whose deposit keeps the record.

use frame_support::pallet_prelude::*;
use hypercore_verify::{verify_feed, FeedError, SignedTree, SpIo, VerifiedFeed};

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// The record of a feed `who` publishes, its signed state verified (the
	/// `publish_feed` call and genesis); nothing is stored yet.
	pub(crate) fn verified_feed(
		who: T::AccountId,
		key: [u8; 32],
		manifest: Option<Manifest>,
		length: u64,
		fork: u64,
		roots: Roots,
		signature: FeedSignature,
	) -> Result<FeedOf<T>, Error<T>> {
		ensure!(length > 0, Error::<T>::EmptyFeed);
		ensure!(!FeedByKey::<T>::contains_key(key), Error::<T>::FeedAlreadyPublished);
		let verified = Self::verify_signed_state(
			&key,
			manifest.as_ref().map(|m| &m[..]),
			length,
			fork,
			&roots,
			&signature,
		)?;
		let mode = if manifest.is_some() { KeyMode::Manifest } else { KeyMode::Compat };
		Ok(Feed {
			key,
			signer: verified.signer,
			mode,
			manifest,
			length,
			fork,
			roots,
			signature,
			publisher: who,
			updated_at: frame_system::Pallet::<T>::block_number(),
		})
	}

	/// Publishes a verified feed under the next id (`publish_feed` holds its
	/// deposit first; genesis feeds hold none).
	pub(crate) fn insert_feed(feed: FeedOf<T>) -> FeedId {
		let id = NextFeedId::<T>::get();
		let (key, publisher, length) = (feed.key, feed.publisher.clone(), feed.length);
		Feeds::<T>::insert(id, feed);
		FeedByKey::<T>::insert(key, id);
		NextFeedId::<T>::put(id.saturating_add(1));
		Self::deposit_event(Event::FeedPublished { feed: id, key, publisher, length });
		id
	}

	/// Moves a feed to a longer state signed by the same key, whoever sends
	/// it: the feed's signature is what makes a state the owner's, so nobody
	/// who published it first can freeze it.
	pub(crate) fn do_update_feed(
		feed: FeedId,
		length: u64,
		fork: u64,
		roots: Roots,
		signature: FeedSignature,
	) -> DispatchResult {
		let mut record = Feeds::<T>::get(feed).ok_or(Error::<T>::UnknownFeed)?;
		ensure!(length > record.length, Error::<T>::FeedNotLonger);
		ensure!(fork >= record.fork, Error::<T>::ForkWentBack);
		let verified = Self::verify_signed_state(
			&record.key,
			record.manifest.as_ref().map(|m| &m[..]),
			length,
			fork,
			&roots,
			&signature,
		)?;
		ensure!(verified.signer == record.signer, Error::<T>::InvalidFeedSignature);
		record.length = length;
		record.fork = fork;
		record.roots = roots;
		record.signature = signature;
		record.updated_at = frame_system::Pallet::<T>::block_number();
		Feeds::<T>::insert(feed, record);
		Self::deposit_event(Event::FeedUpdated { feed, length, fork });
		Ok(())
	}

	/// Removes feed `id` for its publisher `who` once nobody hosts it and its
	/// last request has closed; releases its deposit.
	pub(crate) fn do_unpublish_feed(who: T::AccountId, id: FeedId) -> DispatchResult {
		let feed = Feeds::<T>::get(id).ok_or(Error::<T>::UnknownFeed)?;
		ensure!(feed.publisher == who, Error::<T>::NotPublisher);
		let usage = FeedUsage::<T>::get(id);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(usage.hostings == 0 && now > usage.requests_until, Error::<T>::FeedInUse);
		Feeds::<T>::remove(id);
		FeedByKey::<T>::remove(feed.key);
		FeedUsage::<T>::remove(id);
		Self::release_feed_deposit(&who, id)?;
		Self::deposit_event(Event::FeedUnpublished { feed: id, key: feed.key, publisher: who });
		Ok(())
	}

	/// Verifies a feed's signed state with `hypercore-verify` (hashing and
	/// Ed25519 through host functions); maps its errors to the pallet's.
	fn verify_signed_state(
		key: &[u8; 32],
		manifest: Option<&[u8]>,
		length: u64,
		fork: u64,
		roots: &Roots,
		signature: &FeedSignature,
	) -> Result<VerifiedFeed, Error<T>> {
		let mode = if manifest.is_some() { KeyMode::Manifest } else { KeyMode::Compat };
		let tree = SignedTree { key, mode, manifest, length, fork, roots, signature };
		verify_feed::<SpIo>(&tree).map_err(|e| match e {
			FeedError::LengthTooLarge | FeedError::WrongRoots => Error::<T>::InvalidFeedRoots,
			FeedError::MissingManifest
			| FeedError::UnexpectedManifest
			| FeedError::KeyMismatch
			| FeedError::Malformed
			| FeedError::Unsupported(_) => Error::<T>::InvalidManifest,
			FeedError::SignatureLength | FeedError::BadSignature => {
				Error::<T>::InvalidFeedSignature
			},
		})
	}
}
