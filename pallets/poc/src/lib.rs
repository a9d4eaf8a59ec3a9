//! # WCME Proof-of-Credit pallet
//!
//! The runtime half of Proof-of-Credit (DESIGN §4): who may produce blocks, in which slot, and
//! what they earn. The node-side engine (`wcme-consensus`'s POC engine) asks this pallet through
//! the [`PocApi`](wcme_consensus_primitives::poc::PocApi) runtime API who owns a slot, authors
//! or imports the block, and the pallet checks the block's pre-digest against the very same
//! function ([`Pallet::slot_owner`]) when the block executes.
//!
//! - **Agents and delegations.** [`Pallet::register_agent`] holds a deposit in
//!   [`Config::MinDeposit`]`..=`[`Config::MaxDeposit`] on the agent's account
//!   ([`HoldReason::AgentDeposit`]); others [`Pallet::delegate`] stake to it, held on their own
//!   accounts ([`HoldReason::Delegation`]), and [`Pallet::undelegate`] it back at once.
//!   [`Pallet::stop_agent`] refunds every delegator and unlocks the deposit after
//!   [`Config::StopLock`]; [`Pallet::withdraw_unlocked`] releases it.
//! - **Rounds and slots.** A round has one slot per producer. The membership of round `N + 1`
//!   (agents with their stake and coinbase weight) is fixed in the first block of round `N`; at
//!   the start of round `N + 1` it is ordered by
//!   `blake2_256(packing key ‖ N + 1 ‖ randomness of round N)`, the randomness of a round
//!   accumulating the parent hash of each of its blocks. [`Pallet::slot_owner`] is the one
//!   definition of who owns a slot; see [`schedule`] for the arithmetic.
//! - **Cards.** Every slot between the parent's slot and the block's own was missed: its owner
//!   gets a yellow card through [`CreditRecorder::note_yellow_card`], which freezes its deposit
//!   for [`Config::YellowCardFreeze`] or, at credit −1, turns into a red card. Anyone may
//!   [`Pallet::report_equivocation`]: valid evidence red-cards the offender, stops its agent,
//!   refunds its delegators and locks its deposit for [`Config::RedCardLock`].
//! - **Coinbase.** Each POC block mints its author's share of the round's inflation plus the
//!   block's fees ([`DealWithFees`]), split between the agent and its delegators (see
//!   [`rewards`]); delegators collect lazily through a reward-per-stake accumulator.
//!
//! A block without a POC pre-digest (the `--dev` chain's single-authority engine) is ignored
//! entirely: no round, no card, no coinbase, and its fees are burned.
//!
//! ## Divergences from DESIGN §4 (see `docs/poc.md`)
//!
//! - *Yellow cards "as an inherent that every importer recomputes and must match"*: the runtime
//!   derives the missed slots itself from the parent's slot and the block's pre-digest. Same
//!   result, and there is nothing for an author to forge or omit. At most one round of slots
//!   (the length of the block's round) is looked at, and each agent gets at most one card per
//!   gap, so a network-wide outage does not red-card everyone.
//! - *Randomness of rounds without a block* is `blake2_256(r ‖ k)` of the last round `r` that had
//!   blocks ([`schedule::skipped_round_randomness`]) rather than a chain over the skipped rounds:
//!   one hash however long the chain stalled.
//! - *Membership fixed one round ahead*: an agent that stops or is red-carded after the snapshot
//!   is dropped from the next round at once (it keeps its slot in the current round). If that
//!   empties the next round, the current producers are kept.
//! - *Coinbase weight* `w = stake · max(0, credit)` is taken when the membership is fixed, as the
//!   credit pallet advises; genesis agents start with credit 0, so rounds 0 and 1 pay fees only.
//! - *Red-carded authors* (red-carded during their own round) get no coinbase; their block's
//!   fees are burned.
//! - [`Config::PackingKeyAccount`] is an addition: it maps a packing key to the account id it
//!   would sign as, for the "packing key ≠ agent and reward account" rule.
//!
//! ## Weights
//!
//! [`weights::SubstrateWeight`] is a hand-derived upper bound (see `weights.rs`);
//! `benchmarking.rs` (feature `runtime-benchmarks`) has a benchmark per call.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod rewards;
pub mod schedule;
pub mod types;
pub mod weights;

pub use types::{
    AgentRecord, AgentState, Balance, BlockAuthor, Delegation, ProducerRecord, RoundState,
};
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// Default slot length of the genesis config: 6 s (DESIGN §4).
pub const DEFAULT_SLOT_DURATION_MS: u64 = 6_000;

/// Shortest slot a chain may choose at genesis: 1 s.
pub const MIN_SLOT_DURATION_MS: u64 = 1_000;

#[frame_support::pallet]
pub mod pallet {
    use super::{DEFAULT_SLOT_DURATION_MS, MIN_SLOT_DURATION_MS, WeightInfo};
    use crate::{
        rewards,
        schedule::{self, GENESIS_RANDOMNESS, Lengths, Position, Randomness},
        types::{
            AgentRecord, AgentState, Balance, BlockAuthor, Delegation, ProducerRecord, ProducersOf,
            RoundState, total_weight,
        },
    };
    use alloc::{boxed::Box, vec::Vec};
    use frame_support::{
        dispatch::{DispatchResultWithPostInfo, Pays, PostDispatchInfo},
        pallet_prelude::*,
        traits::{
            Imbalance, OnUnbalanced,
            fungible::{self, Balanced, InspectHold, Mutate, MutateHold},
            tokens::Precision,
        },
    };
    use frame_system::pallet_prelude::*;
    use pallet_wcme_credit::{
        Credit as CreditValue, CreditProvider, CreditRecorder, RedCardReason, YellowCardOutcome,
    };
    use sp_core::U256;
    use sp_runtime::{
        Perbill, Saturating,
        traits::{Convert, Header as HeaderT, StaticLookup, Zero},
    };
    use wcme_consensus_primitives::poc::{
        AgentInfo, CreditInfo, DigestError, Evidence, EvidenceError, PackingKey, RoundIndex,
        RoundInfo, Slot, SlotOwner, find_pre_digest,
    };

    /// The source an account id is looked up from in calls (`MultiAddress` on WCME runtimes).
    pub type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

    /// An agent record as stored.
    pub type AgentRecordOf<T> =
        AgentRecord<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

    /// The producers of a round as stored: at most `MaxAgents`.
    pub type ProducerListOf<T> =
        ProducersOf<<T as frame_system::Config>::AccountId, <T as Config>::MaxAgents>;

    /// The current round as stored.
    pub type RoundStateOf<T> =
        RoundState<<T as frame_system::Config>::AccountId, <T as Config>::MaxAgents>;

    /// An agent as the runtime API shows it.
    pub type AgentInfoOf<T> =
        AgentInfo<<T as frame_system::Config>::AccountId, Balance, BlockNumberFor<T>>;

    /// One genesis agent: account, packing key, reward account, commission, deposit.
    pub type GenesisAgent<AccountId> = (AccountId, PackingKey, AccountId, Perbill, Balance);

    /// A fungible credit (an imbalance) of the pallet's currency, as fees arrive.
    pub type CreditOf<T> =
        fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

