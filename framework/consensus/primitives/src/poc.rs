//! Proof-of-Credit (DESIGN §4): digests, seals, finality votes, evidence and the runtime API.
//!
//! A POC block carries two digest items of engine [`POC_ENGINE_ID`]:
//!
//! - a pre-runtime [`PreDigest`] with its round, slot and the author's index in the round's
//!   producer list — the runtime reads it in `on_initialize` to advance rounds and card missed
//!   slots, the importer checks it against [`PocApi::slot_owner`] at the parent;
//! - last, a seal: the author's packing key's sr25519 signature over the hash of the header
//!   without the seal ([`check_seal`]).
//!
//! Finality votes are [`SignedVote`]s by packing keys. Signing two different headers for one
//! slot, or two pre-commits for different blocks at one height, is [`Evidence`] anyone may
//! submit; [`Evidence::check`] verifies it without any chain state, and the runtime then only
//! has to map the packing key to its agent.

use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{
    Pair as _,
    sr25519::{self, Public, Signature},
};
use sp_runtime::{ConsensusEngineId, DigestItem, Perbill, traits::Header as HeaderT};

extern crate alloc;

/// Engine id of Proof-of-Credit in digests.
pub const POC_ENGINE_ID: ConsensusEngineId = *b"wpoc";

/// Engine id of the Aura engine's slot digest and seal (the POC formats under their own id; not
/// Substrate's `aura`, whose digest is a bare slot that tools would misread).
pub const AURA_ENGINE_ID: ConsensusEngineId = *b"waur";

/// Engine id of the PBFT engine's slot digest and seal.
pub const PBFT_ENGINE_ID: ConsensusEngineId = *b"wpbf";

/// Key type of packing keys in the keystore (`key insert --key-type poc_`).
pub const POC_KEY_TYPE: [u8; 4] = *b"poc_";

/// The derivation path a development account's packing key adds to the account's own secret
/// URI: `//Alice` packs with `//Alice//poc`. Runtime presets register these keys and `--alice`
/// … `--ferdie` author with them, so both sides use this one constant.
pub const DEV_PACKING_KEY_PATH: &str = "//poc";

/// Domain separator of finality votes, so a vote signature is never a valid block seal.
pub const VOTE_CONTEXT: &[u8] = b"wcme/poc/vote/v1";

/// A packing key: the sr25519 key an agent's node seals blocks and signs votes with. It is never
/// the agent's account or reward account (DESIGN §4), so a stolen packing key moves no funds.
pub type PackingKey = Public;

/// Index of a consensus round; round 0 starts at genesis.
pub type RoundIndex = u32;

/// A finality voting view: the gadget's attempt counter. Every voter pre-votes and pre-commits
/// at most once per view; a view that decides nothing times out and the next begins (the
/// "view change"). Views only grow, across rounds.
pub type View = u32;

/// Index of a slot: `timestamp / slot duration`, counted from the Unix epoch.
pub type Slot = u64;

/// The pre-runtime digest of a POC block.
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
pub struct PreDigest {
    /// The round the slot belongs to.
    pub round: RoundIndex,
    /// The slot the block was authored in.
    pub slot: Slot,
    /// The author's position in the round's producer list (= the slot's position in the round).
    pub author_index: u32,
}

impl PreDigest {
    /// This digest as a header item of the POC engine.
    pub fn to_digest_item(&self) -> DigestItem {
        self.to_digest_item_for(POC_ENGINE_ID)
    }

    /// This digest as a header item of `engine`: Aura and PBFT headers carry the same slot
    /// digest and seal as POC under their own engine id, so a header of one engine never
    /// passes for another's.
    pub fn to_digest_item_for(&self, engine: ConsensusEngineId) -> DigestItem {
        DigestItem::PreRuntime(engine, self.encode())
    }
}

