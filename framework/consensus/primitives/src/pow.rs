//! Proof-of-Work: digests, seals, the work check and difficulty adjustment.
//!
//! PoW is for test and demo subchains, where anyone may author and no runtime schedule is
//! wanted. A PoW block carries two digest items of engine [`POW_ENGINE_ID`]:
//!
//! - a pre-runtime [`PowPreDigest`] with the block's slot and the difficulty it was mined at;
//!   the difficulty is fixed by the parent alone ([`next_difficulty`]), so an importer checks it
//!   without reading any state;
//! - last, a seal: the 8-byte little-endian nonce ([`seal_item`]) for which
//!   `blake2_256(pre_hash ‖ nonce)` meets the difficulty ([`meets_difficulty`]).
//!
//! Everything here is a pure function over headers and numbers, so a runtime, the node's engine
//! and a light client compute the same answers.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{H256, U256};
use sp_runtime::{
    ConsensusEngineId, DigestItem,
    traits::{BlakeTwo256, Hash as _, Header as HeaderT},
};

/// Engine id of Proof-of-Work in digests; distinct from every other engine's so a PoW seal is
/// never mistaken for another engine's.
pub const POW_ENGINE_ID: ConsensusEngineId = *b"wpow";

/// The lowest difficulty: one expected hash per block. Difficulty never adjusts below it, since
/// difficulty 0 would make every nonce invalid and halt the chain.
pub const MIN_DIFFICULTY: u128 = 1;

/// The most steps one block eases the difficulty by in [`next_difficulty`]: a chain stalled for
/// a long time recovers over several blocks rather than jumping back to trivial difficulty in
/// one (a single block with a huge slot gap must not make its successors nearly free).
const MAX_EASING_STEPS: i128 = 8;

/// The fraction of the parent's difficulty one adjustment step moves it by (1/16, as in
/// Ethereum's Homestead rule): small enough that noise in block times does not oscillate it.
const STEP_DIVISOR: u128 = 16;

/// The pre-runtime digest of a PoW block.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
    Debug,
)]
pub struct PowPreDigest {
    /// The slot the block was mined in: bounds its timestamp and drives difficulty adjustment.
    pub slot: u64,
    /// The difficulty the seal must meet: expected hashes per block. Carried in the header so
    /// a child's difficulty follows from its parent's header alone.
    pub difficulty: u128,
}

impl PowPreDigest {
    /// This digest as a header item: what the miner pushes before sealing.
    pub fn to_digest_item(&self) -> DigestItem {
        DigestItem::PreRuntime(POW_ENGINE_ID, self.encode())
    }
}

/// Why a header's PoW digest items are not acceptable. Pure format errors: whether the work
/// meets the difficulty, and whether the difficulty is the right one, are checked separately.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DigestError {
    /// No PoW pre-runtime digest.
    MissingPreDigest,
    /// More than one PoW pre-runtime digest: which one would count is ambiguous.
    DuplicatePreDigest,
    /// The pre-runtime digest does not decode exactly (garbage or trailing bytes).
    MalformedPreDigest,
    /// The last digest item is not a PoW seal.
    MissingSeal,
    /// A PoW seal is left after removing the last one: a header has exactly one seal.
    DuplicateSeal,
    /// The seal is not an 8-byte nonce.
    MalformedSeal,
}

/// The PoW pre-runtime digest of a header (sealed or not): exactly one must be present, and it
/// must decode without trailing bytes, so one digest has exactly one encoding.
pub fn find_pre_digest<H: HeaderT>(header: &H) -> Result<PowPreDigest, DigestError> {
    let mut found = None;
    for item in header.digest().logs() {
        if let DigestItem::PreRuntime(id, data) = item
            && *id == POW_ENGINE_ID
        {
            if found.is_some() {
                return Err(DigestError::DuplicatePreDigest);
            }
            let mut input = &data[..];
            let digest =
                PowPreDigest::decode(&mut input).map_err(|_| DigestError::MalformedPreDigest)?;
            // Trailing bytes would let two encodings (two pre-hashes) mean one digest.
            if !input.is_empty() {
                return Err(DigestError::MalformedPreDigest);
            }
            found = Some(digest);
        }
    }
    found.ok_or(DigestError::MissingPreDigest)
}

