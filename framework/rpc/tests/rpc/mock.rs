//! A deterministic in-memory node behind the RPC server: a chain of blocks with per-block
//! storage, scripted pool answers, and broadcasts the test drives by hand.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use codec::{Compact, Decode, Encode};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};
use sp_runtime::{Digest, DigestItem, Justifications, OpaqueExtrinsic, generic};
use sp_version::RuntimeVersion;
use tokio::sync::{broadcast, mpsc};
use wcme_primitives::{
    AccountId, Block, BlockNumber, Header, Nonce, SignedBlock, TransactionStatus,
};
use wcme_rpc::{
    BackendError, Health, ImportedBlock, NodeBackend, PeerInfo, SubmitError, SystemInfo,
};

/// Well-known key present from genesis.
pub const KEY_A: &[u8] = b"key-a";
/// Second key present from genesis.
pub const KEY_B: &[u8] = b"key-b";
/// Metadata bytes `Metadata_metadata` wraps in an `OpaqueMetadata`.
pub const METADATA: &[u8] = b"meta\x0e\x01\x02";
/// An extrinsic the mock pool accepts; any bytes not scripted otherwise are accepted.
pub const GOOD_XT: &[u8] = &[0x10, 0xaa, 0xbb, 0xcc, 0xdd];

type Storage = BTreeMap<Vec<u8>, Vec<u8>>;

struct State {
    canonical: Vec<H256>,
    blocks: HashMap<H256, SignedBlock>,
    storage: HashMap<H256, Storage>,
    versions: HashMap<H256, RuntimeVersion>,
    finalized: H256,
    submit_errors: HashMap<Vec<u8>, SubmitError>,
    pool: Vec<Vec<u8>>,
    watchers: Vec<mpsc::Sender<TransactionStatus>>,
    nonces: HashMap<AccountId, Nonce>,
}

/// The mock node.
pub struct MockChain {
    state: Mutex<State>,
    imported: broadcast::Sender<ImportedBlock>,
    finalized: broadcast::Sender<Header>,
}

/// The runtime version of the genesis block.
pub fn version(spec_version: u32) -> RuntimeVersion {
    RuntimeVersion {
        spec_name: Cow::Borrowed("wcme"),
        impl_name: Cow::Borrowed("wcme-node"),
        authoring_version: 1,
        spec_version,
        impl_version: 1,
        apis: Cow::Owned(vec![([0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b], 5)]),
        transaction_version: 1,
        system_version: 1,
    }
}

fn make_block(
    parent: H256,
    number: BlockNumber,
    storage: &Storage,
    xts: Vec<Vec<u8>>,
) -> SignedBlock {
    let header = Header {
        parent_hash: parent,
        number,
        state_root: BlakeTwo256::hash(&storage.encode()),
        extrinsics_root: BlakeTwo256::hash(&xts.encode()),
        digest: Digest {
            logs: vec![DigestItem::PreRuntime(*b"aura", number.encode())],
        },
    };
    let extrinsics = xts
        .iter()
        .map(|x| OpaqueExtrinsic::try_from_encoded_extrinsic(x).expect("valid extrinsic"))
        .collect();
    let justifications =
        (number > 0).then(|| Justifications::from((*b"FRNK", vec![number as u8, 1, 2])));
    generic::SignedBlock {
        block: Block { header, extrinsics },
        justifications,
    }
}

/// `storage` as a Substrate trie in memory.
fn in_memory_trie(storage: Storage) -> sp_state_machine::InMemoryBackend<BlakeTwo256> {
    sp_state_machine::InMemoryBackend::from((storage, sp_core::storage::StateVersion::V1))
}

