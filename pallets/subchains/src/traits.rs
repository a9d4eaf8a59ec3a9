//! The small traits through which other pallets talk to the registry, and the registry to them.
//!
//! - [`SubchainGas`]: what the cross-chain pallet calls to drain a subchain's prepaid gas per
//!   audited header and per cross-chain message.
//! - [`SubchainRegistry`]: what the cross-chain pallet reads (status, freeze, validator set,
//!   consensus kind, genesis hash, subchain account) and the `freeze` hook it calls on fork
//!   evidence, which also slashes the signers' bonds.
//! - [`BaseTokenIssuer`]: what the registry calls to issue a subchain's base token as a smart
//!   asset. `()` means "no smart-asset pallet"; a runtime with one forwards to
//!   `pallet_wcme_smart_assets::SmartAssetIssuer` (see `docs/subchains.md`).

use alloc::vec::Vec;
use frame_support::weights::Weight;
use sp_core::H256;
use sp_runtime::DispatchError;

use crate::types::{
    AssetId, Balance, C3nKey, ConsensusKind, SignatureScheme, SubchainId, SubchainStatus,
    ValidatorSetId,
};

/// Draining a subchain's prepaid gas. Each charge needs the subchain to be active, takes the
/// current fee ([`crate::Fees`]) from the gas held on the subchain account, hands it to
/// [`crate::Config::OnGasCharged`] and suspends the subchain if its gas falls below
/// [`crate::Config::MinGasBalance`]. On error nothing is changed.
pub trait SubchainGas {
    /// Charge the header fee for one audited header of `id`; returns the fee.
    fn charge_header(id: SubchainId) -> Result<Balance, DispatchError>;

    /// Charge the message fee for one cross-chain message of `id`; returns the fee.
    fn charge_message(id: SubchainId) -> Result<Balance, DispatchError>;

    /// Upper bound of the weight of one charge, for the caller's own weight.
    fn charge_weight() -> Weight;
}

/// A subchain's current validator set, as the cross-chain pallet needs it to audit headers.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidatorSetInfo {
    /// The subchain's signature scheme (every key is of it).
    pub scheme: SignatureScheme,
    /// The subchain's consensus engine.
    pub consensus: ConsensusKind,
    /// The set's id.
    pub set_id: ValidatorSetId,
    /// The keys, in index order.
    pub keys: Vec<C3nKey>,
}

/// Read access to the registry and the freeze hook.
pub trait SubchainRegistry<AccountId, BlockNumber> {
    /// The lifecycle state of `id`, `None` if no such subchain was registered.
    fn status(id: SubchainId) -> Option<SubchainStatus<BlockNumber>>;

    /// Whether `id` is registered and active (accepting headers and messages).
    fn is_active(id: SubchainId) -> bool {
        Self::status(id).is_some_and(|status| status.is_active())
    }

    /// The current validator set of `id` (kept after retirement, for evidence about its past);
    /// `None` if no such subchain was registered.
    fn validators(id: SubchainId) -> Option<ValidatorSetInfo>;

    /// The account of subchain `id`: holds its gas stake and issued its base token (WCME moved
    /// to the subchain is escrowed elsewhere, by the cross-chain pallet). Derived from the
    /// pallet id, whether or not `id` is registered.
    fn account(id: SubchainId) -> AccountId;

    /// The registered subchain whose account `who` is, if any.
    fn subchain_of(who: &AccountId) -> Option<SubchainId>;

    /// The hash of `id`'s genesis block, as registered; `None` if no such subchain was
    /// registered. The first header audited for `id` must have it as parent.
    fn genesis_hash(id: SubchainId) -> Option<H256>;

    /// Whether `id` is frozen (on evidence or by governance); `false` for unknown ids. A
    /// frozen subchain is also suspended.
    fn is_frozen(id: SubchainId) -> bool;

    /// Freeze `id` on evidence (two conflicting finalized headers pre-committed by
    /// `signers`): it is suspended until governance unfreezes it, and can neither be
    /// deregistered nor refunded meanwhile; the bonds of the `signers` that have one are
    /// slashed. Returns the total slashed. Errors if it is unknown, already frozen, or retired
    /// and refunded; then nothing changes.
    fn freeze(id: SubchainId, signers: &[C3nKey]) -> Result<Balance, DispatchError>;

    /// Upper bound of the weight of [`SubchainRegistry::freeze`] with `signers` signers.
    fn freeze_weight(signers: u32) -> Weight;
}

/// Issuing a subchain's base token as a smart asset, from the registry.
pub trait BaseTokenIssuer<AccountId> {
    /// Whether tokens can be issued at all. `false` makes registrations that ask for a listing
    /// fail with [`crate::Error::NoAssetIssuer`] before anything is written.
    fn enabled() -> bool;

    /// Issue `symbol` with `decimals` as a smart asset whose `supply` units go into a new pool
    /// against `collateral` WCME taken from `issuer` (the subchain account, funded by the
    /// registrant just before), exactly as `pallet_wcme_smart_assets::SmartAssetIssuer::issue`.
    /// Returns the new asset's id; nothing is changed on error.
    fn issue(
        issuer: &AccountId,
        symbol: Vec<u8>,
        decimals: u8,
        supply: u128,
        collateral: Balance,
    ) -> Result<AssetId, DispatchError>;

    /// Upper bound of the weight of [`BaseTokenIssuer::issue`].
    fn issue_weight() -> Weight;
}

/// No smart-asset pallet: nothing can be issued.
impl<AccountId> BaseTokenIssuer<AccountId> for () {
    fn enabled() -> bool {
        false
    }

    fn issue(
        _issuer: &AccountId,
        _symbol: Vec<u8>,
        _decimals: u8,
        _supply: u128,
        _collateral: Balance,
    ) -> Result<AssetId, DispatchError> {
        Err(DispatchError::Other("no smart-asset pallet"))
    }

    fn issue_weight() -> Weight {
        Weight::zero()
    }
}
