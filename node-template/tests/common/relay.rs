//! Helpers for cross-chain tests: `wcme-node relay` processes and subchain registration.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
};

use super::{TestNode, node_binary, run_cli};

/// `wcme-node relay`, logging to `log`; killed when dropped.
pub struct RelayProcess(Child);

impl RelayProcess {
    pub fn start(main: &TestNode, subchain: &TestNode, id: u32, key: &str, log: &Path) -> Self {
        Self::start_with(main, subchain, id, key, log, &[])
    }

    pub fn start_with(
        main: &TestNode,
        subchain: &TestNode,
        id: u32,
        key: &str,
        log: &Path,
        extra: &[&str],
    ) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("relay log");
        let child = Command::new(node_binary())
            .args([
                "relay",
                "--main",
                &main.ws_url,
                "--subchain",
                &subchain.http_url,
            ])
            .args(["--subchain-id", &id.to_string(), "--key", key])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("wcme-node relay starts");
        Self(child)
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Registers the subchain of chain spec `chain` on `main` with the minimum stake (1,000 WCME),
/// owned by Alice, through `wcme-node subchain register`; returns its id.
pub fn register(main: &TestNode, chain: &str) -> u32 {
    let (ok, stdout, stderr) = run_cli(&[
        "subchain",
        "register",
        "--chain",
        chain,
        "--main",
        &main.http_url,
        "--owner",
        "//Alice",
        "--stake",
        "1000",
    ]);
    assert!(ok, "subchain register failed: {stderr}");
    stdout.trim().parse().expect("prints the subchain id")
}
