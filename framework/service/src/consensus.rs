//! From a chain spec's `consensus` section to a running [`ConsensusEngine`].
//!
//! Engines that follow a runtime schedule (Proof-of-Credit, Aura, PBFT) are built once genesis
//! is in the database: they ask the runtime, at each parent block, who owns a slot
//! ([`RuntimeSchedule`] from the `Poc` pallet's rounds, [`ValidatorSchedule`] from a subchain's
//! validator set). A runtime that declares its engine (`ChainConfigApi_consensus_kind`, the
//! subchain runtime's chain-config pallet) must declare the spec's.

use std::{sync::Arc, time::Duration};

use codec::Encode;
use sp_core::{Pair as _, sr25519};
use wcme_consensus::{
    Clock, ConsensusEngine, ConsensusError, DevEngine, EquivocationSink, Flavour, PowEngine,
    PowParams, ScheduledEngine, SlotSchedule,
};
use wcme_consensus_primitives::{
    finality::validator_set_round,
    poc::{Slot, SlotOwner},
};
use wcme_executor::{Executor, ExecutorError};
use wcme_primitives::{AccountId, Hash};
use wcme_subchain_primitives::{C3nKey, ConsensusKind, ValidatorSetId};

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
    /// The runtime was built for another engine than the chain spec names.
    #[error("the chain spec runs the {spec} engine but the runtime's genesis declares {runtime}")]
    EngineMismatch {
        /// The spec's engine.
        spec: &'static str,
        /// The engine the runtime's chain config names.
        runtime: &'static str,
    },
    /// The runtime's slot length is shorter than block timestamps allow.
    #[error(
        "the runtime's slot duration of {0} ms is below the minimum of {MIN_SLOT_DURATION_MS} ms"
    )]
    SlotTooShort(u64),
}

/// What an engine is built from besides the spec: the node's keys, the runtime, and where it
/// hands equivocation it sees.
pub struct EngineContext<'a> {
    /// The node's authoring keys (none: the node follows without authoring).
    pub keys: &'a [sr25519::Pair],
    /// The runtime, at any block.
    pub executor: &'a Executor,
    /// The chain's genesis block.
    pub genesis: &'a Hash,
    /// Receives two headers sealed for one slot.
    pub equivocations: Arc<dyn EquivocationSink>,
    /// Time (the PoW engine mines until its slot is over).
    pub clock: Arc<dyn Clock>,
}

/// The engine `consensus` names, authoring with whichever of the context's keys the chain
/// schedules (on a PoW chain: mining when it has any key). A dev chain given keys of which none
/// is its authority is misconfigured and refused, as is a spec whose engine the runtime's
/// genesis does not declare.
pub fn engine_for(
    consensus: &ConsensusSpec,
    context: EngineContext<'_>,
) -> Result<Arc<dyn ConsensusEngine>, EngineError> {
    let EngineContext {
        keys,
        executor,
        genesis,
        equivocations,
        clock,
    } = context;
    consensus.validate()?;
    check_declared_engine(consensus, executor, genesis)?;
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
            Ok(Arc::new(ScheduledEngine::new(
                Flavour::POC,
                Arc::new(RuntimeSchedule {
                    executor: executor.clone(),
                }),
                keys.to_vec(),
                Duration::from_millis(slot_duration_ms),
                equivocations,
            )))
        }
        ConsensusSpec::Aura { slot_duration_ms } | ConsensusSpec::Pbft { slot_duration_ms } => {
            let flavour = if matches!(consensus, ConsensusSpec::Aura { .. }) {
                Flavour::AURA
            } else {
                Flavour::PBFT
            };
            Ok(Arc::new(ScheduledEngine::new(
                flavour,
                Arc::new(ValidatorSchedule {
                    executor: executor.clone(),
                }),
                keys.to_vec(),
                Duration::from_millis(*slot_duration_ms),
                equivocations,
            )))
        }
        ConsensusSpec::Pow {
            slot_duration_ms,
            target_slots,
            initial_difficulty,
            finality_depth,
        } => Ok(Arc::new(PowEngine::new(
            PowParams {
                slot_duration: Duration::from_millis(*slot_duration_ms),
                target_slots: *target_slots,
                initial_difficulty: u128::from(*initial_difficulty),
                finality_depth: *finality_depth,
            },
            !keys.is_empty(),
            clock,
        ))),
    }
}

/// Refuses a spec whose engine differs from the one the runtime's genesis declares. Runtimes
/// without a chain-config pallet (the main chain's) declare none; the dev engine is the
/// developer's single-key shortcut and runs on any runtime.
fn check_declared_engine(
    consensus: &ConsensusSpec,
    executor: &Executor,
    genesis: &Hash,
) -> Result<(), EngineError> {
    if matches!(consensus, ConsensusSpec::Dev { .. }) {
        return Ok(());
    }
    let Ok(declared) =
        executor.call_decoded::<ConsensusKind>(genesis, "ChainConfigApi_consensus_kind", &[])
    else {
        return Ok(());
    };
    if declared.name() == consensus.engine_name() {
        Ok(())
    } else {
        Err(EngineError::EngineMismatch {
            spec: consensus.engine_name(),
            runtime: declared.name(),
        })
    }
}

/// A subchain's validator set in turn: slot `s` belongs to validator `s mod n` of the set at the
/// parent block (`ValidatorSetApi`), whose id is the "round". Only sr25519 validators seal
/// blocks; a slot of a validator with another key type has no author.
pub struct ValidatorSchedule {
    executor: Executor,
}

impl SlotSchedule for ValidatorSchedule {
    fn slot_owner(
        &self,
        parent: &Hash,
        slot: Slot,
    ) -> Result<Option<SlotOwner<AccountId>>, ConsensusError> {
        let unreadable = |error: ExecutorError| ConsensusError::Schedule {
            parent: *parent,
            reason: error.to_string(),
        };
        let validators: Vec<C3nKey> = self
            .executor
            .call_decoded(parent, "ValidatorSetApi_validators", &[])
            .map_err(unreadable)?;
        let set_id: ValidatorSetId = self
            .executor
            .call_decoded(parent, "ValidatorSetApi_validator_set_id", &[])
            .map_err(unreadable)?;
        let Some(count) = u64::try_from(validators.len()).ok().filter(|n| *n > 0) else {
            return Ok(None);
        };
        let index = slot % count;
        let position = usize::try_from(index).unwrap_or(usize::MAX);
        let Some(packing_key) = validators.get(position).and_then(C3nKey::sr25519) else {
            return Ok(None);
        };
        Ok(Some(SlotOwner {
            round: validator_set_round(set_id),
            index: u32::try_from(index).unwrap_or(u32::MAX),
            packing_key,
            agent: AccountId::new(packing_key.0),
        }))
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
