//! Pool tests with a validator double that behaves like FRAME's `CheckNonce` + tip priority.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use codec::Encode;
use parking_lot::Mutex;
use proptest::prelude::*;
use sp_runtime::transaction_validity::{
    InvalidTransaction, TransactionSource, TransactionValidity, UnknownTransaction,
    ValidTransaction,
};
use tokio::sync::mpsc::{Receiver, error::TryRecvError};
use wcme_primitives::{Hash, TransactionStatus};

use crate::*;

/// A test transaction: `[account, nonce (4 bytes LE), tip (8 bytes LE), padding…]`.
fn xt(account: u8, nonce: u32, tip: u64) -> Vec<u8> {
    xt_padded(account, nonce, tip, 0)
}

fn xt_padded(account: u8, nonce: u32, tip: u64, padding: usize) -> Vec<u8> {
    let mut bytes = vec![account];
    bytes.extend(nonce.to_le_bytes());
    bytes.extend(tip.to_le_bytes());
    bytes.extend(std::iter::repeat_n(0xEE, padding));
    bytes
}

fn tag(account: u8, nonce: u32) -> Vec<u8> {
    (account, nonce).encode()
}

/// Validates like FRAME: a transaction below the account's on-chain nonce is stale; one above
/// requires the previous nonce's tag; each provides its own `(account, nonce)` tag; the tip is the
/// priority. Scripted answers override this per transaction.
#[derive(Default)]
struct FrameLike {
    nonces: Mutex<HashMap<u8, u32>>,
    longevity: Mutex<Option<u64>>,
    script: Mutex<HashMap<Vec<u8>, Result<TransactionValidity, ValidatorError>>>,
    calls: Mutex<Vec<(Hash, Vec<u8>)>>,
}

impl FrameLike {
    fn script(&self, tx: &[u8], answer: Result<TransactionValidity, ValidatorError>) {
        self.script.lock().insert(tx.to_vec(), answer);
    }

    fn set_nonce(&self, account: u8, nonce: u32) {
        self.nonces.lock().insert(account, nonce);
    }

    fn calls(&self) -> usize {
        self.calls.lock().len()
    }
}

impl TxValidator for FrameLike {
    fn validate(
        &self,
        at: Hash,
        _source: TransactionSource,
        tx: &[u8],
    ) -> Result<TransactionValidity, ValidatorError> {
        self.calls.lock().push((at, tx.to_vec()));
        if let Some(answer) = self.script.lock().get(tx) {
            return answer.clone();
        }
        if tx.len() < 13 {
            return Ok(Err(InvalidTransaction::Call.into()));
        }
        let account = tx[0];
        let nonce = u32::from_le_bytes([tx[1], tx[2], tx[3], tx[4]]);
        let mut tip = [0u8; 8];
        tip.copy_from_slice(&tx[5..13]);
        let on_chain = self.nonces.lock().get(&account).copied().unwrap_or(0);
        if nonce < on_chain {
            return Ok(Err(InvalidTransaction::Stale.into()));
        }
        let requires = if nonce > on_chain {
            vec![tag(account, nonce - 1)]
        } else {
            vec![]
        };
        Ok(Ok(ValidTransaction {
            priority: u64::from_le_bytes(tip),
            requires,
            provides: vec![tag(account, nonce)],
            longevity: self.longevity.lock().unwrap_or(u64::MAX),
            propagate: true,
        }))
    }
}

#[derive(Default)]
struct TestClock(AtomicU64);

