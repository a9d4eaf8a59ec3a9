//! The chain database: column families, atomic block commit, start-up consistency check.

use std::{path::Path, sync::Arc};

use codec::{Decode, Encode};
use parking_lot::RwLock;
use rocksdb::{ColumnFamilyDescriptor, DB, Options, WriteBatch, WriteOptions};
use sp_runtime::{
    Justifications,
    traits::{Header as _, Zero},
};
use wcme_primitives::{BlockNumber, Extrinsic, Hash, Header};

use crate::{
    error::StorageError,
    state::{StateBackend, TrieNodes, TrieTransaction},
};

pub(crate) const COL_TRIE: &str = "trie";
const COL_HEADERS: &str = "headers";
const COL_BODIES: &str = "bodies";
const COL_JUSTIFICATIONS: &str = "justifications";
const COL_LOOKUP: &str = "lookup";
const COL_META: &str = "meta";
const COLUMNS: [&str; 6] = [
    COL_TRIE,
    COL_HEADERS,
    COL_BODIES,
    COL_JUSTIFICATIONS,
    COL_LOOKUP,
    COL_META,
];

const META_SCHEMA: &[u8] = b"schema";
const META_GENESIS: &[u8] = b"genesis";
const META_BEST: &[u8] = b"best";
const META_FINALIZED: &[u8] = b"finalized";
/// Prefix of auxiliary records ([`ChainDb::aux`]).
const AUX_PREFIX: &[u8] = b"aux:";
/// Bumped whenever the on-disk layout changes.
const SCHEMA_VERSION: u32 = 1;

/// How to open the database.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// RocksDB block cache in bytes.
    pub cache_bytes: usize,
    /// Cache of decoded trie nodes and values in bytes.
    pub trie_cache_bytes: usize,
    /// fsync every block commit. Off by default: a process crash keeps the WAL (the OS has it);
    /// only a power loss could lose the last blocks, never half of one.
    pub sync_writes: bool,
}

impl Default for DbConfig {
    fn default() -> Self {
        Self {
            cache_bytes: 64 * 1024 * 1024,
            trie_cache_bytes: 128 * 1024 * 1024,
            sync_writes: false,
        }
    }
}

/// Where the chain stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainInfo {
    /// Genesis block hash.
    pub genesis: Hash,
    /// Best block number and hash.
    pub best: (BlockNumber, Hash),
    /// Last finalized block number and hash.
    pub finalized: (BlockNumber, Hash),
}

/// Everything one block adds to the database, written in one batch.
pub struct BlockCommit {
    /// The block's header (with its seal).
    pub header: Header,
    /// The block's extrinsics.
    pub body: Vec<Extrinsic>,
    /// Finality proofs, if any.
    pub justifications: Option<Justifications>,
    /// Trie nodes created by executing the block.
    pub trie_nodes: TrieTransaction,
    /// Make this the best block (and its chain canonical).
    pub set_best: bool,
    /// Mark this block (and so its ancestors) final. Implies `set_best`.
    pub finalize: bool,
}

/// The chain database.
pub struct ChainDb {
    pub(crate) db: Arc<DB>,
    trie: TrieNodes,
    info: RwLock<Option<ChainInfo>>,
    write_options: WriteOptions,
}

