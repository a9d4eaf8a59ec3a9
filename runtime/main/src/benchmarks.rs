//! The runtime's pallet benchmarks, for `wcme-node benchmark pallet`.
//!
//! A Substrate runtime exposes its benchmarks through the `frame_benchmarking::Benchmark` runtime
//! API in `impl_runtime_apis!`, and `frame-benchmarking-cli` calls it inside a Wasm instance. This
//! runtime runs natively, so the same two functions are plain Rust here, reached through
//! [`DISPATCH`] under the runtime API's names (`Benchmark_benchmark_metadata`,
//! `Benchmark_dispatch_benchmark`) with the same SCALE-encoded arguments and results; the node
//! calls it inside externalities that implement the benchmarking host functions (database wipe
//! and commit, read/write counting, proof recording).
//!
//! Everything here is compiled only with the `runtime-benchmarks` feature, which also compiles
//! the pallets' `benchmarking.rs`; without it [`DISPATCH`] is `None` and the default build does
//! not carry `frame-benchmarking`.

/// A native runtime-API dispatch: method name and SCALE-encoded arguments in, SCALE-encoded result
/// out, `None` for an unknown method (the shape of [`crate::dispatch`]).
pub type Dispatch = fn(&str, &[u8]) -> Option<alloc::vec::Vec<u8>>;

/// The `Benchmark` runtime API of this runtime, or `None` when it was built without the
/// `runtime-benchmarks` feature.
#[cfg(feature = "runtime-benchmarks")]
pub const DISPATCH: Option<Dispatch> = Some(enabled::dispatch);
/// The `Benchmark` runtime API of this runtime, or `None` when it was built without the
/// `runtime-benchmarks` feature.
#[cfg(not(feature = "runtime-benchmarks"))]
pub const DISPATCH: Option<Dispatch> = None;

#[cfg(feature = "runtime-benchmarks")]
mod enabled {
    use alloc::{string::String, vec::Vec};
    use codec::{Decode, Encode};
    use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
    use frame_support::traits::{StorageInfo, StorageInfoTrait, WhitelistedStorageKeys};

    use crate::{
        AllPalletsWithSystem, Contracts, Credit, CrossChain, Poc, Reserve, SmartAssets, Subchains,
    };

    // The pallets benchmarked, by crate (the name `--pallet` selects) and runtime instance; a
    // pallet joins once it has a `benchmarking.rs`.
    frame_benchmarking::define_benchmarks!(
        [pallet_wcme_reserve, Reserve]
        [pallet_wcme_poc, Poc]
        [pallet_wcme_credit, Credit]
        [pallet_wcme_smart_assets, SmartAssets]
        [pallet_wcme_subchains, Subchains]
        [pallet_wcme_cross_chain, CrossChain]
        [pallet_wcme_contracts, Contracts]
    );

    /// `Benchmark::benchmark_metadata`: every benchmark of the pallets above, and the storage
    /// items of the whole runtime (to name the keys a benchmark touched).
    pub fn benchmark_metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
        let mut list = Vec::<BenchmarkList>::new();
        list_benchmarks!(list, extra);
        (list, AllPalletsWithSystem::storage_info())
    }

    /// `Benchmark::dispatch_benchmark`: runs the benchmark `config` names, with the runtime's
    /// whitelisted keys (read in every block anyway) not counted as reads or writes.
    pub fn dispatch_benchmark(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
        let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
        let mut batches = Vec::<BenchmarkBatch>::new();
        let params = (&config, &whitelist);
        add_benchmarks!(params, batches);
        Ok(batches)
    }

    /// The two functions above under their runtime API names. Arguments that do not decode
    /// panic with the message `impl_runtime_apis!` uses, which the node's executor reports as
    /// bad input.
    pub fn dispatch(method: &str, data: &[u8]) -> Option<Vec<u8>> {
        match method {
            "Benchmark_benchmark_metadata" => {
                let extra = decode_input::<bool>(method, data);
                Some(benchmark_metadata(extra).encode())
            }
            "Benchmark_dispatch_benchmark" => {
                let config = decode_input::<BenchmarkConfig>(method, data);
                Some(dispatch_benchmark(config).encode())
            }
            _ => None,
        }
    }

    fn decode_input<T: Decode>(method: &str, data: &[u8]) -> T {
        match T::decode(&mut &data[..]) {
            Ok(value) => value,
            Err(error) => panic!("Bad input data provided to {method}: {error}"),
        }
    }
}
