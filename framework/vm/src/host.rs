//! The boundary to the chain: the [`Host`] trait a contract's host functions call into, and
//! what an execution returns ([`Outcome`]).
//!
//! The pallet implements [`Host`] once per call frame (which contract runs, who called it, with
//! which value); the tests implement it over an in-memory world.

use crate::error::TrapReason;

/// A 32-byte account id, as the contract sees it.
pub type AccountId = [u8; 32];

/// A balance (the chain's `u128`), 16 little-endian bytes in contract memory.
pub type Balance = u128;

/// A 32-byte event topic.
pub type Topic = [u8; 32];

/// Which exported function an execution runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `deploy`: once, when the contract is instantiated on chain.
    Deploy,
    /// `call`: every later call.
    Call,
}

impl Entry {
    /// The export's name.
    pub fn export_name(self) -> &'static str {
        match self {
            Entry::Deploy => "deploy",
            Entry::Call => "call",
        }
    }
}

/// How an execution ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecResult {
    /// The entry function returned, or the contract called `finish`: the output (empty when it
    /// returned without `finish`). The frame's changes stand.
    Returned(Vec<u8>),
    /// The contract called `revert`: its output. The frame's changes must be discarded.
    Reverted(Vec<u8>),
    /// The execution trapped. The frame's changes must be discarded.
    Trapped(TrapReason),
}

impl ExecResult {
    /// Whether the frame's changes stand (`Returned`).
    pub fn is_success(&self) -> bool {
        matches!(self, ExecResult::Returned(_))
    }
}

/// The result of one execution: how it ended and the fuel it used (including nested calls).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Fuel used, at most the limit given.
    pub fuel_used: u64,
    /// How it ended.
    pub result: ExecResult,
}

impl Outcome {
    /// An execution that did not start, for `reason` (uses no fuel).
    pub fn refused(reason: TrapReason) -> Self {
        Self {
            fuel_used: 0,
            result: ExecResult::Trapped(reason),
        }
    }
}

/// A nested call requested by a contract through the `call` host function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallRequest<'a> {
    /// The contract to call.
    pub callee: AccountId,
    /// Value to transfer from the calling contract to the callee with the call.
    pub value: Balance,
    /// Fuel the callee may use (already capped at what the caller has left).
    pub fuel_limit: u64,
    /// The callee's input.
    pub input: &'a [u8],
    /// The callee's depth: the caller's depth + 1 (never above
    /// [`VmConfig::max_call_depth`](crate::VmConfig::max_call_depth)).
    pub depth: u32,
}

/// A value transfer refused by the host (`transfer` returns 1 to the contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    /// The contract's free balance is too low.
    #[error("insufficient balance")]
    InsufficientBalance,
    /// The transfer would leave an account below the chain's minimum balance.
    #[error("below the minimum balance")]
    BelowMinimum,
    /// The host refuses for another reason.
    #[error("transfer refused")]
    Refused,
}

/// What a running contract can see and change: the chain, seen from one call frame.
///
/// The [`Vm`](crate::Vm) calls these methods from the host functions of ABI `wcme_v1`, after
/// checking the contract's arguments against the [`VmConfig`](crate::VmConfig) limits and
/// charging their fuel. The host needs no checks of its own beyond its chain rules.
///
/// # State and rollback
///
/// Everything a frame changes (storage, transfers, events, nested calls that returned) must
/// stand only if the frame's execution [`Returned`](ExecResult::Returned): on
/// [`Reverted`](ExecResult::Reverted) or [`Trapped`](ExecResult::Trapped) the host discards
/// all of it, e.g. by running each frame in its own storage transaction.
///
/// # Reentrancy
///
/// **A contract that is already on the call stack may not be entered again.** The Vm cannot
/// see the call stack across frames, so the host enforces this rule in [`Host::call`]: it keeps
/// the addresses of the frames being executed and answers a call to one of them with
/// [`Outcome::refused`]`(`[`TrapReason::Reentrancy`]`)` without running anything — the caller
/// sees status 2 (failed) and may carry on.
pub trait Host {
    /// The value stored under `key` in the executing contract's own storage, if any.
    fn storage_get(&mut self, key: &[u8]) -> Option<Vec<u8>>;
    /// Stores `value` under `key` in the executing contract's own storage.
    fn storage_set(&mut self, key: &[u8], value: &[u8]);
    /// Removes `key` from the executing contract's own storage.
    fn storage_remove(&mut self, key: &[u8]);
    /// The account that called this frame (a user or the calling contract).
    fn caller(&self) -> AccountId;
    /// The executing contract's own account.
    fn address(&self) -> AccountId;
    /// Value transferred to the contract with this call.
    fn value_transferred(&self) -> Balance;
    /// The executing contract's free balance.
    fn balance(&self) -> Balance;
    /// Transfers `amount` from the executing contract to `to`.
    fn transfer(&mut self, to: &AccountId, amount: Balance) -> Result<(), TransferError>;
    /// Records an event emitted by the executing contract.
    fn deposit_event(&mut self, topics: Vec<Topic>, data: Vec<u8>);
    /// The current block's number.
    fn block_number(&self) -> u64;
    /// The current block's timestamp, in milliseconds since the Unix epoch.
    fn timestamp(&self) -> u64;
    /// Runs a nested call: transfers `request.value` to the callee and executes its `call`
    /// entry with [`Vm::execute`](crate::Vm::execute) at `request.depth`, with
    /// `request.fuel_limit`, and a host for the callee's frame whose caller is this contract.
    ///
    /// Must refuse reentrancy (see the trait docs) and discard the callee's changes unless it
    /// returned. A call the host cannot start returns [`Outcome::refused`] with
    /// [`TrapReason::CallRefused`]. `fuel_used` above `fuel_limit` is capped by the Vm.
    fn call(&mut self, request: CallRequest<'_>) -> Outcome;
}
