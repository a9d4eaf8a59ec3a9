//! Helpers for tests of Proof-of-Credit chains (`--chain local`).

use std::time::{Duration, Instant};

use jsonrpsee::http_client::HttpClient;

use super::{TestNode, call, run_cli};

/// The `local` chain spec with 1-second slots, written to `dir/local.json`.
pub fn fast_local_spec(dir: &std::path::Path) -> String {
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "local"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: serde_json::Value = serde_json::from_str(&stdout).expect("spec is JSON");
    assert_eq!(
        spec["consensus"]["engine"], "poc",
        "local runs Proof-of-Credit"
    );
    spec["genesis"]["runtimeGenesis"]["patch"]["poc"]["slotDurationMs"] = 1000.into();
    let path = dir.join("local.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).expect("json")).expect("writes");
    path.to_str().expect("utf8").to_string()
}

pub fn start_validator(
    spec: &str,
    dir: &std::path::Path,
    key: &str,
    boot: Option<&str>,
) -> TestNode {
    let base = dir.join(key.trim_start_matches("--"));
    let mut args = vec![
        "--chain",
        spec,
        "--base-path",
        base.to_str().expect("utf8"),
        key,
    ];
    if let Some(boot) = boot {
        args.extend(["--bootnodes", boot]);
    }
    TestNode::start(&args)
}

pub fn authored(node: &TestNode) -> usize {
    node.log().matches("Prepared block for proposing").count()
}

/// The finalized block's number and hash.
pub async fn finalized(rpc: &HttpClient) -> (u32, String) {
    let hash: String = call(rpc, "chain_getFinalizedHead", vec![])
        .await
        .expect("finalized head");
    let header: serde_json::Value = call(rpc, "chain_getHeader", vec![hash.clone().into()])
        .await
        .expect("header");
    let number = header["number"].as_str().expect("hex number");
    (
        u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("hex"),
        hash,
    )
}

pub async fn block_hash(rpc: &HttpClient, number: u32) -> String {
    call::<String>(rpc, "chain_getBlockHash", vec![number.into()])
        .await
        .expect("hash")
}

/// Waits (bounded) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !check().await {
        assert!(Instant::now() < deadline, "{what} within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The `id` of the chain spec file at `spec`: the network's protocol names carry it.
pub fn chain_id(spec: &str) -> String {
    let spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(spec).expect("spec file")).expect("spec is JSON");
    spec["id"].as_str().expect("the spec has an id").to_string()
}

/// `state_call` of runtime API `method` with SCALE `args` at block `at` (best if `None`),
/// decoded.
pub async fn state_call<T: codec::Decode>(
    rpc: &HttpClient,
    method: &str,
    args: &[u8],
    at: Option<sp_core::H256>,
) -> T {
    let mut params = vec![
        serde_json::Value::from(method),
        format!("0x{}", hex::encode(args)).into(),
    ];
    if let Some(at) = at {
        params.push(format!("{at:?}").into());
    }
    let bytes: String = call(rpc, "state_call", params).await.expect("state_call");
    let bytes = hex::decode(bytes.trim_start_matches("0x")).expect("hex");
    T::decode(&mut &bytes[..]).expect("decodes")
}
