//! The subchain registry's gas fees at genesis and the cross-chain audit in the main runtime:
//! call indices, the genesis JSON, a PBFT subchain registered and audited through the
//! runtime's calls and its `CrossChainApi`, and WCME sent to it and back with real storage
//! proofs of a subchain state.

mod common;

use codec::{Decode, Encode};
use common::dev_ext;
use frame_support::{BoundedVec, traits::Get};
use pallet_wcme_cross_chain::{
    AuditedHeader, FinalityProof, Header, Justification, Receipt, TransferMessage, c3d::C3dView,
    main_outbound_key, main_receipt_key, subchain_outbound_key, subchain_receipt_key,
};
use pallet_wcme_subchains::{GasFees, SubchainConfig};
use sp_core::{H256, Pair, sr25519};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
    AccountId32,
    traits::{Dispatchable, Header as _},
};
use wcme_consensus_primitives::poc::{SignedVote, Vote, VoteKind};
use wcme_runtime_main::{
    CrossChainCall, Runtime, RuntimeCall, RuntimeOrigin, System, WCME, dispatch,
};

/// The call indices wallets and relayers encode: pallet 9, `submit_headers` 0, `report_fork`
/// 1; the registry's `set_gas_fees` is pallet 8, call 7.
#[test]
fn call_indices_are_fixed() {
    let submit = RuntimeCall::CrossChain(CrossChainCall::submit_headers {
        subchain: 1,
        headers: BoundedVec::default(),
        proof: FinalityProof::Work,
    });
    assert_eq!(submit.encode(), vec![9, 0, 1, 0, 0, 0, 0, 1]);
    let header = Header::new(
        1,
        H256::zero(),
        H256::zero(),
        H256::zero(),
        Default::default(),
    );
    let justification = Justification {
        round: 0,
        number: 1,
        hash: H256::zero(),
        precommits: Vec::new(),
    };
    let report = RuntimeCall::CrossChain(CrossChainCall::report_fork {
        subchain: 1,
        first: Box::new((header.clone(), justification.clone())),
        second: Box::new((header.clone(), justification.clone())),
    });
    let mut expected = vec![9, 1, 1, 0, 0, 0];
    for _ in 0..2 {
        expected.extend((header.clone(), justification.clone()).encode());
    }
    assert_eq!(report.encode(), expected);
    let fees = RuntimeCall::Subchains(pallet_wcme_subchains::Call::set_gas_fees {
        header_fee: 1,
        message_fee: 2,
    });
    assert_eq!(fees.encode(), vec![8, 7, 4, 8]);
    // A proof's encoding: index then the justification.
    assert_eq!(
        FinalityProof::Justification(justification.clone()).encode(),
        [vec![0], justification.encode()].concat()
    );
    // The C3D's calls: `broadcast_batch` 6, `attest_batch` 7.
    let broadcast = RuntimeCall::CrossChain(CrossChainCall::broadcast_batch {
        subchain: 1,
        first: 2,
        hashes: vec![H256::repeat_byte(3)].try_into().expect("one"),
    });
    assert_eq!(
        broadcast.encode(),
        [&[9, 6, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4][..], &[3; 32]].concat()
    );
    let attest = RuntimeCall::CrossChain(CrossChainCall::attest_batch {
        subchain: 1,
        first: 2,
        digest: H256::repeat_byte(3),
    });
    assert_eq!(
        attest.encode(),
        [&[9, 7, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0][..], &[3; 32]].concat()
    );
}

/// The `development` preset as JSON.
fn dev_preset() -> serde_json::Value {
    let id: Option<String> = Some(sp_genesis_builder::DEV_RUNTIME_PRESET.into());
    let out = dispatch("GenesisBuilder_get_preset", &id.encode()).expect("api exists");
    let json = Option::<Vec<u8>>::decode(&mut &out[..])
        .expect("decodes")
        .expect("preset exists");
    serde_json::from_slice(&json).expect("json")
}

