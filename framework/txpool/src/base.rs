//! The pool's data structure: ready and future transactions linked by tags, without validation,
//! watchers or time.
//!
//! Invariants kept by every operation:
//! - each tag is provided by at most one transaction in the pool;
//! - a transaction is ready exactly when each of its required tags is met (provided by a recently
//!   included transaction) or provided by a ready transaction, and readiness is the least such set
//!   (transactions requiring each other in a cycle stay future);
//! - the ready and future queues stay within their limits after each import.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, HashMap, HashSet, VecDeque},
    sync::Arc,
};

use sp_runtime::transaction_validity::{TransactionPriority, TransactionTag};
use wcme_primitives::Hash;

use crate::{Limit, PoolLimits, PoolStatus, PooledTransaction};

/// Why a transaction left the pool during an operation on other transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Removal {
    /// Replaced by the transaction with this hash, which provides the same tag.
    Usurped(Hash),
    /// Evicted because a queue was over its limits.
    Dropped,
}

/// What an operation did to transactions other than the one it was about.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    /// Transactions whose readiness changed, with their readiness before the operation.
    initial: Vec<(Hash, bool)>,
    touched: HashSet<Hash>,
    /// Transactions removed, and why.
    pub removed: Vec<(Arc<PooledTransaction>, Removal)>,
}

impl Changes {
    fn touch(&mut self, hash: Hash, was_ready: bool) {
        if self.touched.insert(hash) {
            self.initial.push((hash, was_ready));
        }
    }

    /// Transactions still in `pool` whose readiness differs from before: `(hash, ready now)`.
    pub fn moved(&self, pool: &BasePool) -> Vec<(Hash, bool)> {
        self.initial
            .iter()
            .filter_map(|(hash, was_ready)| {
                let now = pool.txs.get(hash)?.ready;
                (now != *was_ready).then_some((*hash, now))
            })
            .collect()
    }

    /// Drops every trace of `hash` (the transaction the operation was about).
    fn forget(&mut self, hash: &Hash) {
        self.initial.retain(|(h, _)| h != hash);
        self.removed.retain(|(tx, _)| tx.hash != *hash);
    }
}

/// Where an imported transaction ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Imported {
    /// In the ready queue.
    Ready,
    /// In the future queue.
    Future,
    /// Evicted at once by the limits.
    Dropped,
}

/// Why a transaction was not imported (nothing changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImportError {
    /// It is in the pool already.
    AlreadyImported,
    /// Transactions in the pool provide some of its tags with at least its priority in total.
    TooLowPriority {
        old: TransactionPriority,
        new: TransactionPriority,
        /// The transactions that keep their tags.
        conflicts: Vec<Hash>,
    },
}

#[derive(Debug)]
struct Entry {
    tx: Arc<PooledTransaction>,
    ready: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    count: usize,
    bytes: usize,
}

impl Totals {
    fn add(&mut self, bytes: usize) {
        self.count = self.count.saturating_add(1);
        self.bytes = self.bytes.saturating_add(bytes);
    }

    fn sub(&mut self, bytes: usize) {
        self.count = self.count.saturating_sub(1);
        self.bytes = self.bytes.saturating_sub(bytes);
    }

    fn exceeds(&self, limit: &Limit) -> bool {
        self.count > limit.count || self.bytes > limit.total_bytes
    }
}

/// Ready and future transactions, linked by the tags they require and provide.
#[derive(Debug)]
pub(crate) struct BasePool {
    limits: PoolLimits,
    txs: HashMap<Hash, Entry>,
    /// The pool transaction providing each tag.
    providers: HashMap<TransactionTag, Hash>,
    /// The pool transactions requiring each tag.
    dependents: HashMap<TransactionTag, HashSet<Hash>>,
    /// Tags provided by recently included transactions: met without a provider in the pool.
    met: HashSet<TransactionTag>,
    ready: Totals,
    future: Totals,
}

