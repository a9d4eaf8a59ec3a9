//! WCME across the bridge end to end, all real processes: a Proof-of-Credit main chain of two
//! validator nodes, a PBFT subchain of two validator nodes whose light client is anchored on the
//! main chain at genesis (`subchain new --main-anchor`), registered there (`subchain register`)
//! and told its id (`subchain set-id`), and `wcme-node relay` between them. The
//! relayer keeps the subchain's light client of the main chain current (crossing POC rounds by
//! their hand-off proofs) and audits the subchain's headers on the main chain; 100 WCME locked on
//! the main chain are minted on the subchain, 40 burned there are released on the main chain,
//! and both messages are settled at their source by proofs of the destination's receipts. The
//! relayers are the C3D's two C3Ns (Alice and Bob: the main chain's C3Ns and the subchain's
//! validators), so every message is broadcast in a batch by one and attested by the other before
//! it is delivered. The first relayer is killed (SIGKILL) and restarted with the first transfer
//! in flight, and the second joins: the balances, the escrow, the subchain's WCME supply and the
//! sequence numbers are exact on both sides. Governance changes the main chain's C3N list and the
//! relayers prove it to the subchain (`sync_c3ns`). Then each of these is refused on the main chain with
//! nothing moved: a replayed message, a proof at a subchain height never audited, headers with
//! too few or a forged signature, a release above the escrow (a message the subchain's root
//! forged into its own state), a batch broadcast by the C3N that broadcast the previous one (and
//! one by a stranger); and two conflicting finalized headers (the validators signing a second block at
//! an audited height) freeze the subchain and slash the bonds the validators posted on the main
//! chain, after which nothing crosses.

mod common;

use std::{path::Path, time::Duration};

use codec::{Decode, Encode};
use common::{
    call,
    engines::start,
    poc::{eventually, fast_local_spec, finalized, start_validator, state_call},
    relay::{RelayProcess, register},
    run_cli, submit_and_watch,
};
use jsonrpsee::http_client::HttpClient;
use pallet_wcme_cross_chain::{
    Header, Justification, TransferMessage, c3d::C3dView, main_client::FinalizedMainHeader,
    message::subchain_outbound_key,
};
use serde_json::{Value, json};
use sp_core::{H256, Pair as _, crypto::AccountId32, sr25519};
use sp_crypto_hashing as hashing;
use sp_keyring::Sr25519Keyring;
use wcme_consensus_primitives::poc::{SignedVote, Vote, VoteKind};
use wcme_runtime_main::WCME;

/// The `local` chain with 1 s slots and two agents, Alice and Bob (rounds of two slots, both
/// needed for finality), written to `dir/local.json`.
fn two_agent_main_spec(dir: &Path) -> String {
    let path = fast_local_spec(dir);
    let mut spec: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("spec")).expect("spec is JSON");
    let agents = &mut spec["genesis"]["runtimeGenesis"]["patch"]["poc"]["agents"];
    let two: Vec<Value> = agents
        .as_array()
        .expect("the local chain lists its agents")
        .iter()
        .take(2)
        .cloned()
        .collect();
    *agents = json!(two);
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).expect("JSON")).expect("writes");
    path
}

/// `twox_128(pallet) ‖ twox_128(item) ‖ blake2_128(account) ‖ account`: an account's entry in
/// a FRAME `StorageMap<_, Blake2_128Concat, AccountId32, _>`.
fn account_key(pallet: &str, item: &str, account: &[u8; 32]) -> String {
    let mut key = hashing::twox_128(pallet.as_bytes()).to_vec();
    key.extend(hashing::twox_128(item.as_bytes()));
    key.extend(hashing::blake2_128(account));
    key.extend(account);
    format!("0x{}", hex::encode(key))
}

async fn storage(rpc: &HttpClient, key: String) -> Option<Vec<u8>> {
    let value: Option<String> = call(rpc, "state_getStorage", vec![key.into()])
        .await
        .expect("state_getStorage");
    value.map(|hex| hex::decode(hex.trim_start_matches("0x")).expect("hex"))
}

type AccountData = pallet_balances::AccountData<u128>;

