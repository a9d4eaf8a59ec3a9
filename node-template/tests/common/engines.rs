//! Helpers for tests of subchains running the Aura, PBFT and PoW engines.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use jsonrpsee::http_client::HttpClient;

use super::{TestNode, call, run_cli};

/// The development validators of the engine tests, in their turn order.
pub const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The spec of a subchain of the four development validators running `engine` with 1-second
/// slots, made by `wcme-node subchain new` and written to `dir/<engine>.json`.
pub fn four_validator_subchain(dir: &Path, engine: &str) -> String {
    let path = dir.join(format!("{engine}.json"));
    let spec = path.to_str().expect("utf8").to_string();
    let (ok, _, stderr) = run_cli(&[
        "subchain",
        "new",
        &format!("Engine {engine}"),
        "--symbol",
        "ENG",
        "--consensus",
        engine,
        "--validators",
        &VALIDATORS.join(","),
        "--slot-duration-ms",
        "1000",
        "--output",
        &spec,
    ]);
    assert!(ok, "subchain new --consensus {engine} failed: {stderr}");
    spec
}

/// Starts `who`'s node of the chain at `spec` from `dir/<who>`, authoring with `who`'s
/// development key when `authoring`, booting from `boot`.
pub fn start(spec: &str, dir: &Path, who: &str, authoring: bool, boot: Option<&str>) -> TestNode {
    let base = dir.join(who);
    let key = format!("--{who}");
    let mut args = vec![
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        "--no-prometheus",
    ];
    if authoring {
        args.push(&key);
    }
    if let Some(boot) = boot {
        args.extend(["--bootnodes", boot]);
    }
    TestNode::start(&args)
}

/// The hash of block `number` on `rpc`'s best chain, if it has one.
pub async fn hash_at(rpc: &HttpClient, number: u32) -> Option<String> {
    call::<Option<String>>(rpc, "chain_getBlockHash", vec![number.into()])
        .await
        .expect("chain_getBlockHash")
}

/// Hashes per second of this machine's debug build, as PoW nodes will mine.
pub fn hash_rate() -> u64 {
    let started = Instant::now();
    let mut hashes = 0u64;
    let mut data = [0u8; 40];
    while started.elapsed() < Duration::from_millis(300) {
        for _ in 0..1000 {
            data[32..].copy_from_slice(&hashes.to_le_bytes());
            std::hint::black_box(<sp_core::Blake2Hasher as sp_core::Hasher>::hash(&data));
            hashes += 1;
        }
    }
    hashes * 1000
        / u64::try_from(started.elapsed().as_millis())
            .unwrap_or(1)
            .max(1)
}