impl BasePool {
    /// An empty pool with these limits, counting `met` tags as provided.
    pub fn new(limits: PoolLimits, met: HashSet<TransactionTag>) -> Self {
        Self {
            limits,
            txs: HashMap::new(),
            providers: HashMap::new(),
            dependents: HashMap::new(),
            met,
            ready: Totals::default(),
            future: Totals::default(),
        }
    }

    pub fn contains(&self, hash: &Hash) -> bool {
        self.txs.contains_key(hash)
    }

    pub fn get(&self, hash: &Hash) -> Option<&Arc<PooledTransaction>> {
        self.txs.get(hash).map(|entry| &entry.tx)
    }

    /// Whether `hash` is in the ready queue.
    pub fn is_ready(&self, hash: &Hash) -> Option<bool> {
        self.txs.get(hash).map(|entry| entry.ready)
    }

    pub fn status(&self) -> PoolStatus {
        PoolStatus {
            ready: self.ready.count,
            ready_bytes: self.ready.bytes,
            future: self.future.count,
            future_bytes: self.future.bytes,
        }
    }

    /// Every transaction, in insertion order.
    pub fn all(&self) -> Vec<Arc<PooledTransaction>> {
        let mut all: Vec<_> = self.txs.values().map(|entry| entry.tx.clone()).collect();
        all.sort_by_key(|tx| tx.insertion);
        all
    }

    /// Whether a ready transaction provides `tag`.
    pub fn ready_provides(&self, tag: &[u8]) -> bool {
        self.providers
            .get(tag)
            .and_then(|hash| self.txs.get(hash))
            .is_some_and(|entry| entry.ready)
    }

    /// Imports `tx`, replacing the transactions that provide the same tags if its priority is
    /// higher than theirs together, then enforces the limits.
    pub fn import(
        &mut self,
        tx: Arc<PooledTransaction>,
    ) -> Result<(Imported, Changes), ImportError> {
        let hash = tx.hash;
        if self.txs.contains_key(&hash) {
            return Err(ImportError::AlreadyImported);
        }
        let mut conflicts: Vec<Hash> = Vec::new();
        for tag in &tx.provides {
            if let Some(provider) = self.providers.get(tag)
                && !conflicts.contains(provider)
            {
                conflicts.push(*provider);
            }
        }
        if !conflicts.is_empty() {
            let old = conflicts
                .iter()
                .filter_map(|hash| self.txs.get(hash))
                .fold(0u64, |sum, entry| sum.saturating_add(entry.tx.priority));
            if tx.priority <= old {
                return Err(ImportError::TooLowPriority {
                    old,
                    new: tx.priority,
                    conflicts,
                });
            }
        }

        let mut changes = Changes::default();
        for conflict in conflicts {
            if let Some(old) = self.remove_entry(&conflict, &mut changes) {
                changes.removed.push((old, Removal::Usurped(hash)));
            }
        }

        let ready = self.all_met(&tx);
        for tag in &tx.provides {
            self.providers.insert(tag.clone(), hash);
        }
        for tag in &tx.requires {
            self.dependents.entry(tag.clone()).or_default().insert(hash);
        }
        let bytes = tx.bytes.len();
        if ready {
            self.ready.add(bytes);
        } else {
            self.future.add(bytes);
        }
        let provides = tx.provides.clone();
        self.txs.insert(hash, Entry { tx, ready });
        if ready {
            self.promote(&provides, &mut changes);
        }
        self.enforce_limits(&mut changes);

        let outcome = match self.txs.get(&hash) {
            None => Imported::Dropped,
            Some(entry) if entry.ready => Imported::Ready,
            Some(_) => Imported::Future,
        };
        changes.forget(&hash);
        Ok((outcome, changes))
    }

    /// Removes `hash`; transactions that depended on it become future (and the future queue
    /// is then trimmed to its limits).
    pub fn remove(&mut self, hash: &Hash, changes: &mut Changes) -> Option<Arc<PooledTransaction>> {
        let removed = self.remove_entry(hash, changes);
        self.enforce_limits(changes);
        removed
    }

