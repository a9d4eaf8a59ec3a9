//! Composes a WCME node.
//!
//! [`NodeBuilder`] takes a [`NodeConfig`] and a compiled-in runtime and loads the node's parts as
//! WCME modules through a [`wcme_module::ModuleManager`]: `metrics`, `storage`, `chain` (executor,
//! consensus verification, block import), `txpool`, `authoring` and `rpc`. Each module offers its
//! part as a service the later ones look up, so a business can replace one module without
//! touching the others.

mod authoring;
mod builder;
mod chain_spec;
mod client;
mod config;
mod consensus;
mod equivocation;
mod finality;
mod metrics;
mod modules;
mod network;
mod pool;
mod rpc_backend;
mod runtime_api_rpc;

pub use builder::{Node, NodeBuilder, ServiceError, open_client};
pub use chain_spec::{
    ChainSpec, ChainSpecError, ChainType, ConsensusSpec, Genesis, RawGenesis, RuntimeGenesis,
};
pub use client::{
    BLOCK_EVENT_CAPACITY, BlockFinalized, BlockImported, BlockOrigin, Client, GenesisError,
    ImportError,
};
pub use config::NodeConfig;
pub use consensus::{EngineContext, EngineError, RuntimeSchedule, ValidatorSchedule, engine_for};
pub use equivocation::{EquivocationSeen, ReportError, submit_report};
pub use finality::{FinalityGadget, VoteVerdict, VoterSource};
pub use metrics::Metrics;
pub use modules::{RpcEndpoint, RpcExtension, network_id};
pub use network::{NetworkSettings, NetworkStatus, PeerStatus};
pub use pool::{ChainValidator, Pool};
pub use runtime_api_rpc::call_runtime_api;
pub use wcme_network;
pub use wcme_rpc::RpcConfig;
