//! Helpers for tests that run real `wcme-node` processes on 127.0.0.1.
#![allow(dead_code)]

pub mod contracts;
pub mod engines;
pub mod js;
pub mod peer;
pub mod poc;
pub mod relay;

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use jsonrpsee::{
    core::client::ClientT,
    http_client::{HttpClient, HttpClientBuilder},
    rpc_params,
};

/// The node binary under test.
pub fn node_binary() -> &'static str {
    env!("CARGO_BIN_EXE_wcme-node")
}

/// Runs `wcme-node` with `args` to completion; returns (success, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(node_binary())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("wcme-node runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Writes the dev chain spec with 1-second slots to `dir/spec.json`.
pub fn fast_chain_spec(dir: &Path) -> PathBuf {
    let (ok, stdout, stderr) = run_cli(&["build-spec", "--chain", "dev"]);
    assert!(ok, "build-spec failed: {stderr}");
    let mut spec: serde_json::Value = serde_json::from_str(&stdout).expect("spec is JSON");
    spec["consensus"]["slotDurationMs"] = serde_json::json!(1000);
    let path = dir.join("spec.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).expect("serializes")).expect("writes");
    path
}

/// Starts a node on the 1-second dev chain with its database in `dir/base`, plus `extra` flags.
pub fn start_fast_node(dir: &Path, extra: &[&str]) -> TestNode {
    let spec = fast_chain_spec(dir);
    let base = dir.join("base");
    let mut args = vec![
        "--chain",
        spec.to_str().expect("utf8"),
        "--base-path",
        base.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    TestNode::start(&args)
}

/// A running node; killed when dropped.
pub struct TestNode {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub http_url: String,
    /// `ws://127.0.0.1:PORT`.
    pub ws_url: String,
    /// Everything the node logged so far.
    pub log: Arc<Mutex<String>>,
}

impl TestNode {
    /// Starts `wcme-node` with `args` (plus `--rpc-port 0`, `--no-mdns`, and `--port 0` unless
    /// `args` choose the peer-to-peer address) and waits for its RPC server.
    ///
    /// `--no-mdns`: tests run in parallel, many of them on chains with the same id (`dev`,
    /// `local`) and the same genesis, and nodes listen on all interfaces. With mDNS the nodes of
    /// different tests would find each other on the host's network and mix their chains, peers
    /// and votes. Tests connect their nodes with `--bootnodes`.
    pub fn start(args: &[&str]) -> TestNode {
        Self::start_with_env(args, &[])
    }

    /// [`TestNode::start`] with extra environment variables for the node process.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> TestNode {
        let p2p_chosen = args.iter().any(|a| *a == "--port" || *a == "--listen-addr");
        let p2p_port: &[&str] = if p2p_chosen { &[] } else { &["--port", "0"] };
        let mut child = Command::new(node_binary())
            .args(args)
            .args(["--rpc-port", "0", "--no-mdns"])
            .args(p2p_port)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wcme-node starts");
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
        let addr = match addr_rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "node did not start its RPC server:\n{}",
                    log.lock().expect("log")
                );
            }
        };
        TestNode {
            child,
            http_url: format!("http://{addr}"),
            ws_url: format!("ws://{addr}"),
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

    /// Kills the node with SIGKILL and waits for it.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let mut builder = jsonrpsee::core::params::ArrayParams::new();
    for param in params {
        builder.insert(param).expect("param serializes");
    }
    client.request(method, builder).await
}

/// The best block number.
pub async fn best_number(client: &HttpClient) -> u32 {
    let header: serde_json::Value = client
        .request("chain_getHeader", rpc_params![])
        .await
        .expect("header");
    let number = header["number"].as_str().expect("number is hex");
    u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("hex number")
}

/// Waits (bounded) until the best block is at least `number`.
pub async fn wait_for_block(client: &HttpClient, number: u32, timeout: Duration) -> u32 {
    let deadline = Instant::now() + timeout;
    loop {
        let best = best_number(client).await;
        if best >= number {
            return best;
        }
        assert!(
            Instant::now() < deadline,
            "block #{number} not reached in {timeout:?} (best #{best})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
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

/// `GET path` from the HTTP server at `addr` (`host:port`): the whole response, headers
/// included.
pub fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    response
}

/// What an extrinsic did on chain, from its block's events: a runtime's
/// `signing::extrinsic_outcome` (its events, or its dispatch error by name).
pub type Outcome = fn(events: &[u8], index: u32) -> Result<Vec<String>, String>;

/// Submits the encoded `extrinsic` to `rpc`'s node and waits (bounded) for a block of the best
/// chain to include it: what it did there, read through `outcome`.
pub async fn submit_and_watch(
    rpc: &HttpClient,
    extrinsic: &[u8],
    outcome: Outcome,
) -> Result<Vec<String>, String> {
    use codec::Decode;
    let start = best_number(rpc).await;
    let listed = format!("0x{}", hex::encode(extrinsic));
    // A block lists each extrinsic's encoding, with or without its length prefix.
    let mut unprefixed = extrinsic;
    let _ = codec::Compact::<u32>::decode(&mut unprefixed);
    let forms = [listed.clone(), format!("0x{}", hex::encode(unprefixed))];
    call::<serde_json::Value>(rpc, "author_submitExtrinsic", vec![listed.clone().into()])
        .await
        .expect("the pool takes the extrinsic");
    let events_key = {
        let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
        key.extend(sp_crypto_hashing::twox_128(b"Events"));
        format!("0x{}", hex::encode(key))
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut next = start.saturating_add(1);
    loop {
        while next <= best_number(rpc).await {
            let hash: serde_json::Value = call(rpc, "chain_getBlockHash", vec![next.into()])
                .await
                .expect("block hash");
            let block: serde_json::Value = call(rpc, "chain_getBlock", vec![hash.clone()])
                .await
                .expect("block");
            let found = block["block"]["extrinsics"]
                .as_array()
                .expect("extrinsics")
                .iter()
                .position(|included| forms.iter().any(|form| included == form.as_str()));
            if let Some(index) = found {
                let events: String = call(rpc, "state_getStorage", vec![events_key.into(), hash])
                    .await
                    .expect("System::Events");
                let events = hex::decode(events.trim_start_matches("0x")).expect("hex");
                return outcome(&events, u32::try_from(index).expect("index"));
            }
            next += 1;
        }
        assert!(
            Instant::now() < deadline,
            "the extrinsic was not included within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
