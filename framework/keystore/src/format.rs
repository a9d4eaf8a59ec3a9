//! The key file, format version 1: JSON holding the key type, the public key, the scrypt
//! parameters and salt, a password check, and the secret URI sealed with XChaCha20-Poly1305.
//!
//! scrypt turns the password and the file's salt into 48 bytes: the first 32 are the AEAD key,
//! the next 16 the stored password check. The check tells a wrong password (check differs) from
//! a tampered ciphertext (check matches, authentication fails); it costs an attacker as much as
//! the AEAD key does, since both come from the same scrypt run. The key type and public key are
//! the AEAD's associated data, so a file copied under another key's name does not open. The
//! secret is padded with zero bytes to a multiple of 128 bytes, so the file does not tell how
//! long it is (a `//Alice`-style URI from a 24-word phrase).

use std::path::Path;

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};
use serde::{Deserialize, Serialize};
use sp_core::sr25519;
use zeroize::Zeroizing;

use crate::{KeyType, KeystoreError, Password};

/// The file format version this crate writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// Largest key file read: a version-1 file is well under 1 KiB.
pub(crate) const MAX_FILE_LEN: u64 = 64 * 1024;

/// Largest scrypt memory (`128 · r · 2^log_n` bytes) a file may ask for: 1 GiB.
const MAX_KDF_MEMORY: u64 = 1 << 30;
/// Most scrypt lanes a file may ask for (each costs a full pass over the memory).
const MAX_KDF_LANES: u32 = 16;

const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
const CHECK_LEN: usize = 16;
/// The sealed secret's length is a multiple of this.
const PAD_BLOCK: usize = 128;

/// scrypt cost: `2^log_n` iterations over blocks of `128 · r` bytes, in `p` lanes. The default
/// (15, 8, 1) takes 32 MiB and about 0.1 s per key; each file stores its own parameters, so the
/// default can be raised without breaking existing files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KdfParams {
    /// log2 of the iteration count.
    pub log_n: u8,
    /// Block size factor.
    pub r: u32,
    /// Parallelism (lanes).
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

impl KdfParams {
    /// The scrypt parameters, if valid and within the limits a node is willing to spend (a
    /// tampered file must not make the node allocate gigabytes or spin for hours).
    fn scrypt(&self) -> Result<scrypt::Params, String> {
        let within_memory = self.log_n < 64
            && 128 * u128::from(self.r) * (1u128 << self.log_n) <= u128::from(MAX_KDF_MEMORY);
        if !within_memory || self.p > MAX_KDF_LANES {
            return Err(format!(
                "scrypt cost logN={} r={} p={} exceeds the limits (1 GiB, {MAX_KDF_LANES} lanes)",
                self.log_n, self.r, self.p
            ));
        }
        scrypt::Params::new(self.log_n, self.r, self.p, KEY_LEN + CHECK_LEN)
            .map_err(|e| format!("bad scrypt parameters: {e}"))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyFile {
    version: u64,
    key_type: String,
    public: String,
    kdf: KdfParams,
    salt: String,
    password_check: String,
    nonce: String,
    ciphertext: String,
}

/// The key and check scrypt derives from a password and salt.
struct Derived {
    key: Zeroizing<[u8; KEY_LEN]>,
    check: [u8; CHECK_LEN],
}

fn derive(
    password: &Password,
    kdf: &KdfParams,
    salt: &[u8],
    path: &Path,
) -> Result<Derived, KeystoreError> {
    let params = kdf
        .scrypt()
        .map_err(|reason| KeystoreError::corrupt(path, reason))?;
    let mut out = Zeroizing::new([0u8; KEY_LEN + CHECK_LEN]);
    scrypt::scrypt(password.expose(), salt, &params, out.as_mut())
        .map_err(|e| KeystoreError::corrupt(path, format!("scrypt: {e}")))?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&out[..KEY_LEN]);
    let mut check = [0u8; CHECK_LEN];
    check.copy_from_slice(&out[KEY_LEN..]);
    Ok(Derived { key, check })
}

fn associated_data(key_type: KeyType, public: &sr25519::Public) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + 32);
    data.extend_from_slice(&key_type.0);
    data.extend_from_slice(&public.0);
    data
}

fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text.strip_prefix("0x")?).ok()
}

/// Encrypts `secret` (a secret URI, without zero bytes) into the bytes of a key file.
pub(crate) fn seal(
    password: &Password,
    kdf: KdfParams,
    key_type: KeyType,
    public: &sr25519::Public,
    secret: &[u8],
    path: &Path,
) -> Result<Vec<u8>, KeystoreError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::getrandom(&mut salt).map_err(|e| KeystoreError::Random(e.to_string()))?;
    getrandom::getrandom(&mut nonce).map_err(|e| KeystoreError::Random(e.to_string()))?;
    let derived = derive(password, &kdf, &salt, path)?;
    let padded_len = secret.len().div_ceil(PAD_BLOCK).max(1) * PAD_BLOCK;
    let mut padded = Zeroizing::new(Vec::with_capacity(padded_len));
    padded.extend_from_slice(secret);
    padded.resize(padded_len, 0);
    let ciphertext = XChaCha20Poly1305::new(derived.key.as_ref().into())
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &padded,
                aad: &associated_data(key_type, public),
            },
        )
        .map_err(|_| KeystoreError::corrupt(path, "encryption failed"))?;
    let file = KeyFile {
        version: FORMAT_VERSION,
        key_type: key_type.to_string(),
        public: hex0x(&public.0),
        kdf,
        salt: hex0x(&salt),
        password_check: hex0x(&derived.check),
        nonce: hex0x(&nonce),
        ciphertext: hex0x(&ciphertext),
    };
    let mut json = serde_json::to_vec_pretty(&file)
        .map_err(|e| KeystoreError::corrupt(path, e.to_string()))?;
    json.push(b'\n');
    Ok(json)
}

/// Decrypts the secret URI in the key file `bytes`, which its name says holds `public` of
/// `key_type`.
pub(crate) fn open(
    password: &Password,
    key_type: KeyType,
    public: &sr25519::Public,
    bytes: &[u8],
    path: &Path,
) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    let corrupt = |reason: &str| KeystoreError::corrupt(path, reason);
    // The version first: a newer format may have other fields, and deserves its own error.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(&format!("not JSON: {e}")))?;
    let version = value
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| corrupt("no format version"))?;
    if version != FORMAT_VERSION {
        return Err(KeystoreError::UnsupportedVersion {
            path: path.to_path_buf(),
            version,
        });
    }
    let file: KeyFile = serde_json::from_value(value).map_err(|e| corrupt(&e.to_string()))?;
    if file.key_type != key_type.to_string() || file.public != hex0x(&public.0) {
        return Err(corrupt("the file is not for the key its name says"));
    }
    let salt = unhex(&file.salt)
        .filter(|s| s.len() == SALT_LEN)
        .ok_or_else(|| corrupt("bad salt"))?;
    let check = unhex(&file.password_check)
        .filter(|c| c.len() == CHECK_LEN)
        .ok_or_else(|| corrupt("bad password check"))?;
    let nonce: [u8; NONCE_LEN] = unhex(&file.nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| corrupt("bad nonce"))?;
    let ciphertext = unhex(&file.ciphertext).ok_or_else(|| corrupt("bad ciphertext"))?;
    let derived = derive(password, &file.kdf, &salt, path)?;
    if !equal(&derived.check, &check) {
        return Err(KeystoreError::WrongPassword {
            path: path.to_path_buf(),
        });
    }
    let plain = XChaCha20Poly1305::new(derived.key.as_ref().into())
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: &ciphertext,
                aad: &associated_data(key_type, public),
            },
        )
        .map_err(|_| corrupt("the ciphertext fails authentication (altered or cut short)"))?;
    let mut plain = Zeroizing::new(plain);
    let len = plain
        .iter()
        .rposition(|b| *b != 0)
        .map_or(0, |last| last + 1);
    plain.truncate(len);
    Ok(plain)
}

/// Compares without an early exit.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
