//! Running contracts: the top-level call or instantiation, one storage transaction per call
//! frame, the [`Host`] over the chain (contract storage in the contract's child trie), and the
//! storage-deposit settlement.

use crate::{
    Balance, CodeHash, CodeInfoOf, Config, ContractEvent, ContractInfo, ContractInfoOf, Error,
    HoldReason, MAX_KEY_LEN, MAX_VALUE_LEN, PristineCode,
};
use alloc::vec::Vec;
use frame_support::{
    storage::{ChildInfo, TransactionOutcome, child, with_storage_layer, with_transaction},
    traits::{
        Get, UnixTime,
        fungible::{Inspect, Mutate, MutateHold},
        tokens::{Fortitude, Precision, Preservation, Restriction},
    },
};
use sp_runtime::{AccountId32, DispatchError, traits::UniqueSaturatedInto};
use wcme_vm::{
    AccountId as VmAccount, CallRequest, Entry, ExecResult, Host, Outcome, Topic, TransferError,
    TrapReason, Vm,
};

/// What a top-level call or instantiation did.
pub(crate) struct TopOutcome {
    /// Fuel used (0 if it could not start).
    pub fuel_used: u64,
    /// How the outermost frame ended, or why the call could not start or settle.
    pub result: Result<ExecResult, DispatchError>,
    /// Events emitted by frames that returned (empty unless the whole call returned).
    pub events: Vec<ContractEvent>,
    /// Storage-deposit changes: (contract, payer, amount; negative = refund).
    pub deposits: Vec<(AccountId32, AccountId32, i128)>,
    /// Net storage deposit charged to the signer.
    pub storage_deposit: i128,
}

/// State shared by every frame of one top-level call.
struct Execution<'v> {
    vm: &'v Vm,
    /// Contracts being executed, outermost first (the reentrancy rule).
    stack: Vec<VmAccount>,
    events: Vec<ContractEvent>,
    /// Contracts whose storage may have changed (settled at the end).
    touched: Vec<AccountId32>,
    block_number: u64,
    timestamp: u64,
}

/// Runs `input` against `dest` from `origin` with `value` and `gas_limit` fuel: the `deploy`
/// entry of a new contract of `instantiate` code, or the `call` entry of an existing one. All
/// of it in one storage transaction, committed only if `commit` and the outermost frame
/// returned and the storage deposits were paid.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_top<T: Config>(
    vm: &Vm,
    origin: &AccountId32,
    dest: &AccountId32,
    value: Balance,
    gas_limit: u64,
    input: &[u8],
    instantiate: Option<CodeHash>,
    commit: bool,
) -> TopOutcome {
    let mut execution = Execution {
        vm,
        stack: Vec::new(),
        events: Vec::new(),
        touched: Vec::new(),
        block_number: frame_system::Pallet::<T>::block_number().unique_saturated_into(),
        timestamp: T::Time::now().as_millis().try_into().unwrap_or(u64::MAX),
    };
    let mut fuel_used = 0;
    let mut deposits = Vec::new();
    let result = with_transaction(|| {
        let result = (|| -> Result<ExecResult, DispatchError> {
            let entry = match instantiate {
                Some(code_hash) => {
                    create_contract::<T>(origin, dest, code_hash)?;
                    execution.touched.push(dest.clone());
                    Entry::Deploy
                }
                None => Entry::Call,
            };
            let info = ContractInfoOf::<T>::get(dest).ok_or(Error::<T>::ContractNotFound)?;
            let outcome = run_frame::<T>(
                &mut execution,
                origin,
                dest,
                &info,
                value,
                entry,
                input,
                gas_limit,
                0,
                false,
            )?;
            fuel_used = outcome.fuel_used;
            if outcome.result.is_success() {
                deposits = settle_deposits::<T>(origin, &execution.touched)?;
            }
            Ok(outcome.result)
        })();
        match result {
            Ok(ref exec) if commit && exec.is_success() => TransactionOutcome::Commit(Ok(result)),
            _ => TransactionOutcome::Rollback(Ok(result)),
        }
    })
    .unwrap_or_else(|error: DispatchError| Err(error));
    let result = match result {
        Err(error)
            if error == DispatchError::from(sp_runtime::TransactionalError::LimitReached) =>
        {
            Err(Error::<T>::TransactionDepthExceeded.into())
        }
        other => other,
    };
    let succeeded = matches!(result, Ok(ExecResult::Returned(_)));
    if !succeeded {
        execution.events.clear();
        deposits.clear();
    }
    let storage_deposit = deposits
        .iter()
        .fold(0i128, |sum, (_, _, amount)| sum.saturating_add(*amount));
    TopOutcome {
        fuel_used,
        result,
        events: execution.events,
        deposits,
        storage_deposit,
    }
}

