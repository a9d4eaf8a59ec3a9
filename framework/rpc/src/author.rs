//! `author_*`: submitting extrinsics, watching their status, listing the pool.

use std::sync::Arc;

use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::{Value, json};
use sp_core::{Bytes, H256};
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use wcme_primitives::TransactionStatus;

use crate::backend::NodeBackend;
use crate::error::{AuthorError, RpcError};
use crate::params::PositionalParams;
use crate::subscription::{reject, send_json};
use crate::task::blocking;

/// A status as Substrate's `TransactionStatus` serializes it: `"ready"`, `{"inBlock": hash}`, …
pub fn status_json(status: &TransactionStatus) -> Value {
    match status {
        TransactionStatus::Future => json!("future"),
        TransactionStatus::Ready => json!("ready"),
        TransactionStatus::InBlock(h) => json!({ "inBlock": h }),
        TransactionStatus::Retracted(h) => json!({ "retracted": h }),
        TransactionStatus::Finalized(h) => json!({ "finalized": h }),
        TransactionStatus::Usurped(h) => json!({ "usurped": h }),
        TransactionStatus::Dropped => json!("dropped"),
        TransactionStatus::Invalid => json!("invalid"),
    }
}

fn submit(params: &PositionalParams, backend: &dyn NodeBackend) -> Result<H256, ErrorObjectOwned> {
    let extrinsic = params.bytes(0, "extrinsic")?;
    let hash = BlakeTwo256::hash(&extrinsic);
    let result = backend.submit_extrinsic(extrinsic);
    match &result {
        Ok(h) => tracing::debug!(target: "rpc", hash = ?h, "extrinsic submitted"),
        Err(e) => tracing::debug!(target: "rpc", hash = ?hash, error = %e, "extrinsic refused"),
    }
    Ok(result.map_err(|source| AuthorError::Submit { source, hash })?)
}

/// `author_submitAndWatchExtrinsic`: submits, then forwards each status until a final one (or
/// until the pool stops reporting), then ends the subscription.
async fn watch(
    params: Params<'static>,
    pending: PendingSubscriptionSink,
    backend: Arc<dyn NodeBackend>,
) {
    let extrinsic = match PositionalParams::new(&params).and_then(|p| p.bytes(0, "extrinsic")) {
        Ok(extrinsic) => extrinsic,
        Err(e) => return reject(pending, e).await,
    };
    let hash = BlakeTwo256::hash(&extrinsic);
    let mut statuses = match blocking(move || backend.submit_and_watch_extrinsic(extrinsic)).await {
        Ok(Ok((_, statuses))) => statuses,
        Ok(Err(source)) => return reject(pending, AuthorError::Submit { source, hash }).await,
        Err(e) => return reject(pending, AuthorError::Internal(e)).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    loop {
        let status = tokio::select! {
            _ = sink.closed() => return,
            status = statuses.recv() => status,
        };
        let Some(status) = status else {
            tracing::debug!(target: "rpc", hash = ?hash, "pool stopped reporting the extrinsic's status");
            return;
        };
        if !send_json(&sink, &status_json(&status)).await || status.is_final() {
            return;
        }
    }
}

/// The `author_*` methods.
pub(crate) fn module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut m = RpcModule::new(backend);

    m.register_blocking_method("author_submitExtrinsic", |params, b, _| {
        submit(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    m.register_blocking_method("author_pendingExtrinsics", |_, b, _| {
        b.pending_extrinsics()
            .into_iter()
            .map(Bytes)
            .collect::<Vec<_>>()
    })?;
    m.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |params, pending, b, _| watch(params, pending, b.as_ref().clone()),
    )?;

    Ok(m.remove_context())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_serialize_like_substrate() {
        let h = H256::repeat_byte(0xab);
        let hex = format!("0x{}", "ab".repeat(32));
        assert_eq!(status_json(&TransactionStatus::Future), json!("future"));
        assert_eq!(status_json(&TransactionStatus::Ready), json!("ready"));
        assert_eq!(
            status_json(&TransactionStatus::InBlock(h)),
            json!({ "inBlock": hex })
        );
        assert_eq!(
            status_json(&TransactionStatus::Retracted(h)),
            json!({ "retracted": hex })
        );
        assert_eq!(
            status_json(&TransactionStatus::Finalized(h)),
            json!({ "finalized": hex })
        );
        assert_eq!(
            status_json(&TransactionStatus::Usurped(h)),
            json!({ "usurped": hex })
        );
        assert_eq!(status_json(&TransactionStatus::Dropped), json!("dropped"));
        assert_eq!(status_json(&TransactionStatus::Invalid), json!("invalid"));
    }
}
