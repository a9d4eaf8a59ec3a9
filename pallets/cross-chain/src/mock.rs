//! A mock runtime for the audit's tests: System, Balances (`u128` balances and accounts,
//! existential deposit 1), the real subchain registry (`pallet-wcme-subchains`, gas burned) and
//! CrossChain; plus builders of subchain headers, justifications signed by real sr25519 keys,
//! and mined PoW headers.

use crate as pallet_wcme_cross_chain;
use crate::types::{ConsensusKind, Header, Justification, SubchainId};
use crate::{
    HeadersOf,
    message::{Receipt, TransferMessage, subchain_outbound_key, subchain_receipt_key},
};
use codec::{Decode, Encode};
use frame_support::{
    PalletId, derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, ConstU128},
};
use pallet_wcme_subchains::{BaseToken, SubchainConfig, types::Balance};
use sp_core::{H256, Pair, sr25519};
use sp_runtime::{
    BuildStorage, Digest,
    traits::{Header as _, IdentityLookup},
};
use std::collections::BTreeMap;
use wcme_consensus_primitives::{
    poc::{SignedVote, Vote, VoteKind},
    pow::{self, PowPreDigest},
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Subchains: pallet_wcme_subchains,
        CrossChain: pallet_wcme_cross_chain,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountId = u128;
    type Lookup = IdentityLookup<u128>;
    type AccountData = pallet_balances::AccountData<u128>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type Balance = u128;
    type ExistentialDeposit = ExistentialDeposit;
    type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
    pub const SubchainsPalletId: PalletId = PalletId(*b"wcme/sub");
    pub const CrossChainPalletId: PalletId = PalletId(*b"wcme/xch");
    /// `MaxOutflowPerBlock`: no limit unless a test sets one.
    pub static MaxOutflow: Balance = Balance::MAX;
    /// 1 unless a test sets more.
    pub static ExistentialDeposit: Balance = 1;
}

impl pallet_wcme_subchains::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type PalletId = SubchainsPalletId;
    type MinStake = ConstU128<MIN_STAKE>;
    type MinGasBalance = ConstU128<MIN_GAS>;
    type DefaultHeaderFee = ConstU128<HEADER_FEE>;
    type DefaultMessageFee = ConstU128<MESSAGE_FEE>;
    type OnGasCharged = ();
    type RetirementDelay = ConstU64<10>;
    type MinBond = ConstU128<10>;
    type BondingDuration = ConstU64<10>;
    type OnBondSlashed = ();
    type MaxValidators = ConstU32<MAX_VALIDATORS>;
    type MaxNameLength = ConstU32<16>;
    type MaxSymbolLength = ConstU32<8>;
    type GovernanceOrigin = frame_system::EnsureRoot<u128>;
    type SignatureVerifier = pallet_wcme_subchains::DefaultVerifier;
    type AssetIssuer = ();
    type WeightInfo = ();
}

impl pallet_wcme_cross_chain::Config for Test {
    type Registry = Subchains;
    type Gas = Subchains;
    type MaxHeadersPerSubmission = ConstU32<MAX_HEADERS>;
    type AuditedHistory = ConstU32<HISTORY>;
    type MaxPrecommits = ConstU32<MAX_VALIDATORS>;
    type PowConfirmations = ConstU32<CONFIRMATIONS>;
    type PowTargetSlots = ConstU64<TARGET_SLOTS>;
    type Currency = Balances;
    type PalletId = CrossChainPalletId;
    type TransferTimeout = ConstU32<TRANSFER_TIMEOUT>;
    type MinTransfer = ConstU128<MIN_TRANSFER>;
    type MaxOutflowPerBlock = MaxOutflow;
    type MaxProofNodes = ConstU32<MAX_PROOF_NODES>;
    type MaxProofNodeSize = ConstU32<MAX_PROOF_NODE_SIZE>;
    type AdminOrigin = frame_system::EnsureRoot<u128>;
    type AccountC3nId = MockC3nId;
    type MaxC3ns = ConstU32<MAX_C3NS>;
    type MinMainC3ns = ConstU32<2>;
    type MinSubchainC3ns = ConstU32<2>;
    type MaxBatch = ConstU32<MAX_BATCH>;
    type BatchExpiry = ConstU32<BATCH_EXPIRY>;
    type WeightInfo = ();
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = crate::benchmarking::SubchainsHelper<Test>;
}

