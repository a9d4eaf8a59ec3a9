//! The transaction pool wired to the chain: validation through the runtime, maintenance after
//! every new best block (following best-chain switches: retracted blocks' transactions go back
//! into the pool) and every finalized block.

use std::sync::Arc;

use sp_runtime::traits::Header as _;
use sp_runtime::transaction_validity::{TransactionSource, TransactionValidity};
use wcme_executor::ExecutorError;
use wcme_primitives::{BlockNumber, Hash, Header};
use wcme_txpool::{TxPool, TxValidator, ValidatorError};

use crate::client::{BlockImported, Client};

/// The node's transaction pool.
pub type Pool = TxPool;

/// Validates pool transactions with the runtime's `TaggedTransactionQueue` API.
pub struct ChainValidator {
    client: Arc<Client>,
}

impl ChainValidator {
    /// A validator reading the chain of `client`.
    pub fn new(client: Arc<Client>) -> Self {
        Self { client }
    }
}

impl TxValidator for ChainValidator {
    fn validate(
        &self,
        at: Hash,
        source: TransactionSource,
        tx: &[u8],
    ) -> Result<TransactionValidity, ValidatorError> {
        match self.client.db().header(&at) {
            Ok(Some(_)) => {}
            Ok(None) => return Err(ValidatorError::UnknownBlock(at)),
            Err(error) => return Err(ValidatorError::Runtime(error.to_string())),
        }
        self.client
            .executor()
            .validate_transaction(&at, source, tx)
            .map_err(|error| match error {
                ExecutorError::BadInput { message, .. } => ValidatorError::Undecodable(message),
                other => ValidatorError::Runtime(other.to_string()),
            })
    }
}

/// Most blocks one best-chain switch is followed through: a deeper reorganisation only enacts
/// the new best block in the pool (its predecessors' transactions stay until re-validation).
const MAX_REORG_DEPTH: usize = 4096;

/// How the best chain moved from one best block to the next.
#[derive(Debug, Default, PartialEq)]
struct Route {
    /// Blocks that left the best chain, highest first.
    retracted: Vec<Hash>,
    /// Blocks that joined it, lowest first (the new best last).
    enacted: Vec<(Hash, BlockNumber)>,
}

/// The blocks between best block `from` and new best block `to`, through their common
/// ancestor; `None` if a header is missing or the route is longer than [`MAX_REORG_DEPTH`].
fn route(header: impl Fn(&Hash) -> Option<Header>, from: Hash, to: &Header) -> Option<Route> {
    let mut route = Route::default();
    let mut old = header(&from)?;
    let mut new = to.clone();
    let mut enacted = Vec::new();
    while old.hash() != new.hash() {
        if route.retracted.len() + enacted.len() > MAX_REORG_DEPTH {
            return None;
        }
        if old.number() >= new.number() {
            route.retracted.push(old.hash());
            old = header(old.parent_hash())?;
        } else {
            enacted.push((new.hash(), *new.number()));
            new = header(new.parent_hash())?;
        }
    }
    enacted.reverse();
    route.enacted = enacted;
    Some(route)
}

