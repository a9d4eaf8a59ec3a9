//! The runtime API of the contracts pallet: the dry run, for wallets and the node's RPC.
//!
//! Called by name through `state_call` with SCALE-encoded arguments:
//!
//! | method | arguments | result |
//! |---|---|---|
//! | `ContractsApi_call` | `AccountId32` origin, `AccountId32` dest, `u128` value, `u64` gas limit, `Vec<u8>` input | [`ContractResult`] |

use crate::types::ContractResult;
use alloc::vec::Vec;
use sp_runtime::AccountId32;

sp_api::decl_runtime_apis! {
    /// Dry runs of contract calls.
    pub trait ContractsApi {
        /// Calls `dest` from `origin` with `value`, `gas_limit` fuel and `input` as the `call`
        /// extrinsic would, without writing anything: the result, the gas used, the weight,
        /// the contract events and the storage deposit.
        fn call(
            origin: AccountId32,
            dest: AccountId32,
            value: u128,
            gas_limit: u64,
            input: Vec<u8>,
        ) -> ContractResult;
    }
}