/// Builds genesis from `config` through the runtime API; `Err` if the runtime refuses it (a
/// panicking genesis build is a refusal).
fn build(config: &serde_json::Value) -> Result<sp_io::TestExternalities, String> {
    let json = serde_json::to_vec(config).expect("json");
    let mut ext = sp_io::TestExternalities::new_empty();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ext.execute_with(|| {
            let out = dispatch("GenesisBuilder_build_state", &json.encode()).expect("api exists");
            sp_genesis_builder::Result::decode(&mut &out[..]).expect("decodes")
        })
    }));
    match result {
        Ok(Ok(())) => {
            ext.commit_all().expect("commit genesis");
            Ok(ext)
        }
        Ok(Err(error)) => Err(error),
        Err(_) => Err("genesis build panicked".into()),
    }
}

#[test]
fn genesis_sets_the_subchain_gas_fees() {
    let mut config = dev_preset();
    // The presets carry the defaults, camelCase.
    assert_eq!(
        config["subchains"],
        serde_json::json!({"headerFee": WCME / 20, "messageFee": WCME / 100})
    );
    // A test chain may charge up to MinGasBalance (100 WCME) per header; the message fee
    // keeps its default when left out.
    config["subchains"] = serde_json::json!({"headerFee": 100 * WCME});
    let mut ext = build(&config).expect("builds");
    ext.execute_with(|| {
        assert_eq!(
            pallet_wcme_subchains::Fees::<Runtime>::get(),
            GasFees {
                header_fee: 100 * WCME,
                message_fee: WCME / 100
            }
        );
        assert_eq!(
            <<Runtime as pallet_wcme_subchains::Config>::MinGasBalance as Get<u128>>::get(),
            100 * WCME
        );
    });
    config["subchains"] = serde_json::json!({"headerFee": 100 * WCME + 1});
    assert!(
        build(&config).is_err(),
        "a fee above MinGasBalance is refused"
    );
}

/// The sr25519 validator `//V<i>`.
fn validator(i: u8) -> sr25519::Pair {
    sr25519::Pair::from_string(&format!("//V{i}"), None).expect("dev seed")
}

fn justify(header: &Header, signers: &[sr25519::Pair]) -> Justification {
    let vote = Vote {
        kind: VoteKind::Precommit,
        round: 0,
        view: 0,
        number: header.number,
        hash: header.hash(),
    };
    Justification {
        round: 0,
        number: header.number,
        hash: header.hash(),
        precommits: signers
            .iter()
            .map(|pair| SignedVote::sign(vote.clone(), pair))
            .collect(),
    }
}

#[test]
fn a_pbft_subchain_is_audited_through_the_runtime() {
    dev_ext().execute_with(|| {
        System::set_block_number(1);
        let validators: Vec<sr25519::Pair> = (1..=4).map(validator).collect();
        let genesis = H256::repeat_byte(0x42);
        let register = RuntimeCall::Subchains(pallet_wcme_subchains::Call::register {
            config: SubchainConfig {
                name: b"Audit".to_vec(),
                chain_id: b"audit".to_vec(),
                base_token: pallet_wcme_subchains::BaseToken {
                    symbol: b"AUD".to_vec(),
                    decimals: 12,
                },
                listing: None,
                consensus: 2,
                signature_scheme: 0,
                validators: validators.iter().map(|p| p.public().0.to_vec()).collect(),
                genesis_hash: genesis,
            },
            stake: 1_000 * WCME,
        });
        let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
        register.dispatch(alice).expect("registers");

        let first = Header::new(
            1,
            H256::repeat_byte(1),
            H256::repeat_byte(2),
            genesis,
            Default::default(),
        );
        let second = Header::new(
            2,
            H256::repeat_byte(1),
            H256::repeat_byte(3),
            first.hash(),
            Default::default(),
        );
        let submit = RuntimeCall::CrossChain(CrossChainCall::submit_headers {
            subchain: 1,
            headers: vec![first.clone(), second.clone()]
                .try_into()
                .expect("within 64"),
            proof: FinalityProof::Justification(justify(&second, &validators[..3])),
        });
        let bob = RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id());
        submit.dispatch(bob).expect("audited");

        let out = dispatch("CrossChainApi_audited_head", &1u32.encode()).expect("api exists");
        let head = Option::<AuditedHeader>::decode(&mut &out[..]).expect("decodes");
        assert_eq!(head.map(|h| (h.number, h.hash)), Some((2, second.hash())));
        let out =
            dispatch("CrossChainApi_audited_header", &(1u32, 1u32).encode()).expect("api exists");
        let header = Option::<AuditedHeader>::decode(&mut &out[..]).expect("decodes");
        assert_eq!(
            header,
            Some(AuditedHeader {
                number: 1,
                hash: first.hash(),
                parent_hash: genesis,
                state_root: H256::repeat_byte(2),
                extrinsics_root: H256::repeat_byte(1),
            })
        );
        let view = wcme_runtime_main::Subchains::subchain_view(1).expect("registered");
        assert_eq!(view.headers_charged, 2);
        assert_eq!(view.gas, 1_000 * WCME - 2 * (WCME / 20));
    });
}

