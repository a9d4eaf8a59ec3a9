//! The node's libp2p identity: an ed25519 key kept in a file in the base path, or given in hex.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use libp2p::identity::Keypair;

use crate::error::{NetworkError, NodeKeyError};

/// File name of the node key inside the network directory of the base path (as in Substrate).
pub const NODE_KEY_FILE: &str = "secret_ed25519";

/// Length of an ed25519 secret key.
const SECRET_LEN: usize = 32;

/// Loads the node key from `path`, or generates one and writes it there if the file does not
/// exist.
///
/// The file holds the 32 raw bytes of the ed25519 secret (Substrate's `secret_ed25519` format).
/// A new key is written atomically (temporary file, fsync, rename) with mode 0600 on Unix. A file
/// that exists but does not hold a valid key is a [`NetworkError::CorruptNodeKeyFile`]: it is never
/// replaced, because that would silently change the node's peer id.
pub fn load_or_generate_node_key(path: &Path) -> Result<Keypair, NetworkError> {
    match fs::read(path) {
        Ok(bytes) => {
            let key =
                key_from_secret(bytes).map_err(|source| NetworkError::CorruptNodeKeyFile {
                    path: path.to_path_buf(),
                    source,
                })?;
            tracing::debug!(target: "network", path = %path.display(), "loaded node key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            write_key_atomically(path, &key)?;
            tracing::info!(target: "network", path = %path.display(), "generated a new node key");
            Ok(key)
        }
        Err(source) => Err(NetworkError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Parses a `--node-key` value: 32 bytes of ed25519 secret in hex, with or without `0x`.
pub fn node_key_from_hex(text: &str) -> Result<Keypair, NetworkError> {
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    let bytes = hex::decode(text).map_err(NodeKeyError::InvalidHex)?;
    Ok(key_from_secret(bytes)?)
}

/// The 32 secret bytes of an ed25519 keypair (what the key file stores).
pub fn node_key_secret(key: &Keypair) -> Result<[u8; 32], NodeKeyError> {
    let ed = key
        .clone()
        .try_into_ed25519()
        .map_err(|_| NodeKeyError::NotEd25519)?;
    let mut out = [0u8; SECRET_LEN];
    out.copy_from_slice(ed.secret().as_ref());
    Ok(out)
}

fn key_from_secret(mut bytes: Vec<u8>) -> Result<Keypair, NodeKeyError> {
    if bytes.len() != SECRET_LEN {
        return Err(NodeKeyError::WrongLength {
            expected: SECRET_LEN,
            got: bytes.len(),
        });
    }
    Keypair::ed25519_from_bytes(&mut bytes).map_err(|e| NodeKeyError::Invalid(e.to_string()))
}

fn write_key_atomically(path: &Path, key: &Keypair) -> Result<(), NetworkError> {
    let io_err = |path: &Path| {
        let path: PathBuf = path.to_path_buf();
        move |source| NetworkError::Io { path, source }
    };
    let secret = node_key_secret(key)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(&secret)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename durable; not every platform can open a directory.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    result.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        NetworkError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network").join(NODE_KEY_FILE);
        let first = load_or_generate_node_key(&path).unwrap();
        let second = load_or_generate_node_key(&path).unwrap();
        assert_eq!(first.public().to_peer_id(), second.public().to_peer_id());
        assert_eq!(fs::read(&path).unwrap().len(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            !dir.path()
                .join("network")
                .join("secret_ed25519.tmp")
                .exists()
        );
    }

    #[test]
    fn corrupt_key_file_is_a_typed_error_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(NODE_KEY_FILE);
        fs::write(&path, b"not a key").unwrap();
        let err = load_or_generate_node_key(&path).unwrap_err();
        assert!(matches!(
            err,
            NetworkError::CorruptNodeKeyFile {
                source: NodeKeyError::WrongLength {
                    expected: 32,
                    got: 9
                },
                ..
            }
        ));
        assert_eq!(fs::read(&path).unwrap(), b"not a key");
    }

    #[test]
    fn hex_node_key_parses_and_matches_file_format() {
        let key = Keypair::generate_ed25519();
        let hex_key = hex::encode(node_key_secret(&key).unwrap());
        let parsed = node_key_from_hex(&hex_key).unwrap();
        assert_eq!(parsed.public().to_peer_id(), key.public().to_peer_id());
        let parsed = node_key_from_hex(&format!("0x{hex_key}")).unwrap();
        assert_eq!(parsed.public().to_peer_id(), key.public().to_peer_id());
    }

    #[test]
    fn hex_node_key_errors_are_typed() {
        assert!(matches!(
            node_key_from_hex("zz"),
            Err(NetworkError::BadNodeKey(NodeKeyError::InvalidHex(_)))
        ));
        assert!(matches!(
            node_key_from_hex("abcd"),
            Err(NetworkError::BadNodeKey(NodeKeyError::WrongLength {
                expected: 32,
                got: 2
            }))
        ));
        assert!(matches!(
            node_key_from_hex(&"00".repeat(33)),
            Err(NetworkError::BadNodeKey(NodeKeyError::WrongLength {
                got: 33,
                ..
            }))
        ));
        assert!(matches!(
            node_key_from_hex("abc"),
            Err(NetworkError::BadNodeKey(NodeKeyError::InvalidHex(_)))
        ));
    }
}