impl TestClock {
    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

struct Setup {
    pool: TxPool,
    validator: Arc<FrameLike>,
    clock: Arc<TestClock>,
}

fn setup() -> Setup {
    setup_with(PoolOptions::default())
}

fn setup_with(options: PoolOptions) -> Setup {
    let validator = Arc::new(FrameLike::default());
    let clock = Arc::new(TestClock::default());
    let pool = TxPool::with_clock(validator.clone(), options, clock.clone());
    Setup {
        pool,
        validator,
        clock,
    }
}

const GENESIS: Hash = Hash::repeat_byte(0);
const EXT: TransactionSource = TransactionSource::External;

fn block(n: u8) -> Hash {
    Hash::repeat_byte(n)
}

fn submit(pool: &TxPool, tx: Vec<u8>) -> Result<Hash, PoolError> {
    pool.submit(GENESIS, EXT, tx)
}

fn watch(pool: &TxPool, tx: Vec<u8>) -> (Hash, Receiver<TransactionStatus>) {
    pool.submit_and_watch(GENESIS, EXT, tx).unwrap()
}

fn statuses(rx: &mut Receiver<TransactionStatus>) -> Vec<TransactionStatus> {
    let mut out = Vec::new();
    while let Ok(status) = rx.try_recv() {
        out.push(status);
    }
    out
}

fn closed(rx: &mut Receiver<TransactionStatus>) -> bool {
    matches!(rx.try_recv(), Err(TryRecvError::Disconnected))
}

fn ready_hashes(pool: &TxPool) -> Vec<Hash> {
    pool.ready().iter().map(|tx| tx.hash).collect()
}

fn limits(ready: (usize, usize), future: (usize, usize)) -> PoolOptions {
    PoolOptions {
        limits: PoolLimits {
            ready: Limit {
                count: ready.0,
                total_bytes: ready.1,
            },
            future: Limit {
                count: future.0,
                total_bytes: future.1,
            },
        },
        ..PoolOptions::default()
    }
}

#[test]
fn hash_is_blake2_256_of_the_bytes() {
    // blake2b-256 of the empty input.
    let empty: [u8; 32] = [
        0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2, 0xe8, 0xab, 0x2e, 0xb0, 0x60, 0x99, 0xda,
        0xa1, 0xd1, 0xe5, 0xdf, 0x47, 0x77, 0x8f, 0x77, 0x87, 0xfa, 0xab, 0x45, 0xcd, 0xf1, 0x2f,
        0xe3, 0xa8,
    ];
    assert_eq!(tx_hash(&[]), Hash::from(empty));
    let s = setup();
    let tx = xt(1, 0, 0);
    assert_eq!(submit(&s.pool, tx.clone()).unwrap(), tx_hash(&tx));
    let xt = wcme_primitives::Extrinsic::from_blob(tx.clone());
    assert_eq!(
        s.pool.submit_extrinsic(GENESIS, EXT, &xt).unwrap(),
        extrinsic_hash(&xt)
    );
}

#[test]
fn nonce_gap_waits_in_future_until_filled() {
    let s = setup();
    let (h1, mut w1) = watch(&s.pool, xt(1, 1, 0));
    assert_eq!(statuses(&mut w1), [TransactionStatus::Future]);
    assert_eq!(s.pool.status().future, 1);
    assert!(s.pool.ready().is_empty());
    assert_eq!(s.pool.future()[0].hash, h1);

    let h0 = submit(&s.pool, xt(1, 0, 0)).unwrap();
    assert_eq!(ready_hashes(&s.pool), [h0, h1]);
    assert_eq!(statuses(&mut w1), [TransactionStatus::Ready]);
    let status = s.pool.status();
    assert_eq!((status.ready, status.future), (2, 0));
    assert_eq!(status.ready_bytes, 26);
    assert_eq!(s.pool.pending(), [xt(1, 0, 0), xt(1, 1, 0)]);
}

#[test]
fn ready_order_respects_dependencies_then_priority_then_arrival() {
    let s = setup();
    let a0 = submit(&s.pool, xt(1, 0, 1)).unwrap();
    let a1 = submit(&s.pool, xt(1, 1, 100)).unwrap();
    let b0 = submit(&s.pool, xt(2, 0, 50)).unwrap();
    let c0 = submit(&s.pool, xt(3, 0, 50)).unwrap();
    let d0 = submit(&s.pool, xt(4, 0, 70)).unwrap();
    // a1 pays most but needs a0 first; b0 and c0 tie and keep arrival order.
    assert_eq!(ready_hashes(&s.pool), [d0, b0, c0, a0, a1]);
}

#[test]
fn higher_priority_replaces_lower_is_rejected() {
    let s = setup();
    let (old, mut w_old) = watch(&s.pool, xt_padded(1, 0, 10, 1));
    let dependent = submit(&s.pool, xt(1, 1, 10)).unwrap();

    // Same tag, same or lower priority: rejected.
    assert_eq!(
        submit(&s.pool, xt_padded(1, 0, 10, 2)),
        Err(PoolError::TooLowPriority { old: 10, new: 10 })
    );
    assert_eq!(
        submit(&s.pool, xt_padded(1, 0, 3, 3)),
        Err(PoolError::TooLowPriority { old: 10, new: 3 })
    );
    assert!(s.pool.contains(&old));

    // Strictly higher: replaces; the dependent stays ready behind the new one.
    let new = submit(&s.pool, xt_padded(1, 0, 11, 4)).unwrap();
    assert!(!s.pool.contains(&old));
    assert_eq!(
        statuses(&mut w_old),
        [TransactionStatus::Ready, TransactionStatus::Usurped(new)]
    );
    assert!(closed(&mut w_old));
    assert_eq!(ready_hashes(&s.pool), [new, dependent]);
}

#[test]
fn duplicates_are_rejected() {
    let s = setup();
    submit(&s.pool, xt(1, 0, 0)).unwrap();
    let calls = s.validator.calls();
    assert_eq!(
        submit(&s.pool, xt(1, 0, 0)),
        Err(PoolError::AlreadyImported)
    );
    assert_eq!(s.validator.calls(), calls, "no validation for a known hash");
}

#[test]
fn ready_count_limit_drops_lowest_priority() {
    let s = setup_with(limits((3, 1 << 20), (10, 1 << 20)));
    let (low, mut w_low) = watch(&s.pool, xt(1, 0, 1));
    let mid = submit(&s.pool, xt(2, 0, 5)).unwrap();
    let high = submit(&s.pool, xt(3, 0, 7)).unwrap();
    let higher = submit(&s.pool, xt(4, 0, 9)).unwrap();
    assert!(!s.pool.contains(&low));
    assert_eq!(
        statuses(&mut w_low),
        [TransactionStatus::Ready, TransactionStatus::Dropped]
    );
    assert!(closed(&mut w_low));
    assert_eq!(ready_hashes(&s.pool), [higher, high, mid]);

    // A transaction that would be the first to go is refused and changes nothing.
    assert_eq!(
        submit(&s.pool, xt(5, 0, 2)),
        Err(PoolError::ImmediatelyDropped)
    );
    assert_eq!(ready_hashes(&s.pool), [higher, high, mid]);
    assert_eq!(s.pool.status().ready, 3);
}

#[test]
fn ready_bytes_limit_drops_lowest_priority() {
    // Each transaction is 13 + 27 = 40 bytes; 100 bytes hold two.
    let s = setup_with(limits((100, 100), (10, 1 << 20)));
    let a = submit(&s.pool, xt_padded(1, 0, 5, 27)).unwrap();
    let b = submit(&s.pool, xt_padded(2, 0, 1, 27)).unwrap();
    let c = submit(&s.pool, xt_padded(3, 0, 3, 27)).unwrap();
    assert!(!s.pool.contains(&b));
    assert_eq!(ready_hashes(&s.pool), [a, c]);
    assert_eq!(s.pool.status().ready_bytes, 80);
    // Too big for the pool at all.
    assert_eq!(
        submit(&s.pool, xt_padded(4, 0, 100, 2 << 20)),
        Err(PoolError::ImmediatelyDropped)
    );
}

#[test]
fn eviction_spares_transactions_others_depend_on() {
    let s = setup_with(limits((2, 1 << 20), (10, 1 << 20)));
    let a0 = submit(&s.pool, xt(1, 0, 1)).unwrap();
    let a1 = submit(&s.pool, xt(1, 1, 50)).unwrap();
    // a0 has the lowest priority but a1 needs it; b0 (5) is the lowest leaf.
    let b0 = submit(&s.pool, xt(2, 0, 5));
    assert_eq!(b0, Err(PoolError::ImmediatelyDropped));
    let c0 = submit(&s.pool, xt(3, 0, 80)).unwrap();
    // Now a1 (50) is the lowest leaf: it goes, a0 stays.
    assert_eq!(ready_hashes(&s.pool), [c0, a0]);
    assert!(!s.pool.contains(&a1));
}

#[test]
fn future_limits_hold() {
    let s = setup_with(limits((10, 1 << 20), (2, 1 << 20)));
    let f1 = submit(&s.pool, xt(1, 5, 3)).unwrap();
    let (f2, mut w2) = watch(&s.pool, xt(2, 5, 1));
    let f3 = submit(&s.pool, xt(3, 5, 4)).unwrap();
    assert_eq!(s.pool.status().future, 2);
    assert!(s.pool.contains(&f1) && s.pool.contains(&f3) && !s.pool.contains(&f2));
    assert_eq!(
        statuses(&mut w2),
        [TransactionStatus::Future, TransactionStatus::Dropped]
    );
    // Future bytes.
    let s = setup_with(limits((10, 1 << 20), (10, 50)));
    submit(&s.pool, xt_padded(1, 5, 3, 17)).unwrap();
    assert_eq!(
        submit(&s.pool, xt_padded(2, 5, 1, 17)),
        Err(PoolError::ImmediatelyDropped)
    );
    assert_eq!(s.pool.status().future_bytes, 30);
}

#[test]
fn invalid_transactions_are_banned_for_the_ban_time() {
    let s = setup();
    let tx = xt(1, 0, 0);
    s.validator
        .script(&tx, Ok(Err(InvalidTransaction::Payment.into())));
    assert_eq!(
        submit(&s.pool, tx.clone()),
        Err(PoolError::Invalid(InvalidTransaction::Payment))
    );
    assert!(s.pool.is_banned(&tx_hash(&tx)));
    assert_eq!(s.validator.calls(), 1);
    assert_eq!(
        submit(&s.pool, tx.clone()),
        Err(PoolError::TemporarilyBanned)
    );
    assert_eq!(
        s.validator.calls(),
        1,
        "banned transactions are not validated"
    );

    s.clock
        .advance(s.pool.options().ban_time + Duration::from_millis(1));
    assert!(!s.pool.is_banned(&tx_hash(&tx)));
    s.validator.script.lock().clear();
    submit(&s.pool, tx).unwrap();
    assert_eq!(s.validator.calls(), 2);
}

#[test]
fn unknown_validity_and_validator_errors_are_not_banned() {
    let s = setup();
    let tx = xt(1, 0, 0);
    s.validator
        .script(&tx, Ok(Err(UnknownTransaction::CannotLookup.into())));
    assert_eq!(
        submit(&s.pool, tx.clone()),
        Err(PoolError::UnknownValidity(UnknownTransaction::CannotLookup))
    );
    s.validator
        .script(&tx, Err(ValidatorError::UnknownBlock(GENESIS)));
    assert_eq!(
        submit(&s.pool, tx.clone()),
        Err(PoolError::Validator(ValidatorError::UnknownBlock(GENESIS)))
    );
    assert!(!s.pool.is_banned(&tx_hash(&tx)));
    assert!(s.pool.status() == PoolStatus::default());
}

#[test]
fn transactions_without_tags_are_refused() {
    let s = setup();
    let tx = xt(1, 0, 0);
    s.validator.script(&tx, Ok(Ok(ValidTransaction::default())));
    assert_eq!(submit(&s.pool, tx), Err(PoolError::NoTagsProvided));
}

#[test]
fn block_import_removes_included_and_revalidates_the_rest() {
    let s = setup();
    let (a0, mut w_a0) = watch(&s.pool, xt(1, 0, 0));
    let a1 = submit(&s.pool, xt(1, 1, 0)).unwrap();
    let a2 = submit(&s.pool, xt(1, 2, 0)).unwrap();
    let (b0, mut w_b0) = watch(&s.pool, xt(2, 0, 0));
    let c3 = submit(&s.pool, xt(3, 3, 0)).unwrap();
    assert_eq!(s.pool.status().future, 1);

    // Block 1 includes a0; b0 is now invalid (its sender went broke); c's nonce moved to 3.
    s.validator.set_nonce(1, 1);
    s.validator.set_nonce(3, 3);
    s.validator
        .script(&xt(2, 0, 0), Ok(Err(InvalidTransaction::Payment.into())));
    let calls_before = s.validator.calls();
    let report = s.pool.on_block_imported(block(1), 1, &[a0]);
    assert_eq!(
        report,
        MaintenanceReport {
            included: 1,
            expired: 0,
            revalidated: 4,
            invalid: 1,
            dropped: 0
        }
    );
    let calls = s.validator.calls.lock();
    assert!(calls[calls_before..].iter().all(|(at, _)| *at == block(1)));
    drop(calls);

    assert_eq!(
        statuses(&mut w_a0),
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(block(1))
        ]
    );
    assert_eq!(
        statuses(&mut w_b0),
        [TransactionStatus::Ready, TransactionStatus::Invalid]
    );
    assert!(closed(&mut w_b0));
    assert!(s.pool.is_banned(&b0));
    // Included transactions are banned too, so a late copy is not imported again.
    assert!(s.pool.is_banned(&a0));
    assert_eq!(
        submit(&s.pool, xt(1, 0, 0)),
        Err(PoolError::TemporarilyBanned)
    );