/// Records a new contract at `dest` running `code_hash` and funds it with the existential
/// deposit from `origin` (without running its `deploy`: the benchmarks use this to set up a
/// contract whose module is not in the Vm's in-memory cache).
pub(crate) fn create_contract<T: Config>(
    origin: &AccountId32,
    dest: &AccountId32,
    code_hash: CodeHash,
) -> Result<(), DispatchError> {
    let mut code = CodeInfoOf::<T>::get(code_hash).ok_or(Error::<T>::CodeNotFound)?;
    code.refcount = code.refcount.saturating_add(1);
    CodeInfoOf::<T>::insert(code_hash, code);
    ContractInfoOf::<T>::insert(
        dest,
        ContractInfo {
            code_hash,
            trie_id: crate::trie_id(dest),
            storage_bytes: 0,
            storage_items: 0,
            storage_deposit: 0,
        },
    );
    let minimum = T::Currency::minimum_balance();
    T::Currency::transfer(origin, dest, minimum, Preservation::Preserve)
        .map_err(|_| Error::<T>::TransferFailed)?;
    Ok(())
}

/// Runs one frame of contract `dest` (record `info`) called by `caller` with `value`, in its
/// own storage transaction committed only if it returned. `Err` only if the frame could not
/// start (value not transferable, code missing, transaction limit).
///
/// With `charge_load` (nested calls) the frame first pays
/// [`Pallet::load_fuel`](crate::Pallet::load_fuel) of its code's length out of `fuel`, whether
/// or not the Vm has the module in its in-memory cache (the cache is not consensus): loading
/// the compiled module from the node's artifact store. With less fuel than that it runs out of
/// gas, using all of `fuel`, before anything happens. A top-level call or instantiation pays
/// the load in its weight instead ([`crate::WeightInfo`]).
#[allow(clippy::too_many_arguments)]
fn run_frame<T: Config>(
    execution: &mut Execution<'_>,
    caller: &AccountId32,
    dest: &AccountId32,
    info: &ContractInfo,
    value: Balance,
    entry: Entry,
    input: &[u8],
    fuel: u64,
    depth: u32,
    charge_load: bool,
) -> Result<Outcome, DispatchError> {
    let code = PristineCode::<T>::get(info.code_hash).ok_or(Error::<T>::CodeNotFound)?;
    let load_fuel = if charge_load {
        crate::Pallet::<T>::load_fuel(u32::try_from(code.len()).unwrap_or(u32::MAX))
    } else {
        0
    };
    let Some(fuel) = fuel.checked_sub(load_fuel) else {
        return Ok(Outcome {
            fuel_used: fuel,
            result: ExecResult::Trapped(TrapReason::OutOfFuel),
        });
    };
    with_transaction(|| {
        if value > 0 && T::Currency::transfer(caller, dest, value, Preservation::Preserve).is_err()
        {
            return TransactionOutcome::Rollback(Err(Error::<T>::TransferFailed.into()));
        }
        let events_before = execution.events.len();
        let address: VmAccount = dest.clone().into();
        execution.stack.push(address);
        let vm = execution.vm;
        let mut frame = Frame::<T> {
            execution: &mut *execution,
            caller: caller.clone().into(),
            address: dest.clone(),
            child: info.child_info(),
            value,
            _config: core::marker::PhantomData,
        };
        let mut outcome = vm.execute(
            &info.code_hash,
            &code,
            entry,
            input,
            fuel,
            depth,
            &mut frame,
        );
        outcome.fuel_used = outcome.fuel_used.saturating_add(load_fuel);
        execution.stack.pop();
        if outcome.result.is_success() {
            TransactionOutcome::Commit(Ok(outcome))
        } else {
            execution.events.truncate(events_before);
            TransactionOutcome::Rollback(Ok(outcome))
        }
    })
}