    /// Counts `tags` as met from now on, promoting what waited for them.
    pub fn add_met(
        &mut self,
        tags: impl IntoIterator<Item = TransactionTag>,
        changes: &mut Changes,
    ) {
        let mut added = Vec::new();
        for tag in tags {
            if self.met.insert(tag.clone()) {
                added.push(tag);
            }
        }
        self.promote(&added, changes);
        self.enforce_limits(changes);
    }

    /// The ready transactions in the order to include them: never before the providers of their
    /// required tags; among those available, highest priority first, then oldest first.
    pub fn ready_ordered(&self) -> Vec<Arc<PooledTransaction>> {
        let mut indegree: HashMap<Hash, usize> = HashMap::new();
        let mut children: HashMap<Hash, Vec<Hash>> = HashMap::new();
        for (hash, entry) in self.txs.iter().filter(|(_, entry)| entry.ready) {
            let mut parents: Vec<Hash> = Vec::new();
            for tag in &entry.tx.requires {
                if self.met.contains(tag) {
                    continue;
                }
                if let Some(parent) = self.providers.get(tag)
                    && parent != hash
                    && self.txs.get(parent).is_some_and(|p| p.ready)
                    && !parents.contains(parent)
                {
                    parents.push(*parent);
                }
            }
            indegree.insert(*hash, parents.len());
            for parent in parents {
                children.entry(parent).or_default().push(*hash);
            }
        }

        let key = |entry: &Entry| {
            (
                entry.tx.priority,
                Reverse(entry.tx.insertion),
                entry.tx.hash,
            )
        };
        let mut available: BinaryHeap<(TransactionPriority, Reverse<u64>, Hash)> = indegree
            .iter()
            .filter(|(_, degree)| **degree == 0)
            .filter_map(|(hash, _)| self.txs.get(hash).map(key))
            .collect();
        let mut ordered = Vec::with_capacity(indegree.len());
        while let Some((_, _, hash)) = available.pop() {
            let Some(entry) = self.txs.get(&hash) else {
                continue;
            };
            ordered.push(entry.tx.clone());
            indegree.remove(&hash);
            for child in children.get(&hash).map(Vec::as_slice).unwrap_or_default() {
                if let Some(degree) = indegree.get_mut(child) {
                    *degree = degree.saturating_sub(1);
                    if *degree == 0
                        && let Some(entry) = self.txs.get(child)
                    {
                        available.push(key(entry));
                    }
                }
            }
        }
        // Not reached while the invariants hold (ready transactions form no cycle); keeps every
        // ready transaction listed regardless.
        if !indegree.is_empty() {
            let mut rest: Vec<_> = indegree
                .keys()
                .filter_map(|hash| self.txs.get(hash).map(|entry| entry.tx.clone()))
                .collect();
            rest.sort_by_key(|tx| tx.insertion);
            ordered.extend(rest);
        }
        ordered
    }

    /// The future transactions, oldest first.
    pub fn future_ordered(&self) -> Vec<Arc<PooledTransaction>> {
        let mut future: Vec<_> = self
            .txs
            .values()
            .filter(|entry| !entry.ready)
            .map(|entry| entry.tx.clone())
            .collect();
        future.sort_by_key(|tx| tx.insertion);
        future
    }

    /// Transactions whose validity ends at or before block `number`.
    pub fn expired(&self, number: u64) -> Vec<Hash> {
        self.txs
            .values()
            .filter(|entry| entry.tx.valid_till <= number)
            .map(|entry| entry.tx.hash)
            .collect()
    }

    fn requirement_met(&self, tag: &TransactionTag) -> bool {
        self.met.contains(tag) || self.ready_provides(tag)
    }

    fn all_met(&self, tx: &PooledTransaction) -> bool {
        tx.requires.iter().all(|tag| self.requirement_met(tag))
    }

    fn set_ready(&mut self, hash: &Hash, ready: bool, changes: &mut Changes) {
        let Some(entry) = self.txs.get_mut(hash) else {
            return;
        };
        if entry.ready == ready {
            return;
        }
        let bytes = entry.tx.bytes.len();
        entry.ready = ready;
        if ready {
            self.future.sub(bytes);
            self.ready.add(bytes);
        } else {
            self.ready.sub(bytes);
            self.future.add(bytes);
        }
        changes.touch(*hash, !ready);
    }

