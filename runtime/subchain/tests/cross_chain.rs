//! The subchain side of WCME transfers in the template runtime: `Wcme` (WCME balances),
//! `MainChain` (the light client of main-chain finality) and `CrossChain` (mint, burn,
//! receipts) composed as a subchain runs them — the keys the main chain proves are this
//! runtime's, sudo anchors the light client, sets the registry id and the C3Ns, a main-chain
//! message attested by the C3Ns and proven against the anchor's state root is minted, and WCME
//! sent back is burned and stored for the main chain to prove.

mod common;

use codec::{Decode, Encode};
use common::{account, apply, build_state, dev_ext, start_block_one};
use sp_core::{H256, Pair, sr25519};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave};
use sp_runtime::{BoundedVec, MultiAddress};

use pallet_wcme_cross_chain::{
    c3d::{C3dView, batch_digest, message_hash},
    main_client::FinalizedMainHeader,
    message::{TransferMessage, main_outbound_key, subchain_outbound_key, subchain_receipt_key},
    proof::build_proof,
    subchain::{self as transfers, MainChainRoots},
};
use wcme_runtime_subchain::{
    MainChain, Runtime, RuntimeCall, Wcme, configs::MAIN_CHAIN_MAX_VOTERS, signing,
};

const WCME: u128 = 1_000_000_000_000;
/// The subchain's id in the main chain's registry.
const SUBCHAIN: u32 = 3;

/// Runtime API `method` called with `args`, as the node calls it by name: its decoded result.
fn api<R: Decode>(method: &str, args: impl Encode) -> R {
    let out = wcme_runtime_subchain::dispatch(method, &args.encode()).expect("api exists");
    R::decode(&mut &out[..]).expect("decodes")
}

/// `call` signed by `who` with `nonce` and applied in the current block: its dispatch result.
fn submit(who: sp_keyring::Sr25519Keyring, nonce: u32, call: RuntimeCall) -> Result<(), String> {
    let genesis = frame_system::Pallet::<Runtime>::block_hash(0);
    let xt = signing::sign(&who.pair(), call, nonce, genesis).encode();
    match apply(&xt) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("dispatch: {error:?}")),
        Err(error) => Err(format!("validity: {error:?}")),
    }
}

fn sudo(call: RuntimeCall) -> RuntimeCall {
    RuntimeCall::Sudo(pallet_sudo::Call::sudo {
        call: Box::new(call),
    })
}

#[test]
fn the_keys_the_main_chain_proves_are_this_runtimes() {
    dev_ext().execute_with(|| {
        for seq in [0u64, 1, 41, u64::MAX] {
            assert_eq!(
                transfers::Outbound::<Runtime>::hashed_key_for(seq),
                subchain_outbound_key(seq)
            );
            assert_eq!(
                transfers::Receipts::<Runtime>::hashed_key_for(seq),
                subchain_receipt_key(seq)
            );
        }
    });
}

