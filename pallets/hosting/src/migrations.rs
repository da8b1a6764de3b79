//! Storage migrations of the pallet, each a `VersionedMigration` the runtime
//! lists in its `Migrations`, oldest first.

/// Version 1 → 2: committees and bonded attestors.
///
/// * `Attestors`: each record gains a signing key, a bond and disagreement
///   counts. A version-1 attestor signed ratings with its account's own key,
///   so that key becomes its registered key (and is indexed in
///   `AttestorKeys`); it holds no bond until it resumes after a suspension
///   (which tops the bond up) or re-registers.
/// * `BenchmarkRequests`: an open request keeps its deadline and nonce; its
///   committee is the assigned attestors that had not answered yet (the ones
///   that had are not blamed for silence), with no ratings. It closes at its
///   deadline like any other: without a quorum it is void and tried again with
///   a fresh committee, so no hoster is blamed for the upgrade.
/// * `HosterFigures`: the figures stay; the last rating (a version-1 type) is
///   dropped, the next close records the last verdict.
///
/// One block: version 1 bounded open requests to `MaxRequestsPerBlock ×
/// (ResponseWindow + 1)` and active attestors to `MaxAttestors`; hosters are
/// one read and one write each.
///
/// It writes requests and figures in their version-2 formats
/// ([`super::v3::old`]) and attestors in their version-3 format
/// ([`super::v4::old`]); a chain at version 1 runs [`super::v3`] and
/// [`super::v4`] after it.
pub mod v2 {
	use alloc::vec::Vec;
	use codec::{Decode, Encode, MaxEncodedLen};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use scale_info::TypeInfo;

	use super::{v3::old as v2_format, v4::old as v3_format, v7::old::Figures};
	use crate::{figures::Beta, pallet::*, types::*};

	/// The version-1 types, as they were stored.
	// `storage_alias` generates an undocumented prefix type per alias.
	#[allow(missing_docs)]
	pub mod old {
		use super::*;

		/// A version-1 attestor.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct Attestor<BlockNumber> {
			/// Where it measures from.
			pub region: Region,
			/// Active or Suspended.
			pub status: AttestorStatus,
			/// Decayed answer rate.
			pub reliability: Beta,
			/// Requests answered.
			pub answered: u32,
			/// Requests missed.
			pub missed: u32,
			/// Misses in a row.
			pub consecutive_misses: u32,
			/// When it registered.
			pub registered_at: BlockNumber,
		}

		/// A version-1 request.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		#[scale_info(skip_type_params(MaxAttestors))]
		pub struct BenchmarkRequest<AccountId, BlockNumber, MaxAttestors: Get<u32>> {
			/// The hoster.
			pub hoster: AccountId,
			/// The feed.
			pub feed: FeedId,
			/// Anchor length.
			pub length: u64,
			/// Tree hash at `length`.
			pub tree_hash: [u8; 32],
			/// Chunks, the same for every attestor.
			pub chunks: Chunks,
			/// Challenge.
			pub nonce: [u8; 32],
			/// Assigned attestors.
			pub attestors: BoundedVec<AccountId, MaxAttestors>,
			/// Those that answered.
			pub answered: BoundedVec<AccountId, MaxAttestors>,
			/// Created in.
			pub created: BlockNumber,
			/// Deadline.
			pub deadline: BlockNumber,
			/// Kind.
			pub kind: BenchmarkKind,
		}

