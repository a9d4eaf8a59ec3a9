//! Engines whose authors follow a schedule the runtime keeps: Proof-of-Credit (DESIGN §4), Aura
//! and PBFT. A scheduled node authors exactly the slots the runtime gives its key, seals them with
//! that key, and every importer checks round, slot, author and seal against the same schedule at
//! the parent block.
//!
//! The schedule is the runtime's: the engine asks [`SlotSchedule`] (`PocApi::slot_owner` on the
//! main chain, the validator set round-robin on a subchain, a fixed table in tests) and never
//! computes one itself, so a rule change in a pallet cannot leave the engine disagreeing with it.
//! The three differ only in their [`Flavour`]: the engine id their digests carry, and whether a
//! node may author on a parent that is not final yet (PBFT may not).

use std::{sync::Arc, time::Duration};

use sp_core::{Pair as _, sr25519};
use sp_runtime::{ConsensusEngineId, traits::Header as _};
use wcme_consensus_primitives::poc::{
    self, AURA_ENGINE_ID, PBFT_ENGINE_ID, POC_ENGINE_ID, PackingKey, PreDigest, Slot, SlotOwner,
};
use wcme_primitives::{AccountId, Hash, Header};

use crate::{
    ConsensusEngine, ConsensusError, SlotClaim, VerifiedHeader, check_slot,
    equivocation::{EquivocationSink, SealWatch},
};

/// Who owns a slot, as the runtime schedules it.
pub trait SlotSchedule: Send + Sync + 'static {
    /// The owner of `slot` for a child of block `parent`; `None` if nobody may author it there.
    fn slot_owner(
        &self,
        parent: &Hash,
        slot: Slot,
    ) -> Result<Option<SlotOwner<AccountId>>, ConsensusError>;
}

/// What sets one scheduled engine apart from another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flavour {
    /// The engine's name, as chain specs and logs write it.
    pub name: &'static str,
    /// The engine id of its pre-digest and seal.
    pub id: ConsensusEngineId,
    /// Whether blocks are only authored on a final parent.
    pub final_parent_only: bool,
}

impl Flavour {
    /// Proof-of-Credit: the `Poc` pallet's rounds; the finality gadget finalizes.
    pub const POC: Self = Self {
        name: "poc",
        id: POC_ENGINE_ID,
        final_parent_only: false,
    };
    /// Aura: the validator set in turn, one slot each; the finality gadget finalizes.
    pub const AURA: Self = Self {
        name: "aura",
        id: AURA_ENGINE_ID,
        final_parent_only: false,
    };
    /// PBFT: the validator set in turn proposes (pre-prepare), the gadget's pre-votes and
    /// pre-commits are the prepare and commit phases, and a height is decided before the next
    /// is proposed, so the chain never forks and every block is final once committed.
    pub const PBFT: Self = Self {
        name: "pbft",
        id: PBFT_ENGINE_ID,
        final_parent_only: true,
    };
}

/// A slot engine: the runtime's schedule decides who authors each slot.
pub struct ScheduledEngine {
    flavour: Flavour,
    schedule: Arc<dyn SlotSchedule>,
    keys: Vec<sr25519::Pair>,
    slot_duration: Duration,
    seals: SealWatch,
    equivocations: Arc<dyn EquivocationSink>,
}

impl ScheduledEngine {
    /// A `flavour` engine following `schedule`, authoring with whichever of `keys` it
    /// schedules and handing any key it sees seal two headers for one slot to `equivocations`.
    pub fn new(
        flavour: Flavour,
        schedule: Arc<dyn SlotSchedule>,
        keys: Vec<sr25519::Pair>,
        slot_duration: Duration,
        equivocations: Arc<dyn EquivocationSink>,
    ) -> Self {
        Self {
            flavour,
            schedule,
            keys,
            slot_duration,
            seals: SealWatch::default(),
            equivocations,
        }
    }

    /// The slot of one of this engine's headers (`None` for genesis, which has no pre-digest).
    pub fn slot_of(&self, header: &Header) -> Option<Slot> {
        poc::find_pre_digest_for(header, self.flavour.id)
            .ok()
            .map(|digest| digest.slot)
    }