/// The C3N ids of the mock's accounts: account [`VALIDATOR_ACCOUNTS`]` + n` attests as
/// [`validator`]`(n)` (whose key the `u128` account cannot be), every other account as its
/// bytes.
pub struct MockC3nId;

impl sp_runtime::traits::Convert<u128, Option<crate::c3d::C3nId>> for MockC3nId {
    fn convert(account: u128) -> Option<crate::c3d::C3nId> {
        match account.checked_sub(VALIDATOR_ACCOUNTS) {
            Some(n) if n < 256 => Some(validator(n as u8).public().0),
            _ => crate::message::account_to_bytes(&account),
        }
    }
}

/// The account of validator `n`: [`VALIDATOR_ACCOUNTS`]` + n`.
pub fn validator_account(n: u8) -> u128 {
    VALIDATOR_ACCOUNTS + u128::from(n)
}

/// The first of the accounts of the validators (see [`MockC3nId`]).
pub const VALIDATOR_ACCOUNTS: u128 = 1_000;
pub const MAX_C3NS: u32 = 8;
pub const MAX_BATCH: u32 = 8;
pub const BATCH_EXPIRY: u32 = 5;
/// The main chain's C3Ns at genesis.
pub const MAIN_C3NS: [u128; 3] = [20, 21, 22];

pub const MIN_STAKE: Balance = 1_000;
pub const MIN_GAS: Balance = 100;
pub const HEADER_FEE: Balance = 10;
pub const MAX_VALIDATORS: u32 = 7;
pub const MAX_HEADERS: u32 = 16;
pub const HISTORY: u32 = 8;
pub const CONFIRMATIONS: u32 = 3;
pub const TARGET_SLOTS: u64 = 2;
pub const MESSAGE_FEE: Balance = 4;
pub const TRANSFER_TIMEOUT: u32 = 20;
pub const MIN_TRANSFER: Balance = 10;
pub const MAX_PROOF_NODES: u32 = 16;
pub const MAX_PROOF_NODE_SIZE: u32 = 1024;

/// Registers subchains.
pub const OWNER: u128 = 1;
/// Submits headers.
pub const RELAYER: u128 = 2;
/// Genesis WCME of [`OWNER`] and [`RELAYER`].
pub const RICH: Balance = 1_000_000_000;
/// Sends WCME to subchains; [`ALICE_FUNDS`] at genesis.
pub const ALICE: u128 = 10;
/// Genesis WCME of [`ALICE`].
pub const ALICE_FUNDS: Balance = 1_000;
/// Receives WCME from subchains; no account at genesis.
pub const BOB: u128 = 11;

/// The registered genesis hash of every test subchain.
pub const GENESIS: H256 = H256::repeat_byte(0x99);

/// The sr25519 validator with seed `[n; 32]`.
pub fn validator(n: u8) -> sr25519::Pair {
    sr25519::Pair::from_seed(&[n; 32])
}

/// `n` validators, seeds `1..=n`.
pub fn validators(n: u8) -> Vec<sr25519::Pair> {
    (1..=n).map(validator).collect()
}

/// Registers a subchain of `consensus` with sr25519 `keys`, genesis [`GENESIS`] and `stake`;
/// returns its id.
pub fn register_with(
    consensus: ConsensusKind,
    keys: &[sr25519::Pair],
    stake: Balance,
) -> SubchainId {
    let id = pallet_wcme_subchains::NextSubchainId::<Test>::get();
    let config = SubchainConfig {
        name: format!("chain{id}").into_bytes(),
        chain_id: format!("chain-{id}").into_bytes(),
        base_token: BaseToken {
            symbol: b"SUB".to_vec(),
            decimals: 12,
        },
        listing: None,
        consensus: consensus.code(),
        signature_scheme: 0,
        validators: keys.iter().map(|pair| pair.public().0.to_vec()).collect(),
        genesis_hash: GENESIS,
    };
    if let Err(error) = Subchains::register(RuntimeOrigin::signed(OWNER), config, stake) {
        panic!("test subchain does not register: {error:?}");
    }
    id
}

