//! The node as the RPC server sees it: `wcme_rpc::NodeBackend` over the client and the pool.

use std::sync::Arc;

use codec::Encode;
use sp_core::H256;
use sp_runtime::{
    generic::SignedBlock,
    transaction_validity::{InvalidTransaction, TransactionSource},
};
use sp_state_machine::{Backend as _, IterArgs};
use sp_version::RuntimeVersion;
use tokio::sync::{broadcast, mpsc};
use wcme_primitives::{AccountId, Block, BlockNumber, Header, Nonce, TransactionStatus};
use wcme_rpc::{
    BackendError, Health, ImportedBlock, NodeBackend, PeerInfo, SubmitError, SystemInfo,
};
use wcme_txpool::{PoolError, ValidatorError};

use crate::{client::Client, pool::Pool};

/// Capacity of the RPC's copy of the import notifications.
const RPC_NOTIFICATION_CAPACITY: usize = 256;

/// `NodeBackend` for a running node.
pub(crate) struct RpcBackend {
    client: Arc<Client>,
    pool: Arc<Pool>,
    system: SystemInfo,
    should_have_peers: bool,
    network: Option<Arc<crate::network::NetworkStatus>>,
    imported: broadcast::Sender<ImportedBlock>,
    finalized: broadcast::Sender<Header>,
}

impl RpcBackend {
    /// A backend over `client` and `pool`; forwards import notifications until shutdown.
    /// The state after block `at`.
    fn state_at(&self, at: H256) -> Result<wcme_storage::StateBackend, BackendError> {
        self.client
            .db()
            .state_at_block(&at)
            .map_err(|error| match error {
                wcme_storage::StorageError::UnknownBlock(hash) => BackendError::UnknownBlock(hash),
                other => storage_error(other),
            })
    }

    pub(crate) fn new(
        client: Arc<Client>,
        pool: Arc<Pool>,
        system: SystemInfo,
        should_have_peers: bool,
        network: Option<Arc<crate::network::NetworkStatus>>,
        runtime: &tokio::runtime::Handle,
    ) -> Arc<Self> {
        let (imported, _) = broadcast::channel(RPC_NOTIFICATION_CAPACITY);
        let (finalized, _) = broadcast::channel(RPC_NOTIFICATION_CAPACITY);
        runtime.spawn(forward(
            client.subscribe_imported(),
            imported.clone(),
            |block| ImportedBlock {
                hash: block.hash,
                header: block.header,
                is_new_best: block.is_new_best,
            },
        ));
        runtime.spawn(forward(
            client.subscribe_finalized(),
            finalized.clone(),
            |block| block.header,
        ));
        Arc::new(Self {
            client,
            pool,
            system,
            should_have_peers,
            network,
            imported,
            finalized,
        })
    }

    fn submit_error(error: PoolError) -> SubmitError {
        match error {
            PoolError::Invalid(invalid) => SubmitError::Invalid(invalid),
            PoolError::UnknownValidity(unknown) => SubmitError::UnknownValidity(unknown),
            PoolError::AlreadyImported => SubmitError::AlreadyImported,
            PoolError::TemporarilyBanned => SubmitError::TemporarilyBanned,
            PoolError::TooLowPriority { old, new } => SubmitError::TooLowPriority { old, new },
            PoolError::ImmediatelyDropped => SubmitError::ImmediatelyDropped,
            // FRAME gives every signed transaction a tag; one without is unusable.
            PoolError::NoTagsProvided => SubmitError::Invalid(InvalidTransaction::Call),
            PoolError::Validator(ValidatorError::Undecodable(message)) => {
                SubmitError::BadFormat(message)
            }
            PoolError::Validator(error) => SubmitError::Internal(error.to_string()),
        }
    }

    /// Hands an accepted transaction (pool hash `hash`) to the network for gossip, if
    /// networking runs.
    fn propagate(&self, hash: H256, extrinsic: Vec<u8>) {
        if let Some(network) = &self.network {
            network.propagate_transaction(hash, extrinsic);
        }
    }

    /// Checks the bytes decode as an extrinsic before they reach the runtime.
    fn well_formed(extrinsic: &[u8]) -> Result<(), SubmitError> {
        let decoded = wcme_primitives::Extrinsic::try_from_encoded_extrinsic(extrinsic)
            .map_err(|e| SubmitError::BadFormat(e.to_string()))?;
        if decoded.encode().len() != extrinsic.len() {
            return Err(SubmitError::BadFormat(
                "trailing bytes after the extrinsic".into(),
            ));
        }
        Ok(())
    }
}

/// Re-publishes the node's block events in the RPC server's own types until the bus closes.
async fn forward<E: Clone, R: Clone>(
    mut source: broadcast::Receiver<E>,
    sink: broadcast::Sender<R>,
    map: impl Fn(E) -> R,
) {
    loop {
        match source.recv().await {
            // Nobody listening is fine.
            Ok(event) => drop(sink.send(map(event))),
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => break,
        }
    }
}

/// A peer's role as `system_peers` reports it, in Substrate's words. A peer that has not
/// identified itself yet (or announced no role we know) is reported as a full node.
fn roles_name(role: Option<wcme_network::Role>) -> &'static str {
    match role {
        Some(wcme_network::Role::Authority) => "AUTHORITY",
        Some(wcme_network::Role::Full) | None => "FULL",
    }
}

fn storage_error(error: impl std::fmt::Display) -> BackendError {
    BackendError::Storage(error.to_string())
}