    /// Future transactions requiring one of `tags`.
    fn waiting_on(&self, tags: &[TransactionTag], ready: bool) -> Vec<Hash> {
        tags.iter()
            .filter_map(|tag| self.dependents.get(tag))
            .flatten()
            .filter(|hash| self.txs.get(*hash).is_some_and(|e| e.ready == ready))
            .copied()
            .collect()
    }

    /// Promotes the future transactions that became ready because `tags` are now provided,
    /// and what those unlock in turn.
    fn promote(&mut self, tags: &[TransactionTag], changes: &mut Changes) {
        let mut queue: VecDeque<Hash> = self.waiting_on(tags, false).into();
        while let Some(hash) = queue.pop_front() {
            let Some(entry) = self.txs.get(&hash) else {
                continue;
            };
            if entry.ready || !self.all_met(&entry.tx) {
                continue;
            }
            let tx = entry.tx.clone();
            self.set_ready(&hash, true, changes);
            queue.extend(self.waiting_on(&tx.provides, false));
        }
    }

    /// Demotes the ready transactions that lost a requirement because `tags` are no longer
    /// provided, and what depended on those in turn.
    fn demote(&mut self, tags: &[TransactionTag], changes: &mut Changes) {
        let mut queue: VecDeque<Hash> = self.waiting_on(tags, true).into();
        while let Some(hash) = queue.pop_front() {
            let Some(entry) = self.txs.get(&hash) else {
                continue;
            };
            if !entry.ready || self.all_met(&entry.tx) {
                continue;
            }
            let tx = entry.tx.clone();
            self.set_ready(&hash, false, changes);
            queue.extend(self.waiting_on(&tx.provides, true));
        }
    }

    fn remove_entry(
        &mut self,
        hash: &Hash,
        changes: &mut Changes,
    ) -> Option<Arc<PooledTransaction>> {
        let entry = self.txs.remove(hash)?;
        let tx = entry.tx;
        if entry.ready {
            self.ready.sub(tx.bytes.len());
        } else {
            self.future.sub(tx.bytes.len());
        }
        for tag in &tx.provides {
            if self.providers.get(tag) == Some(hash) {
                self.providers.remove(tag);
            }
        }
        for tag in &tx.requires {
            if let Some(set) = self.dependents.get_mut(tag) {
                set.remove(hash);
                if set.is_empty() {
                    self.dependents.remove(tag);
                }
            }
        }
        if entry.ready {
            self.demote(&tx.provides, changes);
        }
        Some(tx)
    }

    /// Whether a ready transaction needs one of `tx`'s tags from it.
    fn has_ready_dependents(&self, tx: &PooledTransaction) -> bool {
        tx.provides
            .iter()
            .filter(|tag| !self.met.contains(*tag))
            .filter_map(|tag| self.dependents.get(tag))
            .flatten()
            .any(|hash| *hash != tx.hash && self.txs.get(hash).is_some_and(|e| e.ready))
    }

    /// The ready transaction to evict first: the lowest priority (newest on ties) among those no
    /// other ready transaction depends on.
    fn ready_victim(&self) -> Option<Hash> {
        let lowest = |leaves_only: bool| {
            self.txs
                .values()
                .filter(|entry| entry.ready)
                .filter(|entry| !leaves_only || !self.has_ready_dependents(&entry.tx))
                .min_by_key(|entry| (entry.tx.priority, Reverse(entry.tx.insertion)))
                .map(|entry| entry.tx.hash)
        };
        lowest(true).or_else(|| lowest(false))
    }

    /// The future transaction to evict first: the lowest priority, newest on ties.
    fn future_victim(&self) -> Option<Hash> {
        self.txs
            .values()
            .filter(|entry| !entry.ready)
            .min_by_key(|entry| (entry.tx.priority, Reverse(entry.tx.insertion)))
            .map(|entry| entry.tx.hash)
    }

