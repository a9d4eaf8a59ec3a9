//! `relay`: runs the relay module ([`wcme_relayer::module::RelayModule`]) between a subchain
//! node and a main-chain node until Ctrl-C or SIGTERM, signing submissions with the node
//! binary's runtimes.

use std::net::{Ipv4Addr, SocketAddr};

use sp_core::{Pair as _, sr25519};
use substrate_prometheus_endpoint::Registry;
use wcme_module::ModuleManager;
use wcme_relayer::{
    RelayMetrics, RelayerConfig,
    module::{RelayModule, RelaySettings},
};

use crate::{NodeSpec, cli::RelayCmd, error::CliError};

/// `relay`.
pub(crate) fn relay(spec: &NodeSpec, cmd: &RelayCmd) -> Result<(), CliError> {
    let signers = spec.relay.ok_or_else(|| {
        CliError::BadArgument("this node cannot sign the relayer's transactions".into())
    })?;
    if cmd.max_batch == 0 {
        return Err(CliError::BadArgument(
            "--max-batch must be at least 1".into(),
        ));
    }
    let key = sr25519::Pair::from_string(&cmd.key, None)
        .map_err(|e| CliError::BadArgument(format!("--key {}: {e:?}", cmd.key)))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    let metrics = match cmd.prometheus_port {
        Some(port) => {
            let metrics_error = |e| CliError::BadArgument(format!("metrics: {e}"));
            let registry = Registry::new_custom(None, None).map_err(metrics_error)?;
            let metrics = RelayMetrics::register(&registry).map_err(metrics_error)?;
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            runtime.spawn(async move {
                if let Err(error) =
                    substrate_prometheus_endpoint::init_prometheus(addr, registry).await
                {
                    tracing::error!(target: "relay", %error, "Prometheus endpoint failed");
                }
            });
            Some(metrics)
        }
        None => None,
    };
    let (module, outcome) = RelayModule::with_outcome(RelaySettings {
        main_url: cmd.main.clone(),
        subchain_url: cmd.subchain.clone(),
        key,
        signers,
        config: RelayerConfig {
            max_batch: cmd.max_batch,
            ..RelayerConfig::for_subchain(cmd.subchain_id)
        },
        metrics,
    });
    let mut modules = ModuleManager::new(runtime.handle().clone());
    modules.register(Box::new(module))?;
    modules.start_all()?;
    let result = runtime.block_on(async {
        tokio::select! {
            signal = crate::run::wait_for_signal() => signal,
            outcome = outcome => match outcome {
                Ok(Err(error)) => Err(error.into()),
                // The task ended without a fatal error, or was dropped: nothing more to do.
                Ok(Ok(())) | Err(_) => Ok(()),
            },
        }
    });
    for error in modules.stop_all() {
        tracing::warn!(target: "relay", %error, "Stopping the relayer");
    }
    result
}