/// The balances of `account` on the main chain (`System::Account`).
async fn main_account(rpc: &HttpClient, account: &[u8; 32]) -> AccountData {
    storage(rpc, account_key("System", "Account", account))
        .await
        .map_or_else(AccountData::default, |bytes| {
            frame_system::AccountInfo::<u32, AccountData>::decode(&mut &bytes[..])
                .expect("account info")
                .data
        })
}

/// The free WCME of `account` on the main chain.
async fn main_free(rpc: &HttpClient, account: &[u8; 32]) -> u128 {
    main_account(rpc, account).await.free
}

/// The free WCME of `account` on the subchain (the `Wcme` balances instance's own accounts).
async fn subchain_wcme(rpc: &HttpClient, account: &[u8; 32]) -> u128 {
    storage(rpc, account_key("Wcme", "Account", account))
        .await
        .map_or(0, |bytes| {
            AccountData::decode(&mut &bytes[..])
                .expect("account data")
                .free
        })
}

/// What `signer` signs its next transaction on `rpc`'s chain with: its next nonce (the pool's
/// transactions counted) and the chain's genesis hash.
async fn nonce_and_genesis(rpc: &HttpClient, signer: &sr25519::Pair) -> (u32, H256) {
    let account = AccountId32::from(signer.public().0);
    let nonce: u32 = call(
        rpc,
        "system_accountNextIndex",
        vec![account.to_string().into()],
    )
    .await
    .expect("nonce");
    let genesis: H256 = call(rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    (nonce, genesis)
}

/// Signs and submits `extrinsic(nonce, genesis)` of `signer` on `rpc`'s chain.
async fn submit(
    rpc: &HttpClient,
    signer: &sr25519::Pair,
    extrinsic: impl FnOnce(u32, H256) -> Vec<u8>,
) -> String {
    let (nonce, genesis) = nonce_and_genesis(rpc, signer).await;
    call(
        rpc,
        "author_submitExtrinsic",
        vec![format!("0x{}", hex::encode(extrinsic(nonce, genesis))).into()],
    )
    .await
    .expect("the pool takes the transaction")
}

/// Signs `call` by `signer` for the main chain.
fn main_tx(
    signer: &sr25519::Pair,
    call: wcme_runtime_main::RuntimeCall,
) -> impl FnOnce(u32, H256) -> Vec<u8> {
    let signer = signer.clone();
    move |nonce, genesis| wcme_runtime_main::signing::sign(&signer, call, nonce, genesis).encode()
}

/// Signs `call` by `signer` for the subchain.
fn subchain_tx(
    signer: &sr25519::Pair,
    call: wcme_runtime_subchain::RuntimeCall,
) -> impl FnOnce(u32, H256) -> Vec<u8> {
    let signer = signer.clone();
    move |nonce, genesis| {
        wcme_runtime_subchain::signing::sign(&signer, call, nonce, genesis).encode()
    }
}

async fn escrow_total(rpc: &HttpClient, id: u32) -> u128 {
    state_call(rpc, "CrossChainApi_escrow_total", &id.encode(), None).await
}

async fn minted(rpc: &HttpClient) -> u128 {
    state_call(rpc, "SubchainBridgeApi_minted", &[], None).await
}

async fn main_outbound(rpc: &HttpClient, id: u32, seq: u64) -> Option<TransferMessage> {
    state_call(rpc, "CrossChainApi_outbound", &(id, seq).encode(), None).await
}

async fn subchain_outbound(rpc: &HttpClient, seq: u64) -> Option<TransferMessage> {
    state_call(rpc, "SubchainBridgeApi_outbound", &seq.encode(), None).await
}

async fn light_client_head(rpc: &HttpClient) -> FinalizedMainHeader {
    state_call::<Option<FinalizedMainHeader>>(
        rpc,
        "SubchainBridgeApi_main_finalized_head",
        &[],
        None,
    )
    .await
    .expect("anchored at genesis")
}

/// Waits until `check` holds, logging where the relayer is if it does not.
async fn until(what: &str, seconds: u64, relay_log: &Path, mut check: impl AsyncFnMut() -> bool) {
    let waited = tokio::time::timeout(Duration::from_secs(seconds), async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "{what} within {seconds} s; relayer log:\n{}",
        std::fs::read_to_string(relay_log).unwrap_or_default()
    );
}

/// The audited head's number of subchain `id` on the main chain (0 before any audit).
async fn audited_number(rpc: &HttpClient, id: u32) -> u32 {
    let head: Value = call(rpc, "wcme_auditedHead", vec![id.into()])
        .await
        .expect("wcme_auditedHead");
    head["number"]
        .as_u64()
        .map_or(0, |n| u32::try_from(n).expect("u32"))
}

/// A storage proof of `key` at block `at` from `rpc`'s node (`state_getReadProof`).
async fn read_proof(rpc: &HttpClient, key: &[u8], at: &str) -> Vec<Vec<u8>> {
    let keys = vec![Value::String(format!("0x{}", hex::encode(key)))];
    let answer: Value = call(rpc, "state_getReadProof", vec![keys.into(), at.into()])
        .await
        .expect("state_getReadProof");
    answer["proof"]
        .as_array()
        .expect("proof nodes")
        .iter()
        .map(|node| hex::decode(node.as_str().expect("hex").trim_start_matches("0x")).expect("hex"))
        .collect()
}

/// The subchain header at `number` and the justification its node holds for it, if any.
async fn justified_header(rpc: &HttpClient, number: u32) -> (Header, Option<Justification>) {
    let hash: String = call(rpc, "chain_getBlockHash", vec![number.into()])
        .await
        .expect("block hash");
    let header: Header = call(rpc, "chain_getHeader", vec![hash.clone().into()])
        .await
        .expect("header");
    let found: Option<Value> = call(rpc, "wcme_justification", vec![hash.into()])
        .await
        .expect("wcme_justification");
    let justification = found.map(|found| {
        let encoded = found["encoded"].as_str().expect("encoded");
        let bytes = hex::decode(encoded.trim_start_matches("0x")).expect("hex");
        Justification::decode(&mut &bytes[..]).expect("decodes")
    });
    (header, justification)
}

/// The main runtime's reading of a block's events.
const MAIN_OUTCOME: common::Outcome = wcme_runtime_main::signing::extrinsic_outcome;

/// Signs `call` by `signer` on the main chain, submits it and waits for its block: its events,
/// or its dispatch error.
async fn on_main(
    rpc: &HttpClient,
    signer: &sr25519::Pair,
    call: wcme_runtime_main::RuntimeCall,
) -> Result<Vec<String>, String> {
    let (nonce, genesis) = nonce_and_genesis(rpc, signer).await;
    let extrinsic = wcme_runtime_main::signing::sign(signer, call, nonce, genesis).encode();
    submit_and_watch(rpc, &extrinsic, MAIN_OUTCOME).await
}

/// Signs `call` by Charlie (a stranger to the bridge) on the main chain and waits for its
/// block: the dispatch error, which must name `error`.
async fn refused(rpc: &HttpClient, call: wcme_runtime_main::RuntimeCall, error: &str) {
    let outcome = on_main(rpc, &Sr25519Keyring::Charlie.pair(), call).await;
    assert!(
        outcome.as_ref().is_err_and(|e| e.contains(error)),
        "expected {error}, got {outcome:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wcme_crosses_to_a_pbft_subchain_and_back_with_exact_balances() {
    let dir = tempfile::tempdir().expect("tempdir");

    // The main chain: Alice's and Bob's validator nodes.
    let main_spec = two_agent_main_spec(dir.path());
    let main_alice = start_validator(&main_spec, dir.path(), "--alice", None);
    let main_bob = start_validator(
        &main_spec,
        dir.path(),
        "--bob",
        Some(&main_alice.p2p_addr()),
    );
    let main_rpc = main_alice.rpc();
    eventually(
        "the main chain finalizes",
        Duration::from_secs(90),
        || async { finalized(&main_rpc).await.0 >= 2 },
    )
    .await;

    // The subchain: PBFT, Alice and Bob validating, its light client anchored on the main
    // chain's final block and its C3D the main chain's C3Ns (Alice, Bob) and its validators;
    // Alice (its root and a relayer), Bob (the other relayer), Dave and Eve hold its native
    // token for fees.
    let sub_spec = dir.path().join("bridge.json");
    let sub_spec = sub_spec.to_str().expect("utf8");
    let (ok, _, stderr) = run_cli(&[
        "subchain",
        "new",
        "Bridge",
        "--symbol",
        "BRG",
        "--consensus",
        "pbft",
        "--validators",
        "alice,bob",
        "--slot-duration-ms",
        "1000",
        "--endow",
        "alice=1000",
        "--endow",
        "bob=1000",
        "--endow",
        "dave=1000",
        "--endow",
        "eve=1000",
        "--main-anchor",
        &main_alice.http_url,
        "--output",
        sub_spec,
    ]);
    assert!(ok, "subchain new failed: {stderr}");
    let sub_dir = dir.path().join("subchain");
    let sub_alice = start(sub_spec, &sub_dir, "alice", true, None);
    let sub_bob = start(sub_spec, &sub_dir, "bob", true, Some(&sub_alice.p2p_addr()));
    let sub_rpc = sub_alice.rpc();
    let anchor = light_client_head(&sub_rpc).await;

    // Registered on the main chain; the subchain learns its id from its root (Alice), once.
    let id = register(&main_alice, sub_spec);
    let set_id = |id: u32, sudo: &str| {
        run_cli(&[
            "subchain",
            "set-id",
            "--subchain",
            &sub_alice.http_url,
            "--id",
            &id.to_string(),
            "--sudo",
            sudo,
        ])
    };
    let (ok, _, stderr) = set_id(id, "//Eve");
    assert!(
        !ok && stderr.contains("refused"),
        "Eve is not the root: {stderr}"
    );
    let (ok, stdout, stderr) = set_id(id, "//Alice");
    assert!(ok, "subchain set-id failed: {stderr}");
    assert_eq!(stdout.trim(), id.to_string());
    let (ok, _, stderr) = set_id(id + 1, "//Alice");
    assert!(!ok && stderr.contains("set once"), "{stderr}");
    let alice = Sr25519Keyring::Alice.pair();
    let sudo = |call| {
        wcme_runtime_subchain::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
            call: Box::new(call),
        })
    };
    let c3d: C3dView = state_call(&main_rpc, "CrossChainApi_c3d", &id.encode(), None).await;
    let (alice_c3n, bob_c3n) = (
        Sr25519Keyring::Alice.public().0,
        Sr25519Keyring::Bob.public().0,
    );
    assert_eq!(
        c3d.main_c3ns,
        vec![alice_c3n, bob_c3n],
        "the main chain's C3Ns"
    );
    assert_eq!(
        c3d.subchain_c3ns,
        vec![alice_c3n, bob_c3n],
        "the validators"
    );
    let sub_c3d: C3dView = state_call(&sub_rpc, "SubchainBridgeApi_c3d", &[], None).await;
    assert_eq!(
        (sub_c3d.main_c3ns, sub_c3d.subchain_c3ns),
        (c3d.main_c3ns.clone(), c3d.subchain_c3ns.clone()),
        "the subchain's genesis C3D"
    );
    // The relayers are the C3Ns: each batch needs both (more than 2/3 of two), and they take
    // turns broadcasting.
    let relay_log = dir.path().join("relay.log");
    let first = RelayProcess::start(&main_alice, &sub_alice, id, "//Alice", &relay_log);

    // 100 WCME from Ferdie on the main chain to Dave on the subchain; the first relayer is
    // killed with the message in flight, restarted, and joined by the second.
    let dave = Sr25519Keyring::Dave.public().0;
    let lock = wcme_runtime_main::RuntimeCall::CrossChain(
        pallet_wcme_cross_chain::Call::transfer_to_subchain {
            subchain: id,
            dest: dave,
            amount: 100 * WCME,
        },
    );
    let ferdie = Sr25519Keyring::Ferdie.pair();
    submit(&main_rpc, &ferdie, main_tx(&ferdie, lock)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    drop(first);
    let first = RelayProcess::start(&main_alice, &sub_alice, id, "//Alice", &relay_log);
    let second_log = dir.path().join("relay-bob.log");
    let second = RelayProcess::start(&main_bob, &sub_bob, id, "//Bob", &second_log);
    until("100 WCME minted to Dave", 180, &relay_log, async || {
        subchain_wcme(&sub_rpc, &dave).await == 100 * WCME
    })
    .await;
    assert_eq!(minted(&sub_rpc).await, 100 * WCME);
    assert_eq!(escrow_total(&main_rpc, id).await, 100 * WCME);
    assert!(
        light_client_head(&sub_rpc).await.round > anchor.round,
        "the light client crossed POC rounds from its anchor {anchor:?}"
    );
    until(
        "the lock settled on the main chain",
        120,
        &relay_log,
        async || main_outbound(&main_rpc, id, 0).await.is_none(),
    )
    .await;
    assert_eq!(
        escrow_total(&main_rpc, id).await,
        100 * WCME,
        "delivered stays locked"
    );

    // 40 WCME back, from Dave to a new main-chain account.
    let back = sr25519::Pair::from_string("//Bridge back", None).expect("key");
    let back_account = back.public().0;
    let dave_pair = Sr25519Keyring::Dave.pair();
    let burn = wcme_runtime_subchain::RuntimeCall::CrossChain(
        pallet_wcme_cross_chain::subchain::Call::transfer_to_main {
            dest: back_account,
            amount: 40 * WCME,
        },
    );
    submit(&sub_rpc, &dave_pair, subchain_tx(&dave_pair, burn)).await;
    // The message as the subchain stores it, and a block holding it (kept for the replay).
    let mut sent = None;
    until(
        "the burn queued on the subchain",
        60,
        &relay_log,
        async || {
            sent = held_at_best(&sub_rpc, 0).await;
            sent.is_some()
        },
    )
    .await;
    let (message, held_at) = sent.expect("the message");
    assert_eq!(
        (message.seq, message.sender, message.dest, message.amount),
        (0, dave, back_account, 40 * WCME)
    );
    until(
        "40 WCME released on the main chain",
        180,
        &relay_log,
        async || main_free(&main_rpc, &back_account).await == 40 * WCME,
    )
    .await;
    until(
        "the burn settled on the subchain",
        120,
        &relay_log,
        async || subchain_outbound(&sub_rpc, 0).await.is_none(),
    )
    .await;

    // Exact on both sides: 60 WCME in escrow backing 60 WCME on the subchain, all Dave's; one
    // message each way, each delivered once.
    let escrow = {
        use sp_runtime::traits::AccountIdConversion;
        let account: AccountId32 =
            frame_support::PalletId(*b"wcme/xch").into_sub_account_truncating(id);
        <[u8; 32]>::from(account)
    };
    let assert_exact = async || {
        assert_eq!(escrow_total(&main_rpc, id).await, 60 * WCME);
        assert_eq!(main_free(&main_rpc, &escrow).await, 60 * WCME);
        assert_eq!(minted(&sub_rpc).await, 60 * WCME);
        assert_eq!(subchain_wcme(&sub_rpc, &dave).await, 60 * WCME);
        assert_eq!(main_free(&main_rpc, &back_account).await, 40 * WCME);
        let next_inbound: u64 = state_call(
            &main_rpc,
            "CrossChainApi_next_inbound_seq",
            &id.encode(),
            None,
        )
        .await;
        assert_eq!(next_inbound, 1, "one message received on the main chain");
        let next_outbound: u64 = state_call(
            &main_rpc,
            "CrossChainApi_next_outbound_seq",
            &id.encode(),
            None,
        )
        .await;
        assert_eq!(next_outbound, 1, "one message sent from the main chain");
        let status: Value = call(&sub_rpc, "wcme_bridgeStatus", vec![])
            .await
            .expect("wcme_bridgeStatus");
        assert_eq!(status["nextInboundSeq"], 1, "{status}");
        assert_eq!(status["nextOutboundSeq"], 1, "{status}");
        assert_eq!(status["minted"], (60 * WCME).to_string(), "{status}");
    };
    assert_exact().await;
    let bob_rpc = main_bob.rpc();
    until(
        "Bob's main node sees the release",
        60,
        &relay_log,
        async || main_free(&bob_rpc, &back_account).await == 40 * WCME,
    )
    .await;
    let sub_bob_rpc = sub_bob.rpc();
    until(
        "Bob's subchain node sees the burn",
        60,
        &relay_log,
        async || subchain_wcme(&sub_bob_rpc, &dave).await == 60 * WCME,
    )
    .await;

    // A replay of the released message, proven at a height where the subchain held it.
    let held_number = block_number(&sub_rpc, &held_at).await;
    until("the message's block audited", 60, &relay_log, async || {
        audited_number(&main_rpc, id).await >= held_number
    })
    .await;
    let proof = read_proof(&sub_rpc, &subchain_outbound_key(0), &held_at).await;
    let receive = |at: u32| {
        wcme_runtime_main::RuntimeCall::CrossChain(
            pallet_wcme_cross_chain::Call::receive_from_subchain {
                subchain: id,
                at,
                message,
                proof: proof.clone().try_into().expect("within the bound"),
            },
        )
    };
    refused(&main_rpc, receive(held_number), "Replayed").await;
    // The same proof at a height the main chain never audited.
    refused(&main_rpc, receive(held_number + 10_000), "NotAudited").await;
    assert_exact().await;

    // Headers with too few signatures, and with a forged one, while no relayer runs.
    drop(first);
    drop(second);
    let audited = audited_number(&main_rpc, id).await;
    let mut batch = Vec::new();
    let mut justification = None;
    for number in audited + 1..audited + 30 {
        wait_for_subchain_block(&sub_rpc, number).await;
        let (header, found) = justified_header(&sub_rpc, number).await;
        batch.push(header);
        if found.is_some() {
            justification = found;
            break;
        }
    }
    let justification = justification.expect("a justified subchain block");
    assert_eq!(
        justification.precommits.len(),
        2,
        "both validators pre-committed"
    );
    let submit_headers = |justification: Justification| {
        wcme_runtime_main::RuntimeCall::CrossChain(pallet_wcme_cross_chain::Call::submit_headers {
            subchain: id,
            headers: batch.clone().try_into().expect("within the bound"),
            proof: pallet_wcme_cross_chain::FinalityProof::Justification(justification),
        })
    };
    let mut too_few = justification.clone();
    too_few.precommits.truncate(1);
    refused(&main_rpc, submit_headers(too_few), "InsufficientSigners").await;
    let mut forged = justification.clone();
    forged.precommits[1].signature.0[0] ^= 1;
    refused(&main_rpc, submit_headers(forged), "InvalidSignature").await;
    assert_eq!(
        audited_number(&main_rpc, id).await,
        audited,
        "nothing audited"
    );

    // Governance reorders the main chain's C3Ns; the relayers prove the new list to the
    // subchain (`sync_c3ns`) once its light client has passed the change.
    let reorder = wcme_runtime_main::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
        call: Box::new(wcme_runtime_main::RuntimeCall::CrossChain(
            pallet_wcme_cross_chain::Call::set_main_c3ns {
                c3ns: vec![
                    Sr25519Keyring::Bob.to_account_id(),
                    Sr25519Keyring::Alice.to_account_id(),
                ]
                .try_into()
                .expect("two"),
            },
        )),
    });
    let outcome = on_main(&main_rpc, &alice, reorder).await;
    assert!(
        outcome
            .as_ref()
            .is_ok_and(|events| events.iter().any(|e| e.contains("MainC3nsSet"))),
        "{outcome:?}"
    );

    // A compromised subchain: its root writes a 1,000 WCME message into its own outbound queue,
    // more than the 60 WCME in escrow. Audited like any state, the release is refused.
    let forged_message = TransferMessage {
        seq: 1,
        sender: dave,
        dest: back_account,
        amount: 1_000 * WCME,
        timeout: u32::MAX,
    };
    let forge = sudo(wcme_runtime_subchain::RuntimeCall::System(
        frame_system::Call::set_storage {
            items: vec![(subchain_outbound_key(1), forged_message.encode())],
        },
    ));
    submit(&sub_rpc, &alice, subchain_tx(&alice, forge)).await;
    let mut forged_at = None;
    until(
        "the forged message in the subchain's state",
        60,
        &relay_log,
        async || {
            forged_at = held_at_best(&sub_rpc, 1)
                .await
                .filter(|(found, _)| *found == forged_message)
                .map(|(_, at)| at);
            forged_at.is_some()
        },
    )
    .await;
    let forged_at = forged_at.expect("held");
    let at = block_number(&sub_rpc, &forged_at).await;
    let first = RelayProcess::start(&main_alice, &sub_alice, id, "//Alice", &relay_log);
    let second = RelayProcess::start(&main_bob, &sub_bob, id, "//Bob", &second_log);
    until(
        "the subchain counts the reordered C3Ns",
        120,
        &relay_log,
        async || {
            let view: C3dView = state_call(&sub_rpc, "SubchainBridgeApi_c3d", &[], None).await;
            view.main_c3ns == vec![bob_c3n, alice_c3n]
        },
    )
    .await;
    until("the forged state audited", 120, &relay_log, async || {
        audited_number(&main_rpc, id).await >= at
    })
    .await;
    // The C3Ns attest it (their nodes hold it: the subchain's root wrote it) and a relayer
    // tries it; the main chain refuses, and the relayer backs off at once instead of waiting
    // out its inclusion timeout.
    until(
        "a relayer sees its release refused",
        120,
        &relay_log,
        async || {
            [&relay_log, &second_log].iter().any(|log| {
                std::fs::read_to_string(log)
                    .unwrap_or_default()
                    .contains("subchain → main: the chain refused the relayer's transactions")
            })
        },
    )
    .await;
    drop(first);
    drop(second);
    let proof = read_proof(&sub_rpc, &subchain_outbound_key(1), &forged_at).await;
    refused(
        &main_rpc,
        wcme_runtime_main::RuntimeCall::CrossChain(
            pallet_wcme_cross_chain::Call::receive_from_subchain {
                subchain: id,
                at,
                message: forged_message,
                proof: proof.try_into().expect("within the bound"),
            },
        ),
        "ExceedsEscrow",
    )
    .await;
    assert_exact().await;

    // C3D rotation: the C3N that broadcast the last batch back may not broadcast the next
    // one, a stranger no batch at all; the channel and the balances stay as they are.
    let c3d: C3dView = state_call(&main_rpc, "CrossChainApi_c3d", &id.encode(), None).await;
    assert_eq!(c3d.next, 2, "both messages back were accepted by the C3Ns");
    assert_eq!(c3d.pending, None);
    let last = c3d.last_broadcaster.expect("a batch was broadcast");
    let last_broadcaster = [Sr25519Keyring::Alice, Sr25519Keyring::Bob]
        .into_iter()
        .find(|key| key.public().0 == last)
        .expect("a relayer broadcast it");
    let broadcast = wcme_runtime_main::RuntimeCall::CrossChain(
        pallet_wcme_cross_chain::Call::broadcast_batch {
            subchain: id,
            first: c3d.next,
            hashes: vec![H256::repeat_byte(7)].try_into().expect("one hash"),
        },
    );
    let outcome = on_main(&main_rpc, &last_broadcaster.pair(), broadcast.clone()).await;
    assert!(
        outcome
            .as_ref()
            .is_err_and(|e| e.contains("ConsecutiveBroadcast")),
        "{outcome:?}"
    );
    refused(&main_rpc, broadcast, "NotC3n").await;
    let after: C3dView = state_call(&main_rpc, "CrossChainApi_c3d", &id.encode(), None).await;
    assert_eq!(after, c3d, "nothing broadcast");
    assert_exact().await;

    // Alice and Bob bond 100 WCME each on the main chain for their validator keys.
    let bond = |key: [u8; 32]| {
        wcme_runtime_main::RuntimeCall::Subchains(pallet_wcme_subchains::Call::bond {
            id,
            key: wcme_subchain_primitives::C3nKey::Sr25519(key),
            amount: 100 * WCME,
        })
    };
    let mut reserved_before = Vec::new();
    for validator in [Sr25519Keyring::Alice, Sr25519Keyring::Bob] {
        let pair = validator.pair();
        let account = pair.public().0;
        let outcome = on_main(&main_rpc, &pair, bond(account)).await;
        assert!(
            outcome
                .as_ref()
                .is_ok_and(|events| events.iter().any(|e| e.contains("Bonded"))),
            "{outcome:?}"
        );
        reserved_before.push((account, main_account(&main_rpc, &account).await.reserved));
    }
    let bonds: Value = call(&main_rpc, "wcme_subchainBonds", vec![id.into()])
        .await
        .expect("wcme_subchainBonds");
    assert_eq!(bonds.as_array().map(Vec::len), Some(2), "{bonds}");
    assert!(
        bonds
            .as_array()
            .into_iter()
            .flatten()
            .all(|bond| bond["amount"] == (100 * WCME).to_string()
                && bond["withdrawableAt"].is_null()),
        "{bonds}"
    );

    // The validators sign a second block at an audited height: evidence that freezes the
    // subchain and slashes their bonds, after which no WCME crosses.
    let real = batch.last().expect("the justified header").clone();
    let real_justification = justification;
    let mut fork = real.clone();
    fork.state_root = H256::repeat_byte(0x66);
    let template = &real_justification.precommits[0].vote;
    let fork_justification = Justification {
        round: real_justification.round,
        number: fork.number,
        hash: fork.hash(),
        precommits: [Sr25519Keyring::Alice, Sr25519Keyring::Bob]
            .iter()
            .map(|validator| {
                SignedVote::sign(
                    Vote {
                        kind: VoteKind::Precommit,
                        round: template.round,
                        view: template.view,
                        number: fork.number,
                        hash: fork.hash(),
                    },
                    &validator.pair(),
                )
            })
            .collect(),
    };
    let report =
        wcme_runtime_main::RuntimeCall::CrossChain(pallet_wcme_cross_chain::Call::report_fork {
            subchain: id,
            first: Box::new((real, real_justification)),
            second: Box::new((fork, fork_justification)),
        });
    let outcome = on_main(&main_rpc, &Sr25519Keyring::Charlie.pair(), report).await;
    assert!(
        outcome
            .as_ref()
            .is_ok_and(|events| events.iter().any(|e| e.contains("ForkProven"))),
        "{outcome:?}"
    );
    let view: Value = call(&main_rpc, "wcme_subchain", vec![id.into()])
        .await
        .expect("wcme_subchain");
    assert_eq!(view["frozen"], true, "{view}");
    let bonds: Value = call(&main_rpc, "wcme_subchainBonds", vec![id.into()])
        .await
        .expect("wcme_subchainBonds");
    assert_eq!(bonds, json!([]), "both bonds slashed");
    for (account, reserved) in reserved_before {
        assert_eq!(
            main_account(&main_rpc, &account).await.reserved,
            reserved - 100 * WCME,
            "the bond is slashed"
        );
    }
    refused(
        &main_rpc,
        wcme_runtime_main::RuntimeCall::CrossChain(
            pallet_wcme_cross_chain::Call::transfer_to_subchain {
                subchain: id,
                dest: dave,
                amount: 10 * WCME,
            },
        ),
        "SubchainFrozen",
    )
    .await;
    assert_exact().await;
}

/// The subchain → main message `seq` in the subchain's best block, with that block's hash.
async fn held_at_best(rpc: &HttpClient, seq: u64) -> Option<(TransferMessage, String)> {
    let best: String = call(rpc, "chain_getBlockHash", vec![]).await.expect("best");
    let at = H256::from_slice(&hex::decode(best.trim_start_matches("0x")).expect("hex"));
    let message: Option<TransferMessage> =
        state_call(rpc, "SubchainBridgeApi_outbound", &seq.encode(), Some(at)).await;
    message.map(|message| (message, best))
}

/// The number of block `hash` on `rpc`'s node.
async fn block_number(rpc: &HttpClient, hash: &str) -> u32 {
    let header: Value = call(rpc, "chain_getHeader", vec![hash.into()])
        .await
        .expect("header");
    let number = header["number"].as_str().expect("hex number");
    u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("hex")
}

/// Waits (bounded) until the subchain node has block `number`.
async fn wait_for_subchain_block(rpc: &HttpClient, number: u32) {
    common::wait_for_block(rpc, number, Duration::from_secs(60)).await;
}
