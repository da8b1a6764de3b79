//! The runtime API of the hosting pallet: what polkadot.js apps ("Developer →
//! Runtime calls"), the hoster CLI and the off-chain worker's clients query.

use alloc::vec::Vec;

use crate::types::{
	AttestorSummary, FiguresSummary, Qualification, RequestView, Requirements, Role,
};

sp_api::decl_runtime_apis! {
	/// Queries of the hosting pallet.
	pub trait HostingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: codec::Codec,
		Balance: codec::Codec,
		BlockNumber: codec::Codec,
	{
		/// Whether `who` qualifies for `role` under `requirements`, and every reason it does not.
		fn does_qualify(who: AccountId, role: Role, requirements: Requirements) -> Qualification;
		/// A hoster's status and figures in plain units (`None` if not registered).
		fn hoster_figures(hoster: AccountId) -> Option<FiguresSummary<BlockNumber>>;
		/// An attestor's record: status, key, bond, answer rate, agreement with
		/// its committees (`None` if not registered).
		fn attestor_figures(
			attestor: AccountId,
		) -> Option<AttestorSummary<AccountId, Balance, BlockNumber>>;
		/// Open benchmark requests assigned to `attestor` that it has not answered.
		fn open_requests_for(attestor: AccountId) -> Vec<RequestView<AccountId, BlockNumber>>;
	}
}