    /// The pallet: Proof-of-Credit agents, rounds, cards and coinbase.
    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Why the pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// An agent's own deposit.
        #[codec(index = 0)]
        AgentDeposit,
        /// Stake delegated to an agent.
        #[codec(index = 1)]
        Delegation,
    }

    /// Configuration of the POC pallet. Every DESIGN §4 constant is here, so a subchain can
    /// choose its own.
    #[pallet::config]
    pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
        /// WCME: minted for the coinbase, held for deposits and delegations.
        type Currency: Mutate<Self::AccountId, Balance = Balance>
            + MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

        /// The runtime's hold reasons, which contain this pallet's [`HoldReason`].
        type RuntimeHoldReason: From<HoldReason>;

        /// Credit: read through [`CreditProvider`], reported to through [`CreditRecorder`]
        /// (the credit pallet, never its storage).
        type Credit: CreditProvider<Self::AccountId> + CreditRecorder<Self::AccountId>;

        /// The account id a packing key signs as (`AccountId32` of its public key on WCME
        /// runtimes), for the rule that the packing key is neither the agent nor its reward
        /// account.
        type PackingKeyAccount: Convert<PackingKey, Self::AccountId>;

        /// Smallest agent deposit (NULS: 20 000).
        #[pallet::constant]
        type MinDeposit: Get<Balance>;

        /// Largest agent deposit (NULS: 200 000).
        #[pallet::constant]
        type MaxDeposit: Get<Balance>;

        /// Smallest delegation, and smallest amount a partial undelegation may leave (NULS:
        /// 2 000).
        #[pallet::constant]
        type MinDelegation: Get<Balance>;

        /// Largest total delegated to one agent.
        #[pallet::constant]
        type MaxDelegated: Get<Balance>;

        /// Most accounts delegating to one agent.
        #[pallet::constant]
        type MaxDelegatorsPerAgent: Get<u32>;

        /// Most agents registered at once (stopped ones awaiting withdrawal included), and so
        /// most producers in a round.
        #[pallet::constant]
        type MaxAgents: Get<u32>;

        /// Lowest commission an agent may set.
        #[pallet::constant]
        type MinCommission: Get<Perbill>;

        /// Credit an account needs to register an agent (0 lets new accounts register).
        #[pallet::constant]
        type EntryThreshold: Get<CreditValue>;

        /// Blocks a stopped agent's deposit stays held (NULS: 3 days).
        #[pallet::constant]
        type StopLock: Get<BlockNumberFor<Self>>;

        /// Blocks a yellow card freezes the agent's deposit for (whitepaper: 72 h).
        #[pallet::constant]
        type YellowCardFreeze: Get<BlockNumberFor<Self>>;

        /// Blocks a red-carded agent's deposit stays locked (whitepaper: one month).
        #[pallet::constant]
        type RedCardLock: Get<BlockNumberFor<Self>>;

        /// Inflation paid to producers per year (DESIGN: 5 000 000 WCME).
        #[pallet::constant]
        type AnnualInflation: Get<Balance>;

        /// Weights of this pallet's calls and hooks.
        type WeightInfo: WeightInfo;
    }

    /// Length of a slot in milliseconds, chosen at genesis (at least 1 s).
    #[pallet::storage]
    pub type SlotDuration<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Every registered agent, active, stopped or red-carded, by account. Removed by
    /// [`Pallet::withdraw_unlocked`].
    #[pallet::storage]
    pub type Agents<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, AgentRecordOf<T>>;

    /// Number of entries of [`Agents`]; at most `MaxAgents`.
    #[pallet::storage]
    pub type AgentCount<T: Config> = StorageValue<_, u32, ValueQuery>;

    /// The account that registered each packing key. Never removed: a packing key is used once,
    /// and evidence against it finds its agent even after the agent left.
    #[pallet::storage]
    pub type PackingKeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, PackingKey, T::AccountId>;

    /// Delegations: `(agent, delegator) → delegation`. At most `MaxDelegatorsPerAgent` per
    /// agent; an agent that stops has none.
    #[pallet::storage]
    pub type Delegations<T: Config> = StorageDoubleMap<
        _,
        Blake2_128Concat,
        T::AccountId,
        Blake2_128Concat,
        T::AccountId,
        Delegation,
    >;

    /// Index of [`Delegations`] by delegator: `(delegator, agent) → ()`. At most one entry per
    /// registered agent.
    #[pallet::storage]
    pub type DelegatorAgents<T: Config> =
        StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, ()>;

    /// The current round: index, first slot, producers in slot order. Absent only on a chain
    /// whose genesis did not configure this pallet.
    #[pallet::storage]
    pub type CurrentRound<T: Config> = StorageValue<_, RoundStateOf<T>>;

    /// The membership of the next round, fixed in the first block of the current one (agents
    /// that stopped since are removed). Ordered for its round only when that round starts.
    #[pallet::storage]
    pub type NextProducers<T: Config> = StorageValue<_, ProducerListOf<T>, ValueQuery>;

    /// The randomness of the current round so far: the previous round's value, then
    /// `blake2_256(acc ‖ parent hash)` for each block of this round.
    #[pallet::storage]
    pub type RoundRandomness<T: Config> = StorageValue<_, [u8; 32], ValueQuery>;

    /// The slot of the last POC block; a block's slot must be greater.
    #[pallet::storage]
    pub type LastSlot<T: Config> = StorageValue<_, Slot>;

    /// The author of the block being executed. Set in `on_initialize`, taken in `on_finalize`:
    /// never present between blocks.
    #[pallet::storage]
    pub type CurrentAuthor<T: Config> = StorageValue<_, BlockAuthor<T::AccountId>>;

    /// Fees collected by [`crate::DealWithFees`] in the block being executed (burned, re-minted
    /// into the author's coinbase). Taken in `on_finalize`: never present between blocks.
    #[pallet::storage]
    pub type BlockFees<T: Config> = StorageValue<_, Balance, ValueQuery>;

    /// Genesis: the slot length and the first agents, who form rounds 0 and 1.
    #[pallet::genesis_config]
    pub struct GenesisConfig<T: Config> {
        /// Slot length in milliseconds, at least 1000.
        pub slot_duration_ms: u64,
        /// `(agent, packing key, reward account, commission, deposit)`, registered under the
        /// rules of [`Pallet::register_agent`]; their deposits are held, not minted.
        pub agents: Vec<GenesisAgent<T::AccountId>>,
    }

    impl<T: Config> Default for GenesisConfig<T> {
        fn default() -> Self {
            Self {
                slot_duration_ms: DEFAULT_SLOT_DURATION_MS,
                agents: Vec::new(),
            }
        }
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            assert!(
                self.slot_duration_ms >= MIN_SLOT_DURATION_MS,
                "pallet-wcme-poc genesis: slot_duration_ms must be at least {MIN_SLOT_DURATION_MS}, is {}",
                self.slot_duration_ms
            );
            SlotDuration::<T>::put(self.slot_duration_ms);
            for (agent, packing_key, reward_account, commission, deposit) in &self.agents {
                if let Err(error) = Pallet::<T>::register(
                    agent,
                    *packing_key,
                    reward_account.clone(),
                    *commission,
                    *deposit,
                ) {
                    panic!("pallet-wcme-poc genesis: agent {agent:?} cannot register: {error:?}");
                }
            }
            let members = Pallet::<T>::membership_snapshot();
            let mut producers = members.clone();
            schedule::order(&mut producers, 0, &GENESIS_RANDOMNESS, |p| p.packing_key);
            let producers = ProducerListOf::<T>::truncate_from(producers);
            CurrentRound::<T>::put(RoundState {
                index: 0,
                start_slot: None,
                total_weight: total_weight(&producers),
                producers,
            });
            NextProducers::<T>::put(ProducerListOf::<T>::truncate_from(members));
            RoundRandomness::<T>::put(GENESIS_RANDOMNESS);
        }
    }

    /// Events of the POC pallet.
    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// `agent` registered with `deposit` held; it joins the membership fixed at the next
        /// round start.
        AgentRegistered {
            /// The agent's account.
            agent: T::AccountId,
            /// Its packing key.
            packing_key: PackingKey,
            /// Where its rewards go.
            reward_account: T::AccountId,
            /// Its commission.
            commission: Perbill,
            /// Its deposit.
            deposit: Balance,
        },
        /// `delegator` delegated `amount` more to `agent`, `total` in all.
        Delegated {
            /// Who delegates.
            delegator: T::AccountId,
            /// To whom.
            agent: T::AccountId,
            /// How much was added.
            amount: Balance,
            /// The delegation now.
            total: Balance,
        },
        /// `amount` of `delegator`'s delegation to `agent` was released, `remaining` is left
        /// (on `undelegate`, or all of it when the agent stopped).
        Undelegated {
            /// Who delegated.
            delegator: T::AccountId,
            /// To whom.
            agent: T::AccountId,
            /// How much was released.
            amount: Balance,
            /// What stays delegated.
            remaining: Balance,
        },
        /// `agent` stopped (by its owner); its delegators were refunded and its deposit unlocks
        /// at `unlock_at`.
        AgentStopped {
            /// The agent.
            agent: T::AccountId,
            /// When its deposit can be withdrawn (a freeze may delay it further).
            unlock_at: BlockNumberFor<T>,
            /// How many delegators were refunded.
            refunded: u32,
        },
        /// `agent`'s deposit was released and its record removed.
        Withdrawn {
            /// The agent.
            agent: T::AccountId,
            /// The deposit released.
            deposit: Balance,
        },
        /// `delegator` was paid `amount` of delegation rewards earned through `agent`.
        RewardsPaid {
            /// Who is paid.
            delegator: T::AccountId,
            /// The agent the rewards were earned through.
            agent: T::AccountId,
            /// How much was minted to the delegator.
            amount: Balance,
        },
        /// Round `index` started at `start_slot` with `producers` producers (the list is in
        /// `wcme_pocRound` / `PocApi::current_round`).
        RoundStarted {
            /// The new round.
            index: RoundIndex,
            /// Its first slot.
            start_slot: Slot,
            /// How many producers (= slots) it has.
            producers: u32,
        },
        /// `agent` missed `slot` of `round`: a yellow card.
        YellowCarded {
            /// The agent.
            agent: T::AccountId,
            /// The round of the missed slot.
            round: RoundIndex,
            /// The missed slot.
            slot: Slot,
        },
        /// A yellow card froze `agent`'s deposit until block `until`.
        DepositFrozen {
            /// The agent.
            agent: T::AccountId,
            /// The deposit cannot be withdrawn before this block.
            until: BlockNumberFor<T>,
        },
        /// `agent` was red-carded (`reason`): stopped at once, its delegators refunded, its
        /// deposit locked until `unlock_at` (`None` if it had no agent record any more).
        RedCarded {
            /// The account.
            agent: T::AccountId,
            /// Why.
            reason: RedCardReason,
            /// When its deposit unlocks, if it still had one.
            unlock_at: Option<BlockNumberFor<T>>,
        },
        /// `reporter` proved that the packing key of `agent` equivocated (`slot` for two
        /// headers, `None` for two pre-commits).
        EquivocationReported {
            /// Who submitted the evidence.
            reporter: T::AccountId,
            /// The offender's account.
            agent: T::AccountId,
            /// The offending key.
            packing_key: PackingKey,
            /// The slot of a header equivocation.
            slot: Option<Slot>,
        },
        /// The coinbase of `author`'s block of `round`: `inflation + fees`, of which
        /// `agent_reward` was minted to its reward account and `delegators_reward` was credited
        /// to its delegators (paid when they next settle).
        Coinbase {
            /// The block's author.
            author: T::AccountId,
            /// The block's round.
            round: RoundIndex,
            /// The author's share of the round's inflation.
            inflation: Balance,
            /// The block's fees.
            fees: Balance,
            /// Minted to the agent's reward account.
            agent_reward: Balance,
            /// Credited to the delegators.
            delegators_reward: Balance,
        },
    }

    /// Errors of the POC pallet.
    #[pallet::error]
    pub enum Error<T> {
        /// The account already has an agent (possibly stopped and awaiting withdrawal).
        AlreadyAgent,
        /// The account holds a red card and may never register again.
        RedCarded,
        /// The account's credit is below the entry threshold.
        CreditBelowThreshold,
        /// The packing key is the agent's or the reward account's own key.
        PackingKeyIsAccount,
        /// The packing key was registered before (by anyone).
        PackingKeyInUse,
        /// The commission is below `MinCommission`.
        CommissionTooLow,
        /// The deposit is below `MinDeposit`.
        DepositTooLow,
        /// The deposit is above `MaxDeposit`.
        DepositTooHigh,
        /// The account cannot hold that much (free balance, keeping the existential deposit).
        InsufficientBalance,
        /// `MaxAgents` agents are registered.
        TooManyAgents,
        /// No agent is registered for this account.
        UnknownAgent,
        /// The agent is stopped or red-carded.
        AgentNotActive,
        /// The caller has no agent.
        NotAgent,
        /// The caller's agent is already stopped or red-carded.
        AlreadyStopped,
        /// A delegation is below `MinDelegation`.
        DelegationTooLow,
        /// The agent's total delegations would exceed `MaxDelegated`.
        DelegationCapExceeded,
        /// The agent has `MaxDelegatorsPerAgent` delegators.
        TooManyDelegators,
        /// The caller does not delegate to this agent.
        NoDelegation,
        /// The amount is zero.
        ZeroAmount,
        /// The amount is more than the delegation.
        InsufficientDelegation,
        /// A partial undelegation would leave less than `MinDelegation`.
        RemainderTooLow,
        /// The stopped agent's deposit is still locked or frozen.
        StillLocked,
        /// The caller has no unlocked deposit and no pending rewards.
        NothingToWithdraw,
        /// Evidence: the two items are the same header or vote.
        EvidenceNotConflicting,
        /// Evidence: the headers are for different slots, or the votes for different heights.
        EvidenceDifferentSlotOrHeight,
        /// Evidence: a vote is not a pre-commit.
        EvidenceNotPrecommits,
        /// Evidence: the two items are signed by different keys.
        EvidenceDifferentSigners,
        /// Evidence: a header's seal or pre-digest is invalid or not the offender's.
        EvidenceBadHeader,
        /// Evidence: a vote's signature is invalid.
        EvidenceBadVoteSignature,
        /// Evidence: no agent ever registered the offending packing key.
        UnknownOffender,
        /// The offender already holds a red card.
        AlreadyRedCarded,
        /// An amount overflowed.
        Overflow,
    }

    impl<T> From<EvidenceError> for Error<T> {
        fn from(error: EvidenceError) -> Self {
            match error {
                EvidenceError::NotConflicting => Error::EvidenceNotConflicting,
                EvidenceError::DifferentSlotOrHeight => Error::EvidenceDifferentSlotOrHeight,
                EvidenceError::NotPrecommits => Error::EvidenceNotPrecommits,
                EvidenceError::DifferentSigners => Error::EvidenceDifferentSigners,
                EvidenceError::BadHeader(_) => Error::EvidenceBadHeader,
                EvidenceError::BadVoteSignature => Error::EvidenceBadVoteSignature,
            }
        }
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        /// Reads the block's POC pre-digest; without one, does nothing. Otherwise checks it
        /// against [`Pallet::slot_owner`] (panicking, which makes the block invalid, if it does
        /// not match), starts a new round if the slot is in one, cards the owners of missed
        /// slots, advances the round randomness and notes the author.
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            Self::process_block(now)
        }

        /// Pays the coinbase of a POC block's author.
        fn on_finalize(_now: BlockNumberFor<T>) {
            Self::pay_coinbase();
        }

        /// Checks the configuration. Runs in the runtime's tests and at node start, never in a
        /// block.
        fn integrity_test() {
            assert!(
                T::MinDeposit::get() > 0 && T::MinDeposit::get() <= T::MaxDeposit::get(),
                "pallet-wcme-poc: need 0 < MinDeposit <= MaxDeposit"
            );
            assert!(
                T::MinDelegation::get() > 0 && T::MinDelegation::get() <= T::MaxDelegated::get(),
                "pallet-wcme-poc: need 0 < MinDelegation <= MaxDelegated"
            );
            assert!(
                T::MaxAgents::get() > 0,
                "pallet-wcme-poc: MaxAgents must be positive"
            );
            assert!(
                T::MaxDelegatorsPerAgent::get() > 0,
                "pallet-wcme-poc: MaxDelegatorsPerAgent must be positive"
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Register the caller as an agent with `packing_key` (the key its node seals with),
        /// `reward_account`, `commission` on delegators' rewards and `deposit`, held on the
        /// caller's account.
        ///
        /// Origin: signed. The caller must have no agent (not even a stopped one awaiting
        /// withdrawal), no red card and credit at least `EntryThreshold`; the packing key must
        /// be new and be neither the caller's nor the reward account's key; the commission in
        /// `[MinCommission, 100 %]`; the deposit in `[MinDeposit, MaxDeposit]` and affordable;
        /// fewer than `MaxAgents` agents registered. Emits [`Event::AgentRegistered`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_agent()
            .saturating_add(T::Credit::read_weight().saturating_mul(2)))]
        pub fn register_agent(
            origin: OriginFor<T>,
            packing_key: PackingKey,
            reward_account: AccountIdLookupOf<T>,
            commission: Perbill,
            deposit: Balance,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let reward_account = T::Lookup::lookup(reward_account)?;
            Self::register(&who, packing_key, reward_account, commission, deposit)
        }

        /// Delegate `amount` (at least `MinDelegation`) more to the active `agent`, held on the
        /// caller's account. Pays the caller's pending rewards from that agent first.
        ///
        /// Origin: signed. Fails if the agent is unknown or not active, its delegations would
        /// exceed `MaxDelegated`, a new delegator would exceed `MaxDelegatorsPerAgent`, or the
        /// caller cannot hold `amount`. Emits [`Event::Delegated`] (and [`Event::RewardsPaid`]).
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::delegate())]
        pub fn delegate(
            origin: OriginFor<T>,
            agent: AccountIdLookupOf<T>,
            amount: Balance,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let agent = T::Lookup::lookup(agent)?;
            ensure!(
                amount >= T::MinDelegation::get(),
                Error::<T>::DelegationTooLow
            );
            let mut record = Agents::<T>::get(&agent).ok_or(Error::<T>::UnknownAgent)?;
            ensure!(record.state.is_active(), Error::<T>::AgentNotActive);
            let existing = Delegations::<T>::get(&agent, &who);
            if existing.is_none() {
                ensure!(
                    record.delegators < T::MaxDelegatorsPerAgent::get(),
                    Error::<T>::TooManyDelegators
                );
            }
            let delegated = record
                .delegated
                .checked_add(amount)
                .ok_or(Error::<T>::Overflow)?;
            ensure!(
                delegated <= T::MaxDelegated::get(),
                Error::<T>::DelegationCapExceeded
            );
            let previous = existing.map_or(0, |d| d.amount);
            let total = previous.checked_add(amount).ok_or(Error::<T>::Overflow)?;
            ensure!(
                T::Currency::can_hold(&HoldReason::Delegation.into(), &who, amount),
                Error::<T>::InsufficientBalance
            );

            if let Some(delegation) = existing {
                Self::pay_rewards(&who, &agent, &record, &delegation)?;
            } else {
                record.delegators = record.delegators.saturating_add(1);
            }
            T::Currency::hold(&HoldReason::Delegation.into(), &who, amount)?;
            record.delegated = delegated;
            Delegations::<T>::insert(
                &agent,
                &who,
                Delegation {
                    amount: total,
                    reward_snapshot: record.reward_per_stake,
                },
            );
            DelegatorAgents::<T>::insert(&who, &agent, ());
            Agents::<T>::insert(&agent, record);
            Self::deposit_event(Event::Delegated {
                delegator: who,
                agent,
                amount,
                total,
            });
            Ok(())
        }

        /// Release `amount` of the caller's delegation to `agent` at once. What remains must be
        /// 0 or at least `MinDelegation`. Pays the caller's pending rewards from that agent.
        ///
        /// Origin: signed. Emits [`Event::Undelegated`] (and [`Event::RewardsPaid`]).
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::undelegate())]
        pub fn undelegate(
            origin: OriginFor<T>,
            agent: AccountIdLookupOf<T>,
            amount: Balance,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let agent = T::Lookup::lookup(agent)?;
            ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
            let delegation = Delegations::<T>::get(&agent, &who).ok_or(Error::<T>::NoDelegation)?;
            let remaining = delegation
                .amount
                .checked_sub(amount)
                .ok_or(Error::<T>::InsufficientDelegation)?;
            ensure!(
                remaining.is_zero() || remaining >= T::MinDelegation::get(),
                Error::<T>::RemainderTooLow
            );
            let mut record = Agents::<T>::get(&agent).ok_or(Error::<T>::UnknownAgent)?;

            Self::pay_rewards(&who, &agent, &record, &delegation)?;
            T::Currency::release(
                &HoldReason::Delegation.into(),
                &who,
                amount,
                Precision::Exact,
            )?;
            record.delegated = record.delegated.saturating_sub(amount);
            if remaining.is_zero() {
                record.delegators = record.delegators.saturating_sub(1);
                Delegations::<T>::remove(&agent, &who);
                DelegatorAgents::<T>::remove(&who, &agent);
            } else {
                Delegations::<T>::insert(
                    &agent,
                    &who,
                    Delegation {
                        amount: remaining,
                        reward_snapshot: record.reward_per_stake,
                    },
                );
            }
            Agents::<T>::insert(&agent, record);
            Self::deposit_event(Event::Undelegated {
                delegator: who,
                agent,
                amount,
                remaining,
            });
            Ok(())
        }

        /// Stop the caller's agent: every delegator is refunded at once with its pending
        /// rewards, the agent leaves the next round's membership, and its deposit can be
        /// withdrawn from `now + StopLock` (or the end of a yellow-card freeze, if later).
        ///
        /// Origin: signed by the agent. Emits [`Event::AgentStopped`] and one
        /// [`Event::Undelegated`] per delegator.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::stop_agent(T::MaxDelegatorsPerAgent::get()))]
        pub fn stop_agent(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let mut record = Agents::<T>::get(&who).ok_or(Error::<T>::NotAgent)?;
            ensure!(record.state.is_active(), Error::<T>::AlreadyStopped);
            let now = frame_system::Pallet::<T>::block_number();
            let unlock_at = now.saturating_add(T::StopLock::get());
            let refunded = Self::refund_delegators(&who, &mut record)?;
            record.state = AgentState::Stopped { unlock_at };
            Agents::<T>::insert(&who, record);
            Self::leave_next_round(&who);
            Self::deposit_event(Event::AgentStopped {
                agent: who,
                unlock_at,
                refunded,
            });
            Ok(Some(T::WeightInfo::stop_agent(refunded)).into())
        }

        /// Release the caller's stopped or red-carded agent's deposit once it is unlocked (and
        /// not frozen), removing the agent record; and pay the caller's pending delegation
        /// rewards from every agent it delegates to.
        ///
        /// Origin: signed. Fails with [`Error::StillLocked`] if the only thing to withdraw is a
        /// deposit still locked, [`Error::NothingToWithdraw`] if there is nothing at all. Emits
        /// [`Event::Withdrawn`] and [`Event::RewardsPaid`].
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::withdraw_unlocked(T::MaxAgents::get()))]
        pub fn withdraw_unlocked(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let now = frame_system::Pallet::<T>::block_number();
            let record = Agents::<T>::get(&who);
            let mut locked = false;
            let unlocked = match &record {
                Some(record) => match record.state.unlock_at() {
                    Some(unlock_at) => {
                        let until = record.frozen_until.map_or(unlock_at, |f| f.max(unlock_at));
                        locked = now < until;
                        !locked
                    }
                    None => false,
                },
                None => false,
            };
            let delegations: Vec<T::AccountId> = DelegatorAgents::<T>::iter_key_prefix(&who)
                .take(usize::try_from(T::MaxAgents::get()).unwrap_or(usize::MAX))
                .collect();
            let mut paid = false;
            for agent in &delegations {
                let (Some(agent_record), Some(delegation)) =
                    (Agents::<T>::get(agent), Delegations::<T>::get(agent, &who))
                else {
                    continue;
                };
                if Self::pay_rewards(&who, agent, &agent_record, &delegation)? > 0 {
                    paid = true;
                    Delegations::<T>::insert(
                        agent,
                        &who,
                        Delegation {
                            amount: delegation.amount,
                            reward_snapshot: agent_record.reward_per_stake,
                        },
                    );
                }
            }
            if !unlocked && !paid {
                return Err(if locked {
                    Error::<T>::StillLocked
                } else {
                    Error::<T>::NothingToWithdraw
                }
                .into());
            }
            if let (true, Some(record)) = (unlocked, record) {
                T::Currency::release(
                    &HoldReason::AgentDeposit.into(),
                    &who,
                    record.deposit,
                    Precision::Exact,
                )?;
                Agents::<T>::remove(&who);
                AgentCount::<T>::mutate(|count| *count = count.saturating_sub(1));
                Self::deposit_event(Event::Withdrawn {
                    agent: who,
                    deposit: record.deposit,
                });
            }
            let settled = u32::try_from(delegations.len()).unwrap_or(u32::MAX);
            Ok(Some(T::WeightInfo::withdraw_unlocked(settled)).into())
        }

        /// Report that a packing key equivocated: two different headers sealed for one slot, or
        /// two pre-commits for different blocks at one height. Anyone may report.
        ///
        /// The evidence is checked on its own ([`Evidence::check`]); evidence that fails is a
        /// typed error and penalises no one. Valid evidence red-cards the key's agent (which
        /// can then never register again), stops it at once, refunds its delegators and locks
        /// its deposit until `now + RedCardLock`; the reporter pays no fee.
        ///
        /// Origin: signed. Emits [`Event::EquivocationReported`] and [`Event::RedCarded`].
        #[pallet::call_index(5)]
        #[pallet::weight(T::WeightInfo::report_equivocation(T::MaxDelegatorsPerAgent::get())
            .saturating_add(T::Credit::note_red_card_weight())
            .saturating_add(T::Credit::read_weight()))]
        // Boxed so that evidence (two headers) does not make every `RuntimeCall` large, as in
        // FRAME's own `report_equivocation` calls.
        #[allow(clippy::boxed_local)]
        pub fn report_equivocation(
            origin: OriginFor<T>,
            evidence: Box<Evidence<HeaderFor<T>>>,
        ) -> DispatchResultWithPostInfo {
            let reporter = ensure_signed(origin)?;
            let slot = evidence.check().map_err(Error::<T>::from)?;
            let packing_key = *evidence.offender();
            let agent =
                PackingKeyOwner::<T>::get(packing_key).ok_or(Error::<T>::UnknownOffender)?;
            let already = T::Credit::has_red_card(&agent)
                || Agents::<T>::get(&agent)
                    .is_some_and(|r| matches!(r.state, AgentState::RedCarded { .. }));
            ensure!(!already, Error::<T>::AlreadyRedCarded);
            let reason = match *evidence {
                Evidence::Headers(_) => RedCardReason::Equivocation,
                Evidence::Precommits(_) => RedCardReason::ConflictingVotes,
            };
            T::Credit::note_red_card(&agent, reason)?;
            Self::deposit_event(Event::EquivocationReported {
                reporter,
                agent: agent.clone(),
                packing_key,
                slot,
            });
            let refunded = Self::apply_red_card(&agent, reason)?;
            let weight = T::WeightInfo::report_equivocation(refunded)
                .saturating_add(T::Credit::note_red_card_weight())
                .saturating_add(T::Credit::read_weight());
            Ok(PostDispatchInfo {
                actual_weight: Some(weight),
                pays_fee: Pays::No,
            })
        }
    }

    /// The slots around the block being checked, from the state of its parent: the current
    /// round, the next round's membership and (only if a slot is that far) the membership of
    /// the rounds after it. Every question "who owns slot s" goes through this, for the
    /// runtime API and for `on_initialize` alike.
    pub(crate) struct Schedule<T: Config> {
        round: RoundStateOf<T>,
        randomness: Randomness,
        last_slot: Option<Slot>,
        next: Option<Vec<ProducerRecord<T::AccountId>>>,
        later: Option<Vec<ProducerRecord<T::AccountId>>>,
        ordered: Vec<(RoundIndex, Vec<ProducerRecord<T::AccountId>>)>,
    }

    impl<T: Config> Schedule<T> {
        /// The schedule as of the current state.
        pub(crate) fn load() -> Self {
            let round = CurrentRound::<T>::get().unwrap_or_else(|| RoundState {
                index: 0,
                start_slot: None,
                producers: BoundedVec::new(),
                total_weight: 0,
            });
            Schedule {
                round,
                randomness: RoundRandomness::<T>::get(),
                last_slot: LastSlot::<T>::get(),
                next: None,
                later: None,
                ordered: Vec::new(),
            }
        }

        /// The membership of round `N + 1`: the fixed snapshot, or the current producers if
        /// every member of it has stopped.
        fn next_members(&mut self) -> &Vec<ProducerRecord<T::AccountId>> {
            let round = &self.round;
            self.next.get_or_insert_with(|| {
                let next = NextProducers::<T>::get().into_inner();
                if next.is_empty() {
                    round.producers.to_vec()
                } else {
                    next
                }
            })
        }

        /// The membership of every round after `N + 1`: a snapshot of the current state, or
        /// the membership of round `N + 1` if no agent is eligible.
        fn later_members(&mut self) -> &Vec<ProducerRecord<T::AccountId>> {
            if self.later.is_none() {
                let snapshot = Pallet::<T>::membership_snapshot();
                let members = if snapshot.is_empty() {
                    self.next_members().clone()
                } else {
                    snapshot
                };
                self.later = Some(members);
            }
            self.later.get_or_insert_with(Vec::new)
        }

        /// Where `slot` falls, whether or not it is after the last block's slot. At genesis
        /// (round 0 not started yet) every slot is in round 0.
        pub(crate) fn position(&mut self, slot: Slot) -> Option<Position> {
            let current = self.round.len();
            let Some(start) = self.round.start_slot else {
                let round_start = schedule::genesis_start(slot, current)?;
                return Some(Position {
                    round: self.round.index,
                    index: u32::try_from(slot.checked_sub(round_start)?).ok()?,
                    round_start,
                });
            };
            let next = u64::try_from(self.next_members_len_if_needed(slot, start)).ok()?;
            let later_needed = slot >= start.saturating_add(current).saturating_add(next);
            let later = if later_needed {
                u64::try_from(self.later_members().len()).ok()?
            } else {
                0
            };
            schedule::locate(
                slot,
                self.round.index,
                start,
                Lengths {
                    current,
                    next,
                    later,
                },
            )
        }

        /// The length of round `N + 1`, loaded only when `slot` is past the current round.
        fn next_members_len_if_needed(&mut self, slot: Slot, start: Slot) -> usize {
            if slot < start.saturating_add(self.round.len()) {
                0
            } else {
                self.next_members().len()
            }
        }

        /// The randomness that orders round `round` (> current).
        fn ordering_randomness(&self, round: RoundIndex) -> Randomness {
            schedule::ordering_randomness(self.round.index, &self.randomness, round)
        }

        /// The producers of `round` in slot order (`round` ≥ the current round).
        pub(crate) fn producers(&mut self, round: RoundIndex) -> Vec<ProducerRecord<T::AccountId>> {
            if round <= self.round.index {
                return self.round.producers.to_vec();
            }
            if let Some((_, list)) = self.ordered.iter().find(|(r, _)| *r == round) {
                return list.clone();
            }
            let mut members = if round == self.round.index.saturating_add(1) {
                self.next_members().clone()
            } else {
                self.later_members().clone()
            };
            let randomness = self.ordering_randomness(round);
            schedule::order(&mut members, round, &randomness, |p| p.packing_key);
            self.ordered.push((round, members.clone()));
            members
        }

        /// The producer at `position`.
        fn producer_at(&mut self, position: &Position) -> Option<ProducerRecord<T::AccountId>> {
            let index = usize::try_from(position.index).ok()?;
            self.producers(position.round).get(index).cloned()
        }

        /// Who may author `slot` in a child of this state, with the slot's position; `None` if
        /// the slot is not after the last block's or no one is scheduled.
        pub(crate) fn owner(
            &mut self,
            slot: Slot,
        ) -> Option<(Position, ProducerRecord<T::AccountId>)> {
            if self.last_slot.is_some_and(|last| slot <= last) {
                return None;
            }
            let position = self.position(slot)?;
            let producer = self.producer_at(&position)?;
            Some((position, producer))
        }

        /// The owners of the slots missed between the last block's slot and `slot`, looking at
        /// most `cap` slots back, each agent once: `(agent, round, slot)`.
        pub(crate) fn missed(
            &mut self,
            slot: Slot,
            cap: u64,
        ) -> Vec<(T::AccountId, RoundIndex, Slot)> {
            let Some(last) = self.last_slot else {
                return Vec::new();
            };
            let first = last.saturating_add(1).max(slot.saturating_sub(cap));
            let mut missed: Vec<(T::AccountId, RoundIndex, Slot)> = Vec::new();
            for missed_slot in first..slot {
                let Some(position) = self.position(missed_slot) else {
                    continue;
                };
                let Some(producer) = self.producer_at(&position) else {
                    continue;
                };
                if !missed.iter().any(|(agent, _, _)| *agent == producer.agent) {
                    missed.push((producer.agent, position.round, missed_slot));
                }
            }
            missed
        }
    }

    impl<T: Config> Pallet<T> {
        /// Who may author `slot` in a child of the current state: the one definition the
        /// runtime API ([`PocApi::slot_owner`](wcme_consensus_primitives::poc::PocApi)) and the
        /// block check in `on_initialize` share.
        ///
        /// - a slot of the current round belongs to its producer;
        /// - a slot of the next round to the next membership ordered by the current randomness;
        /// - a slot further on (the chain stalled for a whole round) to the membership computed
        ///   from the current state, ordered by the extended randomness
        ///   ([`schedule::skipped_round_randomness`]);
        /// - at genesis (round 0 has no first slot yet) slot `s` is position `s mod len` of
        ///   round 0.
        ///
        /// `None` if `slot` is not after the last POC block's slot or no producer exists.
        pub fn slot_owner(slot: Slot) -> Option<SlotOwner<T::AccountId>> {
            let (position, producer) = Schedule::<T>::load().owner(slot)?;
            Some(SlotOwner {
                round: position.round,
                index: position.index,
                packing_key: producer.packing_key,
                agent: producer.agent,
            })
        }

        /// The slot length in milliseconds.
        pub fn slot_duration_ms() -> u64 {
            SlotDuration::<T>::get()
        }

        /// The current round as the runtime API shows it (`start_slot` 0 before the first POC
        /// block).
        pub fn current_round() -> RoundInfo<T::AccountId, Balance> {
            Schedule::<T>::load().round.to_info()
        }

        /// Every registered agent as the runtime API shows it, in account order.
        pub fn agents() -> Vec<AgentInfoOf<T>> {
            let mut agents: Vec<AgentInfoOf<T>> = Agents::<T>::iter()
                .map(|(agent, record)| AgentInfo {
                    credit: T::Credit::credit(&agent).units(),
                    agent,
                    packing_key: record.packing_key,
                    reward_account: record.reward_account,
                    commission: record.commission,
                    deposit: record.deposit,
                    delegated: record.delegated,
                    delegators: record.delegators,
                    status: record.state,
                    frozen_until: record.frozen_until,
                })
                .collect();
            agents.sort_by(|a, b| a.agent.cmp(&b.agent));
            agents
        }

        /// `who`'s credit as the runtime API shows it.
        pub fn credit_info(who: &T::AccountId) -> CreditInfo {
            CreditInfo {
                units: T::Credit::credit(who).units(),
                red_card: T::Credit::has_red_card(who),
            }
        }

        /// The delegation rewards `who` has earned and not been paid yet, from every agent it
        /// delegates to. (An agent's own rewards are minted at once, so never pending.)
        pub fn pending_rewards(who: &T::AccountId) -> Balance {
            DelegatorAgents::<T>::iter_key_prefix(who)
                .filter_map(|agent| {
                    let record = Agents::<T>::get(&agent)?;
                    let delegation = Delegations::<T>::get(&agent, who)?;
                    Some(rewards::pending(
                        delegation.amount,
                        record.reward_per_stake,
                        delegation.reward_snapshot,
                    ))
                })
                .fold(0, |sum: Balance, amount| sum.saturating_add(amount))
        }

        /// Validates a registration and, if every rule holds, registers the agent: the shared
        /// body of [`Pallet::register_agent`] and the genesis build.
        pub(crate) fn register(
            who: &T::AccountId,
            packing_key: PackingKey,
            reward_account: T::AccountId,
            commission: Perbill,
            deposit: Balance,
        ) -> DispatchResult {
            ensure!(!Agents::<T>::contains_key(who), Error::<T>::AlreadyAgent);
            ensure!(!T::Credit::has_red_card(who), Error::<T>::RedCarded);
            ensure!(
                T::Credit::is_eligible(who, T::EntryThreshold::get()),
                Error::<T>::CreditBelowThreshold
            );
            let key_account = T::PackingKeyAccount::convert(packing_key);
            ensure!(
                key_account != *who && key_account != reward_account,
                Error::<T>::PackingKeyIsAccount
            );
            ensure!(
                !PackingKeyOwner::<T>::contains_key(packing_key),
                Error::<T>::PackingKeyInUse
            );
            // `Perbill` cannot exceed 100 % (its decoding refuses it), so `[MinCommission, 100 %]`
            // only needs the lower bound checked.
            ensure!(
                commission >= T::MinCommission::get(),
                Error::<T>::CommissionTooLow
            );
            ensure!(deposit >= T::MinDeposit::get(), Error::<T>::DepositTooLow);
            ensure!(deposit <= T::MaxDeposit::get(), Error::<T>::DepositTooHigh);
            let count = AgentCount::<T>::get();
            ensure!(count < T::MaxAgents::get(), Error::<T>::TooManyAgents);
            ensure!(
                T::Currency::can_hold(&HoldReason::AgentDeposit.into(), who, deposit),
                Error::<T>::InsufficientBalance
            );

            T::Currency::hold(&HoldReason::AgentDeposit.into(), who, deposit)?;
            Agents::<T>::insert(
                who,
                AgentRecord {
                    packing_key,
                    reward_account: reward_account.clone(),
                    commission,
                    deposit,
                    delegated: 0,
                    delegators: 0,
                    state: AgentState::Active,
                    frozen_until: None,
                    reward_per_stake: U256::zero(),
                },
            );
            PackingKeyOwner::<T>::insert(packing_key, who);
            AgentCount::<T>::put(count.saturating_add(1));
            Self::deposit_event(Event::AgentRegistered {
                agent: who.clone(),
                packing_key,
                reward_account,
                commission,
                deposit,
            });
            Ok(())
        }

        /// Mints `delegator`'s pending rewards from `agent` (as of `record`'s accumulator) and
        /// returns the amount. The caller updates the delegation's snapshot.
        fn pay_rewards(
            delegator: &T::AccountId,
            agent: &T::AccountId,
            record: &AgentRecordOf<T>,
            delegation: &Delegation,
        ) -> Result<Balance, DispatchError> {
            let amount = rewards::pending(
                delegation.amount,
                record.reward_per_stake,
                delegation.reward_snapshot,
            );
            if amount.is_zero() {
                return Ok(0);
            }
            T::Currency::mint_into(delegator, amount)?;
            Self::deposit_event(Event::RewardsPaid {
                delegator: delegator.clone(),
                agent: agent.clone(),
                amount,
            });
            Ok(amount)
        }

        /// Refunds every delegator of `agent` with its pending rewards and clears its
        /// delegations; returns how many were refunded. At most `MaxDelegatorsPerAgent`.
        fn refund_delegators(
            agent: &T::AccountId,
            record: &mut AgentRecordOf<T>,
        ) -> Result<u32, DispatchError> {
            let bound = usize::try_from(T::MaxDelegatorsPerAgent::get()).unwrap_or(usize::MAX);
            let delegations: Vec<(T::AccountId, Delegation)> =
                Delegations::<T>::iter_prefix(agent).take(bound).collect();
            let mut refunded: u32 = 0;
            for (delegator, delegation) in delegations {
                Self::pay_rewards(&delegator, agent, record, &delegation)?;
                T::Currency::release(
                    &HoldReason::Delegation.into(),
                    &delegator,
                    delegation.amount,
                    Precision::BestEffort,
                )?;
                Delegations::<T>::remove(agent, &delegator);
                DelegatorAgents::<T>::remove(&delegator, agent);
                record.delegated = record.delegated.saturating_sub(delegation.amount);
                record.delegators = record.delegators.saturating_sub(1);
                refunded = refunded.saturating_add(1);
                Self::deposit_event(Event::Undelegated {
                    delegator,
                    agent: agent.clone(),
                    amount: delegation.amount,
                    remaining: 0,
                });
            }
            Ok(refunded)
        }

        /// Removes `agent` from the next round's membership.
        fn leave_next_round(agent: &T::AccountId) {
            NextProducers::<T>::mutate(|next| next.retain(|p| p.agent != *agent));
        }

        /// The effect of a red card (already noted in the credit pallet) on `agent`'s record:
        /// stopped at once, delegators refunded, deposit locked until `now + RedCardLock` (or
        /// longer if already locked longer). Emits [`Event::RedCarded`]. Returns how many
        /// delegators were refunded.
        fn apply_red_card(
            agent: &T::AccountId,
            reason: RedCardReason,
        ) -> Result<u32, DispatchError> {
            let Some(mut record) = Agents::<T>::get(agent) else {
                Self::deposit_event(Event::RedCarded {
                    agent: agent.clone(),
                    reason,
                    unlock_at: None,
                });
                return Ok(0);
            };
            let now = frame_system::Pallet::<T>::block_number();
            let mut unlock_at = now.saturating_add(T::RedCardLock::get());
            if let Some(previous) = record.state.unlock_at() {
                unlock_at = unlock_at.max(previous);
            }
            let refunded = Self::refund_delegators(agent, &mut record)?;
            record.state = AgentState::RedCarded { unlock_at };
            Agents::<T>::insert(agent, record);
            Self::leave_next_round(agent);
            Self::deposit_event(Event::RedCarded {
                agent: agent.clone(),
                reason,
                unlock_at: Some(unlock_at),
            });
            Ok(refunded)
        }

        /// Active agents ranked by stake (descending, ties by account), at most `MaxAgents`,
        /// each with its stake and coinbase weight `stake · max(0, credit)` now.
        pub(crate) fn membership_snapshot() -> Vec<ProducerRecord<T::AccountId>> {
            let bound = usize::try_from(T::MaxAgents::get()).unwrap_or(usize::MAX);
            let mut members: Vec<ProducerRecord<T::AccountId>> = Agents::<T>::iter()
                .take(bound)
                .filter(|(_, record)| record.state.is_active())
                .map(|(agent, record)| {
                    let stake = record.stake();
                    let ratio = T::Credit::credit(&agent).reward_ratio();
                    ProducerRecord {
                        reward_weight: ratio.mul_floor(stake),
                        agent,
                        packing_key: record.packing_key,
                        stake,
                    }
                })
                .collect();
            members.sort_by(|a, b| b.stake.cmp(&a.stake).then_with(|| a.agent.cmp(&b.agent)));
            members.truncate(bound);
            members
        }

        /// `on_initialize`: everything a POC block does before its extrinsics.
        fn process_block(now: BlockNumberFor<T>) -> Weight {
            let digest = frame_system::Pallet::<T>::digest();
            let header = HeaderFor::<T>::new(
                now,
                Default::default(),
                Default::default(),
                frame_system::Pallet::<T>::parent_hash(),
                digest,
            );
            let pre = match find_pre_digest(&header) {
                Ok(pre) => pre,
                Err(DigestError::MissingPreDigest) => return T::WeightInfo::on_initialize_idle(),
                Err(error) => panic!("POC block: invalid pre-runtime digest: {error:?}"),
            };
            let mut schedule = Schedule::<T>::load();
            if let Some(last) = schedule.last_slot {
                assert!(
                    pre.slot > last,
                    "POC block: slot {} is not after the parent's slot {last}",
                    pre.slot
                );
            }
            let Some((position, author)) = schedule.owner(pre.slot) else {
                panic!("POC block: no producer is scheduled for slot {}", pre.slot);
            };
            assert!(
                pre.round == position.round && pre.author_index == position.index,
                "POC block: slot {} belongs to round {} index {}, the pre-digest says round {} index {}",
                pre.slot,
                position.round,
                position.index,
                pre.round,
                pre.author_index
            );

            let mut weight = T::WeightInfo::on_initialize_block()
                .saturating_add(T::WeightInfo::on_finalize_coinbase())
                .saturating_add(T::Credit::note_block_produced_weight());
            let current_index = schedule.round.index;
            let round_changed = position.round > current_index;
            let cap = u64::try_from(schedule.producers(position.round).len()).unwrap_or(0);
            let missed = schedule.missed(pre.slot, cap);

            if round_changed {
                let producers = schedule.producers(position.round);
                let randomness = schedule.ordering_randomness(position.round);
                let producers = ProducerListOf::<T>::truncate_from(producers);
                let count = u32::try_from(producers.len()).unwrap_or(u32::MAX);
                CurrentRound::<T>::put(RoundState {
                    index: position.round,
                    start_slot: Some(position.round_start),
                    total_weight: total_weight(&producers),
                    producers,
                });
                RoundRandomness::<T>::put(randomness);
                // Rounds only move forward, so this cannot fail.
                let _ = T::Credit::note_round_start(position.round);
                Self::deposit_event(Event::RoundStarted {
                    index: position.round,
                    start_slot: position.round_start,
                    producers: count,
                });
                weight = weight
                    .saturating_add(T::WeightInfo::round_change(AgentCount::<T>::get()))
                    .saturating_add(T::Credit::note_round_start_weight())
                    .saturating_add(
                        T::Credit::read_weight()
                            .saturating_mul(u64::from(AgentCount::<T>::get()).saturating_mul(2)),
                    );
            } else if schedule.round.start_slot.is_none() {
                // The chain's first POC block fixes where round 0 starts.
                let mut round = schedule.round.clone();
                round.start_slot = Some(position.round_start);
                CurrentRound::<T>::put(round);
            }

            for (agent, round, slot) in missed {
                weight = weight.saturating_add(Self::yellow_card(&agent, round, slot, now));
            }

            if round_changed {
                let members = Self::membership_snapshot();
                NextProducers::<T>::put(ProducerListOf::<T>::truncate_from(members));
            }

            let parent_hash = frame_system::Pallet::<T>::parent_hash();
            RoundRandomness::<T>::mutate(|acc| {
                *acc = schedule::accumulate(acc, parent_hash.as_ref())
            });
            LastSlot::<T>::put(pre.slot);
            CurrentAuthor::<T>::put(BlockAuthor {
                agent: author.agent.clone(),
                round: position.round,
                reward_weight: author.reward_weight,
            });
            // The credit pallet's round was just brought to the block's round: cannot fail.
            let _ = T::Credit::note_block_produced(&author.agent, position.round);
            weight
        }

        /// One yellow card for `agent`, who missed `slot` of `round`. Skips agents that are
        /// already stopped; a card for a round that has left the credit window is not recorded.
        fn yellow_card(
            agent: &T::AccountId,
            round: RoundIndex,
            slot: Slot,
            now: BlockNumberFor<T>,
        ) -> Weight {
            let mut weight = T::WeightInfo::yellow_card();
            let Some(mut record) = Agents::<T>::get(agent) else {
                return weight;
            };
            if !record.state.is_active() {
                return weight;
            }
            weight = weight.saturating_add(T::Credit::note_yellow_card_weight());
            let Ok(outcome) = T::Credit::note_yellow_card(agent, round) else {
                return weight;
            };
            match outcome {
                YellowCardOutcome::Warned { .. } => {
                    let until = now.saturating_add(T::YellowCardFreeze::get());
                    let until = record.frozen_until.map_or(until, |f| f.max(until));
                    record.frozen_until = Some(until);
                    Agents::<T>::insert(agent, record);
                    Self::deposit_event(Event::YellowCarded {
                        agent: agent.clone(),
                        round,
                        slot,
                    });
                    Self::deposit_event(Event::DepositFrozen {
                        agent: agent.clone(),
                        until,
                    });
                }
                YellowCardOutcome::RedCarded | YellowCardOutcome::AlreadyRedCarded => {
                    if outcome.turned_red() {
                        Self::deposit_event(Event::YellowCarded {
                            agent: agent.clone(),
                            round,
                            slot,
                        });
                    }
                    // Refunds cannot fail for held funds; if one did, the agent stays as it
                    // is and the card is still recorded in the credit pallet.
                    let refunded = frame_support::storage::with_transaction(|| {
                        match Self::apply_red_card(agent, RedCardReason::CreditExhausted) {
                            Ok(refunded) => {
                                sp_runtime::TransactionOutcome::Commit(Ok::<u32, DispatchError>(
                                    refunded,
                                ))
                            }
                            Err(error) => sp_runtime::TransactionOutcome::Rollback(Err(error)),
                        }
                    })
                    .unwrap_or(0);
                    weight = weight.saturating_add(T::WeightInfo::red_card_stop(refunded));
                }
            }
            weight
        }

        /// `on_finalize`: mints the author's coinbase (its share of the round's inflation plus
        /// the block's fees), split between the agent and its delegators.
        fn pay_coinbase() {
            let fees = BlockFees::<T>::take();
            let Some(author) = CurrentAuthor::<T>::take() else {
                return;
            };
            let Some(mut record) = Agents::<T>::get(&author.agent) else {
                return;
            };
            if matches!(record.state, AgentState::RedCarded { .. }) {
                return;
            }
            let (producers, total) = CurrentRound::<T>::get()
                .map(|round| {
                    (
                        u32::try_from(round.producers.len()).unwrap_or(u32::MAX),
                        round.total_weight,
                    )
                })
                .unwrap_or((0, 0));
            let round_amount = rewards::round_inflation(
                T::AnnualInflation::get(),
                producers,
                SlotDuration::<T>::get(),
            );
            let inflation = rewards::author_share(round_amount, author.reward_weight, total);
            let coinbase = inflation.saturating_add(fees);
            if coinbase.is_zero() {
                return;
            }
            let split = rewards::split(
                coinbase,
                record.deposit,
                record.delegated,
                record.commission,
            );
            let distribution =
                rewards::distribute(record.reward_per_stake, split.delegators, record.delegated);
            let agent_part = coinbase.saturating_sub(distribution.represented);
            // Minting only fails for an amount below the existential deposit into an account
            // that does not exist (or on overflow); that amount is then simply not created.
            let agent_reward = T::Currency::mint_into(&record.reward_account, agent_part)
                .map(|_| agent_part)
                .unwrap_or(0);
            record.reward_per_stake = distribution.reward_per_stake;
            Agents::<T>::insert(&author.agent, record);
            Self::deposit_event(Event::Coinbase {
                author: author.agent,
                round: author.round,
                inflation,
                fees,
                agent_reward,
                delegators_reward: distribution.represented,
            });
        }

        /// Notes `amount` of fees for the current block's author; fees outside a POC block are
        /// not noted (and so stay burned).
        pub(crate) fn note_fees(amount: Balance) {
            if CurrentAuthor::<T>::exists() {
                BlockFees::<T>::mutate(|fees| *fees = fees.saturating_add(amount));
            }
        }

        /// Checks the pallet's storage invariants: counts match, delegations add up, every
        /// delegation is indexed, lists are bounded and no block-scoped value is left over.
        #[cfg(test)]
        pub(crate) fn do_try_state() -> Result<(), &'static str> {
            let agents = u32::try_from(Agents::<T>::iter().count()).unwrap_or(u32::MAX);
            if agents != AgentCount::<T>::get() || agents > T::MaxAgents::get() {
                return Err("AgentCount does not match Agents or exceeds MaxAgents");
            }
            for (agent, record) in Agents::<T>::iter() {
                let mut sum: Balance = 0;
                let mut count: u32 = 0;
                for (delegator, delegation) in Delegations::<T>::iter_prefix(&agent) {
                    sum = sum.saturating_add(delegation.amount);
                    count = count.saturating_add(1);
                    if !DelegatorAgents::<T>::contains_key(&delegator, &agent) {
                        return Err("a delegation is missing from DelegatorAgents");
                    }
                    if delegation.amount < T::MinDelegation::get() {
                        return Err("a delegation is below MinDelegation");
                    }
                }
                if sum != record.delegated || count != record.delegators {
                    return Err("an agent's delegated total or count is wrong");
                }
                if !record.state.is_active() && count > 0 {
                    return Err("a stopped agent still has delegations");
                }
                if record.delegated > T::MaxDelegated::get()
                    || count > T::MaxDelegatorsPerAgent::get()
                {
                    return Err("an agent exceeds its delegation bounds");
                }
                if PackingKeyOwner::<T>::get(record.packing_key).as_ref() != Some(&agent) {
                    return Err("an agent's packing key is not mapped to it");
                }
            }
            for (delegator, agent, ()) in DelegatorAgents::<T>::iter() {
                if !Delegations::<T>::contains_key(&agent, &delegator) {
                    return Err("DelegatorAgents has an entry without a delegation");
                }
            }
            if CurrentAuthor::<T>::exists() || BlockFees::<T>::exists() {
                return Err("block-scoped storage survived the block");
            }
            Ok(())
        }
    }

    /// The fee handler of a runtime with this pallet: `OnChargeTransaction =
    /// FungibleAdapter<Balances, DealWithFees<Runtime>>`. Fees (and tips) are burned when they
    /// arrive and, in a POC block, added to the author's coinbase, which `on_finalize` mints:
    /// across the block, total issuance changes by the inflation paid only. Outside POC blocks
    /// (the dev engine) they stay burned.
    pub struct DealWithFees<T>(core::marker::PhantomData<T>);

    impl<T: Config> OnUnbalanced<CreditOf<T>> for DealWithFees<T>
    where
        T::Currency: Balanced<T::AccountId>,
    {
        fn on_nonzero_unbalanced(amount: CreditOf<T>) {
            Pallet::<T>::note_fees(amount.peek());
            // Dropping the credit burns it (total issuance goes down by `amount`).
            drop(amount);
        }
    }
}