#[test]
fn wcme_is_minted_on_proof_and_burned_to_go_back() {
    let dest = account(Bob);
    let message = TransferMessage {
        seq: 0,
        sender: [9u8; 32],
        dest: *dest.as_ref(),
        amount: 100 * WCME,
        timeout: 1_000,
    };
    // The main chain's state at its block 10: the message in `CrossChain::Outbound`.
    let key = main_outbound_key(SUBCHAIN, 0);
    let (root, proof) = build_proof(&[(key.clone(), message.encode())], &[&key]);
    let checkpoint = FinalizedMainHeader {
        number: 10,
        hash: H256::repeat_byte(10),
        state_root: root,
        round: 2,
    };
    let voter = sr25519::Pair::from_string("//Alice//poc", None).expect("dev key");
    let voters = BoundedVec::try_from(vec![(voter.public(), 1_000 * WCME)]).expect("one voter");
    let receive = RuntimeCall::CrossChain(transfers::Call::receive_from_main {
        at: 10,
        message,
        proof: BoundedVec::try_from(proof).expect("within MaxProofNodes"),
    });

    dev_ext().execute_with(|| {
        start_block_one();
        assert_eq!(MAIN_CHAIN_MAX_VOTERS, 100);
        // Nothing is trusted at genesis: the message cannot be minted.
        assert!(submit(Bob, 0, receive.clone()).is_err());
        assert_eq!(<MainChain as MainChainRoots>::state_root(10), None);
        assert_eq!(
            api::<Option<FinalizedMainHeader>>("SubchainBridgeApi_main_finalized_head", ()),
            None
        );
        assert_eq!(
            api::<Option<u32>>("SubchainBridgeApi_subchain_id", ()),
            None
        );

        // Sudo anchors the light client and sets the registry id.
        submit(
            Alice,
            0,
            sudo(RuntimeCall::MainChain(
                pallet_wcme_cross_chain::main_client::Call::force_checkpoint { checkpoint, voters },
            )),
        )
        .expect("sudo call applied");
        submit(
            Alice,
            1,
            sudo(RuntimeCall::CrossChain(transfers::Call::set_subchain_id {
                id: SUBCHAIN,
            })),
        )
        .expect("sudo call applied");
        assert_eq!(<MainChain as MainChainRoots>::state_root(10), Some(root));
        assert_eq!(transfers::OwnId::<Runtime>::get(), Some(SUBCHAIN));
        assert_eq!(
            api::<Option<FinalizedMainHeader>>("SubchainBridgeApi_main_finalized_head", ()),
            Some(checkpoint)
        );
        assert_eq!(
            api::<Option<FinalizedMainHeader>>("SubchainBridgeApi_main_finalized_header", 10u32),
            Some(checkpoint)
        );
        assert_eq!(
            api::<Option<u32>>("SubchainBridgeApi_subchain_id", ()),
            Some(SUBCHAIN)
        );
        assert_eq!(api::<u64>("SubchainBridgeApi_next_inbound_seq", ()), 0);

        // Verified, but not attested by the C3Ns: refused.
        assert!(submit(Bob, 1, receive.clone()).is_err());
        assert_eq!(Wcme::free_balance(&dest), 0);
        // Sudo sets the C3Ns (Charlie and Dave on both sides); Charlie broadcasts the message's
        // hash, Dave attests it: all of both sides, the batch is accepted.
        let c3ns = BoundedVec::try_from(vec![account(Charlie), account(Dave)]).expect("two");
        submit(
            Alice,
            2,
            sudo(RuntimeCall::CrossChain(transfers::Call::set_c3ns {
                main: c3ns.clone(),
                subchain: c3ns,
            })),
        )
        .expect("sudo call applied");
        let hashes = vec![message_hash(&message)];
        submit(
            Charlie,
            0,
            RuntimeCall::CrossChain(transfers::Call::broadcast_batch {
                first: 0,
                hashes: BoundedVec::try_from(hashes.clone()).expect("one hash"),
            }),
        )
        .expect("broadcast");
        let view = api::<C3dView>("SubchainBridgeApi_c3d", ());
        assert_eq!(view.main_c3ns.len(), 2);
        assert_eq!((view.max_batch, view.expiry), (256, 20));
        assert_eq!(
            view.pending.as_ref().map(|pending| pending.hashes.clone()),
            Some(hashes.clone())
        );
        submit(
            Dave,
            0,
            RuntimeCall::CrossChain(transfers::Call::attest_batch {
                first: 0,
                digest: batch_digest(0, &hashes),
            }),
        )
        .expect("attested");
        let view = api::<C3dView>("SubchainBridgeApi_c3d", ());
        assert_eq!((view.next, view.pending), (1, None));
        assert_eq!(
            transfers::AttestedMessages::<Runtime>::get(0),
            Some(hashes[0])
        );

        // Anyone relays the message: Bob receives exactly the amount, once.
        submit(Bob, 2, receive.clone()).expect("received");
        assert_eq!(transfers::AttestedMessages::<Runtime>::get(0), None);
        assert_eq!(Wcme::free_balance(&dest), 100 * WCME);
        assert_eq!(transfers::Minted::<Runtime>::get(), 100 * WCME);
        assert_eq!(
            transfers::Receipts::<Runtime>::get(0),
            Some(pallet_wcme_cross_chain::message::Receipt::Delivered)
        );
        assert!(submit(Bob, 3, receive).is_err(), "a replay is refused");
        assert_eq!(Wcme::free_balance(&dest), 100 * WCME);
        assert_eq!(api::<u64>("SubchainBridgeApi_next_inbound_seq", ()), 1);
        assert_eq!(api::<u128>("SubchainBridgeApi_minted", ()), 100 * WCME);
        assert_eq!(
            api::<Option<pallet_wcme_cross_chain::message::Receipt>>(
                "SubchainBridgeApi_receipt",
                0u64
            ),
            Some(pallet_wcme_cross_chain::message::Receipt::Delivered)
        );

        // Bob sends 40 back: burned here, the message stored where the main chain reads it.
        submit(
            Bob,
            4,
            RuntimeCall::CrossChain(transfers::Call::transfer_to_main {
                dest: [7u8; 32],
                amount: 40 * WCME,
            }),
        )
        .expect("sent");
        assert_eq!(Wcme::free_balance(&dest), 60 * WCME);
        assert_eq!(transfers::Minted::<Runtime>::get(), 60 * WCME);
        let stored = frame_support::storage::unhashed::get_raw(&subchain_outbound_key(0))
            .expect("the message is stored");
        let sent = TransferMessage {
            seq: 0,
            sender: *dest.as_ref(),
            dest: [7u8; 32],
            amount: 40 * WCME,
            timeout: 10 + 14_400,
        };
        assert_eq!(stored, sent.encode());
        assert_eq!(
            api::<Option<TransferMessage>>("SubchainBridgeApi_outbound", 0u64),
            Some(sent)
        );
        assert_eq!(api::<u64>("SubchainBridgeApi_next_outbound_seq", ()), 1);
        assert_eq!(api::<u128>("SubchainBridgeApi_minted", ()), 60 * WCME);

        // WCME moves between subchain accounts like any balance.
        submit(
            Bob,
            5,
            RuntimeCall::Wcme(pallet_balances::Call::transfer_keep_alive {
                dest: MultiAddress::Id(account(Alice)),
                value: 10 * WCME,
            }),
        )
        .expect("transferred");
        assert_eq!(Wcme::free_balance(account(Alice)), 10 * WCME);
    });
}

