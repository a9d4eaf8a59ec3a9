//! The encrypted keystore with the real binary: `key insert`, then `--validator` authors with the
//! stored key; the file holds no plaintext secret; a wrong or missing password stops the node at
//! once with a clear message.

mod common;

use std::{process::Command, time::Duration};

use common::{TestNode, fast_chain_spec, node_binary, run_cli, wait_for_block};

#[tokio::test(flavor = "multi_thread")]
async fn inserted_key_authors_and_a_wrong_password_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fast_chain_spec(dir.path());
    let spec = spec.to_str().expect("utf8");
    let base = dir.path().join("base");
    let base = base.to_str().expect("utf8");

    // Insert with the password from the environment, the secret from stdin.
    let mut insert = Command::new(node_binary())
        .args(["key", "insert", "--chain", spec, "--base-path", base])
        .env("WCME_KEYSTORE_PASSWORD", "correct horse battery")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    {
        use std::io::Write;
        let mut stdin = insert.stdin.take().expect("stdin");
        stdin.write_all(b"//Alice\n").expect("writes the secret");
    }
    let output = insert.wait_with_output().expect("finishes");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "key insert failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
        "{stdout}"
    );
    let keystore = dir.path().join("base/chains/dev/keystore");
    let files: Vec<_> = std::fs::read_dir(&keystore)
        .expect("keystore dir")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(&files[0]).expect("reads");
    assert!(
        !text.contains("Alice"),
        "secret stored in plaintext: {text}"
    );

    // A wrong password: the node stops before it starts anything.
    let (ok, _, stderr) = run_cli(&[
        "--chain",
        spec,
        "--base-path",
        base,
        "--validator",
        "--password",
        "wrong",
        "--no-prometheus",
        "--rpc-port",
        "0",
        "--port",
        "0",
    ]);
    assert!(!ok);
    assert!(stderr.contains("wrong keystore password"), "{stderr}");

    // No password at all: told where to put one.
    let (ok, _, stderr) = run_cli(&[
        "--chain",
        spec,
        "--base-path",
        base,
        "--validator",
        "--no-prometheus",
    ]);
    assert!(!ok);
    assert!(stderr.contains("WCME_KEYSTORE_PASSWORD"), "{stderr}");

    // The right password from a file: the stored key authors.
    let password_file = dir.path().join("password");
    std::fs::write(&password_file, "correct horse battery\n").expect("writes");
    let node = TestNode::start(&[
        "--chain",
        spec,
        "--base-path",
        base,
        "--validator",
        "--password-filename",
        password_file.to_str().expect("utf8"),
    ]);
    wait_for_block(&node.rpc(), 2, Duration::from_secs(30)).await;
}