/// Brings the storage deposit of every `touched` contract to what its storage requires,
/// charging or refunding `payer`. Returns the changes.
fn settle_deposits<T: Config>(
    payer: &AccountId32,
    touched: &[AccountId32],
) -> Result<Vec<(AccountId32, AccountId32, i128)>, DispatchError> {
    let reason = HoldReason::StorageDeposit.into();
    let mut changes = Vec::new();
    for contract in touched {
        let Some(mut info) = ContractInfoOf::<T>::get(contract) else {
            continue;
        };
        let required = storage_deposit::<T>(&info);
        let held = info.storage_deposit;
        if required > held {
            let extra = required.saturating_sub(held);
            T::Currency::transfer_and_hold(
                &reason,
                payer,
                contract,
                extra,
                Precision::Exact,
                Preservation::Preserve,
                Fortitude::Polite,
            )
            .map_err(|_| Error::<T>::StorageDepositNotEnoughFunds)?;
            changes.push((
                contract.clone(),
                payer.clone(),
                i128::try_from(extra).unwrap_or(i128::MAX),
            ));
        } else if required < held {
            let refund = held.saturating_sub(required);
            T::Currency::transfer_on_hold(
                &reason,
                contract,
                payer,
                refund,
                Precision::BestEffort,
                Restriction::Free,
                Fortitude::Polite,
            )?;
            changes.push((
                contract.clone(),
                payer.clone(),
                i128::try_from(refund).map_or(i128::MIN, |r| r.saturating_neg()),
            ));
        } else {
            continue;
        }
        info.storage_deposit = required;
        ContractInfoOf::<T>::insert(contract, info);
    }
    Ok(changes)
}

/// The deposit a contract's storage requires:
/// `DepositPerItem × (items + 1) + DepositPerByte × bytes`.
pub(crate) fn storage_deposit<T: Config>(info: &ContractInfo) -> Balance {
    T::DepositPerItem::get()
        .saturating_mul(Balance::from(info.storage_items.saturating_add(1)))
        .saturating_add(T::DepositPerByte::get().saturating_mul(Balance::from(info.storage_bytes)))
}

/// The host of one call frame: contract `address` called by `caller` with `value`.
struct Frame<'e, 'v, T> {
    execution: &'e mut Execution<'v>,
    caller: VmAccount,
    address: AccountId32,
    /// The contract's storage: its default child trie.
    child: ChildInfo,
    value: Balance,
    _config: core::marker::PhantomData<T>,
}

/// The child-trie key of contract storage key `key`: its blake2-256 hash, or `None` if the key is
/// longer than [`MAX_KEY_LEN`] (the Vm never passes one: `integrity_test` checks its limit).
pub(crate) fn trie_key(key: &[u8]) -> Option<[u8; 32]> {
    u32::try_from(key.len())
        .is_ok_and(|len| len <= MAX_KEY_LEN)
        .then(|| sp_crypto_hashing::blake2_256(key))
}

/// The length of the value at `trie_key` in `child`, if any (read without copying the value).
fn value_len(child: &ChildInfo, trie_key: &[u8]) -> Option<usize> {
    child::len(child, trie_key).map(|len| usize::try_from(len).unwrap_or(usize::MAX))
}

