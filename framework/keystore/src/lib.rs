//! The node's keystore: the keys a validator authors and votes with, encrypted at rest.
//!
//! One JSON file per key in `<base-path>/chains/<chain id>/keystore/`, named like Substrate's
//! (`<hex key type><hex public key>`). The secret — the key's secret URI — is encrypted with
//! XChaCha20-Poly1305 under a key derived from the operator's password by scrypt, with a fresh
//! random salt and nonce per file; the key type and public key are authenticated as associated
//! data, so a file cannot be renamed onto another key. Files are `0600` in a `0700` directory.
//!
//! There is no unencrypted mode: a keystore without a password is refused. Development keys
//! (`--alice` …) never come here; they live in memory only (their seeds are public anyway).

use std::{
    fmt,
    path::{Path, PathBuf},
    str::FromStr,
};

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use serde::{Deserialize, Serialize};
use sp_core::{Pair as _, sr25519};
use zeroize::Zeroizing;

/// The file format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Why the keystore cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// Reading or writing a file failed.
    #[error("keystore {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The password is empty.
    #[error("the keystore password is empty")]
    EmptyPassword,
    /// A key type is not four ASCII characters.
    #[error("key type `{0}` is not 4 ASCII characters (e.g. `poc_`)")]
    BadKeyType(String),
    /// The secret URI is not an sr25519 key.
    #[error("the secret URI is not a valid sr25519 key")]
    BadSecret,
    /// The password does not open this file.
    #[error("wrong keystore password for {path}")]
    WrongPassword {
        /// The key file.
        path: PathBuf,
    },
    /// The file is not a keystore file of this format, or its contents disagree.
    #[error("corrupt key file {path}: {reason}")]
    Corrupt {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file was written by a newer format.
    #[error(
        "key file {path} has format version {version}; this node reads version {FORMAT_VERSION}"
    )]
    UnsupportedVersion {
        /// The key file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// The system's random number generator failed.
    #[error("no randomness for the key file: {0}")]
    Random(String),
}

/// A key's purpose: four ASCII characters (`poc_` for Proof-of-Credit packing keys).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyType(pub [u8; 4]);

impl FromStr for KeyType {
    type Err = KeystoreError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes: [u8; 4] = text
            .as_bytes()
            .try_into()
            .map_err(|_| KeystoreError::BadKeyType(text.into()))?;
        if !bytes.iter().all(|b| b.is_ascii_graphic()) {
            return Err(KeystoreError::BadKeyType(text.into()));
        }
        Ok(KeyType(bytes))
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl fmt::Debug for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyType({self})")
    }
}

