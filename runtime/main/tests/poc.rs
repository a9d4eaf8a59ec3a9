//! Proof-of-Credit in the main-chain runtime: the `local_testnet` genesis agents, POC blocks built
//! and re-executed through the runtime API the node uses, blocks the runtime must reject, and the
//! `PocApi` answers.

mod common;

use codec::{Decode, Encode};
use common::preset_ext;
use frame_support::traits::fungible::{Inspect, InspectHold};
use sp_core::{Pair, sr25519};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
    Digest, MultiSignature, MultiSigner,
    generic::Era,
    traits::{Block as BlockT, Header as HeaderT, IdentifyAccount},
};
use wcme_consensus_primitives::poc::{
    AgentInfo, AgentStatus, CreditInfo, PreDigest, RoundInfo, Slot, SlotOwner,
};
use wcme_runtime_main::{
    AccountId, Balance, Balances, BalancesCall, Block, BlockNumber, Executive, Header,
    MILLISECS_PER_BLOCK, Runtime, RuntimeCall, RuntimeEvent, RuntimeHoldReason, SignedPayload,
    System, TimestampCall, TxExtension, UncheckedExtrinsic, WCME, buckets, dispatch,
    genesis_config_presets::{self, LOCAL_AGENT_DEPOSIT, LOCAL_TESTNET_AGENTS},
};

fn local_ext() -> sp_io::TestExternalities {
    preset_ext(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
}

/// Calls runtime API `method` with `args` and decodes the result.
fn api<R: Decode>(method: &str, args: &[u8]) -> R {
    let out = dispatch(method, args).expect("api exists");
    R::decode(&mut &out[..]).expect("decodes")
}

fn account(name: &str) -> AccountId {
    sr25519::Pair::from_string(&format!("//{name}"), None)
        .map(|pair| AccountId::from(pair.public()))
        .expect("dev account")
}

fn slot_owner(slot: Slot) -> Option<SlotOwner<AccountId>> {
    api("PocApi_slot_owner", &slot.encode())
}

fn poc_digest(round: u32, slot: Slot, author_index: u32) -> Digest {
    Digest {
        logs: vec![
            PreDigest {
                round,
                slot,
                author_index,
            }
            .to_digest_item(),
        ],
    }
}

/// The header of block 1 on top of genesis with `digest`.
fn header_one(digest: Digest) -> Header {
    Header::new(
        1,
        Default::default(),
        Default::default(),
        System::block_hash(0),
        digest,
    )
}

fn timestamp(slot: Slot) -> UncheckedExtrinsic {
    UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: slot * MILLISECS_PER_BLOCK,
    }))
}

/// A signed, immortal transfer of `value` from `pair` to Bob with `nonce`.
fn transfer(pair: &sr25519::Pair, value: Balance, nonce: u32) -> UncheckedExtrinsic {
    let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
        dest: Sr25519Keyring::Bob.to_account_id().into(),
        value,
    });
    let ext: TxExtension = (
        frame_system::CheckNonZeroSender::<Runtime>::new(),
        frame_system::CheckSpecVersion::<Runtime>::new(),
        frame_system::CheckTxVersion::<Runtime>::new(),
        frame_system::CheckGenesis::<Runtime>::new(),
        frame_system::CheckEra::<Runtime>::from(Era::Immortal),
        frame_system::CheckNonce::<Runtime>::from(nonce),
        frame_system::CheckWeight::<Runtime>::new(),
        pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
    );
    let payload = SignedPayload::new(call.clone(), ext.clone()).expect("implicit data");
    let signature = payload.using_encoded(|bytes| pair.sign(bytes));
    let signer: AccountId = MultiSigner::from(pair.public()).into_account();
    UncheckedExtrinsic::new_signed(call, signer.into(), MultiSignature::Sr25519(signature), ext)
}

