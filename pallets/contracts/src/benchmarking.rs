//! Benchmarks of the pallet's calls (frame-benchmarking v2), measuring the base weight of each
//! call without the contract's own fuel (weighed as `fuel × WeightPerFuel`): a minimal contract
//! (`deploy` and `call` return at once) embedded below as Wasm bytes (no file, no WAT parser in
//! the runtime), code padded to any length with a custom section.
//!
//! Every benchmark with a code-length component `c` uses a code of about `c` bytes of real
//! function bodies (small functions of loads, adds and stores) never seen before in this
//! process (a custom section carries a counter): `upload_code(c)` and `compile(c)` compile it
//! with Cranelift and store its artifact in the Vm's artifact store; `instantiate(c)`,
//! `call(c)` and `load(c)` run or load a code uploaded (so compiled and stored) in their setup
//! and then dropped from the Vm's in-memory cache, so they measure deserializing the artifact
//! from the store — the disk, when the benchmark runner has set an artifact directory as the
//! node does (`wcme-node benchmark pallet`), memory in the mock runtime's tests.
//!
//! They run as tests on the mock runtime with
//! `cargo test -p pallet-wcme-contracts --features runtime-benchmarks`, and generate
//! `weights.rs` in the main runtime (`wcme-node benchmark pallet`, `docs/performance.md`).

use super::*;
use crate::Pallet as Contracts;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
    assert_ok,
    traits::{
        Get,
        fungible::{Inspect, Mutate},
    },
};
use frame_system::RawOrigin;

/// `(module (memory (export "memory") 1) (func (export "deploy")) (func (export "call")))`.
const MINIMAL: [u8; 61] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x03,
    0x02, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1a, 0x03, 0x06, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 0x02, 0x00, 0x06, 0x64, 0x65, 0x70, 0x6c, 0x6f, 0x79, 0x00, 0x00, 0x04, 0x63, 0x61,
    0x6c, 0x6c, 0x00, 0x01, 0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00, 0x0b,
];

/// Fuel for the minimal contract: far more than it uses.
const GAS: u64 = 1_000_000;

/// The minimal contract followed by a custom section `"p"` so that it is about `len` bytes
/// (at least the minimal contract's length, at most `len` + 6).
fn code(len: u32) -> Vec<u8> {
    let mut code = MINIMAL.to_vec();
    let payload = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .saturating_sub(MINIMAL.len() + 8);
    if payload > 0 {
        let mut size = payload.saturating_add(2);
        code.push(0);
        loop {
            let byte = u8::try_from(size & 0x7f).unwrap_or(0);
            size >>= 7;
            if size == 0 {
                code.push(byte);
                break;
            }
            code.push(byte | 0x80);
        }
        code.extend_from_slice(&[1, b'p']);
        code.resize(code.len().saturating_add(payload), 0);
    }
    code
}

/// Length of each padding function of [`fresh_code`]: size byte, no locals, 5 groups of
/// `i32.const; i32.const; i32.load; i32.const; i32.add; i32.store` (13 bytes each), `end`.
const PAD_FUNCTION_LEN: usize = 68;

/// Bytes of [`fresh_code`] besides the padding functions, at most (header, sections, the
/// counter's custom section, LEB growth of the counts and sizes).
const FRESH_OVERHEAD: usize = 96;

/// Appends `value` as unsigned LEB128.
fn leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = u8::try_from(value & 0x7f).unwrap_or(0);
        value >>= 7;
        if value == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
}

/// Appends section `id` with `body`.
fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    out.push(id);
    leb(out, body.len());
    out.extend_from_slice(body);
}