#[test]
fn the_bridge_api_is_version_2_and_the_transfer_config_is_sound() {
    use frame_support::traits::Hooks;
    use sp_api::RuntimeApiInfo;
    dev_ext().execute_with(|| {
        <transfers::Pallet<Runtime> as Hooks<u32>>::integrity_test();
    });
    let id = <dyn pallet_wcme_cross_chain::runtime_api::SubchainBridgeApi<
        wcme_runtime_subchain::Block,
    >>::ID;
    assert_eq!(wcme_runtime_subchain::VERSION.api_version(&id), Some(2));
}

#[test]
fn the_genesis_may_name_both_sides_c3ns() {
    let mut config = wcme_runtime_subchain::genesis_config_presets::development_config_genesis();
    assert!(
        config.cross_chain.main_c3ns.is_empty(),
        "the presets name none"
    );
    config.cross_chain.main_c3ns = vec![account(Charlie), account(Dave)];
    config.cross_chain.subchain_c3ns = vec![account(Alice), account(Bob)];
    let json = serde_json::to_value(&config).expect("json");
    assert!(json["crossChain"]["mainC3ns"].is_array());
    assert!(json["crossChain"]["subchainC3ns"].is_array());
    let (result, mut ext) = build_state(serde_json::to_vec(&json).expect("json"));
    assert_eq!(result, Ok(()));
    ext.execute_with(|| {
        let c3ns = transfers::C3ns::<Runtime>::get();
        let id = |who| -> [u8; 32] { account(who).into() };
        assert_eq!(c3ns.main.to_vec(), vec![id(Charlie), id(Dave)]);
        assert_eq!(c3ns.subchain.to_vec(), vec![id(Alice), id(Bob)]);
    });
    assert_eq!(
        <<Runtime as transfers::Config>::MinMainC3ns as frame_support::traits::Get<u32>>::get(),
        wcme_runtime_subchain::MIN_MAIN_C3NS
    );
    assert_eq!(
        <<Runtime as transfers::Config>::MinSubchainC3ns as frame_support::traits::Get<u32>>::get(),
        wcme_runtime_subchain::MIN_SUBCHAIN_C3NS
    );
}
