//! Catching a packing key that seals two different headers for one slot.
//!
//! An engine shows every header whose seal it verified to a [`SealWatch`]; the watch remembers
//! the first header per (slot, key) and turns a second, different one into
//! [`Evidence::Headers`], which the engine hands to its [`EquivocationSink`] (in a node: the
//! reporter that puts `report_equivocation_unsigned` into the transaction pool). The watch only
//! sees headers with valid seals, so nothing a peer makes up without the key can trigger it.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Mutex, PoisonError},
};

use wcme_consensus_primitives::poc::{Evidence, HeaderEquivocation, PackingKey, Slot};
use wcme_primitives::{Hash, Header};

/// Where an engine hands the equivocation it sees.
pub trait EquivocationSink: Send + Sync + 'static {
    /// `evidence` verified on its own ([`Evidence::check`] passes).
    fn report(&self, evidence: Evidence<Header>);
}

/// No one listens: tools that only import (benchmarks, `import-blocks`).
impl EquivocationSink for () {
    fn report(&self, _: Evidence<Header>) {}
}

/// Slots whose first headers are remembered; older ones are forgotten first. Two headers for
/// one slot arriving further apart than this go unnoticed by this node (another may see them).
pub const SEAL_WATCH_CAPACITY: usize = 4096;

/// The first sealed header seen per (slot, key), bounded by [`SEAL_WATCH_CAPACITY`].
#[derive(Default)]
pub struct SealWatch {
    inner: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    /// The first sealed header and the hash of its pre-header (without the seal).
    first: BTreeMap<(Slot, PackingKey), (Header, Hash)>,
    /// (slot, key) pairs already reported: one report each.
    reported: BTreeSet<(Slot, PackingKey)>,
}

impl SealWatch {
    /// Notes that `key` sealed `sealed` (whose pre-header hashes to `pre_hash`) for `slot`.
    /// Returns the evidence if `key` sealed a different header for `slot` before, the first
    /// time that happens for this slot and key.
    pub fn observe(
        &self,
        slot: Slot,
        key: PackingKey,
        sealed: &Header,
        pre_hash: Hash,
    ) -> Option<Evidence<Header>> {
        let mut seen = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let id = (slot, key);
        match seen.first.get(&id) {
            // sr25519 seals are randomised: the same pre-header sealed twice is no offence.
            Some((_, first_pre)) if *first_pre == pre_hash => None,
            Some(_) if seen.reported.contains(&id) => None,
            Some((first, _)) => {
                let evidence = Evidence::Headers(HeaderEquivocation {
                    offender: key,
                    first: first.clone(),
                    second: sealed.clone(),
                });
                seen.reported.insert(id);
                Some(evidence)
            }
            None => {
                seen.first.insert(id, (sealed.clone(), pre_hash));
                while seen.first.len() > SEAL_WATCH_CAPACITY {
                    let Some((oldest, _)) = seen.first.pop_first() else {
                        break;
                    };
                    seen.reported.remove(&oldest);
                }
                None
            }
        }
    }

    /// How many (slot, key) pairs are remembered.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .first
            .len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::{H256, Pair as _, sr25519};
    use sp_runtime::traits::Header as _;
    use wcme_consensus_primitives::poc::{PreDigest, seal_item};
    use wcme_primitives::DigestItem;

    fn pair(seed: &str) -> sr25519::Pair {
        sr25519::Pair::from_string(seed, None).expect("dev seed")
    }

    /// A header for `slot` with state root byte `state`, sealed by `key`, and its pre-hash.
    fn sealed(slot: Slot, state: u8, key: &sr25519::Pair) -> (Header, Hash) {
        let mut header = Header::new(
            1,
            H256::zero(),
            H256::repeat_byte(state),
            H256::zero(),
            Default::default(),
        );
        header.digest_mut().push(DigestItem::PreRuntime(
            wcme_consensus_primitives::poc::POC_ENGINE_ID,
            codec::Encode::encode(&PreDigest {
                round: 0,
                slot,
                author_index: 0,
            }),
        ));
        let pre = header.hash();
        header.digest_mut().push(seal_item(&key.sign(pre.as_ref())));
        (header, pre)
    }

    #[test]
    fn a_second_header_for_a_slot_is_evidence_that_checks_out_once() {
        let alice = pair("//Alice");
        let watch = SealWatch::default();
        let (first, first_pre) = sealed(7, 1, &alice);
        let (second, second_pre) = sealed(7, 2, &alice);
        assert_eq!(watch.observe(7, alice.public(), &first, first_pre), None);
        let evidence = watch
            .observe(7, alice.public(), &second, second_pre)
            .expect("equivocation");
        assert_eq!(evidence.check(), Ok(Some(7)));
        assert_eq!(evidence.offender(), &alice.public());
        // Reported once; a third header for the slot adds nothing.
        let (third, third_pre) = sealed(7, 3, &alice);
        assert_eq!(watch.observe(7, alice.public(), &third, third_pre), None);
    }

    #[test]
    fn resealing_one_header_other_slots_and_other_keys_are_not_evidence() {
        let (alice, bob) = (pair("//Alice"), pair("//Bob"));
        let watch = SealWatch::default();
        let (header, pre) = sealed(7, 1, &alice);
        let (resealed, resealed_pre) = sealed(7, 1, &alice);
        assert_ne!(
            header.hash(),
            resealed.hash(),
            "sr25519 seals are randomised"
        );
        assert_eq!(watch.observe(7, alice.public(), &header, pre), None);
        assert_eq!(
            watch.observe(7, alice.public(), &resealed, resealed_pre),
            None
        );
        let (next, next_pre) = sealed(8, 2, &alice);
        assert_eq!(watch.observe(8, alice.public(), &next, next_pre), None);
        let (bobs, bobs_pre) = sealed(7, 2, &bob);
        assert_eq!(watch.observe(7, bob.public(), &bobs, bobs_pre), None);
    }

    #[test]
    fn memory_is_bounded_and_forgets_the_oldest_slots() {
        let alice = pair("//Alice");
        let watch = SealWatch::default();
        let (header, pre) = sealed(0, 1, &alice);
        for slot in 0..(SEAL_WATCH_CAPACITY as u64 + 10) {
            watch.observe(slot, alice.public(), &header, pre);
        }
        assert_eq!(watch.len(), SEAL_WATCH_CAPACITY);
        // Slot 0 was forgotten: a conflicting header for it is remembered afresh, not reported.
        let (other, other_pre) = sealed(0, 2, &alice);
        assert_eq!(watch.observe(0, alice.public(), &other, other_pre), None);
    }
}
