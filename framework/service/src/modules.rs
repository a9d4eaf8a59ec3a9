//! The node's parts as WCME modules: each starts from the services of the ones before it.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use substrate_prometheus_endpoint::Registry;
use wcme_consensus::Clock;
use wcme_executor::{Executor, GenesisSource, RuntimeDescriptor};
use wcme_module::{Dependency, Module, ModuleContext, ModuleError, Version};
use wcme_rpc::{RpcConfig, RpcHandle, SystemInfo};
use wcme_storage::{ChainDb, DbConfig};
use wcme_txpool::{PoolOptions, TxPool};

use crate::{
    client::Client,
    metrics::Metrics,
    network::{NetworkSettings, NetworkStatus},
    pool::{ChainValidator, Pool},
    rpc_backend::RpcBackend,
};

const VERSION: Version = Version::new(0, 1, 0);

fn dep(name: &'static str) -> Dependency {
    Dependency {
        name,
        min_version: VERSION,
    }
}

fn failed(
    module: &'static str,
) -> impl FnOnce(Box<dyn std::error::Error + Send + Sync + 'static>) -> ModuleError {
    move |source| ModuleError::Module { module, source }
}

/// Where the RPC server listens, once the `rpc` module has started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RpcEndpoint(pub SocketAddr);

/// Registers the node's metrics and serves them over HTTP.
pub(crate) struct MetricsModule {
    pub(crate) addr: Option<SocketAddr>,
    pub(crate) registry: Registry,
}

impl Module for MetricsModule {
    fn name(&self) -> &'static str {
        "metrics"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let metrics = Metrics::register(&self.registry).map_err(|e| failed("metrics")(e.into()))?;
        ctx.provide(Arc::new(metrics))?;
        if let Some(addr) = self.addr {
            let registry = self.registry.clone();
            let mut shutdown = ctx.shutdown();
            ctx.spawn("prometheus", async move {
                tokio::select! {
                    _ = shutdown.wait() => {},
                    result = substrate_prometheus_endpoint::init_prometheus(addr, registry) => {
                        if let Err(error) = result {
                            tracing::error!(target: "metrics", %error, "Prometheus exporter stopped");
                        }
                    },
                }
            });
        }
        Ok(())
    }
}

/// Opens the chain database.
pub(crate) struct StorageModule {
    pub(crate) path: PathBuf,
}

impl Module for StorageModule {
    fn name(&self) -> &'static str {
        "storage"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        std::fs::create_dir_all(&self.path).map_err(|e| failed("storage")(e.into()))?;
        let db = ChainDb::open(&self.path, &DbConfig::default())
            .map_err(|e| failed("storage")(e.into()))?;
        tracing::info!(target: "wcme", "💾 Database: RocksDb at {}", self.path.display());
        ctx.provide(Arc::new(db))
    }
}

/// Executor, consensus verification and block import over the database.
pub(crate) struct ChainModule {
    pub(crate) runtime: RuntimeDescriptor,
    pub(crate) genesis: GenesisSource,
    pub(crate) consensus: crate::chain_spec::ConsensusSpec,
    pub(crate) keys: Vec<sp_core::sr25519::Pair>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Module for ChainModule {
    fn name(&self) -> &'static str {
        "chain"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![dep("storage"), dep("metrics")]
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let db = ctx.services().require::<ChainDb>()?;
        let metrics = ctx.services().get::<Metrics>().map(|m| (*m).clone());
        let executor = Executor::new(self.runtime, db);
        let client = Client::new(
            executor,
            |executor, genesis| {
                crate::consensus::engine_for(
                    &self.consensus,
                    crate::consensus::EngineContext {
                        keys: &self.keys,
                        executor,
                        genesis,
                        equivocations: Arc::new(crate::equivocation::BusSink(ctx.events().clone())),
                        clock: self.clock.clone(),
                    },
                )
            },
            self.clock.clone(),
            &self.genesis,
            metrics,
            ctx.events().clone(),
        )
        .map_err(|e| failed("chain")(e.into()))?;
        let info = client.info();
        tracing::info!(
            target: "wcme",
            "📦 Best block: #{} ({:?}), finalized #{}",
            info.best.0,
            info.best.1,
            info.finalized.0
        );
        ctx.provide(Arc::new(client))
    }
}

