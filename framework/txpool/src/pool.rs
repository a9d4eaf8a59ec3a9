//! The pool proper: validation, bans, watchers and block events around [`BasePool`].

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::Arc,
    time::Duration,
};

use parking_lot::Mutex;
use sp_runtime::transaction_validity::{
    TransactionSource, TransactionTag, TransactionValidity, TransactionValidityError,
    ValidTransaction,
};
use tokio::sync::mpsc::{self, error::TrySendError};
use wcme_primitives::{BlockNumber, Extrinsic, Hash, TransactionStatus};

use crate::{
    Clock, LOG_TARGET, PoolError, PoolOptions, PoolStatus, PooledTransaction, SystemClock,
    TxValidator, ValidatorError,
    base::{BasePool, Changes, ImportError, Imported, Removal},
    encode_extrinsic, tx_hash,
};

/// Blocks whose included transactions' tags still count as provided (as in Substrate).
const RECENTLY_PRUNED_BLOCKS: usize = 2;
/// Largest accepted watcher channel capacity.
const MAX_WATCHER_CAPACITY: usize = 1 << 16;

type Watcher = mpsc::Sender<TransactionStatus>;

/// What [`TxPool::on_block_imported`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    /// Pool transactions that the block included (removed from the pool).
    pub included: usize,
    /// Transactions removed because their longevity ran out.
    pub expired: usize,
    /// Transactions re-validated against the block's state.
    pub revalidated: usize,
    /// Transactions removed because re-validation found them invalid (or failed).
    pub invalid: usize,
    /// Transactions removed while re-sorting with the fresh validity (limits or tag conflicts).
    pub dropped: usize,
}

/// A block that included transactions, remembered until it is final.
struct BlockRecord {
    number: BlockNumber,
    /// The hashes of its transactions (as reported by the node).
    txs: Vec<Hash>,
    /// Watchers of its transactions, waiting for `Finalized`.
    watchers: Vec<(Hash, Watcher)>,
}

struct State {
    base: BasePool,
    next_insertion: u64,
    best_number: BlockNumber,
    /// Watchers of transactions in the pool.
    watchers: HashMap<Hash, Vec<Watcher>>,
    /// Ban expiry per transaction hash.
    banned: HashMap<Hash, Duration>,
    /// Tags provided by the transactions of the last few imported blocks.
    pruned: VecDeque<Vec<TransactionTag>>,
    /// Imported, not yet finalized blocks.
    blocks: HashMap<Hash, BlockRecord>,
    /// Watchers of transactions whose block was retracted, with that block's number.
    orphans: HashMap<Hash, (BlockNumber, Vec<Watcher>)>,
}

/// A validated transaction pool with Substrate's semantics (see the crate documentation).
///
/// All methods take `&self`; the pool is shared as `Arc<TxPool>`. Validation runs without holding
/// the pool's lock. [`on_block_imported`](Self::on_block_imported) calls the validator once per
/// pooled transaction and so blocks for a while: call it from a blocking task.
pub struct TxPool {
    validator: Arc<dyn TxValidator>,
    clock: Arc<dyn Clock>,
    options: PoolOptions,
    state: Mutex<State>,
    /// Serializes block maintenance.
    maintenance: Mutex<()>,
}