/// Splits a sealed header into the header without its seal (the pre-header, whose hash the work
/// covers) and the seal's nonce. The seal must be the last item, exactly 8 bytes, and the only
/// PoW seal.
pub fn split_seal<H: HeaderT>(header: &H) -> Result<(H, u64), DigestError> {
    let mut pre_header = header.clone();
    let nonce = match pre_header.digest_mut().pop() {
        Some(DigestItem::Seal(id, data)) if id == POW_ENGINE_ID => {
            let bytes: [u8; 8] = data
                .as_slice()
                .try_into()
                .map_err(|_| DigestError::MalformedSeal)?;
            u64::from_le_bytes(bytes)
        }
        _ => return Err(DigestError::MissingSeal),
    };
    let another_seal = pre_header
        .digest()
        .logs()
        .iter()
        .any(|item| matches!(item, DigestItem::Seal(id, _) if *id == POW_ENGINE_ID));
    if another_seal {
        return Err(DigestError::DuplicateSeal);
    }
    Ok((pre_header, nonce))
}

/// The seal item for a nonce: its SCALE (8-byte little-endian) encoding, which is what
/// [`split_seal`] reads back.
pub fn seal_item(nonce: u64) -> DigestItem {
    DigestItem::Seal(POW_ENGINE_ID, nonce.encode())
}

/// The work of a nonce on a pre-header: `blake2_256(pre_hash ‖ nonce as 8 LE bytes)`. Binding
/// the pre-hash means work done for one header is worthless for any other.
pub fn work_hash(pre_hash: &H256, nonce: u64) -> [u8; 32] {
    let mut input = [0u8; 40];
    input[..32].copy_from_slice(pre_hash.as_bytes());
    input[32..].copy_from_slice(&nonce.to_le_bytes());
    BlakeTwo256::hash(&input).0
}

/// Whether `nonce` is a valid proof of work for `pre_hash` at `difficulty`: the work, read as a
/// big-endian 256-bit number, is at most `U256::MAX / difficulty`. A uniformly random hash meets
/// that with probability ≈ `1 / difficulty`, so the difficulty is the expected number of hashes
/// per block. Difficulty 0 is never met (it has no meaning and must not make everything valid).
pub fn meets_difficulty(pre_hash: &H256, nonce: u64, difficulty: u128) -> bool {
    if difficulty == 0 {
        return false;
    }
    let work = U256::from_big_endian(&work_hash(pre_hash, nonce));
    work <= U256::MAX / U256::from(difficulty)
}

