//! The small traits through which other pallets talk to this one, and this one to them.
//!
//! - [`SubchainInspect`]: what this pallet asks the subchain registry (a later pallet) about an
//!   issuer. `()` answers "no subchain" for every account, which is what a runtime without the
//!   registry uses.
//! - [`SmartAssetIssuer`]: what the subchain registry calls to issue a subchain's base token as a
//!   smart asset when the subchain registers, instead of touching this pallet's storage.

use alloc::vec::Vec;
use frame_support::weights::Weight;
use sp_runtime::DispatchError;

use crate::types::{AssetId, SubchainId};

/// Read access to the subchain registry, as far as smart assets need it.
pub trait SubchainInspect<AccountId> {
    /// The subchain whose registry account `who` is, if `who` is one.
    ///
    /// Recorded in [`crate::AssetDetails::subchain`] when `who` issues or registers an asset, so
    /// wallets and the cross-chain pallet can tell a subchain's base token from other assets.
    fn subchain_of(who: &AccountId) -> Option<SubchainId>;
}

/// No subchain registry: no account is a subchain account.
impl<AccountId> SubchainInspect<AccountId> for () {
    fn subchain_of(_who: &AccountId) -> Option<SubchainId> {
        None
    }
}

/// Issuing smart assets from another pallet (the subchain registry issues a subchain's base token
/// this way, with the subchain account as issuer).
pub trait SmartAssetIssuer<AccountId> {
    /// Issue a smart asset exactly as [`crate::Pallet::issue`] does for a signed `issuer`: create
    /// `symbol` with `decimals`, mint `supply` into a new pool against `wcme_collateral` WCME taken
    /// from `issuer`, and give `issuer` the pool's shares. Returns the new asset id. Nothing is
    /// changed on error.
    fn issue(
        issuer: &AccountId,
        symbol: Vec<u8>,
        decimals: u8,
        supply: u128,
        wcme_collateral: u128,
    ) -> Result<AssetId, DispatchError>;

    /// Upper bound of the weight of [`SmartAssetIssuer::issue`], for the caller's own weight.
    fn issue_weight() -> Weight;
}