		/// A version-1 rating outcome.
		#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub enum RatingOutcome {
			/// Served.
			Normal {
				/// Latency.
				latency_ms: u32,
				/// Bandwidth.
				bandwidth_bytes_per_sec: u64,
				/// Bytes.
				bytes: u64,
				/// Chunks verified.
				chunks_verified: u32,
				/// Contact proof.
				contact_proof: ContactProof,
			},
			/// Timeout.
			Timeout,
			/// Error.
			Error(MeasurementFailure),
		}

		/// A version-1 last rating.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct RatingRecord<AccountId, BlockNumber> {
			/// Request.
			pub request: RequestId,
			/// Attestor.
			pub attestor: AccountId,
			/// Outcome.
			pub outcome: RatingOutcome,
			/// Block.
			pub at: BlockNumber,
		}

		/// A version-1 figures record.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct FiguresRecord<AccountId, BlockNumber> {
			/// Figures.
			pub overall: Figures<BlockNumber>,
			/// Last rating.
			pub last_rating: Option<RatingRecord<AccountId, BlockNumber>>,
		}

		/// Version-1 `Attestors`.
		#[frame_support::storage_alias]
		pub type Attestors<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Attestor<BlockNumberFor<T>>,
		>;

		/// Version-1 `BenchmarkRequests`.
		#[frame_support::storage_alias]
		pub type BenchmarkRequests<T: Config> = StorageMap<
			Pallet<T>,
			Twox64Concat,
			RequestId,
			BenchmarkRequest<
				<T as frame_system::Config>::AccountId,
				BlockNumberFor<T>,
				<T as Config>::AttestorsPerRequest,
			>,
		>;

		/// Version-1 `HosterFigures`.
		#[frame_support::storage_alias]
		pub type HosterFigures<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			FiguresRecord<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>,
		>;
	}

	/// What the checks before the upgrade hand to the checks after it.
	#[derive(Encode, Decode)]
	pub struct Counts {
		attestors: u32,
		requests: u32,
		figures: u32,
	}

	/// The migration's steps, unversioned; run it as [`MigrateV1ToV2`].
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV1ToV2<T> {
		/// Counts the version-1 records (what `pre_upgrade` checks).
		pub fn pre_upgrade_counts() -> Vec<u8> {
			Counts {
				attestors: old::Attestors::<T>::iter_keys().count() as u32,
				requests: old::BenchmarkRequests::<T>::iter_keys().count() as u32,
				figures: old::HosterFigures::<T>::iter_keys().count() as u32,
			}
			.encode()
		}

		/// Every record was translated, none lost (what `post_upgrade`
		/// checks; the invariants are checked after [`super::v3`], once the
		/// records have their current formats).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Counts::decode(&mut &state[..]).map_err(|_| "undecodable counts")?;
			ensure!(
				v3_format::Attestors::<T>::iter().count() as u32 == before.attestors,
				"attestors were lost"
			);
			ensure!(
				v2_format::BenchmarkRequests::<T>::iter().count() as u32 == before.requests,
				"requests were lost"
			);
			ensure!(
				v2_format::HosterFigures::<T>::iter().count() as u32 == before.figures,
				"hoster figures were lost"
			);
			ensure!(Pallet::<T>::on_chain_storage_version() == 2, "the version is not 2");
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut writes = 0u64;
			let mut keys = Vec::new();
			v3_format::Attestors::<T>::translate::<old::Attestor<BlockNumberFor<T>>, _>(
				|who, a| {
					reads += 1;
					writes += 1;
					keys.push((who.clone(), who.clone()));
					Some(v3_format::Attestor {
						region: a.region,
						status: a.status,
						key: who,
						bond: Default::default(),
						reliability: a.reliability,
						answered: a.answered,
						missed: a.missed,
						consecutive_misses: a.consecutive_misses,
						disagreed: 0,
						window_start: a.registered_at,
						window_disagreements: 0,
						registered_at: a.registered_at,
						unbonded_at: None,
					})
				},
			);
			for (key, who) in keys {
				AttestorKeys::<T>::insert(key, who);
				writes += 1;
			}
			v2_format::BenchmarkRequests::<T>::translate::<
				old::BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
				_,
			>(|_, r| {
				reads += 1;
				writes += 1;
				let waiting: Vec<T::AccountId> =
					r.attestors.iter().filter(|a| !r.answered.contains(a)).cloned().collect();
				Some(v2_format::BenchmarkRequest {
					hoster: r.hoster,
					feed: r.feed,
					length: r.length,
					tree_hash: r.tree_hash,
					nonce: r.nonce,
					attestors: BoundedVec::truncate_from(waiting),
					votes: BoundedVec::new(),
					created: r.created,
					deadline: r.deadline,
					kind: r.kind,
					retry: 0,
				})
			});
			v2_format::HosterFigures::<T>::translate::<
				old::FiguresRecord<T::AccountId, BlockNumberFor<T>>,
				_,
			>(|_, f| {
				reads += 1;
				writes += 1;
				Some(v2_format::FiguresRecord { overall: f.overall, last_verdict: None })
			});
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_counts())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 1 → 2, run only on a chain at version 1; sets version 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 → 3: one nonce per round, the contact key kept with each
/// request, and per-region figures inside the hoster's figures record.
///
/// * `BenchmarkRequests`: each request keeps the hoster's current contact key
///   (zero when the hoster is gone: its Normal ratings then fail, and the
///   request closes void at its deadline without blaming the hoster, as it
///   would have).
/// * `HosterFigures`: each record takes the hoster's `RegionalFigures`
///   entries (the [`MAX_REGIONS_PER_HOSTER`] updated most recently); the old
///   map is removed, entries of hosters without a record included.
///
/// One block: open requests are bounded as in version 2, figures records by
/// the hosters, and regional entries by hosters × regions measured.
pub mod v3 {
	use alloc::vec::Vec;
	use codec::{Decode, Encode, MaxEncodedLen};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use scale_info::TypeInfo;

	use super::v7::old::{Figures, FiguresRecord, HosterFigures, RegionFigures};
	use crate::{pallet::*, types::*};