fn execution_error(error: wcme_executor::ExecutorError) -> BackendError {
    match error {
        wcme_executor::ExecutorError::Storage(wcme_storage::StorageError::UnknownBlock(hash)) => {
            BackendError::UnknownBlock(hash)
        }
        other => BackendError::Execution(other.to_string()),
    }
}

impl NodeBackend for RpcBackend {
    fn system_info(&self) -> SystemInfo {
        self.system.clone()
    }

    fn health(&self) -> Health {
        Health {
            peers: self.network.as_ref().map_or(0, |n| n.peer_count()),
            is_syncing: self.network.as_ref().is_some_and(|n| n.is_syncing()),
            should_have_peers: self.should_have_peers,
        }
    }

    fn peers(&self) -> Vec<PeerInfo> {
        let Some(network) = &self.network else {
            return Vec::new();
        };
        let genesis = self.client.info().genesis;
        network
            .peers()
            .into_iter()
            .map(|peer| {
                let (best_number, best_hash) = peer.best.unwrap_or((0, genesis));
                PeerInfo {
                    peer_id: peer.peer_id.to_string(),
                    roles: roles_name(peer.role).into(),
                    best_hash,
                    best_number,
                }
            })
            .collect()
    }

    fn genesis_hash(&self) -> H256 {
        self.client.info().genesis
    }

    fn best_hash(&self) -> H256 {
        self.client.info().best.1
    }

    fn finalized_hash(&self) -> H256 {
        self.client.info().finalized.1
    }

    fn block_hash(&self, number: BlockNumber) -> Result<Option<H256>, BackendError> {
        self.client
            .db()
            .canonical_hash(number)
            .map_err(storage_error)
    }

    fn header(&self, hash: H256) -> Result<Option<Header>, BackendError> {
        self.client.db().header(&hash).map_err(storage_error)
    }

    fn block(&self, hash: H256) -> Result<Option<wcme_primitives::SignedBlock>, BackendError> {
        let db = self.client.db();
        let Some(header) = db.header(&hash).map_err(storage_error)? else {
            return Ok(None);
        };
        let body = db.body(&hash).map_err(storage_error)?.unwrap_or_default();
        let justifications = db.justifications(&hash).map_err(storage_error)?;
        Ok(Some(SignedBlock {
            block: Block {
                header,
                extrinsics: body,
            },
            justifications,
        }))
    }

    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        self.client
            .executor()
            .storage(&at, key)
            .map_err(execution_error)
    }

    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, BackendError> {
        let state = self.state_at(at)?;
        let proof = sp_state_machine::prove_read(state, keys)
            .map_err(|error| BackendError::Storage(format!("proving a read: {error}")))?;
        Ok(proof.into_iter_nodes().collect())
    }

    fn storage_keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        count: u32,
        start_key: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, BackendError> {
        let state = self.state_at(at)?;
        let mut args = IterArgs::default();
        args.prefix = Some(prefix);
        args.start_at = start_key;
        args.start_at_exclusive = true;
        let keys = state.keys(args).map_err(storage_error)?;
        let mut out = Vec::new();
        for key in keys {
            if out.len() >= count as usize {
                break;
            }
            out.push(key.map_err(storage_error)?);
        }
        Ok(out)
    }

    fn call(&self, at: H256, method: &str, data: &[u8]) -> Result<Vec<u8>, BackendError> {
        self.client
            .executor()
            .call_at(&at, method, data)
            .map_err(execution_error)
    }

    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, BackendError> {
        self.client
            .executor()
            .runtime_version(&at)
            .map_err(execution_error)
    }

    fn submit_extrinsic(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError> {
        Self::well_formed(&extrinsic)?;
        let best = self.best_hash();
        let hash = self
            .pool
            .submit(best, TransactionSource::External, extrinsic.clone())
            .map_err(Self::submit_error)?;
        self.propagate(hash, extrinsic);
        Ok(hash)
    }

    fn submit_and_watch_extrinsic(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError> {
        Self::well_formed(&extrinsic)?;
        let best = self.best_hash();
        let watched = self
            .pool
            .submit_and_watch(best, TransactionSource::External, extrinsic.clone())
            .map_err(Self::submit_error)?;
        self.propagate(watched.0, extrinsic);
        Ok(watched)
    }

    fn pending_extrinsics(&self) -> Vec<Vec<u8>> {
        self.pool.pending()
    }

    fn account_next_index(&self, account: &AccountId) -> Result<Nonce, BackendError> {
        let best = self.best_hash();
        let on_chain: Nonce = self
            .client
            .executor()
            .call_decoded(&best, "AccountNonceApi_account_nonce", &account.encode())
            .map_err(execution_error)?;
        // FRAME's `CheckNonce` provides the tag `(account, nonce)`.
        let next = self.pool.next_index(u64::from(on_chain), |nonce| {
            (account, Nonce::try_from(nonce).unwrap_or(Nonce::MAX)).encode()
        });
        Ok(Nonce::try_from(next).unwrap_or(Nonce::MAX))
    }

    fn subscribe_imported(&self) -> broadcast::Receiver<ImportedBlock> {
        self.imported.subscribe()
    }

    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_roles_read_as_in_substrate() {
        assert_eq!(roles_name(Some(wcme_network::Role::Authority)), "AUTHORITY");
        assert_eq!(roles_name(Some(wcme_network::Role::Full)), "FULL");
        assert_eq!(roles_name(None), "FULL");
    }
}
