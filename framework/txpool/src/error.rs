//! Errors of the transaction pool.

use sp_runtime::transaction_validity::{
    InvalidTransaction, TransactionPriority, UnknownTransaction,
};
use wcme_primitives::Hash;

/// Why the validator could not answer (as opposed to answering "invalid").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorError {
    /// The block to validate against is not known (pruned or never imported).
    #[error("unknown block {0:?}")]
    UnknownBlock(Hash),
    /// Calling the runtime's `TaggedTransactionQueue` API failed.
    #[error("runtime call failed: {0}")]
    Runtime(String),
    /// The runtime cannot decode the bytes as one of its extrinsics.
    #[error("the runtime cannot decode the transaction: {0}")]
    Undecodable(String),
}

/// Why a transaction was not accepted into the pool.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// The runtime says the transaction is invalid; its hash is banned for the ban time.
    #[error("invalid transaction: {0:?}")]
    Invalid(InvalidTransaction),
    /// The runtime cannot tell whether the transaction is valid.
    #[error("transaction validity cannot be determined: {0:?}")]
    UnknownValidity(UnknownTransaction),
    /// The same transaction (same hash) is already in the pool.
    #[error("transaction is already in the pool")]
    AlreadyImported,
    /// The transaction was recently found invalid or included; try again after the ban time.
    #[error("transaction is temporarily banned")]
    TemporarilyBanned,
    /// Transactions in the pool provide the same tags with at least this priority in total.
    #[error("priority {new} is too low to replace transactions of total priority {old}")]
    TooLowPriority {
        /// Total priority of the transactions that would be replaced.
        old: TransactionPriority,
        /// Priority of the submitted transaction.
        new: TransactionPriority,
    },
    /// The pool is full and the transaction would be the first to go.
    #[error("transaction pool is full; the transaction was dropped at once")]
    ImmediatelyDropped,
    /// The runtime found the transaction valid but it provides no tag, so nothing could ever stop
    /// it from being included twice; treated as invalid and banned.
    #[error("transaction provides no tags")]
    NoTagsProvided,
    /// The validator failed.
    #[error(transparent)]
    Validator(#[from] ValidatorError),
}
