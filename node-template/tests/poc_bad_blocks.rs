//! Bad blocks from a peer on a real Proof-of-Credit node. Alice alone runs a validator of the
//! `local` chain with 1-second slots (she authors her slots, one in four); in-process harness
//! peers join her over libp2p and gossip, each one kind of bad block until she bans it:
//!
//! 1. a block sealed by a key that does not own the slot, and one whose digest claims another
//!    producer's position;
//! 2. blocks with a bad seal (random bytes, a signature over other bytes, a seal of the wrong
//!    length);
//! 3. a correctly sealed block for a slot far in the future;
//! 4. a block correctly sealed by the slot's owner (a producer whose node is not running, so
//!    the slot has no other block) whose state root is wrong;
//! 5. bytes that are no block at all.
//!
//! For each: the node logs the typed rejection, never imports the block (it is neither best nor
//! canonical nor stored), lowers the sender's reputation and finally bans and disconnects it —
//! and keeps authoring. No key ever seals two different headers for one slot, so none of this is
//! equivocation.

mod common;

use std::{
    collections::HashSet,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use codec::Encode;
use common::{
    TestNode, best_number, call,
    peer::Harness,
    poc::{chain_id, fast_local_spec, state_call},
    wait_for_block,
};
use jsonrpsee::http_client::HttpClient;
use sp_core::{H256, Pair as _, sr25519};
use sp_runtime::{
    Digest, DigestItem, Justifications, OpaqueExtrinsic, StateVersion,
    traits::{BlakeTwo256, Hash as _, Header as _},
};
use wcme_consensus_primitives::poc::{
    POC_ENGINE_ID, PackingKey, PreDigest, SlotOwner, find_pre_digest, seal_item,
};
use wcme_primitives::{AccountId, Block, Header, SignedBlock};
use wcme_runtime_main::{
    RuntimeCall, TimestampCall, UncheckedExtrinsic, genesis_config_presets::dev_packing_pair,
};

/// Slot length of the test chain.
const SLOT_MS: u64 = 1000;

fn now_slot() -> u64 {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_millis();
    u64::try_from(millis).expect("fits") / SLOT_MS
}

/// The packing keys of the agents whose nodes are not running (Alice's is).
fn idle_packing_keys() -> Vec<sr25519::Pair> {
    ["Bob", "Charlie", "Dave"]
        .into_iter()
        .map(|name| dev_packing_pair(name).expect("dev packing key"))
        .collect()
}

fn key_of(owner: &SlotOwner<AccountId>) -> Option<sr25519::Pair> {
    idle_packing_keys()
        .into_iter()
        .find(|pair| pair.public() == owner.packing_key)
}

async fn best_header(rpc: &HttpClient) -> Header {
    let header: serde_json::Value = call(rpc, "chain_getHeader", vec![]).await.expect("header");
    serde_json::from_value(header).expect("a header")
}

/// `PocApi_slot_owner(slot)` at block `at`.
async fn slot_owner(rpc: &HttpClient, at: H256, slot: u64) -> Option<SlotOwner<AccountId>> {
    state_call(rpc, "PocApi_slot_owner", &slot.encode(), Some(at)).await
}

/// Slots handed out so far: every case seals headers for a slot of its own.
struct Slots(HashSet<u64>);

impl Slots {
    /// Waits (bounded) for a slot after the best block's and at most one ahead of the clock that
    /// belongs to an agent whose node is not running (and, with `wanted`, to that packing key);
    /// returns the best header, the slot and its owner.
    async fn next(
        &mut self,
        rpc: &HttpClient,
        wanted: Option<PackingKey>,
    ) -> (Header, u64, SlotOwner<AccountId>) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let parent = best_header(rpc).await;
            let parent_slot = find_pre_digest(&parent).map(|d| d.slot).unwrap_or(0);
            let now = now_slot();
            for slot in [now, now + 1] {
                if slot <= parent_slot || self.0.contains(&slot) {
                    continue;
                }
                let Some(owner) = slot_owner(rpc, parent.hash(), slot).await else {
                    continue;
                };
                let idle = key_of(&owner).is_some();
                if idle && wanted.as_ref().is_none_or(|key| *key == owner.packing_key) {
                    self.0.insert(slot);
                    return (parent, slot, owner);
                }
            }
            assert!(
                Instant::now() < deadline,
                "no slot of an idle agent ({wanted:?}) came up"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// An unsealed child of `parent` for `slot` claiming `(round, author_index)`, with a correct body
/// (the timestamp inherent of the slot) and extrinsics root, and `state_root`.
fn unsealed(
    parent: &Header,
    slot: u64,
    (round, author_index): (u32, u32),
    state_root: H256,
) -> Block {
    let timestamp = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(TimestampCall::set {
        now: slot * SLOT_MS,
    }))
    .encode();
    let extrinsics_root = BlakeTwo256::ordered_trie_root(vec![timestamp.clone()], StateVersion::V1);
    let digest = Digest {
        logs: vec![
            PreDigest {
                round,
                slot,
                author_index,
            }
            .to_digest_item(),
        ],
    };
    Block {
        header: Header::new(
            parent.number() + 1,
            extrinsics_root,
            state_root,
            parent.hash(),
            digest,
        ),
        extrinsics: vec![
            OpaqueExtrinsic::try_from_encoded_extrinsic(&timestamp).expect("an extrinsic"),
        ],
    }
}

/// `block` with `key`'s seal over its header.
fn sealed_by(mut block: Block, key: &sr25519::Pair) -> Block {
    let signature = key.sign(block.header.hash().as_ref());
    block.header.digest_mut().push(seal_item(&signature));
    block
}

/// `block` with `seal` as its seal bytes.
fn with_seal(mut block: Block, seal: Vec<u8>) -> Block {
    block
        .header
        .digest_mut()
        .push(DigestItem::Seal(POC_ENGINE_ID, seal));
    block
}

/// The gossip payload of `block`; `copy` varies an unchecked part (a justification that is only
/// looked at once a block imports) so that repeated sends are distinct messages.
fn announcement(block: &Block, copy: u32) -> Vec<u8> {
    SignedBlock {
        block: block.clone(),
        justifications: (copy > 0).then(|| Justifications::from((*b"test", copy.encode()))),
    }
    .encode()
}

/// Lines of `log` that mention `needle` and `also`.
fn lines_with<'a>(log: &'a str, needle: &str, also: &str) -> Vec<&'a str> {
    log.lines()
        .filter(|line| line.contains(needle) && line.contains(also))
        .collect()
}

