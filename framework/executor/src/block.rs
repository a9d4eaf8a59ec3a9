//! Building blocks and executing imported ones.

use std::time::Instant;

use codec::Encode;
use sp_inherents::{CheckInherentsResult, InherentData};
use sp_runtime::{
    ApplyExtrinsicResult, Digest, ExtrinsicInclusionMode,
    traits::{Block as _, Header as _},
    transaction_validity::{InvalidTransaction, TransactionValidityError},
};
use sp_state_machine::OverlayedChanges;
use wcme_primitives::{Block, Extrinsic, Hash, Header};
use wcme_storage::TrieTransaction;

use crate::{error::ExecutorError, runtime::Executor};

/// When to stop adding transactions to a block being built.
#[derive(Clone, Copy, Debug)]
pub struct BuildLimits {
    /// Stop after this many transactions.
    pub max_transactions: usize,
    /// Stop adding transactions at this instant (block production must keep its slot).
    pub deadline: Instant,
}

/// A block built on top of a parent, not yet sealed.
pub struct BuiltBlock {
    /// The block (header without seal).
    pub block: Block,
    /// Trie nodes created by the block.
    pub trie_nodes: TrieTransaction,
    /// Hashes of the pool transactions included, in block order.
    pub included: Vec<Hash>,
    /// Pool transactions the runtime rejected, with the reason.
    pub rejected: Vec<(Hash, TransactionValidityError)>,
}

/// The outcome of executing an imported block.
pub struct ExecutedBlock {
    /// Trie nodes created by the block.
    pub trie_nodes: TrieTransaction,
    /// The state root execution produced (equal to the header's).
    pub state_root: Hash,
}

impl Executor {
    /// Builds a block on `parent`: inherents from `inherent_data`, then `transactions` (hash and
    /// encoded extrinsic, in the order the pool wants them) each in its own storage transaction,
    /// so a rejected one leaves no trace. `digest` carries the consensus engine's pre-runtime items.
    pub fn build_block(
        &self,
        parent: &Header,
        inherent_data: &InherentData,
        digest: Digest,
        transactions: impl IntoIterator<Item = (Hash, Vec<u8>)>,
        limits: BuildLimits,
    ) -> Result<BuiltBlock, ExecutorError> {
        let parent_hash = parent.hash();
        let state = self.db.state_at_block(&parent_hash)?;
        self.check_runtime(&state)?;
        let mut overlay = OverlayedChanges::default();
        let number = parent
            .number()
            .checked_add(1)
            .ok_or_else(|| ExecutorError::Runtime {
                method: "Core_initialize_block",
                message: "block number overflow".into(),
            })?;
        let header = Header::new(number, Hash::zero(), Hash::zero(), parent_hash, digest);
        let mode: ExtrinsicInclusionMode = self.dispatch_decoded(
            &state,
            &mut overlay,
            "Core_initialize_block",
            &header.encode(),
        )?;

        let inherents: Vec<Extrinsic> = self.dispatch_decoded(
            &state,
            &mut overlay,
            "BlockBuilder_inherent_extrinsics",
            &inherent_data.encode(),
        )?;
        let mut extrinsics = Vec::with_capacity(inherents.len());
        for inherent in inherents {
            let result: ApplyExtrinsicResult = self.dispatch_decoded(
                &state,
                &mut overlay,
                "BlockBuilder_apply_extrinsic",
                &inherent.encode(),
            )?;
            result
                .map_err(ExecutorError::InherentRejected)?
                .map_err(|error| ExecutorError::Runtime {
                    method: "BlockBuilder_apply_extrinsic",
                    message: format!("inherent failed to dispatch: {error:?}"),
                })?;
            extrinsics.push(inherent);
        }

        let mut included = Vec::new();
        let mut rejected = Vec::new();
        if mode == ExtrinsicInclusionMode::AllExtrinsics {
            for (hash, bytes) in transactions {
                if included.len() >= limits.max_transactions || Instant::now() >= limits.deadline {
                    break;
                }
                let extrinsic = match Extrinsic::try_from_encoded_extrinsic(&bytes) {
                    Ok(extrinsic) => extrinsic,
                    Err(_) => {
                        rejected.push((hash, InvalidTransaction::Call.into()));
                        continue;
                    }
                };
                overlay.start_transaction();
                let outcome: Result<ApplyExtrinsicResult, ExecutorError> = self.dispatch_decoded(
                    &state,
                    &mut overlay,
                    "BlockBuilder_apply_extrinsic",
                    &bytes,
                );
                match outcome {
                    Ok(Ok(_dispatch_outcome)) => {
                        commit(&mut overlay);
                        extrinsics.push(extrinsic);
                        included.push(hash);
                    }
                    Ok(Err(TransactionValidityError::Invalid(
                        InvalidTransaction::ExhaustsResources,
                    ))) => {
                        rollback(&mut overlay);
                        break;
                    }
                    Ok(Err(error)) => {
                        rollback(&mut overlay);
                        rejected.push((hash, error));
                    }
                    Err(error) => {
                        rollback(&mut overlay);
                        tracing::debug!(target: "executor", ?hash, %error, "Transaction failed");
                        rejected.push((hash, InvalidTransaction::Call.into()));
                    }
                }
            }
        }

        let header: Header =
            self.dispatch_decoded(&state, &mut overlay, "BlockBuilder_finalize_block", &[])?;
        let (trie_nodes, state_root) = self.drain_changes(&state, &mut overlay)?;
        check_state_root(&header, state_root)?;
        Ok(BuiltBlock {
            block: Block::new(header, extrinsics),
            trie_nodes,
            included,
            rejected,
        })
    }

