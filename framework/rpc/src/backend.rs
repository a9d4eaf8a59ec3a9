//! What the RPC server needs from a node: the boundary trait the service implements and tests
//! replace with a double.

use sp_core::H256;
use sp_runtime::transaction_validity::{InvalidTransaction, UnknownTransaction};
use sp_version::RuntimeVersion;
use tokio::sync::{broadcast, mpsc};
use wcme_primitives::{AccountId, BlockNumber, Header, Nonce, SignedBlock, TransactionStatus};

/// A failure of the node behind the RPC server.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The block hash is not known to this node.
    #[error("unknown block {0:?}")]
    UnknownBlock(H256),
    /// Executing the runtime failed (unknown method, trap, bad input).
    #[error("runtime call failed: {0}")]
    Execution(String),
    /// Reading the database failed.
    #[error("storage error: {0}")]
    Storage(String),
}

/// Why an extrinsic was not accepted into the pool. Each maps to Substrate's `author_*` error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// The bytes do not decode as an extrinsic (1001).
    #[error("extrinsic has invalid format: {0}")]
    BadFormat(String),
    /// The runtime says the transaction is invalid (1010).
    #[error("invalid transaction: {0:?}")]
    Invalid(InvalidTransaction),
    /// The runtime cannot tell whether it is valid (1011).
    #[error("unknown transaction validity: {0:?}")]
    UnknownValidity(UnknownTransaction),
    /// The transaction was banned recently (1012).
    #[error("transaction is temporarily banned")]
    TemporarilyBanned,
    /// The same transaction is already in the pool (1013).
    #[error("transaction already imported")]
    AlreadyImported,
    /// A transaction with the same tags and higher priority is in the pool (1014).
    #[error("priority is too low: ({old} vs {new})")]
    TooLowPriority {
        /// Priority of the transaction already in the pool.
        old: u64,
        /// Priority of the submitted one.
        new: u64,
    },
    /// The pool is full and the transaction would be dropped at once (1016).
    #[error("immediately dropped: the pool is full")]
    ImmediatelyDropped,
    /// Something else failed inside the node (1000).
    #[error("internal error: {0}")]
    Internal(String),
}

/// What `system_health` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// Connected peers.
    pub peers: usize,
    /// Whether the node is still catching up.
    pub is_syncing: bool,
    /// Whether the node is expected to have peers (false for `--dev`).
    pub should_have_peers: bool,
}

/// One connected peer, as `system_peers` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// libp2p peer id.
    pub peer_id: String,
    /// Role: `"FULL"` or `"AUTHORITY"`.
    pub roles: String,
    /// The peer's best block hash.
    pub best_hash: H256,
    /// The peer's best block number.
    pub best_number: BlockNumber,
}

/// Static facts about the node and its chain.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemInfo {
    /// Implementation name (`system_name`).
    pub impl_name: String,
    /// Implementation version (`system_version`).
    pub impl_version: String,
    /// Chain name from the chain spec (`system_chain`).
    pub chain_name: String,
    /// `Development`, `Local`, `Live` or a custom name (`system_chainType`).
    pub chain_type: String,
    /// Chain spec properties (`system_properties`), e.g. `tokenSymbol`.
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// A block that became part of the node's chain.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedBlock {
    /// Its hash.
    pub hash: H256,
    /// Its header.
    pub header: Header,
    /// Whether it is the new best block.
    pub is_new_best: bool,
}

/// The node as the RPC server sees it. Methods are blocking; the server calls the slow ones
/// (runtime calls, storage reads) off its async threads.
pub trait NodeBackend: Send + Sync + 'static {
    /// Static facts about node and chain.
    fn system_info(&self) -> SystemInfo;
    /// Peer count and sync state.
    fn health(&self) -> Health;
    /// Connected peers.
    fn peers(&self) -> Vec<PeerInfo>;

    /// Hash of the genesis block.
    fn genesis_hash(&self) -> H256;
    /// Hash of the best block.
    fn best_hash(&self) -> H256;
    /// Hash of the last finalized block.
    fn finalized_hash(&self) -> H256;
    /// Hash of the canonical block at `number`, if there is one.
    fn block_hash(&self, number: BlockNumber) -> Result<Option<H256>, BackendError>;
    /// Header of a block.
    fn header(&self, hash: H256) -> Result<Option<Header>, BackendError>;
    /// A block with its justifications.
    fn block(&self, hash: H256) -> Result<Option<SignedBlock>, BackendError>;

    /// The value at `key` in the state after block `at`.
    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError>;
    /// The trie nodes that prove the values at `keys` (or their absence) in the state after
    /// block `at` against its state root: Substrate's `StorageProof`, in no particular order.
    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, BackendError>;
    /// Up to `count` keys starting with `prefix`, strictly after `start_key` when given, in order.
    fn storage_keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        count: u32,
        start_key: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, BackendError>;
    /// Calls a runtime API function (`Core_version`, `Metadata_metadata`, …) on the state after
    /// block `at`, without writing anything.
    fn call(&self, at: H256, method: &str, data: &[u8]) -> Result<Vec<u8>, BackendError>;
    /// The runtime version in force after block `at`.
    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, BackendError>;

    /// Validates an extrinsic against the best block and puts it into the pool.
    fn submit_extrinsic(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError>;
    /// Like `submit_extrinsic`, and streams its status until a final one.
    fn submit_and_watch_extrinsic(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError>;
    /// Extrinsics waiting in the pool.
    fn pending_extrinsics(&self) -> Vec<Vec<u8>>;
    /// The next nonce for `account`: on-chain nonce plus its ready transactions in the pool.
    fn account_next_index(&self, account: &AccountId) -> Result<Nonce, BackendError>;

    /// Every block imported from now on.
    fn subscribe_imported(&self) -> broadcast::Receiver<ImportedBlock>;
    /// Every block finalized from now on.
    fn subscribe_finalized(&self) -> broadcast::Receiver<Header>;
}
