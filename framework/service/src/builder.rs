//! `NodeBuilder`: from a config and a runtime to a running node.

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use sp_core::sr25519;
use wcme_consensus::{Clock, SystemClock};
use wcme_executor::{Executor, RuntimeDescriptor};
use wcme_module::{Module, ModuleError, ModuleManager};
use wcme_rpc::SystemInfo;
use wcme_storage::{ChainDb, DbConfig};

use crate::{
    chain_spec::{ChainSpec, ChainSpecError},
    client::{Client, GenesisError},
    config::NodeConfig,
    consensus::{EngineContext, EngineError, engine_for},
    modules::{
        AuthoringModule, ChainModule, FinalityModule, MetricsModule, NetworkModule, RpcEndpoint,
        RpcExtension, RpcServerModule, StorageModule, TxPoolModule,
    },
    pool::Pool,
};

/// Why a node could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The chain spec is unusable.
    #[error(transparent)]
    ChainSpec(#[from] ChainSpecError),
    /// A module failed.
    #[error(transparent)]
    Module(#[from] ModuleError),
    /// Opening the chain failed.
    #[error(transparent)]
    Genesis(#[from] GenesisError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] wcme_storage::StorageError),
    /// The consensus engine cannot run.
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Opens the chain of `spec` in `database_path` without starting a node (for `import-blocks`,
/// `export-blocks` and benchmarks); its engine seals with whichever of `keys` the chain
/// schedules.
pub fn open_client(
    spec: &ChainSpec,
    database_path: &Path,
    runtime: RuntimeDescriptor,
    keys: &[sr25519::Pair],
) -> Result<Arc<Client>, ServiceError> {
    std::fs::create_dir_all(database_path).map_err(|e| {
        ServiceError::Module(ModuleError::Module {
            module: "storage",
            source: e.into(),
        })
    })?;
    let db = Arc::new(ChainDb::open(database_path, &DbConfig::default())?);
    let client = Client::new(
        Executor::new(runtime, db),
        |executor, genesis| {
            engine_for(
                &spec.consensus,
                EngineContext {
                    keys,
                    executor,
                    genesis,
                    equivocations: Arc::new(()),
                    clock: Arc::new(SystemClock),
                },
            )
        },
        Arc::new(SystemClock),
        &spec.genesis_source()?,
        None,
        wcme_module::EventBus::new(crate::client::BLOCK_EVENT_CAPACITY),
    )?;
    Ok(Arc::new(client))
}

/// Composes a node from modules.
pub struct NodeBuilder {
    config: NodeConfig,
    runtime: RuntimeDescriptor,
    clock: Arc<dyn Clock>,
    extra_modules: Vec<Box<dyn Module>>,
    rpc_extensions: Vec<RpcExtension>,
}

impl NodeBuilder {
    /// A node for `config` running `runtime`.
    pub fn new(config: NodeConfig, runtime: RuntimeDescriptor) -> Self {
        Self {
            config,
            runtime,
            clock: Arc::new(SystemClock),
            extra_modules: Vec::new(),
            rpc_extensions: Vec::new(),
        }
    }

    /// Replaces the wall clock (tests drive slots with their own).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Adds a module of the business (it may depend on `chain`, `txpool`, `rpc`, …).
    pub fn with_module(mut self, module: Box<dyn Module>) -> Self {
        self.extra_modules.push(module);
        self
    }

    /// Serves extra JSON-RPC methods next to the Substrate namespaces.
    pub fn with_rpc(mut self, extension: RpcExtension) -> Self {
        self.rpc_extensions.push(extension);
        self
    }

    /// Loads and starts every module on `runtime`. Call it outside async code or from a
    /// multi-threaded tokio runtime.
    pub fn start(self, runtime: tokio::runtime::Handle) -> Result<Node, ServiceError> {
        let config = self.config;
        let spec = &config.chain_spec;
        tracing::info!(target: "wcme", "{}", config.impl_name);
        tracing::info!(target: "wcme", "✌️  version {}", config.impl_version);
        tracing::info!(target: "wcme", "📋 Chain specification: {}", spec.name);
        tracing::info!(target: "wcme", "🏷  Node name: {}", config.name);
        let authoring = !config.authoring_keys.is_empty();

        let mut manager = ModuleManager::new(runtime);
        manager.register(Box::new(MetricsModule {
            addr: config.prometheus,
            registry: substrate_prometheus_endpoint::Registry::new_custom(None, None).map_err(
                |e| ModuleError::Module {
                    module: "metrics",
                    source: e.into(),
                },
            )?,
        }))?;
        manager.register(Box::new(StorageModule {
            path: config.database_path.clone(),
        }))?;
        manager.register(Box::new(ChainModule {
            runtime: self.runtime,
            genesis: spec.genesis_source()?,
            consensus: spec.consensus.clone(),
            keys: config.authoring_keys.clone(),
            clock: self.clock,
        }))?;
        manager.register(Box::new(TxPoolModule {
            options: Default::default(),
        }))?;
        if authoring {
            manager.register(Box::new(AuthoringModule))?;
        }
        // POC, Aura and PBFT vote; dev blocks are final on import and PoW's by depth.
        let voters = crate::finality::VoterSource::for_engine(&spec.consensus);
        let finality = voters.is_some();
        if let Some(source) = voters {
            manager.register(Box::new(FinalityModule {
                source,
                keys: config.authoring_keys.clone(),
            }))?;
        }
        if let Some(settings) = config.network.clone() {
            manager.register(Box::new(NetworkModule {
                settings,
                chain_id: spec.id.clone(),
                finality,
                role: if authoring {
                    wcme_network::Role::Authority
                } else {
                    wcme_network::Role::Full
                },
            }))?;
        }
        if let Some(rpc) = config.rpc.clone() {
            manager.register(Box::new(RpcServerModule {
                config: rpc,
                system: SystemInfo {
                    impl_name: config.impl_name.clone(),
                    impl_version: config.impl_version.clone(),
                    chain_name: spec.name.clone(),
                    chain_type: spec.chain_type.name(),
                    properties: spec.properties.clone(),
                },
                should_have_peers: spec.chain_type != crate::chain_spec::ChainType::Development,
                extensions: if finality {
                    std::iter::once(crate::finality::justification_rpc as RpcExtension)
                        .chain(self.rpc_extensions)
                        .collect()
                } else {
                    self.rpc_extensions
                },
                handle: None,
            }))?;
        }
        for module in self.extra_modules {
            manager.register(module)?;
        }
        manager.start_all()?;
        let client = manager.services().require::<Client>()?;
        let pool = manager.services().require::<Pool>()?;
        let rpc_addr = manager
            .services()
            .get::<RpcEndpoint>()
            .map(|endpoint| endpoint.0);
        Ok(Node {
            manager,
            client,
            pool,
            rpc_addr,
        })
    }
}

/// A running node.
pub struct Node {
    manager: ModuleManager,
    client: Arc<Client>,
    pool: Arc<Pool>,
    rpc_addr: Option<SocketAddr>,
}

impl Node {
    /// The chain client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// The transaction pool.
    pub fn pool(&self) -> &Arc<Pool> {
        &self.pool
    }

    /// Where the RPC server listens, if it runs.
    pub fn rpc_addr(&self) -> Option<SocketAddr> {
        self.rpc_addr
    }

    /// Names of the started modules, in start order.
    pub fn modules(&self) -> Vec<&'static str> {
        self.manager.started()
    }

    /// Stops every module in reverse start order.
    pub async fn stop(mut self) -> Result<(), ServiceError> {
        let errors = self.manager.shutdown(Duration::from_secs(5)).await;
        match errors.into_iter().next() {
            Some(error) => Err(error.into()),
            None => Ok(()),
        }
    }
}