/// The difficulty of a block in `slot` whose parent was mined in `parent_slot` at
/// `parent_difficulty`, aiming at one block every `target_slots` slots (0 counts as 1).
///
/// Homestead-style, so it needs only the parent, not a window of ancestors: with
/// `step = max(parent / 16, 1)` and `gap = slot - parent_slot`, the result is
/// `parent + step · max(1 - gap / target_slots, -8)`. A block faster than the target makes the
/// next one harder by one step, one within `[target, 2·target)` keeps it, slower ones ease it by
/// one step per extra target interval, at most 8. Saturating throughout, so no input panics, and
/// never below [`MIN_DIFFICULTY`].
pub fn next_difficulty(
    parent_difficulty: u128,
    parent_slot: u64,
    slot: u64,
    target_slots: u64,
) -> u128 {
    let step = (parent_difficulty / STEP_DIVISOR).max(1);
    let gap = slot.saturating_sub(parent_slot);
    let intervals = i128::from(gap / target_slots.max(1));
    let factor = (1 - intervals).max(-MAX_EASING_STEPS);
    let change = step.saturating_mul(factor.unsigned_abs());
    let next = if factor >= 0 {
        parent_difficulty.saturating_add(change)
    } else {
        parent_difficulty.saturating_sub(change)
    };
    next.max(MIN_DIFFICULTY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sp_runtime::generic;

    type Header = generic::Header<u32, BlakeTwo256>;

    fn header() -> Header {
        Header::new(
            1,
            H256::repeat_byte(1),
            H256::repeat_byte(2),
            H256::repeat_byte(3),
            Default::default(),
        )
    }

    fn digest() -> PowPreDigest {
        PowPreDigest {
            slot: 42,
            difficulty: 1_000,
        }
    }

    #[test]
    fn pre_digest_and_seal_round_trip() {
        let mut header = header();
        header.digest_mut().push(digest().to_digest_item());
        let pre_hash = header.hash();
        let pre_header = header.clone();
        header.digest_mut().push(seal_item(0x0102_0304_0506_0708));
        assert_eq!(find_pre_digest(&header), Ok(digest()));
        let (split, nonce) = split_seal(&header).expect("sealed");
        assert_eq!(nonce, 0x0102_0304_0506_0708);
        assert_eq!(split, pre_header);
        assert_eq!(split.hash(), pre_hash);
        assert_eq!(find_pre_digest(&split), Ok(digest()));
    }

    #[test]
    fn pre_digest_must_be_single_and_exact() {
        let mut header = header();
        assert_eq!(find_pre_digest(&header), Err(DigestError::MissingPreDigest));
        // Other engines' pre-digests are not ours.
        header
            .digest_mut()
            .push(DigestItem::PreRuntime(*b"wpoc", digest().encode()));
        assert_eq!(find_pre_digest(&header), Err(DigestError::MissingPreDigest));
        header.digest_mut().push(digest().to_digest_item());
        assert_eq!(find_pre_digest(&header), Ok(digest()));
        header.digest_mut().push(digest().to_digest_item());
        assert_eq!(
            find_pre_digest(&header),
            Err(DigestError::DuplicatePreDigest)
        );

        let mut padded = self::header();
        let mut bytes = digest().encode();
        bytes.push(0);
        padded
            .digest_mut()
            .push(DigestItem::PreRuntime(POW_ENGINE_ID, bytes));
        assert_eq!(
            find_pre_digest(&padded),
            Err(DigestError::MalformedPreDigest)
        );

        let mut garbage = self::header();
        garbage
            .digest_mut()
            .push(DigestItem::PreRuntime(POW_ENGINE_ID, vec![1, 2, 3]));
        assert_eq!(
            find_pre_digest(&garbage),
            Err(DigestError::MalformedPreDigest)
        );
    }

    #[test]
    fn seal_must_be_last_single_and_eight_bytes() {
        let mut unsealed = header();
        unsealed.digest_mut().push(digest().to_digest_item());
        assert_eq!(
            split_seal(&unsealed).map(|_| ()),
            Err(DigestError::MissingSeal)
        );

        let mut short = unsealed.clone();
        short
            .digest_mut()
            .push(DigestItem::Seal(POW_ENGINE_ID, vec![0; 7]));
        assert_eq!(
            split_seal(&short).map(|_| ()),
            Err(DigestError::MalformedSeal)
        );

        let mut long = unsealed.clone();
        long.digest_mut()
            .push(DigestItem::Seal(POW_ENGINE_ID, vec![0; 9]));
        assert_eq!(
            split_seal(&long).map(|_| ()),
            Err(DigestError::MalformedSeal)
        );

        let mut foreign = unsealed.clone();
        foreign
            .digest_mut()
            .push(DigestItem::Seal(*b"wpoc", 7u64.encode()));
        assert_eq!(
            split_seal(&foreign).map(|_| ()),
            Err(DigestError::MissingSeal)
        );

        let mut not_last = unsealed.clone();
        not_last.digest_mut().push(seal_item(7));
        not_last.digest_mut().push(DigestItem::Other(vec![1, 2, 3]));
        assert_eq!(
            split_seal(&not_last).map(|_| ()),
            Err(DigestError::MissingSeal)
        );

        let mut twice = unsealed;
        twice.digest_mut().push(seal_item(7));
        twice.digest_mut().push(seal_item(8));
        assert_eq!(
            split_seal(&twice).map(|_| ()),
            Err(DigestError::DuplicateSeal)
        );
    }

    #[test]
    fn difficulty_is_expected_hashes_per_block() {
        let pre_hash = H256::repeat_byte(7);
        // Difficulty 2: valid iff the work's top bit is clear.
        for nonce in 0..256 {
            let top_bit_clear = work_hash(&pre_hash, nonce)[0] & 0x80 == 0;
            assert_eq!(meets_difficulty(&pre_hash, nonce, 2), top_bit_clear);
            assert!(meets_difficulty(&pre_hash, nonce, 1));
            assert!(!meets_difficulty(&pre_hash, nonce, 0));
        }
        // Difficulty 16: about one nonce in 16 (4096 tries, expected 256).
        let hits = (0..4096u64)
            .filter(|nonce| meets_difficulty(&pre_hash, *nonce, 16))
            .count();
        assert!((150..=370).contains(&hits), "{hits} hits");
        // The work binds the pre-hash: a nonce found for one header says nothing of another.
        assert_ne!(work_hash(&pre_hash, 1), work_hash(&H256::repeat_byte(8), 1));
    }

    #[test]
    fn difficulty_adjusts_like_homestead() {
        // Target 4 slots: faster is harder by 1/16, [4, 8) keeps it, slower eases step by step.
        assert_eq!(next_difficulty(1_600, 10, 11, 4), 1_700);
        assert_eq!(next_difficulty(1_600, 10, 13, 4), 1_700);
        assert_eq!(next_difficulty(1_600, 10, 14, 4), 1_600);
        assert_eq!(next_difficulty(1_600, 10, 17, 4), 1_600);
        assert_eq!(next_difficulty(1_600, 10, 18, 4), 1_500);
        assert_eq!(next_difficulty(1_600, 10, 22, 4), 1_400);
        assert_eq!(next_difficulty(1_600, 10, 10 + 9 * 4, 4), 800);
        assert_eq!(next_difficulty(1_600, 10, u64::MAX, 4), 800);
        // Small difficulties still move by at least one, and never below the minimum.
        assert_eq!(next_difficulty(1, 10, 11, 4), 2);
        assert_eq!(next_difficulty(3, 10, 1_000, 4), MIN_DIFFICULTY);
        assert_eq!(next_difficulty(0, 10, 14, 4), MIN_DIFFICULTY);
        // Target 0 counts as 1; saturation at the top.
        assert_eq!(next_difficulty(1_600, 10, 11, 0), 1_600);
        assert_eq!(next_difficulty(u128::MAX, 10, 11, 4), u128::MAX);
        // A slot before the parent's (invalid anyway) counts as no gap.
        assert_eq!(next_difficulty(1_600, 10, 5, 4), 1_700);
    }

    proptest! {
        #[test]
        fn next_difficulty_is_bounded_and_monotone(
            parent in any::<u128>(),
            parent_slot in any::<u64>(),
            gap in any::<u64>(),
            extra in any::<u64>(),
            target in any::<u64>(),
        ) {
            let slot = parent_slot.saturating_add(gap);
            let next = next_difficulty(parent, parent_slot, slot, target);
            prop_assert!(next >= MIN_DIFFICULTY);
            let step = (parent / 16).max(1);
            prop_assert!(next.abs_diff(parent) <= step.saturating_mul(8));
            let later = next_difficulty(parent, parent_slot, slot.saturating_add(extra), target);
            prop_assert!(later <= next);
        }

        #[test]
        fn next_difficulty_never_panics(
            parent in any::<u128>(),
            parent_slot in any::<u64>(),
            slot in any::<u64>(),
            target in any::<u64>(),
        ) {
            prop_assert!(next_difficulty(parent, parent_slot, slot, target) >= MIN_DIFFICULTY);
        }

        #[test]
        fn trivial_difficulty_always_met_maximal_never(
            bytes in any::<[u8; 32]>(),
            nonce in any::<u64>(),
        ) {
            let pre_hash = H256(bytes);
            prop_assert!(meets_difficulty(&pre_hash, nonce, MIN_DIFFICULTY));
            // Probability ≈ 2^-128 per try.
            prop_assert!(!meets_difficulty(&pre_hash, nonce, u128::MAX));
            prop_assert!(!meets_difficulty(&pre_hash, nonce, 0));
        }

        #[test]
        fn digests_round_trip(
            slot in any::<u64>(),
            difficulty in any::<u128>(),
            nonce in any::<u64>(),
        ) {
            let pre = PowPreDigest { slot, difficulty };
            let mut header = header();
            header.digest_mut().push(pre.to_digest_item());
            let pre_header = header.clone();
            header.digest_mut().push(seal_item(nonce));
            prop_assert_eq!(split_seal(&header), Ok((pre_header, nonce)));
            prop_assert_eq!(find_pre_digest(&header), Ok(pre));
        }
    }
}
