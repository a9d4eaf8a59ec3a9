//! The JSON-RPC server of a WCME node, speaking Substrate's API.
//!
//! It serves HTTP and WebSocket on one port (jsonrpsee) and implements Substrate's `system_*`,
//! `chain_*`, `state_*`, `author_*` and `payment_*` methods with their exact names, aliases,
//! parameter forms, JSON shapes and error codes, so @polkadot/api, polkadot.js apps and subxt
//! work against a WCME node unchanged. The node is reached only through the [`NodeBackend`]
//! trait, which the service implements and tests replace with a double; blocking backend calls
//! run on tokio's blocking pool. Further namespaces (`wcme_*`) are added by merging their
//! [`RpcModule`] into [`rpc_module`]'s before [`start_server_with_module`].
//!
//! ```no_run
//! # async fn run(backend: std::sync::Arc<dyn wcme_rpc::NodeBackend>) -> Result<(), wcme_rpc::RpcError> {
//! let mut module = wcme_rpc::rpc_module(backend)?;
//! module.merge(wcme_rpc::RpcModule::new(()))?; // e.g. a `wcme_*` namespace
//! let config = wcme_rpc::RpcConfig { cors: None, ..Default::default() };
//! let server = wcme_rpc::start_server_with_module(config, module).await?;
//! let _bound = server.local_addr();
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod backend;
pub mod cors;
pub mod error;
pub mod hex;
pub mod params;

mod author;
mod chain;
mod payment;
mod rate_limit;
mod server;
mod state;
mod subscription;
mod system;
mod task;

use std::sync::Arc;

pub use author::status_json;
pub use backend::{
    BackendError, Health, ImportedBlock, NodeBackend, PeerInfo, SubmitError, SystemInfo,
};
pub use cors::{CorsPolicy, default_cors};
pub use error::{
    AuthorError, ChainError, ParamError, PaymentError, RpcError, RuntimeApiError, StateError,
    SystemError, codes,
};
pub use jsonrpsee::RpcModule;
pub use params::{PositionalParams, register_positional};
pub use rate_limit::RATE_LIMITED;
pub use server::{RpcConfig, RpcHandle, start_server, start_server_with_module};
pub use state::{MAX_KEYS_PAGED, MAX_KEYS_UNPAGED, MAX_QUERY_KEYS, MAX_QUERY_RANGE};

/// Every Substrate namespace WCME serves (`system`, `chain`, `state`, `author`, `payment`)
/// over `backend`, without `rpc_methods` (added by [`with_rpc_methods`] once all modules are
/// merged).
pub fn rpc_module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    module.merge(system::module(backend.clone())?)?;
    module.merge(chain::module(backend.clone())?)?;
    module.merge(state::module(backend.clone())?)?;
    module.merge(author::module(backend.clone())?)?;
    module.merge(payment::module(backend)?)?;
    Ok(module)
}

/// Adds `rpc_methods`, answering `{"methods": [every name and alias, sorted], "version": 1}`.
pub fn with_rpc_methods(mut module: RpcModule<()>) -> Result<RpcModule<()>, RpcError> {
    let mut methods: Vec<&'static str> = module.method_names().collect();
    methods.push("rpc_methods");
    methods.sort_unstable();
    methods.dedup();
    let answer = serde_json::json!({ "methods": methods, "version": 1 });
    module.register_method("rpc_methods", move |_, _, _| answer.clone())?;
    Ok(module)
}
