//! The state `benchmark pallet` runs benchmarks on.
//!
//! `frame-benchmarking` drives the database from inside the runtime through host functions:
//! `wipe_db` (back to genesis), `commit_db` (flush the overlay, so the next access is a database
//! read), `read_write_count` / `reset_read_write_count` (distinct keys read and written since the
//! last reset, whitelisted keys excepted), `set_whitelist`, `get_read_and_written_keys` and
//! `proof_size`. `sp-state-machine`'s externalities forward each of them to the state backend;
//! [`BenchState`] is a backend that implements them over an in-memory trie, as Substrate's
//! `BenchmarkingState` does over its database.
//!
//! The proof size is the encoded size of the trie nodes recorded since the last commit, measured
//! (what a block proof would carry), not estimated from the storage items' maximum sizes.

use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use hash_db::Prefix;
use parking_lot::RwLock;
use sp_core::storage::{ChildInfo, StateVersion, TrackedStorageKey};
use sp_state_machine::{
    Backend, BackendTransaction, ChildStorageCollection, DBValue, IterArgs, StateMachineStats,
    StorageCollection, StorageIterator, StorageKey, StorageValue, TrieBackend, TrieBackendBuilder,
    TrieBackendStorage, UsageInfo,
};
use sp_trie::{MerkleValue, prefixed_key, recorder::Recorder};
use wcme_primitives::{Hash, Hashing};

/// Trie nodes by prefixed key. Nodes are content-addressed, so a commit only adds nodes; a wipe
/// restores the genesis set.
#[derive(Clone, Default)]
pub(super) struct Nodes(Arc<RwLock<HashMap<Vec<u8>, DBValue>>>);

impl TrieBackendStorage<Hashing> for Nodes {
    fn get(&self, key: &Hash, prefix: Prefix) -> Result<Option<DBValue>, String> {
        Ok(self
            .0
            .read()
            .get(&prefixed_key::<Hashing>(key, prefix))
            .cloned())
    }
}

impl Nodes {
    fn insert(&self, mut transaction: BackendTransaction<Hashing>) {
        let mut nodes = self.0.write();
        for (key, (value, references)) in transaction.drain() {
            if references > 0 {
                nodes.insert(key, value);
            }
        }
    }
}

type Trie = TrieBackend<Nodes, Hashing>;

/// Per key (child trie, key), how often it was read and written since the last reset.
#[derive(Default)]
struct Tracker {
    keys: BTreeMap<(Option<Vec<u8>>, Vec<u8>), TrackedStorageKey>,
}

impl Tracker {
    /// Forget everything, then count the `whitelist` as already read and written.
    fn reset(&mut self, whitelist: &[TrackedStorageKey]) {
        self.keys.clear();
        for listed in whitelist {
            let mut key = TrackedStorageKey {
                reads: 0,
                writes: 0,
                whitelisted: false,
                ..listed.clone()
            };
            key.whitelist();
            self.keys
                .insert((listed.child_trie_key.clone(), listed.key.clone()), key);
        }
    }

    fn entry(&mut self, child: Option<&[u8]>, key: &[u8]) -> &mut TrackedStorageKey {
        self.keys
            .entry((child.map(<[u8]>::to_vec), key.to_vec()))
            .or_insert_with(|| match child {
                Some(child) => TrackedStorageKey::new_child(child.to_vec(), key.to_vec()),
                None => TrackedStorageKey::new(key.to_vec()),
            })
    }

    fn read(&mut self, child: Option<&[u8]>, key: &[u8]) {
        self.entry(child, key).add_read();
    }

    fn write(&mut self, child: Option<&[u8]>, key: &[u8]) {
        self.entry(child, key).add_write();
    }

    /// `(reads, repeat reads, writes, repeat writes)` of the keys not whitelisted: each key
    /// counts once, further accesses as repeats (they hit the overlay, not the database).
    fn counts(&self) -> (u32, u32, u32, u32) {
        let mut counts = (0u32, 0u32, 0u32, 0u32);
        for key in self.keys.values().filter(|key| !key.whitelisted) {
            if key.reads > 0 {
                counts.0 = counts.0.saturating_add(1);
                counts.1 = counts.1.saturating_add(key.reads - 1);
            }
            if key.writes > 0 {
                counts.2 = counts.2.saturating_add(1);
                counts.3 = counts.3.saturating_add(key.writes - 1);
            }
        }
        counts
    }

    /// Reads and writes (at most one each) per key prefix of up to 32 bytes (pallet and item
    /// hash), for naming the storage items a benchmark touched.
    fn by_prefix(&self) -> Vec<(Vec<u8>, u32, u32, bool)> {
        let mut prefixes: BTreeMap<Vec<u8>, (u32, u32)> = BTreeMap::new();
        for key in self.keys.values().filter(|key| !key.whitelisted) {
            let prefix = key.key.get(..key.key.len().min(32)).unwrap_or_default();
            let entry = prefixes.entry(prefix.to_vec()).or_default();
            entry.0 = entry.0.saturating_add(key.reads.min(1));
            entry.1 = entry.1.saturating_add(key.writes.min(1));
        }
        prefixes
            .into_iter()
            .map(|(prefix, (reads, writes))| (prefix, reads, writes, false))
            .collect()
    }
}

