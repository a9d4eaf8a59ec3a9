//! The Proof-of-Work engine, for test and demo subchains: anyone who finds a nonce may author,
//! so a chain needs no runtime schedule, keys or votes.
//!
//! A miner claims any slot after its parent's, writes the slot and the difficulty the parent
//! dictates ([`next_difficulty`]) into the pre-digest, and searches nonces until one meets the
//! difficulty or the slot is over. Importers check the slot, recompute the difficulty from the
//! parent header and check the work: no state is read. Finality is probabilistic: a block is
//! final once [`PowParams::finality_depth`] blocks are built on it.

use std::{sync::Arc, time::Duration};

use sp_runtime::{
    ConsensusEngineId,
    traits::{BlakeTwo256, Hash as _, Header as _},
};
use wcme_consensus_primitives::pow::{
    self, MIN_DIFFICULTY, POW_ENGINE_ID, PowPreDigest, meets_difficulty, next_difficulty,
};
use wcme_primitives::Header;

use crate::{Clock, ConsensusEngine, ConsensusError, SlotClaim, VerifiedHeader, check_slot};

/// How many nonces the miner tries between looks at the clock: a clock read costs far more than
/// a hash, and ~4096 blake2 hashes take well under a millisecond, so the slot end is missed by
/// at most that much.
const HASHES_PER_CLOCK_CHECK: u64 = 4096;

/// The parameters of a PoW chain; every node of the chain must use the same ones, or they
/// disagree on difficulty and finality.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PowParams {
    /// Length of a slot. A block's slot bounds its timestamp, and a miner gives up on a block
    /// when its slot ends.
    pub slot_duration: Duration,
    /// The target block time in slots: difficulty rises when blocks come faster, falls when
    /// they come slower.
    pub target_slots: u64,
    /// The difficulty (expected hashes) of the first block after genesis, which has no
    /// pre-digest to derive it from. At least [`MIN_DIFFICULTY`] is used.
    pub initial_difficulty: u128,
    /// A best block makes its ancestor this many blocks below it final.
    pub finality_depth: u32,
}

/// Proof-of-Work: the first miner to find a nonce meeting the parent-derived difficulty authors.
pub struct PowEngine {
    params: PowParams,
    mining: bool,
    clock: Arc<dyn Clock>,
}

impl PowEngine {
    /// An engine for a chain with `params`; it claims slots and mines only if `mining`, and
    /// reads `clock` to know when a slot it mines for is over.
    pub fn new(params: PowParams, mining: bool, clock: Arc<dyn Clock>) -> Self {
        Self {
            params,
            mining,
            clock,
        }
    }

    /// The slot of a PoW header (`None` for genesis, which has no pre-digest).
    pub fn slot_of(header: &Header) -> Option<u64> {
        pow::find_pre_digest(header).ok().map(|digest| digest.slot)
    }

    /// The difficulty a child of `parent` in `slot` must be mined at: the initial difficulty
    /// after genesis, else [`next_difficulty`] of the parent's digest. A non-genesis parent
    /// without a PoW digest cannot have been imported by this engine; it is treated like
    /// genesis rather than panicking.
    pub fn difficulty_for_child(&self, parent: &Header, slot: u64) -> u128 {
        let initial = self.params.initial_difficulty.max(MIN_DIFFICULTY);
        if *parent.number() == 0 {
            return initial;
        }
        match pow::find_pre_digest(parent) {
            Ok(digest) => next_difficulty(
                digest.difficulty,
                digest.slot,
                slot,
                self.params.target_slots,
            ),
            Err(error) => {
                tracing::warn!(
                    target: "pow",
                    parent = ?parent.hash(),
                    ?error,
                    "Parent has no PoW digest: using the initial difficulty"
                );
                initial
            }
        }
    }
}