/// A valid contract of at most `len` bytes (at least about 80) whose module is not in the Vm's
/// cache: `deploy` and `call` return at once, and as many never-called padding functions of
/// [`PAD_FUNCTION_LEN`] bytes (straight-line memory loads, adds and stores: real code for
/// Cranelift) as fit, up to the Vm's `max_functions`; a custom section `"n"` holds a counter
/// that differs at each call in this process, so the code hash (the cache key) is new.
fn fresh_code<T: Config>(len: u32) -> Vec<u8> {
    static COUNTER: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    let max_functions = usize::try_from(T::Schedule::get().max_functions).unwrap_or(0);
    let pads = usize::try_from(len)
        .unwrap_or(usize::MAX)
        .saturating_sub(FRESH_OVERHEAD)
        // Each padding function also takes a byte (its type index) in the function section.
        .checked_div(PAD_FUNCTION_LEN.saturating_add(1))
        .unwrap_or(0)
        .min(max_functions.saturating_sub(2));
    let mut code = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    code.extend_from_slice(&[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    // One type: () -> ().
    section(&mut code, 1, &[1, 0x60, 0, 0]);
    let mut functions = Vec::new();
    leb(&mut functions, pads.saturating_add(2));
    functions.resize(functions.len().saturating_add(pads.saturating_add(2)), 0);
    section(&mut code, 3, &functions);
    // One memory of one page.
    section(&mut code, 5, &[1, 0, 1]);
    let mut exports = Vec::new();
    exports.push(3);
    for (name, kind, index) in [
        (&b"memory"[..], 2u8, 0u8),
        (b"deploy", 0, 0),
        (b"call", 0, 1),
    ] {
        leb(&mut exports, name.len());
        exports.extend_from_slice(name);
        exports.extend_from_slice(&[kind, index]);
    }
    section(&mut code, 7, &exports);
    let mut bodies = Vec::with_capacity(pads.saturating_mul(PAD_FUNCTION_LEN).saturating_add(8));
    leb(&mut bodies, pads.saturating_add(2));
    bodies.extend_from_slice(&[2, 0, 0x0b, 2, 0, 0x0b]);
    for f in 0..pads {
        bodies.extend_from_slice(&[67, 0]);
        for g in 0..5usize {
            // Addresses 0..=60 step 4 and constants 0..=63: one-byte signed LEB immediates.
            let address = u8::try_from(f.wrapping_mul(5).wrapping_add(g) % 16 * 4).unwrap_or(0);
            let constant = u8::try_from(f.wrapping_add(g) % 64).unwrap_or(0);
            bodies.extend_from_slice(&[
                0x41, address, 0x41, address, 0x28, 2, 0, 0x41, constant, 0x6a, 0x36, 2, 0,
            ]);
        }
        bodies.push(0x0b);
    }
    section(&mut code, 10, &bodies);
    let mut custom = alloc::vec![1, b'n'];
    custom.extend_from_slice(&n.to_le_bytes());
    section(&mut code, 0, &custom);
    code
}

/// A funded signer.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
    let who: T::AccountId = account(name, 0, 0);
    T::Currency::set_balance(&who, 1_000_000_000_000_000_000_000);
    who
}

/// Uploads `code` as `owner` (compiling it and storing its artifact); returns its hash.
fn upload<T: Config>(owner: &T::AccountId, code: Vec<u8>) -> CodeHash {
    let code_hash = sp_crypto_hashing::blake2_256(&code);
    created(code_hash);
    assert_ok!(Contracts::<T>::upload_code(
        RawOrigin::Signed(owner.clone()).into(),
        code,
        Balance::MAX
    ));
    code_hash
}

std::thread_local! {
    /// Code hashes whose artifacts earlier runs on this thread left in the store (per thread:
    /// the mock runtime's benchmark tests run in parallel on one Vm).
    static CREATED: core::cell::RefCell<Vec<CodeHash>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// Notes that an artifact of `code_hash` will be stored.
fn created(code_hash: CodeHash) {
    CREATED.with_borrow_mut(|created| created.push(code_hash));
}

/// Deletes the artifacts earlier runs stored (each run uses new codes: without this, a full
/// run would leave some thousands of artifacts, gigabytes, in the store), then returns the Vm.
fn clean_vm<T: Config>() -> Result<&'static wcme_vm::Vm, BenchmarkError> {
    let vm = Contracts::<T>::vm().map_err(|_| BenchmarkError::Stop("no Vm"))?;
    for code_hash in CREATED.with_borrow_mut(core::mem::take) {
        vm.forget(&code_hash);
    }
    Ok(vm)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn upload_code(c: Linear<0, { T::MaxCodeLen::get() }>) -> Result<(), BenchmarkError> {
        let vm = clean_vm::<T>()?;
        let owner = funded::<T>("owner");
        let code = fresh_code::<T>(c);
        let code_hash = sp_crypto_hashing::blake2_256(&code);
        created(code_hash);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), code, Balance::MAX);

        assert!(PristineCode::<T>::contains_key(code_hash));
        assert!(vm.is_cached(&code_hash), "compiled at upload");
        Ok(())
    }

    #[benchmark]
    fn instantiate(c: Linear<0, { T::MaxCodeLen::get() }>) -> Result<(), BenchmarkError> {
        let vm = clean_vm::<T>()?;
        let deployer = funded::<T>("deployer");
        let code_hash = upload::<T>(&deployer, fresh_code::<T>(c));
        let contract = Contracts::<T>::contract_address(&deployer, &code_hash, &[7; 32]);
        vm.evict(&code_hash);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(deployer),
            code_hash,
            1_000,
            GAS,
            Vec::new(),
            [7; 32].to_vec(),
        );

        assert!(ContractInfoOf::<T>::contains_key(contract));
        assert!(vm.is_cached(&code_hash));
        Ok(())
    }

    #[benchmark]
    fn call(c: Linear<0, { T::MaxCodeLen::get() }>) -> Result<(), BenchmarkError> {
        let vm = clean_vm::<T>()?;
        let caller = funded::<T>("caller");
        let code_hash = upload::<T>(&caller, fresh_code::<T>(c));
        let contract = Contracts::<T>::contract_address(&caller, &code_hash, &[]);
        // Recorded without running `deploy`: the module is loaded in the measured call.
        assert_ok!(crate::exec::create_contract::<T>(
            &caller, &contract, code_hash
        ));
        vm.evict(&code_hash);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            contract.clone(),
            1_000,
            GAS,
            Vec::new(),
        );

        assert!(T::Currency::balance(&contract) >= 1_000);
        assert!(vm.is_cached(&code_hash));
        Ok(())
    }

    /// Validating and compiling a new code (and storing its artifact), as at upload.
    #[benchmark]
    fn compile(c: Linear<0, { T::MaxCodeLen::get() }>) -> Result<(), BenchmarkError> {
        let vm = clean_vm::<T>()?;
        let code = fresh_code::<T>(c);
        created(sp_crypto_hashing::blake2_256(&code));
        let result;

        #[block]
        {
            result = vm.prepare(&code);
        }

        assert!(result.is_ok());
        assert!(u32::try_from(code.len()).is_ok_and(|len| len <= T::MaxCodeLen::get()));
        Ok(())
    }

    /// Loading a stored code's module from its artifact (not in the in-memory cache), as a
    /// nested call to it does: what a nested call pays in fuel.
    #[benchmark]
    fn load(c: Linear<0, { T::MaxCodeLen::get() }>) -> Result<(), BenchmarkError> {
        let vm = clean_vm::<T>()?;
        let code = fresh_code::<T>(c);
        let code_hash = sp_crypto_hashing::blake2_256(&code);
        created(code_hash);
        vm.prepare(&code)
            .map_err(|_| BenchmarkError::Stop("code does not compile"))?;
        vm.evict(&code_hash);
        let result;

        #[block]
        {
            result = vm.load(&code_hash, &code);
        }

        assert_eq!(result, Ok(wcme_vm::ModuleSource::Loaded));
        Ok(())
    }

    #[benchmark]
    fn remove_code() {
        let owner = funded::<T>("owner");
        let code_hash = upload::<T>(&owner, code(0));

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), code_hash);

        assert!(!PristineCode::<T>::contains_key(code_hash));
    }

    impl_benchmark_test_suite!(Contracts, crate::mock::new_test_ext(), crate::mock::Test);
}
