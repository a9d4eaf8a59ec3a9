//! The records the pallet stores and what its calls and the dry run return.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, storage::ChildInfo, traits::ConstU32};
use scale_info::TypeInfo;
use sp_runtime::{AccountId32, DispatchError};
use wcme_vm::{ExecResult, HostLimit, TrapReason};

/// A code hash: blake2-256 of the code (the Vm's module-cache key).
pub type CodeHash = [u8; 32];

/// Balances, as the Vm sees them.
pub type Balance = u128;

/// An uploaded code's record ([`crate::CodeInfoOf`]).
#[derive(
    Clone, Encode, Decode, DecodeWithMemTracking, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct CodeInfo<AccountId> {
    /// Who uploaded it: pays the code deposit and alone may remove it.
    pub owner: AccountId,
    /// The code deposit, held on `owner` ([`crate::HoldReason::CodeDeposit`]).
    pub deposit: Balance,
    /// How many contracts run this code; it can be removed only at 0.
    pub refcount: u64,
    /// The code's length in bytes.
    pub code_len: u32,
}

/// Prefix of every contract's trie id: the trie id is `TRIE_ID_PREFIX ‖ contract address`.
pub const TRIE_ID_PREFIX: &[u8] = b"wcme/contract/";

/// Longest trie id ([`TRIE_ID_PREFIX`] and a 32-byte address fit with room to spare).
pub const MAX_TRIE_ID_LEN: u32 = 64;

/// The id of a contract's child trie: the unprefixed storage key of its default child trie
/// (stored in the main trie under `:child_storage:default:` ‖ trie id).
pub type TrieId = BoundedVec<u8, ConstU32<MAX_TRIE_ID_LEN>>;

/// The trie id of the contract at `contract`: `TRIE_ID_PREFIX ‖ contract` (46 bytes).
///
/// Deterministic (every node derives the same) and unique: contract addresses are unique
/// (instantiation refuses an address already in [`crate::ContractInfoOf`], and contracts are
/// never removed), and the concatenation with a fixed prefix is injective, so no two contracts
/// share a trie and no hash collision needs to be ruled out.
pub fn trie_id(contract: &AccountId32) -> TrieId {
    let address: &[u8; 32] = contract.as_ref();
    let mut id = Vec::with_capacity(TRIE_ID_PREFIX.len().saturating_add(address.len()));
    id.extend_from_slice(TRIE_ID_PREFIX);
    id.extend_from_slice(address);
    // 46 bytes, within `MAX_TRIE_ID_LEN`: never truncated.
    TrieId::truncate_from(id)
}

/// A contract's record ([`crate::ContractInfoOf`]).
#[derive(
    Clone, Encode, Decode, DecodeWithMemTracking, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct ContractInfo {
    /// The code it runs.
    pub code_hash: CodeHash,
    /// The id of the contract's storage: a default child trie ([`trie_id`], [`Self::child_info`]).
    pub trie_id: TrieId,
    /// Bytes of its storage: the sum of key and value lengths (the keys as the contract gave
    /// them, not their 32-byte hashes in the trie).
    pub storage_bytes: u64,
    /// Number of its storage entries.
    pub storage_items: u64,
    /// The storage deposit held on the contract account
    /// ([`crate::HoldReason::StorageDeposit`]).
    pub storage_deposit: Balance,
}

impl ContractInfo {
    /// The contract's child trie.
    pub fn child_info(&self) -> ChildInfo {
        ChildInfo::new_default(&self.trie_id)
    }
}

/// Why an execution trapped, as stored and returned (mirrors [`TrapReason`]).
#[derive(
    Clone,
    Copy,
    Encode,
    Decode,
    DecodeWithMemTracking,
    PartialEq,
    Eq,
    Debug,
    TypeInfo,
    MaxEncodedLen,
)]
pub enum Trap {
    /// The gas (fuel) limit was reached; all of it was used.
    OutOfGas,
    /// The Wasm stack was exhausted (deep recursion).
    StackOverflow,
    /// A load or store outside the contract's memory.
    MemoryOutOfBounds,
    /// A host function was given a region outside the contract's memory.
    HostMemoryOutOfBounds,
    /// Instantiation beyond the memory or table limits.
    ResourceLimit,
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division by zero.
    IntegerDivisionByZero,
    /// Integer overflow.
    IntegerOverflow,
    /// `call_indirect` to a null element.
    IndirectCallToNull,
    /// `call_indirect` signature mismatch.
    BadSignature,
    /// Table access out of bounds.
    TableOutOfBounds,
    /// A host function argument over its limit (key, value, topics, event data, I/O).
    HostLimit,
    /// The call-depth limit was exceeded.
    CallDepth,
    /// A contract already on the call stack was called again.
    Reentrancy,
    /// A nested call could not be started.
    CallRefused,
    /// The code failed validation or compilation.
    InvalidCode,
    /// The code did not hash to its code hash.
    CodeHashMismatch,
    /// Another trap (a wasmtime trap code, or 255 for an engine error).
    Other(u8),
}

