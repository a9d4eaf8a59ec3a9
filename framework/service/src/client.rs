//! The chain client: genesis, block import (verify → execute → commit → notify) and the
//! notifications other modules follow.

use std::{sync::Arc, time::Instant};

use parking_lot::Mutex;
use sp_inherents::InherentData;
use sp_runtime::{
    Justifications,
    traits::{Block as _, Header as _},
};
use tokio::sync::broadcast;
use wcme_consensus::{Clock, ConsensusEngine, ConsensusError};
use wcme_executor::{BuiltBlock, Executor, ExecutorError, GenesisSource};
use wcme_module::EventBus;
use wcme_primitives::{Block, BlockNumber, Hash, Header};
use wcme_storage::{BlockCommit, ChainDb, ChainInfo, StorageError};

use crate::metrics::Metrics;

/// Capacity of the block event channels; a subscriber further behind misses blocks (and is
/// told so by the channel) instead of slowing import down.
pub const BLOCK_EVENT_CAPACITY: usize = 256;

/// Where a block comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockOrigin {
    /// Authored by this node.
    Own,
    /// Read from an export file.
    File,
    /// Received from a peer.
    Network,
}

/// A block became part of the chain.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockImported {
    /// Its hash.
    pub hash: Hash,
    /// Its header.
    pub header: Header,
    /// Whether it is the new best block.
    pub is_new_best: bool,
    /// Hashes (blake2-256 of the encoded bytes) of its extrinsics.
    pub extrinsic_hashes: Vec<Hash>,
    /// Where it came from.
    pub origin: BlockOrigin,
}

/// A block became final (published on the event bus after its [`BlockImported`]).
#[derive(Clone, Debug, PartialEq)]
pub struct BlockFinalized {
    /// Its hash.
    pub hash: Hash,
    /// Its header.
    pub header: Header,
}

