//! Plumbing shared by the subscriptions: sending JSON and following the node's broadcasts.

use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink};
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};

/// Sends `item` as the next notification; `false` once the client is gone (or `item` does not
/// serialize, which is logged).
pub(crate) async fn send_json<T: Serialize>(sink: &SubscriptionSink, item: &T) -> bool {
    let raw = match serde_json::value::to_raw_value(item) {
        Ok(raw) => raw,
        Err(e) => {
            tracing::error!(
                target: "rpc",
                method = sink.method_name(),
                error = %e,
                "cannot serialize a subscription notification",
            );
            return false;
        }
    };
    sink.send(raw).await.is_ok()
}

/// The next broadcast item, or `None` when the client unsubscribed, disconnected or the node
/// closed the broadcast. Items missed because this subscriber lagged are skipped (and logged):
/// every subscription here only needs the latest state.
pub(crate) async fn next_or_closed<T: Clone>(
    sink: &SubscriptionSink,
    rx: &mut broadcast::Receiver<T>,
) -> Option<T> {
    loop {
        tokio::select! {
            _ = sink.closed() => return None,
            received = rx.recv() => match received {
                Ok(item) => return Some(item),
                Err(RecvError::Lagged(skipped)) => {
                    tracing::debug!(
                        target: "rpc",
                        method = sink.method_name(),
                        skipped,
                        "subscription lagged behind the node's notifications",
                    );
                }
                Err(RecvError::Closed) => return None,
            },
        }
    }
}

/// Rejects a subscription with `err`, logging why.
pub(crate) async fn reject(pending: PendingSubscriptionSink, err: impl Into<ErrorObjectOwned>) {
    let err = err.into();
    tracing::debug!(
        target: "rpc",
        method = pending.method_name(),
        code = err.code(),
        message = err.message(),
        "subscription rejected",
    );
    pending.reject(err).await;
}