/// The keystore password, wiped from memory when dropped.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// A password; empty ones are refused.
    pub fn new(text: String) -> Result<Self, KeystoreError> {
        let text = Zeroizing::new(text);
        if text.is_empty() {
            return Err(KeystoreError::EmptyPassword);
        }
        Ok(Self(text))
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// scrypt cost: `2^log_n` iterations of blocks of `r`, `p` lanes. The default (15, 8, 1) takes
/// 32 MiB and about 0.1 s per key in a release build; each file stores its own parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KdfParams {
    /// log2 of the iteration count.
    pub log_n: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        Self {
            log_n: 15,
            r: 8,
            p: 1,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyFile {
    version: u32,
    key_type: String,
    public: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// A directory of encrypted keys.
pub struct Keystore {
    dir: PathBuf,
    password: Password,
    kdf: KdfParams,
}

impl Keystore {
    /// Opens (creating if needed, mode `0700`) the keystore in `dir`.
    pub fn open(dir: &Path, password: Password) -> Result<Self, KeystoreError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
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

    /// Stores the sr25519 key of secret URI `suri` under `key_type`; returns its public key and
    /// file. Inserting the same key again rewrites its file (a new password takes effect).
    pub fn insert(
        &self,
        key_type: KeyType,
        suri: &str,
    ) -> Result<(sr25519::Public, PathBuf), KeystoreError> {
        let pair = sr25519::Pair::from_string(suri, None).map_err(|_| KeystoreError::BadSecret)?;
        let public = pair.public();
        let path = self.path_of(key_type, &public);
        let mut salt = [0u8; 32];
        let mut nonce = [0u8; 24];
        getrandom::getrandom(&mut salt).map_err(|e| KeystoreError::Random(e.to_string()))?;
        getrandom::getrandom(&mut nonce).map_err(|e| KeystoreError::Random(e.to_string()))?;
        let cipher = self.cipher(&self.kdf, &salt, &path)?;
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: suri.as_bytes(),
                    aad: &associated_data(key_type, &public),
                },
            )
            .map_err(|_| KeystoreError::Corrupt {
                path: path.clone(),
                reason: "encryption failed".into(),
            })?;
        let file = KeyFile {
            version: FORMAT_VERSION,
            key_type: key_type.to_string(),
            public: format!("0x{}", hex::encode(public.0)),
            kdf: self.kdf,
            salt: format!("0x{}", hex::encode(salt)),
            nonce: format!("0x{}", hex::encode(nonce)),
            ciphertext: format!("0x{}", hex::encode(ciphertext)),
        };
        let json = serde_json::to_vec_pretty(&file).map_err(|e| KeystoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        // Written beside, then renamed: a crash never leaves half a key file.
        let partial = path.with_extension("partial");
        std::fs::write(&partial, json).map_err(io(&partial))?;
        restrict(&partial, 0o600)?;
        std::fs::rename(&partial, &path).map_err(io(&path))?;
        tracing::info!(target: "keystore", %key_type, ?public, "Key stored");
        Ok((public, path))
    }

    /// The public keys stored under `key_type` (read from file names; nothing is decrypted).
    pub fn public_keys(&self, key_type: KeyType) -> Result<Vec<sr25519::Public>, KeystoreError> {
        let prefix = hex::encode(key_type.0);
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io(&self.dir))? {
            let entry = entry.map_err(io(&self.dir))?;
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let Ok(bytes) = hex::decode(rest) else {
                continue;
            };
            if let Ok(raw) = <[u8; 32]>::try_from(bytes.as_slice()) {
                keys.push(sr25519::Public::from_raw(raw));
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// Decrypts every key stored under `key_type`.
    pub fn load_pairs(&self, key_type: KeyType) -> Result<Vec<sr25519::Pair>, KeystoreError> {
        self.public_keys(key_type)?
            .iter()
            .map(|public| self.load(key_type, public))
            .collect()
    }

    /// Decrypts the key `public` of `key_type`.
    pub fn load(
        &self,
        key_type: KeyType,
        public: &sr25519::Public,
    ) -> Result<sr25519::Pair, KeystoreError> {
        let path = self.path_of(key_type, public);
        let corrupt = |reason: &str| KeystoreError::Corrupt {
            path: path.clone(),
            reason: reason.into(),
        };
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(&e.to_string()))?;
        let version = value["version"]
            .as_u64()
            .ok_or_else(|| corrupt("no version"))?;
        if version != u64::from(FORMAT_VERSION) {
            return Err(KeystoreError::UnsupportedVersion {
                path: path.clone(),
                version: u32::try_from(version).unwrap_or(u32::MAX),
            });
        }
        let file: KeyFile = serde_json::from_value(value).map_err(|e| corrupt(&e.to_string()))?;
        if file.key_type != key_type.to_string()
            || file.public != format!("0x{}", hex::encode(public.0))
        {
            return Err(corrupt("the file is not for the key its name says"));
        }
        let salt = unhex(&file.salt).ok_or_else(|| corrupt("bad salt"))?;
        let nonce: [u8; 24] = unhex(&file.nonce)
            .and_then(|n| n.try_into().ok())
            .ok_or_else(|| corrupt("bad nonce"))?;
        let ciphertext = unhex(&file.ciphertext).ok_or_else(|| corrupt("bad ciphertext"))?;
        let cipher = self.cipher(&file.kdf, &salt, &path)?;
        // AEAD failure: wrong password or altered file; the two cannot be told apart.
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    &XNonce::from(nonce),
                    Payload {
                        msg: &ciphertext,
                        aad: &associated_data(key_type, public),
                    },
                )
                .map_err(|_| KeystoreError::WrongPassword { path: path.clone() })?,
        );
        let suri = std::str::from_utf8(&plain).map_err(|_| corrupt("secret is not UTF-8"))?;
        let pair = sr25519::Pair::from_string(suri, None).map_err(|_| corrupt("bad secret"))?;
        if pair.public() != *public {
            return Err(corrupt("the secret is not the key's"));
        }
        Ok(pair)
    }

    fn path_of(&self, key_type: KeyType, public: &sr25519::Public) -> PathBuf {
        self.dir.join(format!(
            "{}{}",
            hex::encode(key_type.0),
            hex::encode(public.0)
        ))
    }

    fn cipher(
        &self,
        kdf: &KdfParams,
        salt: &[u8],
        path: &Path,
    ) -> Result<XChaCha20Poly1305, KeystoreError> {
        let params = scrypt::Params::new(kdf.log_n, kdf.r, kdf.p, 32).map_err(|e| {
            KeystoreError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("bad scrypt parameters: {e}"),
            }
        })?;
        if kdf.log_n > 22 {
            return Err(KeystoreError::Corrupt {
                path: path.to_path_buf(),
                reason: "scrypt cost above 2^22".into(),
            });
        }
        let mut key = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(self.password.0.as_bytes(), salt, &params, key.as_mut()).map_err(|e| {
            KeystoreError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("scrypt: {e}"),
            }
        })?;
        XChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| KeystoreError::Corrupt {
            path: path.to_path_buf(),
            reason: "bad key length".into(),
        })
    }
}

