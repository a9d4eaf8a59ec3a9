//! Running the node.

use std::{
    net::{Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};

use sp_core::{Pair as _, sr25519};
use wcme_consensus_primitives::poc::{DEV_PACKING_KEY_PATH, POC_KEY_TYPE};
use wcme_keystore::{KeyType, Keystore, Password};
use wcme_service::{
    ChainSpec, ConsensusSpec, NetworkSettings, NodeBuilder, NodeConfig, RpcConfig,
    wcme_network::{self, Multiaddr},
};

use crate::{
    NodeSpec, SharedParams,
    cli::{KeystoreParams, RunCmd},
    error::CliError,
};

const MIB: u32 = 1024 * 1024;

/// The chain a command works on: a built-in id or a spec file.
pub(crate) fn load_chain_spec(
    spec: &NodeSpec,
    shared: &SharedParams,
) -> Result<ChainSpec, CliError> {
    let id = match (&shared.chain, shared.dev) {
        (Some(chain), _) => chain.as_str(),
        (None, _) => "dev",
    };
    if let Some(builtin) = (spec.builtin_chain)(&spec.runtime, id) {
        return builtin;
    }
    let path = PathBuf::from(id);
    if path.exists() {
        return Ok(ChainSpec::from_file(&path)?);
    }
    Err(wcme_service::ChainSpecError::UnknownChain(id.to_string()).into())
}

/// Key type of the keys a validator authors and votes with.
pub(crate) const AUTHORING_KEY_TYPE: KeyType = KeyType(POC_KEY_TYPE);

/// The environment variable a keystore password may come from.
pub(crate) const PASSWORD_ENV: &str = "WCME_KEYSTORE_PASSWORD";

/// The keystore password from `--password`, `--password-filename` or `WCME_KEYSTORE_PASSWORD`.
pub(crate) fn keystore_password(params: &KeystoreParams) -> Result<Password, CliError> {
    let text = if let Some(password) = &params.password {
        password.clone()
    } else if let Some(path) = &params.password_filename {
        let text = std::fs::read_to_string(path)
            .map_err(CliError::io(format!("reading {}", path.display())))?;
        let line = text.strip_suffix('\n').unwrap_or(&text);
        line.strip_suffix('\r').unwrap_or(line).to_string()
    } else if let Ok(password) = std::env::var(PASSWORD_ENV) {
        password
    } else {
        return Err(CliError::BadArgument(format!(
            "the keystore is encrypted and needs a password: pass --password-filename <PATH> or set {PASSWORD_ENV}"
        )));
    };
    Ok(Password::new(text)?)
}

/// Opens the keystore of chain `chain_id` under `base_path`.
pub(crate) fn open_keystore(
    base_path: &Path,
    chain_id: &str,
    params: &KeystoreParams,
) -> Result<Keystore, CliError> {
    let password = keystore_password(params)?;
    let dir = base_path.join("chains").join(chain_id).join("keystore");
    Ok(Keystore::open(&dir, password)?)
}

/// The base path: `--base-path`, or the platform data directory.
pub(crate) fn base_path(spec: &NodeSpec, shared: &SharedParams) -> Result<PathBuf, CliError> {
    if let Some(path) = &shared.base_path {
        return Ok(path.clone());
    }
    let home = std::env::var_os("HOME")
        .ok_or_else(|| CliError::BadArgument("HOME is not set: pass --base-path".into()))?;
    Ok(PathBuf::from(home)
        .join(".local/share")
        .join(spec.data_dir_name))
}

fn node_name(given: Option<&String>) -> String {
    if let Some(name) = given {
        return name.clone();
    }
    use std::hash::{BuildHasher, RandomState};
    let suffix = RandomState::new().hash_one(std::process::id()) % 10_000;
    format!("wcme-node-{suffix:04}")
}

fn cors(given: Option<&str>, dev: bool) -> Option<Vec<String>> {
    match given.map(str::trim) {
        Some("all") | Some("*") => None,
        Some("none") => Some(Vec::new()),
        Some(list) => Some(list.split(',').map(|o| o.trim().to_string()).collect()),
        // `--dev` opens CORS so polkadot.js apps in a browser can reach the node.
        None if dev => None,
        None => Some(wcme_rpc::default_cors()),
    }
}

/// Builds the node's configuration from the command line.
pub(crate) fn node_config(
    spec: &NodeSpec,
    cmd: &RunCmd,
) -> Result<(NodeConfig, Option<tempfile::TempDir>), CliError> {
    let chain_spec = load_chain_spec(spec, &cmd.shared)?;
    let dev = cmd.shared.dev;
    let (base_path, tmp) = if cmd.shared.base_path.is_none() && (dev || cmd.tmp) {
        let dir = tempfile::Builder::new()
            .prefix("wcme-node-")
            .tempdir()
            .map_err(CliError::io("creating a temporary base path"))?;
        (dir.path().to_path_buf(), Some(dir))
    } else {
        (base_path(spec, &cmd.shared)?, None)
    };
    let key_uri =
        cmd.dev_key()
            .or(dev.then_some("//Alice"))
            .map(|uri| match chain_spec.consensus {
                // A POC agent seals with its packing key, never its account key (DESIGN §4).
                ConsensusSpec::Poc {} => format!("{uri}{DEV_PACKING_KEY_PATH}"),
                ConsensusSpec::Dev { .. } => uri.to_string(),
            });
    let authoring_keys = match key_uri {
        Some(uri) => vec![
            sr25519::Pair::from_string(&uri, None)
                .map_err(|e| CliError::BadArgument(format!("invalid dev key {uri}: {e:?}")))?,
        ],
        None if cmd.validator => {
            let keystore = open_keystore(&base_path, &chain_spec.id, &cmd.keystore)?;
            let keys = keystore.load_pairs(AUTHORING_KEY_TYPE)?;
            if keys.is_empty() {
                return Err(CliError::BadArgument(format!(
                    "--validator: no `{AUTHORING_KEY_TYPE}` key in {}; add one with `key insert --chain {} --base-path {}`",
                    keystore.dir().display(),
                    cmd.shared.chain.as_deref().unwrap_or("<chain>"),
                    base_path.display(),
                )));
            }
            tracing::info!(target: "keystore", count = keys.len(), "Loaded authoring keys");
            keys
        }
        None => Vec::new(),
    };
    let interface = if cmd.rpc_external {
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    let rpc = RpcConfig {
        addr: SocketAddr::from((interface, cmd.rpc_port)),
        cors: cors(cmd.rpc_cors.as_deref(), dev),
        max_connections: cmd.rpc_max_connections,
        max_request_size: cmd.rpc_max_request_size.saturating_mul(MIB),
        max_response_size: cmd.rpc_max_response_size.saturating_mul(MIB),
        max_subscriptions_per_connection: cmd.rpc_max_subscriptions_per_connection,
        message_buffer_capacity: cmd.rpc_message_buffer_capacity_per_connection,
        rate_limit_per_minute: cmd.rpc_rate_limit,
    };
    let prometheus_interface = if cmd.prometheus_external {
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    let prometheus =
        (!cmd.no_prometheus).then(|| SocketAddr::from((prometheus_interface, cmd.prometheus_port)));
    let network = network_settings(cmd, &chain_spec, &base_path)?;
    let config = NodeConfig {
        name: node_name(cmd.name.as_ref()),
        impl_name: spec.impl_name.to_string(),
        impl_version: spec.impl_version.to_string(),
        database_path: NodeConfig::database_path_for(&base_path, &chain_spec.id),
        chain_spec,
        rpc: Some(rpc),
        prometheus,
        authoring_keys,
        network: Some(network),
    };
    Ok((config, tmp))
}

fn multiaddrs<'a>(
    what: &str,
    list: impl IntoIterator<Item = &'a String>,
) -> Result<Vec<Multiaddr>, CliError> {
    list.into_iter()
        .map(|text| {
            text.parse::<Multiaddr>()
                .map_err(|e| CliError::BadArgument(format!("invalid {what} {text}: {e}")))
        })
        .collect()
}

/// Listen addresses, boot nodes and the node key from the command line and the chain spec.
fn network_settings(
    cmd: &RunCmd,
    chain_spec: &ChainSpec,
    base_path: &Path,
) -> Result<NetworkSettings, CliError> {
    let listen_addresses = if cmd.listen_addr.is_empty() {
        multiaddrs("--port", &[format!("/ip4/0.0.0.0/tcp/{}", cmd.port)])?
    } else {
        multiaddrs("--listen-addr", &cmd.listen_addr)?
    };
    let boot_nodes = multiaddrs(
        "boot node",
        chain_spec.boot_nodes.iter().chain(cmd.bootnodes.iter()),
    )?;
    let public_addresses = multiaddrs("--public-addr", &cmd.public_addr)?;
    let node_key = match &cmd.node_key {
        Some(hex) => wcme_network::node_key_from_hex(hex)
            .map_err(|e| CliError::BadArgument(format!("invalid --node-key: {e}")))?,
        None => {
            let path = base_path
                .join("chains")
                .join(&chain_spec.id)
                .join("network")
                .join(wcme_network::NODE_KEY_FILE);
            wcme_network::load_or_generate_node_key(&path)
                .map_err(|e| CliError::BadArgument(format!("node key {}: {e}", path.display())))?
        }
    };
    Ok(NetworkSettings {
        listen_addresses,
        boot_nodes,
        public_addresses,
        node_key,
    })
}

/// Runs the node until Ctrl-C or SIGTERM.
pub(crate) fn run_node(spec: &NodeSpec, cmd: &RunCmd) -> Result<(), CliError> {
    let (config, _tmp) = node_config(spec, cmd)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("wcme-worker")
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    let builder = spec.rpc_extensions.iter().fold(
        NodeBuilder::new(config, spec.runtime),
        |builder, extension| builder.with_rpc(*extension),
    );
    let node = (spec.extra_modules)()
        .into_iter()
        .fold(builder, NodeBuilder::with_module)
        .start(runtime.handle().clone())?;
    runtime.block_on(wait_for_signal())?;
    tracing::info!(target: "wcme", "Shutting down");
    runtime.block_on(node.stop())?;
    Ok(())
}

async fn wait_for_signal() -> Result<(), CliError> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(CliError::io("installing the SIGTERM handler"))?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.map_err(CliError::io("waiting for Ctrl-C")),
        _ = terminate.recv() => Ok(()),
    }
}