impl ConsensusEngine for PowEngine {
    fn name(&self) -> &'static str {
        "pow"
    }

    fn engine_id(&self) -> ConsensusEngineId {
        POW_ENGINE_ID
    }

    fn slot_duration(&self) -> Duration {
        self.params.slot_duration
    }

    fn claim_slot(&self, parent: &Header, slot: u64) -> Option<SlotClaim> {
        if !self.mining || Self::slot_of(parent).is_some_and(|parent| slot <= parent) {
            return None;
        }
        let difficulty = self.difficulty_for_child(parent, slot);
        tracing::debug!(target: "pow", slot, difficulty, "Claimed slot");
        Some(SlotClaim {
            slot,
            pre_digest: vec![PowPreDigest { slot, difficulty }.to_digest_item()],
        })
    }

    /// Mines: tries nonces from a start derived from the pre-hash and the time (so restarts and
    /// miners on the same pre-header do not retrace each other) until one meets the digest's
    /// difficulty, or fails with [`ConsensusError::NoProofOfWork`] once the slot is over.
    fn seal(&self, mut header: Header) -> Result<Header, ConsensusError> {
        let pre_hash = header.hash();
        let digest = pow::find_pre_digest(&header)
            .map_err(|error| ConsensusError::BadPowDigest(pre_hash, error))?;
        let slot = digest.slot;
        let deadline = self.slot_timestamp(slot.saturating_add(1));
        let mut seed = [0u8; 40];
        seed[..32].copy_from_slice(pre_hash.as_bytes());
        seed[32..].copy_from_slice(&self.clock.now_millis().to_le_bytes());
        let mut start = [0u8; 8];
        start.copy_from_slice(&BlakeTwo256::hash(&seed)[..8]);
        let start = u64::from_le_bytes(start);

        let mut tried: u64 = 0;
        loop {
            let nonce = start.wrapping_add(tried);
            if meets_difficulty(&pre_hash, nonce, digest.difficulty) {
                tracing::debug!(
                    target: "pow",
                    slot,
                    difficulty = digest.difficulty,
                    hashes = tried.saturating_add(1),
                    "Found a proof of work"
                );
                header.digest_mut().push(pow::seal_item(nonce));
                return Ok(header);
            }
            tried = tried.wrapping_add(1);
            // `tried == 0` again: every nonce failed.
            let exhausted = tried == 0;
            if exhausted
                || (tried.is_multiple_of(HASHES_PER_CLOCK_CHECK)
                    && self.clock.now_millis() >= deadline)
            {
                tracing::debug!(
                    target: "pow",
                    slot,
                    difficulty = digest.difficulty,
                    "No proof of work found before the slot ended"
                );
                return Err(ConsensusError::NoProofOfWork {
                    hash: pre_hash,
                    slot,
                });
            }
        }
    }

    fn verify(
        &self,
        header: &Header,
        parent: &Header,
        now_millis: u64,
    ) -> Result<VerifiedHeader, ConsensusError> {
        let hash = header.hash();
        let bad_digest = |error| ConsensusError::BadPowDigest(hash, error);
        let (pre_header, nonce) = pow::split_seal(header).map_err(bad_digest)?;
        let digest = pow::find_pre_digest(&pre_header).map_err(bad_digest)?;
        let slot = digest.slot;
        check_slot(hash, slot, Self::slot_of(parent), self.slot_at(now_millis))?;
        let expected = self.difficulty_for_child(parent, slot);
        if digest.difficulty != expected {
            return Err(ConsensusError::WrongDifficulty {
                hash,
                claimed: digest.difficulty,
                expected,
            });
        }
        if !meets_difficulty(&pre_header.hash(), nonce, digest.difficulty) {
            return Err(ConsensusError::InsufficientWork(hash));
        }
        Ok(VerifiedHeader {
            pre_header,
            seal: pow::seal_item(nonce),
            slot,
        })
    }

    fn instant_finality(&self) -> bool {
        false
    }

    fn finality_depth(&self) -> Option<u32> {
        Some(self.params.finality_depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Encode;
    use sp_core::H256;
    use std::sync::atomic::{AtomicU64, Ordering};
    use wcme_consensus_primitives::pow::DigestError;
    use wcme_primitives::DigestItem;

    /// A clock tests set by hand.
    #[derive(Default)]
    struct FakeClock(AtomicU64);

    impl FakeClock {
        fn at(millis: u64) -> Arc<Self> {
            Arc::new(Self(AtomicU64::new(millis)))
        }
    }

    impl Clock for FakeClock {
        fn now_millis(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    const INITIAL: u128 = 16;

    fn params(initial_difficulty: u128) -> PowParams {
        PowParams {
            slot_duration: Duration::from_millis(1000),
            target_slots: 2,
            initial_difficulty,
            finality_depth: 6,
        }
    }

    /// A mining engine whose clock reads the start of slot 10.
    fn engine(initial_difficulty: u128) -> PowEngine {
        PowEngine::new(params(initial_difficulty), true, FakeClock::at(10_000))
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

    fn unsealed(parent: &Header, digest: PowPreDigest) -> Header {
        let mut header = Header::new(
            parent.number() + 1,
            H256::repeat_byte(1),
            H256::repeat_byte(2),
            parent.hash(),
            Default::default(),
        );
        header.digest_mut().push(digest.to_digest_item());
        header
    }

    /// The block `engine` claims and mines on `parent` in `slot`.
    fn mined(engine: &PowEngine, parent: &Header, slot: u64) -> Header {
        let claim = engine.claim_slot(parent, slot).expect("claims");
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
        engine.seal(header).expect("mines")
    }

    #[test]
    fn describes_itself() {
        let engine = engine(INITIAL);
        assert_eq!(engine.name(), "pow");
        assert_eq!(engine.engine_id(), POW_ENGINE_ID);
        assert_eq!(engine.slot_duration(), Duration::from_millis(1000));
        assert!(!engine.instant_finality());
        assert_eq!(engine.finality_depth(), Some(6));
        assert!(!engine.authors_on_final_only());
    }

    #[test]
    fn mined_headers_verify_and_difficulty_follows_the_parent() {
        let engine = engine(INITIAL);
        let first = mined(&engine, &genesis(), 10);
        let verified = engine.verify(&first, &genesis(), 10_000).expect("valid");
        assert_eq!(verified.slot, 10);
        assert_eq!(verified.pre_header.digest().logs().len(), 1);
        assert_eq!(
            verified.pre_header,
            pow::split_seal(&first).expect("sealed").0
        );
        assert_eq!(Some(&verified.seal), first.digest().logs().last());
        assert_eq!(PowEngine::slot_of(&first), Some(10));
        assert_eq!(PowEngine::slot_of(&genesis()), None);

        // One slot later is faster than the 2-slot target: harder by one step.
        let second = mined(&engine, &first, 11);
        let digest = pow::find_pre_digest(&second).expect("digest");
        assert_eq!(digest.difficulty, INITIAL + 1);
        engine.verify(&second, &first, 11_000).expect("valid");
        // A verifier that does not mine accepts the same blocks.
        let follower = PowEngine::new(params(INITIAL), false, FakeClock::at(0));
        follower.verify(&second, &first, 11_000).expect("valid");
    }

    #[test]
    fn a_child_of_genesis_has_the_initial_difficulty() {
        let engine = engine(1_000);
        assert_eq!(engine.difficulty_for_child(&genesis(), 1), 1_000);
        assert_eq!(engine.difficulty_for_child(&genesis(), 1_000_000), 1_000);
        // Zero would halt the chain: the minimum is used instead.
        assert_eq!(
            self::engine(0).difficulty_for_child(&genesis(), 1),
            MIN_DIFFICULTY
        );
        let parent = unsealed(
            &genesis(),
            PowPreDigest {
                slot: 10,
                difficulty: 1_600,
            },
        );
        assert_eq!(engine.difficulty_for_child(&parent, 11), 1_700);
        assert_eq!(engine.difficulty_for_child(&parent, 12), 1_600);
        assert_eq!(engine.difficulty_for_child(&parent, 14), 1_500);
    }

    #[test]
    fn a_non_mining_engine_never_claims() {
        let engine = PowEngine::new(params(INITIAL), false, FakeClock::at(10_000));
        for slot in 0..20 {
            assert!(engine.claim_slot(&genesis(), slot).is_none());
        }
        // A mining engine claims only slots after the parent's.
        let miner = self::engine(INITIAL);
        let first = mined(&miner, &genesis(), 10);
        assert!(miner.claim_slot(&first, 9).is_none());
        assert!(miner.claim_slot(&first, 10).is_none());
        assert!(miner.claim_slot(&first, 11).is_some());
    }

    #[test]
    fn a_wrong_difficulty_is_rejected() {
        let engine = engine(INITIAL);
        // Mined honestly, but at an easier difficulty than the parent dictates.
        let header = unsealed(
            &genesis(),
            PowPreDigest {
                slot: 10,
                difficulty: 1,
            },
        );
        let header = engine.seal(header).expect("mines");
        assert_eq!(
            engine.verify(&header, &genesis(), 10_000),
            Err(ConsensusError::WrongDifficulty {
                hash: header.hash(),
                claimed: 1,
                expected: INITIAL,
            })
        );
    }

    #[test]
    fn insufficient_work_is_rejected() {
        // 2^60 expected hashes: no nonce below is (practically) a proof.
        let engine = engine(1 << 60);
        let mut header = unsealed(
            &genesis(),
            PowPreDigest {
                slot: 10,
                difficulty: 1 << 60,
            },
        );
        header.digest_mut().push(pow::seal_item(12_345));
        assert_eq!(
            engine.verify(&header, &genesis(), 10_000),
            Err(ConsensusError::InsufficientWork(header.hash()))
        );

        // A header changed after mining no longer carries its work.
        let engine = self::engine(1 << 16);
        let honest = self::engine(1 << 16);
        let mut tampered = mined(&honest, &genesis(), 10);
        engine.verify(&tampered, &genesis(), 10_000).expect("valid");
        tampered.state_root = H256::repeat_byte(9);
        assert_eq!(
            engine.verify(&tampered, &genesis(), 10_000),
            Err(ConsensusError::InsufficientWork(tampered.hash()))
        );
    }

    #[test]
    fn missing_duplicate_and_garbage_digests_are_rejected() {
        let engine = engine(INITIAL);
        let good = mined(&engine, &genesis(), 10);
        let bad = |header: &Header, error| {
            assert_eq!(
                engine.verify(header, &genesis(), 10_000),
                Err(ConsensusError::BadPowDigest(header.hash(), error))
            );
        };

        let mut unsealed_header = good.clone();
        unsealed_header.digest_mut().pop();
        bad(&unsealed_header, DigestError::MissingSeal);

        let mut short_seal = unsealed_header.clone();
        short_seal
            .digest_mut()
            .push(DigestItem::Seal(POW_ENGINE_ID, vec![0; 7]));
        bad(&short_seal, DigestError::MalformedSeal);

        let mut two_seals = good.clone();
        two_seals.digest_mut().push(pow::seal_item(1));
        bad(&two_seals, DigestError::DuplicateSeal);

        let mut no_pre_digest = Header::new(
            1,
            H256::zero(),
            H256::zero(),
            genesis().hash(),
            Default::default(),
        );
        no_pre_digest.digest_mut().push(pow::seal_item(1));
        bad(&no_pre_digest, DigestError::MissingPreDigest);

        let digest = PowPreDigest {
            slot: 10,
            difficulty: INITIAL,
        };
        let mut duplicate = unsealed(&genesis(), digest);
        duplicate.digest_mut().push(digest.to_digest_item());
        duplicate.digest_mut().push(pow::seal_item(1));
        bad(&duplicate, DigestError::DuplicatePreDigest);

        let mut trailing = digest.encode();
        trailing.push(0);
        for garbage in [vec![0xff; 3], trailing] {
            let mut header = Header::new(
                1,
                H256::zero(),
                H256::zero(),
                genesis().hash(),
                Default::default(),
            );
            header
                .digest_mut()
                .push(DigestItem::PreRuntime(POW_ENGINE_ID, garbage));
            header.digest_mut().push(pow::seal_item(1));
            bad(&header, DigestError::MalformedPreDigest);
        }

        // Sealing needs a pre-digest too.
        let mut bare = unsealed(&genesis(), digest);
        bare.digest_mut().pop();
        assert_eq!(
            engine.seal(bare.clone()),
            Err(ConsensusError::BadPowDigest(
                bare.hash(),
                DigestError::MissingPreDigest
            ))
        );
    }

    #[test]
    fn future_and_non_increasing_slots_are_rejected() {
        let engine = engine(INITIAL);
        let future = mined(&engine, &genesis(), 50);
        assert!(matches!(
            engine.verify(&future, &genesis(), 10_000),
            Err(ConsensusError::FutureSlot {
                slot: 50,
                now_slot: 10,
                ..
            })
        ));
        // One slot of clock drift is tolerated.
        let next_slot = mined(&engine, &genesis(), 11);
        engine
            .verify(&next_slot, &genesis(), 10_000)
            .expect("within drift");

        let first = mined(&engine, &genesis(), 10);
        for slot in [9, 10] {
            let header = unsealed(
                &first,
                PowPreDigest {
                    slot,
                    difficulty: engine.difficulty_for_child(&first, slot),
                },
            );
            let header = engine.seal(header).expect("mines");
            assert_eq!(
                engine.verify(&header, &first, 10_000),
                Err(ConsensusError::SlotNotIncreasing {
                    hash: header.hash(),
                    slot,
                    parent_slot: 10,
                })
            );
        }
    }

    #[test]
    fn sealing_gives_up_when_the_slot_is_over() {
        let clock = FakeClock::at(20_000);
        let engine = PowEngine::new(params(u128::MAX), true, clock.clone());
        let claim = engine.claim_slot(&genesis(), 10).expect("claims");
        assert_eq!(
            claim.pre_digest,
            vec![
                PowPreDigest {
                    slot: 10,
                    difficulty: u128::MAX
                }
                .to_digest_item()
            ]
        );
        let header = unsealed(
            &genesis(),
            PowPreDigest {
                slot: 10,
                difficulty: u128::MAX,
            },
        );
        assert_eq!(
            engine.seal(header.clone()),
            Err(ConsensusError::NoProofOfWork {
                hash: header.hash(),
                slot: 10,
            })
        );
        // The end of the slot itself is already too late.
        clock.0.store(11_000, Ordering::SeqCst);
        assert!(matches!(
            engine.seal(header),
            Err(ConsensusError::NoProofOfWork { slot: 10, .. })
        ));
    }
}
