//! Native execution of a FRAME runtime.
//!
//! No wasm32 target exists on WCME's build machines, so the runtime is compiled into the node and
//! called through the `dispatch(method, data)` function that `impl_runtime_apis!` generates under
//! `std`. Each call runs inside `sp-state-machine` externalities over a state backend read from
//! [`wcme_storage`], so `sp-io` host functions behave exactly as they do for a wasm runtime. The
//! wire interface (SCALE-encoded arguments, runtime API names) is the same as Substrate's, which
//! keeps `state_call` and every client tool working.
//!
//! The runtime reports invalid blocks by panicking (FRAME's `Executive`); every call is wrapped in
//! `catch_unwind`, so a panicking runtime rejects the block or call and never takes the node down.

mod block;
mod error;
mod genesis;
mod runtime;

pub use block::{BuildLimits, BuiltBlock, ExecutedBlock};
pub use error::ExecutorError;
pub use genesis::{GenesisSource, GenesisState, StoragePairs};
pub use runtime::{Executor, RuntimeDescriptor, in_runtime_call};
