//! The relayer as a WCME module: `wcme-node relay` runs it on its own, and a node binary can load
//! it next to its other modules (`NodeSpec::extra_modules`) to relay in-process.

use sp_core::sr25519;
use wcme_module::{Module, ModuleContext, ModuleError, Version};

use crate::{
    RelayError, RelayMetrics, RelaySigners, Relayer, RelayerConfig,
    rpc::{RpcMainChain, RpcSubchain},
};

/// Module name.
pub const NAME: &str = "relay";

/// What the relay module connects to and signs with.
pub struct RelaySettings {
    /// A main-chain node's JSON-RPC endpoint.
    pub main_url: String,
    /// A subchain node's JSON-RPC endpoint.
    pub subchain_url: String,
    /// The relayer's key on both chains: signs submissions, pays their fees.
    pub key: sr25519::Pair,
    /// Build the signed extrinsics for the main and the subchain runtime.
    pub signers: RelaySigners,
    /// Subchain, batch size, timings.
    pub config: RelayerConfig,
    /// Prometheus metrics, if exported.
    pub metrics: Option<RelayMetrics>,
}

/// Relays one subchain, both ways, while the module runs. The chains are connected to in the
/// background (retrying every poll interval until they answer), so a relayer started with its
/// nodes does not fail for starting first; a fatal relay error
/// ([`crate::RelayError::is_fatal`]) ends the module's task and is logged.
pub struct RelayModule {
    settings: Option<RelaySettings>,
    done: Option<tokio::sync::oneshot::Sender<Result<(), crate::RelayError>>>,
}

impl RelayModule {
    /// The module for `settings`.
    pub fn new(settings: RelaySettings) -> Self {
        Self {
            settings: Some(settings),
            done: None,
        }
    }

    /// The module for `settings`, and a receiver of how its relaying ended: `Ok` when the module
    /// stopped, the fatal error otherwise.
    pub fn with_outcome(
        settings: RelaySettings,
    ) -> (
        Self,
        tokio::sync::oneshot::Receiver<Result<(), crate::RelayError>>,
    ) {
        let (done, outcome) = tokio::sync::oneshot::channel();
        (
            Self {
                settings: Some(settings),
                done: Some(done),
            },
            outcome,
        )
    }
}

impl Module for RelayModule {
    fn name(&self) -> &'static str {
        NAME
    }

    fn version(&self) -> Version {
        Version::new(0, 1, 0)
    }

    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError> {
        let settings = self
            .settings
            .take()
            .ok_or_else(|| ModuleError::module(NAME, "the relay module was started twice"))?;
        // A malformed URL is a configuration error: refuse to start.
        crate::rpc::connect("main", &settings.main_url)
            .and_then(|_| crate::rpc::connect("subchain", &settings.subchain_url))
            .map_err(|e| ModuleError::module(NAME, e))?;
        let mut shutdown = ctx.shutdown();
        let done = self.done.take();
        ctx.spawn(NAME, async move {
            let subchain = settings.config.subchain;
            tracing::info!(
                target: "relay",
                subchain,
                "Relaying subchain {subchain} between {} and {}",
                settings.subchain_url,
                settings.main_url
            );
            let connected = loop {
                let both = async {
                    let main = RpcMainChain::connect(
                        &settings.main_url,
                        settings.key.clone(),
                        settings.signers,
                    )
                    .await?;
                    let source = RpcSubchain::connect(
                        &settings.subchain_url,
                        settings.key.clone(),
                        settings.signers,
                    )
                    .await?;
                    Ok::<_, RelayError>((source, main))
                };
                match both.await {
                    Ok(connected) => break connected,
                    Err(error) => {
                        tracing::warn!(target: "relay", %error, "A chain is not reachable; retrying");
                        tokio::select! {
                            _ = shutdown.wait() => {
                                if let Some(done) = done {
                                    let _ = done.send(Ok(()));
                                }
                                return;
                            }
                            _ = tokio::time::sleep(settings.config.poll) => {}
                        }
                    }
                }
            };
            let (source, main) = connected;
            let relayer = Relayer::new(source, main, settings.config, settings.metrics);
            let outcome = if settings.signers.subchain.is_some() {
                relayer.run_bridged(shutdown.wait()).await
            } else {
                tracing::info!(
                    target: "relay",
                    subchain,
                    "This node binary cannot sign the subchain's bridge calls: relaying headers \
                     only"
                );
                relayer.run(shutdown.wait()).await
            };
            if let Err(error) = &outcome {
                tracing::error!(target: "relay", %error, "Relaying stopped");
            }
            if let Some(done) = done {
                let _ = done.send(outcome);
            }
        });
        Ok(())
    }
}