/// The transaction pool, kept in step with the chain.
pub(crate) struct TxPoolModule {
    pub(crate) options: PoolOptions,
}

impl Module for TxPoolModule {
    fn name(&self) -> &'static str {
        "txpool"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![dep("chain")]
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let client = ctx.services().require::<Client>()?;
        let metrics = ctx.services().get::<Metrics>().map(|m| (*m).clone());
        let pool: Arc<Pool> = Arc::new(TxPool::new(
            Arc::new(ChainValidator::new(client.clone())),
            self.options,
        ));
        ctx.provide(pool.clone())?;
        let shutdown = ctx.shutdown();
        ctx.spawn(
            "txpool-maintenance",
            crate::pool::maintain(client, pool, metrics, shutdown),
        );
        Ok(())
    }
}

/// Authors blocks in the slots this node owns.
pub(crate) struct AuthoringModule;

impl Module for AuthoringModule {
    fn name(&self) -> &'static str {
        "authoring"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![dep("chain"), dep("txpool")]
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let client = ctx.services().require::<Client>()?;
        let pool = ctx.services().require::<Pool>()?;
        tracing::info!(
            target: "wcme",
            "👶 Authoring with the {} engine, slot {} ms",
            client.engine().name(),
            client.engine().slot_duration().as_millis()
        );
        // Leave a third of the slot for sealing, import and propagation.
        let proposal_time = client.engine().slot_duration().saturating_mul(2) / 3;
        let shutdown = ctx.shutdown();
        ctx.spawn(
            "authoring",
            crate::authoring::run(client, pool, proposal_time, shutdown),
        );
        Ok(())
    }
}

/// The JSON-RPC server.
pub(crate) struct RpcServerModule {
    pub(crate) config: RpcConfig,
    pub(crate) system: SystemInfo,
    pub(crate) should_have_peers: bool,
    pub(crate) extensions: Vec<RpcExtension>,
    pub(crate) handle: Option<RpcHandle>,
}

/// Builds extra JSON-RPC methods over the chain — a runtime's `wcme_*` namespace, a business
/// API — served next to the Substrate namespaces.
pub type RpcExtension = fn(&Arc<Client>) -> Result<wcme_rpc::RpcModule<()>, wcme_rpc::RpcError>;

impl Module for RpcServerModule {
    fn name(&self) -> &'static str {
        "rpc"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![dep("chain"), dep("txpool")]
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let client = ctx.services().require::<Client>()?;
        let pool = ctx.services().require::<Pool>()?;
        let runtime = ctx.runtime().clone();
        let network = ctx.services().get::<NetworkStatus>();
        let backend = RpcBackend::new(
            client.clone(),
            pool,
            self.system.clone(),
            self.should_have_peers,
            network,
            &runtime,
        );
        let mut methods = wcme_rpc::rpc_module(backend).map_err(|e| failed("rpc")(e.into()))?;
        for extension in &self.extensions {
            let extra = extension(&client).map_err(|e| failed("rpc")(e.into()))?;
            methods.merge(extra).map_err(|e| failed("rpc")(e.into()))?;
        }
        let starting = wcme_rpc::start_server_with_module(self.config.clone(), methods);
        // `start` is synchronous; the server binds before it returns so a taken port is a start
        // error, not a log line.
        let handle = if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::block_in_place(|| runtime.block_on(starting))
        } else {
            runtime.block_on(starting)
        }
        .map_err(|e| failed("rpc")(e.into()))?;
        ctx.provide(Arc::new(RpcEndpoint(handle.local_addr())))?;
        // Shutdown joins the module's tasks: waiting here for the server's own task means a
        // stopped node answers no request, not even on a kept-alive connection.
        ctx.spawn("rpc-server", handle.stopped());
        self.handle = Some(handle);
        Ok(())
    }
    fn stop(&mut self) -> Result<(), ModuleError> {
        if let Some(handle) = self.handle.take() {
            handle.stop();
        }
        Ok(())
    }
}

