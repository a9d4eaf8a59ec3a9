//! From a chain spec's `consensus` section to a running [`ConsensusEngine`].
//!
//! Engines that follow a runtime schedule (Proof-of-Credit) are built once genesis is in the
//! database: they read the slot length from the runtime and ask it, at each parent block, who
//! owns a slot ([`RuntimeSchedule`]).

use std::{sync::Arc, time::Duration};

use codec::Encode;
use sp_core::{Pair as _, sr25519};
use wcme_consensus::{
    ConsensusEngine, ConsensusError, DevEngine, EquivocationSink, PocEngine, SlotSchedule,
};
use wcme_consensus_primitives::poc::{Slot, SlotOwner};
use wcme_executor::{Executor, ExecutorError};
use wcme_primitives::{AccountId, Hash};

use crate::chain_spec::{ChainSpecError, ConsensusSpec, MIN_SLOT_DURATION_MS, dev_authority};

/// Why the chain's consensus engine cannot run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The spec's consensus settings are invalid.
    #[error(transparent)]
    ChainSpec(#[from] ChainSpecError),
    /// The authoring key does not match the chain's authority.
    #[error("the authoring key {key} is not the chain's authority {authority}")]
    NotAuthority {
        /// The key given.
        key: String,
        /// The chain's authority.
        authority: String,
    },
    /// The runtime cannot answer the engine's questions (it lacks the `PocApi`, or the
    /// call failed).
    #[error("the runtime does not support the {engine} engine: {source}")]
    Runtime {
        /// The engine.
        engine: &'static str,
        /// What the runtime call said.
        source: ExecutorError,
    },
    /// The runtime's slot length is shorter than block timestamps allow.
    #[error(
        "the runtime's slot duration of {0} ms is below the minimum of {MIN_SLOT_DURATION_MS} ms"
    )]
    SlotTooShort(u64),
}

/// The engine `consensus` names over the chain whose genesis is `genesis`, authoring with
/// whichever of `keys` the chain schedules and handing equivocation it sees to
/// `equivocations`. A dev chain given keys of which none is its authority is misconfigured and
/// refused.
pub fn engine_for(
    consensus: &ConsensusSpec,
    keys: &[sr25519::Pair],
    executor: &Executor,
    genesis: &Hash,
    equivocations: Arc<dyn EquivocationSink>,
) -> Result<Arc<dyn ConsensusEngine>, EngineError> {
    consensus.validate()?;
    match consensus {
        ConsensusSpec::Dev {
            authority,
            slot_duration_ms,
        } => {
            let authority = dev_authority(authority)?;
            let signer = keys.iter().find(|key| key.public() == authority).cloned();
            if let (None, Some(key)) = (&signer, keys.first()) {
                return Err(EngineError::NotAuthority {
                    key: format!("{:?}", key.public()),
                    authority: format!("{authority:?}"),
                });
            }
            Ok(Arc::new(DevEngine::new(
                authority,
                signer,
                Duration::from_millis(*slot_duration_ms),
            )))
        }
        ConsensusSpec::Poc {} => {
            let slot_duration_ms: u64 = executor
                .call_decoded(genesis, "PocApi_slot_duration_ms", &[])
                .map_err(|source| EngineError::Runtime {
                    engine: "poc",
                    source,
                })?;
            if slot_duration_ms < MIN_SLOT_DURATION_MS {
                return Err(EngineError::SlotTooShort(slot_duration_ms));
            }
            Ok(Arc::new(PocEngine::new(
                Arc::new(RuntimeSchedule {
                    executor: executor.clone(),
                }),
                keys.to_vec(),
                Duration::from_millis(slot_duration_ms),
                equivocations,
            )))
        }
    }
}

/// The runtime's `PocApi::slot_owner`, asked at the parent block.
pub struct RuntimeSchedule {
    executor: Executor,
}

impl SlotSchedule for RuntimeSchedule {
    fn slot_owner(
        &self,
        parent: &Hash,
        slot: Slot,
    ) -> Result<Option<SlotOwner<AccountId>>, ConsensusError> {
        self.executor
            .call_decoded(parent, "PocApi_slot_owner", &slot.encode())
            .map_err(|error| ConsensusError::Schedule {
                parent: *parent,
                reason: error.to_string(),
            })
    }
}
