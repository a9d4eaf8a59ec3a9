//! The state trie over RocksDB: a `TrieBackend` whose nodes live in the `trie` column.

use std::sync::Arc;

use hash_db::Prefix;
use sp_state_machine::{DBValue, TrieBackend, TrieBackendBuilder, TrieBackendStorage};
use sp_trie::{
    PrefixedMemoryDB,
    cache::{CacheSize, SharedTrieCache},
};
use wcme_primitives::{Hash, Hashing};

use crate::db::COL_TRIE;

/// Trie nodes a block adds, as `OverlayedChanges::drain_storage_changes` produces them.
pub type TrieTransaction = PrefixedMemoryDB<Hashing>;

/// A read-only view of the state at one state root.
pub type StateBackend = TrieBackend<TrieNodes, Hashing>;

/// Reads trie nodes from the database's `trie` column, through a node and value cache shared by
/// every state view (decoded nodes are keyed by hash, so one cache serves all roots).
#[derive(Clone)]
pub struct TrieNodes {
    db: Arc<rocksdb::DB>,
    cache: SharedTrieCache<Hashing>,
}

impl TrieNodes {
    pub(crate) fn new(db: Arc<rocksdb::DB>, cache_bytes: usize) -> Self {
        Self {
            db,
            cache: SharedTrieCache::new(CacheSize::new(cache_bytes), None),
        }
    }

    /// The state at `root`. What it reads goes into the shared cache when it is dropped.
    pub fn state_at(&self, root: Hash) -> StateBackend {
        TrieBackendBuilder::new_with_cache(self.clone(), root, self.cache.local_cache_trusted())
            .build()
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