/// Why a header's POC digest items are not acceptable. Pure format errors: whether the author
/// owns the slot is the importer's question, answered by [`PocApi::slot_owner`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DigestError {
    /// No POC pre-runtime digest.
    MissingPreDigest,
    /// More than one POC pre-runtime digest.
    DuplicatePreDigest,
    /// The pre-runtime digest does not decode.
    MalformedPreDigest,
    /// The last digest item is not a POC seal.
    MissingSeal,
    /// The seal is not a 64-byte sr25519 signature.
    MalformedSeal,
    /// The seal is not the given key's signature of the pre-header.
    BadSignature,
}

/// The POC pre-runtime digest of a header (sealed or not): exactly one must be present.
pub fn find_pre_digest<H: HeaderT>(header: &H) -> Result<PreDigest, DigestError> {
    find_pre_digest_for(header, POC_ENGINE_ID)
}

/// The slot pre-runtime digest of `engine` in a header: exactly one must be present.
pub fn find_pre_digest_for<H: HeaderT>(
    header: &H,
    engine: ConsensusEngineId,
) -> Result<PreDigest, DigestError> {
    let mut found = None;
    for item in header.digest().logs() {
        if let DigestItem::PreRuntime(id, data) = item
            && *id == engine
        {
            if found.is_some() {
                return Err(DigestError::DuplicatePreDigest);
            }
            let digest =
                PreDigest::decode(&mut &data[..]).map_err(|_| DigestError::MalformedPreDigest)?;
            // Trailing bytes would let two encodings mean one digest.
            if digest.encoded_size() != data.len() {
                return Err(DigestError::MalformedPreDigest);
            }
            found = Some(digest);
        }
    }
    found.ok_or(DigestError::MissingPreDigest)
}

/// Splits a sealed header into the header without its seal (what the runtime executes and the
/// seal signs) and the seal's signature.
pub fn split_seal<H: HeaderT>(header: &H) -> Result<(H, Signature), DigestError> {
    split_seal_for(header, POC_ENGINE_ID)
}

/// [`split_seal`] for the seal of `engine`.
pub fn split_seal_for<H: HeaderT>(
    header: &H,
    engine: ConsensusEngineId,
) -> Result<(H, Signature), DigestError> {
    let mut pre_header = header.clone();
    let signature = match pre_header.digest_mut().pop() {
        Some(DigestItem::Seal(id, data)) if id == engine => {
            let bytes: [u8; 64] = data
                .as_slice()
                .try_into()
                .map_err(|_| DigestError::MalformedSeal)?;
            Signature::from_raw(bytes)
        }
        _ => return Err(DigestError::MissingSeal),
    };
    Ok((pre_header, signature))
}

/// The seal item for a pre-header hash signed by a packing key.
pub fn seal_item(signature: &Signature) -> DigestItem {
    seal_item_for(signature, POC_ENGINE_ID)
}

/// The seal item of `engine` for a pre-header hash signed by a packing key.
pub fn seal_item_for(signature: &Signature, engine: ConsensusEngineId) -> DigestItem {
    DigestItem::Seal(engine, signature.0.to_vec())
}

/// Checks that `header` is sealed by `key`: returns its pre-digest and the header without the
/// seal. Does not check that `key` owns the slot.
pub fn check_seal<H: HeaderT>(header: &H, key: &PackingKey) -> Result<(PreDigest, H), DigestError> {
    let (pre_header, signature) = split_seal(header)?;
    if !sr25519::Pair::verify(&signature, pre_header.hash().as_ref(), key) {
        return Err(DigestError::BadSignature);
    }
    let pre_digest = find_pre_digest(&pre_header)?;
    Ok((pre_digest, pre_header))
}

/// The two steps of a finality vote.
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
pub enum VoteKind {
    /// First step: the voter saw this block as the best it may vote for.
    Prevote,
    /// Second step: the voter saw > 2/3 pre-votes for this block (or a descendant).
    Precommit,
}

/// A finality vote for block `hash` at height `number`.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub struct Vote<Hash, Number> {
    /// Pre-vote or pre-commit.
    pub kind: VoteKind,
    /// The POC round whose producers vote (their stake weights count).
    pub round: RoundIndex,
    /// The voting view the vote belongs to.
    pub view: View,
    /// The block's height.
    pub number: Number,
    /// The block's hash.
    pub hash: Hash,
}

