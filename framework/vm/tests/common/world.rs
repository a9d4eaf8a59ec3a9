//! The test double of the pallet: an in-memory chain with contracts, per-contract storage,
//! balances and events, a [`Frame`] host per call frame that rolls back what a failed frame
//! changed, and the reentrancy rule. One file for the crate's unit tests (`src/tests`, through
//! `extern crate self as wcme_vm`) and its integration tests (`tests/common`).

#![allow(dead_code)]

use std::{collections::BTreeMap, sync::Arc};

use wcme_vm::{
    AccountId, Balance, CallRequest, Entry, Host, Outcome, Topic, TransferError, TrapReason, Vm,
    VmConfig, code_hash,
};

/// The chain state a contract can change (snapshotted per frame for rollback).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Storage per contract: (contract, key) → value.
    pub storage: BTreeMap<(AccountId, Vec<u8>), Vec<u8>>,
    pub balances: BTreeMap<AccountId, Balance>,
    /// (emitting contract, topics, data).
    pub events: Vec<(AccountId, Vec<Topic>, Vec<u8>)>,
}

/// An in-memory chain.
pub struct World {
    pub vm: Arc<Vm>,
    /// Code per contract address.
    pub contracts: BTreeMap<AccountId, Vec<u8>>,
    pub state: State,
    pub block_number: u64,
    pub timestamp: u64,
    /// Host calls seen by [`Frame::call`] (callee, depth), never rolled back.
    pub call_log: Vec<(AccountId, u32)>,
}

pub const ALICE: AccountId = [0xa1; 32];

pub fn account(byte: u8) -> AccountId {
    [byte; 32]
}

impl World {
    pub fn new(vm: Vm) -> Self {
        Self::with_vm(Arc::new(vm))
    }

    /// A world on a Vm shared with other worlds (and its module cache).
    pub fn with_vm(vm: Arc<Vm>) -> Self {
        Self {
            vm,
            contracts: BTreeMap::new(),
            state: State::default(),
            block_number: 42,
            timestamp: 1_700_000_000_000,
            call_log: Vec::new(),
        }
    }

    pub fn with_contract(mut self, address: AccountId, code: Vec<u8>) -> Self {
        self.contracts.insert(address, code);
        self
    }

    /// A call from `ALICE` to `address` (depth 0).
    pub fn call(&mut self, address: AccountId, value: Balance, input: &[u8], fuel: u64) -> Outcome {
        self.run(ALICE, address, value, Entry::Call, input, fuel)
    }

    pub fn run(
        &mut self,
        caller: AccountId,
        address: AccountId,
        value: Balance,
        entry: Entry,
        input: &[u8],
        fuel: u64,
    ) -> Outcome {
        let World {
            vm,
            contracts,
            state,
            block_number,
            timestamp,
            call_log,
        } = self;
        let context = Context {
            vm,
            contracts,
            block_number: *block_number,
            timestamp: *timestamp,
        };
        run_frame(
            &context,
            state,
            call_log,
            Vec::new(),
            caller,
            address,
            value,
            entry,
            input,
            fuel,
            0,
        )
    }

    pub fn storage(&self, contract: AccountId, key: &[u8]) -> Option<&Vec<u8>> {
        self.state.storage.get(&(contract, key.to_vec()))
    }

    pub fn balance(&self, account: AccountId) -> Balance {
        self.state.balances.get(&account).copied().unwrap_or(0)
    }
}

/// What every frame shares read-only.
struct Context<'w> {
    vm: &'w Vm,
    contracts: &'w BTreeMap<AccountId, Vec<u8>>,
    block_number: u64,
    timestamp: u64,
}

/// Runs one frame: refuses reentrancy, transfers the value, executes, rolls back on failure.
#[allow(clippy::too_many_arguments)]
fn run_frame(
    context: &Context<'_>,
    state: &mut State,
    call_log: &mut Vec<(AccountId, u32)>,
    mut stack: Vec<AccountId>,
    caller: AccountId,
    address: AccountId,
    value: Balance,
    entry: Entry,
    input: &[u8],
    fuel: u64,
    depth: u32,
) -> Outcome {
    if stack.contains(&address) {
        return Outcome::refused(TrapReason::Reentrancy);
    }
    let Some(code) = context.contracts.get(&address) else {
        return Outcome::refused(TrapReason::CallRefused);
    };
    let snapshot = state.clone();
    if value > 0 && move_balance(state, caller, address, value).is_err() {
        return Outcome::refused(TrapReason::CallRefused);
    }
    stack.push(address);
    let mut frame = Frame {
        context,
        state,
        call_log,
        stack,
        caller,
        address,
        value,
    };
    let outcome = context.vm.execute(
        &code_hash(code),
        code,
        entry,
        input,
        fuel,
        depth,
        &mut frame,
    );
    if !outcome.result.is_success() {
        *state = snapshot;
    }
    outcome
}

fn move_balance(
    state: &mut State,
    from: AccountId,
    to: AccountId,
    amount: Balance,
) -> Result<(), TransferError> {
    let from_balance = state.balances.get(&from).copied().unwrap_or(0);
    let left = from_balance
        .checked_sub(amount)
        .ok_or(TransferError::InsufficientBalance)?;
    state.balances.insert(from, left);
    *state.balances.entry(to).or_insert(0) += amount;
    Ok(())
}

/// The host of one call frame.
pub struct Frame<'a, 'w> {
    context: &'a Context<'w>,
    state: &'a mut State,
    call_log: &'a mut Vec<(AccountId, u32)>,
    /// Contracts on the call stack, this one last.
    stack: Vec<AccountId>,
    caller: AccountId,
    address: AccountId,
    value: Balance,
}

impl Host for Frame<'_, '_> {
    fn storage_get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        self.state
            .storage
            .get(&(self.address, key.to_vec()))
            .cloned()
    }

    fn storage_set(&mut self, key: &[u8], value: &[u8]) {
        self.state
            .storage
            .insert((self.address, key.to_vec()), value.to_vec());
    }

    fn storage_remove(&mut self, key: &[u8]) {
        self.state.storage.remove(&(self.address, key.to_vec()));
    }

    fn caller(&self) -> AccountId {
        self.caller
    }

    fn address(&self) -> AccountId {
        self.address
    }

    fn value_transferred(&self) -> Balance {
        self.value
    }

    fn balance(&self) -> Balance {
        self.state.balances.get(&self.address).copied().unwrap_or(0)
    }

    fn transfer(&mut self, to: &AccountId, amount: Balance) -> Result<(), TransferError> {
        move_balance(self.state, self.address, *to, amount)
    }

    fn deposit_event(&mut self, topics: Vec<Topic>, data: Vec<u8>) {
        self.state.events.push((self.address, topics, data));
    }

    fn block_number(&self) -> u64 {
        self.context.block_number
    }

    fn timestamp(&self) -> u64 {
        self.context.timestamp
    }

    fn call(&mut self, request: CallRequest<'_>) -> Outcome {
        self.call_log.push((request.callee, request.depth));
        run_frame(
            self.context,
            self.state,
            self.call_log,
            self.stack.clone(),
            self.address,
            request.callee,
            request.value,
            Entry::Call,
            request.input,
            request.fuel_limit,
            request.depth,
        )
    }
}

/// Runs `f` on a thread with enough native stack for nested calls and compilation inside host
/// functions (`VmConfig::native_stack_required`; test threads have 2 MiB).
pub fn with_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(VmConfig::default().native_stack_required())
            .spawn_scoped(scope, f)
            .unwrap()
            .join()
            .unwrap()
    })
}