/// Checks what the node did about one sender: its reputation went down for `reason` before it
/// was banned for it.
fn assert_penalised(log: &str, peer_id: &str, reason: &str) {
    let drops = lines_with(log, &format!("reputation change: {reason}"), peer_id);
    assert!(
        drops.iter().any(|line| line.contains("score=-")),
        "no reputation drop for {reason} of {peer_id}:\n{log}"
    );
    assert!(
        lines_with(log, "banning peer", peer_id)
            .iter()
            .any(|line| line.contains(reason)),
        "{peer_id} was not banned for {reason}:\n{log}"
    );
}

/// The block is nowhere in the node's chain: not stored, not canonical at its height, not
/// finalized, and its parent is still canonical.
async fn assert_not_imported(rpc: &HttpClient, block: &Block) {
    let hash = block.header.hash();
    let header: Option<serde_json::Value> =
        call(rpc, "chain_getHeader", vec![format!("{hash:?}").into()])
            .await
            .unwrap_or(None);
    assert!(
        header.is_none(),
        "bad block {hash:?} was stored: {header:?}"
    );
    let canonical: Option<H256> = call(
        rpc,
        "chain_getBlockHash",
        vec![(*block.header.number()).into()],
    )
    .await
    .expect("chain_getBlockHash");
    assert_ne!(canonical, Some(hash), "bad block {hash:?} is canonical");
    // Nothing was reorganised for it: the block it was built on is still canonical.
    let parent: Option<H256> = call(
        rpc,
        "chain_getBlockHash",
        vec![(*block.header.number() - 1).into()],
    )
    .await
    .expect("chain_getBlockHash");
    assert_eq!(parent, Some(*block.header.parent_hash()));
    let finalized: H256 = call(rpc, "chain_getFinalizedHead", vec![])
        .await
        .expect("finalized head");
    assert_ne!(finalized, hash);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_blocks_are_refused_and_their_senders_banned() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_local_spec(dir.path());
    let chain_id = chain_id(&spec);
    let base = dir.path().join("alice");
    let node = TestNode::start(&[
        "--chain",
        &spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--alice",
        "--no-prometheus",
        "-l",
        "sync=debug,network=debug",
    ]);
    let rpc = node.rpc();
    wait_for_block(&rpc, 1, Duration::from_secs(30)).await;
    let first_best = best_number(&rpc).await;
    let genesis: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    let mut slots = Slots(HashSet::new());
    let mut refused: Vec<Block> = Vec::new();

    // 1a. Sealed by a key that does not own the slot (the digest names the owner's position).
    let (parent, slot, owner) = slots.next(&rpc, None).await;
    let impostor = idle_packing_keys()
        .into_iter()
        .find(|pair| pair.public() != owner.packing_key)
        .expect("another idle key");
    let block = sealed_by(
        unsealed(
            &parent,
            slot,
            (owner.round, owner.index),
            H256::repeat_byte(1),
        ),
        &impostor,
    );
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    peer.send_until_banned(&node, &rpc, |copy| announcement(&block, copy))
        .await;
    let log = node.log();
    let hash = block.header.hash();
    assert!(
        log.contains(&format!(
            "consensus check failed: bad seal on header {hash:?}"
        )),
        "{log}"
    );
    assert_penalised(&log, &peer.peer_id, "invalid block");
    refused.push(block);

    // 1b. The digest claims the next position of the round, not the owner's.
    let (parent, slot, owner) = slots.next(&rpc, None).await;
    let round: serde_json::Value = call(
        &rpc,
        "wcme_pocRound",
        vec![format!("{:?}", parent.hash()).into()],
    )
    .await
    .expect("wcme_pocRound");
    let producers = round["producers"]
        .as_array()
        .map(Vec::len)
        .expect("producers");
    assert_eq!(producers, 4, "{round}");
    let claimed = (owner.index + 1) % 4;
    let liar = idle_packing_keys()
        .into_iter()
        .find(|pair| pair.public() != owner.packing_key)
        .expect("another idle key");
    let block = sealed_by(
        unsealed(&parent, slot, (owner.round, claimed), H256::repeat_byte(1)),
        &liar,
    );
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    peer.send_until_banned(&node, &rpc, |copy| announcement(&block, copy))
        .await;
    let log = node.log();
    let hash = block.header.hash();
    let expected = format!(
        "header {hash:?} claims round {} position {claimed} for slot {slot}, the schedule says round {} position {}",
        owner.round, owner.round, owner.index
    );
    assert!(log.contains(&expected), "{expected} not in:\n{log}");
    assert_penalised(&log, &peer.peer_id, "invalid block");
    refused.push(block);

    // 2. Bad seals on the owner's digest: random bytes, the owner's signature over other bytes,
    //    a seal of the wrong length.
    let (parent, slot, owner) = slots.next(&rpc, None).await;
    let owner_key = key_of(&owner).expect("an idle owner");
    let body = unsealed(
        &parent,
        slot,
        (owner.round, owner.index),
        H256::repeat_byte(1),
    );
    let bad_seals = [
        with_seal(
            body.clone(),
            (0..64u8).map(|b| b.wrapping_mul(37)).collect(),
        ),
        with_seal(body.clone(), owner_key.sign(b"not this header").0.to_vec()),
        with_seal(body.clone(), vec![7; 10]),
    ];
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    let sent = peer
        .send_until_banned(&node, &rpc, |copy| {
            let index = usize::try_from(copy).expect("small") % bad_seals.len();
            announcement(&bad_seals[index], copy)
        })
        .await;
    let log = node.log();
    for bad in bad_seals
        .iter()
        .take(usize::try_from(sent).expect("small").min(2))
    {
        let hash = bad.header.hash();
        assert!(
            log.contains(&format!(
                "consensus check failed: bad seal on header {hash:?}"
            )),
            "{log}"
        );
    }
    if sent >= 3 {
        let hash = bad_seals[2].header.hash();
        assert!(
            log.contains(&format!(
                "header {hash:?} has bad consensus digests: MalformedSeal"
            )),
            "{log}"
        );
    }
    assert_penalised(&log, &peer.peer_id, "invalid block");
    refused.extend(bad_seals);

    // 3. A correctly sealed block for a slot far ahead of the clock.
    let parent = best_header(&rpc).await;
    let mut future = None;
    for slot in now_slot() + 30..now_slot() + 90 {
        if let Some(owner) = slot_owner(&rpc, parent.hash(), slot).await
            && let Some(key) = key_of(&owner)
            && slots.0.insert(slot)
        {
            future = Some((slot, owner, key));
            break;
        }
    }
    let (slot, owner, key) = future.expect("a future slot of an idle agent");
    let block = sealed_by(
        unsealed(
            &parent,
            slot,
            (owner.round, owner.index),
            H256::repeat_byte(1),
        ),
        &key,
    );
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    peer.send_until_banned(&node, &rpc, |copy| announcement(&block, copy))
        .await;
    let log = node.log();
    let hash = block.header.hash();
    assert!(
        log.contains(&format!(
            "consensus check failed: slot {slot} of header {hash:?} is in the future"
        )),
        "{log}"
    );
    assert_penalised(&log, &peer.peer_id, "invalid block");
    refused.push(block);

    // 4. Bob's own slot (his node is not running, so it has no other block), sealed by Bob, but
    //    with a state root that execution does not produce.
    let bob = dev_packing_pair("Bob").expect("Bob's packing key");
    let (parent, slot, owner) = slots.next(&rpc, Some(bob.public())).await;
    let block = sealed_by(
        unsealed(
            &parent,
            slot,
            (owner.round, owner.index),
            H256::repeat_byte(0x42),
        ),
        &bob,
    );
    let executions_before = node.log().matches("Storage root must match").count();
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    let sent = peer
        .send_until_banned(&node, &rpc, |copy| announcement(&block, copy))
        .await;
    let log = node.log();
    let rejections = lines_with(&log, "invalid block from a peer", "execution failed")
        .iter()
        .filter(|line| line.contains("Storage root must match that calculated"))
        .count();
    assert!(
        rejections >= 1 && log.matches("Storage root must match").count() > executions_before,
        "the state root was not what refused the block ({sent} sent):\n{log}"
    );
    assert_penalised(&log, &peer.peer_id, "invalid block");
    refused.push(block);

    // 5. Bytes that are no block.
    let mut peer = Harness::join(&node, &rpc, &chain_id).await;
    peer.send_until_banned(&node, &rpc, |copy| {
        format!("not a block {copy}").into_bytes()
    })
    .await;
    assert_penalised(&node.log(), &peer.peer_id, "undecodable block");

    // None of it is in the chain, the node never saw equivocation, and it goes on authoring.
    for block in &refused {
        assert_not_imported(&rpc, block).await;
    }
    let log = node.log();
    assert!(!log.contains("Two headers sealed for one slot"), "{log}");
    let authored = log.matches("Prepared block for proposing").count();
    let best = best_number(&rpc).await;
    wait_for_block(&rpc, best + 1, Duration::from_secs(20)).await;
    assert!(best_number(&rpc).await > first_best);
    assert!(node.log().matches("Prepared block for proposing").count() > authored);
    let genesis_now: H256 = call(&rpc, "chain_getBlockHash", vec![0.into()])
        .await
        .expect("genesis");
    assert_eq!(genesis_now, genesis);
    assert!(
        !node.log().contains("panic:"),
        "the node panicked:\n{}",
        node.log()
    );
    // What the node said about the senders (shown with `--nocapture`).
    for line in node.log().lines().filter(|line| {
        [
            "invalid block from a peer",
            "reputation change",
            "banning peer",
        ]
        .iter()
        .any(|what| line.contains(what))
    }) {
        eprintln!("{line}");
    }
    eprintln!("bad-block test took {:?}", started.elapsed());
}
