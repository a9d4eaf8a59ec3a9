//! # WCME contracts pallet
//!
//! Smart contracts on the `wcme-vm` WebAssembly engine (`docs/vm.md`, host ABI `wcme_v1`):
//! code upload, instantiation, calls, storage deposits, and fuel charged as weight. Appears in
//! a runtime as `Contracts` (not wired yet).
//!
//! - **Code.** [`Pallet::upload_code`] validates the code with [`wcme_vm::Vm::validate`]
//!   (each kind of rejection its own [`Error`]: too large, invalid Wasm, floats, forbidden
//!   import, bad module shape), stores it under its blake2-256 hash in [`PristineCode`] and
//!   **holds** a code deposit on the uploader ([`HoldReason::CodeDeposit`]):
//!   `DepositPerByte × code length + 2 × DepositPerItem`, at most the caller's
//!   `storage_deposit_limit`. [`Pallet::remove_code`] (owner only, when no contract uses it)
//!   deletes it and releases the deposit.
//! - **Contracts.** [`Pallet::instantiate`] creates a contract at the deterministic address
//!   [`Pallet::contract_address`]`(deployer, code_hash, salt)` =
//!   `blake2_256("wcme/contract" ‖ deployer ‖ code_hash ‖ salt)`, funds it with the existential
//!   deposit (paid by the deployer, kept by the contract) plus `value`, and runs its `deploy`
//!   entry. [`Pallet::call`] runs a contract's `call` entry with `value`.
//! - **Contract storage** is a [`ContractStorage`] double map `(contract, key) → value` (not a
//!   child trie: simpler to account and to roll back here; moving to per-contract child tries
//!   is left for later). [`ContractInfoOf`] counts its bytes (key + value lengths) and items.
//! - **Storage deposits.** After a successful top-level call or instantiation, every contract
//!   whose storage the call touched must hold `DepositPerItem × (items + 1) + DepositPerByte ×
//!   bytes` ([`HoldReason::StorageDeposit`], held on the contract account; the `+ 1` pays for
//!   the contract's own record). The difference to what it holds is transferred from the
//!   signer and held (growth) or released to the signer (shrinkage). A signer who cannot pay
//!   fails the call with [`Error::StorageDepositNotEnoughFunds`].
//! - **Gas.** `gas_limit` is Vm fuel. A call's weight is the base weight of its
//!   [`WeightInfo`] function plus `fuel × WeightPerFuel` (`ref_time`); the declared weight
//!   uses `gas_limit`, the actual weight the fuel used.
//! - **Failure.** Each call frame (the outermost and every nested `call`) runs in its own
//!   storage transaction, committed only if the frame returned. A trap, running out of gas or
//!   a revert of the outermost frame fails the extrinsic with [`Error::ContractTrapped`],
//!   [`Error::OutOfGas`] or [`Error::ContractReverted`] — everything it did is rolled back,
//!   value transfer included — but with the actual weight of the fuel used in its post-info,
//!   so the signer pays for the gas used (as polkadot-sdk's `pallet-contracts` does).
//! - **Reentrancy.** A contract already on the call stack may not be entered again: such a
//!   nested call is refused ([`wcme_vm::TrapReason::Reentrancy`], status 2 to the caller).
//! - **Dry run.** [`Pallet::bare_call`] (and [`runtime_api::ContractsApi`]) runs a call in a
//!   storage transaction that is always rolled back and returns the result, the gas used, the
//!   weight, the contract events and the storage deposit.
//!
//! ## The Vm and the native stack
//!
//! One [`wcme_vm::Vm`] per process ([`Pallet::vm`]), created on first use from
//! [`Config::Schedule`], so its compiled-module cache is shared by every call. Runtimes run
//! natively (`std`); the Vm executes contracts on the calling thread, which must have at least
//! `Schedule::get().native_stack_required()` bytes of stack: **3.125 MiB** with
//! [`default_schedule`] (`max_call_depth` 4, `max_wasm_stack` 128 KiB: 5 frames × 640 KiB),
//! plus what the node itself uses below the runtime. Node executor threads must be spawned
//! with enough stack (the pallet spawns no threads: externalities are thread-local).
//!
//! ## Weights
//!
//! [`weights::SubstrateWeight`] holds hand-derived estimates, not benchmark results yet;
//! `benchmarking.rs` has the benchmarks (`--features runtime-benchmarks`) to replace them with
//! once the pallet is in the main runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod exec;
pub mod runtime_api;
pub mod types;
pub mod weights;

