//! `state_*`: storage reads, runtime calls, metadata, runtime version, and subscriptions to
//! storage changes and runtime upgrades.

use std::sync::Arc;
use std::time::{Duration, Instant};

use codec::Decode;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde::Serialize;
use sp_core::{Bytes, H256};
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use sp_version::RuntimeVersion;

use crate::backend::{BackendError, NodeBackend};
use crate::error::{RpcError, StateError};
use crate::params::PositionalParams;
use crate::subscription::{next_or_closed, reject, send_json};
use crate::task::blocking;

/// Most keys `state_getKeysPaged` returns at once (Substrate's limit).
pub const MAX_KEYS_PAGED: u32 = 1000;
/// Most keys `state_queryStorageAt`, `state_queryStorage` and `state_subscribeStorage` accept.
pub const MAX_QUERY_KEYS: u32 = 1000;
/// Most keys `state_getKeys` returns; use `state_getKeysPaged` beyond.
pub const MAX_KEYS_UNPAGED: u32 = 100_000;
/// Most blocks `state_queryStorage` walks.
pub const MAX_QUERY_RANGE: u32 = 10_000;
/// How long a storage walk (`state_getStorageSize` of a prefix, `state_getKeys`) may take.
const MAX_WALK_TIME: Duration = Duration::from_secs(30);

/// `{"block": hash, "changes": [[key, value | null], …]}` as Substrate's `StorageChangeSet`.
#[derive(Debug, Clone, Serialize)]
struct ChangeSet {
    block: H256,
    changes: Vec<(Bytes, Option<Bytes>)>,
}

/// `{"at": hash, "proof": [node, …]}` as Substrate's `ReadProof`.
#[derive(Debug, Clone, Serialize)]
struct ReadProof {
    at: H256,
    proof: Vec<Bytes>,
}

fn at_or_best(
    params: &PositionalParams,
    index: usize,
    backend: &dyn NodeBackend,
) -> Result<H256, ErrorObjectOwned> {
    Ok(params
        .hash_opt(index, "at")?
        .unwrap_or_else(|| backend.best_hash()))
}

fn check_key_count(keys: &[Vec<u8>]) -> Result<(), StateError> {
    if keys.len() > MAX_QUERY_KEYS as usize {
        return Err(StateError::InvalidCount {
            value: keys.len() as u64,
            max: MAX_QUERY_KEYS,
        });
    }
    Ok(())
}