impl std::fmt::Debug for TxPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxPool")
            .field("options", &self.options)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl TxPool {
    /// An empty pool validating with `validator`.
    pub fn new(validator: Arc<dyn TxValidator>, options: PoolOptions) -> Self {
        Self::with_clock(validator, options, Arc::new(SystemClock::new()))
    }

    /// An empty pool that reads ban times from `clock`.
    pub fn with_clock(
        validator: Arc<dyn TxValidator>,
        mut options: PoolOptions,
        clock: Arc<dyn Clock>,
    ) -> Self {
        options.watcher_capacity = options.watcher_capacity.clamp(1, MAX_WATCHER_CAPACITY);
        Self {
            validator,
            clock,
            state: Mutex::new(State {
                base: BasePool::new(options.limits, HashSet::new()),
                next_insertion: 0,
                best_number: 0,
                watchers: HashMap::new(),
                banned: HashMap::new(),
                pruned: VecDeque::new(),
                blocks: HashMap::new(),
                orphans: HashMap::new(),
            }),
            options,
            maintenance: Mutex::new(()),
        }
    }

    /// The pool's settings.
    pub fn options(&self) -> &PoolOptions {
        &self.options
    }

    /// Validates the encoded extrinsic `tx` at block `at` and adds it to the pool; returns its
    /// hash.
    pub fn submit(
        &self,
        at: Hash,
        source: TransactionSource,
        tx: Vec<u8>,
    ) -> Result<Hash, PoolError> {
        self.submit_inner(at, source, tx, None)
    }

    /// Like [`submit`](Self::submit), encoding `xt` first.
    pub fn submit_extrinsic(
        &self,
        at: Hash,
        source: TransactionSource,
        xt: &Extrinsic,
    ) -> Result<Hash, PoolError> {
        self.submit(at, source, encode_extrinsic(xt))
    }

    /// Like [`submit`](Self::submit), and returns a channel reporting the transaction's status.
    ///
    /// The first status is `Ready` or `Future`; then possibly more of those, `InBlock`,
    /// `Retracted`, and finally one of `Finalized`, `Usurped`, `Dropped` or `Invalid`, after which
    /// the channel closes. A watcher that lets its channel fill up is dropped (the channel closes).
    pub fn submit_and_watch(
        &self,
        at: Hash,
        source: TransactionSource,
        tx: Vec<u8>,
    ) -> Result<(Hash, mpsc::Receiver<TransactionStatus>), PoolError> {
        let (sender, receiver) = mpsc::channel(self.options.watcher_capacity);
        let hash = self.submit_inner(at, source, tx, Some(sender))?;
        Ok((hash, receiver))
    }

    /// The ready transactions in the order to include them in a block: never before the
    /// transactions providing the tags they require; among those available, highest priority
    /// first, then first come first served.
    pub fn ready(&self) -> Vec<Arc<PooledTransaction>> {
        self.state.lock().base.ready_ordered()
    }

    /// The future transactions, oldest first.
    pub fn future(&self) -> Vec<Arc<PooledTransaction>> {
        self.state.lock().base.future_ordered()
    }

    /// The encoded extrinsics of every pooled transaction: ready ones in inclusion order, then
    /// future ones (as `author_pendingExtrinsics` returns them).
    pub fn pending(&self) -> Vec<Vec<u8>> {
        let state = self.state.lock();
        state
            .base
            .ready_ordered()
            .into_iter()
            .chain(state.base.future_ordered())
            .map(|tx| tx.bytes.to_vec())
            .collect()
    }

    /// The pooled transaction with this hash.
    pub fn get(&self, hash: &Hash) -> Option<Arc<PooledTransaction>> {
        self.state.lock().base.get(hash).cloned()
    }

    /// Whether the transaction with this hash is in the pool.
    pub fn contains(&self, hash: &Hash) -> bool {
        self.state.lock().base.contains(hash)
    }

    /// Whether the transaction with this hash is banned now.
    pub fn is_banned(&self, hash: &Hash) -> bool {
        let now = self.clock.now();
        self.state.lock().is_banned(hash, now)
    }

    /// Sizes of the queues.
    pub fn status(&self) -> PoolStatus {
        self.state.lock().base.status()
    }

    /// The number of the last block reported by [`on_block_imported`](Self::on_block_imported).
    pub fn best_number(&self) -> BlockNumber {
        self.state.lock().best_number
    }

    /// Whether a ready transaction provides `tag`.
    pub fn has_ready_tag(&self, tag: &[u8]) -> bool {
        self.state.lock().base.ready_provides(tag)
    }

    /// The next free index of a sequence of tags: starting at `first` (e.g. the on-chain nonce),
    /// counts up while a ready transaction provides `tag_for(index)`.
    ///
    /// With FRAME's tag encoding, `system_accountNextIndex` is
    /// `next_index(on_chain_nonce, |n| (account, n as Nonce).encode())`. `tag_for` runs under the
    /// pool's lock and should be cheap.
    pub fn next_index(&self, first: u64, tag_for: impl Fn(u64) -> TransactionTag) -> u64 {
        let state = self.state.lock();
        let mut index = first;
        // A ready transaction provides each tag at most once, so this ends within `ready` steps.
        for _ in 0..=state.base.status().ready {
            if !state.base.ready_provides(&tag_for(index)) {
                break;
            }
            index = index.saturating_add(1);
        }
        index
    }

    /// Removes transactions that failed to apply while building a block: they are reported
    /// `Invalid` and banned. Transactions that depended on them move to the future queue.
    pub fn remove_invalid(&self, hashes: &[Hash]) -> Vec<Arc<PooledTransaction>> {
        let until = self.ban_until();
        let mut state = self.state.lock();
        let mut changes = Changes::default();
        let mut removed = Vec::new();
        for hash in hashes {
            state.ban(*hash, until, self.options.max_banned);
            if let Some(tx) = state.base.remove(hash, &mut changes) {
                tracing::debug!(target: LOG_TARGET, ?hash, "Removed invalid transaction");
                state.notify(hash, TransactionStatus::Invalid);
                removed.push(tx);
            }
        }
        state.apply(changes);
        removed
    }

    /// Updates the pool for a newly imported best block `block` (number `number`) that included
    /// the transactions `included`.
    ///
    /// The included transactions leave the pool (watchers get `InBlock(block)` and then wait for
    /// finality) and are banned for the ban time so that copies arriving late are not imported
    /// again. Transactions whose longevity ran out are removed (`Invalid`). Every remaining
    /// transaction is re-validated at `block`: the invalid ones are removed (`Invalid`, banned),
    /// and the queues are rebuilt with the fresh priorities and tags (watchers see `Ready`/`Future`
    /// when a transaction changes queue). Blocks: call it from a blocking task.
    pub fn on_block_imported(
        &self,
        block: Hash,
        number: BlockNumber,
        included: &[Hash],
    ) -> MaintenanceReport {
        let _maintenance = self.maintenance.lock();
        let mut report = MaintenanceReport::default();
        let until = self.ban_until();

        let snapshot = {
            let mut state = self.state.lock();
            state.best_number = number;
            let mut changes = Changes::default();

            // The included transactions' tags stay met for a while, so the transactions that
            // required them remain ready.
            let mut pruned_tags: Vec<TransactionTag> = Vec::new();
            let mut seen = HashSet::new();
            let included: Vec<Hash> = included
                .iter()
                .copied()
                .filter(|h| seen.insert(*h))
                .collect();
            for hash in &included {
                if let Some(tx) = state.base.get(hash) {
                    pruned_tags.extend(tx.provides.iter().cloned());
                }
            }
            state
                .base
                .add_met(pruned_tags.iter().cloned(), &mut changes);
            state.pruned.push_back(pruned_tags);
            while state.pruned.len() > RECENTLY_PRUNED_BLOCKS {
                state.pruned.pop_front();
            }

            let mut record = BlockRecord {
                number,
                txs: included.clone(),
                watchers: Vec::new(),
            };
            for hash in &included {
                if state.base.remove(hash, &mut changes).is_some() {
                    report.included += 1;
                }
                state.ban(*hash, until, self.options.max_banned);
                let mut watchers = state.watchers.remove(hash).unwrap_or_default();
                if let Some((_, orphaned)) = state.orphans.remove(hash) {
                    watchers.extend(orphaned);
                }
                send_all(hash, &mut watchers, &TransactionStatus::InBlock(block));
                record
                    .watchers
                    .extend(watchers.into_iter().map(|watcher| (*hash, watcher)));
            }
            if let Some(previous) = state.blocks.insert(block, record) {
                // Imported twice: keep the watchers of the first report too.
                if let Some(current) = state.blocks.get_mut(&block) {
                    current.watchers.extend(previous.watchers);
                }
            }
            state.enforce_finality_window(self.options.finality_window);

            for hash in state.base.expired(u64::from(number)) {
                if state.base.remove(&hash, &mut changes).is_some() {
                    report.expired += 1;
                    tracing::debug!(target: LOG_TARGET, ?hash, "Transaction expired");
                    state.notify(&hash, TransactionStatus::Invalid);
                }
            }
            state.apply(changes);
            state.purge_bans(self.clock.now());
            state.base.all()
        };

        // Re-validate without holding the lock, so submissions go on meanwhile.
        let results: HashMap<Hash, Result<TransactionValidity, ValidatorError>> = snapshot
            .iter()
            .map(|tx| {
                (
                    tx.hash,
                    self.validator.validate(block, tx.source, &tx.bytes),
                )
            })
            .collect();
        report.revalidated = results.len();

        let mut state = self.state.lock();
        let until = self.ban_until();
        let met: HashSet<TransactionTag> = state.pruned.iter().flatten().cloned().collect();
        let mut fresh = BasePool::new(self.options.limits, met);
        let mut removed: Vec<(Hash, TransactionStatus)> = Vec::new();
        for tx in state.base.all() {
            let hash = tx.hash;
            let updated = match results.get(&hash) {
                // Submitted during re-validation: validated recently enough.
                None => tx,
                Some(Ok(Ok(valid))) if valid.provides.is_empty() => {
                    state.ban(hash, until, self.options.max_banned);
                    report.invalid += 1;
                    removed.push((hash, TransactionStatus::Invalid));
                    continue;
                }
                Some(Ok(Ok(valid))) => Arc::new(revalidated(&tx, valid, number)),
                Some(Ok(Err(TransactionValidityError::Invalid(error)))) => {
                    tracing::debug!(target: LOG_TARGET, ?hash, ?error, "Transaction became invalid");
                    state.ban(hash, until, self.options.max_banned);
                    report.invalid += 1;
                    removed.push((hash, TransactionStatus::Invalid));
                    continue;
                }
                // Unknown validity: keep what we knew (as Substrate does).
                Some(Ok(Err(TransactionValidityError::Unknown(_)))) => tx,
                Some(Err(error)) => {
                    tracing::debug!(target: LOG_TARGET, ?hash, %error, "Re-validation failed");
                    report.invalid += 1;
                    removed.push((hash, TransactionStatus::Invalid));
                    continue;
                }
            };
            match fresh.import(updated) {
                Ok((outcome, changes)) => {
                    if outcome == Imported::Dropped {
                        removed.push((hash, TransactionStatus::Dropped));
                    }
                    removed.extend(
                        changes
                            .removed
                            .iter()
                            .map(|(tx, removal)| (tx.hash, status_of(*removal))),
                    );
                }
                Err(ImportError::TooLowPriority { conflicts, .. }) => {
                    let winner = conflicts.first().copied().unwrap_or_default();
                    removed.push((hash, TransactionStatus::Usurped(winner)));
                }
                Err(ImportError::AlreadyImported) => {}
            }
        }
        report.dropped = removed
            .iter()
            .filter(|(_, status)| !matches!(status, TransactionStatus::Invalid))
            .count();

        let mut moved = Vec::new();
        for tx in fresh.all() {
            let now_ready = fresh.is_ready(&tx.hash);
            if now_ready.is_some() && state.base.is_ready(&tx.hash) != now_ready {
                moved.push((tx.hash, now_ready == Some(true)));
            }
        }
        state.base = fresh;
        for (hash, ready) in moved {
            state.notify(
                &hash,
                if ready {
                    TransactionStatus::Ready
                } else {
                    TransactionStatus::Future
                },
            );
        }
        for (hash, status) in removed {
            state.notify(&hash, status);
        }
        let status = state.base.status();
        tracing::debug!(
            target: LOG_TARGET,
            number,
            ?block,
            included = report.included,
            expired = report.expired,
            revalidated = report.revalidated,
            invalid = report.invalid,
            dropped = report.dropped,
            ready = status.ready,
            future = status.future,
            "Pool maintained"
        );
        report
    }

    /// Reports block `block` final: watchers of transactions included in it, or in earlier
    /// (lower-numbered) reported blocks not yet final, get `Finalized` with their block's hash and
    /// close. Reported blocks at the same height as `block` but another hash are retracted.
    ///
    /// Forks below `block` must have been reported with
    /// [`on_block_retracted`](Self::on_block_retracted) before, or their transactions are taken
    /// as final too. A block never reported through [`on_block_imported`](Self::on_block_imported)
    /// is ignored.
    pub fn on_block_finalized(&self, block: Hash) {
        let mut state = self.state.lock();
        let Some(number) = state.blocks.get(&block).map(|record| record.number) else {
            tracing::debug!(target: LOG_TARGET, ?block, "Finalized block unknown to the pool");
            return;
        };
        let siblings: Vec<Hash> = state
            .blocks
            .iter()
            .filter(|(hash, record)| record.number == number && **hash != block)
            .map(|(hash, _)| *hash)
            .collect();
        for sibling in siblings {
            state.retract(sibling);
        }
        let mut finalized: Vec<(BlockNumber, Hash)> = state
            .blocks
            .iter()
            .filter(|(_, record)| record.number <= number)
            .map(|(hash, record)| (record.number, *hash))
            .collect();
        finalized.sort();
        for (_, hash) in finalized {
            let Some(record) = state.blocks.remove(&hash) else {
                continue;
            };
            for (tx, watcher) in record.watchers {
                let mut watchers = vec![watcher];
                send_all(&tx, &mut watchers, &TransactionStatus::Finalized(hash));
            }
        }
        // Transactions of retracted blocks at or below the final height that were neither
        // re-included nor re-submitted are gone.
        let lost: Vec<Hash> = state
            .orphans
            .iter()
            .filter(|(_, (retracted_at, _))| *retracted_at <= number)
            .map(|(hash, _)| *hash)
            .collect();
        for hash in lost {
            if let Some((_, mut watchers)) = state.orphans.remove(&hash) {
                send_all(&hash, &mut watchers, &TransactionStatus::Dropped);
            }
        }
        tracing::debug!(target: LOG_TARGET, number, ?block, "Block finalized");
    }

    /// Reports that block `block`, reported before by
    /// [`on_block_imported`](Self::on_block_imported), left the best chain.
    ///
    /// Watchers of its transactions get `Retracted(block)` and stay open: they get `Ready` or
    /// `Future` if the transaction is submitted again (the node re-submits the retracted block's
    /// extrinsics; their bans from the inclusion are lifted) and `InBlock` if a later block
    /// includes it; they are closed with `Dropped` once a block at or above the retracted one's
    /// height is final without that happening.
    pub fn on_block_retracted(&self, block: Hash) {
        self.state.lock().retract(block);
    }

    fn ban_until(&self) -> Duration {
        self.clock.now().saturating_add(self.options.ban_time)
    }

    fn submit_inner(
        &self,
        at: Hash,
        source: TransactionSource,
        tx: Vec<u8>,
        watcher: Option<Watcher>,
    ) -> Result<Hash, PoolError> {
        let hash = tx_hash(&tx);
        let limits = &self.options.limits;
        if tx.len() > limits.ready.total_bytes.max(limits.future.total_bytes) {
            tracing::debug!(target: LOG_TARGET, ?hash, len = tx.len(), "Transaction larger than the pool");
            return Err(PoolError::ImmediatelyDropped);
        }
        {
            let state = self.state.lock();
            if state.base.contains(&hash) {
                return Err(PoolError::AlreadyImported);
            }
            if state.is_banned(&hash, self.clock.now()) {
                return Err(PoolError::TemporarilyBanned);
            }
        }

        let validity = self
            .validator
            .validate(at, source, &tx)
            .inspect_err(|error| {
                tracing::debug!(target: LOG_TARGET, ?hash, %error, "Validation failed");
            })?;

        let until = self.ban_until();
        let mut state = self.state.lock();
        let valid = match validity {
            Ok(valid) => valid,
            Err(TransactionValidityError::Invalid(error)) => {
                tracing::debug!(target: LOG_TARGET, ?hash, ?error, "Invalid transaction rejected");
                state.ban(hash, until, self.options.max_banned);
                return Err(PoolError::Invalid(error));
            }
            Err(TransactionValidityError::Unknown(error)) => {
                tracing::debug!(target: LOG_TARGET, ?hash, ?error, "Transaction of unknown validity rejected");
                return Err(PoolError::UnknownValidity(error));
            }
        };
        if valid.provides.is_empty() {
            tracing::debug!(target: LOG_TARGET, ?hash, "Transaction without tags rejected");
            state.ban(hash, until, self.options.max_banned);
            return Err(PoolError::NoTagsProvided);
        }

        let insertion = state.next_insertion;
        state.next_insertion = insertion.saturating_add(1);
        let pooled = Arc::new(PooledTransaction {
            hash,
            bytes: tx.into(),
            priority: valid.priority,
            valid_till: u64::from(state.best_number).saturating_add(valid.longevity),
            requires: valid.requires,
            provides: valid.provides,
            longevity: valid.longevity,
            propagate: valid.propagate,
            source,
            insertion,
        });
        let priority = pooled.priority;
        let (outcome, changes) = state.base.import(pooled).map_err(|error| match error {
            ImportError::AlreadyImported => PoolError::AlreadyImported,
            ImportError::TooLowPriority { old, new, .. } => {
                tracing::debug!(target: LOG_TARGET, ?hash, old, new, "Replacement priority too low");
                PoolError::TooLowPriority { old, new }
            }
        })?;
        state.apply(changes);
        let status = match outcome {
            Imported::Ready => TransactionStatus::Ready,
            Imported::Future => TransactionStatus::Future,
            Imported::Dropped => {
                tracing::debug!(target: LOG_TARGET, ?hash, priority, "Transaction dropped at once: pool full");
                return Err(PoolError::ImmediatelyDropped);
            }
        };
        let mut watchers = state
            .orphans
            .remove(&hash)
            .map(|(_, watchers)| watchers)
            .unwrap_or_default();
        watchers.extend(watcher);
        send_all(&hash, &mut watchers, &status);
        if !watchers.is_empty() {
            state.watchers.insert(hash, watchers);
        }
        tracing::debug!(target: LOG_TARGET, ?hash, priority, ?status, "Transaction imported");
        Ok(hash)
    }
}

