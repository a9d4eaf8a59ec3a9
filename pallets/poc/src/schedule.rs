//! Pure functions of the round and slot schedule (DESIGN §4 "Rounds"): where a slot falls in the
//! rounds after the current one, how a round's producers are ordered, and how round randomness
//! is accumulated and extended over rounds that had no block.
//!
//! Nothing here reads storage; [`crate::Pallet::slot_owner`] feeds these functions the pallet's
//! state, and the tests and property tests call them directly.

use alloc::vec::Vec;
use codec::Encode;
use sp_io::hashing::blake2_256;
use wcme_consensus_primitives::poc::{PackingKey, RoundIndex, Slot};

/// 32 bytes of round randomness.
pub type Randomness = [u8; 32];

/// The randomness of the round before round 0: all zeroes, so round 0's order is a fixed
/// function of the genesis agents' packing keys.
pub const GENESIS_RANDOMNESS: Randomness = [0; 32];

/// Where a slot falls: its round, its position in that round, and the round's first slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Position {
    /// The round the slot belongs to.
    pub round: RoundIndex,
    /// The slot's position in the round = the index of its producer.
    pub index: u32,
    /// The first slot of the round.
    pub round_start: Slot,
}

/// The lengths (in slots = producers) of the rounds from the current one on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Lengths {
    /// The current round, `N`.
    pub current: u64,
    /// Round `N + 1` (its membership is fixed).
    pub next: u64,
    /// Every round after `N + 1`, all with the membership computed from the current state
    /// (nothing can change it without a block).
    pub later: u64,
}

/// The first slot of round 0 when the chain's first POC block is authored in `slot` with a round
/// of `len` slots: `slot − slot mod len`. Slot `slot` is then position `slot mod len`, so
/// whichever genesis producer's slot comes first starts the chain. `None` if `len` is 0.
pub fn genesis_start(slot: Slot, len: u64) -> Option<Slot> {
    let offset = slot.checked_rem(len)?;
    slot.checked_sub(offset)
}

/// Where `slot` falls, given the current round `current` starting at `start` and the round
/// lengths. Rounds after `N + 1` all have length `lengths.later`, so the round is found by
/// division, in constant time however long the chain has stalled.
///
/// `None` if `slot` is before `start`, a needed length is 0, or the round index overflows.
pub fn locate(slot: Slot, current: RoundIndex, start: Slot, lengths: Lengths) -> Option<Position> {
    let mut offset = slot.checked_sub(start)?;
    if offset < lengths.current {
        return Some(Position {
            round: current,
            index: u32::try_from(offset).ok()?,
            round_start: start,
        });
    }
    offset = offset.checked_sub(lengths.current)?;
    let next_start = start.checked_add(lengths.current)?;
    if offset < lengths.next {
        return Some(Position {
            round: current.checked_add(1)?,
            index: u32::try_from(offset).ok()?,
            round_start: next_start,
        });
    }
    offset = offset.checked_sub(lengths.next)?;
    let later_start = next_start.checked_add(lengths.next)?;
    let rounds_after = offset.checked_div(lengths.later)?;
    let index = offset.checked_rem(lengths.later)?;
    let round = current
        .checked_add(2)?
        .checked_add(RoundIndex::try_from(rounds_after).ok()?)?;
    Some(Position {
        round,
        index: u32::try_from(index).ok()?,
        round_start: later_start.checked_add(rounds_after.checked_mul(lengths.later)?)?,
    })
}

/// The sort key of a producer in round `round`:
/// `blake2_256(packing key ‖ round index ‖ randomness of the previous round)`, the round index
/// SCALE-encoded (4 bytes, little endian).
pub fn order_key(key: &PackingKey, round: RoundIndex, previous: &Randomness) -> [u8; 32] {
    let mut input = Vec::with_capacity(32 + 4 + 32);
    input.extend_from_slice(key.as_ref());
    round.encode_to(&mut input);
    input.extend_from_slice(previous);
    blake2_256(&input)
}

/// Orders `items` for round `round` by [`order_key`] of the packing key `key_of` gives (ties,
/// impossible between distinct keys, fall back to the key itself).
pub fn order<P>(
    items: &mut [P],
    round: RoundIndex,
    previous: &Randomness,
    key_of: impl Fn(&P) -> PackingKey,
) {
    items.sort_by_cached_key(|item| {
        let key = key_of(item);
        (order_key(&key, round, previous), key.0)
    });
}

/// One block's contribution to its round's randomness: `blake2_256(acc ‖ parent_hash)`.
pub fn accumulate(acc: &Randomness, parent_hash: &[u8]) -> Randomness {
    let mut input = Vec::with_capacity(32usize.saturating_add(parent_hash.len()));
    input.extend_from_slice(acc);
    input.extend_from_slice(parent_hash);
    blake2_256(&input)
}

/// The randomness of round `round` when it had no block, `last` being the randomness of the last
/// round that had blocks: `blake2_256(last ‖ round)`.
///
/// A closed form rather than the chain `r_{k+1} = blake2_256(r_k ‖ k)`: it is as deterministic and
/// as unpredictable before `last` is fixed, differs for every skipped round, and costs one hash
/// however many rounds were skipped (the chain would cost one per skipped round, unbounded
/// during a long outage).
pub fn skipped_round_randomness(last: &Randomness, round: RoundIndex) -> Randomness {
    let mut input = Vec::with_capacity(32 + 4);
    input.extend_from_slice(last);
    round.encode_to(&mut input);
    blake2_256(&input)
}

/// The randomness that orders round `round`'s producers (the randomness of round `round − 1`),
/// when the current round is `current` with (complete or partial) randomness `acc`: `acc`
/// itself for round `current + 1`, [`skipped_round_randomness`] of round `round − 1` beyond
/// (rounds `current + 1 ..= round − 1` had no block).
pub fn ordering_randomness(current: RoundIndex, acc: &Randomness, round: RoundIndex) -> Randomness {
    if round > current.saturating_add(1) {
        skipped_round_randomness(acc, round.saturating_sub(1))
    } else {
        *acc
    }
}
