//! A mock subchain runtime for the light client's tests (System and the light client as
//! `MainClient`) and a simulated main chain: real sealed headers with POC pre-digests, real
//! justifications signed with the dev packing keys (`//Alice//poc` …) exactly as the finality
//! gadget signs pre-commits ([`SignedVote::sign`]), and real storage proofs of
//! `Poc::NextProducers` ([`crate::proof::build_proof`]).

use crate::{
    main_client::{self as pallet_main_client, MainProducer, next_producers_key},
    proof::build_proof,
    types::{Header, Justification},
};
use codec::Encode;
use frame_support::derive_impl;
use sp_core::{H256, Pair as _, sr25519};
use sp_runtime::{AccountId32, BuildStorage, traits::Header as _};
use wcme_consensus_primitives::poc::{
    PreDigest, Producer, RoundIndex, SignedVote, Vote, VoteKind, seal_item,
};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        MainClient: pallet_main_client,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

#[derive_impl(pallet_main_client::config_preludes::TestDefaultConfig)]
impl pallet_main_client::Config for Test {
    type AdminOrigin = frame_system::EnsureRoot<u64>;
}

/// `MaxVoters` of the test defaults.
pub const MAX_VOTERS: u32 = 8;
/// `FinalizedHistory` of the test defaults.
pub const HISTORY: u32 = 16;
/// `MaxHeadersPerSubmission` of the test defaults.
pub const MAX_HEADERS: u32 = 8;
/// The simulated main chain's genesis hash.
pub const GENESIS: H256 = H256::repeat_byte(0x01);
/// The trust anchor's header number.
pub const CHECKPOINT: u32 = 10;
/// Each round-0 voter's stake.
pub const STAKE: u128 = 100;

/// The dev packing key of `name` (`//Alice//poc` for `"Alice"`), as the `local` preset
/// registers it.
pub fn key(name: &str) -> sr25519::Pair {
    sr25519::Pair::from_string(&format!("//{name}//poc"), None).expect("dev seed")
}

/// The round-0 voters: Alice, Bob, Charlie and Dave.
pub fn round0() -> Vec<sr25519::Pair> {
    ["Alice", "Bob", "Charlie", "Dave"]
        .iter()
        .map(|name| key(name))
        .collect()
}

/// A sealed main-chain header: POC pre-digest of `round` and `slot`, sealed by `author`.
pub fn header(number: u32, parent: H256, state_root: H256, round: RoundIndex) -> Header {
    let mut header = Header::new(
        number,
        H256::repeat_byte(0xee),
        state_root,
        parent,
        Default::default(),
    );
    header.digest.push(
        PreDigest {
            round,
            slot: 1_000 + u64::from(number),
            author_index: 0,
        }
        .to_digest_item(),
    );
    let signature = key("Alice").sign(header.hash().as_ref());
    header.digest.push(seal_item(&signature));
    header
}

/// The state root every simulated block has unless a test gives one.
pub fn plain_root(number: u32) -> H256 {
    H256::from_low_u64_be(0xc0_0000 + u64::from(number))
}

/// The trust anchor's header: number [`CHECKPOINT`], round 0. Built once: sr25519 seals are
/// randomised, so each sealing gives another hash.
pub fn checkpoint() -> Header {
    static CHECKPOINT_HEADER: std::sync::OnceLock<Header> = std::sync::OnceLock::new();
    CHECKPOINT_HEADER
        .get_or_init(|| {
            header(
                CHECKPOINT,
                H256::repeat_byte(0x09),
                plain_root(CHECKPOINT),
                0,
            )
        })
        .clone()
}

/// `count` headers of `round` after `parent`, each with `root(number)` as state root.
pub fn chain(
    parent: &Header,
    count: u32,
    round: RoundIndex,
    root: impl Fn(u32) -> H256,
) -> Vec<Header> {
    let mut headers: Vec<Header> = Vec::new();
    let (mut number, mut hash) = (parent.number, parent.hash());
    for _ in 0..count {
        number += 1;
        let next = header(number, hash, root(number), round);
        hash = next.hash();
        headers.push(next);
    }
    headers
}

/// A pre-commit by `signer` for `header` in `round`, signed as the finality gadget signs it.
pub fn precommit(
    header: &Header,
    round: RoundIndex,
    signer: &sr25519::Pair,
) -> SignedVote<H256, u32> {
    SignedVote::sign(
        Vote {
            kind: VoteKind::Precommit,
            round,
            view: 0,
            number: header.number,
            hash: header.hash(),
        },
        signer,
    )
}

/// The justification of `header` by `signers` in `round`.
pub fn justify(header: &Header, round: RoundIndex, signers: &[sr25519::Pair]) -> Justification {
    Justification {
        round,
        number: header.number,
        hash: header.hash(),
        precommits: signers
            .iter()
            .map(|signer| precommit(header, round, signer))
            .collect(),
    }
}

/// A main-chain producer record with `key`'s packing key and `stake`.
pub fn producer(seed: u8, key: &sr25519::Pair, stake: u128) -> MainProducer {
    Producer {
        agent: AccountId32::new([seed; 32]),
        packing_key: key.public(),
        stake,
        reward_weight: stake / 2,
    }
}

/// A simulated main-chain state holding `next_producers` (already encoded) as
/// `Poc::NextProducers`, among other entries: its root and a proof of the key.
pub fn main_state_raw(next_producers: Option<Vec<u8>>) -> (H256, Vec<Vec<u8>>) {
    let key = next_producers_key();
    let mut entries = vec![
        (b":code".to_vec(), vec![0x42; 64]),
        (
            frame_support::storage::storage_prefix(b"Poc", b"CurrentRound").to_vec(),
            vec![7; 100],
        ),
        (
            frame_support::storage::storage_prefix(b"System", b"Number").to_vec(),
            13u32.encode(),
        ),
    ];
    if let Some(value) = next_producers {
        entries.push((key.to_vec(), value));
    }
    build_proof(&entries, &[&key])
}

/// [`main_state_raw`] with `producers` as `Poc::NextProducers`.
pub fn main_state(producers: &[MainProducer]) -> (H256, Vec<Vec<u8>>) {
    main_state_raw(Some(producers.encode()))
}

/// The test externalities with the trust anchor at [`checkpoint`]: round 0, Alice, Bob,
/// Charlie and Dave with [`STAKE`] each.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let checkpoint = checkpoint();
    ext(pallet_main_client::GenesisConfig {
        genesis_hash: GENESIS,
        checkpoint_number: checkpoint.number,
        checkpoint_hash: checkpoint.hash(),
        checkpoint_state_root: checkpoint.state_root,
        round: 0,
        voters: round0()
            .iter()
            .map(|pair| (pair.public().0, STAKE))
            .collect(),
        _config: Default::default(),
    })
}

/// The test externalities with no trust anchor.
pub fn new_uninitialized_ext() -> sp_io::TestExternalities {
    ext(Default::default())
}

fn ext(main_client: pallet_main_client::GenesisConfig<Test>) -> sp_io::TestExternalities {
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        main_client,
    }
    .build_storage()
    .expect("genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
