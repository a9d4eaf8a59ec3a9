//! Errors of native runtime execution.

use sp_runtime::transaction_validity::TransactionValidityError;
use wcme_primitives::{BlockNumber, Hash};

/// A failure to execute the runtime.
#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    /// The runtime has no function of that name.
    #[error("the runtime has no API function `{0}`")]
    UnknownMethod(String),
    /// The runtime could not decode the arguments of the call (e.g. a malformed extrinsic).
    #[error("bad input to `{method}`: {message}")]
    BadInput {
        /// The runtime function.
        method: String,
        /// What the runtime said.
        message: String,
    },
    /// The runtime panicked; for a block this means the block is invalid.
    #[error("runtime panicked in `{method}`: {message}")]
    RuntimePanic {
        /// The runtime function.
        method: String,
        /// The panic message.
        message: String,
    },
    /// The runtime's answer does not decode as the expected type.
    #[error("cannot decode the result of `{method}`: {source}")]
    DecodeResult {
        /// The runtime function.
        method: &'static str,
        /// The decoding error.
        source: codec::Error,
    },
    /// The runtime returned an error value.
    #[error("`{method}` failed: {message}")]
    Runtime {
        /// The runtime function.
        method: &'static str,
        /// The runtime's message.
        message: String,
    },
    /// An inherent extrinsic was rejected while building a block.
    #[error("inherent extrinsic rejected: {0:?}")]
    InherentRejected(TransactionValidityError),
    /// The block's inherents do not check out (e.g. timestamp too far in the future).
    #[error("inherents of block #{number} are invalid: {reason}")]
    BadInherents {
        /// The block number.
        number: BlockNumber,
        /// What the runtime said.
        reason: String,
    },
    /// The state root computed by executing the block differs from the header's.
    #[error("state root mismatch in block #{number}: header {expected:?}, computed {computed:?}")]
    StateRootMismatch {
        /// The block number.
        number: BlockNumber,
        /// What the header says.
        expected: Hash,
        /// What execution produced.
        computed: Hash,
    },
    /// The chain's state was written by a runtime this node does not have (another chain, or a
    /// newer `spec_version`): without wasm, a runtime upgrade needs an upgraded node.
    #[error(
        "the chain runs runtime {chain_name} v{chain_version}, this node has {native_name} \
         v{native_version}: upgrade the node"
    )]
    RuntimeMismatch {
        /// `spec_name` in the chain's state.
        chain_name: String,
        /// `spec_version` in the chain's state.
        chain_version: u32,
        /// The compiled-in `spec_name`.
        native_name: String,
        /// The compiled-in `spec_version`.
        native_version: u32,
    },
    /// Reading state or blocks failed.
    #[error(transparent)]
    Storage(#[from] wcme_storage::StorageError),
    /// Collecting the state changes failed.
    #[error("state backend error: {0}")]
    Backend(String),
    /// A genesis description is unusable.
    #[error("bad genesis: {0}")]
    Genesis(String),
}
