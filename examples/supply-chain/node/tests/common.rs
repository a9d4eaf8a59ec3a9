//! Helpers for tests that run real `supply-chain-node` processes on 127.0.0.1: a few of
//! `node-template/tests/common/`, which another crate's tests cannot import.
#![allow(dead_code)]

use std::{
    future::Future,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use jsonrpsee::{
    core::{client::ClientT, params::ArrayParams},
    http_client::{HttpClient, HttpClientBuilder},
};

/// The node binary under test.
pub fn node_binary() -> &'static str {
    env!("CARGO_BIN_EXE_supply-chain-node")
}

/// Runs `supply-chain-node` with `args` to completion; returns (success, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(node_binary())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("supply-chain-node runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running node; killed when dropped.
pub struct TestNode {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub http_url: String,
    /// Everything the node logged so far.
    pub log: Arc<Mutex<String>>,
}

impl TestNode {
    /// Starts `supply-chain-node` with `args` plus `--rpc-port 0 --no-mdns --port 0` and waits
    /// (at most 60 s) for its RPC server. `--no-mdns`: tests run in parallel, and nodes of other
    /// tests must not find these on the host's network; tests connect nodes with `--bootnodes`.
    pub fn start(args: &[&str]) -> TestNode {
        let mut child = Command::new(node_binary())
            .args(args)
            .args(["--rpc-port", "0", "--no-mdns", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("supply-chain-node starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            // Keep draining so the node never blocks on a full pipe.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("Running JSON-RPC server: addr=").nth(1) {
                    let _ = addr_tx.send(addr.trim().to_string());
                }
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let Ok(addr) = addr_rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!(
                "node did not start its RPC server:\n{}",
                log.lock().expect("log")
            );
        };
        TestNode {
            child,
            http_url: format!("http://{addr}"),
            log,
        }
    }

    /// An HTTP JSON-RPC client for this node.
    pub fn rpc(&self) -> HttpClient {
        HttpClientBuilder::default()
            .request_timeout(Duration::from_secs(30))
            .build(&self.http_url)
            .expect("client builds")
    }

    /// The log so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// This node's peer-to-peer address on 127.0.0.1 with its peer id, read from the log
    /// (waits up to 10 s for the listen line).
    pub fn p2p_addr(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log();
            let id = log
                .lines()
                .find_map(|l| l.split("Local node identity is: ").nth(1))
                .map(|s| s.trim().to_string());
            let addr = log
                .lines()
                .filter_map(|l| l.split("Listening for new connections on ").nth(1))
                .map(|s| s.trim().to_string())
                .find(|a| a.starts_with("/ip4/127.0.0.1/"));
            if let (Some(id), Some(addr)) = (id, addr) {
                return format!("{addr}/p2p/{id}");
            }
            assert!(
                Instant::now() < deadline,
                "no listen address in the log:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `method` with positional `params`.
pub async fn call<R: serde::de::DeserializeOwned>(
    client: &HttpClient,
    method: &str,
    params: Vec<serde_json::Value>,
) -> Result<R, jsonrpsee::core::client::Error> {
    let mut builder = ArrayParams::new();
    for param in params {
        builder.insert(param).expect("param serializes");
    }
    client.request(method, builder).await
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

/// Waits (bounded) until `check` holds.
pub async fn eventually<F, Fut>(what: &str, timeout: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    while !check().await {
        assert!(Instant::now() < deadline, "{what} within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// `state_call` of runtime API `method` with SCALE `args` at block `at` (`0x`-hex hash),
/// decoded.
pub async fn state_call<T: codec::Decode>(
    rpc: &HttpClient,
    method: &str,
    args: &[u8],
    at: &str,
) -> T {
    let params = vec![method.into(), hex_of(args).into(), at.into()];
    let bytes: String = call(rpc, "state_call", params).await.expect("state_call");
    let bytes = hex::decode(bytes.trim_start_matches("0x")).expect("hex");
    T::decode(&mut &bytes[..]).expect("decodes")
}

/// `0x`-hex of `bytes`.
pub fn hex_of(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// The code and the `data` (as JSON text) of a JSON-RPC error; panics on any other failure.
pub fn error_code_and_data(error: jsonrpsee::core::client::Error) -> (i32, String) {
    match error {
        jsonrpsee::core::client::Error::Call(object) => (
            object.code(),
            object
                .data()
                .map(|d| d.get().to_string())
                .unwrap_or_default(),
        ),
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
}