pub use types::*;
pub use weights::WeightInfo;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

/// Longest contract storage key the pallet stores (the Vm's default `max_key_len`).
pub const MAX_KEY_LEN: u32 = 128;
/// Longest contract storage value the pallet stores (the Vm's default `max_value_len`).
pub const MAX_VALUE_LEN: u32 = 16 * 1024;
/// Longest instantiation salt.
pub const MAX_SALT_LEN: u32 = 32;

/// The Vm configuration the pallet is designed for: the Vm's defaults with a shallower call
/// stack (`max_call_depth` 4) and a smaller Wasm stack per frame (128 KiB), so a thread needs
/// 3.125 MiB of native stack rather than 6.75 MiB.
pub fn default_schedule() -> wcme_vm::VmConfig {
    wcme_vm::VmConfig {
        max_call_depth: 4,
        max_wasm_stack: 128 * 1024,
        ..wcme_vm::VmConfig::default()
    }
}

/// [`default_schedule`] as a `Get`.
pub struct DefaultSchedule;
impl frame_support::traits::Get<wcme_vm::VmConfig> for DefaultSchedule {
    fn get() -> wcme_vm::VmConfig {
        default_schedule()
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::{MAX_KEY_LEN, MAX_SALT_LEN, MAX_VALUE_LEN, WeightInfo};
    use crate::{
        exec,
        types::{Balance, CodeHash, CodeInfo, ContractEvent, ContractInfo, ContractResult},
    };
    use alloc::vec::Vec;
    use frame_support::{
        dispatch::{DispatchErrorWithPostInfo, PostDispatchInfo},
        pallet_prelude::*,
        traits::{
            UnixTime,
            fungible::{Mutate, MutateHold},
            tokens::Precision,
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::AccountId32;
    use wcme_vm::{CodeError, ExecResult, TrapReason, Vm, VmConfig};

    /// A contract storage key as stored.
    pub type StorageKeyOf = BoundedVec<u8, ConstU32<MAX_KEY_LEN>>;
    /// A contract storage value as stored.
    pub type StorageValueOf = BoundedVec<u8, ConstU32<MAX_VALUE_LEN>>;

    /// The pallet: WCME smart contracts.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Why the pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// An uploaded code's deposit, held on its owner.
        #[codec(index = 0)]
        CodeDeposit,
        /// A contract's storage deposit, held on the contract account.
        #[codec(index = 1)]
        StorageDeposit,
    }

    /// Configuration.
    #[pallet::config]
    pub trait Config:
        frame_system::Config<AccountId = AccountId32, RuntimeEvent: From<Event<Self>>>
    {
        /// WCME: value transfers and deposit holds.
        type Currency: Mutate<Self::AccountId, Balance = Balance>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
        /// The runtime's hold reasons, which contain this pallet's [`HoldReason`].
        type RuntimeHoldReason: From<HoldReason>;
        /// The clock contracts read with `timestamp` (e.g. `pallet_timestamp`).
        type Time: UnixTime;
        /// Deposit per byte of stored code and contract storage.
        #[pallet::constant]
        type DepositPerByte: Get<Balance>;
        /// Deposit per stored item (code, code record, contract record, storage entry).
        #[pallet::constant]
        type DepositPerItem: Get<Balance>;
        /// Largest code [`Pallet::upload_code`] accepts (at most the Vm's `max_code_size`).
        #[pallet::constant]
        type MaxCodeLen: Get<u32>;
        /// `ref_time` weight of one unit of fuel.
        #[pallet::constant]
        type WeightPerFuel: Get<u64>;
        /// The Vm's limits and costs (e.g. [`crate::DefaultSchedule`]). Every node must use the
        /// same; `max_key_len` and `max_value_len` must not exceed [`MAX_KEY_LEN`] and
        /// [`MAX_VALUE_LEN`] (checked by `integrity_test`).
        type Schedule: Get<VmConfig>;
        /// Weights of the calls.
        type WeightInfo: WeightInfo;
    }

    /// Uploaded code by code hash.
    #[pallet::storage]
    pub type PristineCode<T: Config> =
        StorageMap<_, Identity, CodeHash, BoundedVec<u8, T::MaxCodeLen>>;

    /// The record of each uploaded code: owner, deposit, number of contracts using it.
    #[pallet::storage]
    pub type CodeInfoOf<T: Config> = StorageMap<_, Identity, CodeHash, CodeInfo<T::AccountId>>;

    /// The record of each contract, by contract account.
    #[pallet::storage]
    pub type ContractInfoOf<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, ContractInfo>;

    /// Contract storage: `(contract, key) → value`.
    #[pallet::storage]
    pub type ContractStorage<T: Config> = StorageDoubleMap<
        _,
        Blake2_128Concat,
        T::AccountId,
        Blake2_128Concat,
        StorageKeyOf,
        StorageValueOf,
    >;

    /// Events.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// Code was uploaded and its deposit held on `owner`.
        CodeStored {
            /// The code's hash.
            code_hash: CodeHash,
            /// The uploader.
            owner: T::AccountId,
            /// The deposit held.
            deposit: Balance,
        },
        /// Code was removed and its deposit released.
        CodeRemoved {
            /// The code's hash.
            code_hash: CodeHash,
            /// The owner the deposit was released to.
            owner: T::AccountId,
            /// The deposit released.
            deposit: Balance,
        },
        /// A contract was instantiated (its `deploy` returned).
        Instantiated {
            /// The deployer.
            deployer: T::AccountId,
            /// The new contract's account.
            contract: T::AccountId,
            /// The code it runs.
            code_hash: CodeHash,
        },
        /// A contract was called and returned.
        Called {
            /// The signer.
            caller: T::AccountId,
            /// The contract.
            contract: T::AccountId,
            /// Gas (fuel) used, nested calls included.
            gas_used: u64,
        },
        /// A contract emitted an event (only kept if the call that emitted it succeeded).
        ContractEmitted {
            /// The emitting contract.
            contract: T::AccountId,
            /// Its topics.
            topics: Vec<[u8; 32]>,
            /// Its data.
            data: Vec<u8>,
        },
        /// The storage deposit of `contract` changed by `amount` (positive: paid by `payer`
        /// and held; negative: released to `payer`).
        StorageDepositChanged {
            /// The contract.
            contract: T::AccountId,
            /// Who paid or was refunded.
            payer: T::AccountId,
            /// The change.
            amount: i128,
        },
    }

    /// Errors.
    #[pallet::error]
    pub enum Error<T> {
        /// The code is larger than `MaxCodeLen` or the Vm's `max_code_size`.
        CodeTooLarge,
        /// The code is not valid WebAssembly of the accepted feature set.
        InvalidWasm,
        /// The code uses floating point.
        FloatsForbidden,
        /// The code imports something other than a `wcme_v1` host function with its exact
        /// signature.
        ForbiddenImport,
        /// The module's shape breaks a rule (start function, exports, memory, table, too many
        /// functions/locals/globals).
        InvalidModule,
        /// This code is already stored.
        CodeAlreadyExists,
        /// The deposit is above the caller's `storage_deposit_limit`.
        StorageDepositLimitExhausted,
        /// The caller cannot pay the deposit.
        StorageDepositNotEnoughFunds,
        /// No code with this hash.
        CodeNotFound,
        /// Only the code's owner may remove it.
        NotCodeOwner,
        /// Contracts still run this code.
        CodeInUse,
        /// No contract at this account.
        ContractNotFound,
        /// A contract already exists at the derived address.
        DuplicateContract,
        /// The salt is longer than [`MAX_SALT_LEN`].
        SaltTooLong,
        /// The input is longer than the Vm's `max_io_len`.
        InputTooLarge,
        /// The value (or the existential deposit of a new contract) could not be transferred.
        TransferFailed,
        /// The contract trapped; everything was rolled back, the gas used is charged.
        ContractTrapped,
        /// The contract reverted; everything was rolled back, the gas used is charged.
        ContractReverted,
        /// The contract ran out of gas; everything was rolled back, all gas is charged.
        OutOfGas,
        /// The contract engine could not be created (bad `Schedule`).
        VmUnavailable,
        /// Too many nested storage transactions.
        TransactionDepthExceeded,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            let schedule = T::Schedule::get();
            assert!(schedule.check().is_ok(), "Schedule is not a valid VmConfig");
            assert!(
                schedule.max_key_len <= MAX_KEY_LEN,
                "max_key_len above MAX_KEY_LEN"
            );
            assert!(
                schedule.max_value_len <= MAX_VALUE_LEN,
                "max_value_len above MAX_VALUE_LEN"
            );
            assert!(
                (T::MaxCodeLen::get() as usize) <= schedule.max_code_size,
                "MaxCodeLen above the Vm's max_code_size"
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Uploads contract `code`: validates it, stores it under its blake2-256 hash and holds
        /// the code deposit (`DepositPerByte × len + 2 × DepositPerItem`, at most
        /// `storage_deposit_limit`) on the signer, who owns it.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::upload_code(code.len().try_into().unwrap_or(u32::MAX)))]
        pub fn upload_code(
            origin: OriginFor<T>,
            code: Vec<u8>,
            #[pallet::compact] storage_deposit_limit: Balance,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let vm = Self::vm()?;
            let max = T::MaxCodeLen::get()
                .min(u32::try_from(vm.config().max_code_size).unwrap_or(u32::MAX));
            ensure!(
                u32::try_from(code.len()).is_ok_and(|len| len <= max),
                Error::<T>::CodeTooLarge
            );
            let info = vm.validate(&code).map_err(Self::code_error)?;
            let code_hash = info.code_hash;
            ensure!(
                !CodeInfoOf::<T>::contains_key(code_hash),
                Error::<T>::CodeAlreadyExists
            );
            let bounded: BoundedVec<u8, T::MaxCodeLen> =
                code.try_into().map_err(|_| Error::<T>::CodeTooLarge)?;
            let code_len = u32::try_from(bounded.len()).map_err(|_| Error::<T>::CodeTooLarge)?;
            let deposit = Self::code_deposit(code_len);
            ensure!(
                deposit <= storage_deposit_limit,
                Error::<T>::StorageDepositLimitExhausted
            );
            T::Currency::hold(&HoldReason::CodeDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::StorageDepositNotEnoughFunds)?;
            PristineCode::<T>::insert(code_hash, bounded);
            CodeInfoOf::<T>::insert(
                code_hash,
                CodeInfo {
                    owner: who.clone(),
                    deposit,
                    refcount: 0,
                    code_len,
                },
            );
            Self::deposit_event(Event::CodeStored {
                code_hash,
                owner: who,
                deposit,
            });
            Ok(())
        }

        /// Instantiates a contract of `code_hash` at
        /// [`Pallet::contract_address`]`(signer, code_hash, salt)`: funds it with the
        /// existential deposit and `value` from the signer and runs its `deploy` entry with
        /// `data` and at most `gas_limit` fuel. A trap, revert or running out of gas rolls
        /// everything back and fails with the weight of the gas used.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::instantiate().saturating_add(Pallet::<T>::gas_weight(*gas_limit)))]
        pub fn instantiate(
            origin: OriginFor<T>,
            code_hash: CodeHash,
            #[pallet::compact] value: Balance,
            #[pallet::compact] gas_limit: u64,
            data: Vec<u8>,
            salt: Vec<u8>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let base = T::WeightInfo::instantiate();
            let fail = |error: Error<T>| Self::failed(base, 0, error.into());
            ensure!(
                u32::try_from(salt.len()).is_ok_and(|len| len <= MAX_SALT_LEN),
                fail(Error::<T>::SaltTooLong)
            );
            let vm = Self::vm().map_err(|e| Self::failed(base, 0, e))?;
            ensure!(
                u32::try_from(data.len()).is_ok_and(|len| len <= vm.config().max_io_len),
                fail(Error::<T>::InputTooLarge)
            );
            ensure!(
                CodeInfoOf::<T>::contains_key(code_hash),
                fail(Error::<T>::CodeNotFound)
            );
            let contract = Self::contract_address(&who, &code_hash, &salt);
            ensure!(
                !ContractInfoOf::<T>::contains_key(&contract),
                fail(Error::<T>::DuplicateContract)
            );
            let outcome = exec::run_top::<T>(
                vm,
                &who,
                &contract,
                value,
                gas_limit,
                &data,
                Some(code_hash),
                true,
            );
            let used = outcome.fuel_used;
            Self::conclude(base, &outcome)?;
            Self::deposit_event(Event::Instantiated {
                deployer: who,
                contract,
                code_hash,
            });
            Ok(Some(base.saturating_add(Self::gas_weight(used))).into())
        }

        /// Calls contract `dest` with `data`, transferring `value` to it, with at most
        /// `gas_limit` fuel. A trap, revert or running out of gas rolls everything back and
        /// fails with the weight of the gas used.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::call().saturating_add(Pallet::<T>::gas_weight(*gas_limit)))]
        pub fn call(
            origin: OriginFor<T>,
            dest: T::AccountId,
            #[pallet::compact] value: Balance,
            #[pallet::compact] gas_limit: u64,
            data: Vec<u8>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let base = T::WeightInfo::call();
            let vm = Self::vm().map_err(|e| Self::failed(base, 0, e))?;
            ensure!(
                u32::try_from(data.len()).is_ok_and(|len| len <= vm.config().max_io_len),
                Self::failed(base, 0, Error::<T>::InputTooLarge.into())
            );
            let outcome = exec::run_top::<T>(vm, &who, &dest, value, gas_limit, &data, None, true);
            let used = outcome.fuel_used;
            Self::conclude(base, &outcome)?;
            Self::deposit_event(Event::Called {
                caller: who,
                contract: dest,
                gas_used: used,
            });
            Ok(Some(base.saturating_add(Self::gas_weight(used))).into())
        }

        /// Removes code `code_hash` and releases its deposit to the owner. Only the owner, and
        /// only when no contract runs it.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::remove_code())]
        pub fn remove_code(origin: OriginFor<T>, code_hash: CodeHash) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let info = CodeInfoOf::<T>::get(code_hash).ok_or(Error::<T>::CodeNotFound)?;
            ensure!(info.owner == who, Error::<T>::NotCodeOwner);
            ensure!(info.refcount == 0, Error::<T>::CodeInUse);
            T::Currency::release(
                &HoldReason::CodeDeposit.into(),
                &who,
                info.deposit,
                Precision::BestEffort,
            )?;
            PristineCode::<T>::remove(code_hash);
            CodeInfoOf::<T>::remove(code_hash);
            Self::deposit_event(Event::CodeRemoved {
                code_hash,
                owner: who,
                deposit: info.deposit,
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// The process-wide Vm, created on first use from [`Config::Schedule`].
        pub fn vm() -> Result<&'static Vm, DispatchError> {
            static VM: std::sync::OnceLock<Option<Vm>> = std::sync::OnceLock::new();
            VM.get_or_init(|| match Vm::new(T::Schedule::get()) {
                Ok(vm) => Some(vm),
                Err(error) => {
                    tracing::error!(target: "runtime::contracts", %error, "cannot create the Vm");
                    None
                }
            })
            .as_ref()
            .ok_or_else(|| Error::<T>::VmUnavailable.into())
        }

        /// The account of the contract `deployer` instantiates from `code_hash` with `salt`:
        /// `blake2_256(b"wcme/contract" ‖ deployer ‖ code_hash ‖ salt)`.
        pub fn contract_address(
            deployer: &T::AccountId,
            code_hash: &CodeHash,
            salt: &[u8],
        ) -> T::AccountId {
            let deployer: &[u8; 32] = deployer.as_ref();
            let mut preimage = Vec::with_capacity(13 + 64 + salt.len());
            preimage.extend_from_slice(b"wcme/contract");
            preimage.extend_from_slice(deployer);
            preimage.extend_from_slice(code_hash);
            preimage.extend_from_slice(salt);
            AccountId32::new(sp_crypto_hashing::blake2_256(&preimage))
        }

        /// The deposit for code of `len` bytes.
        pub fn code_deposit(len: u32) -> Balance {
            T::DepositPerByte::get()
                .saturating_mul(Balance::from(len))
                .saturating_add(T::DepositPerItem::get().saturating_mul(2))
        }

        /// The weight of `fuel`: `fuel × WeightPerFuel` `ref_time`.
        pub fn gas_weight(fuel: u64) -> Weight {
            Weight::from_parts(fuel.saturating_mul(T::WeightPerFuel::get()), 0)
        }

        /// Dry run: calls `dest` from `origin` as [`Pallet::call`] would, in a storage
        /// transaction that is always rolled back. Nothing is written, no event deposited.
        pub fn bare_call(
            origin: T::AccountId,
            dest: T::AccountId,
            value: Balance,
            gas_limit: u64,
            data: Vec<u8>,
        ) -> ContractResult {
            let base = T::WeightInfo::call();
            let weight = |fuel: u64| {
                let w = base.saturating_add(Self::gas_weight(fuel));
                (w.ref_time(), w.proof_size())
            };
            let vm = match Self::vm() {
                Ok(vm) => vm,
                Err(error) => {
                    return ContractResult {
                        result: Err(error),
                        gas_used: 0,
                        weight_required: weight(0),
                        events: Vec::new(),
                        storage_deposit: 0,
                    };
                }
            };
            if !u32::try_from(data.len()).is_ok_and(|len| len <= vm.config().max_io_len) {
                return ContractResult {
                    result: Err(Error::<T>::InputTooLarge.into()),
                    gas_used: 0,
                    weight_required: weight(0),
                    events: Vec::new(),
                    storage_deposit: 0,
                };
            }
            let outcome =
                exec::run_top::<T>(vm, &origin, &dest, value, gas_limit, &data, None, false);
            ContractResult {
                result: outcome.result.as_ref().map(Into::into).map_err(|e| *e),
                gas_used: outcome.fuel_used,
                weight_required: weight(outcome.fuel_used),
                events: outcome.events,
                storage_deposit: outcome.storage_deposit,
            }
        }

        /// A failure carrying the weight of `base` plus `fuel`.
        fn failed(base: Weight, fuel: u64, error: DispatchError) -> DispatchErrorWithPostInfo {
            DispatchErrorWithPostInfo {
                post_info: PostDispatchInfo {
                    actual_weight: Some(base.saturating_add(Self::gas_weight(fuel))),
                    pays_fee: Pays::Yes,
                },
                error,
            }
        }

        /// Turns a committed top-level outcome into events, or a failed one into its error with
        /// the weight of the gas used.
        fn conclude(
            base: Weight,
            outcome: &exec::TopOutcome,
        ) -> Result<(), DispatchErrorWithPostInfo> {
            let fuel = outcome.fuel_used;
            match &outcome.result {
                Ok(ExecResult::Returned(_)) => {
                    for (contract, payer, amount) in &outcome.deposits {
                        Self::deposit_event(Event::StorageDepositChanged {
                            contract: contract.clone(),
                            payer: payer.clone(),
                            amount: *amount,
                        });
                    }
                    for ContractEvent {
                        contract,
                        topics,
                        data,
                    } in &outcome.events
                    {
                        Self::deposit_event(Event::ContractEmitted {
                            contract: contract.clone(),
                            topics: topics.clone(),
                            data: data.clone(),
                        });
                    }
                    Ok(())
                }
                Ok(ExecResult::Reverted(_)) => Err(Self::failed(
                    base,
                    fuel,
                    Error::<T>::ContractReverted.into(),
                )),
                Ok(ExecResult::Trapped(TrapReason::OutOfFuel)) => {
                    Err(Self::failed(base, fuel, Error::<T>::OutOfGas.into()))
                }
                Ok(ExecResult::Trapped(_)) => {
                    Err(Self::failed(base, fuel, Error::<T>::ContractTrapped.into()))
                }
                Err(error) => Err(Self::failed(base, fuel, *error)),
            }
        }

        /// The error for code the Vm rejected.
        fn code_error(error: CodeError) -> Error<T> {
            match error {
                CodeError::TooLarge { .. } => Error::<T>::CodeTooLarge,
                CodeError::InvalidWasm { .. } => Error::<T>::InvalidWasm,
                CodeError::FloatsForbidden { .. } => Error::<T>::FloatsForbidden,
                CodeError::UnknownImportModule { .. }
                | CodeError::UnknownHostFunction { .. }
                | CodeError::WrongImportSignature { .. }
                | CodeError::NonFunctionImport { .. } => Error::<T>::ForbiddenImport,
                _ => Error::<T>::InvalidModule,
            }
        }
    }
}
