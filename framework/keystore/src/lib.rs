//! The node's keystore: the keys a validator authors and votes with, encrypted at rest.
//!
//! One JSON file per key in `<base-path>/chains/<chain id>/keystore/`, named like Substrate's
//! (`<hex key type><hex public key>`). The secret — the key's secret URI — is encrypted with
//! XChaCha20-Poly1305 under a key derived from the operator's password by scrypt, with a fresh
//! random salt and nonce per file (the layout is in `format.rs` and `docs/keystore.md`). Files
//! are `0600` in a `0700` directory and are written to a temporary name, then renamed.
//!
//! There is no unencrypted mode: a keystore without a password is refused. Development keys
//! (`--alice` …) never come here; they live in memory only (their seeds are public anyway).

mod error;
mod format;
mod types;

#[cfg(test)]
mod tests;

use std::{
    fmt,
    io::Write as _,
    path::{Path, PathBuf},
};

use sp_core::{Pair as _, sr25519};

pub use error::KeystoreError;
pub use format::{FORMAT_VERSION, KdfParams};
pub use types::{KeyType, Password};

/// A directory of encrypted sr25519 keys, opened with one password.
pub struct Keystore {
    dir: PathBuf,
    password: Password,
    kdf: KdfParams,
}

impl fmt::Debug for Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keystore")
            .field("dir", &self.dir)
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

impl Keystore {
    /// Opens (creating it if needed, mode `0700`) the keystore in `dir`.
    pub fn open(dir: &Path, password: Password) -> Result<Self, KeystoreError> {
        std::fs::create_dir_all(dir).map_err(KeystoreError::io(dir))?;
        restrict(dir, 0o700)?;
        Ok(Self {
            dir: dir.to_path_buf(),
            password,
            kdf: KdfParams::default(),
        })
    }

    /// Uses other scrypt costs for keys inserted from now on (tests use cheap ones).
    pub fn with_kdf(mut self, kdf: KdfParams) -> Self {
        self.kdf = kdf;
        self
    }

    /// The keystore's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds (or would hold) `public` of `key_type`.
    pub fn key_path(&self, key_type: KeyType, public: &sr25519::Public) -> PathBuf {
        self.dir.join(format!(
            "{}{}",
            hex::encode(key_type.0),
            hex::encode(public.0)
        ))
    }

    /// Stores the sr25519 key of secret URI `suri` under `key_type` and returns its public key.
    ///
    /// Inserting a stored key again with the same secret URI changes nothing. A stored key is
    /// never overwritten: another secret URI for the same public key is a
    /// [`KeystoreError::Conflict`], and a file this password does not open is
    /// [`KeystoreError::WrongPassword`] (all keys of a keystore share its password).
    pub fn insert(&self, key_type: KeyType, suri: &str) -> Result<sr25519::Public, KeystoreError> {
        // Zero bytes pad the sealed secret; a URI never holds one.
        if suri.contains('\0') {
            return Err(KeystoreError::BadSecret);
        }
        let pair = sr25519::Pair::from_string(suri, None).map_err(|_| KeystoreError::BadSecret)?;
        let public = pair.public();
        let path = self.key_path(key_type, &public);
        if path.exists() {
            let (stored, _) = self.read_key(key_type, &public, &path)?;
            if stored.as_slice() != suri.as_bytes() {
                return Err(KeystoreError::Conflict { path });
            }
            tracing::debug!(target: "keystore", %key_type, ?public, "Key already stored");
            return Ok(public);
        }
        let bytes = format::seal(
            &self.password,
            self.kdf,
            key_type,
            &public,
            suri.as_bytes(),
            &path,
        )?;
        write_private(&path, &bytes)?;
        tracing::info!(target: "keystore", %key_type, ?public, path = %path.display(), "Key stored");
        Ok(public)
    }

    /// The public keys stored under `key_type`, sorted (read from the file names; nothing is
    /// decrypted).
    pub fn public_keys(&self, key_type: KeyType) -> Result<Vec<sr25519::Public>, KeystoreError> {
        let prefix = hex::encode(key_type.0);
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(KeystoreError::io(&self.dir))? {
            let entry = entry.map_err(KeystoreError::io(&self.dir))?;
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            // Anything else (`….partial` left by a crash, a backup copy) is not a key.
            let Some(raw) = hex::decode(rest)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            else {
                continue;
            };
            keys.push(sr25519::Public::from_raw(raw));
        }
        keys.sort();
        Ok(keys)
    }

    /// Decrypts every key stored under `key_type`; the first file that does not open is the
    /// error.
    pub fn load_pairs(&self, key_type: KeyType) -> Result<Vec<sr25519::Pair>, KeystoreError> {
        let pairs = self
            .public_keys(key_type)?
            .iter()
            .map(|public| self.load(key_type, public))
            .collect::<Result<Vec<_>, _>>()?;
        tracing::debug!(target: "keystore", %key_type, count = pairs.len(), "Keys decrypted");
        Ok(pairs)
    }

    /// Decrypts the key `public` of `key_type`.
    pub fn load(
        &self,
        key_type: KeyType,
        public: &sr25519::Public,
    ) -> Result<sr25519::Pair, KeystoreError> {
        let path = self.key_path(key_type, public);
        self.read_key(key_type, public, &path).map(|(_, pair)| pair)
    }

    /// The secret URI stored in `path` and its pair, checked to be the key `public`.
    fn read_key(
        &self,
        key_type: KeyType,
        public: &sr25519::Public,
        path: &Path,
    ) -> Result<(zeroize::Zeroizing<Vec<u8>>, sr25519::Pair), KeystoreError> {
        let len = std::fs::metadata(path)
            .map_err(KeystoreError::io(path))?
            .len();
        if len > format::MAX_FILE_LEN {
            return Err(KeystoreError::corrupt(
                path,
                format!("{len} bytes is too large for a key file"),
            ));
        }
        let bytes = std::fs::read(path).map_err(KeystoreError::io(path))?;
        let secret = format::open(&self.password, key_type, public, &bytes, path)?;
        let pair = pair_of(&secret, public, path)?;
        Ok((secret, pair))
    }
}

/// The pair of a decrypted secret URI, which must be the key `public`.
fn pair_of(
    secret: &[u8],
    public: &sr25519::Public,
    path: &Path,
) -> Result<sr25519::Pair, KeystoreError> {
    let suri = std::str::from_utf8(secret)
        .map_err(|_| KeystoreError::corrupt(path, "the secret is not UTF-8"))?;
    let pair = sr25519::Pair::from_string(suri, None)
        .map_err(|_| KeystoreError::corrupt(path, "the secret is not an sr25519 key"))?;
    if pair.public() != *public {
        return Err(KeystoreError::corrupt(
            path,
            "the secret is not the key its name says",
        ));
    }
    Ok(pair)
}

/// Writes `bytes` to `path` atomically: to `<path>.partial` (created `0600`), synced, then
/// renamed, so a crash never leaves half a key file under a key's name.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeystoreError> {
    let partial = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&partial)
        .map_err(KeystoreError::io(&partial))?;
    // A `.partial` left by an earlier crash keeps its old mode when reopened.
    restrict(&partial, 0o600)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(KeystoreError::io(&partial))?;
    drop(file);
    std::fs::rename(&partial, path).map_err(KeystoreError::io(path))?;
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<(), KeystoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(KeystoreError::io(path))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<(), KeystoreError> {
    Ok(())
}
