//! Running the node.

use std::{
    net::{Ipv4Addr, SocketAddr},
    path::{Path, PathBuf},
};

use sp_core::{Pair as _, sr25519};
use wcme_consensus_primitives::poc::POC_KEY_TYPE;
use wcme_keystore::{KeyType, Keystore, Password};
use wcme_service::{
    ChainSpec, NetworkSettings, NodeBuilder, NodeConfig, RpcConfig,
    wcme_network::{self, Multiaddr},
};
use zeroize::Zeroizing;

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
    chain_spec_named(spec, id)
}

/// The chain `id` names: a built-in chain of the node, or a spec file at that path.
pub(crate) fn chain_spec_named(spec: &NodeSpec, id: &str) -> Result<ChainSpec, CliError> {
    if let Some(builtin) = (spec.builtin_chain)(id) {
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
    password_from(params, std::env::var(PASSWORD_ENV))
}

/// The keystore password from the flags, else from `env` (the environment variable's value).
fn password_from(
    params: &KeystoreParams,
    env: Result<String, std::env::VarError>,
) -> Result<Password, CliError> {
    if let Some(password) = &params.password {
        return Ok(Password::new(password.clone())?);
    }
    if let Some(path) = &params.password_filename {
        let contents = std::fs::read_to_string(path)
            .map(Zeroizing::new)
            .map_err(CliError::io(format!(
                "reading the keystore password from {}",
                path.display()
            )))?;
        return Ok(Password::from_file_contents(contents)?);
    }
    match env {
        Ok(password) => Ok(Password::new(password)?),
        Err(std::env::VarError::NotPresent) => Err(CliError::MissingPassword),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::BadArgument(format!(
            "{PASSWORD_ENV} is not valid UTF-8"
        ))),
    }
}

/// The keystore directory of chain `chain_id` under `base_path`.
pub(crate) fn keystore_dir(base_path: &Path, chain_id: &str) -> PathBuf {
    base_path.join("chains").join(chain_id).join("keystore")
}

/// Opens the keystore of chain `chain_id` under `base_path`.
pub(crate) fn open_keystore(
    base_path: &Path,
    chain_id: &str,
    params: &KeystoreParams,
) -> Result<Keystore, CliError> {
    let password = keystore_password(params)?;
    Ok(Keystore::open(
        &keystore_dir(base_path, chain_id),
        password,
    )?)
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
    let authoring_keys = authoring_keys(spec.executable_name, cmd, &chain_spec, &base_path)?;
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

/// The keys the node authors with: the dev key of `--alice` … (or `--dev`'s Alice), held in
/// memory only; with `--validator` alone, every authoring key of the chain's keystore; else none.
fn authoring_keys(
    executable: &str,
    cmd: &RunCmd,
    chain_spec: &ChainSpec,
    base_path: &Path,
) -> Result<Vec<sr25519::Pair>, CliError> {
    let dev_uri = cmd
        .dev_key()
        .or(cmd.shared.dev.then_some("//Alice"))
        .map(|uri| chain_spec.consensus.dev_authoring_uri(uri));
    if let Some(uri) = dev_uri {
        let pair = sr25519::Pair::from_string(&uri, None)
            .map_err(|e| CliError::BadArgument(format!("invalid dev key {uri}: {e:?}")))?;
        tracing::info!(target: "keystore", key = %uri, "Authoring with a development key (in memory only)");
        return Ok(vec![pair]);
    }
    if !cmd.validator {
        return Ok(Vec::new());
    }
    let keystore = open_keystore(base_path, &chain_spec.id, &cmd.keystore)?;
    let keys = keystore.load_pairs(AUTHORING_KEY_TYPE)?;
    if keys.is_empty() {
        return Err(CliError::NoAuthoringKeys {
            key_type: AUTHORING_KEY_TYPE,
            dir: keystore.dir().to_path_buf(),
            executable: executable.to_string(),
            chain: cmd
                .shared
                .chain
                .clone()
                .unwrap_or_else(|| chain_spec.id.clone()),
            base_path: base_path.to_path_buf(),
        });
    }
    tracing::info!(
        target: "keystore",
        count = keys.len(),
        dir = %keystore.dir().display(),
        "Loaded authoring keys",
    );
    Ok(keys)
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

/// Listen addresses, boot nodes, the node key and mDNS from the command line and the chain spec.
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
        // As Substrate: a `--dev` node (one author, a throw-away chain) stays to itself.
        enable_mdns: !cmd.no_mdns && !cmd.shared.dev,
    })
}

/// Native stack of the node's tokio threads (workers and blocking threads): 16 MiB, for
/// contracts (see `VmConfig::native_stack_required` in `wcme-vm`).
pub(crate) const NODE_THREAD_STACK: usize = 16 * 1024 * 1024;