impl<Hash: Encode, Number: Encode> Vote<Hash, Number> {
    /// The bytes a voter signs: [`VOTE_CONTEXT`] then the vote.
    pub fn signing_payload(&self) -> Vec<u8> {
        (VOTE_CONTEXT, self).encode()
    }
}

/// A vote with its voter and signature.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen, Debug,
)]
pub struct SignedVote<Hash, Number> {
    /// What is voted for.
    pub vote: Vote<Hash, Number>,
    /// The voter's packing key.
    pub voter: PackingKey,
    /// The voter's signature of [`Vote::signing_payload`].
    pub signature: Signature,
}

impl<Hash: Encode, Number: Encode> SignedVote<Hash, Number> {
    /// Signs `vote` with `pair`.
    pub fn sign(vote: Vote<Hash, Number>, pair: &sr25519::Pair) -> Self {
        let signature = pair.sign(&vote.signing_payload());
        Self {
            vote,
            voter: pair.public(),
            signature,
        }
    }

    /// Whether the signature is the voter's over the vote.
    pub fn verify(&self) -> bool {
        sr25519::Pair::verify(&self.signature, self.vote.signing_payload(), &self.voter)
    }
}

/// Proof that a packing key sealed two different headers for one slot.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct HeaderEquivocation<H> {
    /// The key that sealed both.
    pub offender: PackingKey,
    /// One header.
    pub first: H,
    /// Another header for the same slot.
    pub second: H,
}

/// Proof that a packing key pre-committed to two different blocks in one view.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct PrecommitEquivocation<Hash, Number> {
    /// One pre-commit.
    pub first: SignedVote<Hash, Number>,
    /// Another pre-commit by the same voter in the same view for another block.
    pub second: SignedVote<Hash, Number>,
}

/// Misbehaviour evidence, as `report_equivocation` takes it.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum Evidence<H: HeaderT> {
    /// Two headers for one slot, both sealed by the same key.
    Headers(HeaderEquivocation<H>),
    /// Two pre-commits in one view for different blocks, both signed by the same key.
    Precommits(PrecommitEquivocation<H::Hash, H::Number>),
}

/// Why evidence does not prove anything. Evidence that fails any check penalises no one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EvidenceError {
    /// Both items are the same header or the same vote.
    NotConflicting,
    /// The headers are for different slots, or the votes for different views.
    DifferentSlotOrView,
    /// A vote is not a pre-commit.
    NotPrecommits,
    /// The two items are signed by different keys.
    DifferentSigners,
    /// A header's seal or pre-digest is invalid or not the offender's.
    BadHeader(DigestError),
    /// A vote's signature is invalid.
    BadVoteSignature,
}

impl<H: HeaderT> Evidence<H> {
    /// The packing key the evidence accuses.
    pub fn offender(&self) -> &PackingKey {
        match self {
            Evidence::Headers(proof) => &proof.offender,
            Evidence::Precommits(proof) => &proof.first.voter,
        }
    }

    /// Verifies the evidence on its own: both items validly signed by [`Self::offender`], for
    /// the same slot (headers) or view (pre-commits), and different. Returns the slot of a
    /// header equivocation, or `None` for pre-commits.
    pub fn check(&self) -> Result<Option<Slot>, EvidenceError> {
        match self {
            Evidence::Headers(proof) => {
                let (first, first_pre) =
                    check_seal(&proof.first, &proof.offender).map_err(EvidenceError::BadHeader)?;
                let (second, second_pre) =
                    check_seal(&proof.second, &proof.offender).map_err(EvidenceError::BadHeader)?;
                // sr25519 signatures are randomised: one header sealed twice differs only in
                // its seal, which is not equivocation.
                if first_pre.hash() == second_pre.hash() {
                    return Err(EvidenceError::NotConflicting);
                }
                if first.slot != second.slot {
                    return Err(EvidenceError::DifferentSlotOrView);
                }
                Ok(Some(first.slot))
            }
            Evidence::Precommits(proof) => {
                let (first, second) = (&proof.first, &proof.second);
                if first.vote.kind != VoteKind::Precommit || second.vote.kind != VoteKind::Precommit
                {
                    return Err(EvidenceError::NotPrecommits);
                }
                if first.voter != second.voter {
                    return Err(EvidenceError::DifferentSigners);
                }
                if first.vote.view != second.vote.view {
                    return Err(EvidenceError::DifferentSlotOrView);
                }
                if first.vote.hash == second.vote.hash {
                    return Err(EvidenceError::NotConflicting);
                }
                if !first.verify() || !second.verify() {
                    return Err(EvidenceError::BadVoteSignature);
                }
                Ok(None)
            }
        }
    }
}