/// A PBFT subchain with `n` validators (seeds `1..=n`) and the least stake.
pub fn register_bft(n: u8) -> (SubchainId, Vec<sr25519::Pair>) {
    let keys = validators(n);
    (
        register_with(ConsensusKind::Pbft, &keys, 5 * MIN_STAKE),
        keys,
    )
}

/// A PoW subchain (its one registered validator is never used).
pub fn register_pow() -> SubchainId {
    register_with(ConsensusKind::Pow, &validators(1), 5 * MIN_STAKE)
}

/// A header `number` on `parent` whose state root depends on `salt` (never zero).
pub fn header(number: u32, parent: H256, salt: u8) -> Header {
    let mut root = [salt; 32];
    root[..4].copy_from_slice(&number.to_le_bytes());
    root[31] = 1;
    Header::new(
        number,
        H256::repeat_byte(0xee),
        H256(root),
        parent,
        Digest::default(),
    )
}

/// `n` headers on `(number, hash)`, consecutive and linked.
pub fn chain(parent: (u32, H256), n: u32, salt: u8) -> Vec<Header> {
    let (mut number, mut hash) = parent;
    (0..n)
        .map(|_| {
            number += 1;
            let next = header(number, hash, salt);
            hash = next.hash();
            next
        })
        .collect()
}

/// A pre-commit of `pair` for `header` in `round`.
pub fn precommit(pair: &sr25519::Pair, header: &Header, round: u32) -> SignedVote<H256, u32> {
    SignedVote::sign(
        Vote {
            kind: VoteKind::Precommit,
            round,
            view: 0,
            number: header.number,
            hash: header.hash(),
        },
        pair,
    )
}

/// A justification of `header` in `round` signed by `signers`.
pub fn justify(header: &Header, round: u32, signers: &[sr25519::Pair]) -> Justification {
    Justification {
        round,
        number: header.number,
        hash: header.hash(),
        precommits: signers
            .iter()
            .map(|pair| precommit(pair, header, round))
            .collect(),
    }
}

/// Header `number` on `parent` with pre-digest `digest`, sealed with the first nonce whose work
/// meets the digest's difficulty.
pub fn mine(number: u32, parent: H256, digest: PowPreDigest) -> Header {
    let mut header = header(number, parent, 0x33);
    header.digest.push(digest.to_digest_item());
    let pre_hash = header.hash();
    let nonce = (0u64..)
        .find(|nonce| pow::meets_difficulty(&pre_hash, *nonce, digest.difficulty))
        .unwrap_or_default();
    header.digest.push(pow::seal_item(nonce));
    header
}

/// `n` mined headers on `(number, hash)`: the first at `first`, each next one `TARGET_SLOTS`
/// slots later at the difficulty its parent dictates.
pub fn pow_chain(parent: (u32, H256), first: PowPreDigest, n: u32) -> Vec<Header> {
    let (mut number, mut hash) = parent;
    let mut digest = first;
    let mut headers = Vec::new();
    for i in 0..n {
        if i > 0 {
            let slot = digest.slot + TARGET_SLOTS;
            digest = PowPreDigest {
                slot,
                difficulty: pow::next_difficulty(
                    digest.difficulty,
                    digest.slot,
                    slot,
                    TARGET_SLOTS,
                ),
            };
        }
        number += 1;
        let next = mine(number, hash, digest);
        hash = next.hash();
        headers.push(next);
    }
    headers
}

/// Test externalities at block 1 (so events are kept).
pub fn new_test_ext() -> sp_io::TestExternalities {
    MaxOutflow::set(Balance::MAX);
    ExistentialDeposit::set(1);
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances: vec![(OWNER, RICH), (RELAYER, RICH), (ALICE, ALICE_FUNDS)],
            ..Default::default()
        },
        subchains: Default::default(),
        cross_chain: pallet_wcme_cross_chain::GenesisConfig {
            main_c3ns: MAIN_C3NS.to_vec(),
        },
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// The 32 message bytes of mock account `who`.
pub fn bytes_of(who: u128) -> [u8; 32] {
    crate::message::account_to_bytes(&who).expect("a u128 fits")
}

