//! Block authoring: at every slot this node owns, build a block from the pool, seal and import it.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use sp_runtime::{
    Digest,
    traits::Header as _,
    transaction_validity::{InvalidTransaction, TransactionValidityError},
};
use wcme_consensus::ConsensusError;
use wcme_executor::BuildLimits;

use crate::{
    client::{BlockImported, Client, ImportError},
    pool::Pool,
};

/// Most pool transactions tried in one block; the runtime's block weight usually stops earlier.
const MAX_BLOCK_TRANSACTIONS: usize = 50_000;

/// Authors a block in every slot the engine lets this node claim, until shutdown.
pub(crate) async fn run(
    client: Arc<Client>,
    pool: Arc<Pool>,
    proposal_time: Duration,
    mut shutdown: wcme_module::Shutdown,
) {
    let engine = client.engine().clone();
    let mut last_slot = None;
    loop {
        let now = client.clock().now_millis();
        let next_slot = engine.slot_at(now).saturating_add(1);
        let wait = engine.slot_timestamp(next_slot).saturating_sub(now);
        tokio::select! {
            _ = shutdown.wait() => break,
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {},
        }
        let slot = engine.slot_at(client.clock().now_millis());
        if last_slot.is_some_and(|last| slot <= last) {
            continue;
        }
        last_slot = Some(slot);
        let (client, pool) = (client.clone(), pool.clone());
        let outcome =
            tokio::task::spawn_blocking(move || author(&client, &pool, slot, proposal_time)).await;
        match outcome {
            Ok(Ok(_)) => {}
            // A miner that found no nonce in its slot tries again in the next one.
            Ok(Err(ImportError::Consensus(ConsensusError::NoProofOfWork { .. }))) => {
                tracing::debug!(target: "authoring", slot, "No proof of work found in this slot");
            }
            Ok(Err(error)) => {
                tracing::warn!(target: "authoring", slot, %error, "Failed to author a block");
            }
            Err(error) => tracing::error!(target: "authoring", %error, "Authoring task failed"),
        }
    }
}

/// Builds, seals and imports one block on the best block in `slot`. `Ok(None)` when the slot is
/// not this node's.
pub(crate) fn author(
    client: &Client,
    pool: &Pool,
    slot: u64,
    proposal_time: Duration,
) -> Result<Option<BlockImported>, ImportError> {
    let started = Instant::now();
    let engine = client.engine();
    let parent = client.best_header()?;
    if engine.authors_on_final_only() && parent.hash() != client.info().finalized.1 {
        tracing::debug!(target: "authoring", slot, "Best block not final yet: not proposing");
        return Ok(None);
    }
    let Some(claim) = engine.claim_slot(&parent, slot) else {
        return Ok(None);
    };
    let inherent_data = client.inherent_data(engine.slot_timestamp(slot));
    let transactions = pool
        .ready()
        .into_iter()
        .map(|tx| (tx.hash, tx.bytes.to_vec()));
    let built = client.executor().build_block(
        &parent,
        &inherent_data,
        Digest {
            logs: claim.pre_digest,
        },
        transactions,
        BuildLimits {
            max_transactions: MAX_BLOCK_TRANSACTIONS,
            deadline: started + proposal_time,
        },
    )?;
    let invalid: Vec<_> = built
        .rejected
        .iter()
        .filter(|(_, error)| is_invalid_for_good(error))
        .map(|(hash, _)| *hash)
        .collect();
    if !invalid.is_empty() {
        tracing::debug!(target: "authoring", rejected = invalid.len(), "Dropping invalid transactions");
        pool.remove_invalid(&invalid);
    }
    let header = built.block.header.clone();
    let pre_hash = header.hash();
    tracing::info!(
        target: "authoring",
        "🎁 Prepared block for proposing at {} ({} ms) [hash: {:?}; parent_hash: {:?}; extrinsics ({})]",
        header.number(),
        started.elapsed().as_millis(),
        pre_hash,
        header.parent_hash(),
        built.block.extrinsics.len(),
    );
    let sealed = engine.seal(header)?;
    client.import_own(built, sealed).map(Some)
}

/// Whether a transaction the runtime refused while building a block is invalid for good. One
/// that is only early for this parent (`Future`: a predecessor is missing, e.g. in a block that
/// just left the best chain), too big for what is left of this block, or of unknown validity,
/// stays in the pool for a later block, as Substrate's block authorship keeps it.
fn is_invalid_for_good(error: &TransactionValidityError) -> bool {
    !matches!(
        error,
        TransactionValidityError::Invalid(
            InvalidTransaction::Future | InvalidTransaction::ExhaustsResources
        ) | TransactionValidityError::Unknown(_)
    )
}
