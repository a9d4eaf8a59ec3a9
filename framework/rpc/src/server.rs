//! The server: HTTP and WebSocket on one port, with Substrate's limits and CORS policy.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jsonrpsee::RpcModule;
use jsonrpsee::server::middleware::http::ProxyGetRequestLayer;
use jsonrpsee::server::middleware::rpc::RpcServiceBuilder;
use jsonrpsee::server::{PingConfig, RandomStringIdProvider, Server, ServerConfig, ServerHandle};

use crate::backend::NodeBackend;
use crate::cors::{CorsLayer, CorsPolicy, default_cors};
use crate::error::RpcError;
use crate::rate_limit::RateLimitLayer;
use crate::{rpc_module, with_rpc_methods};

const MIB: u32 = 1024 * 1024;

/// How the server listens and what it allows. [`Default`] gives Substrate's defaults on
/// `127.0.0.1:9944`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcConfig {
    /// Address to listen on, for HTTP and WebSocket alike. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// Browser origins allowed to call the server: `None` (or an entry `"all"`/`"*"`) allows
    /// any; otherwise origins like `https://polkadot.js.org` or `http://localhost:*` (any port).
    /// Requests without an `Origin` header are always served.
    pub cors: Option<Vec<String>>,
    /// Most simultaneous connections (HTTP and WebSocket).
    pub max_connections: u32,
    /// Largest request body in bytes; larger ones are refused (HTTP 413 / JSON-RPC -32007).
    pub max_request_size: u32,
    /// Largest response in bytes; larger ones become a JSON-RPC -32008 error.
    pub max_response_size: u32,
    /// Most active subscriptions on one WebSocket connection.
    pub max_subscriptions_per_connection: u32,
    /// Notifications buffered per connection before a slow client makes them wait.
    pub message_buffer_capacity: u32,
    /// Calls allowed per minute on one connection; `None` for no limit. Calls above it are
    /// answered with `-32999 RPC rate limit exceeded`.
    pub rate_limit_per_minute: Option<NonZeroU32>,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 9944)),
            cors: Some(default_cors()),
            max_connections: 100,
            max_request_size: 15 * MIB,
            max_response_size: 15 * MIB,
            max_subscriptions_per_connection: 1024,
            message_buffer_capacity: 64,
            rate_limit_per_minute: None,
        }
    }
}

/// A running server. Dropping it stops the server, like calling [`RpcHandle::stop`].
#[derive(Debug)]
pub struct RpcHandle {
    handle: ServerHandle,
    local_addr: SocketAddr,
    stop_requested: AtomicBool,
}

impl RpcHandle {
    /// The address the server is bound to (with the real port when port 0 was requested).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Asks the server to stop accepting connections and close the open ones. Idempotent.
    pub fn stop(&self) {
        if !self.stop_requested.swap(true, Ordering::SeqCst) {
            tracing::info!(target: "rpc", addr = %self.local_addr, "Stopping JSON-RPC server");
        }
        // Fails only when the server has already stopped.
        let _already_stopped = self.handle.stop();
    }

    /// Whether the server has stopped: it accepts nothing and all its connections are closed.
    pub fn is_stopped(&self) -> bool {
        self.handle.is_stopped()
    }

    /// Resolves once the server has stopped (after [`RpcHandle::stop`]); independent of this
    /// handle, so it can be awaited by another task.
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static {
        let handle = self.handle.clone();
        async move { handle.stopped().await }
    }
}

/// Starts the server with the Substrate namespaces over `backend` (see [`rpc_module`]).
pub async fn start_server(
    config: RpcConfig,
    backend: Arc<dyn NodeBackend>,
) -> Result<RpcHandle, RpcError> {
    start_server_with_module(config, rpc_module(backend)?).await
}

/// Starts the server with any set of methods, e.g. [`rpc_module`] merged with `wcme_*`
/// namespaces. `rpc_methods` is added here so that it lists every method of `module`.
pub async fn start_server_with_module(
    config: RpcConfig,
    module: RpcModule<()>,
) -> Result<RpcHandle, RpcError> {
    let module = with_rpc_methods(module)?;
    let cors = CorsPolicy::from_config(config.cors.as_deref())?;

    let server_config = ServerConfig::builder()
        .max_connections(config.max_connections)
        .max_request_body_size(config.max_request_size)
        .max_response_body_size(config.max_response_size)
        .max_subscriptions_per_connection(config.max_subscriptions_per_connection)
        .set_message_buffer_capacity(config.message_buffer_capacity)
        .enable_ws_ping(
            PingConfig::new()
                .ping_interval(Duration::from_secs(30))
                .inactive_limit(Duration::from_secs(60))
                .max_failures(3),
        )
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();

    // `GET /health` answers `system_health`, as on Substrate nodes.
    let health = ProxyGetRequestLayer::new([("/health", "system_health")])
        .map_err(|e| RpcError::Middleware(e.to_string()))?;
    let http_middleware = tower::ServiceBuilder::new()
        .layer(CorsLayer::new(cors.clone()))
        .layer(health);
    let rpc_middleware = RpcServiceBuilder::new()
        .option_layer(config.rate_limit_per_minute.map(RateLimitLayer::per_minute));

    let server = Server::builder()
        .set_config(server_config)
        .set_http_middleware(http_middleware)
        .set_rpc_middleware(rpc_middleware)
        .build(config.addr)
        .await
        .map_err(|source| RpcError::Bind {
            addr: config.addr,
            source,
        })?;
    let local_addr = server.local_addr().map_err(RpcError::LocalAddr)?;
    let handle = server.start(module);

    tracing::info!(target: "rpc", "Running JSON-RPC server: addr={local_addr}");
    tracing::debug!(
        target: "rpc",
        allowed_origins = %cors,
        max_connections = config.max_connections,
        max_request_size = config.max_request_size,
        max_response_size = config.max_response_size,
        max_subscriptions_per_connection = config.max_subscriptions_per_connection,
        rate_limit_per_minute = ?config.rate_limit_per_minute,
        "JSON-RPC server limits",
    );
    Ok(RpcHandle {
        handle,
        local_addr,
        stop_requested: AtomicBool::new(false),
    })
}
