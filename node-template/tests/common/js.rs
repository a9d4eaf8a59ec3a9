//! Running the @polkadot/api examples of `examples/js-client` from tests: `npm ci` when their
//! packages are missing, and child processes with captured output and a time limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Installing the example's packages (only when they are missing).
pub const NPM_CI_TIMEOUT: Duration = Duration::from_secs(300);

/// `examples/js-client`, with the @polkadot/api example scripts.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/js-client")
}

/// The npm executable.
pub fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// Kills the child when dropped unless it was taken out.
pub struct KillOnDrop(pub Option<Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reads a pipe to its end on a thread of its own; the bytes arrive on the returned channel.
pub fn collect(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = tx.send(bytes);
    });
    rx
}

/// Runs `command` with stdin closed and stdout/stderr captured, killing it after `timeout`.
/// Errs when it cannot start or runs too long (then with what it printed so far).
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> Result<Output, String> {
    let description = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {description}: {e}"))?;
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let mut guard = KillOnDrop(Some(child));
    let deadline = Instant::now() + timeout;
    let status: Option<ExitStatus> = loop {
        let Some(child) = guard.0.as_mut() else {
            unreachable!("the guard holds the child until it is dropped");
        };
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(50)),
            Ok(None) => break None,
            Err(e) => return Err(format!("waiting for {description}: {e}")),
        }
    };
    drop(guard); // kills it if it is still running
    // A grandchild may keep the pipes open: wait for the readers a little, not forever.
    let stdout = stdout
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_default();
    let stderr = stderr
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_default();
    match status {
        Some(status) => Ok(Output {
            status,
            stdout,
            stderr,
        }),
        None => Err(format!(
            "{description} did not finish within {timeout:?} and was killed\n\
             --- stdout ---\n{}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        )),
    }
}

/// Whether `npm` can be run at all.
pub fn npm_available() -> bool {
    run_with_timeout(
        Command::new(npm()).arg("--version"),
        Duration::from_secs(20),
    )
    .is_ok_and(|output| output.status.success())
}

/// Installs the example's locked dependencies unless they are there already.
pub fn ensure_packages(dir: &Path) {
    if dir
        .join("node_modules/@polkadot/api/package.json")
        .is_file()
    {
        return;
    }
    eprintln!(
        "installing the example's packages: npm ci in {}",
        dir.display()
    );
    let output = run_with_timeout(
        Command::new(npm())
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir),
        NPM_CI_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("npm ci: {e}"));
    assert!(
        output.status.success(),
        "npm ci in {} failed ({}):\n{}\n{}",
        dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `node <script> <ws url>` from `examples/js-client` against a fresh node on the 1-second
/// dev chain with Alice authoring, giving the script `timeout_secs` (`WCME_TIMEOUT_SECS`, it exits
/// 2 when exceeded) and killing it 10 s after that. Asserts it succeeded — showing its output and
/// the node's log otherwise — and returns its standard output.
pub fn run_example_against_fresh_node(script: &str, timeout_secs: u64) -> String {
    let example = example_dir();
    assert!(
        npm_available(),
        "`npm` is not installed: run scripts/setup.sh, which installs Node.js and npm"
    );
    ensure_packages(&example);

    // Declared before the node so it is removed only after the node is killed.
    let dir = tempfile::tempdir().expect("temporary directory");
    let spec = super::fast_chain_spec(dir.path());
    let base = dir.path().join("base");
    let node = super::TestNode::start(&[
        "--chain",
        spec.to_str().expect("utf-8 path"),
        "--alice",
        "--base-path",
        base.to_str().expect("utf-8 path"),
        "--no-prometheus",
    ]);

    let started = Instant::now();
    let result = run_with_timeout(
        Command::new("node")
            .arg(script)
            .arg(&node.ws_url)
            .env("WCME_TIMEOUT_SECS", timeout_secs.to_string())
            .env_remove("WCME_WS")
            .current_dir(&example),
        Duration::from_secs(timeout_secs + 10),
    );
    let output = match result {
        Ok(output) => output,
        Err(e) => panic!("{e}\n{}", node.log()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "node {script} {} finished in {:.1?} with {}\n\
         --- stdout ---\n{stdout}--- stderr ---\n{stderr}",
        node.ws_url,
        started.elapsed(),
        output.status
    );
    assert!(
        output.status.success(),
        "{script} failed ({}); the node's log:\n{}",
        output.status,
        node.log()
    );
    stdout
}
