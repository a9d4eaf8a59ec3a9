//! Joining Proof-of-Credit on real processes: a new account registers an agent with a deposit,
//! enters the producer schedule in the round DESIGN §4 says — membership of round N is fixed
//! at the start of round N − 1, so an agent registered during round r produces from round
//! r + 2 — and its node then authors in its slots.

mod common;

use std::time::Duration;

use codec::Encode;
use common::{
    best_number, call,
    poc::{authored, block_hash, eventually, fast_local_spec, start_validator, state_call},
    wait_for_block,
};
use sp_core::{H256, Pair as _};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{MultiAddress, Perbill};
use wcme_consensus_primitives::poc::{AgentInfo, RoundInfo};
use wcme_primitives::{AccountId, Balance, BlockNumber};
use wcme_runtime_main::{
    PocCall, RuntimeCall, WCME, genesis_config_presets::dev_packing_pair, signing::sign,
};

type Round = RoundInfo<AccountId, Balance>;

/// The round block `number` belongs to.
async fn round_at(rpc: &jsonrpsee::http_client::HttpClient, number: u32) -> Round {
    let hash: H256 = block_hash(rpc, number).await.parse().expect("hash");
    state_call(rpc, "PocApi_current_round", &[], Some(hash)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_agent_enters_the_schedule_two_rounds_after_registering_and_authors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_local_spec(dir.path());
    let alice = start_validator(&spec, dir.path(), "--alice", None);
    let rpc = alice.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(60)).await;
    // Eve's node holds her packing key (`//Eve//poc`) but she is no agent yet.
    let eve_node = start_validator(&spec, dir.path(), "--eve", Some(&alice.p2p_addr()));
    let eve: AccountId = Sr25519Keyring::Eve.to_account_id();

    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis hash");
    let register = RuntimeCall::Poc(PocCall::register_agent {
        packing_key: dev_packing_pair("Eve").expect("dev key").public(),
        reward_account: MultiAddress::Id(eve.clone()),
        commission: Perbill::from_percent(10),
        deposit: 20_000 * WCME,
    });
    let submitted_at = best_number(&rpc).await;
    let xt = sign(&Sr25519Keyring::Eve.pair(), register, 0, genesis);
    let _: H256 = call(
        &rpc,
        "author_submitExtrinsic",
        vec![format!("0x{}", hex::encode(xt.encode())).into()],
    )
    .await
    .expect("submitted");

    // The block that registered Eve, and its round r.
    let is_agent = |agents: &[AgentInfo<AccountId, Balance, BlockNumber>]| {
        agents.iter().any(|agent| agent.agent == eve)
    };
    let mut registered_in = None;
    let mut number = submitted_at;
    while registered_in.is_none() {
        if number > best_number(&rpc).await {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        }
        let hash: H256 = block_hash(&rpc, number).await.parse().expect("hash");
        let agents: Vec<AgentInfo<AccountId, Balance, BlockNumber>> =
            state_call(&rpc, "PocApi_agents", &[], Some(hash)).await;
        if is_agent(&agents) {
            registered_in = Some(number);
        } else {
            assert!(
                number < submitted_at + 30,
                "Eve was never registered\n{}",
                alice.log()
            );
            number += 1;
        }
    }
    let registered_in = registered_in.expect("found");
    let r = round_at(&rpc, registered_in).await.index;

    // Follow the chain until round r + 2: Eve produces there and in no earlier round.
    let produces = |round: &Round| round.producers.iter().any(|p| p.agent == eve);
    let mut number = registered_in;
    loop {
        wait_for_block(&rpc, number, Duration::from_secs(30)).await;
        let round = round_at(&rpc, number).await;
        if round.index < r + 2 {
            assert!(!produces(&round), "Eve produces in round {}", round.index);
        } else {
            assert_eq!(round.index, r + 2, "a round was skipped");
            assert!(produces(&round), "Eve is no producer of round {}", r + 2);
            break;
        }
        number += 1;
    }

    // Her node authors in her slots from then on.
    eventually(
        "Eve's node authors a block",
        Duration::from_secs(60),
        || {
            let authored = authored(&eve_node);
            async move { authored >= 1 }
        },
    )
    .await;
}