fn associated_data(key_type: KeyType, public: &sr25519::Public) -> Vec<u8> {
    let mut data = key_type.0.to_vec();
    data.extend_from_slice(&public.0);
    data
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text.strip_prefix("0x")?).ok()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> KeystoreError + '_ {
    move |source| KeystoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<(), KeystoreError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<(), KeystoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams {
        log_n: 4,
        r: 8,
        p: 1,
    };
    const POC: KeyType = KeyType(*b"poc_");

    fn keystore(dir: &Path, password: &str) -> Keystore {
        Keystore::open(dir, Password::new(password.into()).expect("password"))
            .expect("opens")
            .with_kdf(CHEAP)
    }

    #[test]
    fn keys_round_trip_and_are_listed_by_type() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = keystore(dir.path(), "correct horse");
        let (alice, path) = store.insert(POC, "//Alice//poc").expect("inserts");
        store
            .insert(KeyType(*b"othr"), "//Bob")
            .expect("other type");
        assert_eq!(store.public_keys(POC).expect("lists"), vec![alice]);
        let pairs = store.load_pairs(POC).expect("loads");
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].public(), alice);
        let text = std::fs::read_to_string(&path).expect("reads");
        assert!(
            !text.contains("Alice"),
            "the secret is not stored in plaintext"
        );
        store
            .insert(POC, "//Alice//poc")
            .expect("inserting again rewrites");
        assert_eq!(store.load_pairs(POC).expect("loads").len(), 1);
    }

    #[test]
    fn wrong_password_and_tampering_are_typed_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (public, path) = keystore(dir.path(), "right")
            .insert(POC, "//Alice//poc")
            .expect("inserts");
        assert!(matches!(
            keystore(dir.path(), "wrong").load(POC, &public),
            Err(KeystoreError::WrongPassword { .. })
        ));
        let store = keystore(dir.path(), "right");
        let original = std::fs::read_to_string(&path).expect("reads");
        let mut file: serde_json::Value = serde_json::from_str(&original).expect("json");
        let ciphertext = file["ciphertext"].as_str().expect("hex").to_string();
        let flipped = if ciphertext.ends_with('0') { "1" } else { "0" };
        file["ciphertext"] = format!("{}{flipped}", &ciphertext[..ciphertext.len() - 1]).into();
        std::fs::write(&path, file.to_string()).expect("writes");
        assert!(matches!(
            store.load(POC, &public),
            Err(KeystoreError::WrongPassword { .. })
        ));
        std::fs::write(&path, &original[..original.len() / 2]).expect("truncates");
        assert!(matches!(
            store.load(POC, &public),
            Err(KeystoreError::Corrupt { .. })
        ));
        let mut future: serde_json::Value = serde_json::from_str(&original).expect("json");
        future["version"] = 2.into();
        std::fs::write(&path, future.to_string()).expect("writes");
        assert!(matches!(
            store.load(POC, &public),
            Err(KeystoreError::UnsupportedVersion { version: 2, .. })
        ));
    }

    #[test]
    fn a_file_renamed_onto_another_key_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = keystore(dir.path(), "pw");
        let (alice, alice_path) = store.insert(POC, "//Alice//poc").expect("inserts");
        let bob = sr25519::Pair::from_string("//Bob//poc", None)
            .expect("key")
            .public();
        std::fs::copy(&alice_path, store.path_of(POC, &bob)).expect("copies");
        assert!(matches!(
            store.load(POC, &bob),
            Err(KeystoreError::Corrupt { .. })
        ));
        assert!(store.load(POC, &alice).is_ok());
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert!(matches!(
            Password::new(String::new()),
            Err(KeystoreError::EmptyPassword)
        ));
        assert!("poc".parse::<KeyType>().is_err());
        assert!("pöc".parse::<KeyType>().is_err());
        assert_eq!("poc_".parse::<KeyType>().expect("valid"), POC);
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            keystore(dir.path(), "pw").insert(POC, "not a key //"),
            Err(KeystoreError::BadSecret)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let keys = dir.path().join("keystore");
        let (_, path) = keystore(&keys, "pw")
            .insert(POC, "//Alice//poc")
            .expect("inserts");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&keys), 0o700);
    }
}
