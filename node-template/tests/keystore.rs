//! The encrypted keystore with the real binary: `key insert`, then `--validator` authors with the
//! stored key; the file holds no plaintext secret; a wrong or missing password, an empty
//! keystore or a bad key type stop the command at once with a clear message and exit code 1.

mod common;

use std::{
    io::Write,
    path::Path,
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use common::{TestNode, fast_chain_spec, node_binary, wait_for_block};

const PASSWORD_ENV: &str = "WCME_KEYSTORE_PASSWORD";
const PASSWORD: &str = "correct horse battery";
const ALICE_SS58: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const ALICE_HEX: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

/// Runs `wcme-node args` to completion with `stdin` piped in and the password variable set to
/// `password` (or removed).
fn run(args: &[&str], password: Option<&str>, stdin: &str) -> Output {
    let mut command = Command::new(node_binary());
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match password {
        Some(password) => command.env(PASSWORD_ENV, password),
        None => command.env_remove(PASSWORD_ENV),
    };
    let mut child = command.spawn().expect("wcme-node runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writes stdin");
    child.wait_with_output().expect("finishes")
}

/// A node command that must fail at start: exit code 1 within seconds, `message` on stderr, no
/// panic.
fn assert_refused(args: &[&str], password: Option<&str>, message: &str) {
    let started = Instant::now();
    let output = run(args, password, "");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.contains(message), "{args:?}: {stderr}");
    assert!(!stderr.contains("panic"), "{args:?}: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{args:?} took {:?}",
        started.elapsed()
    );
}

fn key_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("keystore dir")
        .map(|entry| entry.expect("entry").path())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn inserted_key_authors_and_bad_passwords_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let spec = spec.to_str().expect("utf8");
    let base = dir.path().join("base");
    let base = base.to_str().expect("utf8");
    let chain = ["--chain", spec, "--base-path", base];
    let validator = [&chain[..], &["--validator"]].concat();

    // A bad key type and a missing password are refused before anything is written.
    let output = run(
        &[&["key", "insert", "--key-type", "poc"], &chain[..]].concat(),
        Some(PASSWORD),
        "//Alice\n",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("key type `poc`"), "{stderr}");
    let output = run(
        &[&["key", "insert"], &chain[..]].concat(),
        None,
        "//Alice\n",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(PASSWORD_ENV), "{stderr}");
    let keystore = dir.path().join("base/chains/dev/keystore");
    assert!(!keystore.exists() || key_files(&keystore).is_empty());

    // `--validator` on an empty keystore names the command that fills it.
    assert_refused(&validator, Some(PASSWORD), "key insert");

    // Insert //Alice, the dev chain's authority: password from the environment, secret from
    // stdin (so it is in neither the shell history nor the process list).
    let output = run(
        &[&["key", "insert"], &chain[..]].concat(),
        Some(PASSWORD),
        "//Alice\n",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "key insert failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(ALICE_SS58), "{stdout}");
    assert!(stdout.contains(ALICE_HEX), "{stdout}");
    let files = key_files(&keystore);
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().expect("name").to_str().expect("utf8");
    assert_eq!(name, format!("706f635f{ALICE_HEX}"));
    assert!(stdout.contains(name), "{stdout}");
    let text = std::fs::read_to_string(&files[0]).expect("reads");
    for needle in ["//Alice", "Alice", &hex::encode("//Alice")] {
        assert!(!text.contains(needle), "secret in plaintext: {text}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&files[0]), 0o600);
        assert_eq!(mode(&keystore), 0o700);
    }

    // A wrong password, from the environment or a file, or none: the node stops at once.
    assert_refused(&validator, Some("wrong"), "wrong keystore password");
    let password_file = dir.path().join("password");
    std::fs::write(&password_file, "wrong\n").expect("writes");
    let with_file = [
        &validator[..],
        &["--password-filename", password_file.to_str().expect("utf8")],
    ]
    .concat();
    assert_refused(&with_file, Some(PASSWORD), "wrong keystore password");
    assert_refused(&validator, None, PASSWORD_ENV);

    // The right password in the environment: the stored key authors.
    let node = TestNode::start_with_env(
        &[&validator[..], &["--no-prometheus"]].concat(),
        &[(PASSWORD_ENV, PASSWORD)],
    );
    wait_for_block(&node.rpc(), 2, Duration::from_secs(30)).await;
    assert!(
        node.log().contains("Loaded authoring keys"),
        "{}",
        node.log()
    );
}
