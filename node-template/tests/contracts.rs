//! The contracts pallet on a real node (GitHub issue 8): the example token (`token-c.wasm`,
//! `examples/contracts`) uploaded, instantiated and used over real signed extrinsics, its
//! balances read with `wcme_contractCall` dry runs, its events read from `System::Events`, and
//! a second node that imports the same blocks reaching the same state roots.
//!
//! Building the example needs clang, wasm-ld (Debian `lld`), node and npm: without them this
//! test FAILS (it does not skip) and says to run `scripts/setup.sh`.

mod common;

use std::time::{Duration, Instant};

use codec::{Compact, Decode, Encode};
use common::{
    TestNode, call, contracts::token_code, error_code_and_data, start_fast_node, wait_for_block,
};
use jsonrpsee::http_client::HttpClient;
use serde_json::{Value, json};
use sp_core::{H256, sr25519};
use sp_keyring::Sr25519Keyring;
use wcme_runtime_main::{AccountId, ContractsCall, Hash, RuntimeCall, RuntimeEvent, signing::sign};

type EventRecord = frame_system::EventRecord<RuntimeEvent, Hash>;

/// Fuel for each contract call: far more than the token uses.
const GAS: u64 = 10_000_000;
/// The token's initial supply, minted to Alice.
const SUPPLY: u128 = 1_000_000;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text.trim_start_matches("0x")).expect("hex")
}

fn account(keyring: Sr25519Keyring) -> AccountId {
    AccountId::from(keyring.public())
}

fn raw(who: &AccountId) -> [u8; 32] {
    *who.as_ref()
}

/// Topic 0 of the token's events: the name in ASCII, zero-padded.
fn name_topic(name: &str) -> [u8; 32] {
    let mut topic = [0u8; 32];
    topic[..name.len()].copy_from_slice(name.as_bytes());
    topic
}

fn u128_le(value: u128) -> Vec<u8> {
    value.to_le_bytes().to_vec()
}

/// The chain's signer state: genesis hash and the next nonce of each signer.
struct Signer {
    genesis: H256,
}

impl Signer {
    async fn new(rpc: &HttpClient) -> Self {
        let genesis: String = call(rpc, "chain_getBlockHash", vec![json!(0)])
            .await
            .expect("genesis");
        Self {
            genesis: H256::from_slice(&unhex(&genesis)),
        }
    }