/// Builds block 1 authored in `slot` by its owner at genesis, with a transfer by Eve.
fn build_poc_block(slot: Slot) -> (Block, SlotOwner<AccountId>) {
    let mut builder = local_ext();
    builder.execute_with(|| {
        let owner = slot_owner(slot).expect("genesis agents own every slot");
        Executive::initialize_block(&header_one(poc_digest(owner.round, slot, owner.index)));
        let extrinsics = vec![
            timestamp(slot),
            transfer(&Sr25519Keyring::Eve.pair(), WCME, 0),
        ];
        for xt in &extrinsics {
            Executive::apply_extrinsic(xt.clone())
                .expect("valid")
                .expect("dispatches");
        }
        let header = Executive::finalize_block();
        (Block::new(header, extrinsics), owner)
    })
}

#[test]
fn local_genesis_has_four_agents_with_held_deposits() {
    local_ext().execute_with(|| {
        let agents: Vec<AgentInfo<AccountId, Balance, BlockNumber>> = api("PocApi_agents", &[]);
        assert_eq!(agents.len(), 4);
        for name in LOCAL_TESTNET_AGENTS {
            let who = account(name);
            let agent = agents.iter().find(|a| a.agent == who).expect("agent");
            assert_eq!(agent.deposit, LOCAL_AGENT_DEPOSIT);
            assert_eq!(agent.reward_account, who);
            assert_eq!(agent.commission.deconstruct(), 100_000_000);
            assert_eq!(agent.status, AgentStatus::Active);
            assert_eq!(
                agent.packing_key,
                genesis_config_presets::dev_packing_key(name).expect("derivable")
            );
            let reason = RuntimeHoldReason::Poc(pallet_wcme_poc::HoldReason::AgentDeposit);
            assert_eq!(
                Balances::balance_on_hold(&reason, &who),
                LOCAL_AGENT_DEPOSIT
            );
            assert_eq!(
                Balances::balance(&who),
                genesis_config_presets::DEV_ACCOUNT_BALANCE - LOCAL_AGENT_DEPOSIT
            );
        }
        // Held, not minted: the supply is still the buckets plus the development accounts.
        assert_eq!(
            Balances::total_issuance(),
            buckets::GENESIS_SUPPLY + 12 * genesis_config_presets::DEV_ACCOUNT_BALANCE
        );
        let round: RoundInfo<AccountId, Balance> = api("PocApi_current_round", &[]);
        assert_eq!(round.index, 0);
        assert_eq!(round.producers.len(), 4);
        assert_eq!(
            api::<u64>("PocApi_slot_duration_ms", &[]),
            MILLISECS_PER_BLOCK
        );
    });
}

#[test]
fn the_local_preset_json_names_the_poc_settings() {
    let id: Option<String> = Some(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET.into());
    let json: Option<Vec<u8>> = api("GenesisBuilder_get_preset", &id.encode());
    let value: serde_json::Value = serde_json::from_slice(&json.expect("preset")).expect("json");
    // Chain specs patch `poc.slotDurationMs` to pick their slot length.
    assert_eq!(value["poc"]["slotDurationMs"], serde_json::json!(6000));
    let agents = value["poc"]["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), 4);
    let alice = Sr25519Keyring::Alice.to_account_id().to_string();
    assert_eq!(agents[0][0], serde_json::json!(alice));
}

#[test]
fn the_development_preset_has_no_agent_and_no_schedule() {
    preset_ext(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
        let agents: Vec<AgentInfo<AccountId, Balance, BlockNumber>> = api("PocApi_agents", &[]);
        assert!(agents.is_empty());
        assert_eq!(slot_owner(1_000), None);
    });
}