    assert!(!s.pool.contains(&a0) && !s.pool.contains(&b0));
    let ready = ready_hashes(&s.pool);
    assert_eq!(ready.len(), 3);
    let pos = |h: Hash| ready.iter().position(|x| *x == h).unwrap();
    assert!(pos(a1) < pos(a2));
    assert!(ready.contains(&c3), "c3 became ready by re-validation");
    assert!(s.pool.get(&a1).unwrap().requires.is_empty());
    assert_eq!(s.pool.best_number(), 1);
}

#[test]
fn dependents_of_an_included_transaction_stay_ready_before_revalidation() {
    let s = setup();
    let a0 = submit(&s.pool, xt(1, 0, 0)).unwrap();
    let a1 = submit(&s.pool, xt(1, 1, 0)).unwrap();
    // The validator still thinks nonce 0 is current: a1 keeps requiring a0's tag, which the
    // pool counts as met because a0 was just included.
    s.pool.on_block_imported(block(1), 1, &[a0]);
    assert_eq!(ready_hashes(&s.pool), [a1]);
}

#[test]
fn watcher_sees_ready_in_block_finalized_then_closes() {
    let s = setup();
    let (hash, mut rx) = watch(&s.pool, xt(1, 0, 0));
    s.pool.on_block_imported(block(1), 1, &[hash]);
    s.pool.on_block_finalized(block(1));
    assert_eq!(
        statuses(&mut rx),
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(block(1)),
            TransactionStatus::Finalized(block(1)),
        ]
    );
    assert!(closed(&mut rx));
}

