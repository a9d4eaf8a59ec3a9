//! The state trie over RocksDB: a `TrieBackend` whose nodes live in the `trie` column.

use std::sync::Arc;

use hash_db::Prefix;
use sp_state_machine::{DBValue, TrieBackend, TrieBackendBuilder, TrieBackendStorage};
use sp_trie::PrefixedMemoryDB;
use wcme_primitives::{Hash, Hashing};

use crate::db::COL_TRIE;

/// Trie nodes a block adds, as `OverlayedChanges::drain_storage_changes` produces them.
pub type TrieTransaction = PrefixedMemoryDB<Hashing>;

/// A read-only view of the state at one state root.
pub type StateBackend = TrieBackend<TrieNodes, Hashing>;

/// Reads trie nodes from the database's `trie` column.
#[derive(Clone)]
pub struct TrieNodes {
    db: Arc<rocksdb::DB>,
}

impl TrieNodes {
    pub(crate) fn new(db: Arc<rocksdb::DB>) -> Self {
        Self { db }
    }

    /// The state at `root`.
    pub fn state_at(&self, root: Hash) -> StateBackend {
        TrieBackendBuilder::new(self.clone(), root).build()
    }
}

impl TrieBackendStorage<Hashing> for TrieNodes {
    fn get(&self, key: &Hash, prefix: Prefix) -> Result<Option<DBValue>, String> {
        let cf = self
            .db
            .cf_handle(COL_TRIE)
            .ok_or_else(|| "column family `trie` is missing".to_string())?;
        self.db
            .get_cf(cf, sp_trie::prefixed_key::<Hashing>(key, prefix))
            .map_err(|e| format!("reading trie node {key:?}: {e}"))
    }
}
