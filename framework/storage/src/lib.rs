//! RocksDB chain storage for WCME nodes.
//!
//! One database per chain holds the state trie nodes, block headers, bodies, justifications, the
//! canonical number → hash index and the chain meta (genesis, best, finalized). Every block is
//! written with one RocksDB `WriteBatch`, so a crash — even `kill -9` in the middle of an import —
//! leaves either the whole block or nothing. On open, [`ChainDb`] checks that meta and stored data
//! agree and refuses to start on a database it cannot trust, rather than serving wrong state.
//!
//! State is archived: trie nodes are keyed by (prefix, hash) exactly as Substrate's
//! `PrefixedMemoryDB` produces them and are never deleted, so any stored block's state can be read.

mod db;
mod error;
mod state;

pub use db::{BlockCommit, ChainDb, ChainInfo, DbConfig};
pub use error::StorageError;
pub use state::{StateBackend, TrieNodes, TrieTransaction};

#[cfg(test)]
mod tests;
