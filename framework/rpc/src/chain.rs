//! `chain_*`: block hashes, headers, blocks, and subscriptions to new, all and finalized heads.

use std::sync::Arc;

use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::Value;
use sp_core::H256;
use wcme_primitives::{Header, SignedBlock};

use crate::backend::NodeBackend;
use crate::error::{ChainError, ParamError, RpcError};
use crate::params::{NumberOrHex, PositionalParams, number_or_hex};
use crate::subscription::{next_or_closed, reject, send_json};
use crate::task::blocking;

/// The hash of the canonical block `n`, `None` above the best block.
fn hash_of(n: NumberOrHex, backend: &dyn NodeBackend) -> Result<Option<H256>, ErrorObjectOwned> {
    let number = n.to_block_number().ok_or_else(|| {
        ChainError::Other(format!("`{n}` > u32::MAX, the max block number is u32."))
    })?;
    Ok(backend.block_hash(number).map_err(ChainError::from)?)
}

/// `chain_getBlockHash([n | [n, …]])`: best hash without a parameter, a hash (or `null`) for a
/// number, a list for a list.
fn block_hash(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Value, ErrorObjectOwned> {
    let invalid = |reason: String| ParamError::Invalid {
        index: 0,
        name: "blockNumber",
        reason,
    };
    match params.value(0) {
        None => Ok(serde_json::json!(backend.best_hash())),
        Some(Value::Array(items)) => {
            let mut hashes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let n = number_or_hex(item).map_err(|e| invalid(format!("item {i}: {e}")))?;
                hashes.push(hash_of(n, backend)?);
            }
            Ok(serde_json::json!(hashes))
        }
        Some(v) => {
            let n = number_or_hex(v).map_err(invalid)?;
            Ok(serde_json::json!(hash_of(n, backend)?))
        }
    }
}

fn header(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Option<Header>, ErrorObjectOwned> {
    let hash = params
        .hash_opt(0, "hash")?
        .unwrap_or_else(|| backend.best_hash());
    Ok(backend.header(hash).map_err(ChainError::from)?)
}

fn block(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Option<SignedBlock>, ErrorObjectOwned> {
    let hash = params
        .hash_opt(0, "hash")?
        .unwrap_or_else(|| backend.best_hash());
    Ok(backend.block(hash).map_err(ChainError::from)?)
}

/// Reads the header of the block `pick` chooses (best or finalized) off the async threads.
async fn current_header(
    backend: Arc<dyn NodeBackend>,
    pick: fn(&dyn NodeBackend) -> H256,
) -> Result<(H256, Header), ChainError> {
    let read = blocking(move || {
        let hash = pick(backend.as_ref());
        backend.header(hash).map(|h| h.map(|h| (hash, h)))
    });
    match read.await {
        Ok(Ok(Some(found))) => Ok(found),
        Ok(Ok(None)) => Err(ChainError::Other(
            "header of the current head is missing".into(),
        )),
        Ok(Err(e)) => Err(ChainError::Client(e)),
        Err(e) => Err(ChainError::Internal(e)),
    }
}

/// `chain_subscribeNewHeads`: the best header now, then every new best header.
async fn new_heads(pending: PendingSubscriptionSink, backend: Arc<dyn NodeBackend>) {
    let mut imported = backend.subscribe_imported();
    let (mut last, header) = match current_header(backend, |b| b.best_hash()).await {
        Ok(found) => found,
        Err(e) => return reject(pending, e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if !send_json(&sink, &header).await {
        return;
    }
    while let Some(block) = next_or_closed(&sink, &mut imported).await {
        if block.is_new_best && block.hash != last {
            last = block.hash;
            if !send_json(&sink, &block.header).await {
                return;
            }
        }
    }
}

/// `chain_subscribeAllHeads`: every imported header, best or not.
async fn all_heads(pending: PendingSubscriptionSink, backend: Arc<dyn NodeBackend>) {
    let mut imported = backend.subscribe_imported();
    let Ok(sink) = pending.accept().await else {
        return;
    };
    while let Some(block) = next_or_closed(&sink, &mut imported).await {
        if !send_json(&sink, &block.header).await {
            return;
        }
    }
}

/// `chain_subscribeFinalizedHeads`: the finalized header now, then every newly finalized one.
async fn finalized_heads(pending: PendingSubscriptionSink, backend: Arc<dyn NodeBackend>) {
    let mut finalized = backend.subscribe_finalized();
    let (mut last, header) = match current_header(backend, |b| b.finalized_hash()).await {
        Ok(found) => found,
        Err(e) => return reject(pending, e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if !send_json(&sink, &header).await {
        return;
    }
    while let Some(header) = next_or_closed(&sink, &mut finalized).await {
        let hash = header.hash();
        if hash != last {
            last = hash;
            if !send_json(&sink, &header).await {
                return;
            }
        }
    }
}

/// The `chain_*` methods with Substrate's aliases.
pub(crate) fn module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut m = RpcModule::new(backend);

    m.register_blocking_method("chain_getBlockHash", |params, b, _| {
        block_hash(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    m.register_alias("chain_getHead", "chain_getBlockHash")?;
    m.register_blocking_method("chain_getHeader", |params, b, _| {
        header(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    m.register_blocking_method("chain_getBlock", |params, b, _| {
        block(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    m.register_blocking_method("chain_getFinalizedHead", |_, b, _| {
        Ok::<_, ErrorObjectOwned>(b.finalized_hash())
    })?;
    m.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;

    m.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, b, _| new_heads(pending, b.as_ref().clone()),
    )?;
    m.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    m.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    m.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    m.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;

    m.register_subscription(
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        |_, pending, b, _| all_heads(pending, b.as_ref().clone()),
    )?;

    m.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, b, _| finalized_heads(pending, b.as_ref().clone()),
    )?;
    m.register_alias(
        "chain_subscribeFinalisedHeads",
        "chain_subscribeFinalizedHeads",
    )?;
    m.register_alias(
        "chain_unsubscribeFinalisedHeads",
        "chain_unsubscribeFinalizedHeads",
    )?;

    Ok(m.remove_context())
}