/// The finality gadget: votes with this node's keys, finalizes blocks with justifications.
pub(crate) struct FinalityModule {
    pub(crate) source: crate::finality::VoterSource,
    pub(crate) keys: Vec<sp_core::sr25519::Pair>,
}

impl Module for FinalityModule {
    fn name(&self) -> &'static str {
        "finality"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        vec![dep("chain"), dep("txpool")]
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let client = ctx.services().require::<Client>()?;
        let pool = ctx.services().require::<Pool>()?;
        // Subscribed before any block is imported or vote counted, so no evidence is missed.
        let seen = ctx
            .events()
            .subscribe::<crate::equivocation::EquivocationSeen>();
        ctx.spawn(
            "equivocation-reporter",
            crate::equivocation::run(client.clone(), pool, seen, ctx.shutdown()),
        );
        let gadget = Arc::new(
            crate::finality::FinalityGadget::new(
                client,
                self.source,
                self.keys.clone(),
                Arc::new(crate::equivocation::BusSink(ctx.events().clone())),
            )
            .map_err(|error| failed("finality")(Box::new(error)))?,
        );
        ctx.provide(gadget.clone())?;
        let shutdown = ctx.shutdown();
        ctx.spawn("finality", crate::finality::run(gadget, shutdown));
        Ok(())
    }
}

/// Peer-to-peer networking: block gossip, block-range sync, peers for RPC.
pub(crate) struct NetworkModule {
    pub(crate) settings: NetworkSettings,
    pub(crate) chain_id: String,
    /// Whether a finality gadget runs (its votes travel over the network).
    pub(crate) finality: bool,
    /// The role announced to peers: authority when the node has authoring keys.
    pub(crate) role: wcme_network::Role,
}

impl Module for NetworkModule {
    fn name(&self) -> &'static str {
        "network"
    }
    fn version(&self) -> Version {
        VERSION
    }
    fn dependencies(&self) -> Vec<Dependency> {
        let mut dependencies = vec![dep("chain"), dep("txpool")];
        if self.finality {
            dependencies.push(dep("finality"));
        }
        dependencies
    }
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let client = ctx.services().require::<Client>()?;
        let finality = ctx.services().get::<crate::finality::FinalityGadget>();
        let db = ctx.services().require::<ChainDb>()?;
        let pool = ctx.services().require::<Pool>()?;
        // The genesis hash is part of every protocol name, as in Substrate: nodes of two chains
        // that share a spec id but not a genesis (say two builds of `dev`) never mix.
        let network_id = network_id(&self.chain_id, &client.info().genesis);
        let config = self.settings.network_config(&network_id, self.role);
        let runtime = ctx.runtime().clone();
        let (network, events) = wcme_network::NetworkService::start(
            config,
            Arc::new(crate::network::ChainBlocks(db)),
            runtime,
        )
        .map_err(|e| failed("network")(e.into()))?;
        let (status, outgoing) = NetworkStatus::new();
        let status = Arc::new(status);
        ctx.provide(status.clone())?;
        let shutdown = ctx.shutdown();
        let running = crate::network::Running {
            client,
            pool,
            network,
            events,
            status,
            outgoing,
            finality,
        };
        ctx.spawn("network", crate::network::run(running, shutdown));
        Ok(())
    }
}

/// The id a chain's protocol names carry: its spec id and the first four bytes of its genesis
/// hash in hex, e.g. `local_testnet-1a2b3c4d`.
pub fn network_id(chain_id: &str, genesis: &wcme_primitives::Hash) -> String {
    let prefix = genesis.as_bytes().get(..4).unwrap_or_default();
    format!("{chain_id}-{}", hex::encode(prefix))
}