/// The agent that owns a slot, as the runtime schedules it.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize, Debug,
)]
#[serde(rename_all = "camelCase")]
pub struct SlotOwner<AccountId> {
    /// The round of the slot.
    pub round: RoundIndex,
    /// The slot's position in the round = the producer's position in the list.
    pub index: u32,
    /// The key that must seal the block.
    pub packing_key: PackingKey,
    /// The agent's account.
    pub agent: AccountId,
}

/// One producer of a round, fixed when the round was scheduled.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize, Debug,
)]
#[serde(rename_all = "camelCase")]
pub struct Producer<AccountId, Balance> {
    /// The agent's account.
    pub agent: AccountId,
    /// Its packing key.
    pub packing_key: PackingKey,
    /// Deposit plus delegations: the finality vote weight.
    pub stake: Balance,
    /// `stake · max(0, credit)`: the coinbase weight.
    pub reward_weight: Balance,
}

/// A round's schedule.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize, Debug,
)]
#[serde(rename_all = "camelCase")]
pub struct RoundInfo<AccountId, Balance> {
    /// The round's index.
    pub index: RoundIndex,
    /// Its first slot; slot `start_slot + i` belongs to `producers[i]`.
    pub start_slot: Slot,
    /// The ordered producers; the round lasts one slot per producer.
    pub producers: Vec<Producer<AccountId, Balance>>,
}

/// Where an agent is in its life: stored by the `Poc` pallet and shown by the runtime API.
#[derive(
    Clone,
    Copy,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    MaxEncodedLen,
    TypeInfo,
    serde::Serialize,
    serde::Deserialize,
    Debug,
)]
#[serde(rename_all = "camelCase")]
pub enum AgentStatus<BlockNumber> {
    /// Registered; produces from the round its membership was fixed for.
    Active,
    /// Stopped by its owner; the deposit unlocks at `unlock_at`.
    Stopped {
        /// Block from which `withdraw_unlocked` pays the deposit back.
        unlock_at: BlockNumber,
    },
    /// Stopped by a red card; the deposit unlocks at `unlock_at`.
    RedCarded {
        /// Block from which `withdraw_unlocked` pays the deposit back.
        unlock_at: BlockNumber,
    },
}

impl<BlockNumber: Copy> AgentStatus<BlockNumber> {
    /// Whether the agent is active (neither stopped nor red-carded).
    pub fn is_active(&self) -> bool {
        matches!(self, AgentStatus::Active)
    }

    /// The block the deposit unlocks at, if the agent is stopped or red-carded.
    pub fn unlock_at(&self) -> Option<BlockNumber> {
        match self {
            AgentStatus::Active => None,
            AgentStatus::Stopped { unlock_at } | AgentStatus::RedCarded { unlock_at } => {
                Some(*unlock_at)
            }
        }
    }
}

/// An agent as `wcme_pocAgents` shows it.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize, Debug,
)]
#[serde(rename_all = "camelCase")]
pub struct AgentInfo<AccountId, Balance, BlockNumber> {
    /// The agent's account (who registered it).
    pub agent: AccountId,
    /// The key its node seals with.
    pub packing_key: PackingKey,
    /// Where its rewards go.
    pub reward_account: AccountId,
    /// Its commission on delegators' rewards.
    pub commission: Perbill,
    /// Its own deposit.
    pub deposit: Balance,
    /// Total delegated to it.
    pub delegated: Balance,
    /// How many accounts delegate to it.
    pub delegators: u32,
    /// Active, stopped or red-carded.
    pub status: AgentStatus<BlockNumber>,
    /// The deposit is frozen by a yellow card until this block, if any.
    pub frozen_until: Option<BlockNumber>,
    /// The account's credit in ten-thousandths, in `[-10_000, 10_000]`.
    pub credit: i32,
}

