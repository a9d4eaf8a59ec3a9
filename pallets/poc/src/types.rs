//! The records the POC pallet stores: agents, delegations, the producers of a round and the round
//! itself, with their conversions to the [`wcme_consensus_primitives::poc`] views the runtime API
//! returns.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
    BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound, traits::Get,
};
use scale_info::TypeInfo;
use sp_core::U256;
use sp_runtime::Perbill;
use wcme_consensus_primitives::poc::{
    AgentStatus, PackingKey, Producer, RoundIndex, RoundInfo, Slot,
};

/// Balances of the POC pallet: WCME in 10⁻¹² units, as `u128` (the runtime's `Balance`).
pub type Balance = u128;

/// Where an agent is in its life, as stored: the same type the runtime API shows.
pub type AgentState<BlockNumber> = AgentStatus<BlockNumber>;

/// A registered agent (DESIGN §4 "Join").
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct AgentRecord<AccountId, BlockNumber> {
    /// The key the agent's node seals blocks and signs votes with.
    pub packing_key: PackingKey,
    /// Where the agent's part of each coinbase is paid.
    pub reward_account: AccountId,
    /// The agent's commission on its delegators' part of each coinbase.
    pub commission: Perbill,
    /// The agent's own deposit, held on its account.
    pub deposit: Balance,
    /// The sum of all delegations to the agent (each held on its delegator's account).
    pub delegated: Balance,
    /// How many accounts delegate to the agent.
    pub delegators: u32,
    /// Active, stopped or red-carded.
    pub state: AgentState<BlockNumber>,
    /// Yellow cards froze the deposit until this block, if any: it cannot be withdrawn before.
    pub frozen_until: Option<BlockNumber>,
    /// Delegators' reward per unit of delegated stake, scaled by
    /// [`crate::rewards::ACC_SCALE`], accumulated over the agent's life (the reward-per-share of
    /// MasterChef / F1 distribution). Only ever grows.
    pub reward_per_stake: U256,
}

impl<AccountId, BlockNumber> AgentRecord<AccountId, BlockNumber> {
    /// Deposit plus delegations: the agent's stake.
    pub fn stake(&self) -> Balance {
        self.deposit.saturating_add(self.delegated)
    }
}

/// One delegation: `amount` held on the delegator's account for an agent.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Debug,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
pub struct Delegation {
    /// The delegated amount.
    pub amount: Balance,
    /// The agent's [`AgentRecord::reward_per_stake`] when this delegation's rewards were last
    /// settled: its reward debt. The pending reward is
    /// `⌊amount · (reward_per_stake − reward_snapshot) / ACC_SCALE⌋`.
    pub reward_snapshot: U256,
}

/// One producer of a round as stored: the snapshot of an agent taken when the round's membership
/// was fixed.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct ProducerRecord<AccountId> {
    /// The agent's account.
    pub agent: AccountId,
    /// Its packing key.
    pub packing_key: PackingKey,
    /// Deposit plus delegations at the snapshot.
    pub stake: Balance,
    /// `stake · max(0, credit)` at the snapshot: the coinbase weight.
    pub reward_weight: Balance,
}

impl<AccountId: Clone> ProducerRecord<AccountId> {
    /// The runtime API's view of this producer.
    pub fn to_producer(&self) -> Producer<AccountId, Balance> {
        Producer {
            agent: self.agent.clone(),
            packing_key: self.packing_key,
            stake: self.stake,
            reward_weight: self.reward_weight,
        }
    }
}

/// The producers of a round, at most `S` of them.
pub type ProducersOf<AccountId, S> = BoundedVec<ProducerRecord<AccountId>, S>;

/// The current round as stored.
#[derive(
    CloneNoBound,
    PartialEqNoBound,
    EqNoBound,
    DebugNoBound,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
)]
#[scale_info(skip_type_params(S))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct RoundState<AccountId, S>
where
    AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
    S: Get<u32>,
{
    /// The round's index; round 0 is the genesis round.
    pub index: RoundIndex,
    /// The round's first slot. `None` only for round 0 before the chain's first POC block: that
    /// block fixes it (see [`crate::schedule::genesis_start`]).
    pub start_slot: Option<Slot>,
    /// The producers in slot order: slot `start_slot + i` belongs to `producers[i]`.
    pub producers: ProducersOf<AccountId, S>,
    /// `Σ reward_weight` of the producers: the denominator of the coinbase shares.
    pub total_weight: Balance,
}

impl<AccountId, S> RoundState<AccountId, S>
where
    AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
    S: Get<u32>,
{
    /// Number of slots (= producers) in the round.
    pub fn len(&self) -> u64 {
        u64::try_from(self.producers.len()).unwrap_or(u64::MAX)
    }

    /// Whether the round has no producers (only a chain without genesis agents).
    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }

    /// The runtime API's view of this round (`start_slot` 0 until the first block fixes it).
    pub fn to_info(&self) -> RoundInfo<AccountId, Balance> {
        RoundInfo {
            index: self.index,
            start_slot: self.start_slot.unwrap_or_default(),
            producers: self
                .producers
                .iter()
                .map(ProducerRecord::to_producer)
                .collect(),
        }
    }
}

/// `Σ reward_weight` of `producers`, saturating.
pub fn total_weight<AccountId>(producers: &[ProducerRecord<AccountId>]) -> Balance {
    producers
        .iter()
        .fold(0, |sum: Balance, p| sum.saturating_add(p.reward_weight))
}

/// The author of the block being executed, noted in `on_initialize` for `on_finalize` and the
/// fee handler. Never in storage between blocks.
#[derive(
    Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct BlockAuthor<AccountId> {
    /// The author's agent account.
    pub agent: AccountId,
    /// The round of the block.
    pub round: RoundIndex,
    /// The author's reward weight in that round.
    pub reward_weight: Balance,
}