/// An in-memory state backend implementing the benchmarking host functions.
pub(super) struct BenchState {
    nodes: Nodes,
    genesis_nodes: HashMap<Vec<u8>, DBValue>,
    genesis_root: Hash,
    trie: RefCell<Trie>,
    recorder: Recorder<Hashing>,
    tracker: RefCell<Tracker>,
    whitelist: RefCell<Vec<TrackedStorageKey>>,
}

impl std::fmt::Debug for BenchState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BenchState")
    }
}

impl BenchState {
    /// A state holding `storage` (the genesis key/value pairs).
    pub(super) fn new(storage: &[(Vec<u8>, Vec<u8>)], state_version: StateVersion) -> Self {
        let nodes = Nodes::default();
        let empty = sp_state_machine::new_in_mem::<Hashing>();
        let (root, transaction) = empty.storage_root(
            storage
                .iter()
                .map(|(k, v)| (k.as_slice(), Some(v.as_slice()))),
            state_version,
        );
        nodes.insert(transaction);
        let genesis_nodes = nodes.0.read().clone();
        let recorder = Recorder::default();
        let trie = Self::open(&nodes, root, &recorder);
        Self {
            nodes,
            genesis_nodes,
            genesis_root: root,
            trie: RefCell::new(trie),
            recorder,
            tracker: RefCell::default(),
            whitelist: RefCell::default(),
        }
    }

    /// The trie at `root`, recording the nodes it reads (from scratch) into `recorder`.
    fn open(nodes: &Nodes, root: Hash, recorder: &Recorder<Hashing>) -> Trie {
        recorder.reset();
        TrieBackendBuilder::new(nodes.clone(), root)
            .with_recorder(recorder.clone())
            .build()
    }

    fn reopen(&self, root: Hash) {
        *self.trie.borrow_mut() = Self::open(&self.nodes, root, &self.recorder);
    }

    fn reset_tracker(&self) {
        self.tracker.borrow_mut().reset(&self.whitelist.borrow());
    }

    fn read(&self, child: Option<&ChildInfo>, key: &[u8]) {
        self.tracker
            .borrow_mut()
            .read(child.map(ChildInfo::storage_key), key);
    }
}

/// [`BenchState`]'s raw iterator: the trie's, with every key it yields counted as read.
pub(super) struct RawIter {
    inner: <Trie as Backend<Hashing>>::RawIter,
    child: Option<Vec<u8>>,
}

impl StorageIterator<Hashing> for RawIter {
    type Backend = BenchState;
    type Error = String;

    fn next_key(&mut self, backend: &BenchState) -> Option<Result<StorageKey, String>> {
        let next = self.inner.next_key(&backend.trie.borrow());
        if let Some(Ok(key)) = &next {
            backend
                .tracker
                .borrow_mut()
                .read(self.child.as_deref(), key);
        }
        next
    }

    fn next_pair(
        &mut self,
        backend: &BenchState,
    ) -> Option<Result<(StorageKey, StorageValue), String>> {
        let next = self.inner.next_pair(&backend.trie.borrow());
        if let Some(Ok((key, _))) = &next {
            backend
                .tracker
                .borrow_mut()
                .read(self.child.as_deref(), key);
        }
        next
    }

    fn was_complete(&self) -> bool {
        self.inner.was_complete()
    }
}

impl Backend<Hashing> for BenchState {
    type Error = String;
    type TrieBackendStorage = Nodes;
    type RawIter = RawIter;

    fn storage(&self, key: &[u8]) -> Result<Option<StorageValue>, String> {
        self.read(None, key);
        self.trie.borrow().storage(key)
    }

    fn storage_hash(&self, key: &[u8]) -> Result<Option<Hash>, String> {
        self.read(None, key);
        self.trie.borrow().storage_hash(key)
    }

    fn closest_merkle_value(&self, key: &[u8]) -> Result<Option<MerkleValue<Hash>>, String> {
        self.read(None, key);
        self.trie.borrow().closest_merkle_value(key)
    }

    fn child_closest_merkle_value(
        &self,
        child: &ChildInfo,
        key: &[u8],
    ) -> Result<Option<MerkleValue<Hash>>, String> {
        self.read(Some(child), key);
        self.trie.borrow().child_closest_merkle_value(child, key)
    }

    fn child_storage(&self, child: &ChildInfo, key: &[u8]) -> Result<Option<StorageValue>, String> {
        self.read(Some(child), key);
        self.trie.borrow().child_storage(child, key)
    }

