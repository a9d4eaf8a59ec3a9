//! The subchain registry's gas fees at genesis and the cross-chain audit in the main runtime:
//! call indices, the genesis JSON, and a PBFT subchain registered and audited through the
//! runtime's calls and its `CrossChainApi`.

mod common;

use codec::{Decode, Encode};
use common::dev_ext;
use frame_support::{BoundedVec, traits::Get};
use pallet_wcme_cross_chain::{AuditedHeader, FinalityProof, Header, Justification};
use pallet_wcme_subchains::{GasFees, SubchainConfig};
use sp_core::{H256, Pair, sr25519};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::{Dispatchable, Header as _};
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