impl MockChain {
    /// A chain with only the genesis block, holding `KEY_A` and `KEY_B`.
    pub fn new() -> Arc<Self> {
        let mut storage = Storage::new();
        storage.insert(KEY_A.to_vec(), vec![1, 2, 3]);
        storage.insert(KEY_B.to_vec(), vec![4; 10]);
        for i in 0..5u8 {
            storage.insert([b"prefix-".as_slice(), &[i]].concat(), vec![i; 3]);
        }
        let genesis = make_block(H256::zero(), 0, &storage, vec![]);
        let hash = genesis.block.header.hash();
        let (imported, _) = broadcast::channel(64);
        let (finalized, _) = broadcast::channel(64);
        Arc::new(Self {
            state: Mutex::new(State {
                canonical: vec![hash],
                blocks: HashMap::from([(hash, genesis)]),
                storage: HashMap::from([(hash, storage)]),
                versions: HashMap::from([(hash, version(100))]),
                finalized: hash,
                submit_errors: HashMap::new(),
                pool: Vec::new(),
                watchers: Vec::new(),
                nonces: HashMap::new(),
            }),
            imported,
            finalized,
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Imports a block on top of the best one, with these storage changes (`None` deletes) and
    /// optionally a new runtime version; announces it as new best.
    pub fn import(&self, changes: &[(&[u8], Option<&[u8]>)], new_version: Option<u32>) -> H256 {
        let imported = {
            let mut s = self.state();
            let parent = *s.canonical.last().unwrap_or(&H256::zero());
            let mut storage = s.storage.get(&parent).cloned().unwrap_or_default();
            for (k, v) in changes {
                match v {
                    Some(v) => storage.insert(k.to_vec(), v.to_vec()),
                    None => storage.remove(*k),
                };
            }
            let number = s.canonical.len() as BlockNumber;
            let block = make_block(parent, number, &storage, vec![GOOD_XT.to_vec()]);
            let hash = block.block.header.hash();
            let header = block.block.header.clone();
            let version = match new_version {
                Some(v) => version(v),
                None => s
                    .versions
                    .get(&parent)
                    .cloned()
                    .unwrap_or_else(|| version(100)),
            };
            s.canonical.push(hash);
            s.blocks.insert(hash, block);
            s.storage.insert(hash, storage);
            s.versions.insert(hash, version);
            ImportedBlock {
                hash,
                header,
                is_new_best: true,
            }
        };
        let hash = imported.hash;
        let _ = self.imported.send(imported);
        hash
    }

    /// Announces a block that is not the new best (a fork), for `chain_subscribeAllHeads`.
    pub fn import_fork(&self) -> H256 {
        let imported = {
            let mut s = self.state();
            let parent = s.canonical[0];
            let storage = s.storage.get(&parent).cloned().unwrap_or_default();
            let mut block = make_block(parent, 1, &storage, vec![vec![0x04, 0xff]]);
            block
                .block
                .header
                .digest
                .logs
                .push(DigestItem::Other(vec![0xf0]));
            let hash = block.block.header.hash();
            let header = block.block.header.clone();
            s.blocks.insert(hash, block);
            s.storage.insert(hash, storage);
            s.versions.insert(hash, version(100));
            ImportedBlock {
                hash,
                header,
                is_new_best: false,
            }
        };
        let hash = imported.hash;
        let _ = self.imported.send(imported);
        hash
    }

    /// Finalizes the canonical block `number` and announces it.
    pub fn finalize(&self, number: usize) -> H256 {
        let header = {
            let mut s = self.state();
            let hash = s.canonical[number];
            s.finalized = hash;
            s.blocks[&hash].block.header.clone()
        };
        let hash = header.hash();
        let _ = self.finalized.send(header);
        hash
    }

    /// Hash of the best block.
    pub fn best(&self) -> H256 {
        *self.state().canonical.last().unwrap_or(&H256::zero())
    }

    /// Number of the best block.
    pub fn best_number(&self) -> usize {
        self.state().canonical.len() - 1
    }

    /// Canonical hash of `number`.
    pub fn hash(&self, number: usize) -> H256 {
        self.state().canonical[number]
    }

    /// The root of block `hash`'s storage as a Substrate trie (state version 1): what
    /// `state_getReadProof` proofs are checked against.
    pub fn trie_root(&self, hash: H256) -> H256 {
        let backend = in_memory_trie(self.state().storage.get(&hash).cloned().unwrap_or_default());
        *backend.root()
    }

    /// Header of a block.
    pub fn header_of(&self, hash: H256) -> Header {
        self.state().blocks[&hash].block.header.clone()
    }

    /// Makes the pool refuse `xt` with `err`.
    pub fn refuse(&self, xt: &[u8], err: SubmitError) {
        self.state().submit_errors.insert(xt.to_vec(), err);
    }

    /// The status sender of the latest `submit_and_watch_extrinsic`.
    pub fn last_watcher(&self) -> Option<mpsc::Sender<TransactionStatus>> {
        self.state().watchers.last().cloned()
    }

    /// Sets an account's next index.
    pub fn set_nonce(&self, account: AccountId, nonce: Nonce) {
        self.state().nonces.insert(account, nonce);
    }

    fn check_known(&self, at: H256) -> Result<(), BackendError> {
        if self.state().blocks.contains_key(&at) {
            Ok(())
        } else {
            Err(BackendError::UnknownBlock(at))
        }
    }

    fn accept(&self, extrinsic: &[u8]) -> Result<H256, SubmitError> {
        let mut s = self.state();
        if let Some(err) = s.submit_errors.get(extrinsic) {
            return Err(err.clone());
        }
        if OpaqueExtrinsic::decode(&mut &extrinsic[..]).is_err() {
            return Err(SubmitError::BadFormat("cannot decode the extrinsic".into()));
        }
        s.pool.push(extrinsic.to_vec());
        Ok(BlakeTwo256::hash(extrinsic))
    }
}

impl NodeBackend for MockChain {
    fn system_info(&self) -> SystemInfo {
        let mut properties = serde_json::Map::new();
        properties.insert("tokenSymbol".into(), "WCME".into());
        properties.insert("tokenDecimals".into(), 12.into());
        properties.insert("ss58Format".into(), 42.into());
        SystemInfo {
            impl_name: "WCME Node".into(),
            impl_version: "0.1.0-test".into(),
            chain_name: "Development".into(),
            chain_type: "Development".into(),
            properties,
        }
    }

    fn health(&self) -> Health {
        Health {
            peers: 2,
            is_syncing: false,
            should_have_peers: true,
        }
    }

    fn peers(&self) -> Vec<PeerInfo> {
        vec![PeerInfo {
            peer_id: "12D3KooWTestPeer".into(),
            roles: "FULL".into(),
            best_hash: H256::repeat_byte(0x11),
            best_number: 7,
        }]
    }

    fn genesis_hash(&self) -> H256 {
        self.state().canonical[0]
    }

    fn best_hash(&self) -> H256 {
        *self.state().canonical.last().unwrap_or(&H256::zero())
    }

    fn finalized_hash(&self) -> H256 {
        self.state().finalized
    }

    fn block_hash(&self, number: BlockNumber) -> Result<Option<H256>, BackendError> {
        Ok(self.state().canonical.get(number as usize).copied())
    }

    fn header(&self, hash: H256) -> Result<Option<Header>, BackendError> {
        Ok(self
            .state()
            .blocks
            .get(&hash)
            .map(|b| b.block.header.clone()))
    }

    fn block(&self, hash: H256) -> Result<Option<SignedBlock>, BackendError> {
        Ok(self.state().blocks.get(&hash).cloned())
    }

    fn storage(&self, at: H256, key: &[u8]) -> Result<Option<Vec<u8>>, BackendError> {
        self.check_known(at)?;
        Ok(self
            .state()
            .storage
            .get(&at)
            .and_then(|s| s.get(key).cloned()))
    }

    fn read_proof(&self, at: H256, keys: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, BackendError> {
        self.check_known(at)?;
        let storage = self.state().storage.get(&at).cloned().unwrap_or_default();
        let proof = sp_state_machine::prove_read(in_memory_trie(storage), keys)
            .map_err(|error| BackendError::Storage(error.to_string()))?;
        Ok(proof.into_iter_nodes().collect())
    }

    fn storage_keys_paged(
        &self,
        at: H256,
        prefix: &[u8],
        count: u32,
        start_key: Option<&[u8]>,
    ) -> Result<Vec<Vec<u8>>, BackendError> {
        self.check_known(at)?;
        let s = self.state();
        let Some(storage) = s.storage.get(&at) else {
            return Ok(vec![]);
        };
        Ok(storage
            .keys()
            .filter(|k| k.starts_with(prefix))
            .filter(|k| start_key.is_none_or(|start| k.as_slice() > start))
            .take(count as usize)
            .cloned()
            .collect())
    }

    fn call(&self, at: H256, method: &str, data: &[u8]) -> Result<Vec<u8>, BackendError> {
        self.check_known(at)?;
        match method {
            "Metadata_metadata" => Ok(METADATA.to_vec().encode()),
            "Core_version" => Ok(self.runtime_version(at)?.encode()),
            "TransactionPaymentApi_query_info" => {
                let (xt, len) = <(OpaqueExtrinsic, u32)>::decode(&mut &data[..])
                    .map_err(|e| BackendError::Execution(format!("bad input: {e}")))?;
                let ref_time = 1_000_000u64 + xt.encode().len() as u64;
                let fee = 1_000u128 * u128::from(len);
                Ok((Compact(ref_time), Compact(4_096u64), 0u8, fee).encode())
            }
            "TransactionPaymentApi_query_fee_details" => {
                let inclusion: Option<(u128, u128, u128)> = Some((1, 2, u128::from(u64::MAX) + 1));
                Ok((inclusion, 0u128).encode())
            }
            "Echo" => Ok(data.to_vec()),
            other => Err(BackendError::Execution(format!(
                "unknown runtime API {other}"
            ))),
        }
    }

    fn runtime_version(&self, at: H256) -> Result<RuntimeVersion, BackendError> {
        self.state()
            .versions
            .get(&at)
            .cloned()
            .ok_or(BackendError::UnknownBlock(at))
    }

    fn submit_extrinsic(&self, extrinsic: Vec<u8>) -> Result<H256, SubmitError> {
        self.accept(&extrinsic)
    }

    fn submit_and_watch_extrinsic(
        &self,
        extrinsic: Vec<u8>,
    ) -> Result<(H256, mpsc::Receiver<TransactionStatus>), SubmitError> {
        let hash = self.accept(&extrinsic)?;
        let (tx, rx) = mpsc::channel(16);
        let _ = tx.try_send(TransactionStatus::Ready);
        self.state().watchers.push(tx);
        Ok((hash, rx))
    }

    fn pending_extrinsics(&self) -> Vec<Vec<u8>> {
        self.state().pool.clone()
    }

    fn account_next_index(&self, account: &AccountId) -> Result<Nonce, BackendError> {
        Ok(self.state().nonces.get(account).copied().unwrap_or(0))
    }

    fn subscribe_imported(&self) -> broadcast::Receiver<ImportedBlock> {
        self.imported.subscribe()
    }

    fn subscribe_finalized(&self) -> broadcast::Receiver<Header> {
        self.finalized.subscribe()
    }
}