/// Why a block was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The block is already stored.
    #[error("block #{0} ({1:?}) is already in the chain")]
    AlreadyKnown(BlockNumber, Hash),
    /// The block came with a justification that does not prove it final.
    #[error("block {0:?} came with an invalid justification")]
    BadJustification(Hash),
    /// The parent is not stored.
    #[error("parent {parent:?} of block #{number} is unknown")]
    UnknownParent {
        /// The missing parent.
        parent: Hash,
        /// The block's number.
        number: BlockNumber,
    },
    /// The block's number does not follow its parent's.
    #[error("block #{number} does not follow its parent #{parent_number}")]
    BadNumber {
        /// The block's number.
        number: BlockNumber,
        /// The parent's number.
        parent_number: BlockNumber,
    },
    /// Seal or slot are invalid.
    #[error("consensus check failed: {0}")]
    Consensus(#[from] ConsensusError),
    /// Execution failed or disagrees with the header.
    #[error("execution failed: {0}")]
    Execution(#[from] ExecutorError),
    /// Writing failed.
    #[error("storage failed: {0}")]
    Storage(#[from] StorageError),
}

/// Why the chain could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    /// Building the genesis state failed.
    #[error("cannot build genesis: {0}")]
    Build(#[from] ExecutorError),
    /// Reading or writing the database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The chain's consensus engine cannot run on it.
    #[error(transparent)]
    Engine(#[from] crate::consensus::EngineError),
}

/// The chain: database, executor and consensus engine behind one import path.
pub struct Client {
    db: Arc<ChainDb>,
    executor: Executor,
    engine: Arc<dyn ConsensusEngine>,
    clock: Arc<dyn Clock>,
    import_lock: Mutex<()>,
    events: EventBus,
    metrics: Option<Metrics>,
}

impl Client {
    /// A client over an opened database. Writes genesis from `genesis` if the database is
    /// empty; refuses a database that holds another chain. `engine` builds the consensus engine
    /// once genesis is stored (an engine may read the runtime there). Block events go to
    /// `events`.
    pub fn new(
        executor: Executor,
        engine: impl FnOnce(
            &Executor,
            &Hash,
        ) -> Result<Arc<dyn ConsensusEngine>, crate::consensus::EngineError>,
        clock: Arc<dyn Clock>,
        genesis: &GenesisSource,
        metrics: Option<Metrics>,
        events: EventBus,
    ) -> Result<Self, GenesisError> {
        let db = executor.db().clone();
        let state = executor.build_genesis(genesis)?;
        let expected = state.header.hash();
        match db.info() {
            None => {
                db.commit_genesis(state.header, state.trie_nodes)?;
                tracing::info!(target: "wcme", "🔨 Initialized genesis block {expected:?}");
            }
            Some(info) if info.genesis != expected => {
                return Err(StorageError::GenesisMismatch {
                    found: info.genesis,
                    expected,
                }
                .into());
            }
            Some(_) => {}
        }
        let engine = engine(&executor, &expected)?;
        events.register::<BlockImported>(BLOCK_EVENT_CAPACITY);
        events.register::<BlockFinalized>(BLOCK_EVENT_CAPACITY);
        let client = Self {
            db,
            executor,
            engine,
            clock,
            import_lock: Mutex::new(()),
            events,
            metrics,
        };
        client.report_heights();
        Ok(client)
    }

    /// Genesis, best and finalized block.
    pub fn info(&self) -> ChainInfo {
        // `new` stored genesis, so info is always present.
        self.db.info().unwrap_or(ChainInfo {
            genesis: Hash::zero(),
            best: (0, Hash::zero()),
            finalized: (0, Hash::zero()),
        })
    }

    /// The chain database.
    pub fn db(&self) -> &Arc<ChainDb> {
        &self.db
    }

    /// The runtime executor.
    pub fn executor(&self) -> &Executor {
        &self.executor
    }

    /// The consensus engine.
    pub fn engine(&self) -> &Arc<dyn ConsensusEngine> {
        &self.engine
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Follows every imported block (the [`BlockImported`] events of the bus).
    pub fn subscribe_imported(&self) -> broadcast::Receiver<BlockImported> {
        self.events.subscribe()
    }

    /// Follows every finalized block (the [`BlockFinalized`] events of the bus).
    pub fn subscribe_finalized(&self) -> broadcast::Receiver<BlockFinalized> {
        self.events.subscribe()
    }

    /// The header of the best block.
    pub fn best_header(&self) -> Result<Header, StorageError> {
        let best = self.info().best.1;
        self.db
            .header(&best)?
            .ok_or(StorageError::UnknownBlock(best))
    }

    /// Verifies, executes and stores a block from a file or a peer.
    pub fn import_block(
        &self,
        block: Block,
        justifications: Option<Justifications>,
        origin: BlockOrigin,
    ) -> Result<BlockImported, ImportError> {
        let started = Instant::now();
        let _guard = self.import_lock.lock();
        let header = block.header().clone();
        let hash = header.hash();
        let number = *header.number();
        if self.db.header(&hash)?.is_some() {
            return Err(ImportError::AlreadyKnown(number, hash));
        }
        let parent = self
            .db
            .header(header.parent_hash())?
            .ok_or(ImportError::UnknownParent {
                parent: *header.parent_hash(),
                number,
            })?;
        if parent.number().checked_add(1) != Some(number) {
            return Err(ImportError::BadNumber {
                number,
                parent_number: *parent.number(),
            });
        }
        let verified = self
            .engine
            .verify(&header, &parent, self.clock.now_millis())?;
        let (_, extrinsics) = block.deconstruct();
        let pre_block = Block::new(verified.pre_header, extrinsics);
        let executed = self
            .executor
            .execute_block(&pre_block, &self.inherent_data(self.clock.now_millis()))?;
        let (_, extrinsics) = pre_block.deconstruct();
        let imported = self.commit(
            header,
            extrinsics,
            executed.trie_nodes,
            justifications,
            origin,
        )?;
        self.observe_import(started, origin);
        Ok(imported)
    }

    /// Stores a block this node built (already executed) after sealing its header.
    pub fn import_own(
        &self,
        built: BuiltBlock,
        sealed: Header,
    ) -> Result<BlockImported, ImportError> {
        let started = Instant::now();
        let _guard = self.import_lock.lock();
        let (_, extrinsics) = built.block.deconstruct();
        let imported = self.commit(sealed, extrinsics, built.trie_nodes, None, BlockOrigin::Own)?;
        self.observe_import(started, BlockOrigin::Own);
        Ok(imported)
    }

    /// Inherent data for a block authored or checked at `now_millis`.
    pub fn inherent_data(&self, now_millis: u64) -> InherentData {
        let mut data = InherentData::new();
        // Putting a fresh identifier into an empty set cannot fail.
        let _ = data.put_data(sp_timestamp::INHERENT_IDENTIFIER, &now_millis);
        data
    }

    fn commit(
        &self,
        header: Header,
        extrinsics: Vec<wcme_primitives::Extrinsic>,
        trie_nodes: wcme_storage::TrieTransaction,
        justifications: Option<Justifications>,
        origin: BlockOrigin,
    ) -> Result<BlockImported, ImportError> {
        let info = self.info();
        let hash = header.hash();
        let number = *header.number();
        let wins = number > info.best.0
            || (number == info.best.0
                && number > info.finalized.0
                && self
                    .db
                    .header(&info.best.1)?
                    .is_some_and(|best| self.engine.prefers_at_same_height(&header, &best)));
        let set_best = wins && self.descends_from_finalized(&header, &info)?;
        let finalize = set_best && self.engine.instant_finality();
        let extrinsic_hashes = extrinsics.iter().map(wcme_txpool::extrinsic_hash).collect();
        self.db.commit_block(BlockCommit {
            header: header.clone(),
            body: extrinsics,
            justifications,
            trie_nodes,
            set_best,
            finalize,
        })?;
        if set_best {
            tracing::info!(target: "wcme", "✨ Imported #{number} ({hash:?})");
        } else {
            tracing::debug!(target: "wcme", "Imported non-best block #{number} ({hash:?})");
        }
        let imported = BlockImported {
            hash,
            header: header.clone(),
            is_new_best: set_best,
            extrinsic_hashes,
            origin,
        };
        self.events.publish(imported.clone());
        if finalize {
            self.events.publish(BlockFinalized { hash, header });
        }
        if set_best && let Some(depth) = self.engine.finality_depth() {
            self.finalize_at_depth(number, depth);
        }
        self.report_heights();
        Ok(imported)
    }

    /// Whether `header`'s chain contains the finalized block (fork choice never leaves it).
    fn descends_from_finalized(
        &self,
        header: &Header,
        info: &ChainInfo,
    ) -> Result<bool, StorageError> {
        if *header.parent_hash() == info.best.1 {
            return Ok(true);
        }
        self.db.descends_from(header, info.finalized)
    }

    fn observe_import(&self, started: Instant, origin: BlockOrigin) {
        if let Some(metrics) = &self.metrics {
            metrics.observe_import(started.elapsed(), origin);
        }
    }

    /// Marks block `hash` (and so its ancestors) final, storing `justifications`. Finality
    /// never goes back: a block at or below the finalized height is refused. A block proven
    /// final off the best chain (the fork choice preferred a sibling the voters did not)
    /// becomes the best block first: finality overrides the fork choice.
    pub fn finalize(
        &self,
        hash: &Hash,
        justifications: Option<Justifications>,
    ) -> Result<(), StorageError> {
        let _guard = self.import_lock.lock();
        let header = self
            .db
            .header(hash)?
            .ok_or(StorageError::UnknownBlock(*hash))?;
        if self.db.canonical_hash(*header.number())? != Some(*hash) {
            self.db.set_best(hash)?;
            tracing::info!(target: "wcme", "♻️  Reorganised to final block #{} ({hash:?})", header.number());
            // Announced as a new best block, as any best-chain switch: the pool puts the
            // abandoned blocks' transactions back and drops this one's, subscribers see the
            // new head.
            let extrinsic_hashes = self
                .db
                .body(hash)?
                .unwrap_or_default()
                .iter()
                .map(wcme_txpool::extrinsic_hash)
                .collect();
            self.events.publish(BlockImported {
                hash: *hash,
                header: header.clone(),
                is_new_best: true,
                extrinsic_hashes,
                origin: BlockOrigin::Network,
            });
            self.report_heights();
        }
        self.finalize_locked(hash, justifications)
    }

    /// [`finalize`](Self::finalize) with the import lock held.
    fn finalize_locked(
        &self,
        hash: &Hash,
        justifications: Option<Justifications>,
    ) -> Result<(), StorageError> {
        let header = self
            .db
            .header(hash)?
            .ok_or(StorageError::UnknownBlock(*hash))?;
        self.db.finalize(hash, justifications)?;
        tracing::info!(target: "wcme", "🔒 Finalized #{} ({hash:?})", header.number());
        self.events.publish(BlockFinalized {
            hash: *hash,
            header,
        });
        self.report_heights();
        Ok(())
    }

    /// Probabilistic finality (proof of work): the best chain's block `depth` below the new best
    /// block `best` becomes final. Called with the import lock held.
    fn finalize_at_depth(&self, best: BlockNumber, depth: u32) {
        let Some(target) = best.checked_sub(depth) else {
            return;
        };
        if target <= self.info().finalized.0 {
            return;
        }
        let finalized = match self.db.canonical_hash(target) {
            Ok(Some(hash)) => self.finalize_locked(&hash, None),
            Ok(None) => Err(StorageError::Inconsistent(format!(
                "no canonical block #{target} below best #{best}"
            ))),
            Err(error) => Err(error),
        };
        if let Err(error) = finalized {
            tracing::warn!(target: "wcme", target, %error, "Cannot finalize at depth");
        }
    }

    fn report_heights(&self) {
        if let Some(metrics) = &self.metrics {
            let info = self.info();
            metrics.set_heights(info.best.0, info.finalized.0);
        }
    }
}
