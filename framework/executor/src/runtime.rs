//! Calling the native runtime inside externalities.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::Arc,
};

use codec::{Decode, Encode};
use sp_runtime::transaction_validity::{TransactionSource, TransactionValidity};
use sp_state_machine::{Backend, Ext, OverlayedChanges};
use sp_version::RuntimeVersion;
use wcme_primitives::{Hash, Hashing};
use wcme_storage::{ChainDb, StateBackend};

use crate::error::ExecutorError;

/// A runtime compiled into the node.
#[derive(Clone, Copy)]
pub struct RuntimeDescriptor {
    /// The `dispatch` function `impl_runtime_apis!` generates: runtime API name (e.g.
    /// `Core_version`) and SCALE-encoded arguments in, SCALE-encoded result out, `None` for an
    /// unknown name.
    pub dispatch: fn(&str, &[u8]) -> Option<Vec<u8>>,
    /// The version of the compiled-in runtime. A block built by another `spec_name` or
    /// `spec_version` cannot be executed by this node (no forkless upgrades without wasm).
    pub version: fn() -> RuntimeVersion,
}

impl RuntimeDescriptor {
    /// Runs one runtime function inside externalities over `state` and `overlay`. Storage
    /// transactions the runtime leaves open (e.g. after a panic) are rolled back; a panic becomes
    /// [`ExecutorError::RuntimePanic`].
    pub fn execute<B: Backend<Hashing>>(
        &self,
        state: &B,
        overlay: &mut OverlayedChanges<Hashing>,
        method: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, ExecutorError> {
        let dispatch = self.dispatch;
        let entered = overlay.enter_runtime().is_ok();
        let outcome = {
            let mut ext = Ext::new(overlay, state, None);
            let outer = IN_RUNTIME.with(|flag| flag.replace(true));
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                sp_externalities::set_and_run_with_externalities(&mut ext, || {
                    dispatch(method, data)
                })
            }));
            IN_RUNTIME.with(|flag| flag.set(outer));
            outcome
        };
        if entered && overlay.exit_runtime().is_err() {
            tracing::warn!(target: "executor", method, "overlay left the runtime twice");
        }
        match outcome {
            Ok(Some(result)) => Ok(result),
            Ok(None) => Err(ExecutorError::UnknownMethod(method.to_string())),
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                tracing::debug!(target: "executor", method, %message, "Runtime panicked");
                // `impl_runtime_apis!` panics with this text when the arguments do not decode.
                if message.starts_with("Bad input data provided to") {
                    Err(ExecutorError::BadInput {
                        method: method.to_string(),
                        message,
                    })
                } else {
                    Err(ExecutorError::RuntimePanic {
                        method: method.to_string(),
                        message,
                    })
                }
            }
        }
    }

    /// [`Self::execute`] and decode the result.
    pub fn execute_decoded<B: Backend<Hashing>, R: Decode>(
        &self,
        state: &B,
        overlay: &mut OverlayedChanges<Hashing>,
        method: &'static str,
        data: &[u8],
    ) -> Result<R, ExecutorError> {
        let bytes = self.execute(state, overlay, method, data)?;
        R::decode(&mut &bytes[..]).map_err(|source| ExecutorError::DecodeResult { method, source })
    }

    /// Collects the overlay's changes into trie nodes and the new state root.
    pub fn drain_changes<B: Backend<Hashing>>(
        &self,
        state: &B,
        overlay: &mut OverlayedChanges<Hashing>,
    ) -> Result<(wcme_storage::TrieTransaction, Hash), ExecutorError> {
        let state_version = (self.version)().state_version();
        let changes = overlay
            .drain_storage_changes(state, state_version)
            .map_err(ExecutorError::Backend)?;
        Ok((changes.transaction, changes.transaction_storage_root))
    }
}

/// Executes the compiled-in runtime over chain state.
#[derive(Clone)]
pub struct Executor {
    pub(crate) runtime: RuntimeDescriptor,
    pub(crate) db: Arc<ChainDb>,
}

impl Executor {
    /// An executor for `runtime` over the chain in `db`.
    pub fn new(runtime: RuntimeDescriptor, db: Arc<ChainDb>) -> Self {
        Self { runtime, db }
    }

    /// The chain database this executor reads.
    pub fn db(&self) -> &Arc<ChainDb> {
        &self.db
    }

    /// The version of the compiled-in runtime.
    pub fn native_version(&self) -> RuntimeVersion {
        (self.runtime.version)()
    }

