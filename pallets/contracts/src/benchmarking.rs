//! Benchmarks of the pallet's calls (frame-benchmarking v2), measuring the base weight of each
//! call without the contract's own fuel (weighed as `fuel × WeightPerFuel`): a minimal contract
//! (`deploy` and `call` return at once), code padded to any length with a custom section.
//!
//! They run as tests on the mock runtime with
//! `cargo test -p pallet-wcme-contracts --features runtime-benchmarks`; `weights.rs` is still
//! hand-derived until they are run in the main runtime.

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

/// A funded signer.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
    let who: T::AccountId = account(name, 0, 0);
    T::Currency::set_balance(&who, 1_000_000_000_000_000_000_000);
    who
}

/// Uploads the minimal contract as `owner`; returns its hash.
fn upload<T: Config>(owner: &T::AccountId) -> CodeHash {
    let code = code(0);
    let code_hash = sp_crypto_hashing::blake2_256(&code);
    assert_ok!(Contracts::<T>::upload_code(
        RawOrigin::Signed(owner.clone()).into(),
        code,
        Balance::MAX
    ));
    code_hash
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn upload_code(c: Linear<61, { T::MaxCodeLen::get().saturating_sub(8) }>) {
        let owner = funded::<T>("owner");
        let code = code(c);
        let code_hash = sp_crypto_hashing::blake2_256(&code);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), code, Balance::MAX);

        assert!(PristineCode::<T>::contains_key(code_hash));
    }

    #[benchmark]
    fn instantiate() {
        let deployer = funded::<T>("deployer");
        let code_hash = upload::<T>(&deployer);
        let contract = Contracts::<T>::contract_address(&deployer, &code_hash, &[7; 32]);

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
    }

    #[benchmark]
    fn call() {
        let caller = funded::<T>("caller");
        let code_hash = upload::<T>(&caller);
        assert_ok!(Contracts::<T>::instantiate(
            RawOrigin::Signed(caller.clone()).into(),
            code_hash,
            0,
            GAS,
            Vec::new(),
            Vec::new(),
        ));
        let contract = Contracts::<T>::contract_address(&caller, &code_hash, &[]);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            contract.clone(),
            1_000,
            GAS,
            Vec::new(),
        );

        assert!(T::Currency::balance(&contract) >= 1_000);
    }

    #[benchmark]
    fn remove_code() {
        let owner = funded::<T>("owner");
        let code_hash = upload::<T>(&owner);

        #[extrinsic_call]
        _(RawOrigin::Signed(owner), code_hash);

        assert!(!PristineCode::<T>::contains_key(code_hash));
    }

    impl_benchmark_test_suite!(Contracts, crate::mock::new_test_ext(), crate::mock::Test);
}
