//! A mock subchain runtime for the subchain side's tests: System, Balances (the native token),
//! `Wcme` (a second `pallet-balances` instance: WCME on the subchain, existential deposit 1
//! unless a test sets more) and the subchain side as `CrossChain`; a [`MainChainRoots`] whose
//! verified roots tests set ([`verify_root`]); and [`MainState`], a simulated main-chain state
//! with its `CrossChain::Outbound` messages and `Receipts` under the main side's keys, proven with
//! real trie proofs ([`crate::proof::build_proof`]).

use crate::{
    message::{Receipt, TransferMessage, main_outbound_key, main_receipt_key},
    subchain::{self as pallet_subchain, MainChainRoots, ProofOf},
    types::SubchainId,
};
use codec::Encode;
use frame_support::{derive_impl, parameter_types};
use pallet_wcme_subchains::Balance;
use sp_core::H256;
use sp_runtime::{BuildStorage, traits::IdentityLookup};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Wcme: pallet_balances::<Instance1>,
        CrossChain: pallet_subchain,
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
    type RuntimeHoldReason = RuntimeHoldReason;
}

parameter_types! {
    /// The WCME instance's existential deposit: 1 unless a test sets more.
    pub static WcmeExistentialDeposit: Balance = 1;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config<pallet_balances::Instance1> for Test {
    type Balance = u128;
    type ExistentialDeposit = WcmeExistentialDeposit;
    type AccountStore = frame_support::traits::StorageMapShim<
        pallet_balances::Account<Test, pallet_balances::Instance1>,
        u128,
        pallet_balances::AccountData<u128>,
    >;
    type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_subchain::config_preludes::TestDefaultConfig)]
impl pallet_subchain::Config for Test {
    type MainChain = MockMainChain;
    type Currency = Wcme;
    type AdminOrigin = frame_system::EnsureRoot<u128>;
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = MockMainChain;
}

/// `TransferTimeout` of the test defaults.
pub const TRANSFER_TIMEOUT: u32 = 20;
/// `MinTransfer` of the test defaults.
pub const MIN_TRANSFER: Balance = 10;
/// `MaxProofNodes` of the test defaults.
pub const MAX_PROOF_NODES: u32 = 16;
/// `MaxProofNodeSize` of the test defaults.
pub const MAX_PROOF_NODE_SIZE: u32 = 1024;

/// The subchain's id on the main chain, set at genesis.
pub const SUBCHAIN: SubchainId = 3;
/// Sends WCME from the main chain (its bytes are a message's `sender`).
pub const ALICE: u128 = 10;
/// Receives WCME on the subchain.
pub const BOB: u128 = 11;
/// Another subchain account.
pub const CHARLIE: u128 = 12;
/// Relays messages and receipts.
pub const RELAYER: u128 = 2;

thread_local! {
    static ROOTS: RefCell<BTreeMap<u32, H256>> = const { RefCell::new(BTreeMap::new()) };
    static FINALIZED: RefCell<u32> = const { RefCell::new(0) };
}

/// The main chain's finality as the tests set it: [`verify_root`], [`set_finalized`].
pub struct MockMainChain;

impl MainChainRoots for MockMainChain {
    fn state_root(number: u32) -> Option<H256> {
        ROOTS.with(|roots| roots.borrow().get(&number).copied())
    }

    fn finalized_number() -> u32 {
        FINALIZED.with(|finalized| *finalized.borrow())
    }
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_subchain::benchmarking::BenchmarkHelper for MockMainChain {
    fn verify_root(number: u32, root: H256) {
        verify_root(number, root);
    }
}

/// Marks main-chain block `number` with state `root` as finalized and verified.
pub fn verify_root(number: u32, root: H256) {
    ROOTS.with(|roots| roots.borrow_mut().insert(number, root));
}

/// Sets the highest verified main-chain block number.
pub fn set_finalized(number: u32) {
    FINALIZED.with(|finalized| *finalized.borrow_mut() = number);
}

/// Test externalities at block 1 (so events are kept), the subchain's id [`SUBCHAIN`] (or none),
/// no WCME, no verified roots.
pub fn new_test_ext_with(subchain_id: Option<SubchainId>) -> sp_io::TestExternalities {
    WcmeExistentialDeposit::set(1);
    ROOTS.with(|roots| roots.borrow_mut().clear());
    set_finalized(0);
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        balances: pallet_balances::GenesisConfig {
            balances: vec![(RELAYER, 1_000_000)],
            ..Default::default()
        },
        wcme: Default::default(),
        cross_chain: pallet_subchain::GenesisConfig {
            subchain_id,
            ..Default::default()
        },
    }
    .build_storage()
    .expect("mock genesis builds");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// [`new_test_ext_with`] the subchain's id [`SUBCHAIN`].
pub fn new_test_ext() -> sp_io::TestExternalities {
    new_test_ext_with(Some(SUBCHAIN))
}

/// The 32 message bytes of mock account `who`.
pub fn bytes_of(who: u128) -> [u8; 32] {
    crate::message::account_to_bytes(&who).expect("a u128 fits")
}

/// `proof` as a call argument.
pub fn bounded_proof(proof: Vec<Vec<u8>>) -> ProofOf<Test> {
    ProofOf::<Test>::try_from(proof).expect("within MaxProofNodes")
}

/// The state of a simulated main chain: its `CrossChain::Outbound` messages and `Receipts` of
/// subchain [`SUBCHAIN`] (and of another subchain), under the main-chain pallet's keys, among
/// unrelated entries (so proofs go through several trie levels).
pub struct MainState {
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
    next_seq: u64,
}

impl Default for MainState {
    fn default() -> Self {
        Self {
            entries: crate::mock::unrelated_entries(),
            next_seq: 0,
        }
    }
}

impl MainState {
    /// Queues a main → subchain message of [`SUBCHAIN`] (after a lock on the main chain) and
    /// returns it.
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
        self.put_message(SUBCHAIN, message);
        message
    }

    /// Stores `message` of `subchain` under its seq (any message, for forged states).
    pub fn put_message(&mut self, subchain: SubchainId, message: TransferMessage) {
        self.entries
            .insert(main_outbound_key(subchain, message.seq), message.encode());
    }

    /// Records the main chain's receipt of subchain → main message `seq` of `subchain`.
    pub fn receipt(&mut self, subchain: SubchainId, seq: u64, receipt: Receipt) {
        self.entries
            .insert(main_receipt_key(subchain, seq), receipt.encode());
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

    /// Verifies this state as main-chain block `at` and returns a proof of main → subchain
    /// message `seq` of [`SUBCHAIN`].
    pub fn verify_message(&self, at: u32, seq: u64) -> ProofOf<Test> {
        let (root, proof) = self.prove(&[main_outbound_key(SUBCHAIN, seq)]);
        verify_root(at, root);
        bounded_proof(proof)
    }

    /// Verifies this state as main-chain block `at` and returns a proof of the receipt of
    /// subchain → main message `seq` of [`SUBCHAIN`].
    pub fn verify_receipt(&self, at: u32, seq: u64) -> ProofOf<Test> {
        let (root, proof) = self.prove(&[main_receipt_key(SUBCHAIN, seq)]);
        verify_root(at, root);
        bounded_proof(proof)
    }
}