fn read_values(
    backend: &dyn NodeBackend,
    at: H256,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>, BackendError> {
    keys.iter().map(|k| backend.storage(at, k)).collect()
}

fn call(params: &PositionalParams, backend: &dyn NodeBackend) -> Result<Bytes, ErrorObjectOwned> {
    let method = params.string(0, "name")?;
    let data = params.bytes(1, "bytes")?;
    let at = at_or_best(params, 2, backend)?;
    Ok(Bytes(
        backend.call(at, &method, &data).map_err(StateError::from)?,
    ))
}

fn storage(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Option<Bytes>, ErrorObjectOwned> {
    let key = params.bytes(0, "key")?;
    let at = at_or_best(params, 1, backend)?;
    Ok(backend
        .storage(at, &key)
        .map_err(StateError::from)?
        .map(Bytes))
}

fn storage_hash(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Option<H256>, ErrorObjectOwned> {
    let key = params.bytes(0, "key")?;
    let at = at_or_best(params, 1, backend)?;
    let value = backend.storage(at, &key).map_err(StateError::from)?;
    Ok(value.map(|v| BlakeTwo256::hash(&v)))
}

/// Calls `visit` with every key under `prefix` at `at`, page by page, until it returns `false`,
/// the keys run out, or the walk takes longer than [`MAX_WALK_TIME`].
fn walk_keys(
    backend: &dyn NodeBackend,
    at: H256,
    prefix: &[u8],
    mut visit: impl FnMut(Vec<u8>) -> Result<bool, StateError>,
) -> Result<(), StateError> {
    let started = Instant::now();
    let mut start_key: Option<Vec<u8>> = None;
    loop {
        let page = backend.storage_keys_paged(at, prefix, MAX_KEYS_PAGED, start_key.as_deref())?;
        let full_page = page.len() == MAX_KEYS_PAGED as usize;
        start_key = page.last().cloned();
        for key in page {
            if !visit(key)? {
                return Ok(());
            }
        }
        if !full_page {
            return Ok(());
        }
        if started.elapsed() > MAX_WALK_TIME {
            return Err(StateError::TooExpensive(format!(
                "walking the keys under 0x{} took longer than {}s",
                hex::encode(prefix),
                MAX_WALK_TIME.as_secs()
            )));
        }
    }
}

/// The size of the value at `key`, or else the summed sizes of the values under the prefix
/// `key` (as Substrate does); `None` when there is nothing.
fn storage_size(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Option<u64>, ErrorObjectOwned> {
    let key = params.bytes(0, "key")?;
    let at = at_or_best(params, 1, backend)?;
    if let Some(value) = backend.storage(at, &key).map_err(StateError::from)? {
        return Ok(Some(value.len() as u64));
    }
    let mut sum: u64 = 0;
    walk_keys(backend, at, &key, |k| {
        let len = backend.storage(at, &k)?.map_or(0, |v| v.len() as u64);
        sum = sum.saturating_add(len);
        Ok(true)
    })?;
    Ok((sum > 0).then_some(sum))
}

fn keys_paged(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Vec<Bytes>, ErrorObjectOwned> {
    let prefix = params.bytes_opt(0, "prefix")?.unwrap_or_default();
    let count = params.u32(1, "count")?;
    let start_key = params.bytes_opt(2, "startKey")?;
    let at = at_or_best(params, 3, backend)?;
    if count > MAX_KEYS_PAGED {
        return Err(StateError::InvalidCount {
            value: count.into(),
            max: MAX_KEYS_PAGED,
        }
        .into());
    }
    let keys = backend
        .storage_keys_paged(at, &prefix, count, start_key.as_deref())
        .map_err(StateError::from)?;
    Ok(keys.into_iter().map(Bytes).collect())
}

fn keys(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Vec<Bytes>, ErrorObjectOwned> {
    let prefix = params.bytes(0, "prefix")?;
    let at = at_or_best(params, 1, backend)?;
    let mut keys = Vec::new();
    walk_keys(backend, at, &prefix, |k| {
        if keys.len() >= MAX_KEYS_UNPAGED as usize {
            return Err(StateError::TooExpensive(format!(
                "more than {MAX_KEYS_UNPAGED} keys under the prefix; use state_getKeysPaged"
            )));
        }
        keys.push(Bytes(k));
        Ok(true)
    })?;
    Ok(keys)
}

fn query_storage_at(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Vec<ChangeSet>, ErrorObjectOwned> {
    let keys = params.bytes_list(0, "keys")?;
    let at = at_or_best(params, 1, backend)?;
    check_key_count(&keys)?;
    if backend.header(at).map_err(StateError::from)?.is_none() {
        let details = format!("UnknownBlock: {at:?}");
        return Err(StateError::InvalidBlockRange {
            from: at,
            to: at,
            details,
        }
        .into());
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let values = read_values(backend, at, &keys).map_err(StateError::from)?;
    let changes = keys
        .into_iter()
        .map(Bytes)
        .zip(values.into_iter().map(|v| v.map(Bytes)))
        .collect();
    Ok(vec![ChangeSet { block: at, changes }])
}

/// `state_getReadProof(keys, at?)`: the trie nodes that prove the values of `keys` (or their
/// absence) against the state root of block `at`.
fn read_proof(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<ReadProof, ErrorObjectOwned> {
    let keys = params.bytes_list(0, "keys")?;
    let at = at_or_best(params, 1, backend)?;
    check_key_count(&keys)?;
    let proof = backend.read_proof(at, &keys).map_err(StateError::from)?;
    Ok(ReadProof {
        at,
        proof: proof.into_iter().map(Bytes).collect(),
    })
}

/// The canonical hashes from `from` to `to` (inclusive), by following parent hashes back.
fn block_range(backend: &dyn NodeBackend, from: H256, to: H256) -> Result<Vec<H256>, StateError> {
    let invalid = |details: String| StateError::InvalidBlockRange { from, to, details };
    let from_header = backend
        .header(from)?
        .ok_or_else(|| invalid(format!("UnknownBlock: {from:?}")))?;
    let to_header = backend
        .header(to)?
        .ok_or_else(|| invalid(format!("UnknownBlock: {to:?}")))?;
    if from_header.number > to_header.number {
        return Err(invalid("from number > to number".into()));
    }
    if to_header.number - from_header.number >= MAX_QUERY_RANGE {
        return Err(invalid(format!(
            "the range is longer than {MAX_QUERY_RANGE} blocks"
        )));
    }
    let mut hashes = vec![to];
    let mut current = to_header;
    while current.number > from_header.number {
        let parent = current.parent_hash;
        current = backend
            .header(parent)?
            .ok_or_else(|| invalid(format!("UnknownBlock: {parent:?}")))?;
        hashes.push(parent);
    }
    if hashes.last() != Some(&from) {
        return Err(invalid("from and to are on different forks".into()));
    }
    hashes.reverse();
    Ok(hashes)
}

/// `state_queryStorage(keys, from, to?)`: the values at `from`, then each change up to `to`.
fn query_storage(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Vec<ChangeSet>, ErrorObjectOwned> {
    let keys = params.bytes_list(0, "keys")?;
    let from = params.hash(1, "fromBlock")?;
    let to = at_or_best(params, 2, backend)?;
    check_key_count(&keys)?;
    let mut last: Vec<Option<Option<Vec<u8>>>> = vec![None; keys.len()];
    let mut sets = Vec::new();
    for block in block_range(backend, from, to)? {
        let values = read_values(backend, block, &keys).map_err(StateError::from)?;
        let changes = diff(&keys, &mut last, values);
        if !changes.is_empty() {
            sets.push(ChangeSet { block, changes });
        }
    }
    Ok(sets)
}

/// The keys whose value differs from `last` (all of them the first time), updating `last`.
fn diff(
    keys: &[Vec<u8>],
    last: &mut [Option<Option<Vec<u8>>>],
    values: Vec<Option<Vec<u8>>>,
) -> Vec<(Bytes, Option<Bytes>)> {
    let mut changes = Vec::new();
    for ((key, previous), value) in keys.iter().zip(last.iter_mut()).zip(values) {
        if previous.as_ref() != Some(&value) {
            changes.push((Bytes(key.clone()), value.clone().map(Bytes)));
            *previous = Some(value);
        }
    }
    changes
}

/// `state_getMetadata`: the bytes inside the SCALE `OpaqueMetadata` `Metadata_metadata` returns.
fn metadata(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Bytes, ErrorObjectOwned> {
    let at = at_or_best(params, 0, backend)?;
    let encoded = backend
        .call(at, "Metadata_metadata", &[])
        .map_err(StateError::from)?;
    let inner = Vec::<u8>::decode(&mut &encoded[..]).map_err(|e| StateError::Decode {
        method: "Metadata_metadata",
        reason: e.to_string(),
    })?;
    Ok(Bytes(inner))
}

fn runtime_version(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<RuntimeVersion, ErrorObjectOwned> {
    let at = at_or_best(params, 0, backend)?;
    Ok(backend.runtime_version(at).map_err(StateError::from)?)
}

/// `state_subscribeStorage(keys)`: the values of `keys` at the best block, then on every new
/// best block the keys whose value changed.
async fn subscribe_storage(
    params: Params<'static>,
    pending: PendingSubscriptionSink,
    backend: Arc<dyn NodeBackend>,
) {
    let keys = match PositionalParams::new(&params).and_then(|p| p.bytes_list_opt(0, "keys")) {
        Ok(Some(keys)) => keys,
        Ok(None) => return reject(pending, StateError::AllKeysUnsupported).await,
        Err(e) => return reject(pending, e).await,
    };
    if let Err(e) = check_key_count(&keys) {
        return reject(pending, e).await;
    }
    let keys = Arc::new(keys);
    let mut imported = backend.subscribe_imported();

    let (b, k) = (backend.clone(), keys.clone());
    let initial = blocking(move || {
        let best = b.best_hash();
        read_values(b.as_ref(), best, &k).map(|values| (best, values))
    });
    let (mut last_block, values) = match initial.await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return reject(pending, StateError::Client(e)).await,
        Err(e) => return reject(pending, StateError::Internal(e)).await,
    };
    let mut last = vec![None; keys.len()];
    let changes = diff(&keys, &mut last, values);

    let Ok(sink) = pending.accept().await else {
        return;
    };
    if !changes.is_empty()
        && !send_json(
            &sink,
            &ChangeSet {
                block: last_block,
                changes,
            },
        )
        .await
    {
        return;
    }
    while let Some(block) = next_or_closed(&sink, &mut imported).await {
        if !block.is_new_best || block.hash == last_block {
            continue;
        }
        last_block = block.hash;
        let (b, k, at) = (backend.clone(), keys.clone(), block.hash);
        let values = match blocking(move || read_values(b.as_ref(), at, &k)).await {
            Ok(Ok(values)) => values,
            Ok(Err(e)) => {
                tracing::debug!(target: "rpc", block = ?at, error = %e, "storage subscription skips a block");
                continue;
            }
            Err(_) => return,
        };
        let changes = diff(&keys, &mut last, values);
        if !changes.is_empty() && !send_json(&sink, &ChangeSet { block: at, changes }).await {
            return;
        }
    }
}

/// `state_subscribeRuntimeVersion`: the runtime version now, then each time a new best block
/// runs a different one.
async fn subscribe_runtime_version(
    pending: PendingSubscriptionSink,
    backend: Arc<dyn NodeBackend>,
) {
    let mut imported = backend.subscribe_imported();
    let b = backend.clone();
    let initial = blocking(move || b.runtime_version(b.best_hash()));
    let mut current = match initial.await {
        Ok(Ok(version)) => version,
        Ok(Err(e)) => return reject(pending, StateError::Client(e)).await,
        Err(e) => return reject(pending, StateError::Internal(e)).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if !send_json(&sink, &current).await {
        return;
    }
    while let Some(block) = next_or_closed(&sink, &mut imported).await {
        if !block.is_new_best {
            continue;
        }
        let (b, at) = (backend.clone(), block.hash);
        let version = match blocking(move || b.runtime_version(at)).await {
            Ok(Ok(version)) => version,
            Ok(Err(e)) => {
                tracing::debug!(target: "rpc", block = ?at, error = %e, "runtime version subscription skips a block");
                continue;
            }
            Err(_) => return,
        };
        if version != current {
            current = version;
            if !send_json(&sink, &current).await {
                return;
            }
        }
    }
}

/// Registers a blocking method taking positional params, plus its aliases.
fn register<T, F>(
    m: &mut RpcModule<Arc<dyn NodeBackend>>,
    name: &'static str,
    aliases: &[&'static str],
    f: F,
) -> Result<(), RpcError>
where
    T: Serialize + Clone + 'static,
    F: Fn(&PositionalParams, &dyn NodeBackend) -> Result<T, ErrorObjectOwned>
        + Clone
        + Send
        + Sync
        + 'static,
{
    m.register_blocking_method(name, move |params, b, _| {
        let params = PositionalParams::new(&params)?;
        f(&params, b.as_ref().as_ref())
    })?;
    for alias in aliases {
        m.register_alias(alias, name)?;
    }
    Ok(())
}

/// The `state_*` methods with Substrate's aliases.
pub(crate) fn module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut m = RpcModule::new(backend);

    register(&mut m, "state_call", &["state_callAt"], call)?;
    register(&mut m, "state_getStorage", &["state_getStorageAt"], storage)?;
    register(
        &mut m,
        "state_getStorageHash",
        &["state_getStorageHashAt"],
        storage_hash,
    )?;
    register(
        &mut m,
        "state_getStorageSize",
        &["state_getStorageSizeAt"],
        storage_size,
    )?;
    register(
        &mut m,
        "state_getKeysPaged",
        &["state_getKeysPagedAt"],
        keys_paged,
    )?;
    register(&mut m, "state_getKeys", &[], keys)?;
    register(&mut m, "state_getReadProof", &[], read_proof)?;
    register(&mut m, "state_queryStorageAt", &[], query_storage_at)?;
    register(&mut m, "state_queryStorage", &[], query_storage)?;
    register(&mut m, "state_getMetadata", &[], metadata)?;
    register(
        &mut m,
        "state_getRuntimeVersion",
        &["chain_getRuntimeVersion"],
        runtime_version,
    )?;

    m.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |params, pending, b, _| subscribe_storage(params, pending, b.as_ref().clone()),
    )?;
    m.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, b, _| subscribe_runtime_version(pending, b.as_ref().clone()),
    )?;
    m.register_alias(
        "chain_subscribeRuntimeVersion",
        "state_subscribeRuntimeVersion",
    )?;
    m.register_alias(
        "chain_unsubscribeRuntimeVersion",
        "state_unsubscribeRuntimeVersion",
    )?;

    Ok(m.remove_context())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_reports_everything_first_then_only_changes() {
        let keys = vec![vec![1], vec![2]];
        let mut last = vec![None; 2];
        let first = diff(&keys, &mut last, vec![Some(vec![9]), None]);
        assert_eq!(first.len(), 2);
        let none = diff(&keys, &mut last, vec![Some(vec![9]), None]);
        assert!(none.is_empty());
        let second = diff(&keys, &mut last, vec![Some(vec![9]), Some(vec![3])]);
        assert_eq!(second, vec![(Bytes(vec![2]), Some(Bytes(vec![3])))]);
    }
}