/// `CrossChain::transfer_to_subchain` is call 2, `receive_from_subchain` 3, `settle_outbound` 4;
/// the main runtime's storage keys are the ones the subchain side proves.
#[test]
fn transfer_calls_and_keys_are_fixed() {
    let send = RuntimeCall::CrossChain(CrossChainCall::transfer_to_subchain {
        subchain: 1,
        dest: [7; 32],
        amount: 5,
    });
    let mut expected = vec![9, 2, 1, 0, 0, 0];
    expected.extend([7; 32]);
    expected.extend(5u128.to_le_bytes());
    assert_eq!(send.encode(), expected);
    let message = TransferMessage {
        seq: 0,
        sender: [1; 32],
        dest: [2; 32],
        amount: 3,
        timeout: 4,
    };
    let receive = RuntimeCall::CrossChain(CrossChainCall::receive_from_subchain {
        subchain: 1,
        at: 2,
        message,
        proof: vec![vec![0xab]].try_into().expect("one node"),
    });
    let mut expected = vec![9, 3, 1, 0, 0, 0, 2, 0, 0, 0];
    expected.extend(message.encode());
    expected.extend(vec![vec![0xabu8]].encode());
    assert_eq!(receive.encode(), expected);
    let settle = RuntimeCall::CrossChain(CrossChainCall::settle_outbound {
        subchain: 1,
        seq: 6,
        at: 2,
        proof: Default::default(),
    });
    let mut expected = vec![9, 4, 1, 0, 0, 0];
    expected.extend(6u64.to_le_bytes());
    expected.extend([2, 0, 0, 0, 0]);
    assert_eq!(settle.encode(), expected);
    for (subchain, seq) in [(1u32, 0u64), (7, 99)] {
        assert_eq!(
            main_outbound_key(subchain, seq),
            pallet_wcme_cross_chain::Outbound::<Runtime>::hashed_key_for(subchain, seq)
        );
        assert_eq!(
            main_receipt_key(subchain, seq),
            pallet_wcme_cross_chain::Receipts::<Runtime>::hashed_key_for(subchain, seq)
        );
        // What a subchain proves its C3Ns from (`sync_c3ns`).
        assert_eq!(
            pallet_wcme_cross_chain::message::validator_set_key(subchain),
            pallet_wcme_subchains::ValidatorSets::<Runtime>::hashed_key_for(subchain)
        );
    }
    assert_eq!(
        pallet_wcme_cross_chain::message::main_c3ns_key(),
        pallet_wcme_cross_chain::MainC3ns::<Runtime>::hashed_key().to_vec()
    );
}

/// `(root, proof)` of `keys` in a subchain state holding `entries` (and whatever else a state
/// has), as its node's `state_getReadProof` returns them.
fn subchain_read_proof(entries: &[(Vec<u8>, Vec<u8>)], keys: &[Vec<u8>]) -> (H256, Vec<Vec<u8>>) {
    let mut state = sp_io::TestExternalities::new_empty();
    state.execute_with(|| {
        for i in 0u32..100 {
            sp_io::storage::set(&[b"System/".as_slice(), &i.encode()].concat(), &[1; 40]);
        }
        for (key, value) in entries {
            sp_io::storage::set(key, value);
        }
    });
    state.commit_all().expect("commits");
    let root = state.execute_with(|| {
        H256::decode(&mut &sp_io::storage::root(sp_runtime::StateVersion::V1)[..]).expect("root")
    });
    let ((), proof) = state.execute_and_prove(|| {
        for key in keys {
            let _ = sp_io::storage::get(key);
        }
    });
    (root, proof.into_iter_nodes().collect())
}