impl From<&TrapReason> for Trap {
    fn from(reason: &TrapReason) -> Self {
        match reason {
            TrapReason::OutOfFuel => Trap::OutOfGas,
            TrapReason::StackOverflow => Trap::StackOverflow,
            TrapReason::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
            TrapReason::HostMemoryOutOfBounds { .. } => Trap::HostMemoryOutOfBounds,
            TrapReason::ResourceLimit => Trap::ResourceLimit,
            TrapReason::Unreachable => Trap::Unreachable,
            TrapReason::IntegerDivisionByZero => Trap::IntegerDivisionByZero,
            TrapReason::IntegerOverflow => Trap::IntegerOverflow,
            TrapReason::IndirectCallToNull => Trap::IndirectCallToNull,
            TrapReason::BadSignature => Trap::BadSignature,
            TrapReason::TableOutOfBounds => Trap::TableOutOfBounds,
            TrapReason::HostLimit(
                HostLimit::KeyTooLong { .. }
                | HostLimit::ValueTooLong { .. }
                | HostLimit::TooManyTopics { .. }
                | HostLimit::EventDataTooLong { .. }
                | HostLimit::IoTooLong { .. },
            ) => Trap::HostLimit,
            TrapReason::CallDepth => Trap::CallDepth,
            TrapReason::Reentrancy => Trap::Reentrancy,
            TrapReason::CallRefused => Trap::CallRefused,
            TrapReason::InvalidCode => Trap::InvalidCode,
            TrapReason::CodeHashMismatch => Trap::CodeHashMismatch,
            TrapReason::Other(code) => Trap::Other(*code),
        }
    }
}

/// How an execution ended, as returned by the dry run.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, PartialEq, Eq, Debug, TypeInfo)]
pub enum ExecReturn {
    /// The contract returned this output; its changes stand (in a real call).
    Returned(Vec<u8>),
    /// The contract reverted with this output; its changes were discarded.
    Reverted(Vec<u8>),
    /// The contract trapped; its changes were discarded.
    Trapped(Trap),
}

impl From<&ExecResult> for ExecReturn {
    fn from(result: &ExecResult) -> Self {
        match result {
            ExecResult::Returned(output) => ExecReturn::Returned(output.clone()),
            ExecResult::Reverted(output) => ExecReturn::Reverted(output.clone()),
            ExecResult::Trapped(reason) => ExecReturn::Trapped(reason.into()),
        }
    }
}

/// An event a contract emitted (`emit_event`).
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, PartialEq, Eq, Debug, TypeInfo)]
pub struct ContractEvent {
    /// The emitting contract.
    pub contract: AccountId32,
    /// Its topics (at most the Vm's `max_event_topics`).
    pub topics: Vec<[u8; 32]>,
    /// Its data.
    pub data: Vec<u8>,
}

/// What the dry run ([`crate::Pallet::bare_call`], `ContractsApi_call`) returns.
#[derive(Clone, Encode, Decode, DecodeWithMemTracking, PartialEq, Eq, Debug, TypeInfo)]
pub struct ContractResult {
    /// How the execution ended, or why the call could not start (no contract, transfer
    /// refused, …) or failed after the execution (storage deposit not payable).
    pub result: Result<ExecReturn, DispatchError>,
    /// Gas (fuel) used, nested calls included.
    pub gas_used: u64,
    /// The weight the same call would be charged as an extrinsic (`ref_time` and `proof_size`).
    pub weight_required: (u64, u64),
    /// The events the contracts emitted in frames that returned (empty unless the whole call
    /// returned).
    pub events: Vec<ContractEvent>,
    /// The storage deposit the call would charge (positive) or refund (negative) to the
    /// caller, summed over the contracts it changed.
    pub storage_deposit: i128,
}