    fn enforce_limits(&mut self, changes: &mut Changes) {
        while self.ready.exceeds(&self.limits.ready) {
            let Some(victim) = self.ready_victim() else {
                break;
            };
            match self.remove_entry(&victim, changes) {
                Some(tx) => changes.removed.push((tx, Removal::Dropped)),
                None => break,
            }
        }
        while self.future.exceeds(&self.limits.future) {
            let Some(victim) = self.future_victim() else {
                break;
            };
            match self.remove_entry(&victim, changes) {
                Some(tx) => changes.removed.push((tx, Removal::Dropped)),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap, HashSet};

    use proptest::prelude::*;
    use sp_runtime::transaction_validity::TransactionSource;

    use super::*;
    use crate::{Limit, tx_hash};

    #[derive(Clone, Debug)]
    enum Op {
        Import {
            priority: u64,
            requires: BTreeSet<u8>,
            provides: BTreeSet<u8>,
            len: usize,
        },
        Remove(usize),
        Met(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        let tags = |min| proptest::collection::btree_set(0u8..10, min..3);
        prop_oneof![
            8 => (0u64..10, tags(0), tags(1), 1usize..40).prop_map(|(priority, requires, provides, len)| {
                Op::Import { priority, requires, provides, len }
            }),
            2 => (0usize..64).prop_map(Op::Remove),
            1 => (0u8..10).prop_map(Op::Met),
        ]
    }

    fn tx(
        id: u64,
        priority: u64,
        requires: &BTreeSet<u8>,
        provides: &BTreeSet<u8>,
        len: usize,
    ) -> Arc<PooledTransaction> {
        let mut bytes = id.to_le_bytes().to_vec();
        bytes.resize(len.max(8), 0);
        Arc::new(PooledTransaction {
            hash: tx_hash(&bytes),
            bytes: bytes.into(),
            priority,
            requires: requires.iter().map(|t| vec![*t]).collect(),
            provides: provides.iter().map(|t| vec![*t]).collect(),
            longevity: u64::MAX,
            propagate: true,
            source: TransactionSource::External,
            valid_till: u64::MAX,
            insertion: id,
        })
    }

    fn readiness(pool: &BasePool) -> HashMap<Hash, bool> {
        pool.txs.iter().map(|(h, e)| (*h, e.ready)).collect()
    }

    /// Checks every invariant against an independent computation.
    fn check(pool: &BasePool) -> Result<(), TestCaseError> {
        let all = pool.all();
        // One provider per tag.
        let mut providers: HashMap<&Vec<u8>, Hash> = HashMap::new();
        for tx in &all {
            for tag in &tx.provides {
                prop_assert!(
                    providers.insert(tag, tx.hash).is_none(),
                    "tag provided twice"
                );
            }
        }
        // Readiness is the least fixed point.
        let mut ready: HashSet<Hash> = HashSet::new();
        loop {
            let provided: HashSet<&Vec<u8>> = all
                .iter()
                .filter(|tx| ready.contains(&tx.hash))
                .flat_map(|tx| tx.provides.iter())
                .collect();
            let before = ready.len();
            for tx in &all {
                if tx
                    .requires
                    .iter()
                    .all(|tag| pool.met.contains(tag) || provided.contains(tag))
                {
                    ready.insert(tx.hash);
                }
            }
            if ready.len() == before {
                break;
            }
        }
        let flagged: HashSet<Hash> = all
            .iter()
            .filter(|tx| pool.is_ready(&tx.hash) == Some(true))
            .map(|tx| tx.hash)
            .collect();
        prop_assert_eq!(&flagged, &ready);
        // The order lists exactly the ready ones, each after its providers.
        let ordered = pool.ready_ordered();
        prop_assert_eq!(ordered.len(), ready.len());
        let mut seen: HashSet<&Vec<u8>> = HashSet::new();
        for tx in &ordered {
            prop_assert!(ready.contains(&tx.hash));
            for tag in &tx.requires {
                prop_assert!(pool.met.contains(tag) || seen.contains(tag), "out of order");
            }
            seen.extend(tx.provides.iter());
        }
        // Among the transactions available at each step, the highest priority goes first.
        for (i, tx) in ordered.iter().enumerate() {
            let provided: HashSet<&Vec<u8>> = ordered[..i]
                .iter()
                .flat_map(|t| t.provides.iter())
                .collect();
            for later in &ordered[i + 1..] {
                let available = later
                    .requires
                    .iter()
                    .all(|tag| pool.met.contains(tag) || provided.contains(tag));
                if available {
                    prop_assert!(
                        (later.priority, std::cmp::Reverse(later.insertion))
                            < (tx.priority, std::cmp::Reverse(tx.insertion)),
                        "a better transaction was available"
                    );
                }
            }
        }
        // Totals and limits.
        let status = pool.status();
        let ready_bytes: usize = ordered.iter().map(|tx| tx.len()).sum();
        let future = pool.future_ordered();
        let future_bytes: usize = future.iter().map(|tx| tx.len()).sum();
        prop_assert_eq!(
            (
                status.ready,
                status.ready_bytes,
                status.future,
                status.future_bytes
            ),
            (ordered.len(), ready_bytes, future.len(), future_bytes)
        );
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn invariants_hold_for_any_tag_graph(ops in proptest::collection::vec(op(), 1..80)) {
            let limits = PoolLimits {
                ready: Limit { count: 6, total_bytes: 150 },
                future: Limit { count: 4, total_bytes: 90 },
            };
            let mut pool = BasePool::new(limits, HashSet::new());
            let mut imported: Vec<Hash> = Vec::new();
            for (id, op) in ops.into_iter().enumerate() {
                let before = readiness(&pool);
                let (subject, changes) = match op {
                    Op::Import { priority, requires, provides, len } => {
                        let tx = tx(id as u64, priority, &requires, &provides, len);
                        let hash = tx.hash;
                        imported.push(hash);
                        match pool.import(tx) {
                            Ok((outcome, changes)) => {
                                prop_assert_eq!(
                                    outcome,
                                    match pool.is_ready(&hash) {
                                        None => Imported::Dropped,
                                        Some(true) => Imported::Ready,
                                        Some(false) => Imported::Future,
                                    }
                                );
                                (Some(hash), changes)
                            }
                            Err(ImportError::AlreadyImported) => unreachable!("ids are unique"),
                            Err(ImportError::TooLowPriority { old, new, conflicts }) => {
                                prop_assert!(new <= old);
                                prop_assert!(!conflicts.is_empty());
                                prop_assert_eq!(&readiness(&pool), &before, "a refused import changed the pool");
                                (Some(hash), Changes::default())
                            }
                        }
                    }
                    Op::Remove(index) => {
                        let mut changes = Changes::default();
                        let hash = imported.get(index).copied().unwrap_or_default();
                        pool.remove(&hash, &mut changes);
                        (Some(hash), changes)
                    }
                    Op::Met(tag) => {
                        let mut changes = Changes::default();
                        pool.add_met([vec![tag]], &mut changes);
                        (None, changes)
                    }
                };
                check(&pool)?;
                prop_assert!(!pool.ready.exceeds(&limits.ready));
                prop_assert!(!pool.future.exceeds(&limits.future));

                // The reported changes are exactly what happened to the other transactions.
                let after = readiness(&pool);
                let mut moved: Vec<(Hash, bool)> = before
                    .iter()
                    .filter(|(h, _)| Some(**h) != subject)
                    .filter_map(|(h, was)| after.get(h).filter(|now| *now != was).map(|now| (*h, *now)))
                    .collect();
                moved.sort();
                let mut reported = changes.moved(&pool);
                reported.sort();
                prop_assert_eq!(moved, reported);
                let mut gone: Vec<Hash> = before
                    .keys()
                    .filter(|h| Some(**h) != subject && !after.contains_key(*h))
                    .copied()
                    .collect();
                gone.sort();
                let mut reported: Vec<Hash> = changes.removed.iter().map(|(tx, _)| tx.hash).collect();
                reported.sort();
                prop_assert_eq!(gone, reported);
            }
        }
    }
}
