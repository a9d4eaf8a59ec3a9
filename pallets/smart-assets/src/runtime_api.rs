//! The runtime API of the smart-asset pallet: quotes and pool state for wallets and the node's
//! `wcme_quoteExactIn` / `wcme_quoteExactOut` / `wcme_pool` RPC methods.
//!
//! Called by name through `state_call` (e.g. `SmartAssetsApi_quote_exact_in`) with SCALE-encoded
//! arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `SmartAssetsApi_quote_exact_in` | `(Vec<u32>, u128)`: path, input | `Result<u128, AmmError>` |
//! | `SmartAssetsApi_quote_exact_out` | `(Vec<u32>, u128)`: path, output | `Result<u128, AmmError>` |
//! | `SmartAssetsApi_pool` | `u32`: asset | `Option<PoolView<BlockNumber>>` |
//!
//! `quote_exact_in` returns the output, `quote_exact_out` the input needed.
//!
//! Quotes run the same computation and checks as the swap calls against the state of the block
//! they are made at, except those about the trader (balances, deadline, slippage bounds).

use alloc::vec::Vec;

use crate::types::{AmmError, AssetId, PoolView};

sp_api::decl_runtime_apis! {
    /// Quotes and pool state of the smart-asset AMM.
    pub trait SmartAssetsApi<BlockNumber> where BlockNumber: codec::Codec {
        /// Units of the path's last asset a swap of exactly `amount_in` units of its first asset
        /// would pay out now. `path` as for `swap_exact_in` (`0` = WCME).
        fn quote_exact_in(path: Vec<AssetId>, amount_in: u128) -> Result<u128, AmmError>;

        /// Units of the path's first asset a swap for exactly `amount_out` units of its last asset
        /// would cost now. `path` as for `swap_exact_out` (`0` = WCME).
        fn quote_exact_out(path: Vec<AssetId>, amount_out: u128) -> Result<u128, AmmError>;

        /// The pool of `asset`: reserves, total shares, fees and the TWAP accumulators brought
        /// forward to the current block; `None` if the asset has no pool.
        fn pool(asset: AssetId) -> Option<PoolView<BlockNumber>>;
    }
}
