//! `localnet`: a local N-node network on 127.0.0.1 in one command.
//!
//! Each node is a child process of this binary with its own base path, ports and log file; the
//! first `--validators` nodes author with the dev keys `--alice`, `--bob`, … (the agents of the
//! `local` chain), the others follow. Node keys are derived from the node's index, so node 0's
//! peer id — every other node's bootnode — is known before it starts, and a restarted localnet
//! keeps its identities and chain.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use sp_runtime::traits::{BlakeTwo256, Hash as _};
use wcme_service::wcme_network;

use crate::{cli::LocalnetCmd, error::CliError};

/// The dev-key flags a validator node gets, in order.
const DEV_KEY_FLAGS: [&str; 6] = [
    "--alice",
    "--bob",
    "--charlie",
    "--dave",
    "--eve",
    "--ferdie",
];

/// Most nodes one localnet starts.
const MAX_NODES: u16 = 32;

/// One node of the network, as started.
struct LocalNode {
    name: String,
    child: Child,
    rpc_port: u16,
    log: PathBuf,
}

/// What a local network is: its chain, where it lives and how its nodes are numbered. Node `i`
/// gets the ports `port + i`, `rpc_port + i` (and `prometheus_port + i` unless `None`: no
/// Prometheus endpoint) and a node key derived from `label` and `i`, so two networks with
/// different labels never share a peer id.
pub(crate) struct NetworkPlan<'a> {
    pub chain: &'a str,
    pub base_path: &'a Path,
    pub label: &'a str,
    pub nodes: u16,
    pub validators: u16,
    pub port: u16,
    pub rpc_port: u16,
    pub prometheus_port: Option<u16>,
    pub node_args: &'a [String],
}

/// Running child processes of this binary, one per node; stopped when dropped.
pub(crate) struct LocalNetwork {
    nodes: Vec<LocalNode>,
}

impl LocalNetwork {
    /// Starts every node of `plan` (none left running if one fails to start).
    pub fn start(plan: &NetworkPlan<'_>) -> Result<Self, CliError> {
        if plan.nodes == 0 || plan.nodes > MAX_NODES {
            return Err(CliError::BadArgument(format!(
                "--nodes must be between 1 and {MAX_NODES}"
            )));
        }
        if plan.validators > plan.nodes || usize::from(plan.validators) > DEV_KEY_FLAGS.len() {
            return Err(CliError::BadArgument(format!(
                "--validators must be at most --nodes and at most {} (one dev key each)",
                DEV_KEY_FLAGS.len()
            )));
        }
        let exe = std::env::current_exe().map_err(CliError::io("finding this executable"))?;
        std::fs::create_dir_all(plan.base_path)
            .map_err(CliError::io("creating the network's base path"))?;
        let boot_key = wcme_network::node_key_from_hex(&node_key_hex(plan.label, 0))
            .map_err(|e| CliError::BadArgument(format!("localnet node key: {e}")))?;
        let bootnode = format!(
            "/ip4/127.0.0.1/tcp/{}/p2p/{}",
            plan.port,
            boot_key.public().to_peer_id()
        );
        let mut network = Self { nodes: Vec::new() };
        for index in 0..plan.nodes {
            // On an error `network` is dropped, which stops the nodes started so far.
            network
                .nodes
                .push(start_node(plan, &exe, index, &bootnode)?);
        }
        Ok(network)
    }