    fn child_storage_hash(&self, child: &ChildInfo, key: &[u8]) -> Result<Option<Hash>, String> {
        self.read(Some(child), key);
        self.trie.borrow().child_storage_hash(child, key)
    }

    fn next_storage_key(&self, key: &[u8]) -> Result<Option<StorageKey>, String> {
        self.read(None, key);
        self.trie.borrow().next_storage_key(key)
    }

    fn next_child_storage_key(
        &self,
        child: &ChildInfo,
        key: &[u8],
    ) -> Result<Option<StorageKey>, String> {
        self.read(Some(child), key);
        self.trie.borrow().next_child_storage_key(child, key)
    }

    fn storage_root<'a>(
        &self,
        delta: impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
        state_version: StateVersion,
    ) -> (Hash, BackendTransaction<Hashing>) {
        self.trie.borrow().storage_root(delta, state_version)
    }

    fn child_storage_root<'a>(
        &self,
        child: &ChildInfo,
        delta: impl Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
        state_version: StateVersion,
    ) -> (Hash, bool, BackendTransaction<Hashing>) {
        self.trie
            .borrow()
            .child_storage_root(child, delta, state_version)
    }

    fn raw_iter(&self, args: IterArgs) -> Result<RawIter, String> {
        let child = args
            .child_info
            .as_ref()
            .map(|child| child.storage_key().to_vec());
        let inner = self.trie.borrow().raw_iter(args)?;
        Ok(RawIter { inner, child })
    }

    fn register_overlay_stats(&self, stats: &StateMachineStats) {
        self.trie.borrow().register_overlay_stats(stats);
    }

    fn usage_info(&self) -> UsageInfo {
        self.trie.borrow().usage_info()
    }

    fn wipe(&self) -> Result<(), String> {
        *self.nodes.0.write() = self.genesis_nodes.clone();
        self.reopen(self.genesis_root);
        self.reset_tracker();
        Ok(())
    }

    fn commit(
        &self,
        root: Hash,
        transaction: BackendTransaction<Hashing>,
        main_changes: StorageCollection,
        child_changes: ChildStorageCollection,
    ) -> Result<(), String> {
        self.nodes.insert(transaction);
        {
            let mut tracker = self.tracker.borrow_mut();
            for (key, _) in &main_changes {
                tracker.write(None, key);
            }
            for (child, changes) in &child_changes {
                for (key, _) in changes {
                    tracker.write(Some(child), key);
                }
            }
        }
        self.reopen(root);
        Ok(())
    }

    fn read_write_count(&self) -> (u32, u32, u32, u32) {
        self.tracker.borrow().counts()
    }

    fn reset_read_write_count(&self) {
        self.reset_tracker();
    }

    fn get_whitelist(&self) -> Vec<TrackedStorageKey> {
        self.whitelist.borrow().clone()
    }

    fn set_whitelist(&self, whitelist: Vec<TrackedStorageKey>) {
        *self.whitelist.borrow_mut() = whitelist;
    }

    fn proof_size(&self) -> Option<u32> {
        u32::try_from(self.recorder.estimate_encoded_size()).ok()
    }

    fn get_read_and_written_keys(&self) -> Vec<(Vec<u8>, u32, u32, bool)> {
        self.tracker.borrow().by_prefix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> BenchState {
        BenchState::new(
            &[
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"2".to_vec()),
            ],
            StateVersion::V1,
        )
    }

    #[test]
    fn counts_distinct_reads_and_writes_except_the_whitelist() {
        let state = state();
        state.set_whitelist(vec![TrackedStorageKey::new(b"b".to_vec())]);
        state.reset_read_write_count();
        assert_eq!(state.storage(b"a").unwrap(), Some(b"1".to_vec()));
        state.storage(b"a").unwrap();
        state.storage(b"b").unwrap();
        assert_eq!(state.read_write_count(), (1, 1, 0, 0));

        let (root, transaction) =
            state.storage_root([(&b"c"[..], Some(&b"3"[..]))].into_iter(), StateVersion::V1);
        state
            .commit(
                root,
                transaction,
                vec![(b"c".to_vec(), Some(b"3".to_vec()))],
                Vec::new(),
            )
            .unwrap();
        assert_eq!(state.read_write_count(), (1, 1, 1, 0));
        assert_eq!(state.storage(b"c").unwrap(), Some(b"3".to_vec()));
        assert!(state.proof_size().is_some_and(|size| size > 0));
    }

    #[test]
    fn wipe_goes_back_to_genesis() {
        let state = state();
        let (root, transaction) =
            state.storage_root([(&b"a"[..], None)].into_iter(), StateVersion::V1);
        state
            .commit(root, transaction, vec![(b"a".to_vec(), None)], Vec::new())
            .unwrap();
        assert_eq!(state.storage(b"a").unwrap(), None);
        state.wipe().unwrap();
        assert_eq!(state.storage(b"a").unwrap(), Some(b"1".to_vec()));
        assert_eq!(state.read_write_count(), (1, 0, 0, 0));
    }
}