#[test]
fn finalizing_a_block_finalizes_earlier_ones() {
    let s = setup();
    let (h0, mut w0) = watch(&s.pool, xt(1, 0, 0));
    let (h1, mut w1) = watch(&s.pool, xt(1, 1, 0));
    let (h2, mut w2) = watch(&s.pool, xt(2, 0, 0));
    s.validator.set_nonce(1, 1);
    s.pool.on_block_imported(block(1), 1, &[h0]);
    s.validator.set_nonce(1, 2);
    s.pool.on_block_imported(block(2), 2, &[h1]);
    s.pool.on_block_finalized(block(2));
    assert_eq!(
        statuses(&mut w0).last(),
        Some(&TransactionStatus::Finalized(block(1)))
    );
    assert_eq!(
        statuses(&mut w1).last(),
        Some(&TransactionStatus::Finalized(block(2)))
    );
    assert!(closed(&mut w0) && closed(&mut w1));
    // Not included: still ready and watched.
    assert_eq!(statuses(&mut w2), [TransactionStatus::Ready]);
    assert!(s.pool.contains(&h2));
}

#[test]
fn retracted_then_included_elsewhere() {
    let s = setup();
    let (hash, mut rx) = watch(&s.pool, xt(1, 0, 0));
    s.pool.on_block_imported(block(1), 1, &[hash]);
    s.pool.on_block_retracted(block(1));
    assert!(!s.pool.is_banned(&hash));
    // The node re-submits the retracted block's extrinsics.
    submit(&s.pool, xt(1, 0, 0)).unwrap();
    s.pool.on_block_imported(block(2), 1, &[hash]);
    s.pool.on_block_finalized(block(2));
    assert_eq!(
        statuses(&mut rx),
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(block(1)),
            TransactionStatus::Retracted(block(1)),
            TransactionStatus::Ready,
            TransactionStatus::InBlock(block(2)),
            TransactionStatus::Finalized(block(2)),
        ]
    );
    assert!(closed(&mut rx));
}