impl ChainDb {
    /// Opens (or creates) the database in `path` and checks its consistency.
    pub fn open(path: &Path, config: &DbConfig) -> Result<Self, StorageError> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        // Verify checksums on every read so a damaged file is an error, not wrong state.
        options.set_paranoid_checks(true);
        let mut block_options = rocksdb::BlockBasedOptions::default();
        let cache = rocksdb::Cache::new_lru_cache(config.cache_bytes);
        block_options.set_block_cache(&cache);
        options.set_block_based_table_factory(&block_options);
        let descriptors = COLUMNS
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, options.clone()));
        let db = Arc::new(DB::open_cf_descriptors(&options, path, descriptors)?);
        let mut write_options = WriteOptions::default();
        write_options.set_sync(config.sync_writes);
        let chain = Self {
            trie: TrieNodes::new(db.clone(), config.trie_cache_bytes),
            db,
            info: RwLock::new(None),
            write_options,
        };
        let info = chain.check_consistency()?;
        *chain.info.write() = info;
        Ok(chain)
    }

    /// Genesis, best and finalized block, or `None` before genesis is written.
    pub fn info(&self) -> Option<ChainInfo> {
        *self.info.read()
    }

    /// Like [`Self::info`], for callers that need genesis to exist.
    pub fn require_info(&self) -> Result<ChainInfo, StorageError> {
        self.info().ok_or(StorageError::NoGenesis)
    }

    /// The header of block `hash`.
    pub fn header(&self, hash: &Hash) -> Result<Option<Header>, StorageError> {
        self.get_decoded(COL_HEADERS, hash.as_ref(), "header")
    }

    /// The header of block `hash`, which must be stored.
    fn known_header(&self, hash: &Hash) -> Result<Header, StorageError> {
        self.header(hash)?.ok_or(StorageError::UnknownBlock(*hash))
    }

    /// The extrinsics of block `hash`.
    pub fn body(&self, hash: &Hash) -> Result<Option<Vec<Extrinsic>>, StorageError> {
        self.get_decoded(COL_BODIES, hash.as_ref(), "body")
    }

    /// The justifications of block `hash`.
    pub fn justifications(&self, hash: &Hash) -> Result<Option<Justifications>, StorageError> {
        self.get_decoded(COL_JUSTIFICATIONS, hash.as_ref(), "justifications")
    }

    /// A record other node components keep with the chain (the finality voter's state), by
    /// `key`; kept apart from the chain's own metadata.
    pub fn aux(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        let key = [AUX_PREFIX, key].concat();
        Ok(self.db.get_cf(self.cf(COL_META)?, key)?)
    }

    /// Stores an auxiliary record (see [`Self::aux`]), written through the WAL before it
    /// returns, so a crash right after keeps it.
    pub fn put_aux(&self, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        let key = [AUX_PREFIX, key].concat();
        let mut batch = WriteBatch::default();
        self.put(&mut batch, COL_META, &key, value)?;
        self.db.write_opt(batch, &self.write_options)?;
        Ok(())
    }

    /// The hash of the canonical block at `number`.
    pub fn canonical_hash(&self, number: BlockNumber) -> Result<Option<Hash>, StorageError> {
        self.get_decoded(COL_LOOKUP, &number.to_be_bytes(), "number index")
    }

    /// The state after block `hash`.
    pub fn state_at_block(&self, hash: &Hash) -> Result<StateBackend, StorageError> {
        let header = self.known_header(hash)?;
        Ok(self.trie.state_at(*header.state_root()))
    }

    /// The state at a state root (which must be stored).
    pub fn state_at_root(&self, root: Hash) -> StateBackend {
        self.trie.state_at(root)
    }

    /// Writes the genesis block and its state. Fails if genesis exists.
    pub fn commit_genesis(
        &self,
        header: Header,
        trie_nodes: TrieTransaction,
    ) -> Result<ChainInfo, StorageError> {
        if self.info().is_some() {
            return Err(StorageError::GenesisExists);
        }
        if !header.number().is_zero() {
            return Err(StorageError::Inconsistent(format!(
                "genesis header has number {}",
                header.number()
            )));
        }
        let hash = header.hash();
        let mut batch = WriteBatch::default();
        self.put_trie_nodes(&mut batch, trie_nodes)?;
        self.put(&mut batch, COL_HEADERS, hash.as_ref(), &header.encode())?;
        self.put(
            &mut batch,
            COL_BODIES,
            hash.as_ref(),
            &Vec::<Extrinsic>::new().encode(),
        )?;
        self.put(&mut batch, COL_LOOKUP, &0u32.to_be_bytes(), &hash.encode())?;
        self.put(&mut batch, COL_META, META_SCHEMA, &SCHEMA_VERSION.encode())?;
        self.put(&mut batch, COL_META, META_GENESIS, &hash.encode())?;
        self.put(&mut batch, COL_META, META_BEST, &(0u32, hash).encode())?;
        self.put(&mut batch, COL_META, META_FINALIZED, &(0u32, hash).encode())?;
        self.db.write_opt(batch, &self.write_options)?;
        let info = ChainInfo {
            genesis: hash,
            best: (0, hash),
            finalized: (0, hash),
        };
        *self.info.write() = Some(info);
        tracing::debug!(target: "db", ?hash, "Stored genesis block");
        Ok(info)
    }

    /// Writes one block, its state changes and, if asked, the new best/finalized pointers, in one
    /// atomic batch. Returns the chain info after the write.
    pub fn commit_block(&self, commit: BlockCommit) -> Result<ChainInfo, StorageError> {
        let mut info_guard = self.info.write();
        let info = (*info_guard).ok_or(StorageError::NoGenesis)?;
        let header = commit.header;
        let number = *header.number();
        let hash = header.hash();
        let parent = *header.parent_hash();
        let parent_header = self
            .header(&parent)?
            .ok_or(StorageError::UnknownParent { parent, number })?;
        if parent_header.number().checked_add(1) != Some(number) {
            return Err(StorageError::Inconsistent(format!(
                "block #{number} has parent #{}",
                parent_header.number()
            )));
        }

        let mut batch = WriteBatch::default();
        self.put_trie_nodes(&mut batch, commit.trie_nodes)?;
        self.put(&mut batch, COL_HEADERS, hash.as_ref(), &header.encode())?;
        self.put(&mut batch, COL_BODIES, hash.as_ref(), &commit.body.encode())?;
        self.put_justifications(&mut batch, &hash, commit.justifications.as_ref())?;
        let mut new_info = info;
        if commit.set_best || commit.finalize {
            self.set_canonical(&mut batch, &header, info.best.0)?;
            new_info.best = (number, hash);
            self.put(&mut batch, COL_META, META_BEST, &(number, hash).encode())?;
        }
        if commit.finalize {
            ensure_not_behind_finalized(&hash, number, &info)?;
            new_info.finalized = (number, hash);
            self.put(
                &mut batch,
                COL_META,
                META_FINALIZED,
                &(number, hash).encode(),
            )?;
        }
        self.db.write_opt(batch, &self.write_options)?;
        *info_guard = Some(new_info);
        Ok(new_info)
    }

    /// Marks a canonical block final and stores its justifications.
    pub fn finalize(
        &self,
        hash: &Hash,
        justifications: Option<Justifications>,
    ) -> Result<ChainInfo, StorageError> {
        let mut info_guard = self.info.write();
        let info = (*info_guard).ok_or(StorageError::NoGenesis)?;
        let header = self.known_header(hash)?;
        let number = *header.number();
        if self.canonical_hash(number)? != Some(*hash) {
            return Err(StorageError::BadFinalization {
                hash: *hash,
                reason: "not canonical",
            });
        }
        ensure_not_behind_finalized(hash, number, &info)?;
        let mut batch = WriteBatch::default();
        self.put_justifications(&mut batch, hash, justifications.as_ref())?;
        self.put(
            &mut batch,
            COL_META,
            META_FINALIZED,
            &(number, *hash).encode(),
        )?;
        self.db.write_opt(batch, &self.write_options)?;
        let new_info = ChainInfo {
            finalized: (number, *hash),
            ..info
        };
        *info_guard = Some(new_info);
        Ok(new_info)
    }

    /// Makes block `hash` the best block (and its chain canonical) although the fork choice
    /// had another: for a block proven final off the best chain. It must descend from the
    /// finalized block.
    pub fn set_best(&self, hash: &Hash) -> Result<ChainInfo, StorageError> {
        let mut info_guard = self.info.write();
        let info = (*info_guard).ok_or(StorageError::NoGenesis)?;
        let header = self.known_header(hash)?;
        let number = *header.number();
        if !self.descends_from(&header, info.finalized)? {
            return Err(StorageError::BadFinalization {
                hash: *hash,
                reason: "not a descendant of the finalized block",
            });
        }
        let mut batch = WriteBatch::default();
        self.set_canonical(&mut batch, &header, info.best.0)?;
        self.put(&mut batch, COL_META, META_BEST, &(number, *hash).encode())?;
        self.db.write_opt(batch, &self.write_options)?;
        let new_info = ChainInfo {
            best: (number, *hash),
            ..info
        };
        *info_guard = Some(new_info);
        Ok(new_info)
    }

    /// Whether `header`'s chain contains block `ancestor` (number, hash): its ancestor at that
    /// height, found by walking parent links, is that block.
    pub fn descends_from(
        &self,
        header: &Header,
        (number, hash): (BlockNumber, Hash),
    ) -> Result<bool, StorageError> {
        let mut cursor = header.clone();
        while *cursor.number() > number {
            let parent = *cursor.parent_hash();
            cursor = self.known_header(&parent)?;
        }
        Ok(cursor.hash() == hash)
    }

    /// Points the number index at `header`'s chain: walks back from it until it meets the current
    /// canonical chain and removes index entries above it that belonged to the old best chain.
    fn set_canonical(
        &self,
        batch: &mut WriteBatch,
        header: &Header,
        old_best_number: BlockNumber,
    ) -> Result<(), StorageError> {
        let new_number = *header.number();
        for stale in new_number.saturating_add(1)..=old_best_number {
            batch.delete_cf(self.cf(COL_LOOKUP)?, stale.to_be_bytes());
        }
        let mut number = new_number;
        let mut hash = header.hash();
        let mut parent = *header.parent_hash();
        loop {
            if self.canonical_hash(number)? == Some(hash) {
                break;
            }
            self.put(batch, COL_LOOKUP, &number.to_be_bytes(), &hash.encode())?;
            if number == 0 {
                break;
            }
            number -= 1;
            hash = parent;
            let ancestor = self.header(&hash)?.ok_or(StorageError::UnknownParent {
                parent: hash,
                number: number.saturating_add(1),
            })?;
            parent = *ancestor.parent_hash();
        }
        Ok(())
    }

    /// Checks meta against stored data. `Ok(None)` for an empty database.
    fn check_consistency(&self) -> Result<Option<ChainInfo>, StorageError> {
        let schema: Option<u32> = self.get_decoded(COL_META, META_SCHEMA, "schema version")?;
        let genesis: Option<Hash> = self.get_decoded(COL_META, META_GENESIS, "genesis hash")?;
        let (schema, genesis) = match (schema, genesis) {
            (None, None) => {
                if self.has_any(COL_HEADERS)? || self.has_any(COL_TRIE)? {
                    return Err(StorageError::Inconsistent(
                        "blocks are stored but the chain meta is missing".into(),
                    ));
                }
                return Ok(None);
            }
            (Some(schema), Some(genesis)) => (schema, genesis),
            _ => {
                return Err(StorageError::Inconsistent(
                    "chain meta is incomplete".into(),
                ));
            }
        };
        if schema != SCHEMA_VERSION {
            return Err(StorageError::SchemaVersion {
                found: schema,
                expected: SCHEMA_VERSION,
            });
        }
        let best: (BlockNumber, Hash) = self
            .get_decoded(COL_META, META_BEST, "best block")?
            .ok_or_else(|| StorageError::Inconsistent("best block pointer is missing".into()))?;
        let finalized: (BlockNumber, Hash) = self
            .get_decoded(COL_META, META_FINALIZED, "finalized block")?
            .ok_or_else(|| {
                StorageError::Inconsistent("finalized block pointer is missing".into())
            })?;
        if self.canonical_hash(0)? != Some(genesis) {
            return Err(StorageError::Inconsistent(
                "block #0 is not the genesis block".into(),
            ));
        }
        for (what, (number, hash)) in [("best", best), ("finalized", finalized)] {
            let header = self.header(&hash)?.ok_or_else(|| {
                StorageError::Inconsistent(format!("{what} block {hash:?} has no header"))
            })?;
            if *header.number() != number || header.hash() != hash {
                return Err(StorageError::Inconsistent(format!(
                    "{what} block header does not match #{number} {hash:?}"
                )));
            }
            if self.canonical_hash(number)? != Some(hash) {
                return Err(StorageError::Inconsistent(format!(
                    "{what} block #{number} is not on the canonical chain"
                )));
            }
            if self.body(&hash)?.is_none() {
                return Err(StorageError::Inconsistent(format!(
                    "{what} block has no body"
                )));
            }
        }
        if finalized.0 > best.0 {
            return Err(StorageError::Inconsistent(
                "finalized block is ahead of the best block".into(),
            ));
        }
        // The best state must be readable: its root node has to be stored.
        let best_header = self
            .header(&best.1)?
            .ok_or_else(|| StorageError::Inconsistent("best header vanished".into()))?;
        let root = *best_header.state_root();
        let root_node = sp_state_machine::TrieBackendStorage::<wcme_primitives::Hashing>::get(
            &self.trie,
            &root,
            hash_db::EMPTY_PREFIX,
        )
        .map_err(StorageError::Inconsistent)?;
        if root_node.is_none() {
            return Err(StorageError::Inconsistent(format!(
                "state root {root:?} of the best block is not stored"
            )));
        }
        Ok(Some(ChainInfo {
            genesis,
            best,
            finalized,
        }))
    }

    fn put_justifications(
        &self,
        batch: &mut WriteBatch,
        hash: &Hash,
        justifications: Option<&Justifications>,
    ) -> Result<(), StorageError> {
        match justifications {
            Some(justifications) => self.put(
                batch,
                COL_JUSTIFICATIONS,
                hash.as_ref(),
                &justifications.encode(),
            ),
            None => Ok(()),
        }
    }

    fn put_trie_nodes(
        &self,
        batch: &mut WriteBatch,
        mut nodes: TrieTransaction,
    ) -> Result<(), StorageError> {
        let cf = self.cf(COL_TRIE)?;
        // Archive mode: nodes are only ever added. A node the block "removes" (rc <= 0) may still
        // be referenced by older states, which stay readable.
        for (key, (value, rc)) in nodes.drain() {
            if rc > 0 {
                batch.put_cf(cf, key, value);
            }
        }
        Ok(())
    }

    fn put(
        &self,
        batch: &mut WriteBatch,
        col: &'static str,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), StorageError> {
        batch.put_cf(self.cf(col)?, key, value);
        Ok(())
    }

    fn cf(&self, col: &'static str) -> Result<&rocksdb::ColumnFamily, StorageError> {
        self.db
            .cf_handle(col)
            .ok_or_else(|| StorageError::Inconsistent(format!("column family `{col}` is missing")))
    }

    fn has_any(&self, col: &'static str) -> Result<bool, StorageError> {
        let mut iter = self.db.raw_iterator_cf(self.cf(col)?);
        iter.seek_to_first();
        iter.status()?;
        Ok(iter.valid())
    }

    fn get_decoded<T: Decode>(
        &self,
        col: &'static str,
        key: &[u8],
        what: &'static str,
    ) -> Result<Option<T>, StorageError> {
        match self.db.get_pinned_cf(self.cf(col)?, key)? {
            None => Ok(None),
            Some(bytes) => T::decode(&mut &bytes[..])
                .map(Some)
                .map_err(|source| StorageError::Decode { what, source }),
        }
    }
}

/// Finality never moves backwards.
fn ensure_not_behind_finalized(
    hash: &Hash,
    number: BlockNumber,
    info: &ChainInfo,
) -> Result<(), StorageError> {
    if number < info.finalized.0 {
        return Err(StorageError::BadFinalization {
            hash: *hash,
            reason: "behind the finalized block",
        });
    }
    Ok(())
}