    fn key_for(&self, public: &PackingKey) -> Option<&sr25519::Pair> {
        self.keys.iter().find(|pair| pair.public() == *public)
    }
}

impl ConsensusEngine for ScheduledEngine {
    fn name(&self) -> &'static str {
        self.flavour.name
    }

    fn engine_id(&self) -> ConsensusEngineId {
        self.flavour.id
    }

    fn slot_duration(&self) -> Duration {
        self.slot_duration
    }

    fn claim_slot(&self, parent: &Header, slot: u64) -> Option<SlotClaim> {
        if self.keys.is_empty() || self.slot_of(parent).is_some_and(|parent| slot <= parent) {
            return None;
        }
        let owner = match self.schedule.slot_owner(&parent.hash(), slot) {
            Ok(owner) => owner?,
            Err(error) => {
                tracing::warn!(target: "consensus", engine = self.flavour.name, slot, %error, "Cannot read the slot schedule");
                return None;
            }
        };
        self.key_for(&owner.packing_key)?;
        tracing::debug!(target: "consensus", engine = self.flavour.name, slot, round = owner.round, index = owner.index, "Claimed slot");
        Some(SlotClaim {
            slot,
            pre_digest: vec![
                PreDigest {
                    round: owner.round,
                    slot,
                    author_index: owner.index,
                }
                .to_digest_item_for(self.flavour.id),
            ],
        })
    }

    fn seal(&self, mut header: Header) -> Result<Header, ConsensusError> {
        let hash = header.hash();
        let digest = poc::find_pre_digest_for(&header, self.flavour.id)
            .map_err(|error| ConsensusError::BadDigest(hash, error))?;
        let owner = self
            .schedule
            .slot_owner(header.parent_hash(), digest.slot)?
            .ok_or(ConsensusError::NoSlotOwner {
                hash,
                slot: digest.slot,
            })?;
        let pair = self
            .key_for(&owner.packing_key)
            .ok_or(ConsensusError::NoSigningKey(self.flavour.name))?;
        let signature = pair.sign(hash.as_ref());
        header
            .digest_mut()
            .push(poc::seal_item_for(&signature, self.flavour.id));
        Ok(header)
    }

    fn verify(
        &self,
        header: &Header,
        parent: &Header,
        now_millis: u64,
    ) -> Result<VerifiedHeader, ConsensusError> {
        let hash = header.hash();
        let bad_digest = |error| ConsensusError::BadDigest(hash, error);
        let (pre_header, signature) =
            poc::split_seal_for(header, self.flavour.id).map_err(bad_digest)?;
        let digest = poc::find_pre_digest_for(&pre_header, self.flavour.id).map_err(bad_digest)?;
        let slot = digest.slot;
        check_slot(hash, slot, self.slot_of(parent), self.slot_at(now_millis))?;
        let owner = self
            .schedule
            .slot_owner(&parent.hash(), slot)?
            .ok_or(ConsensusError::NoSlotOwner { hash, slot })?;
        if owner.round != digest.round || owner.index != digest.author_index {
            return Err(ConsensusError::WrongAuthor {
                hash,
                slot,
                claimed: (digest.round, digest.author_index),
                scheduled: (owner.round, owner.index),
            });
        }
        let pre_hash = pre_header.hash();
        if !sr25519::Pair::verify(&signature, pre_hash.as_ref(), &owner.packing_key) {
            return Err(ConsensusError::BadSeal(hash));
        }
        // Checked before the block executes: a second header for a slot is evidence even if
        // the block itself turns out invalid.
        if let Some(evidence) = self
            .seals
            .observe(slot, owner.packing_key, header, pre_hash)
        {
            tracing::warn!(
                target: "consensus",
                offender = ?owner.packing_key,
                slot,
                "🚨 Two headers sealed for one slot: reporting the equivocation"
            );
            self.equivocations.report(evidence);
        }
        Ok(VerifiedHeader {
            pre_header,
            seal: poc::seal_item_for(&signature, self.flavour.id),
            slot,
        })
    }

    fn instant_finality(&self) -> bool {
        false
    }

    fn authors_on_final_only(&self) -> bool {
        self.flavour.final_parent_only
    }

    fn prefers_at_same_height(&self, candidate: &Header, best: &Header) -> bool {
        // Only engines that decide one height at a time compete at equal heights: the others
        // let the longer chain decide. The earlier slot wins; two blocks of one slot (a leader
        // that proposed twice) are ordered by hash, so every node that has both prefers the
        // same one and the next view's pre-votes gather on it.
        self.flavour.final_parent_only
            && match (self.slot_of(candidate), self.slot_of(best)) {
                (Some(candidate_slot), Some(best_slot)) => {
                    candidate_slot < best_slot
                        || (candidate_slot == best_slot && candidate.hash() < best.hash())
                }
                _ => false,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::H256;
    use wcme_consensus_primitives::poc::{DigestError, Evidence};

    /// Round-robin over fixed keys, rounds of `keys.len()` slots starting at slot 0.
    struct RoundRobin(Vec<PackingKey>);

    impl SlotSchedule for RoundRobin {
        fn slot_owner(
            &self,
            _parent: &Hash,
            slot: Slot,
        ) -> Result<Option<SlotOwner<AccountId>>, ConsensusError> {
            let len = self.0.len() as u64;
            let index = slot % len;
            Ok(self.0.get(index as usize).map(|key| SlotOwner {
                round: (slot / len) as u32,
                index: index as u32,
                packing_key: *key,
                agent: AccountId::new(key.0),
            }))
        }
    }

    struct Unavailable;

    impl SlotSchedule for Unavailable {
        fn slot_owner(
            &self,
            parent: &Hash,
            _slot: Slot,
        ) -> Result<Option<SlotOwner<AccountId>>, ConsensusError> {
            Err(ConsensusError::Schedule {
                parent: *parent,
                reason: "state pruned".into(),
            })
        }
    }

    fn pair(seed: &str) -> sr25519::Pair {
        sr25519::Pair::from_string(seed, None).expect("dev seed")
    }

    fn keys() -> Vec<sr25519::Pair> {
        ["//A", "//B", "//C", "//D"]
            .iter()
            .map(|s| pair(s))
            .collect()
    }

    /// Engines for each of the four keys over one shared schedule.
    fn network() -> Vec<ScheduledEngine> {
        let schedule = Arc::new(RoundRobin(keys().iter().map(|k| k.public()).collect()));
        keys()
            .into_iter()
            .map(|key| {
                ScheduledEngine::new(
                    Flavour::POC,
                    schedule.clone(),
                    vec![key],
                    Duration::from_millis(1000),
                    Arc::new(()),
                )
            })
            .collect()
    }

    fn genesis() -> Header {
        Header::new(
            0,
            H256::zero(),
            H256::zero(),
            H256::zero(),
            Default::default(),
        )
    }

    fn unsealed(parent: &Header, claim: SlotClaim) -> Header {
        let mut header = Header::new(
            parent.number() + 1,
            H256::repeat_byte(1),
            H256::repeat_byte(2),
            parent.hash(),
            Default::default(),
        );
        for item in claim.pre_digest {
            header.digest_mut().push(item);
        }
        header
    }

    /// The block the owner of `slot` authors on `parent`.
    fn authored(engines: &[ScheduledEngine], parent: &Header, slot: u64) -> Header {
        let owner = &engines[(slot % 4) as usize];
        let claim = owner.claim_slot(parent, slot).expect("owner claims");
        owner.seal(unsealed(parent, claim)).expect("seals")
    }

    #[test]
    fn only_the_scheduled_key_claims_a_slot() {
        let engines = network();
        for slot in 10..18u64 {
            let claimants: Vec<usize> = engines
                .iter()
                .enumerate()
                .filter(|(_, engine)| engine.claim_slot(&genesis(), slot).is_some())
                .map(|(i, _)| i)
                .collect();
            assert_eq!(claimants, vec![(slot % 4) as usize]);
        }
        let follower = ScheduledEngine::new(
            Flavour::POC,
            Arc::new(RoundRobin(keys().iter().map(|k| k.public()).collect())),
            Vec::new(),
            Duration::from_millis(1000),
            Arc::new(()),
        );
        assert!(follower.claim_slot(&genesis(), 10).is_none());
    }

    /// Collects what the engine reports.
    #[derive(Default)]
    struct Reports(std::sync::Mutex<Vec<Evidence<Header>>>);

    impl EquivocationSink for Reports {
        fn report(&self, evidence: Evidence<Header>) {
            self.0.lock().expect("not poisoned").push(evidence);
        }
    }

    #[test]
    fn an_importer_reports_a_key_that_seals_two_headers_for_one_slot() {
        let engines = network();
        let reports = Arc::new(Reports::default());
        let importer = ScheduledEngine::new(
            Flavour::POC,
            Arc::new(RoundRobin(keys().iter().map(|k| k.public()).collect())),
            Vec::new(),
            Duration::from_millis(1000),
            reports.clone(),
        );
        let first = authored(&engines, &genesis(), 9);
        importer.verify(&first, &genesis(), 10_000).expect("valid");
        // The owner of slot 9 seals a different block for it, on the same parent.
        let owner = &engines[1];
        let claim = owner.claim_slot(&genesis(), 9).expect("owner claims");
        let mut other = unsealed(&genesis(), claim);
        other.set_state_root(H256::repeat_byte(9));
        let other = owner.seal(other).expect("seals");
        assert!(reports.0.lock().expect("not poisoned").is_empty());
        importer
            .verify(&other, &genesis(), 10_000)
            .expect("valid on its own");
        let reported = reports.0.lock().expect("not poisoned").clone();
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].offender(), &keys()[1].public());
        assert_eq!(reported[0].check(), Ok(Some(9)));
        // A header with a bad seal is no evidence against anyone.
        let mut forged = other.clone();
        forged.set_extrinsics_root(H256::repeat_byte(7));
        assert!(importer.verify(&forged, &genesis(), 10_000).is_err());
        assert_eq!(reports.0.lock().expect("not poisoned").len(), 1);
    }

    #[test]
    fn authored_blocks_verify_on_every_node() {
        let engines = network();
        let first = authored(&engines, &genesis(), 9);
        let second = authored(&engines, &first, 10);
        for engine in &engines {
            let verified = engine.verify(&second, &first, 10_000).expect("valid");
            assert_eq!(verified.slot, 10);
            assert_eq!(verified.pre_header.digest().logs().len(), 1);
        }
        // A slot not after the parent's is not claimed.
        assert!(engines[2].claim_slot(&second, 10).is_none());
    }

    #[test]
    fn another_producers_slot_is_rejected() {
        let engines = network();
        // Slot 10 is C's (round 2, position 2): B writes C's digest and seals it itself.
        let forged_claim = SlotClaim {
            slot: 10,
            pre_digest: vec![
                PreDigest {
                    round: 2,
                    slot: 10,
                    author_index: 2,
                }
                .to_digest_item(),
            ],
        };
        let mut header = unsealed(&genesis(), forged_claim);
        let signature = keys()[1].sign(header.hash().as_ref());
        header.digest_mut().push(poc::seal_item(&signature));
        assert_eq!(
            engines[0].verify(&header, &genesis(), 10_000),
            Err(ConsensusError::BadSeal(header.hash()))
        );

        // Claiming the right key but the wrong position in the round.
        let lying_claim = SlotClaim {
            slot: 10,
            pre_digest: vec![
                PreDigest {
                    round: 2,
                    slot: 10,
                    author_index: 1,
                }
                .to_digest_item(),
            ],
        };
        let mut header = unsealed(&genesis(), lying_claim);
        let signature = keys()[2].sign(header.hash().as_ref());
        header.digest_mut().push(poc::seal_item(&signature));
        assert!(matches!(
            engines[0].verify(&header, &genesis(), 10_000),
            Err(ConsensusError::WrongAuthor {
                claimed: (2, 1),
                scheduled: (2, 2),
                ..
            })
        ));
    }

    #[test]
    fn bad_slots_and_digests_are_rejected() {
        let engines = network();
        let first = authored(&engines, &genesis(), 9);
        let same_slot = {
            let claim = SlotClaim {
                slot: 9,
                pre_digest: vec![
                    PreDigest {
                        round: 2,
                        slot: 9,
                        author_index: 1,
                    }
                    .to_digest_item(),
                ],
            };
            let mut header = unsealed(&first, claim);
            let signature = keys()[1].sign(header.hash().as_ref());
            header.digest_mut().push(poc::seal_item(&signature));
            header
        };
        assert!(matches!(
            engines[0].verify(&same_slot, &first, 10_000),
            Err(ConsensusError::SlotNotIncreasing { .. })
        ));
        let future = authored(&engines, &first, 50);
        assert!(matches!(
            engines[0].verify(&future, &first, 10_000),
            Err(ConsensusError::FutureSlot { .. })
        ));
        let mut unsealed_header = authored(&engines, &first, 10);
        unsealed_header.digest_mut().pop();
        assert_eq!(
            engines[0].verify(&unsealed_header, &first, 10_000),
            Err(ConsensusError::BadDigest(
                unsealed_header.hash(),
                DigestError::MissingSeal
            ))
        );
        let mut tampered = authored(&engines, &first, 10);
        tampered.state_root = H256::repeat_byte(7);
        assert_eq!(
            engines[0].verify(&tampered, &first, 10_000),
            Err(ConsensusError::BadSeal(tampered.hash()))
        );
    }

    #[test]
    fn a_header_of_one_flavour_is_no_header_of_another() {
        let engines = network();
        let poc_header = authored(&engines, &genesis(), 9);
        let schedule = Arc::new(RoundRobin(keys().iter().map(|k| k.public()).collect()));
        let aura: Vec<ScheduledEngine> = keys()
            .into_iter()
            .map(|key| {
                ScheduledEngine::new(
                    Flavour::AURA,
                    schedule.clone(),
                    vec![key],
                    Duration::from_millis(1000),
                    Arc::new(()),
                )
            })
            .collect();
        let aura_header = authored(&aura, &genesis(), 9);
        aura[0]
            .verify(&aura_header, &genesis(), 10_000)
            .expect("valid aura header");
        assert_eq!(
            aura[0].verify(&poc_header, &genesis(), 10_000),
            Err(ConsensusError::BadDigest(
                poc_header.hash(),
                DigestError::MissingSeal
            ))
        );
        assert_eq!(
            engines[0].verify(&aura_header, &genesis(), 10_000),
            Err(ConsensusError::BadDigest(
                aura_header.hash(),
                DigestError::MissingSeal
            ))
        );
        assert!(!aura[0].authors_on_final_only());
        // Two proposals for one height: PBFT prefers the earlier slot, Aura neither.
        let later = authored(&aura, &genesis(), 10);
        assert!(!aura[0].prefers_at_same_height(&aura_header, &later));
        let pbft: Vec<ScheduledEngine> = keys()
            .into_iter()
            .map(|key| {
                ScheduledEngine::new(
                    Flavour::PBFT,
                    schedule.clone(),
                    vec![key],
                    Duration::from_millis(1000),
                    Arc::new(()),
                )
            })
            .collect();
        let early = authored(&pbft, &genesis(), 9);
        let late = authored(&pbft, &genesis(), 10);
        assert!(pbft[0].authors_on_final_only());
        assert!(pbft[0].prefers_at_same_height(&early, &late));
        assert!(!pbft[0].prefers_at_same_height(&late, &early));
        assert!(!pbft[0].prefers_at_same_height(&early, &early));
        // A leader that proposes twice in its slot (sr25519 seals are randomised, so sealing
        // again gives another block): the lower hash wins, on every node alike.
        let twice = authored(&pbft, &genesis(), 9);
        assert_ne!(twice.hash(), early.hash());
        let (low, high) = if twice.hash() < early.hash() {
            (&twice, &early)
        } else {
            (&early, &twice)
        };
        assert!(pbft[1].prefers_at_same_height(low, high));
        assert!(!pbft[2].prefers_at_same_height(high, low));
    }

    #[test]
    fn an_unreadable_schedule_is_an_error_not_a_panic() {
        let engine = ScheduledEngine::new(
            Flavour::POC,
            Arc::new(Unavailable),
            keys(),
            Duration::from_millis(1000),
            Arc::new(()),
        );
        assert!(engine.claim_slot(&genesis(), 5).is_none());
        let engines = network();
        let header = authored(&engines, &genesis(), 9);
        assert!(matches!(
            engine.verify(&header, &genesis(), 10_000),
            Err(ConsensusError::Schedule { .. })
        ));
    }
}