    /// Calls a runtime API function on the state after block `at` and throws the changes away.
    pub fn call_at(&self, at: &Hash, method: &str, data: &[u8]) -> Result<Vec<u8>, ExecutorError> {
        let state = self.db.state_at_block(at)?;
        let mut overlay = OverlayedChanges::default();
        self.dispatch(&state, &mut overlay, method, data)
    }

    /// Calls a runtime API function and decodes its result.
    pub fn call_decoded<R: Decode>(
        &self,
        at: &Hash,
        method: &'static str,
        data: &[u8],
    ) -> Result<R, ExecutorError> {
        let bytes = self.call_at(at, method, data)?;
        R::decode(&mut &bytes[..]).map_err(|source| ExecutorError::DecodeResult { method, source })
    }

    /// The runtime version stored in the state after block `at` (`Core_version`).
    pub fn runtime_version(&self, at: &Hash) -> Result<RuntimeVersion, ExecutorError> {
        self.call_decoded(at, "Core_version", &[])
    }

    /// Validates a transaction against the state after block `at` on a throwaway overlay.
    pub fn validate_transaction(
        &self,
        at: &Hash,
        source: TransactionSource,
        extrinsic: &[u8],
    ) -> Result<TransactionValidity, ExecutorError> {
        // `(source, tx, block_hash)` as `TaggedTransactionQueue_validate_transaction` v3 takes
        // them; the extrinsic bytes are already SCALE-encoded, so they are appended as they are.
        let mut data = source.encode();
        data.extend_from_slice(extrinsic);
        at.encode_to(&mut data);
        self.call_decoded(at, "TaggedTransactionQueue_validate_transaction", &data)
    }

    /// Runs one runtime function over `state` and `overlay` (see [`RuntimeDescriptor::execute`]).
    pub(crate) fn dispatch(
        &self,
        state: &StateBackend,
        overlay: &mut OverlayedChanges<Hashing>,
        method: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, ExecutorError> {
        self.runtime.execute(state, overlay, method, data)
    }

    /// Dispatches and decodes.
    pub(crate) fn dispatch_decoded<R: Decode>(
        &self,
        state: &StateBackend,
        overlay: &mut OverlayedChanges<Hashing>,
        method: &'static str,
        data: &[u8],
    ) -> Result<R, ExecutorError> {
        self.runtime.execute_decoded(state, overlay, method, data)
    }

    /// Collects the overlay's changes into trie nodes and the new state root.
    pub(crate) fn drain_changes(
        &self,
        state: &StateBackend,
        overlay: &mut OverlayedChanges<Hashing>,
    ) -> Result<(wcme_storage::TrieTransaction, Hash), ExecutorError> {
        self.runtime.drain_changes(state, overlay)
    }

    /// Refuses state last written by a runtime other than the compiled-in one, or by a newer
    /// version of it. A newer native runtime is fine: executing the next block migrates.
    pub fn check_runtime(&self, state: &StateBackend) -> Result<(), ExecutorError> {
        // `frame_system::LastRuntimeUpgrade`: `(Compact<spec_version>, spec_name)`.
        let key = [
            sp_crypto_hashing::twox_128(b"System"),
            sp_crypto_hashing::twox_128(b"LastRuntimeUpgrade"),
        ]
        .concat();
        let Some(bytes) = state.storage(&key).map_err(ExecutorError::Backend)? else {
            return Ok(());
        };
        let (chain_version, chain_name) = <(codec::Compact<u32>, String)>::decode(&mut &bytes[..])
            .map_err(|source| ExecutorError::DecodeResult {
                method: "System::LastRuntimeUpgrade",
                source,
            })?;
        let native = self.native_version();
        if chain_name != native.spec_name || chain_version.0 > native.spec_version {
            return Err(ExecutorError::RuntimeMismatch {
                chain_name,
                chain_version: chain_version.0,
                native_name: native.spec_name.to_string(),
                native_version: native.spec_version,
            });
        }
        Ok(())
    }

    /// Reads one key of the state after block `at`.
    pub fn storage(&self, at: &Hash, key: &[u8]) -> Result<Option<Vec<u8>>, ExecutorError> {
        let state = self.db.state_at_block(at)?;
        state.storage(key).map_err(ExecutorError::Backend)
    }
}

thread_local! {
    static IN_RUNTIME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current thread is executing the runtime. A panic hook uses it to tell the
/// runtime's way of rejecting a block or call (caught and turned into an error) from a node bug.
pub fn in_runtime_call() -> bool {
    IN_RUNTIME.with(|flag| flag.get())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "non-string panic payload".to_string()
    }
}
