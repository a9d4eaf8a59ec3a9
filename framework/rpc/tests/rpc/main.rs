//! End-to-end tests: a real server on 127.0.0.1:0 over the in-memory `MockChain`, driven by
//! jsonrpsee's WebSocket and HTTP clients and by raw HTTP where headers matter.

mod author;
mod chain;
mod mock;
mod server;
mod state;
mod system;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jsonrpsee::core::ClientError;
use jsonrpsee::core::client::{ClientT, Subscription, SubscriptionClientT};
use jsonrpsee::http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wcme_rpc::{RpcConfig, RpcHandle, start_server};

use mock::MockChain;

/// Upper bound for any single wait in these tests.
pub const WAIT: Duration = Duration::from_secs(10);

/// A running server over a mock chain.
pub struct Node {
    pub chain: Arc<MockChain>,
    pub server: RpcHandle,
}

impl Node {
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.server.local_addr())
    }

    pub fn http_url(&self) -> String {
        format!("http://{}", self.server.local_addr())
    }

    pub async fn ws(&self) -> WsClient {
        within(WsClientBuilder::default().build(self.ws_url()))
            .await
            .expect("ws client connects")
    }

    pub fn http(&self) -> HttpClient {
        HttpClientBuilder::default()
            .build(self.http_url())
            .expect("http client builds")
    }
}

/// Test configuration: a free port on localhost, otherwise the defaults.
pub fn config() -> RpcConfig {
    RpcConfig {
        addr: "127.0.0.1:0".parse().expect("valid address"),
        ..Default::default()
    }
}

pub async fn start() -> Node {
    start_with(config()).await
}

pub async fn start_with(config: RpcConfig) -> Node {
    let chain = MockChain::new();
    let server = start_server(config, chain.clone())
        .await
        .expect("server starts");
    Node { chain, server }
}

/// Awaits `f` for at most [`WAIT`].
pub async fn within<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(WAIT, f).await.expect("timed out")
}

/// Calls `method`; `Err` is the JSON-RPC error object (transport failures panic).
pub async fn call(
    client: &impl ClientT,
    method: &str,
    params: Vec<Value>,
) -> Result<Value, ErrorObjectOwned> {
    match within(client.request::<Value, _>(method, params)).await {
        Ok(v) => Ok(v),
        Err(ClientError::Call(e)) => Err(e),
        Err(other) => panic!("{method}: transport error {other}"),
    }
}

/// Calls `method` and expects success.
pub async fn ok(client: &impl ClientT, method: &str, params: Vec<Value>) -> Value {
    match call(client, method, params).await {
        Ok(v) => v,
        Err(e) => panic!("{method} failed: {e:?}"),
    }
}

/// Calls `method` and expects an error.
pub async fn err(client: &impl ClientT, method: &str, params: Vec<Value>) -> ErrorObjectOwned {
    match call(client, method, params).await {
        Ok(v) => panic!("{method} succeeded with {v}"),
        Err(e) => e,
    }
}

/// Subscribes; `Err` is the JSON-RPC error object.
pub async fn subscribe(
    client: &WsClient,
    method: &str,
    params: Vec<Value>,
    unsubscribe: &str,
) -> Result<Subscription<Value>, ErrorObjectOwned> {
    match within(client.subscribe::<Value, _>(method, params, unsubscribe)).await {
        Ok(s) => Ok(s),
        Err(ClientError::Call(e)) => Err(e),
        Err(other) => panic!("{method}: transport error {other}"),
    }
}

/// The next notification.
pub async fn next(sub: &mut Subscription<Value>) -> Value {
    within(sub.next())
        .await
        .expect("subscription open")
        .expect("valid JSON")
}

/// Asserts no notification arrives within a short while.
pub async fn nothing_within(sub: &mut Subscription<Value>, wait: Duration) {
    if let Ok(item) = tokio::time::timeout(wait, sub.next()).await {
        panic!("unexpected notification {item:?}");
    }
}

/// `0x`-hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

/// A raw HTTP/1.1 exchange: returns the status code, the headers (lowercased names) and the
/// body.
pub async fn raw_http(
    node: &Node,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = within(tokio::net::TcpStream::connect(node.server.local_addr()))
        .await
        .expect("connects");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n",
        node.server.local_addr()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    within(stream.write_all(request.as_bytes()))
        .await
        .expect("writes");
    let mut response = Vec::new();
    within(stream.read_to_end(&mut response))
        .await
        .expect("reads");
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// The value of header `name` in a raw response.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}
