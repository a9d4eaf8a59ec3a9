//! The example contracts of `examples/contracts`, built by its `build.sh`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// The workspace root.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Runs `examples/contracts/build.sh` (it keeps modules that are up to date) and returns the
/// path of `token-c.wasm`, the example token built from `token/token.c`.
///
/// Building needs clang, wasm-ld (Debian `lld`), node and npm: without them this panics and
/// says to run `scripts/setup.sh`.
pub fn token_path() -> PathBuf {
    let root = workspace_root();
    let script = root.join("examples/contracts/build.sh");
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(&root)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; run scripts/setup.sh to install clang, lld (wasm-ld), \
                 nodejs and npm",
                script.display()
            )
        });
    assert!(
        output.status.success(),
        "examples/contracts/build.sh failed (run scripts/setup.sh to install clang, lld \
         (wasm-ld), nodejs and npm):\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    root.join("examples/contracts/target/token-c.wasm")
}

/// Runs `examples/contracts/build.sh` and reads `token-c.wasm`.
pub fn token_code() -> Vec<u8> {
    let path = token_path();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
