//! Running blocking backend calls (storage reads, runtime execution) off the async threads.

/// Runs `f` on tokio's blocking pool and waits for it; `Err` carries the panic or cancellation
/// message when the task did not finish.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!(target: "rpc", error = %e, "blocking RPC task failed");
        format!("blocking task failed: {e}")
    })
}