    /// Re-executes `block` (its header without consensus seal) on its parent's state: checks its
    /// inherents against `inherent_data`, runs `Core_execute_block` (which checks extrinsics root,
    /// signatures, weights and the state root) and compares the resulting root with the header.
    pub fn execute_block(
        &self,
        block: &Block,
        inherent_data: &InherentData,
    ) -> Result<ExecutedBlock, ExecutorError> {
        let header = block.header();
        let number = *header.number();
        let state = self.db.state_at_block(header.parent_hash())?;
        self.check_runtime(&state)?;

        let mut check_data = block.encode();
        inherent_data.encode_to(&mut check_data);
        let check: CheckInherentsResult = self.dispatch_decoded(
            &state,
            &mut OverlayedChanges::default(),
            "BlockBuilder_check_inherents",
            &check_data,
        )?;
        if !check.ok() {
            let reason = check
                .into_errors()
                .map(|(id, bytes)| {
                    format!(
                        "{}: 0x{}",
                        String::from_utf8_lossy(&id),
                        hex::encode(&bytes)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ExecutorError::BadInherents { number, reason });
        }

        let mut overlay = OverlayedChanges::default();
        self.dispatch(&state, &mut overlay, "Core_execute_block", &block.encode())?;
        let (trie_nodes, state_root) = self.drain_changes(&state, &mut overlay)?;
        check_state_root(header, state_root)?;
        Ok(ExecutedBlock {
            trie_nodes,
            state_root,
        })
    }
}

/// The state root execution produced must be the one the header commits to.
fn check_state_root(header: &Header, computed: Hash) -> Result<(), ExecutorError> {
    if computed != *header.state_root() {
        return Err(ExecutorError::StateRootMismatch {
            number: *header.number(),
            expected: *header.state_root(),
            computed,
        });
    }
    Ok(())
}

fn commit(overlay: &mut OverlayedChanges<wcme_primitives::Hashing>) {
    if overlay.commit_transaction().is_err() {
        tracing::error!(target: "executor", "no storage transaction to commit");
    }
}

fn rollback(overlay: &mut OverlayedChanges<wcme_primitives::Hashing>) {
    if overlay.rollback_transaction().is_err() {
        tracing::error!(target: "executor", "no storage transaction to roll back");
    }
}