#[test]
fn sibling_of_the_finalized_block_is_retracted() {
    let s = setup();
    let (hash, mut rx) = watch(&s.pool, xt(1, 0, 0));
    s.pool.on_block_imported(block(1), 1, &[hash]);
    s.pool.on_block_imported(block(2), 1, &[]);
    s.pool.on_block_finalized(block(2));
    assert_eq!(
        statuses(&mut rx),
        [
            TransactionStatus::Ready,
            TransactionStatus::InBlock(block(1)),
            TransactionStatus::Retracted(block(1)),
            TransactionStatus::Dropped,
        ]
    );
    assert!(closed(&mut rx));
}

#[test]
fn longevity_runs_out() {
    let s = setup();
    *s.validator.longevity.lock() = Some(2);
    let (hash, mut rx) = watch(&s.pool, xt(1, 0, 0));
    assert_eq!(s.pool.get(&hash).unwrap().valid_till, 2);
    // Re-validation at block 1 would renew it, so make the runtime say "unknown" (kept as is).
    s.validator.script(
        &xt(1, 0, 0),
        Ok(Err(UnknownTransaction::CannotLookup.into())),
    );
    s.pool.on_block_imported(block(1), 1, &[]);
    assert!(s.pool.contains(&hash));
    let report = s.pool.on_block_imported(block(2), 2, &[]);
    assert_eq!(report.expired, 1);
    assert!(!s.pool.contains(&hash));
    assert_eq!(
        statuses(&mut rx),
        [TransactionStatus::Ready, TransactionStatus::Invalid]
    );
}

