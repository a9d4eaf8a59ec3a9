//! The server itself: limits, CORS, `/health`, rate limit, batches, stop, logging.

use std::io::Write;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonrpsee::core::client::ClientT;
use jsonrpsee::ws_client::WsClientBuilder;
use serde_json::{Value, json};
use wcme_rpc::{RpcConfig, RpcError, start_server};

use crate::mock::MockChain;
use crate::{Node, config, err, header, ok, raw_http, start, start_with, subscribe, within};

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn body(method: &str) -> String {
    json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": [] }).to_string()
}

#[tokio::test]
async fn oversized_requests_are_refused_and_the_server_keeps_serving() {
    let node = start_with(RpcConfig {
        max_request_size: 1000,
        ..config()
    })
    .await;
    let big = json!({
        "jsonrpc": "2.0", "id": 1, "method": "state_getStorage",
        "params": [format!("0x{}", "00".repeat(1000))],
    })
    .to_string();
    let (status, _, _) = raw_http(&node, "POST", "/", &[JSON], &big).await;
    assert_eq!(status, 413);

    let http = node.http();
    let result = within(http.request::<Value, _>(
        "state_getStorage",
        vec![json!(format!("0x{}", "00".repeat(1000)))],
    ))
    .await;
    assert!(result.is_err(), "{result:?}");

    assert_eq!(ok(&http, "system_name", vec![]).await, json!("WCME Node"));
    let ws = node.ws().await;
    assert_eq!(ok(&ws, "system_name", vec![]).await, json!("WCME Node"));
}

#[tokio::test]
async fn oversized_responses_become_errors() {
    let node = start_with(RpcConfig {
        max_response_size: 200,
        ..config()
    })
    .await;
    let c = node.ws().await;
    let e = err(&c, "rpc_methods", vec![]).await;
    assert_eq!(e.code(), -32008);
    assert_eq!(ok(&c, "system_chain", vec![]).await, json!("Development"));
}

#[tokio::test]
async fn subscriptions_per_connection_are_limited() {
    let node = start_with(RpcConfig {
        max_subscriptions_per_connection: 2,
        ..config()
    })
    .await;
    let c = node.ws().await;
    let _a = subscribe(
        &c,
        "chain_subscribeNewHeads",
        vec![],
        "chain_unsubscribeNewHeads",
    )
    .await
    .expect("first");
    let _b = subscribe(
        &c,
        "chain_subscribeAllHeads",
        vec![],
        "chain_unsubscribeAllHeads",
    )
    .await
    .expect("second");
    let third = subscribe(
        &c,
        "chain_subscribeFinalizedHeads",
        vec![],
        "chain_unsubscribeFinalizedHeads",
    )
    .await;
    assert!(third.is_err(), "third subscription accepted");
    // Another connection has its own budget.
    let other = node.ws().await;
    subscribe(
        &other,
        "chain_subscribeFinalizedHeads",
        vec![],
        "chain_unsubscribeFinalizedHeads",
    )
    .await
    .expect("other connection subscribes");
}

#[tokio::test]
async fn connections_are_limited() {
    let node = start_with(RpcConfig {
        max_connections: 1,
        ..config()
    })
    .await;
    let first = node.ws().await;
    let second = within(WsClientBuilder::default().build(node.ws_url())).await;
    assert!(second.is_err(), "second connection accepted");
    assert_eq!(
        ok(&first, "system_chain", vec![]).await,
        json!("Development")
    );
}