fn api<R: Decode>(method: &str, args: impl Encode) -> R {
    let out = dispatch(method, &args.encode()).expect("api exists");
    R::decode(&mut &out[..]).expect("decodes")
}

/// Alice sends 100 WCME to a PBFT subchain; the subchain (its state simulated) mints them,
/// burns 40 for a new account, and a relayer proves it against an audited state root: exact
/// balances, escrow total 60 WCME; the lock is settled as delivered.
#[test]
fn wcme_goes_to_a_subchain_and_back_through_the_runtime() {
    let receiver = AccountId32::new([0x33; 32]);
    let burned = TransferMessage {
        seq: 0,
        sender: [0x51; 32],
        dest: receiver.clone().into(),
        amount: 40 * WCME,
        timeout: 1_000,
    };
    let (root, proof) = subchain_read_proof(
        &[
            (subchain_outbound_key(0), burned.encode()),
            (subchain_receipt_key(0), Receipt::Delivered.encode()),
        ],
        &[subchain_outbound_key(0), subchain_receipt_key(0)],
    );

    dev_ext().execute_with(|| {
        System::set_block_number(1);
        let validators: Vec<sr25519::Pair> = (1..=4).map(validator).collect();
        let genesis = H256::repeat_byte(0x42);
        let alice_id = Sr25519Keyring::Alice.to_account_id();
        let alice = RuntimeOrigin::signed(alice_id.clone());
        let bob = RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id());
        RuntimeCall::Subchains(pallet_wcme_subchains::Call::register {
            config: SubchainConfig {
                name: b"Transfers".to_vec(),
                chain_id: b"transfers".to_vec(),
                base_token: pallet_wcme_subchains::BaseToken {
                    symbol: b"TRF".to_vec(),
                    decimals: 12,
                },
                listing: None,
                consensus: 2,
                signature_scheme: 0,
                validators: validators.iter().map(|p| p.public().0.to_vec()).collect(),
                genesis_hash: genesis,
            },
            stake: 1_000 * WCME,
        })
        .dispatch(alice.clone())
        .expect("registers");
        let free = |who: &AccountId32| pallet_balances::Pallet::<Runtime>::free_balance(who);
        let escrow = wcme_runtime_main::CrossChain::escrow_account(1);

        // 100 WCME locked.
        let alice_before = free(&alice_id);
        RuntimeCall::CrossChain(CrossChainCall::transfer_to_subchain {
            subchain: 1,
            dest: [0x51; 32],
            amount: 100 * WCME,
        })
        .dispatch(alice)
        .expect("sent");
        assert_eq!(free(&alice_id), alice_before - 100 * WCME);
        assert_eq!(free(&escrow), 100 * WCME);
        assert_eq!(api::<u128>("CrossChainApi_escrow_total", 1u32), 100 * WCME);
        let sent =
            api::<Option<TransferMessage>>("CrossChainApi_outbound", (1u32, 0u64)).expect("queued");
        assert_eq!((sent.amount, sent.timeout), (100 * WCME, 14_400));
        assert_eq!(sent.sender, <[u8; 32]>::from(alice_id.clone()));
        assert_eq!(api::<u64>("CrossChainApi_next_outbound_seq", 1u32), 1);

        // The subchain's state is audited.
        let header = Header::new(1, H256::repeat_byte(1), root, genesis, Default::default());
        RuntimeCall::CrossChain(CrossChainCall::submit_headers {
            subchain: 1,
            headers: vec![header.clone()].try_into().expect("one"),
            proof: FinalityProof::Justification(justify(&header, &validators[..3])),
        })
        .dispatch(bob.clone())
        .expect("audited");

        // 40 WCME come back, once the C3D accepted the message: the preset's main C3Ns (Alice,
        // Bob) and three of the four validators.
        let receive = RuntimeCall::CrossChain(CrossChainCall::receive_from_subchain {
            subchain: 1,
            at: 1,
            message: burned,
            proof: proof.clone().try_into().expect("within 64 nodes"),
        });
        assert!(
            receive.clone().dispatch(bob.clone()).is_err(),
            "not attested"
        );
        let view: C3dView = api("CrossChainApi_c3d", 1u32);
        let c3n = |account: &AccountId32| <[u8; 32]>::from(account.clone());
        assert_eq!(
            view.main_c3ns,
            vec![c3n(&alice_id), c3n(&Sr25519Keyring::Bob.to_account_id())]
        );
        assert_eq!(
            view.subchain_c3ns,
            validators.iter().map(|p| p.public().0).collect::<Vec<_>>()
        );
        let hashes = vec![pallet_wcme_cross_chain::c3d::message_hash(&burned)];
        let digest = pallet_wcme_cross_chain::c3d::batch_digest(0, &hashes);
        RuntimeCall::CrossChain(CrossChainCall::broadcast_batch {
            subchain: 1,
            first: 0,
            hashes: hashes.try_into().expect("one"),
        })
        .dispatch(RuntimeOrigin::signed(alice_id.clone()))
        .expect("broadcast");
        let attesters = std::iter::once(Sr25519Keyring::Bob.to_account_id()).chain(
            validators[..3]
                .iter()
                .map(|pair| AccountId32::from(pair.public().0)),
        );
        for attester in attesters {
            RuntimeCall::CrossChain(CrossChainCall::attest_batch {
                subchain: 1,
                first: 0,
                digest,
            })
            .dispatch(RuntimeOrigin::signed(attester))
            .expect("attested");
        }
        let view: C3dView = api("CrossChainApi_c3d", 1u32);
        assert_eq!((view.next, view.pending), (1, None), "accepted");
        receive.dispatch(bob.clone()).expect("received");
        assert_eq!(free(&receiver), 40 * WCME);
        assert_eq!(free(&escrow), 60 * WCME);
        assert_eq!(api::<u128>("CrossChainApi_escrow_total", 1u32), 60 * WCME);
        assert_eq!(api::<u64>("CrossChainApi_next_inbound_seq", 1u32), 1);
        assert_eq!(
            api::<Option<Receipt>>("CrossChainApi_receipt", (1u32, 0u64)),
            Some(Receipt::Delivered)
        );
        // A replay moves nothing.
        let replay = RuntimeCall::CrossChain(CrossChainCall::receive_from_subchain {
            subchain: 1,
            at: 1,
            message: burned,
            proof: proof.clone().try_into().expect("within 64 nodes"),
        });
        assert!(replay.dispatch(bob.clone()).is_err());
        assert_eq!(free(&receiver), 40 * WCME);

        // The lock is settled as delivered; 60 WCME stay in escrow.
        RuntimeCall::CrossChain(CrossChainCall::settle_outbound {
            subchain: 1,
            seq: 0,
            at: 1,
            proof: proof.try_into().expect("within 64 nodes"),
        })
        .dispatch(bob)
        .expect("settled");
        assert_eq!(
            api::<Option<TransferMessage>>("CrossChainApi_outbound", (1u32, 0u64)),
            None
        );
        assert_eq!(free(&escrow), 60 * WCME);
        assert_eq!(free(&alice_id), alice_before - 100 * WCME);
    });
}

/// The transfer configuration passes the pallet's checks, and the runtime reports version 3 of
/// `CrossChainApi` (the transfer methods, then C3D).
#[test]
fn transfer_config_is_sound_and_the_api_is_version_3() {
    use frame_support::traits::Hooks;
    use sp_api::RuntimeApiInfo;
    dev_ext().execute_with(|| {
        <pallet_wcme_cross_chain::Pallet<Runtime> as Hooks<u32>>::integrity_test();
    });
    let version: sp_version::RuntimeVersion = api("Core_version", ());
    let id =
        <dyn pallet_wcme_cross_chain::runtime_api::CrossChainApi<wcme_runtime_main::Block>>::ID;
    assert_eq!(version.api_version(&id), Some(3));
}