/// Brings the pool from best block `previous` to the new best block `best`: every block that
/// left the best chain is retracted and its extrinsics go back into the pool (unless a block of
/// the new chain has them: those are banned as included); every block that joined it removes
/// the extrinsics it includes. Blocks imported off the best chain touch nothing, so a side
/// fork's transactions stay in the pool until a best block includes them.
fn follow_best(client: &Client, pool: &Pool, previous: Hash, best: &BlockImported) {
    let number = *best.header.number();
    if *best.header.parent_hash() == previous {
        pool.on_block_imported(best.hash, number, &best.extrinsic_hashes);
        return;
    }
    let db = client.db();
    let Some(route) = route(
        |hash| db.header(hash).ok().flatten(),
        previous,
        &best.header,
    ) else {
        tracing::debug!(target: "txpool", ?previous, best = ?best.hash, "Best chain switch not followed");
        pool.on_block_imported(best.hash, number, &best.extrinsic_hashes);
        return;
    };
    let body = |hash: &Hash| db.body(hash).ok().flatten().unwrap_or_default();
    let mut resubmit = Vec::new();
    for hash in &route.retracted {
        pool.on_block_retracted(*hash);
        resubmit.extend(body(hash).iter().map(wcme_txpool::encode_extrinsic));
    }
    for (hash, number) in &route.enacted {
        let hashes: Vec<Hash> = if *hash == best.hash {
            best.extrinsic_hashes.clone()
        } else {
            body(hash).iter().map(wcme_txpool::extrinsic_hash).collect()
        };
        pool.on_block_imported(*hash, *number, &hashes);
    }
    let mut back = 0usize;
    for tx in resubmit {
        // Inherents and the transactions the new chain includes are refused: that is expected.
        if pool
            .submit(best.hash, TransactionSource::InBlock, tx)
            .is_ok()
        {
            back += 1;
        }
    }
    tracing::debug!(
        target: "txpool",
        retracted = route.retracted.len(),
        enacted = route.enacted.len(),
        resubmitted = back,
        "Followed a best-chain switch"
    );
}

/// Keeps the pool in step with the chain until the channels close or shutdown is signalled.
pub(crate) async fn maintain(
    client: Arc<Client>,
    pool: Arc<Pool>,
    metrics: Option<crate::Metrics>,
    mut shutdown: wcme_module::Shutdown,
) {
    let mut imported = client.subscribe_imported();
    let mut finalized = client.subscribe_finalized();
    let mut best = client.info().best.1;
    loop {
        // Biased: a block's import notification is sent before its finality one, so imports are
        // drained first and the pool never hears of finality for a block it has not seen.
        tokio::select! {
            biased;
            _ = shutdown.wait() => break,
            block = imported.recv() => match block {
                Ok(block) if block.is_new_best => {
                    let previous = std::mem::replace(&mut best, block.hash);
                    let (client, pool) = (client.clone(), pool.clone());
                    // Re-validation runs the runtime: keep it off the async threads.
                    let _ = tokio::task::spawn_blocking(move || {
                        follow_best(&client, &pool, previous, &block);
                    })
                    .await;
                },
                Ok(_) => {},
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(target: "txpool", missed, "Pool maintenance fell behind");
                },
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            header = finalized.recv() => match header {
                Ok(block) => pool.on_block_finalized(block.hash),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {},
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
        }
        if let Some(metrics) = &metrics {
            let status = pool.status();
            metrics.set_txpool(status.ready, status.future);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A header at `number` on branch `branch` whose parent is `parent`.
    fn header(number: BlockNumber, parent: Hash, branch: u8) -> Header {
        Header::new(
            number,
            Hash::repeat_byte(branch),
            Hash::repeat_byte(number as u8),
            parent,
            Default::default(),
        )
    }

    #[test]
    fn routes_go_through_the_common_ancestor() {
        let genesis = header(0, Hash::zero(), 0);
        let a1 = header(1, genesis.hash(), 1);
        let a2 = header(2, a1.hash(), 1);
        let b1 = header(1, genesis.hash(), 2);
        let b2 = header(2, b1.hash(), 2);
        let b3 = header(3, b2.hash(), 2);
        let headers: HashMap<Hash, Header> = [&genesis, &a1, &a2, &b1, &b2, &b3]
            .into_iter()
            .map(|h| (h.hash(), h.clone()))
            .collect();
        let lookup = |hash: &Hash| headers.get(hash).cloned();

        let switch = route(lookup, a2.hash(), &b3).expect("route");
        assert_eq!(switch.retracted, vec![a2.hash(), a1.hash()]);
        assert_eq!(
            switch.enacted,
            vec![(b1.hash(), 1), (b2.hash(), 2), (b3.hash(), 3)]
        );

        let extend = route(lookup, b2.hash(), &b3).expect("route");
        assert!(extend.retracted.is_empty());
        assert_eq!(extend.enacted, vec![(b3.hash(), 3)]);

        // A header the database lacks ends the walk.
        let orphan = header(5, Hash::repeat_byte(9), 3);
        assert_eq!(route(lookup, a2.hash(), &orphan), None);
    }
}
