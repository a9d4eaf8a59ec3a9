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

/// The node key of node `index`: fixed, so restarts keep the peer id.
fn node_key_hex(index: u16) -> String {
    let mut seed = b"wcme-localnet-node-key".to_vec();
    seed.extend_from_slice(&index.to_le_bytes());
    hex::encode(BlakeTwo256::hash(&seed))
}

fn port(base: u16, index: u16, what: &str) -> Result<u16, CliError> {
    base.checked_add(index)
        .ok_or_else(|| CliError::BadArgument(format!("{what} {base} + {index} exceeds 65535")))
}

/// Starts the network and waits for Ctrl-C (or SIGTERM), then stops every node.
pub(crate) fn run(cmd: &LocalnetCmd) -> Result<(), CliError> {
    if cmd.nodes == 0 || cmd.nodes > MAX_NODES {
        return Err(CliError::BadArgument(format!(
            "--nodes must be between 1 and {MAX_NODES}"
        )));
    }
    let validators = cmd.validators.unwrap_or(cmd.nodes.min(4));
    if validators > cmd.nodes || usize::from(validators) > DEV_KEY_FLAGS.len() {
        return Err(CliError::BadArgument(format!(
            "--validators must be at most --nodes and at most {} (one dev key each)",
            DEV_KEY_FLAGS.len()
        )));
    }
    let exe = std::env::current_exe().map_err(CliError::io("finding this executable"))?;
    if cmd.purge && cmd.base_path.exists() {
        std::fs::remove_dir_all(&cmd.base_path)
            .map_err(CliError::io("purging the localnet base path"))?;
    }
    std::fs::create_dir_all(&cmd.base_path)
        .map_err(CliError::io("creating the localnet base path"))?;

    let boot_key = wcme_network::node_key_from_hex(&node_key_hex(0))
        .map_err(|e| CliError::BadArgument(format!("localnet node key: {e}")))?;
    let bootnode = format!(
        "/ip4/127.0.0.1/tcp/{}/p2p/{}",
        cmd.port,
        boot_key.public().to_peer_id()
    );

    let mut nodes: Vec<LocalNode> = Vec::new();
    for index in 0..cmd.nodes {
        match start_node(cmd, &exe, index, validators, &bootnode) {
            Ok(node) => nodes.push(node),
            Err(error) => {
                stop_all(&mut nodes);
                return Err(error);
            }
        }
    }
    eprintln!(
        "Local network of {} nodes ({validators} validators) on 127.0.0.1:",
        nodes.len()
    );
    for node in &nodes {
        eprintln!(
            "  {:<8} rpc ws://127.0.0.1:{:<5}  log {}",
            node.name,
            node.rpc_port,
            node.log.display()
        );
    }
    eprintln!("Press Ctrl-C to stop.");

    let outcome = wait(&mut nodes);
    stop_all(&mut nodes);
    outcome
}

fn start_node(
    cmd: &LocalnetCmd,
    exe: &Path,
    index: u16,
    validators: u16,
    bootnode: &str,
) -> Result<LocalNode, CliError> {
    let name = format!("node-{index}");
    let rpc_port = port(cmd.rpc_port, index, "--rpc-port")?;
    let log = cmd.base_path.join(format!("{name}.log"));
    let stdout = File::create(&log).map_err(CliError::io("creating a node log"))?;
    let stderr = stdout
        .try_clone()
        .map_err(CliError::io("creating a node log"))?;
    let mut command = Command::new(exe);
    command
        .arg("--chain")
        .arg(&cmd.chain)
        .arg("--base-path")
        .arg(cmd.base_path.join(&name))
        .arg("--name")
        .arg(&name)
        .arg("--port")
        .arg(port(cmd.port, index, "--port")?.to_string())
        .arg("--rpc-port")
        .arg(rpc_port.to_string())
        .arg("--prometheus-port")
        .arg(port(cmd.prometheus_port, index, "--prometheus-port")?.to_string())
        .arg("--node-key")
        .arg(node_key_hex(index));
    if index > 0 {
        command.arg("--bootnodes").arg(bootnode);
    }
    if let Some(flag) = DEV_KEY_FLAGS.get(usize::from(index))
        && index < validators
    {
        command.arg(flag);
    }
    command
        .args(&cmd.node_args)
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
fn wait(nodes: &mut [LocalNode]) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    runtime.block_on(async {
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
                    for node in nodes.iter_mut() {
                        if let Ok(Some(status)) = node.child.try_wait() {
                            return Err(CliError::BadArgument(format!(
                                "{} exited ({status}); see {}",
                                node.name,
                                node.log.display()
                            )));
                        }
                    }
                }
            }
        }
    })
}

/// Asks every node to shut down (SIGTERM), then kills those still running after a grace period.
fn stop_all(nodes: &mut [LocalNode]) {
    for node in nodes.iter() {
        if let Ok(pid) = libc::pid_t::try_from(node.child.id()) {
            // SAFETY: `kill` has no memory effects; the pid is our own child, not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    for node in nodes.iter_mut() {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_keys_are_fixed_distinct_and_valid() {
        assert_eq!(node_key_hex(3), node_key_hex(3));
        assert_ne!(node_key_hex(0), node_key_hex(1));
        assert!(wcme_network::node_key_from_hex(&node_key_hex(0)).is_ok());
    }

    #[test]
    fn ports_overflow_is_an_error() {
        assert_eq!(port(30333, 2, "--port").ok(), Some(30335));
        assert!(port(65535, 1, "--port").is_err());
    }
}
