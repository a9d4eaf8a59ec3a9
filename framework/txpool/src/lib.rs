//! The WCME transaction pool: validated transactions waiting to be included in a block.
//!
//! Transactions arrive from RPC and the network as encoded extrinsics. The pool asks a
//! [`TxValidator`] (the runtime's `TaggedTransactionQueue` API, in the node) whether each one is
//! valid and, if so, which tags it `requires` and `provides` and with which priority, exactly as a
//! Substrate pool does. With FRAME's `CheckNonce` a signed transaction provides
//! `(sender, nonce).encode()` and requires `(sender, nonce - 1).encode()` unless its nonce is the
//! sender's on-chain one, so tags order each sender's transactions, and priority (which grows with
//! the tip) orders the rest. A transaction whose required tags are all provided is *ready*; the
//! others wait in the *future* queue until the transactions they need arrive. A transaction that
//! provides a tag already provided in the pool replaces the old one only with a strictly higher
//! priority. Both queues are bounded by count and bytes; when full, the lowest-priority
//! transactions are dropped. Invalid transactions are banned for a while. After each imported
//! block the pool removes the included transactions and re-validates the rest against the new
//! state; [`TxPool::submit_and_watch`] reports every step of a transaction's life
//! (`Ready`/`Future` → `InBlock` → `Finalized`, or `Usurped`, `Dropped`, `Invalid`).

#![warn(missing_docs)]

mod base;
mod error;
mod pool;
mod validator;

#[cfg(test)]
mod tests;

use std::{sync::Arc, time::Duration};

use sp_runtime::{
    traits::{BlakeTwo256, Hash as HashT},
    transaction_validity::{
        TransactionLongevity, TransactionPriority, TransactionSource, TransactionTag,
    },
};
use wcme_primitives::{Extrinsic, Hash};

pub use error::{PoolError, ValidatorError};
pub use pool::{MaintenanceReport, TxPool};
pub use validator::{Clock, SystemClock, TxValidator};

/// The `tracing` target of this crate's log lines.
pub const LOG_TARGET: &str = "txpool";

/// The hash of an encoded extrinsic: `blake2_256` of its bytes, as Substrate computes it.
pub fn tx_hash(encoded: &[u8]) -> Hash {
    BlakeTwo256::hash(encoded)
}

/// The SCALE encoding of an extrinsic, as submitted to the pool.
pub fn encode_extrinsic(xt: &Extrinsic) -> Vec<u8> {
    codec::Encode::encode(xt)
}

/// The hash of an extrinsic as the pool knows it: [`tx_hash`] of [`encode_extrinsic`].
pub fn extrinsic_hash(xt: &Extrinsic) -> Hash {
    tx_hash(&encode_extrinsic(xt))
}

/// A transaction in the pool with what its validation said about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PooledTransaction {
    /// [`tx_hash`] of `bytes`.
    pub hash: Hash,
    /// The encoded extrinsic.
    pub bytes: Arc<[u8]>,
    /// Priority among transactions whose requirements are met; higher goes first.
    pub priority: TransactionPriority,
    /// Tags that transactions before this one must provide.
    pub requires: Vec<TransactionTag>,
    /// Tags this transaction provides.
    pub provides: Vec<TransactionTag>,
    /// Number of blocks the validity holds for, from the block it was validated at.
    pub longevity: TransactionLongevity,
    /// Whether it may be gossiped to other nodes.
    pub propagate: bool,
    /// Where it came from.
    pub source: TransactionSource,
    /// The first block number at which it is no longer valid unless re-validated.
    pub valid_till: u64,
    /// Position in the order of arrival, for ties.
    insertion: u64,
}

impl PooledTransaction {
    /// Size of the encoded extrinsic in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the encoded extrinsic is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Position in the order of arrival (lower arrived earlier).
    pub fn insertion_order(&self) -> u64 {
        self.insertion
    }
}

/// A bound on one queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Most transactions.
    pub count: usize,
    /// Most bytes of encoded transactions in total.
    pub total_bytes: usize,
}

/// The bounds of the two queues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolLimits {
    /// Bound of the ready queue (Substrate's default: 8192 transactions, 20 MiB).
    pub ready: Limit,
    /// Bound of the future queue (Substrate's default: 512 transactions, 1 MiB).
    pub future: Limit,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self {
            ready: Limit {
                count: 8192,
                total_bytes: 20 * 1024 * 1024,
            },
            future: Limit {
                count: 512,
                total_bytes: 1024 * 1024,
            },
        }
    }
}

/// Settings of a [`TxPool`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolOptions {
    /// Queue bounds.
    pub limits: PoolLimits,
    /// How long an invalid (or included) transaction's hash stays banned (default 30 minutes).
    pub ban_time: Duration,
    /// Most hashes banned at once; beyond, the bans closest to expiry are lifted first.
    pub max_banned: usize,
    /// Capacity of each watcher's status channel; a watcher whose channel is full is dropped.
    pub watcher_capacity: usize,
    /// Most blocks whose transactions' watchers wait for finality; beyond, the oldest blocks'
    /// watchers are closed.
    pub finality_window: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            limits: PoolLimits::default(),
            ban_time: Duration::from_secs(30 * 60),
            max_banned: 65_536,
            watcher_capacity: 64,
            finality_window: 512,
        }
    }
}

/// Sizes of the two queues.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Transactions ready for inclusion.
    pub ready: usize,
    /// Bytes of the ready transactions.
    pub ready_bytes: usize,
    /// Transactions waiting for others.
    pub future: usize,
    /// Bytes of the future transactions.
    pub future_bytes: usize,
}