#[test]
fn a_poc_block_by_the_scheduled_producer_executes() {
    let slot: Slot = 300_000_001;
    let (block, owner) = build_poc_block(slot);
    assert_eq!(owner.round, 0);
    assert_eq!(u64::from(owner.index), slot % 4);
    assert_eq!(
        owner.packing_key,
        genesis_config_presets::dev_packing_key(
            LOCAL_TESTNET_AGENTS
                .iter()
                .find(|name| account(name) == owner.agent)
                .expect("a local agent")
        )
        .expect("derivable")
    );

    // The importer executes the same block on its own copy of genesis.
    let mut importer = local_ext();
    importer.execute_with(|| {
        let issuance = Balances::total_issuance();
        let author_before = Balances::balance(&owner.agent);
        let out = dispatch("Core_execute_block", &block.encode()).expect("api exists");
        assert!(out.is_empty());
        assert_eq!(System::block_number(), 1);
        // The fee went to the author (round 0 pays no inflation: genesis credit is 0), so the
        // supply is unchanged.
        let fee = System::events()
            .iter()
            .find_map(|r| match &r.event {
                RuntimeEvent::TransactionPayment(
                    pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
                ) => Some(*actual_fee),
                _ => None,
            })
            .expect("fee paid");
        assert!(fee > 0);
        let received = if owner.agent == Sr25519Keyring::Bob.to_account_id() {
            WCME
        } else {
            0
        };
        assert_eq!(
            Balances::balance(&owner.agent),
            author_before + fee + received
        );
        assert_eq!(Balances::total_issuance(), issuance);
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::Poc(pallet_wcme_poc::Event::Coinbase { author, fees, .. })
                if *author == owner.agent && *fees == fee
        )));
        // The chain's first block fixed round 0's start; the slot is spent.
        let round: RoundInfo<AccountId, Balance> = api("PocApi_current_round", &[]);
        assert_eq!(round.start_slot, slot - slot % 4);
        assert_eq!(slot_owner(slot), None);
        let next = slot_owner(slot + 1).expect("next slot");
        assert_eq!(u64::from(next.index), (slot + 1) % 4);
        // The author's credit rose by one block in a window of 100 rounds.
        let credit: CreditInfo = api("PocApi_credit", &owner.agent.encode());
        assert_eq!(credit.units, 100);
        assert!(!credit.red_card);
        let pending: Balance = api("PocApi_pending_rewards", &owner.agent.encode());
        assert_eq!(pending, 0);
    });
}

#[test]
#[should_panic(expected = "the pre-digest says")]
fn a_block_naming_the_wrong_producer_fails() {
    local_ext().execute_with(|| {
        let slot: Slot = 300_000_001;
        let owner = slot_owner(slot).expect("owner");
        let wrong = (owner.index + 1) % 4;
        Executive::initialize_block(&header_one(poc_digest(0, slot, wrong)));
    });
}

#[test]
#[should_panic(expected = "the pre-digest says")]
fn a_block_naming_the_wrong_round_fails() {
    local_ext().execute_with(|| {
        let slot: Slot = 300_000_001;
        let owner = slot_owner(slot).expect("owner");
        Executive::initialize_block(&header_one(poc_digest(1, slot, owner.index)));
    });
}

#[test]
#[should_panic(expected = "is not after the parent's slot")]
fn a_block_whose_slot_does_not_advance_fails() {
    let slot: Slot = 300_000_001;
    let (block, owner) = build_poc_block(slot);
    let mut ext = local_ext();
    ext.execute_with(|| {
        dispatch("Core_execute_block", &block.encode()).expect("api exists");
        let parent = block.header().hash();
        let header = Header::new(
            2,
            Default::default(),
            Default::default(),
            parent,
            poc_digest(owner.round, slot, owner.index),
        );
        Executive::initialize_block(&header);
    });
}

#[test]
fn a_block_without_a_poc_digest_leaves_the_pallet_idle() {
    local_ext().execute_with(|| {
        Executive::initialize_block(&header_one(Digest::default()));
        Executive::apply_extrinsic(timestamp(1_000))
            .expect("valid")
            .expect("dispatches");
        let issuance = Balances::total_issuance();
        let xt = transfer(&Sr25519Keyring::Eve.pair(), WCME, 0);
        Executive::apply_extrinsic(xt)
            .expect("valid")
            .expect("dispatches");
        Executive::finalize_block();
        // The fee was burned, nothing was minted, and round 0 has not started.
        assert!(Balances::total_issuance() < issuance);
        let round: RoundInfo<AccountId, Balance> = api("PocApi_current_round", &[]);
        assert_eq!(round.start_slot, 0);
        assert!(slot_owner(1_000).is_some());
        assert!(
            !System::events()
                .iter()
                .any(|r| matches!(r.event, RuntimeEvent::Poc(_)))
        );
    });
}

