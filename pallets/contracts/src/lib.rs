//! # WCME contracts pallet
//!
//! Smart contracts on the `wcme-vm` WebAssembly engine (`docs/vm.md`, host ABI `wcme_v1`):
//! code upload, instantiation, calls, storage deposits, and fuel charged as weight. Appears in
//! the main runtime as `Contracts`.
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
//! - **Contract storage** is one default child trie per contract, as in polkadot-sdk's
//!   `pallet-contracts`: [`ContractInfo::trie_id`] is [`trie_id`]`(contract)` =
//!   `"wcme/contract/" ‖ contract address` (deterministic, and unique because addresses are),
//!   and the trie is `ChildInfo::new_default(trie_id)`, whose root the main trie holds under
//!   `:child_storage:default:` ‖ trie id. A contract key `k` (at most [`MAX_KEY_LEN`] bytes) is
//!   stored at `blake2_256(k)` in the trie: fixed-length, evenly spread trie keys, so no
//!   contract can grind keys into a deep, expensive branch, and proofs have a bounded path.
//!   The contract never sees the hashes (it cannot enumerate its keys through the ABI anyway).
//!   [`ContractInfoOf`] counts the storage's bytes (the contract's key + value lengths, not
//!   the hashes) and items, exactly, for the storage deposit. Child-trie writes go through the
//!   same overlay as the main trie, so the per-frame storage transactions below and the dry
//!   run's rollback cover them.
//! - **Storage deposits.** After a successful top-level call or instantiation, every contract
//!   whose storage the call touched must hold `DepositPerItem × (items + 1) + DepositPerByte ×
//!   bytes` ([`HoldReason::StorageDeposit`], held on the contract account; the `+ 1` pays for
//!   the contract's own record). The difference to what it holds is transferred from the
//!   signer and held (growth) or released to the signer (shrinkage). A signer who cannot pay
//!   fails the call with [`Error::StorageDepositNotEnoughFunds`].
//! - **Gas.** `gas_limit` is Vm fuel. A call's weight is the base weight of its
//!   [`WeightInfo`] function plus `fuel × WeightPerFuel` (`ref_time`); the declared weight
//!   uses `gas_limit`, the actual weight the fuel used.
//! - **Compiled at upload, loaded at every execution, charged by code length.**
//!   [`Pallet::upload_code`] compiles the code once ([`wcme_vm::Vm::prepare`]) and the Vm keeps
//!   the compiled module as an artifact in the node's artifact store
//!   (`<base path>/chains/<chain id>/contracts`, set by the node before its runtime first
//!   runs); its weight `upload_code(c)` includes that compilation. Executing a code then loads
//!   its artifact (deserialization, no compilation) when the module is not in the Vm's
//!   in-memory cache (64 modules). What is cached differs from node to node and is not
//!   consensus, so the pallet charges the load as if it always happened: [`Pallet::call`] and
//!   [`Pallet::instantiate`] declare `WeightInfo::call(MaxCodeLen)` /
//!   `instantiate(MaxCodeLen)` (plus `gas_limit`) and return as actual weight `call(c)` /
//!   `instantiate(c)` for the stored code's real length `c` = [`CodeInfo::code_len`] (plus the
//!   fuel used) — the same on every node, cached or not, failures included. A nested call (the
//!   `call` host function) first pays [`Pallet::load_fuel`]`(callee's code length)` =
//!   `WeightInfo::load(len)` in fuel (`ref_time / WeightPerFuel`, rounded up) out of the fuel
//!   given to the callee; with less, the nested call runs out of gas (status 2 to the caller)
//!   having used all of it. So calling many distinct contracts round-robin (every call an
//!   in-memory cache miss) cannot make a block take longer than its weight. A node without a
//!   code's artifact (deleted, corrupt, another wasmtime version, state synced without
//!   executing the upload) compiles it again at its first execution, unmetered but once per
//!   code per node: the artifact is stored again and callers cannot delete it
//!   ([`Pallet::remove_code`] deletes it, after which the code cannot run). See `docs/vm.md`,
//!   "Compiled at upload, loaded at every execution".
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
//! [`weights::SubstrateWeight`] is generated from the benchmarks in `benchmarking.rs`
//! (`--features runtime-benchmarks`) by the node in the main runtime (`wcme-node benchmark pallet
//! --pallet pallet_wcme_contracts`, `docs/performance.md` "Pallet weights"), with an artifact
//! directory set as the node sets one. Every benchmark with a code-length component `c` uses a
//! code of about `c` bytes of real function bodies new to the process: `upload_code(c)` and
//! `compile(c)` compile it (`compile(c)` is validating and compiling with
//! [`wcme_vm::Vm::prepare`] alone), `instantiate(c)`, `call(c)` and `load(c)` load its artifact
//! from disk (not in the in-memory cache; `load(c)` is [`wcme_vm::Vm::load`] alone). On
//! 2026-12-06: `upload_code(c)` 6.5 ms + 1.72 µs per byte, `compile(c)` 1.05 ms + 1.38 µs per
//! byte, `load(c)` 0.16 ms + 8.3 ns per byte, `call(c)` 0.21 ms + 9.9 ns per byte,
//! `instantiate(c)` 0.41 ms + 9.1 ns per byte, `remove_code` 0.23 ms, plus their storage reads
//! and writes. The contract's fuel is added by the pallet as `fuel × WeightPerFuel`, and contract
//! storage accesses (child-trie reads and writes) are paid in that fuel.

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

    /// The record of each contract, by contract account. A contract's storage is not a
    /// storage item of the pallet but the default child trie named by its record's `trie_id`.
    #[pallet::storage]
    pub type ContractInfoOf<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, ContractInfo>;

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
            assert!(T::WeightPerFuel::get() > 0, "WeightPerFuel is 0");
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Uploads contract `code`: validates it, compiles it into the node's artifact store
        /// (paid for here, by code length: `upload_code(c)` includes compiling), stores it
        /// under its blake2-256 hash and holds the code deposit (`DepositPerByte × len + 2 ×
        /// DepositPerItem`, at most `storage_deposit_limit`) on the signer, who owns it. Code
        /// that validates but does not compile is refused ([`Error::InvalidModule`]).
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::upload_code(code.len().try_into().unwrap_or(u32::MAX)))]
        pub fn upload_code(
            origin: OriginFor<T>,
            code: Vec<u8>,
            #[pallet::compact] storage_deposit_limit: Balance,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let vm = Self::vm()?;
            let code_hash = Self::check_code(vm, &code).map_err(Self::code_error)?;
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
            // Compiled now, once, paid by this call's weight; executions load the artifact.
            // Last, so that an upload failing otherwise leaves no artifact behind (a failed
            // compilation stores none, and this call's changes are rolled back).
            vm.prepare(&bounded).map_err(Self::code_error)?;
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
        #[pallet::weight(
            T::WeightInfo::instantiate(T::MaxCodeLen::get())
                .saturating_add(Pallet::<T>::gas_weight(*gas_limit))
        )]
        pub fn instantiate(
            origin: OriginFor<T>,
            code_hash: CodeHash,
            #[pallet::compact] value: Balance,
            #[pallet::compact] gas_limit: u64,
            data: Vec<u8>,
            salt: Vec<u8>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let code_len = CodeInfoOf::<T>::get(code_hash).map(|info| info.code_len);
            // The actual weight: the stored code's real length, loaded or cached alike.
            let base = T::WeightInfo::instantiate(code_len.unwrap_or(0));
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
            ensure!(code_len.is_some(), fail(Error::<T>::CodeNotFound));
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
        #[pallet::weight(
            T::WeightInfo::call(T::MaxCodeLen::get())
                .saturating_add(Pallet::<T>::gas_weight(*gas_limit))
        )]
        pub fn call(
            origin: OriginFor<T>,
            dest: T::AccountId,
            #[pallet::compact] value: Balance,
            #[pallet::compact] gas_limit: u64,
            data: Vec<u8>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            // The actual weight: the callee's code's real length, loaded or cached alike.
            let base = T::WeightInfo::call(Self::code_len_of(&dest));
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
            // No contract can run it any more: drop its compiled module and artifact (if the
            // code comes back, its upload compiles it again and pays for that).
            if let Ok(vm) = Self::vm() {
                vm.forget(&code_hash);
            }
            Self::deposit_event(Event::CodeRemoved {
                code_hash,
                owner: who,
                deposit: info.deposit,
            });
            Ok(())
        }
    }

    impl<T: Config> Pallet<T> {
        /// Checks `code` as [`Pallet::upload_code`] does before it stores anything: at most
        /// [`Config::MaxCodeLen`] (and the Vm's own limit) and valid for `vm`. Its code hash, or
        /// why it is refused. Wallets and tools call it to refuse code before paying to upload.
        pub fn check_code(vm: &Vm, code: &[u8]) -> Result<CodeHash, CodeError> {
            let max = usize::try_from(T::MaxCodeLen::get())
                .unwrap_or(usize::MAX)
                .min(vm.config().max_code_size);
            if code.len() > max {
                return Err(CodeError::TooLarge {
                    size: code.len(),
                    max,
                });
            }
            vm.validate(code).map(|info| info.code_hash)
        }

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

        /// The length of the code contract `contract` runs (0 if there is no such contract or
        /// code): the `c` of its [`WeightInfo::call`] weight.
        pub fn code_len_of(contract: &T::AccountId) -> u32 {
            ContractInfoOf::<T>::get(contract)
                .and_then(|info| CodeInfoOf::<T>::get(info.code_hash))
                .map_or(0, |code| code.code_len)
        }

        /// The fuel a nested call pays to load its callee's compiled code of `code_len` bytes:
        /// [`WeightInfo::load`]`(code_len)` in fuel (`ref_time / WeightPerFuel`, rounded up; 0
        /// if `WeightPerFuel` is 0, which `integrity_test` rules out).
        pub fn load_fuel(code_len: u32) -> u64 {
            let ref_time = T::WeightInfo::load(code_len).ref_time();
            let per_fuel = T::WeightPerFuel::get();
            ref_time
                .checked_div(per_fuel)
                .map_or(0, |fuel| match ref_time.checked_rem(per_fuel) {
                    Some(0) | None => fuel,
                    Some(_) => fuel.saturating_add(1),
                })
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
            let base = T::WeightInfo::call(Self::code_len_of(&dest));
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