    /// Signs `call` by `pair`, submits it, waits for its block and returns the block hash and
    /// the events of the extrinsic.
    async fn submit(
        &self,
        node: &TestNode,
        pair: &sr25519::Pair,
        call_: RuntimeCall,
    ) -> (Value, Vec<RuntimeEvent>) {
        let rpc = node.rpc();
        let who = AccountId::from(sp_core::Pair::public(pair));
        let nonce: u32 = call(
            &rpc,
            "system_accountNextIndex",
            vec![json!(who.to_string())],
        )
        .await
        .expect("nonce");
        let extrinsic = sign(pair, call_, nonce, self.genesis).encode();
        // What a block lists: the extrinsic with or without its length prefix.
        let mut input = &extrinsic[..];
        Compact::<u32>::decode(&mut input).expect("length prefix");
        let body = hex::encode(input);
        let start = common::best_number(&rpc).await;
        let _: Value = call(&rpc, "author_submitExtrinsic", vec![json!(hex(&extrinsic))])
            .await
            .expect("extrinsic accepted");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut next = start + 1;
        loop {
            let best = common::best_number(&rpc).await;
            while next <= best {
                let hash: Value = call(&rpc, "chain_getBlockHash", vec![json!(next)])
                    .await
                    .expect("hash");
                let block: Value = call(&rpc, "chain_getBlock", vec![hash.clone()])
                    .await
                    .expect("block");
                let extrinsics = block["block"]["extrinsics"].as_array().expect("list");
                if let Some(index) = extrinsics
                    .iter()
                    .position(|x| x.as_str().expect("hex").ends_with(&body))
                {
                    let events = events_at(&rpc, &hash)
                        .await
                        .into_iter()
                        .filter(|record| {
                            record.phase
                                == frame_system::Phase::ApplyExtrinsic(
                                    u32::try_from(index).expect("index"),
                                )
                        })
                        .map(|record| record.event)
                        .collect();
                    return (hash, events);
                }
                next += 1;
            }
            assert!(
                Instant::now() < deadline,
                "extrinsic not included by #{best}:\n{}",
                node.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// `System::Events` at block `hash`, decoded with the runtime's types.
async fn events_at(rpc: &HttpClient, hash: &Value) -> Vec<EventRecord> {
    let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
    key.extend(sp_crypto_hashing::twox_128(b"Events"));
    let value: Option<String> = call(
        rpc,
        "state_getStorage",
        vec![json!(hex(&key)), hash.clone()],
    )
    .await
    .expect("events");
    value.map_or_else(Vec::new, |bytes| {
        Vec::<EventRecord>::decode(&mut &unhex(&bytes)[..]).expect("events decode")
    })
}

/// Panics unless `events` has `ExtrinsicSuccess`.
fn assert_success(what: &str, events: &[RuntimeEvent]) {
    assert!(
        events.iter().any(|event| matches!(
            event,
            RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. })
        )),
        "{what} failed: {events:?}"
    );
}

/// The `Contracts::ContractEmitted` events among `events`, as (contract, topics, data).
fn emitted(events: &[RuntimeEvent]) -> Vec<(AccountId, Vec<[u8; 32]>, Vec<u8>)> {
    events
        .iter()
        .filter_map(|event| match event {
            RuntimeEvent::Contracts(pallet_wcme_contracts::Event::ContractEmitted {
                contract,
                topics,
                data,
            }) => Some((contract.clone(), topics.clone(), data.clone())),
            _ => None,
        })
        .collect()
}

/// `wcme_contractCall` from Alice.
async fn dry_run(rpc: &HttpClient, dest: &AccountId, input: &[u8], at: Option<&Value>) -> Value {
    let mut params = vec![
        json!(account(Sr25519Keyring::Alice).to_string()),
        json!(hex(&raw(dest))),
        json!(0),
        json!(GAS),
        json!(hex(input)),
    ];
    if let Some(at) = at {
        params.push(at.clone());
    }
    call(rpc, "wcme_contractCall", params)
        .await
        .expect("wcme_contractCall")
}

/// The token's `balance_of(who)` through a dry run.
async fn balance_of(rpc: &HttpClient, token: &AccountId, who: &AccountId) -> u128 {
    let mut input = vec![0x02];
    input.extend(raw(who));
    let result = dry_run(rpc, token, &input, None).await;
    let output = result["result"]["returned"]
        .as_str()
        .unwrap_or_else(|| panic!("balance_of did not return: {result}"));
    u128::from_le_bytes(unhex(output).try_into().expect("16 bytes"))
}

#[tokio::test(flavor = "multi_thread")]
async fn token_contract_runs_on_a_real_node() {
    let started = Instant::now();
    let code = token_code();
    let dir = tempfile::tempdir().expect("tempdir");
    let node = start_fast_node(dir.path(), &["--alice", "--no-prometheus"]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(30)).await;
    let signer = Signer::new(&rpc).await;
    let [alice, bob, charlie, dave] = [
        Sr25519Keyring::Alice,
        Sr25519Keyring::Bob,
        Sr25519Keyring::Charlie,
        Sr25519Keyring::Dave,
    ]
    .map(account);

    // Upload.
    let upload = RuntimeCall::Contracts(ContractsCall::upload_code {
        code: code.clone(),
        storage_deposit_limit: u128::MAX,
    });
    let (_, events) = signer
        .submit(&node, &Sr25519Keyring::Alice.pair(), upload)
        .await;
    assert_success("upload_code", &events);
    let code_hash = events
        .iter()
        .find_map(|event| match event {
            RuntimeEvent::Contracts(pallet_wcme_contracts::Event::CodeStored {
                code_hash,
                owner,
                ..
            }) => {
                assert_eq!(owner, &alice);
                Some(*code_hash)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no CodeStored: {events:?}"));
    assert_eq!(code_hash, sp_crypto_hashing::blake2_256(&code));

    // Instantiate with the supply.
    let instantiate = RuntimeCall::Contracts(ContractsCall::instantiate {
        code_hash,
        value: 0,
        gas_limit: GAS,
        data: u128_le(SUPPLY),
        salt: b"token".to_vec(),
    });
    let (_, events) = signer
        .submit(&node, &Sr25519Keyring::Alice.pair(), instantiate)
        .await;
    assert_success("instantiate", &events);
    let token = events
        .iter()
        .find_map(|event| match event {
            RuntimeEvent::Contracts(pallet_wcme_contracts::Event::Instantiated {
                contract,
                ..
            }) => Some(contract.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Instantiated: {events:?}"));
    assert_eq!(
        emitted(&events),
        vec![(
            token.clone(),
            vec![name_topic("Transfer"), [0; 32], raw(&alice)],
            u128_le(SUPPLY)
        )]
    );
    assert_eq!(balance_of(&rpc, &token, &alice).await, SUPPLY);

    let contract_call = |data: Vec<u8>| {
        RuntimeCall::Contracts(ContractsCall::call {
            dest: token.clone(),
            value: 0,
            gas_limit: GAS,
            data,
        })
    };

    // transfer(Bob, 250) by Alice.
    let mut transfer = vec![0x03];
    transfer.extend(raw(&bob));
    transfer.extend(u128_le(250));
    let (_, events) = signer
        .submit(
            &node,
            &Sr25519Keyring::Alice.pair(),
            contract_call(transfer),
        )
        .await;
    assert_success("transfer", &events);
    assert_eq!(
        emitted(&events),
        vec![(
            token.clone(),
            vec![name_topic("Transfer"), raw(&alice), raw(&bob)],
            u128_le(250)
        )]
    );

    // approve(Charlie, 1000) by Alice.
    let mut approve = vec![0x04];
    approve.extend(raw(&charlie));
    approve.extend(u128_le(1000));
    let (_, events) = signer
        .submit(&node, &Sr25519Keyring::Alice.pair(), contract_call(approve))
        .await;
    assert_success("approve", &events);
    assert_eq!(
        emitted(&events),
        vec![(
            token.clone(),
            vec![name_topic("Approval"), raw(&alice), raw(&charlie)],
            u128_le(1000)
        )]
    );

    // transfer_from(Alice, Dave, 400) by Charlie.
    let mut transfer_from = vec![0x06];
    transfer_from.extend(raw(&alice));
    transfer_from.extend(raw(&dave));
    transfer_from.extend(u128_le(400));
    let (last_block, events) = signer
        .submit(
            &node,
            &Sr25519Keyring::Charlie.pair(),
            contract_call(transfer_from),
        )
        .await;
    assert_success("transfer_from", &events);
    assert_eq!(
        emitted(&events),
        vec![(
            token.clone(),
            vec![name_topic("Transfer"), raw(&alice), raw(&dave)],
            u128_le(400)
        )]
    );

    // Balances, exactly.
    assert_eq!(balance_of(&rpc, &token, &alice).await, SUPPLY - 250 - 400);
    assert_eq!(balance_of(&rpc, &token, &bob).await, 250);
    assert_eq!(balance_of(&rpc, &token, &charlie).await, 0);
    assert_eq!(balance_of(&rpc, &token, &dave).await, 400);
    let mut allowance = vec![0x05];
    allowance.extend(raw(&alice));
    allowance.extend(raw(&charlie));
    let result = dry_run(&rpc, &token, &allowance, None).await;
    assert_eq!(result["result"], json!({"returned": hex(&u128_le(600))}));

    // A dry run of a transfer reports its event and deposit but writes nothing.
    let mut dry_transfer = vec![0x03];
    dry_transfer.extend(raw(&eve()));
    dry_transfer.extend(u128_le(7));
    let head: Value = call(&rpc, "chain_getBlockHash", vec![])
        .await
        .expect("best");
    let state_before = storage_snapshot(&rpc, &head).await;
    let result = dry_run(&rpc, &token, &dry_transfer, Some(&head)).await;
    assert_eq!(result["result"], json!({"returned": "0x"}), "{result}");
    assert_eq!(
        result["events"],
        json!([{
            "contract": hex(&raw(&token)),
            "topics": [hex(&name_topic("Transfer")), hex(&raw(&alice)), hex(&raw(&eve()))],
            "data": hex(&u128_le(7)),
        }])
    );
    let gas_used = result["gasUsed"].as_u64().expect("gasUsed");
    assert!(gas_used > 0 && gas_used < GAS, "{result}");
    assert!(
        result["weightRequired"]["refTime"]
            .as_u64()
            .expect("refTime")
            >= gas_used * 1_000,
        "{result}"
    );
    // A new balance entry: one item (2 mWCME) and 33 + 16 bytes (10 µWCME each).
    let deposit: i128 = result["storageDeposit"]
        .as_str()
        .expect("decimal")
        .parse()
        .expect("i128");
    assert_eq!(deposit, 2_000_000_000 + 49 * 10_000_000, "{result}");
    assert_eq!(storage_snapshot(&rpc, &head).await, state_before);
    // Nor in the blocks after it: the contracts' storage is what it was.
    let head_number = common::best_number(&rpc).await;
    wait_for_block(&rpc, head_number + 1, Duration::from_secs(10)).await;
    let later: Value = call(&rpc, "chain_getBlockHash", vec![])
        .await
        .expect("best");
    let child_roots = hex(b":child_storage:default:");
    let contracts_only = |snapshot: Vec<(String, Option<String>)>| -> Vec<_> {
        let prefix = hex(&sp_crypto_hashing::twox_128(b"Contracts"));
        snapshot
            .into_iter()
            .filter(|(key, _)| key.starts_with(&prefix) || key.starts_with(&child_roots))
            .collect()
    };
    assert!(
        state_before
            .iter()
            .any(|(key, _)| key.starts_with(&child_roots)),
        "the token's child trie root is in the snapshot"
    );
    assert_eq!(
        contracts_only(storage_snapshot(&rpc, &later).await),
        contracts_only(state_before)
    );
    assert_eq!(balance_of(&rpc, &token, &eve()).await, 0);
    assert_eq!(balance_of(&rpc, &token, &alice).await, SUPPLY - 650);

    // A revert and a missing contract, as results; bad parameters, as -32602.
    let mut too_much = vec![0x03];
    too_much.extend(raw(&bob));
    too_much.extend(u128_le(SUPPLY));
    let result = dry_run(&rpc, &token, &too_much, None).await;
    assert_eq!(result["result"], json!({"reverted": "0x03"}));
    let result = dry_run(&rpc, &eve(), &[0x01], None).await;
    assert!(
        result["result"]["error"].as_str().is_some(),
        "no contract: {result}"
    );
    let (code, _) = error_code_and_data(
        call::<Value>(
            &rpc,
            "wcme_contractCall",
            vec![
                json!("nobody"),
                json!(hex(&raw(&token))),
                json!(0),
                json!(GAS),
                json!("0x"),
            ],
        )
        .await
        .expect_err("bad origin"),
    );
    assert_eq!(code, -32602);
    let (code, _) = error_code_and_data(
        call::<Value>(
            &rpc,
            "wcme_contractCall",
            vec![
                json!(alice.to_string()),
                json!(hex(&raw(&token))),
                json!("ten"),
                json!(GAS),
                json!("0x"),
            ],
        )
        .await
        .expect_err("bad value"),
    );
    assert_eq!(code, -32602);

    // Determinism: a second node imports the same blocks (executing the contracts itself) and
    // reaches the same state root at the last contract block.
    let follower_dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("spec.json");
    let base = follower_dir.path().join("base");
    let follower = TestNode::start(&[
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
        "--bootnodes",
        &node.p2p_addr(),
    ]);
    let follower_rpc = follower.rpc();
    let header: Value = call(&rpc, "chain_getHeader", vec![last_block.clone()])
        .await
        .expect("header");
    let number = u32::from_str_radix(
        header["number"]
            .as_str()
            .expect("hex")
            .trim_start_matches("0x"),
        16,
    )
    .expect("number");
    wait_for_block(&follower_rpc, number, Duration::from_secs(30)).await;
    let follower_hash: Value = call(&follower_rpc, "chain_getBlockHash", vec![json!(number)])
        .await
        .expect("hash");
    assert_eq!(follower_hash, last_block);
    let follower_header: Value = call(&follower_rpc, "chain_getHeader", vec![follower_hash])
        .await
        .expect("header");
    assert_eq!(follower_header["stateRoot"], header["stateRoot"]);
    assert_eq!(balance_of(&follower_rpc, &token, &dave).await, 400);

    eprintln!("contracts test took {:?}", started.elapsed());
}

fn eve() -> AccountId {
    account(Sr25519Keyring::Eve)
}

/// Every key and value under the `Contracts` and `System::Account` prefixes at `at`, and the
/// roots of the default child tries (each contract's storage).
async fn storage_snapshot(rpc: &HttpClient, at: &Value) -> Vec<(String, Option<String>)> {
    let mut snapshot = Vec::new();
    for prefix in [
        Vec::from(sp_crypto_hashing::twox_128(b"Contracts")),
        b":child_storage:default:".to_vec(),
        [
            sp_crypto_hashing::twox_128(b"System"),
            sp_crypto_hashing::twox_128(b"Account"),
        ]
        .concat(),
    ] {
        let keys: Vec<String> = call(
            rpc,
            "state_getKeysPaged",
            vec![json!(hex(&prefix)), json!(1000), Value::Null, at.clone()],
        )
        .await
        .expect("keys");
        for key in keys {
            let value: Option<String> = call(
                rpc,
                "state_getStorage",
                vec![json!(key.clone()), at.clone()],
            )
            .await
            .expect("value");
            snapshot.push((key, value));
        }
    }
    snapshot
}