/// An account's credit as `wcme_credit` shows it.
#[derive(
    Clone, PartialEq, Eq, Encode, Decode, TypeInfo, serde::Serialize, serde::Deserialize, Debug,
)]
#[serde(rename_all = "camelCase")]
pub struct CreditInfo {
    /// Credit in ten-thousandths, in `[-10_000, 10_000]` (`10_000` is `1.0000`).
    pub units: i32,
    /// Whether the account holds a red card (its credit is then `-1` for ever).
    pub red_card: bool,
}

sp_api::decl_runtime_apis! {
    /// What a POC engine, the finality gadget and RPC ask the runtime.
    pub trait PocApi<AccountId, Balance, BlockNumber>
    where
        AccountId: Codec,
        Balance: Codec,
        BlockNumber: Codec,
    {
        /// Length of a slot in milliseconds: the target block time.
        fn slot_duration_ms() -> u64;
        /// Who may author `slot` in a child of this block; `None` if no agent may (the slot is
        /// not after this block's, or there are no producers).
        fn slot_owner(slot: Slot) -> Option<SlotOwner<AccountId>>;
        /// The round this block belongs to.
        fn current_round() -> RoundInfo<AccountId, Balance>;
        /// Every registered agent, active, stopped or red-carded.
        fn agents() -> Vec<AgentInfo<AccountId, Balance, BlockNumber>>;
        /// `who`'s credit.
        fn credit(who: AccountId) -> CreditInfo;
        /// Rewards `who` has earned (as agent or delegator) and not yet been paid.
        fn pending_rewards(who: AccountId) -> Balance;
        /// The unsigned extrinsic that reports `evidence` (a node submits it to its pool when
        /// it sees a key equivocate). Whether the report is valid is the pool's question.
        fn equivocation_report_extrinsic(evidence: Evidence<Block::Header>) -> Block::Extrinsic;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::H256;
    use sp_runtime::{generic, traits::BlakeTwo256};

    type Header = generic::Header<u32, BlakeTwo256>;

    fn pair(seed: &str) -> sr25519::Pair {
        sr25519::Pair::from_string(seed, None).expect("dev seed")
    }

    fn sealed(slot: Slot, state: u8, key: &sr25519::Pair) -> Header {
        let mut header = Header::new(
            1,
            H256::repeat_byte(state),
            H256::zero(),
            H256::zero(),
            Default::default(),
        );
        header.digest_mut().push(
            PreDigest {
                round: 0,
                slot,
                author_index: 0,
            }
            .to_digest_item(),
        );
        let signature = key.sign(header.hash().as_ref());
        header.digest_mut().push(seal_item(&signature));
        header
    }

    #[test]
    fn seal_round_trips_and_binds_the_header() {
        let alice = pair("//Alice");
        let header = sealed(7, 1, &alice);
        let (digest, pre) = check_seal(&header, &alice.public()).expect("valid seal");
        assert_eq!(digest.slot, 7);
        assert_eq!(pre.digest().logs().len(), 1);
        assert_eq!(
            check_seal(&header, &pair("//Bob").public()).map(|_| ()),
            Err(DigestError::BadSignature)
        );
        let mut tampered = header.clone();
        tampered.number = 2;
        assert_eq!(
            check_seal(&tampered, &alice.public()).map(|_| ()),
            Err(DigestError::BadSignature)
        );
        let mut unsealed = header;
        unsealed.digest_mut().pop();
        assert_eq!(
            split_seal(&unsealed).map(|_| ()),
            Err(DigestError::MissingSeal)
        );
    }

    #[test]
    fn pre_digest_must_be_single_and_exact() {
        let mut header = Header::new(
            1,
            H256::zero(),
            H256::zero(),
            H256::zero(),
            Default::default(),
        );
        assert_eq!(find_pre_digest(&header), Err(DigestError::MissingPreDigest));
        let digest = PreDigest {
            round: 1,
            slot: 2,
            author_index: 3,
        };
        header.digest_mut().push(digest.to_digest_item());
        assert_eq!(find_pre_digest(&header), Ok(digest));
        header.digest_mut().push(digest.to_digest_item());
        assert_eq!(
            find_pre_digest(&header),
            Err(DigestError::DuplicatePreDigest)
        );
        let mut padded = Header::new(
            1,
            H256::zero(),
            H256::zero(),
            H256::zero(),
            Default::default(),
        );
        let mut bytes = digest.encode();
        bytes.push(0);
        padded
            .digest_mut()
            .push(DigestItem::PreRuntime(POC_ENGINE_ID, bytes));
        assert_eq!(
            find_pre_digest(&padded),
            Err(DigestError::MalformedPreDigest)
        );
    }

    #[test]
    fn header_equivocation_is_checked_without_state() {
        let alice = pair("//Alice");
        let evidence = Evidence::Headers(HeaderEquivocation {
            offender: alice.public(),
            first: sealed(9, 1, &alice),
            second: sealed(9, 2, &alice),
        });
        assert_eq!(evidence.check(), Ok(Some(9)));

        let same = Evidence::Headers(HeaderEquivocation {
            offender: alice.public(),
            first: sealed(9, 1, &alice),
            second: sealed(9, 1, &alice),
        });
        assert_eq!(same.check(), Err(EvidenceError::NotConflicting));

        let other_slot = Evidence::Headers(HeaderEquivocation {
            offender: alice.public(),
            first: sealed(9, 1, &alice),
            second: sealed(10, 2, &alice),
        });
        assert_eq!(other_slot.check(), Err(EvidenceError::DifferentSlotOrView));

        let framed = Evidence::Headers(HeaderEquivocation {
            offender: alice.public(),
            first: sealed(9, 1, &alice),
            second: sealed(9, 2, &pair("//Bob")),
        });
        assert_eq!(
            framed.check(),
            Err(EvidenceError::BadHeader(DigestError::BadSignature))
        );
    }

    #[test]
    fn precommit_equivocation_is_checked_without_state() {
        let alice = pair("//Alice");
        // (kind, view, byte): the height does not matter, the view does.
        let vote = |kind, view, byte| Vote {
            kind,
            round: 3,
            view,
            number: 5 + u32::from(byte),
            hash: H256::repeat_byte(byte),
        };
        let proof = |a: SignedVote<H256, u32>, b: SignedVote<H256, u32>| {
            Evidence::<Header>::Precommits(PrecommitEquivocation {
                first: a,
                second: b,
            })
        };
        let sign = |v| SignedVote::sign(v, &alice);
        assert_eq!(
            proof(
                sign(vote(VoteKind::Precommit, 5, 1)),
                sign(vote(VoteKind::Precommit, 5, 2))
            )
            .check(),
            Ok(None)
        );
        assert_eq!(
            proof(
                sign(vote(VoteKind::Prevote, 5, 1)),
                sign(vote(VoteKind::Precommit, 5, 2))
            )
            .check(),
            Err(EvidenceError::NotPrecommits)
        );
        assert_eq!(
            proof(
                sign(vote(VoteKind::Precommit, 5, 1)),
                sign(vote(VoteKind::Precommit, 6, 2))
            )
            .check(),
            Err(EvidenceError::DifferentSlotOrView)
        );
        assert_eq!(
            proof(
                sign(vote(VoteKind::Precommit, 5, 1)),
                SignedVote::sign(vote(VoteKind::Precommit, 5, 2), &pair("//Bob"))
            )
            .check(),
            Err(EvidenceError::DifferentSigners)
        );
        let mut forged = sign(vote(VoteKind::Precommit, 5, 2));
        forged.vote.hash = H256::repeat_byte(3);
        assert_eq!(
            proof(sign(vote(VoteKind::Precommit, 5, 1)), forged).check(),
            Err(EvidenceError::BadVoteSignature)
        );
    }
}