    /// The nodes' RPC endpoints, node 0 first.
    pub fn rpc_urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|node| format!("ws://127.0.0.1:{}", node.rpc_port))
            .collect()
    }

    /// An error naming the first node that exited on its own, and its log.
    pub fn exited(&mut self) -> Option<CliError> {
        self.nodes
            .iter_mut()
            .find_map(|node| match node.child.try_wait() {
                Ok(Some(status)) => Some(CliError::BadArgument(format!(
                    "{} exited ({status}); see {}",
                    node.name,
                    node.log.display()
                ))),
                _ => None,
            })
    }

    /// Asks every node to shut down (SIGTERM), then kills those still running after a grace
    /// period.
    pub fn stop(&mut self) {
        for node in &self.nodes {
            if let Ok(pid) = libc::pid_t::try_from(node.child.id()) {
                // SAFETY: `kill` has no memory effects; the pid is our own child, not yet reaped.
                unsafe {
                    libc::kill(pid, libc::SIGTERM);
                }
            }
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        for node in &mut self.nodes {
            while std::time::Instant::now() < deadline {
                match node.child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
            if matches!(node.child.try_wait(), Ok(None)) {
                tracing::warn!(target: "localnet", node = %node.name, "Did not stop in time; killing");
                let _already_gone = node.child.kill();
            }
            let _reaped = node.child.wait();
        }
        self.nodes.clear();
    }
}

impl Drop for LocalNetwork {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The node key of node `index` of the network `label`: fixed, so restarts keep the peer id.
fn node_key_hex(label: &str, index: u16) -> String {
    let mut seed = b"wcme-localnet-node-key".to_vec();
    seed.extend_from_slice(label.as_bytes());
    seed.extend_from_slice(&index.to_le_bytes());
    hex::encode(BlakeTwo256::hash(&seed))
}

fn port(base: u16, index: u16, what: &str) -> Result<u16, CliError> {
    base.checked_add(index)
        .ok_or_else(|| CliError::BadArgument(format!("{what} {base} + {index} exceeds 65535")))
}

/// Starts the network and waits for Ctrl-C (or SIGTERM), then stops every node.
pub(crate) fn run(cmd: &LocalnetCmd) -> Result<(), CliError> {
    if cmd.purge && cmd.base_path.exists() {
        std::fs::remove_dir_all(&cmd.base_path)
            .map_err(CliError::io("purging the localnet base path"))?;
    }
    let validators = cmd.validators.unwrap_or(cmd.nodes.min(4));
    let mut network = LocalNetwork::start(&NetworkPlan {
        chain: &cmd.chain,
        base_path: &cmd.base_path,
        label: "",
        nodes: cmd.nodes,
        validators,
        port: cmd.port,
        rpc_port: cmd.rpc_port,
        prometheus_port: Some(cmd.prometheus_port),
        node_args: &cmd.node_args,
    })?;
    eprintln!(
        "Local network of {} nodes ({validators} validators) on 127.0.0.1:",
        network.nodes.len()
    );
    for node in &network.nodes {
        eprintln!(
            "  {:<8} rpc ws://127.0.0.1:{:<5}  log {}",
            node.name,
            node.rpc_port,
            node.log.display()
        );
    }
    eprintln!("Press Ctrl-C to stop.");
    wait(&mut network)
}

fn start_node(
    plan: &NetworkPlan<'_>,
    exe: &Path,
    index: u16,
    bootnode: &str,
) -> Result<LocalNode, CliError> {
    let name = format!("node-{index}");
    let rpc_port = port(plan.rpc_port, index, "--rpc-port")?;
    let log = plan.base_path.join(format!("{name}.log"));
    let stdout = File::create(&log).map_err(CliError::io("creating a node log"))?;
    let stderr = stdout
        .try_clone()
        .map_err(CliError::io("creating a node log"))?;
    let mut command = Command::new(exe);
    command
        .arg("--chain")
        .arg(plan.chain)
        .arg("--base-path")
        .arg(plan.base_path.join(&name))
        .arg("--name")
        .arg(&name)
        .arg("--port")
        .arg(port(plan.port, index, "--port")?.to_string())
        .arg("--rpc-port")
        .arg(rpc_port.to_string())
        .arg("--node-key")
        .arg(node_key_hex(plan.label, index));
    match plan.prometheus_port {
        Some(base) => command
            .arg("--prometheus-port")
            .arg(port(base, index, "--prometheus-port")?.to_string()),
        None => command.arg("--no-prometheus"),
    };
    if index > 0 {
        command.arg("--bootnodes").arg(bootnode);
    }
    if let Some(flag) = DEV_KEY_FLAGS.get(usize::from(index))
        && index < plan.validators
    {
        command.arg(flag);
    }
    command
        .args(plan.node_args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    let child = command
        .spawn()
        .map_err(CliError::io("starting a localnet node"))?;
    Ok(LocalNode {
        name,
        child,
        rpc_port,
        log,
    })
}

/// Waits for a stop signal; a node that exits on its own ends the network with an error
/// naming it and its log.
fn wait(network: &mut LocalNetwork) -> Result<(), CliError> {
    crate::block_on(async {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .map_err(CliError::io("installing the SIGTERM handler"))?;
        let mut poll = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                result = tokio::signal::ctrl_c() => {
                    return result.map_err(CliError::io("waiting for Ctrl-C"));
                }
                _ = terminate.recv() => return Ok(()),
                _ = poll.tick() => {
                    if let Some(error) = network.exited() {
                        return Err(error);
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_keys_are_fixed_distinct_and_valid() {
        assert_eq!(node_key_hex("", 3), node_key_hex("", 3));
        assert_ne!(node_key_hex("", 0), node_key_hex("", 1));
        assert_ne!(node_key_hex("a", 0), node_key_hex("b", 0));
        assert!(wcme_network::node_key_from_hex(&node_key_hex("", 0)).is_ok());
    }

    #[test]
    fn ports_overflow_is_an_error() {
        assert_eq!(port(30333, 2, "--port").ok(), Some(30335));
        assert!(port(65535, 1, "--port").is_err());
    }
}