/// Audits one more header of BFT `subchain` (validators `keys`, set 0) whose state root is
/// `root`, through `submit_headers`; returns its number.
pub fn audit_root(subchain: SubchainId, keys: &[sr25519::Pair], root: H256) -> u32 {
    let (number, parent) =
        CrossChain::audited_head(subchain).map_or((0, GENESIS), |head| (head.number, head.hash));
    let next = Header::new(
        number + 1,
        H256::repeat_byte(0xee),
        root,
        parent,
        Digest::default(),
    );
    let proof = crate::FinalityProof::Justification(justify(&next, 0, keys));
    let headers = HeadersOf::<Test>::truncate_from(vec![next]);
    if let Err(error) =
        CrossChain::submit_headers(RuntimeOrigin::signed(RELAYER), subchain, headers, proof)
    {
        panic!("test header is not audited: {error:?}");
    }
    number + 1
}

/// The state of a simulated subchain: its `CrossChain::Outbound` messages and `Receipts`, under
/// the keys the real subchain pallet will use, among unrelated entries (so proofs go through
/// several trie levels).
pub struct SubchainState {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    next_seq: u64,
}

/// Unrelated entries of a simulated chain's state, so that proofs of the transfer keys among
/// them go through several trie levels.
pub fn unrelated_entries() -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut entries = BTreeMap::new();
    for i in 0u32..64 {
        let mut key = b"other-pallet/".to_vec();
        key.extend(i.encode());
        entries.insert(key, vec![i as u8; 1 + (i as usize % 40)]);
    }
    entries.insert(b":code".to_vec(), vec![0x42; 100]);
    entries
}

impl Default for SubchainState {
    fn default() -> Self {
        Self {
            entries: unrelated_entries(),
            next_seq: 0,
        }
    }
}

impl SubchainState {
    /// Queues a subchain → main message (after a burn on the subchain) and returns it.
    pub fn send(
        &mut self,
        sender: [u8; 32],
        dest: u128,
        amount: Balance,
        timeout: u32,
    ) -> TransferMessage {
        let message = TransferMessage {
            seq: self.next_seq,
            sender,
            dest: bytes_of(dest),
            amount,
            timeout,
        };
        self.next_seq += 1;
        self.put_message(message);
        message
    }

    /// Stores `message` under its seq (any message, for forged states).
    pub fn put_message(&mut self, message: TransferMessage) {
        self.entries
            .insert(subchain_outbound_key(message.seq), message.encode());
    }

    /// Records the subchain's receipt of main → subchain message `seq`.
    pub fn receipt(&mut self, seq: u64, receipt: Receipt) {
        self.entries
            .insert(subchain_receipt_key(seq), receipt.encode());
    }