#[test]
fn remove_invalid_bans_and_demotes_dependents() {
    let s = setup();
    let (a0, mut w0) = watch(&s.pool, xt(1, 0, 0));
    let (a1, mut w1) = watch(&s.pool, xt(1, 1, 0));
    let removed = s.pool.remove_invalid(&[a0]);
    assert_eq!(removed.len(), 1);
    assert!(s.pool.is_banned(&a0));
    assert_eq!(
        statuses(&mut w0),
        [TransactionStatus::Ready, TransactionStatus::Invalid]
    );
    assert_eq!(
        statuses(&mut w1),
        [TransactionStatus::Ready, TransactionStatus::Future]
    );
    assert!(s.pool.ready().is_empty());
    assert_eq!(s.pool.future()[0].hash, a1);
}

#[test]
fn next_index_counts_consecutive_ready_transactions() {
    let s = setup();
    submit(&s.pool, xt(1, 0, 0)).unwrap();
    submit(&s.pool, xt(1, 1, 0)).unwrap();
    submit(&s.pool, xt(1, 3, 0)).unwrap(); // future: nonce 2 is missing
    assert!(s.pool.has_ready_tag(&tag(1, 1)));
    assert!(!s.pool.has_ready_tag(&tag(1, 3)));
    assert_eq!(s.pool.next_index(0, |n| tag(1, n as u32)), 2);
    assert_eq!(s.pool.next_index(0, |n| tag(2, n as u32)), 0);
}

#[test]
fn slow_watcher_is_dropped_without_blocking() {
    let s = setup_with(PoolOptions {
        watcher_capacity: 1,
        ..PoolOptions::default()
    });
    let (a1, mut w) = watch(&s.pool, xt(1, 1, 0)); // Future (fills the channel)
    submit(&s.pool, xt(1, 0, 0)).unwrap(); // Ready does not fit: the watcher is dropped
    assert_eq!(statuses(&mut w), [TransactionStatus::Future]);
    assert!(closed(&mut w));
    assert!(s.pool.contains(&a1));
}