	/// The version-2 types and storage, as they were stored.
	// `storage_alias` generates an undocumented prefix type per alias.
	#[allow(missing_docs)]
	pub mod old {
		use super::*;

		/// A version-2 request.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		#[scale_info(skip_type_params(MaxAttestors))]
		pub struct BenchmarkRequest<AccountId, BlockNumber, MaxAttestors: Get<u32>> {
			/// The hoster.
			pub hoster: AccountId,
			/// The feed.
			pub feed: FeedId,
			/// Anchor length.
			pub length: u64,
			/// Tree hash at `length`.
			pub tree_hash: [u8; 32],
			/// Challenge.
			pub nonce: [u8; 32],
			/// The committee.
			pub attestors: BoundedVec<AccountId, MaxAttestors>,
			/// The ratings received.
			pub votes: BoundedVec<Vote<AccountId>, MaxAttestors>,
			/// Created in.
			pub created: BlockNumber,
			/// Deadline.
			pub deadline: BlockNumber,
			/// Kind.
			pub kind: BenchmarkKind,
			/// Retry count.
			pub retry: u8,
		}

		/// A version-2 figures record.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct FiguresRecord<BlockNumber> {
			/// Overall figures.
			pub overall: Figures<BlockNumber>,
			/// The last verdict.
			pub last_verdict: Option<VerdictRecord<BlockNumber>>,
		}

		/// Version-2 `BenchmarkRequests`.
		#[frame_support::storage_alias]
		pub type BenchmarkRequests<T: Config> = StorageMap<
			Pallet<T>,
			Twox64Concat,
			RequestId,
			BenchmarkRequest<
				<T as frame_system::Config>::AccountId,
				BlockNumberFor<T>,
				<T as Config>::AttestorsPerRequest,
			>,
		>;

		/// Version-2 `HosterFigures`.
		#[frame_support::storage_alias]
		pub type HosterFigures<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			FiguresRecord<BlockNumberFor<T>>,
		>;