    /// Stores raw `value` at `key`.
    pub fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.entries.insert(key, value);
    }

    /// The state root and a storage proof of `keys`.
    pub fn prove(&self, keys: &[Vec<u8>]) -> (H256, Vec<Vec<u8>>) {
        let entries: Vec<(Vec<u8>, Vec<u8>)> = self
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
        crate::proof::build_proof(&entries, &keys)
    }

    /// The state root.
    pub fn root(&self) -> H256 {
        self.prove(&[]).0
    }

    /// Audits this state as the next header of `subchain`; returns the header's number and a
    /// proof of message `seq`.
    pub fn audit_message(
        &self,
        subchain: SubchainId,
        keys: &[sr25519::Pair],
        seq: u64,
    ) -> (u32, crate::ProofOf<Test>) {
        let (root, proof) = self.prove(&[subchain_outbound_key(seq)]);
        let at = audit_root(subchain, keys, root);
        self.accept_messages(subchain);
        (at, bounded_proof(proof))
    }

    /// Audits this state as the next header of `subchain`, its messages accepted as by
    /// [`Self::accept_messages`]; returns the header's number.
    pub fn audit(&self, subchain: SubchainId, keys: &[sr25519::Pair]) -> u32 {
        let at = audit_root(subchain, keys, self.root());
        self.accept_messages(subchain);
        at
    }

    /// Records this state's messages not received yet as accepted by both sides' C3Ns, as if
    /// honest C3Ns had attested them (the tests of other checks need not run the C3D calls,
    /// which have tests of their own).
    pub fn accept_messages(&self, subchain: SubchainId) {
        let received = crate::NextInboundSeq::<Test>::get(subchain);
        for value in self.entries.values() {
            if let Ok(message) = TransferMessage::decode(&mut &value[..])
                && message.seq >= received
                && self.entries.get(&subchain_outbound_key(message.seq)) == Some(value)
            {
                accept_message(subchain, &message);
            }
        }
    }

    /// Has both sides' C3Ns accept this state's messages of `subchain` from the channel's next
    /// unattested one through `seq` (as honest C3Ns would, each reading its own node).
    pub fn attest_through(&self, subchain: SubchainId, seq: u64) {
        let next = crate::C3dChannels::<Test>::get(subchain).next;
        let messages: Vec<TransferMessage> = (next..=seq)
            .map_while(|seq| {
                let value = self.entries.get(&subchain_outbound_key(seq))?;
                TransferMessage::decode(&mut &value[..]).ok()
            })
            .collect();
        for batch in messages.chunks(MAX_BATCH as usize) {
            attest_messages(subchain, batch);
        }
    }

    /// Audits this state as the next header of `subchain`; returns the header's number and a
    /// proof of the receipt of main → subchain message `seq`.
    pub fn audit_receipt(
        &self,
        subchain: SubchainId,
        keys: &[sr25519::Pair],
        seq: u64,
    ) -> (u32, crate::ProofOf<Test>) {
        let (root, proof) = self.prove(&[subchain_receipt_key(seq)]);
        (audit_root(subchain, keys, root), bounded_proof(proof))
    }
}

/// Records `message` of `subchain` as accepted by both sides' C3Ns (see
/// [`SubchainState::accept_messages`]), whatever the channel's C3D state.
pub fn accept_message(subchain: SubchainId, message: &TransferMessage) {
    crate::AttestedMessages::<Test>::insert(
        subchain,
        message.seq,
        crate::c3d::message_hash(message),
    );
    crate::C3dChannels::<Test>::mutate(subchain, |channel| {
        channel.next = channel.next.max(message.seq + 1);
    });
}

/// Has the C3Ns accept `messages` of `subchain` (the channel's next ones): the first main C3N
/// that did not broadcast the previous batch broadcasts, every other C3N of both sides attests
/// until the batch is accepted.
pub fn attest_messages(subchain: SubchainId, messages: &[TransferMessage]) {
    let view = CrossChain::c3d_view(subchain);
    let hashes: Vec<H256> = messages.iter().map(crate::c3d::message_hash).collect();
    let broadcaster = MAIN_C3NS
        .into_iter()
        .find(|account| Some(bytes_of(*account)) != view.last_broadcaster)
        .expect("a main C3N may broadcast");
    frame_support::assert_ok!(CrossChain::broadcast_batch(
        RuntimeOrigin::signed(broadcaster),
        subchain,
        view.next,
        hashes.clone().try_into().expect("within MaxBatch"),
    ));
    let digest = crate::c3d::batch_digest(view.next, &hashes);
    let attesters = MAIN_C3NS
        .into_iter()
        .filter(|account| *account != broadcaster)
        .chain(view.subchain_c3ns.iter().map(validator_account_of));
    for attester in attesters {
        if crate::C3dChannels::<Test>::get(subchain).pending.is_none() {
            break;
        }
        frame_support::assert_ok!(CrossChain::attest_batch(
            RuntimeOrigin::signed(attester),
            subchain,
            view.next,
            digest,
        ));
    }
    assert!(
        crate::C3dChannels::<Test>::get(subchain).pending.is_none(),
        "the batch is accepted"
    );
}

/// The account that attests as the validator whose key is `c3n`.
pub fn validator_account_of(c3n: &crate::c3d::C3nId) -> u128 {
    (0..=u8::MAX)
        .find(|n| validator(*n).public().0 == *c3n)
        .map(validator_account)
        .expect("a mock validator's key")
}

/// `proof` as a call argument.
pub fn bounded_proof(proof: Vec<Vec<u8>>) -> crate::ProofOf<Test> {
    crate::ProofOf::<Test>::try_from(proof).expect("within MaxProofNodes")
}
