//! Errors of the chain storage.

use wcme_primitives::{BlockNumber, Hash};

/// A failure to read or write the chain database.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// RocksDB itself failed (I/O, checksum mismatch, lock held by another process).
    #[error("database error: {0}")]
    Rocks(#[from] rocksdb::Error),
    /// A stored value does not decode.
    #[error("corrupt {what} in the database: {source}")]
    Decode {
        /// Which record.
        what: &'static str,
        /// The decoding error.
        source: codec::Error,
    },
    /// Stored records contradict each other; the database cannot be trusted.
    #[error(
        "database is inconsistent: {0}; refusing to use it (purge the chain or restore a backup)"
    )]
    Inconsistent(String),
    /// The database was written by an incompatible version of the node.
    #[error("database schema version {found} is not supported (expected {expected})")]
    SchemaVersion {
        /// Version on disk.
        found: u32,
        /// Version this node writes.
        expected: u32,
    },
    /// The database holds another chain than the one being started.
    #[error("database holds the chain with genesis {found:?}, not {expected:?}")]
    GenesisMismatch {
        /// Genesis hash on disk.
        found: Hash,
        /// Genesis hash of the chain spec.
        expected: Hash,
    },
    /// A block's parent is not stored.
    #[error("parent {parent:?} of block #{number} is not in the database")]
    UnknownParent {
        /// The missing parent.
        parent: Hash,
        /// Number of the block being written.
        number: BlockNumber,
    },
    /// A block that was asked for is not stored.
    #[error("block {0:?} is not in the database")]
    UnknownBlock(Hash),
    /// Genesis was already written.
    #[error("genesis is already stored")]
    GenesisExists,
    /// An operation needs genesis, and there is none yet.
    #[error("the database has no genesis block yet")]
    NoGenesis,
    /// Finalizing a block that is not on the canonical chain, or behind the finalized one.
    #[error("cannot finalize {hash:?}: {reason}")]
    BadFinalization {
        /// The block.
        hash: Hash,
        /// Why not.
        reason: &'static str,
    },
}