impl<T: Config> Frame<'_, '_, T> {
    /// Notes that this contract's storage changed and applies `bytes`/`items` deltas.
    fn account(&mut self, old: Option<usize>, new: Option<usize>) {
        if !self.execution.touched.contains(&self.address) {
            self.execution.touched.push(self.address.clone());
        }
        ContractInfoOf::<T>::mutate(&self.address, |info| {
            if let Some(info) = info {
                let old_bytes = old.map_or(0, |len| u64::try_from(len).unwrap_or(u64::MAX));
                let new_bytes = new.map_or(0, |len| u64::try_from(len).unwrap_or(u64::MAX));
                info.storage_bytes = info
                    .storage_bytes
                    .saturating_sub(old_bytes)
                    .saturating_add(new_bytes);
                match (old.is_some(), new.is_some()) {
                    (false, true) => info.storage_items = info.storage_items.saturating_add(1),
                    (true, false) => info.storage_items = info.storage_items.saturating_sub(1),
                    _ => {}
                }
            }
        });
    }
}

impl<T: Config> Host for Frame<'_, '_, T> {
    fn storage_get(&mut self, key: &[u8]) -> Option<Vec<u8>> {
        let trie_key = trie_key(key)?;
        child::get_raw(&self.child, &trie_key)
    }

    fn storage_set(&mut self, key: &[u8], value: &[u8]) {
        // The Vm enforces its limits, which `integrity_test` checks are within the pallet's.
        let Some(trie_key) = trie_key(key) else {
            return;
        };
        if !u32::try_from(value.len()).is_ok_and(|len| len <= MAX_VALUE_LEN) {
            return;
        }
        let old = value_len(&self.child, &trie_key).map(|len| key.len().saturating_add(len));
        child::put_raw(&self.child, &trie_key, value);
        self.account(old, Some(key.len().saturating_add(value.len())));
    }

    fn storage_remove(&mut self, key: &[u8]) {
        let Some(trie_key) = trie_key(key) else {
            return;
        };
        let Some(old) = value_len(&self.child, &trie_key) else {
            return;
        };
        child::kill(&self.child, &trie_key);
        self.account(Some(key.len().saturating_add(old)), None);
    }

    fn caller(&self) -> VmAccount {
        self.caller
    }

    fn address(&self) -> VmAccount {
        self.address.clone().into()
    }

    fn value_transferred(&self) -> Balance {
        self.value
    }

    fn balance(&self) -> Balance {
        T::Currency::balance(&self.address)
    }

    fn transfer(&mut self, to: &VmAccount, amount: Balance) -> Result<(), TransferError> {
        let to = AccountId32::new(*to);
        let reducible = T::Currency::reducible_balance(
            &self.address,
            Preservation::Preserve,
            Fortitude::Polite,
        );
        if amount > reducible {
            return Err(TransferError::InsufficientBalance);
        }
        with_storage_layer(|| {
            T::Currency::transfer(&self.address, &to, amount, Preservation::Preserve)
        })
        .map(|_| ())
        .map_err(|_| TransferError::Refused)
    }

    fn deposit_event(&mut self, topics: Vec<Topic>, data: Vec<u8>) {
        self.execution.events.push(ContractEvent {
            contract: self.address.clone(),
            topics,
            data,
        });
    }

    fn block_number(&self) -> u64 {
        self.execution.block_number
    }

    fn timestamp(&self) -> u64 {
        self.execution.timestamp
    }

    fn call(&mut self, request: CallRequest<'_>) -> Outcome {
        if self.execution.stack.contains(&request.callee) {
            return Outcome::refused(TrapReason::Reentrancy);
        }
        let callee = AccountId32::new(request.callee);
        let Some(info) = ContractInfoOf::<T>::get(&callee) else {
            return Outcome::refused(TrapReason::CallRefused);
        };
        let caller = self.address.clone();
        run_frame::<T>(
            self.execution,
            &caller,
            &callee,
            &info,
            request.value,
            Entry::Call,
            request.input,
            request.fuel_limit,
            request.depth,
            true,
        )
        .unwrap_or_else(|_| Outcome::refused(TrapReason::CallRefused))
    }
}
