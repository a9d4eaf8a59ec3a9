//! The single-authority engine of `--dev` chains: one key authors every slot, every block is
//! final at once.

use std::time::Duration;

use codec::{Decode, Encode};
use sp_core::{Pair as _, sr25519};
use sp_runtime::{ConsensusEngineId, traits::Header as _};
use wcme_primitives::{DigestItem, Header};

use crate::{ConsensusEngine, ConsensusError, SlotClaim, VerifiedHeader, check_slot};

/// Engine id of the dev engine in digests.
pub const DEV_ENGINE_ID: ConsensusEngineId = *b"wdev";

/// One authority (an sr25519 key) owns every slot.
pub struct DevEngine {
    authority: sr25519::Public,
    signer: Option<sr25519::Pair>,
    slot_duration: Duration,
}

impl DevEngine {
    /// An engine that verifies blocks of `authority` and, given its `signer`, authors them.
    pub fn new(
        authority: sr25519::Public,
        signer: Option<sr25519::Pair>,
        slot_duration: Duration,
    ) -> Self {
        Self {
            authority,
            signer,
            slot_duration,
        }
    }

    /// The slot in a header's pre-runtime digest.
    pub fn slot_of(header: &Header) -> Option<u64> {
        header.digest().logs().iter().find_map(|item| match item {
            DigestItem::PreRuntime(id, data) if *id == DEV_ENGINE_ID => {
                u64::decode(&mut &data[..]).ok()
            }
            _ => None,
        })
    }
}

impl ConsensusEngine for DevEngine {
    fn name(&self) -> &'static str {
        "dev"
    }

    fn engine_id(&self) -> ConsensusEngineId {
        DEV_ENGINE_ID
    }

    fn slot_duration(&self) -> Duration {
        self.slot_duration
    }

    fn claim_slot(&self, parent: &Header, slot: u64) -> Option<SlotClaim> {
        self.signer.as_ref()?;
        let parent_slot = Self::slot_of(parent).unwrap_or(0);
        if slot <= parent_slot && *parent.number() != 0 {
            return None;
        }
        Some(SlotClaim {
            slot,
            pre_digest: vec![DigestItem::PreRuntime(DEV_ENGINE_ID, slot.encode())],
        })
    }

    fn seal(&self, mut header: Header) -> Result<Header, ConsensusError> {
        let signer = self
            .signer
            .as_ref()
            .ok_or(ConsensusError::NoSigningKey("dev"))?;
        let signature = signer.sign(header.hash().as_ref());
        header
            .digest_mut()
            .push(DigestItem::Seal(DEV_ENGINE_ID, signature.encode()));
        Ok(header)
    }

    fn verify(
        &self,
        header: &Header,
        parent: &Header,
        now_millis: u64,
    ) -> Result<VerifiedHeader, ConsensusError> {
        let hash = header.hash();
        let mut pre_header = header.clone();
        let seal = match pre_header.digest_mut().pop() {
            Some(DigestItem::Seal(id, data)) if id == DEV_ENGINE_ID => DigestItem::Seal(id, data),
            _ => return Err(ConsensusError::MissingSeal(hash, "dev")),
        };
        let DigestItem::Seal(_, seal_data) = &seal else {
            return Err(ConsensusError::MissingSeal(hash, "dev"));
        };
        let signature = sr25519::Signature::decode(&mut &seal_data[..])
            .map_err(|_| ConsensusError::BadSeal(hash))?;
        if !sr25519::Pair::verify(&signature, pre_header.hash().as_ref(), &self.authority) {
            return Err(ConsensusError::BadSeal(hash));
        }
        let slot = Self::slot_of(&pre_header).ok_or(ConsensusError::MissingSlot(hash))?;
        check_slot(hash, slot, Self::slot_of(parent), self.slot_at(now_millis))?;
        Ok(VerifiedHeader {
            pre_header,
            seal,
            slot,
        })
    }

    fn instant_finality(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::H256;

    fn engine(signer: bool) -> (DevEngine, sr25519::Pair) {
        let pair = sr25519::Pair::from_string("//Alice", None).expect("dev seed");
        let engine = DevEngine::new(
            pair.public(),
            signer.then(|| pair.clone()),
            Duration::from_millis(1000),
        );
        (engine, pair)
    }

    fn child_of(parent: &Header, engine: &DevEngine, slot: u64) -> Header {
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
        engine.seal(header).expect("seals")
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

    #[test]
    fn sealed_header_verifies_and_strips_seal() {
        let (engine, _) = engine(true);
        let parent = genesis();
        let header = child_of(&parent, &engine, 10);
        let verified = engine.verify(&header, &parent, 10_000).expect("valid");
        assert_eq!(verified.slot, 10);
        assert_eq!(verified.pre_header.digest().logs().len(), 1);
    }

    #[test]
    fn tampered_header_is_rejected() {
        let (engine, _) = engine(true);
        let parent = genesis();
        let mut header = child_of(&parent, &engine, 10);
        header.state_root = H256::repeat_byte(9);
        assert_eq!(
            engine.verify(&header, &parent, 10_000),
            Err(ConsensusError::BadSeal(header.hash()))
        );
    }

    #[test]
    fn other_key_and_missing_seal_are_rejected() {
        let (engine, _) = engine(true);
        let bob = sr25519::Pair::from_string("//Bob", None).expect("dev seed");
        let impostor = DevEngine::new(bob.public(), Some(bob), Duration::from_millis(1000));
        let parent = genesis();
        let forged = child_of(&parent, &impostor, 10);
        assert!(matches!(
            engine.verify(&forged, &parent, 10_000),
            Err(ConsensusError::BadSeal(_))
        ));
        let mut unsealed = forged.clone();
        unsealed.digest_mut().pop();
        assert!(matches!(
            engine.verify(&unsealed, &parent, 10_000),
            Err(ConsensusError::MissingSeal(..))
        ));
    }

    #[test]
    fn slots_must_increase_and_not_be_in_the_future() {
        let (engine, _) = engine(true);
        let parent = child_of(&genesis(), &engine, 10);
        let same_slot = {
            let mut header = Header::new(
                2,
                H256::zero(),
                H256::zero(),
                parent.hash(),
                Default::default(),
            );
            header
                .digest_mut()
                .push(DigestItem::PreRuntime(DEV_ENGINE_ID, 10u64.encode()));
            engine.seal(header).expect("seals")
        };
        assert!(matches!(
            engine.verify(&same_slot, &parent, 10_000),
            Err(ConsensusError::SlotNotIncreasing { .. })
        ));
        let future = child_of(&parent, &engine, 50);
        assert!(matches!(
            engine.verify(&future, &parent, 10_000),
            Err(ConsensusError::FutureSlot { .. })
        ));
    }

    #[test]
    fn verifier_without_key_cannot_author() {
        let (engine, _) = engine(false);
        assert!(engine.claim_slot(&genesis(), 1).is_none());
    }
}