/// Runs the node until Ctrl-C or SIGTERM.
pub(crate) fn run_node(spec: &NodeSpec, cmd: &RunCmd) -> Result<(), CliError> {
    let (config, _tmp) = node_config(spec, cmd)?;
    // Compiled contracts are kept next to the database, in `<base>/chains/<id>/contracts`, set
    // before the runtime (and the contracts pallet's Vm) first runs.
    let artifacts = contract_artifact_dir(&config.database_path);
    wcme_vm::set_artifact_dir(&artifacts).map_err(|error| {
        CliError::io("setting the contract artifact directory")(std::io::Error::other(error))
    })?;
    tracing::debug!(target: "wcme", path = %artifacts.display(), "contract artifacts");
    let chain_runtime = spec.runtime_for(&config.chain_spec)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("wcme-worker")
        // The runtime runs natively on these threads (block authoring and import, RPC runtime
        // calls, the pool's validation: workers and `spawn_blocking` threads alike), and
        // contracts run on the calling thread: it needs the Vm's
        // `VmConfig::native_stack_required()` (3.125 MiB with the contracts pallet's
        // `default_schedule`) on top of what the node and the runtime use. 16 MiB leaves room
        // for a schedule with deeper calls or a larger Wasm stack (it is virtual memory, only
        // touched pages are committed).
        .thread_stack_size(NODE_THREAD_STACK)
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    let builder = spec.rpc_extensions.iter().fold(
        NodeBuilder::new(config, chain_runtime),
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

/// The directory of compiled contract artifacts of the chain whose database is at
/// `database_path` (`<base>/chains/<id>/db`): `<base>/chains/<id>/contracts`.
pub(crate) fn contract_artifact_dir(database_path: &Path) -> PathBuf {
    database_path.with_file_name("contracts")
}

/// Waits for Ctrl-C or SIGTERM.
pub(crate) async fn wait_for_signal() -> Result<(), CliError> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(CliError::io("installing the SIGTERM handler"))?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.map_err(CliError::io("waiting for Ctrl-C")),
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use wcme_consensus_primitives::poc::DEV_PACKING_KEY_PATH;
    use wcme_service::{ChainType, ConsensusSpec, Genesis, RawGenesis};

    use super::*;
    use crate::{Cli, cli::KeystoreParams};

    fn chain(consensus: ConsensusSpec) -> ChainSpec {
        ChainSpec {
            name: "Test".into(),
            id: "test_chain".into(),
            chain_type: ChainType::Development,
            boot_nodes: Vec::new(),
            properties: Default::default(),
            runtime: None,
            consensus,
            genesis: Genesis::Raw(RawGenesis::default()),
        }
    }

    fn dev_chain() -> ChainSpec {
        let alice = sr25519::Pair::from_string("//Alice", None).expect("key");
        chain(ConsensusSpec::Dev {
            authority: format!("0x{}", hex::encode(alice.public().0)),
            slot_duration_ms: 1000,
        })
    }

    fn run_cmd(args: &[&str]) -> RunCmd {
        use clap::Parser;
        let cli = Cli::try_parse_from(std::iter::once("wcme-node").chain(args.iter().copied()))
            .expect("parses");
        cli.run
    }

    fn params(password: Option<&str>, file: Option<&Path>) -> KeystoreParams {
        KeystoreParams {
            password: password.map(Into::into),
            password_filename: file.map(Into::into),
        }
    }

    fn public(uri: &str) -> sr25519::Public {
        sr25519::Pair::from_string(uri, None).expect("key").public()
    }

    fn publics(keys: &[sr25519::Pair]) -> Vec<sr25519::Public> {
        keys.iter().map(|k| k.public()).collect()
    }

    /// Stores `uri` in the test chain's keystore under `base` with `password`.
    fn insert(base: &Path, password: &str, uri: &str) {
        Keystore::open(
            &keystore_dir(base, "test_chain"),
            Password::new(password.to_string()).expect("password"),
        )
        .expect("opens")
        .insert(AUTHORING_KEY_TYPE, uri)
        .expect("inserts");
    }

    /// Whether `password` is `expected`: it opens a key stored with `expected`.
    fn is(password: Password, expected: &str) -> bool {
        let dir = tempfile::tempdir().expect("tempdir");
        let cheap = wcme_keystore::KdfParams {
            log_n: 4,
            r: 8,
            p: 1,
        };
        let stored = Keystore::open(dir.path(), Password::new(expected.to_string()).expect("pw"))
            .expect("opens")
            .with_kdf(cheap)
            .insert(AUTHORING_KEY_TYPE, "//Alice")
            .expect("inserts");
        Keystore::open(dir.path(), password)
            .expect("opens")
            .load(AUTHORING_KEY_TYPE, &stored)
            .is_ok()
    }

    #[test]
    fn the_password_comes_from_the_flag_the_file_or_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("password");
        std::fs::write(&file, "from file\n").expect("writes");
        let env = || Ok::<_, std::env::VarError>("from env".to_string());
        let password = |flag, file| password_from(&params(flag, file), env()).expect("password");
        assert!(is(password(Some("from flag"), None), "from flag"));
        assert!(
            is(password(None, Some(&file)), "from file"),
            "the file's trailing newline is dropped"
        );
        assert!(is(password(None, None), "from env"));
    }

    #[test]
    fn a_missing_or_empty_password_is_a_clear_error() {
        let error = password_from(&params(None, None), Err(std::env::VarError::NotPresent))
            .expect_err("no password");
        assert!(matches!(error, CliError::MissingPassword));
        let message = error.to_string();
        for hint in ["--password-filename", "--password", PASSWORD_ENV] {
            assert!(message.contains(hint), "{message}");
        }
        assert!(matches!(
            password_from(&params(Some(""), None), Err(std::env::VarError::NotPresent)),
            Err(CliError::Keystore(
                wcme_keystore::KeystoreError::EmptyPassword
            ))
        ));
        assert!(matches!(
            password_from(&params(None, None), Ok(String::new())),
            Err(CliError::Keystore(
                wcme_keystore::KeystoreError::EmptyPassword
            ))
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            password_from(
                &params(None, Some(&dir.path().join("absent"))),
                Ok("x".into())
            ),
            Err(CliError::Io { .. })
        ));
    }

    #[test]
    fn a_validator_authors_with_the_keystore() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().to_str().expect("utf8");
        insert(dir.path(), "pw", "//Alice");
        insert(dir.path(), "pw", "//Bob");
        let cmd = run_cmd(&["--validator", "--password", "pw", "--base-path", base]);
        let keys = authoring_keys("wcme-node", &cmd, &dev_chain(), dir.path()).expect("keys");
        let mut expected = vec![public("//Alice"), public("//Bob")];
        expected.sort();
        assert_eq!(publics(&keys), expected);
    }

    #[test]
    fn a_validator_with_a_wrong_password_or_no_key_stops() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().to_str().expect("utf8");
        let cmd = run_cmd(&["--validator", "--password", "pw", "--base-path", base]);
        let Err(error) = authoring_keys("my-node", &cmd, &dev_chain(), dir.path()) else {
            panic!("an empty keystore is refused");
        };
        assert!(matches!(error, CliError::NoAuthoringKeys { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains("my-node key insert --chain test_chain"),
            "{message}"
        );
        assert!(message.contains("keystore"), "{message}");

        insert(dir.path(), "right", "//Alice");
        assert!(matches!(
            authoring_keys("wcme-node", &cmd, &dev_chain(), dir.path()),
            Err(CliError::Keystore(
                wcme_keystore::KeystoreError::WrongPassword { .. }
            ))
        ));
    }

    #[test]
    fn dev_keys_stay_in_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path().to_str().expect("utf8");
        // No password needed, no keystore opened, nothing written.
        let keys = authoring_keys(
            "wcme-node",
            &run_cmd(&["--bob", "--base-path", base]),
            &dev_chain(),
            dir.path(),
        )
        .expect("dev key");
        assert_eq!(publics(&keys), vec![public("//Bob")]);
        let keys = authoring_keys(
            "wcme-node",
            &run_cmd(&["--validator", "--alice", "--base-path", base]),
            &dev_chain(),
            dir.path(),
        )
        .expect("dev key");
        assert_eq!(publics(&keys), vec![public("//Alice")]);
        let keys = authoring_keys("wcme-node", &run_cmd(&["--dev"]), &dev_chain(), dir.path())
            .expect("dev key");
        assert_eq!(publics(&keys), vec![public("//Alice")]);
        // On a POC chain the dev key is the agent's packing key.
        let keys = authoring_keys(
            "wcme-node",
            &run_cmd(&["--charlie"]),
            &chain(ConsensusSpec::Poc {}),
            dir.path(),
        )
        .expect("dev key");
        assert_eq!(
            publics(&keys),
            vec![public(&format!("//Charlie{DEV_PACKING_KEY_PATH}"))]
        );
        assert!(!keystore_dir(dir.path(), "test_chain").exists());
        // Neither a validator nor a dev key: a follower.
        let keys = authoring_keys(
            "wcme-node",
            &run_cmd(&["--base-path", base]),
            &dev_chain(),
            dir.path(),
        )
        .expect("none");
        assert!(keys.is_empty());
    }

    #[test]
    fn mdns_is_on_unless_dev_or_no_mdns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = ["--node-key", &"11".repeat(32)];
        let settings = |args: &[&str]| {
            let args: Vec<&str> = args.iter().chain(key.iter()).copied().collect();
            network_settings(&run_cmd(&args), &dev_chain(), dir.path()).expect("settings")
        };
        assert!(settings(&[]).enable_mdns);
        assert!(settings(&["--chain", "local", "--validator"]).enable_mdns);
        assert!(!settings(&["--no-mdns"]).enable_mdns);
        assert!(!settings(&["--dev"]).enable_mdns, "as in Substrate");
    }
}
