//! The transaction pool wired to the chain: validation through the runtime, maintenance after
//! every imported and finalized block.

use std::sync::Arc;

use sp_runtime::transaction_validity::{TransactionSource, TransactionValidity};
use wcme_executor::ExecutorError;
use wcme_primitives::Hash;
use wcme_txpool::{TxPool, TxValidator, ValidatorError};

use crate::client::Client;

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

/// Keeps the pool in step with the chain until the channels close or shutdown is signalled.
pub(crate) async fn maintain(
    client: Arc<Client>,
    pool: Arc<Pool>,
    metrics: Option<crate::Metrics>,
    mut shutdown: wcme_module::Shutdown,
) {
    let mut imported = client.subscribe_imported();
    let mut finalized = client.subscribe_finalized();
    loop {
        // Biased: a block's import notification is sent before its finality one, so imports are
        // drained first and the pool never hears of finality for a block it has not seen.
        tokio::select! {
            biased;
            _ = shutdown.wait() => break,
            block = imported.recv() => match block {
                Ok(block) => {
                    let pool = pool.clone();
                    let number = *sp_runtime::traits::Header::number(&block.header);
                    // Re-validation runs the runtime: keep it off the async threads.
                    let report = tokio::task::spawn_blocking(move || {
                        pool.on_block_imported(block.hash, number, &block.extrinsic_hashes)
                    })
                    .await;
                    if let Ok(report) = report {
                        tracing::debug!(target: "txpool", ?report, "Pool maintained");
                    }
                },
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