		/// Version-2 `RegionalFigures`, removed by version 3.
		#[frame_support::storage_alias]
		pub type RegionalFigures<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Blake2_128Concat,
			Region,
			Figures<BlockNumberFor<T>>,
		>;
	}

	/// What the checks before the upgrade hand to the checks after it.
	#[derive(Encode, Decode)]
	pub struct Counts {
		requests: u32,
		figures: u32,
	}

	/// The migration's steps, unversioned; run it as [`MigrateV2ToV3`].
	pub struct InnerMigrateV2ToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV2ToV3<T> {
		/// Counts the version-2 records (what `pre_upgrade` checks).
		pub fn pre_upgrade_counts() -> Vec<u8> {
			Counts {
				requests: old::BenchmarkRequests::<T>::iter_keys().count() as u32,
				figures: old::HosterFigures::<T>::iter_keys().count() as u32,
			}
			.encode()
		}

		/// Every record was translated, none lost, the old map is gone and the
		/// invariants hold (what `post_upgrade` checks).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Counts::decode(&mut &state[..]).map_err(|_| "undecodable counts")?;
			ensure!(
				super::v5::old::BenchmarkRequests::<T>::iter().count() as u32 == before.requests,
				"requests were lost"
			);
			ensure!(
				HosterFigures::<T>::iter().count() as u32 == before.figures,
				"hoster figures were lost"
			);
			ensure!(
				old::RegionalFigures::<T>::iter_keys().next().is_none(),
				"regional figures remain"
			);
			ensure!(Pallet::<T>::on_chain_storage_version() == 3, "the version is not 3");
			// The pallet's invariants are checked after the last migration
			// ([`super::v7`]): requests are still in their version-4 format here.
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV2ToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut reads = 0u64;
			let mut writes = 0u64;
			super::v5::old::BenchmarkRequests::<T>::translate::<
				old::BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
				_,
			>(|_, r| {
				reads += 2;
				writes += 1;
				let contact_key =
					Hosters::<T>::get(&r.hoster).map(|h| h.form.contact_key).unwrap_or([0; 32]);
				Some(super::v5::old::BenchmarkRequest {
					hoster: r.hoster,
					feed: r.feed,
					length: r.length,
					tree_hash: r.tree_hash,
					nonce: r.nonce,
					contact_key,
					attestors: r.attestors,
					votes: r.votes,
					created: r.created,
					deadline: r.deadline,
					kind: r.kind,
					retry: r.retry,
				})
			});
			HosterFigures::<T>::translate::<old::FiguresRecord<BlockNumberFor<T>>, _>(|who, f| {
				reads += 1;
				writes += 1;
				let mut measured: Vec<(Region, Figures<BlockNumberFor<T>>)> =
					old::RegionalFigures::<T>::drain_prefix(&who).collect();
				reads += measured.len() as u64;
				writes += measured.len() as u64;
				// Most recent first, so the bound keeps the regions measured last.
				measured.sort_by_key(|(_, figures)| core::cmp::Reverse(figures.last_update));
				let regions = measured
					.into_iter()
					.take(MAX_REGIONS_PER_HOSTER as usize)
					.map(|(region, figures)| RegionFigures { region, figures })
					.collect::<Vec<_>>();
				Some(FiguresRecord {
					overall: f.overall,
					regions: BoundedVec::truncate_from(regions),
					last_verdict: f.last_verdict,
				})
			});
			let left = old::RegionalFigures::<T>::clear(u32::MAX, None);
			reads += u64::from(left.loops);
			writes += u64::from(left.unique);
			T::DbWeight::get().reads_writes(reads, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_counts())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 2 → 3, run only on a chain at version 2; sets version 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		InnerMigrateV2ToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3 → 4: attestors count their answers per disagreement window.
///
/// * `Attestors`: each record gains `window_answered`, the answers in its
///   current disagreement window, which disagreements are now weighed against
///   (`MaxDisagreementShare`). The window starts afresh at the upgrade (its
///   disagreements are forgiven), so no attestor is judged on a window whose
///   answers were never counted.
///
/// One block: attestors are bounded by `MaxAttestors` active ones and the
/// leaving and suspended ones, one read and one write each.
pub mod v4 {
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	use crate::{pallet::*, types::*};

	/// The version-3 formats, as the version-1 → 2 migration writes them.
	// `storage_alias` generates an undocumented prefix type per alias.
	#[allow(missing_docs)]
	pub mod old {
		use codec::{Decode, Encode, MaxEncodedLen};
		use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
		use scale_info::TypeInfo;

		use crate::{figures::Beta, pallet::*, types::*};

		/// Version-3 `Attestor`: without `window_answered`.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct Attestor<AccountId, Balance, BlockNumber> {
			/// Where it measures from.
			pub region: Region,
			/// Where it stands.
			pub status: AttestorStatus,
			/// The key its ratings are signed with.
			pub key: AccountId,
			/// What is held as its bond.
			pub bond: Balance,
			/// Decayed answer rate.
			pub reliability: Beta,
			/// Requests answered in time.
			pub answered: u32,
			/// Requests it let expire.
			pub missed: u32,
			/// Requests missed since its last answer.
			pub consecutive_misses: u32,
			/// Disagreements in all.
			pub disagreed: u32,
			/// First block of the current disagreement window.
			pub window_start: BlockNumber,
			/// Disagreements in the current window.
			pub window_disagreements: u32,
			/// When it registered.
			pub registered_at: BlockNumber,
			/// While `Leaving`: the first block its bond may be withdrawn in.
			pub unbonded_at: Option<BlockNumber>,
		}

		/// A version-3 attestor record of the runtime `T`.
		pub type AttestorOf<T> = Attestor<
			<T as frame_system::Config>::AccountId,
			<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance,
			frame_system::pallet_prelude::BlockNumberFor<T>,
		>;

		/// Version-3 `Attestors`.
		#[frame_support::storage_alias]
		pub type Attestors<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			AttestorOf<T>,
		>;
	}

	/// The migration's steps, unversioned; run it as [`MigrateV3ToV4`].
	pub struct InnerMigrateV3ToV4<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV3ToV4<T> {
		/// Counts the version-3 attestors (what `pre_upgrade` checks).
		pub fn pre_upgrade_counts() -> Vec<u8> {
			(old::Attestors::<T>::iter_keys().count() as u32).encode()
		}

		/// Every attestor was translated, none lost, and the invariants hold
		/// (what `post_upgrade` checks).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u32::decode(&mut &state[..]).map_err(|_| "undecodable count")?;
			ensure!(Attestors::<T>::iter().count() as u32 == before, "attestors were lost");
			ensure!(Pallet::<T>::on_chain_storage_version() == 4, "the version is not 4");
			// The pallet's invariants are checked after the last migration
			// ([`super::v7`]): requests are still in their version-4 format here.
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV3ToV4<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let mut translated = 0u64;
			Attestors::<T>::translate::<old::AttestorOf<T>, _>(|_, a| {
				translated += 1;
				Some(Attestor {
					region: a.region,
					status: a.status,
					key: a.key,
					bond: a.bond,
					reliability: a.reliability,
					answered: a.answered,
					missed: a.missed,
					consecutive_misses: a.consecutive_misses,
					disagreed: a.disagreed,
					window_start: now,
					window_disagreements: 0,
					window_answered: 0,
					registered_at: a.registered_at,
					unbonded_at: a.unbonded_at,
				})
			});
			T::DbWeight::get().reads_writes(translated, translated)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_counts())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 3 → 4, run only on a chain at version 3; sets version 4.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		InnerMigrateV3ToV4<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 4 → 5: a request names the endpoint it is measured at.
///
/// * `BenchmarkRequests`: each open request gains `endpoint`, the hoster's
///   endpoint when its committee was drawn, as it already had the contact
///   key. An assigned request takes its hoster's endpoint now (the worker
///   fetched from it until the upgrade); one not yet assigned, or whose hoster
///   left, stays empty (assignment fills it; a request of a hoster that left
///   is never fetched).
///
/// One block: open requests are bounded by `MaxRequestsPerBlock ×
/// (ResponseWindow + 1)`, two reads and one write each.
pub mod v5 {
	use alloc::vec::Vec;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;

	use crate::{pallet::*, types::*};

	/// The version-4 request format, as the version-2 → 3 migration writes it.
	// `storage_alias` generates an undocumented prefix type per alias.
	#[allow(missing_docs)]
	pub mod old {
		use codec::{Decode, Encode, MaxEncodedLen};
		use frame_support::pallet_prelude::*;
		use frame_system::pallet_prelude::BlockNumberFor;
		use scale_info::TypeInfo;

		use crate::{pallet::*, types::*};

		/// A version-4 request: without `endpoint`.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		#[scale_info(skip_type_params(MaxAttestors))]
		pub struct BenchmarkRequest<AccountId, BlockNumber, MaxAttestors: Get<u32>> {
			/// The hoster.
			pub hoster: AccountId,
			/// The feed.
			pub feed: FeedId,
			/// Anchor length.
			pub length: u64,
			/// Tree hash at `length`.
			pub tree_hash: [u8; 32],
			/// Challenge.
			pub nonce: [u8; 32],
			/// Contact key when assigned.
			pub contact_key: [u8; 32],
			/// The committee.
			pub attestors: BoundedVec<AccountId, MaxAttestors>,
			/// The ratings received.
			pub votes: BoundedVec<Vote<AccountId>, MaxAttestors>,
			/// Created in.
			pub created: BlockNumber,
			/// Deadline.
			pub deadline: BlockNumber,
			/// Kind.
			pub kind: BenchmarkKind,
			/// Retry count.
			pub retry: u8,
		}

		/// Version-4 `BenchmarkRequests`.
		#[frame_support::storage_alias]
		pub type BenchmarkRequests<T: Config> = StorageMap<
			Pallet<T>,
			Twox64Concat,
			RequestId,
			BenchmarkRequest<
				<T as frame_system::Config>::AccountId,
				BlockNumberFor<T>,
				<T as Config>::AttestorsPerRequest,
			>,
		>;
	}

	/// The migration's steps, unversioned; run it as [`MigrateV4ToV5`].
	pub struct InnerMigrateV4ToV5<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV4ToV5<T> {
		/// Counts the version-4 requests (what `pre_upgrade` checks).
		pub fn pre_upgrade_counts() -> Vec<u8> {
			(old::BenchmarkRequests::<T>::iter_keys().count() as u32).encode()
		}

		/// Every request was translated, none lost, and the invariants hold
		/// (what `post_upgrade` checks).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = u32::decode(&mut &state[..]).map_err(|_| "undecodable count")?;
			ensure!(BenchmarkRequests::<T>::iter().count() as u32 == before, "requests were lost");
			ensure!(Pallet::<T>::on_chain_storage_version() == 5, "the version is not 5");
			// The invariants are checked after version 6, which counts feeds' use.
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV4ToV5<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut translated = 0u64;
			BenchmarkRequests::<T>::translate::<
				old::BenchmarkRequest<T::AccountId, BlockNumberFor<T>, T::AttestorsPerRequest>,
				_,
			>(|_, r| {
				translated += 1;
				let assigned = !r.attestors.is_empty();
				let endpoint = Hosters::<T>::get(&r.hoster)
					.filter(|_| assigned)
					.map(|h| h.form.endpoint)
					.unwrap_or_default();
				Some(BenchmarkRequest {
					hoster: r.hoster,
					feed: r.feed,
					length: r.length,
					tree_hash: r.tree_hash,
					nonce: r.nonce,
					contact_key: r.contact_key,
					endpoint,
					attestors: r.attestors,
					votes: r.votes,
					created: r.created,
					deadline: r.deadline,
					kind: r.kind,
					retry: r.retry,
				})
			});
			T::DbWeight::get().reads_writes(2 * translated, translated)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_counts())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 4 → 5, run only on a chain at version 4; sets version 5.
	pub type MigrateV4ToV5<T> = VersionedMigration<
		4,
		5,
		InnerMigrateV4ToV5<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 5 → 6: feeds count what uses them, and items hold deposits.
///
/// * `FeedUsage` (new): each feed's hostings, counted from the schedule, and
///   the block by which its last open request closes (its deadline's next
///   block), so that `unpublish_feed` can tell a feed nothing uses.
/// * `FeedDeposits`, `HosterDeposits`, `HostingDeposits` (new) start empty:
///   items kept from before deposits hold none and release none. Whoever
///   changes a hoster's form after the upgrade holds its deposit from then on.
///
/// One block: one read per hosting (the schedule) and per open request (at
/// most `MaxRequestsPerBlock × (ResponseWindow + 2)`), one write per feed in
/// use. At ParityDb's weights (a read 8 µs) the 1 s of a block of this
/// runtime covers some 100,000 hostings; a chain with more would run it as a
/// multi-block migration.
pub mod v6 {
	use alloc::{collections::BTreeMap, vec::Vec};
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use sp_runtime::traits::{One, Saturating};

	use crate::{pallet::*, types::*};

	/// The migration's steps, unversioned; run it as [`MigrateV5ToV6`].
	pub struct InnerMigrateV5ToV6<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV5ToV6<T> {
		/// The hostings and open requests before (what `pre_upgrade` keeps).
		pub fn pre_upgrade_counts() -> Vec<u8> {
			(HostingCount::<T>::get(), BenchmarkRequests::<T>::iter_keys().count() as u32).encode()
		}

		/// Every hosting is counted under its feed, every open request's feed
		/// is in use until the request closes, and the invariants hold (what
		/// `post_upgrade` checks).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let (hostings, requests) =
				<(u32, u32)>::decode(&mut &state[..]).map_err(|_| "undecodable counts")?;
			let counted: u32 = FeedUsage::<T>::iter_values().map(|u| u.hostings).sum();
			ensure!(counted == hostings, "hostings were not all counted");
			ensure!(
				BenchmarkRequests::<T>::iter_keys().count() as u32 == requests,
				"requests changed"
			);
			for request in BenchmarkRequests::<T>::iter_values() {
				ensure!(
					FeedUsage::<T>::get(request.feed).requests_until > request.deadline,
					"a feed with an open request is not in use until it closes"
				);
			}
			ensure!(Pallet::<T>::on_chain_storage_version() == 6, "the version is not 6");
			// The pallet's invariants are checked after the last migration
			// ([`super::v7`]): figures are still in their version-6 format here.
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV5ToV6<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut usage: BTreeMap<FeedId, FeedUse<BlockNumberFor<T>>> = BTreeMap::new();
			let count = HostingCount::<T>::get();
			for slot in 0..count {
				if let Some((_, feed)) = HostingSchedule::<T>::get(slot) {
					let entry = usage.entry(feed).or_default();
					entry.hostings = entry.hostings.saturating_add(1);
				}
			}
			let mut requests = 0u64;
			for request in BenchmarkRequests::<T>::iter_values() {
				requests += 1;
				let closes = request.deadline.saturating_add(One::one());
				let entry = usage.entry(request.feed).or_default();
				entry.requests_until = entry.requests_until.max(closes);
			}
			let written = usage.len() as u64;
			for (feed, feed_use) in usage {
				FeedUsage::<T>::insert(feed, feed_use);
			}
			T::DbWeight::get().reads_writes(1 + u64::from(count) + requests, written)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_counts())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 5 → 6, run only on a chain at version 5; sets version 6.
	pub type MigrateV5ToV6<T> = VersionedMigration<
		5,
		6,
		InnerMigrateV5ToV6<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 6 → 7: figures forget by time, and request budgets are per kind.
///
/// * `HosterFigures`: every figures record (overall and per region) gains
///   the tally of its last block's ratings, which share one unit of
///   evidence; it starts empty, so the next rating opens a new block.
///   Values are kept as they are: from now on the forgetting factor is
///   applied per block elapsed rather than per rating.
/// * `RequestsInBlock` counts the block's requests per kind; the old count
///   (a value only about the block that wrote it) is removed.
/// * `RegistrationQueue`, `QueuedRegistrations`, `RegistrationQueueEnds`,
///   `OnDemandRequests` and `RequestDeposits` (new) start empty.
///
/// Two forms of the same migration:
/// * [`LazyMigrateV6ToV7`], a multi-block migration for `pallet-migrations`
///   (what this repository's runtime runs): the records are translated over
///   as many blocks as they need, each block within the migrator's
///   `MaxServiceWeight`, so the number of hosters is not bounded by a block.
///   While it runs, transactions wait (the migrator admits none) and
///   `on_initialize` touches no request (see [`Pallet::on_initialize`]).
/// * [`MigrateV6ToV7`], the same in one block (`OnRuntimeUpgrade`), for a
///   runtime without `pallet-migrations`: one read and one write per hoster
///   with figures; at ParityDb's weights (a read 8 µs, a write 50 µs) a block
///   of 1 s covers some 15,000 hosters.
pub mod v7 {
	use alloc::vec::Vec;
	use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
	use frame_support::{
		migrations::{MigrationId, SteppedMigration, SteppedMigrationError, VersionedMigration},
		pallet_prelude::*,
		traits::UncheckedOnRuntimeUpgrade,
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use scale_info::TypeInfo;

	use crate::{
		figures::{self, Beta, Ewmv},
		pallet::*,
		types::*,
		weights::WeightInfo,
	};

	/// The version-6 types and storage, as they were stored (the figures of
	/// versions 1 to 6 share this layout).
	// `storage_alias` generates an undocumented prefix type per alias.
	#[allow(missing_docs)]
	pub mod old {
		use super::*;

		/// Version-6 figures: forgetting per rating, no block tally.
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
			/// Availability.
			pub availability: Beta,
			/// Reliability.
			pub reliability: Beta,
			/// Latency.
			pub latency_ms: Ewmv,
			/// Bandwidth.
			pub bandwidth_bytes_per_sec: Ewmv,
			/// Ratings recorded.
			pub samples: u32,
			/// Block of the last rating.
			pub last_update: BlockNumber,
		}

		impl<BlockNumber> Figures<BlockNumber> {
			/// The same figures in the version-7 layout, with an empty block tally.
			pub fn upgraded(self) -> figures::Figures<BlockNumber> {
				figures::Figures {
					availability: self.availability,
					reliability: self.reliability,
					latency_ms: self.latency_ms,
					bandwidth_bytes_per_sec: self.bandwidth_bytes_per_sec,
					samples: self.samples,
					last_update: self.last_update,
					this_block: Default::default(),
				}
			}
		}

		/// Version-6 figures from one region.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct RegionFigures<BlockNumber> {
			/// The region.
			pub region: Region,
			/// Its figures.
			pub figures: Figures<BlockNumber>,
		}

		/// A version-6 figures record.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct FiguresRecord<BlockNumber> {
			/// Overall figures.
			pub overall: Figures<BlockNumber>,
			/// Figures per region.
			pub regions: BoundedVec<RegionFigures<BlockNumber>, ConstU32<MAX_REGIONS_PER_HOSTER>>,
			/// The last verdict.
			pub last_verdict: Option<VerdictRecord<BlockNumber>>,
		}

		/// Version-6 `HosterFigures`.
		#[frame_support::storage_alias]
		pub type HosterFigures<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			FiguresRecord<BlockNumberFor<T>>,
		>;

		/// Version-6 `RequestsInBlock`: (block, requests of all kinds).
		#[frame_support::storage_alias]
		pub type RequestsInBlock<T: Config> =
			StorageValue<Pallet<T>, (BlockNumberFor<T>, u32), ValueQuery>;
	}

	/// A version-6 figures record in the version-7 layout: the same values,
	/// each figures with an empty block tally.
	pub fn upgraded<BlockNumber>(f: old::FiguresRecord<BlockNumber>) -> FiguresRecord<BlockNumber> {
		let regions = f
			.regions
			.into_iter()
			.map(|r| RegionFigures { region: r.region, figures: r.figures.upgraded() })
			.collect::<Vec<_>>();
		FiguresRecord {
			overall: f.overall.upgraded(),
			regions: BoundedVec::truncate_from(regions),
			last_verdict: f.last_verdict,
		}
	}

	/// The migration's steps, unversioned; run it as [`MigrateV6ToV7`].
	pub struct InnerMigrateV6ToV7<T>(core::marker::PhantomData<T>);

	impl<T: Config> InnerMigrateV6ToV7<T> {
		/// Each hoster's version-6 figures (what `pre_upgrade` keeps).
		pub fn pre_upgrade_figures() -> Vec<u8> {
			old::HosterFigures::<T>::iter().collect::<Vec<_>>().encode()
		}

		/// Every record kept its values in the new layout, the old count is
		/// gone and the invariants hold (what `post_upgrade` checks).
		pub fn post_upgrade_checks(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(T::AccountId, old::FiguresRecord<BlockNumberFor<T>>)>::decode(
				&mut &state[..],
			)
			.map_err(|_| "undecodable figures")?;
			ensure!(
				HosterFigures::<T>::iter_keys().count() == before.len(),
				"hoster figures were lost"
			);
			for (who, was) in before {
				let now = HosterFigures::<T>::get(&who).ok_or("a hoster's figures were lost")?;
				ensure!(now.overall == was.overall.upgraded(), "overall figures changed");
				ensure!(now.regions.len() == was.regions.len(), "regions were lost");
				for (new, old) in now.regions.iter().zip(was.regions) {
					ensure!(
						new.region == old.region && new.figures == old.figures.upgraded(),
						"region figures changed"
					);
				}
				ensure!(now.last_verdict == was.last_verdict, "the last verdict changed");
			}
			ensure!(Pallet::<T>::on_chain_storage_version() == 7, "the version is not 7");
			#[cfg(any(feature = "try-runtime", test))]
			Pallet::<T>::do_try_state()?;
			Ok(())
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV6ToV7<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut records = 0u64;
			HosterFigures::<T>::translate::<old::FiguresRecord<BlockNumberFor<T>>, _>(|_, f| {
				records += 1;
				Some(upgraded(f))
			});
			old::RequestsInBlock::<T>::kill();
			T::DbWeight::get().reads_writes(records, records + 1)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::pre_upgrade_figures())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::post_upgrade_checks(state)
		}
	}

	/// Version 6 → 7, run only on a chain at version 6; sets version 7.
	pub type MigrateV6ToV7<T> = VersionedMigration<
		6,
		7,
		InnerMigrateV6ToV7<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;

	/// Where [`LazyMigrateV6ToV7`] stands between two steps.
	#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
	pub enum Progress<AccountId> {
		/// The version was checked and the old request count removed; no
		/// record is translated yet.
		Begun,
		/// Every record up to this hoster's (in the map's order) is translated.
		After(AccountId),
	}

	/// Version 6 → 7 as a multi-block migration (`pallet-migrations`'
	/// `SteppedMigration`): each step translates as many hosters' figures as
	/// its weight meter allows, in the map's order, and the last sets version
	/// 7. On a chain not at version 6 it does nothing. A record that does not
	/// decode as version 6 is left alone (as `translate` would).
	pub struct LazyMigrateV6ToV7<T>(core::marker::PhantomData<T>);

	impl<T: Config> LazyMigrateV6ToV7<T> {
		/// What translating one record may weigh: as much as a request's close,
		/// measured by the benchmarks, which reads the same record, recomputes
		/// and writes it, and reads and writes the request and the hoster's
		/// status besides: an upper bound for one read, one decode, one encode
		/// and one write. Never less than one read and one write.
		pub fn record_weight() -> Weight {
			let close = T::WeightInfo::performance_benchmark_responses_closing(2)
				.saturating_sub(T::WeightInfo::performance_benchmark_responses_closing(1));
			close.max(T::DbWeight::get().reads_writes(2, 1))
		}

		/// What the first step weighs before any record: the version read, the
		/// old count removed.
		pub fn begin_weight() -> Weight {
			T::DbWeight::get().reads_writes(1, 1)
		}
	}

	impl<T: Config> SteppedMigration for LazyMigrateV6ToV7<T> {
		type Cursor = Progress<T::AccountId>;
		type Identifier = MigrationId<14>;

		fn id() -> Self::Identifier {
			MigrationId { pallet_id: *b"pallet-hosting", version_from: 6, version_to: 7 }
		}

		fn step(
			cursor: Option<Self::Cursor>,
			meter: &mut WeightMeter,
		) -> Result<Option<Self::Cursor>, SteppedMigrationError> {
			let per_record = Self::record_weight();
			// What this step needs to make any progress at all.
			let (mut progress, required) = match cursor {
				Some(progress) => (progress, per_record),
				None => {
					let begin = Self::begin_weight();
					if meter.try_consume(begin).is_err() {
						return Err(SteppedMigrationError::InsufficientWeight { required: begin });
					}
					if Pallet::<T>::on_chain_storage_version() != 6 {
						return Ok(None);
					}
					old::RequestsInBlock::<T>::kill();
					(Progress::Begun, begin.saturating_add(per_record))
				},
			};
			// Writing a record in place leaves the iteration's order alone (as `translate`).
			let mut rest = match &progress {
				Progress::Begun => old::HosterFigures::<T>::iter(),
				Progress::After(last) => old::HosterFigures::<T>::iter_from(
					old::HosterFigures::<T>::hashed_key_for(last),
				),
			};
			let mut translated = false;
			loop {
				if meter.try_consume(per_record).is_err() {
					// Every step gets the same meter: one that holds no record never
					// will, and the migrator rolls the step back and fails the
					// migration (a `MaxServiceWeight` too small for one record).
					return if translated {
						Ok(Some(progress))
					} else {
						Err(SteppedMigrationError::InsufficientWeight { required })
					};
				}
				let Some((who, record)) = rest.next() else {
					StorageVersion::new(7).put::<Pallet<T>>();
					return Ok(None);
				};
				HosterFigures::<T>::insert(&who, upgraded(record));
				translated = true;
				progress = Progress::After(who);
			}
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(InnerMigrateV6ToV7::<T>::pre_upgrade_figures())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			InnerMigrateV6ToV7::<T>::post_upgrade_checks(state)
		}
	}
}
