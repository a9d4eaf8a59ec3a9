//! The deterministic WebAssembly contract engine of WCME (DESIGN §7, "Contracts"): what the
//! contracts pallet uses to validate uploaded contract code and to run it, metered by fuel, so
//! that every node gets the same result and uses the same fuel for the same call.
//!
//! Contracts are Wasm modules that import host functions only from `wcme_v1` (host ABI
//! version 1, [`abi`]; documented for contract authors in `docs/vm.md`) and export `memory`,
//! `deploy` and `call`. The [`Vm`] checks code at upload ([`Vm::validate`]: size, no floats,
//! SIMD or threads, known imports with exact signatures, no start function, memory and table
//! limits), compiles it with Cranelift ([`Vm::prepare`], at upload) into an in-memory cache keyed
//! by code hash and into an [`ArtifactStore`] (on disk in a node, [`set_artifact_dir`]), from
//! which later executions load it instead of compiling it again ([`artifact`]), and runs one
//! call frame at a time ([`Vm::execute`]) in a fresh wasmtime store with fuel, a bounded Wasm stack and
//! bounded memory. Everything a contract reads or changes goes through the [`Host`] trait,
//! which the pallet implements over the contract's own storage, balances and events; a nested
//! call goes back to the host, which runs the callee with [`Vm::execute`] again.
//!
//! Every way an execution can end is an [`Outcome`]: the fuel used and
//! [`ExecResult::Returned`], [`ExecResult::Reverted`] or [`ExecResult::Trapped`] with a typed
//! [`TrapReason`]. No code, input or host-function argument makes the Vm panic.

pub mod abi;
pub mod artifact;
mod cache;
pub mod config;
pub mod error;
mod exec;
pub mod host;
mod imports;
mod validate;

#[cfg(test)]
mod tests;

// The test host in `tests/common/world.rs` names the crate `wcme_vm`, as integration tests do.
#[cfg(test)]
extern crate self as wcme_vm;

pub use artifact::{
    ArtifactDirAlreadySet, ArtifactKey, ArtifactStore, DirStore, MemoryStore, artifact_dir,
    set_artifact_dir,
};
pub use config::{HostCosts, VmConfig};
pub use error::{CodeError, HostLimit, TrapReason, VmError};
pub use exec::{ModuleSource, OTHER_ENGINE_ERROR, Vm, code_hash};
pub use host::{
    AccountId, Balance, CallRequest, Entry, ExecResult, Host, Outcome, Topic, TransferError,
};
pub use validate::CodeInfo;