impl State {
    /// Sends `status` to the watchers of `hash`; a final status closes them.
    fn notify(&mut self, hash: &Hash, status: TransactionStatus) {
        let Some(watchers) = self.watchers.get_mut(hash) else {
            return;
        };
        send_all(hash, watchers, &status);
        if status.is_final() || watchers.is_empty() {
            self.watchers.remove(hash);
        }
    }

    /// Reports what an operation did to other transactions.
    fn apply(&mut self, changes: Changes) {
        for (hash, ready) in changes.moved(&self.base) {
            self.notify(
                &hash,
                if ready {
                    TransactionStatus::Ready
                } else {
                    TransactionStatus::Future
                },
            );
        }
        for (tx, removal) in changes.removed {
            tracing::debug!(target: LOG_TARGET, hash = ?tx.hash, ?removal, "Transaction removed");
            self.notify(&tx.hash, status_of(removal));
        }
    }

    fn is_banned(&self, hash: &Hash, now: Duration) -> bool {
        self.banned.get(hash).is_some_and(|until| *until > now)
    }

    fn ban(&mut self, hash: Hash, until: Duration, max_banned: usize) {
        if max_banned == 0 {
            return;
        }
        if self.banned.len() >= max_banned && !self.banned.contains_key(&hash) {
            // Lift the ban closest to its end.
            if let Some(first) = self
                .banned
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(hash, _)| *hash)
            {
                self.banned.remove(&first);
            }
        }
        self.banned.insert(hash, until);
    }

    fn purge_bans(&mut self, now: Duration) {
        self.banned.retain(|_, until| *until > now);
    }

    /// Keeps at most `window` blocks waiting for finality; the oldest ones' watchers close.
    fn enforce_finality_window(&mut self, window: usize) {
        while self.blocks.len() > window.max(1) {
            let Some(oldest) = self
                .blocks
                .iter()
                .min_by_key(|(_, record)| record.number)
                .map(|(hash, _)| *hash)
            else {
                break;
            };
            if let Some(record) = self.blocks.remove(&oldest)
                && !record.watchers.is_empty()
            {
                tracing::warn!(
                    target: LOG_TARGET,
                    block = ?oldest,
                    number = record.number,
                    watchers = record.watchers.len(),
                    "No finality within the window; closing watchers"
                );
            }
        }
    }

    fn retract(&mut self, block: Hash) {
        let Some(record) = self.blocks.remove(&block) else {
            tracing::debug!(target: LOG_TARGET, ?block, "Retracted block unknown to the pool");
            return;
        };
        for hash in &record.txs {
            self.banned.remove(hash);
        }
        // Orphans are bounded by the blocks' transactions, themselves bounded by the window.
        for (hash, watcher) in record.watchers {
            let mut watchers = vec![watcher];
            send_all(&hash, &mut watchers, &TransactionStatus::Retracted(block));
            if watchers.is_empty() {
                continue;
            }
            self.orphans
                .entry(hash)
                .or_insert_with(|| (record.number, Vec::new()))
                .1
                .extend(watchers);
        }
        tracing::debug!(target: LOG_TARGET, ?block, number = record.number, "Block retracted");
    }
}