#[test]
fn poc_constants_follow_design_and_nuls() {
    use frame_support::traits::Get;
    type C = <Runtime as pallet_wcme_poc::Config>::MinDeposit;
    assert_eq!(<C as Get<Balance>>::get(), 20_000 * WCME);
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::MaxDeposit as Get<Balance>>::get(),
        200_000 * WCME
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::MinDelegation as Get<Balance>>::get(),
        2_000 * WCME
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::MaxDelegated as Get<Balance>>::get(),
        500_000 * WCME
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::MaxAgents as Get<u32>>::get(),
        100
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::MaxDelegatorsPerAgent as Get<u32>>::get(),
        64
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::StopLock as Get<BlockNumber>>::get(),
        3 * 24 * 600
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::YellowCardFreeze as Get<BlockNumber>>::get(),
        72 * 600
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::RedCardLock as Get<BlockNumber>>::get(),
        30 * 24 * 600
    );
    assert_eq!(
        <<Runtime as pallet_wcme_poc::Config>::AnnualInflation as Get<Balance>>::get(),
        5_000_000 * WCME
    );
    assert_eq!(
        <<Runtime as pallet_wcme_credit::Config>::CreditWindow as Get<u32>>::get(),
        100
    );
    // Every pallet's configuration checks hold (MinDeposit <= MaxDeposit, CreditWindow, …).
    sp_io::TestExternalities::new_empty().execute_with(|| {
        <wcme_runtime_main::AllPalletsWithSystem as frame_support::traits::IntegrityTest>::integrity_test();
    });
    // The node's dev URIs.
    assert_eq!(
        genesis_config_presets::dev_packing_key_uri("Alice"),
        "//Alice//poc"
    );
}

#[test]
fn a_nodes_unsigned_equivocation_report_is_pooled_and_applied() {
    use sp_runtime::transaction_validity::{TransactionSource, TransactionValidity};
    use wcme_consensus_primitives::poc::{Evidence, HeaderEquivocation, seal_item};

    local_ext().execute_with(|| {
        let bob_key = genesis_config_presets::dev_packing_pair("Bob").expect("dev key");
        let sealed = |state: u8| {
            let mut header = header_one(poc_digest(0, 1_000, 1));
            header.set_state_root([state; 32].into());
            let signature = bob_key.sign(header.hash().as_ref());
            header.digest_mut().push(seal_item(&signature));
            header
        };
        let evidence = Evidence::Headers(HeaderEquivocation {
            offender: bob_key.public(),
            first: sealed(1),
            second: sealed(2),
        });
        let report: UncheckedExtrinsic =
            api("PocApi_equivocation_report_extrinsic", &evidence.encode());
        // Validation initialises the next block; the pool runs it on a throwaway overlay.
        let validate = |xt: &UncheckedExtrinsic| {
            let input = (TransactionSource::External, xt, System::block_hash(0)).encode();
            frame_support::storage::with_transaction_unchecked(|| {
                let out = dispatch("TaggedTransactionQueue_validate_transaction", &input)
                    .expect("api exists");
                sp_runtime::TransactionOutcome::Rollback(
                    TransactionValidity::decode(&mut &out[..]).expect("decodes"),
                )
            })
        };
        let valid = validate(&report).expect("a valid report is pooled");
        assert_eq!(
            valid.provides,
            vec![("PocEquivocation", account("Bob")).encode()]
        );

        Executive::initialize_block(&header_one(Digest::default()));
        Executive::apply_extrinsic(timestamp(1_000))
            .expect("valid")
            .expect("dispatches");
        Executive::apply_extrinsic(report.clone())
            .expect("valid")
            .expect("dispatches");
        assert!(System::events().iter().any(|r| matches!(
            &r.event,
            RuntimeEvent::Poc(pallet_wcme_poc::Event::EquivocationReported { reporter: None, agent, .. })
                if *agent == account("Bob")
        )));
        Executive::finalize_block();
        // Red-carded now: the same report is stale.
        assert!(validate(&report).is_err());
    });
}