#[tokio::test]
async fn default_cors_allows_local_pages_and_refuses_others() {
    let node = start().await;
    let (status, headers, body_text) = raw_http(
        &node,
        "POST",
        "/",
        &[JSON, ("Origin", "http://localhost:3000")],
        &body("system_chain"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert!(body_text.contains("Development"), "{body_text}");

    let (status, headers, _) = raw_http(
        &node,
        "POST",
        "/",
        &[JSON, ("Origin", "https://polkadot.js.org")],
        &body("system_chain"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("https://polkadot.js.org")
    );

    let (status, _, _) = raw_http(
        &node,
        "POST",
        "/",
        &[JSON, ("Origin", "https://evil.example")],
        &body("system_chain"),
    )
    .await;
    assert_eq!(status, 403);

    let (status, headers, _) = raw_http(&node, "POST", "/", &[JSON], &body("system_chain")).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);

    let (status, headers, _) = raw_http(
        &node,
        "OPTIONS",
        "/",
        &[
            ("Origin", "http://127.0.0.1:8080"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        "",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    assert!(header(&headers, "access-control-allow-methods").is_some_and(|m| m.contains("POST")));
    assert_eq!(
        header(&headers, "access-control-allow-headers"),
        Some("content-type")
    );

    // Browsers do not apply CORS to WebSockets, so the server checks the origin itself.
    let mut evil = http::HeaderMap::new();
    evil.insert(
        "Origin",
        http::HeaderValue::from_static("https://evil.example"),
    );
    let refused = within(
        WsClientBuilder::default()
            .set_headers(evil)
            .build(node.ws_url()),
    )
    .await;
    assert!(
        refused.is_err(),
        "websocket from a disallowed origin accepted"
    );
    let mut local = http::HeaderMap::new();
    local.insert(
        "Origin",
        http::HeaderValue::from_static("http://localhost:8000"),
    );
    let accepted = within(
        WsClientBuilder::default()
            .set_headers(local)
            .build(node.ws_url()),
    )
    .await
    .expect("websocket from a local page accepted");
    assert_eq!(
        ok(&accepted, "system_chain", vec![]).await,
        json!("Development")
    );
}

#[tokio::test]
async fn cors_all_allows_any_origin() {
    let node = start_with(RpcConfig {
        cors: None,
        ..config()
    })
    .await;
    let (status, headers, _) = raw_http(
        &node,
        "POST",
        "/",
        &[JSON, ("Origin", "https://evil.example")],
        &body("system_chain"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));

    let node = start_with(RpcConfig {
        cors: Some(vec!["all".into()]),
        ..config()
    })
    .await;
    let (status, _, _) = raw_http(
        &node,
        "POST",
        "/",
        &[JSON, ("Origin", "https://evil.example")],
        &body("system_chain"),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn bad_configuration_is_reported() {
    let chain = MockChain::new();
    let bad = RpcConfig {
        cors: Some(vec!["localhost:3000".into()]),
        ..config()
    };
    let result = start_server(bad, chain.clone()).await;
    assert!(
        matches!(result, Err(RpcError::InvalidCorsOrigin(_))),
        "{result:?}"
    );

    let first = start_server(config(), chain.clone())
        .await
        .expect("first binds");
    let taken = RpcConfig {
        addr: first.local_addr(),
        ..config()
    };
    let result = start_server(taken, chain).await;
    assert!(matches!(result, Err(RpcError::Bind { .. })), "{result:?}");
}

#[tokio::test]
async fn health_endpoint_and_batches_and_named_params() {
    let node = start().await;
    let (status, _, text) = raw_http(&node, "GET", "/health", &[], "").await;
    assert_eq!(status, 200);
    assert!(text.contains("\"isSyncing\":false"), "{text}");

    let batch = json!([
        { "jsonrpc": "2.0", "id": 1, "method": "system_chain", "params": [] },
        { "jsonrpc": "2.0", "id": 2, "method": "chain_getBlockHash", "params": [0] },
    ])
    .to_string();
    let (status, _, text) = raw_http(&node, "POST", "/", &[JSON], &batch).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("Development") && text.contains("\"id\":2"),
        "{text}"
    );

    let named = json!({
        "jsonrpc": "2.0", "id": 1, "method": "state_getStorage", "params": { "key": "0x01" },
    })
    .to_string();
    let (_, _, text) = raw_http(&node, "POST", "/", &[JSON], &named).await;
    assert!(
        text.contains("-32602") && text.contains("named parameters"),
        "{text}"
    );
}

#[tokio::test]
async fn rate_limit_applies_per_connection() {
    let limit = NonZeroU32::new(3).expect("non-zero");
    let node = start_with(RpcConfig {
        rate_limit_per_minute: Some(limit),
        ..config()
    })
    .await;
    let c = node.ws().await;
    for _ in 0..3 {
        ok(&c, "system_chain", vec![]).await;
    }
    let e = err(&c, "system_chain", vec![]).await;
    assert_eq!(e.code(), -32999);
    assert_eq!(e.message(), "RPC rate limit exceeded");
    let other = node.ws().await;
    ok(&other, "system_chain", vec![]).await;
}

#[tokio::test]
async fn stop_closes_the_server() {
    let node = start().await;
    let c = node.ws().await;
    ok(&c, "system_chain", vec![]).await;
    let addr = node.server.local_addr();
    assert!(!node.server.is_stopped());
    node.server.stop();
    node.server.stop();
    let Node { server, .. } = node;
    within(server.stopped()).await;
    let again =
        tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(addr)).await;
    assert!(!matches!(again, Ok(Ok(_))), "still accepting connections");
    let after = within(c.request::<Value, _>("system_chain", Vec::<Value>::new())).await;
    assert!(after.is_err(), "{after:?}");
}

/// Collects log output.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn logs_the_bound_address_like_substrate() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let addr = runtime.block_on(async {
        let node = start().await;
        node.server.local_addr()
    });
    let text = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf8");
    let line = text
        .lines()
        .find(|l| l.contains("Running JSON-RPC server"))
        .unwrap_or_else(|| panic!("no start line in {text}"));
    assert!(line.contains(" INFO rpc: "), "{line}");
    assert!(
        line.ends_with(&format!("Running JSON-RPC server: addr={addr}")),
        "{line}"
    );
}