// ---- property test --------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Submit {
        account: u8,
        nonce: u32,
        tip: u64,
        padding: usize,
    },
    /// Import a block including the first `take` ready transactions.
    Block { take: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u8..4, 0u32..6, 0u64..20, 0usize..30).prop_map(|(account, nonce, tip, padding)| {
            Op::Submit { account, nonce, tip, padding }
        }),
        1 => (0usize..4).prop_map(|take| Op::Block { take }),
    ]
}

fn check_invariants(s: &Setup, options: &PoolOptions) -> Result<(), TestCaseError> {
    let ready = s.pool.ready();
    let future = s.pool.future();
    let status = s.pool.status();
    let limits = options.limits;
    prop_assert!(status.ready <= limits.ready.count);
    prop_assert!(status.ready_bytes <= limits.ready.total_bytes);
    prop_assert!(status.future <= limits.future.count);
    prop_assert!(status.future_bytes <= limits.future.total_bytes);
    prop_assert_eq!(status.ready, ready.len());
    prop_assert_eq!(status.future, future.len());
    prop_assert_eq!(
        status.ready_bytes,
        ready.iter().map(|tx| tx.len()).sum::<usize>()
    );
    prop_assert_eq!(
        status.future_bytes,
        future.iter().map(|tx| tx.len()).sum::<usize>()
    );

    let on_chain = |tag: &Vec<u8>| {
        let nonces = s.validator.nonces.lock();
        let account = tag[0];
        let nonce = u32::from_le_bytes([tag[1], tag[2], tag[3], tag[4]]);
        nonce < nonces.get(&account).copied().unwrap_or(0)
    };
    // Ready order: every requirement is on chain or provided by an earlier ready transaction.
    let mut provided: HashSet<Vec<u8>> = HashSet::new();
    for tx in &ready {
        for required in &tx.requires {
            prop_assert!(
                provided.contains(required) || on_chain(required),
                "ready transaction before its requirement"
            );
        }
        for tag in &tx.provides {
            prop_assert!(
                provided.insert(tag.clone()),
                "two transactions provide one tag"
            );
        }
    }
    // Future transactions really wait for something.
    let ready_provided = provided.clone();
    for tx in &future {
        prop_assert!(
            tx.requires
                .iter()
                .any(|tag| !ready_provided.contains(tag) && !on_chain(tag)),
            "future transaction whose requirements are met"
        );
        for tag in &tx.provides {
            prop_assert!(
                provided.insert(tag.clone()),
                "two transactions provide one tag"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn ready_order_and_limits_always_hold(ops in proptest::collection::vec(op(), 1..60)) {
        let options = limits((6, 220), (3, 100));
        let s = setup_with(options);
        let mut number = 0u32;
        for op in ops {
            match op {
                Op::Submit { account, nonce, tip, padding } => {
                    match submit(&s.pool, xt_padded(account, nonce, tip, padding)) {
                        Ok(hash) => prop_assert!(s.pool.contains(&hash)),
                        Err(PoolError::ImmediatelyDropped) => {
                            prop_assert!(!s.pool.contains(&tx_hash(&xt_padded(account, nonce, tip, padding))))
                        }
                        Err(_) => {}
                    }
                }
                Op::Block { take } => {
                    let included: Vec<_> = s.pool.ready().into_iter().take(take).collect();
                    for tx in &included {
                        let account = tx.bytes[0];
                        let nonce = u32::from_le_bytes([tx.bytes[1], tx.bytes[2], tx.bytes[3], tx.bytes[4]]);
                        s.validator.set_nonce(account, nonce + 1);
                    }
                    number += 1;
                    let hashes: Vec<_> = included.iter().map(|tx| tx.hash).collect();
                    s.pool.on_block_imported(block(number as u8), number, &hashes);
                    for hash in &hashes {
                        prop_assert!(!s.pool.contains(hash));
                    }
                }
            }
            check_invariants(&s, &options)?;
        }
    }
}

#[test]
fn pool_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<TxPool>();
    assert_send_sync::<PooledTransaction>();
    assert_send_sync::<PoolError>();
}