/// `tx` with the validity found at block `number`.
fn revalidated(
    tx: &PooledTransaction,
    valid: &ValidTransaction,
    number: BlockNumber,
) -> PooledTransaction {
    PooledTransaction {
        hash: tx.hash,
        bytes: tx.bytes.clone(),
        priority: valid.priority,
        requires: valid.requires.clone(),
        provides: valid.provides.clone(),
        longevity: valid.longevity,
        propagate: valid.propagate,
        source: tx.source,
        valid_till: u64::from(number).saturating_add(valid.longevity),
        insertion: tx.insertion,
    }
}

fn status_of(removal: Removal) -> TransactionStatus {
    match removal {
        Removal::Usurped(by) => TransactionStatus::Usurped(by),
        Removal::Dropped => TransactionStatus::Dropped,
    }
}

/// Sends `status` to each watcher, forgetting those that are closed or too slow.
fn send_all(hash: &Hash, watchers: &mut Vec<Watcher>, status: &TransactionStatus) {
    watchers.retain(|watcher| match watcher.try_send(status.clone()) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            tracing::debug!(target: LOG_TARGET, ?hash, "Watcher not reading its statuses; dropped");
            false
        }
        Err(TrySendError::Closed(_)) => false,
    });
    if status.is_final() {
        watchers.clear();
    }
}
