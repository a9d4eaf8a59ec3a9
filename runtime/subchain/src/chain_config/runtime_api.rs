//! Runtime APIs of the chain-config pallet: how the node (and RPC clients through `state_call`)
//! read the subchain's validator set, consensus kind, base token and account scheme.
//!
//! Method names for `dispatch` / `state_call`: `ValidatorSetApi_validators`,
//! `ValidatorSetApi_validator_set_id`, `ChainConfigApi_consensus_kind`,
//! `ChainConfigApi_base_token`, `ChainConfigApi_account_scheme`; no arguments, SCALE-encoded
//! results.

use alloc::vec::Vec;

use super::{C3nKey, ConsensusKind, SignatureScheme, TokenInfo, ValidatorSetId};

sp_api::decl_runtime_apis! {
    /// The subchain's validator (C3N) set.
    pub trait ValidatorSetApi {
        /// The current validator set, in order (the order Aura's round-robin and the
        /// main chain's proof indices refer to).
        fn validators() -> Vec<C3nKey>;

        /// The id of the current set: 0 at genesis, +1 per change.
        fn validator_set_id() -> ValidatorSetId;
    }

    /// What the subchain's genesis fixed.
    pub trait ChainConfigApi {
        /// The consensus engine the chain runs.
        fn consensus_kind() -> ConsensusKind;

        /// The base token (`None` only before genesis is built).
        fn base_token() -> Option<TokenInfo>;

        /// The signature scheme the chain's accounts sign transactions with (one byte: its
        /// code, 0 sr25519, 1 ed25519, 2 sm2).
        fn account_scheme() -> SignatureScheme;
    }
}
