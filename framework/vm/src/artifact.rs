//! Compiled-module artifacts: modules compiled once (at upload) and kept, so that executing a
//! contract later costs a cheap load (deserialization) instead of a Cranelift compilation.
//!
//! An [`ArtifactStore`] keeps the serialized bytes of compiled modules by [`ArtifactKey`]: the
//! code hash plus a fingerprint of the engine that compiled it (wasmtime's
//! `Engine::precompile_compatibility_hash`, which covers wasmtime's version, the compiler and
//! its settings, and the [`VmConfig`]), so artifacts of another wasmtime or configuration are
//! never even looked up. [`DirStore`] keeps them as files in a directory (the node's
//! `<base path>/chains/<chain id>/contracts`, set with [`set_artifact_dir`]); [`MemoryStore`]
//! keeps them in memory (tests, and every [`Vm`](crate::Vm) created when no directory is set).
//!
//! Every artifact is framed: a magic, the blake2-256 checksum of the rest and the module's
//! data-segment size, then the serialized module; the Vm verifies the frame before it
//! deserializes the module.

use std::{
    collections::HashMap,
    fs,
    hash::Hasher,
    io::Write,
    path::{Path, PathBuf},
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use parking_lot::Mutex;

use crate::{config::VmConfig, exec::LOG_TARGET};

/// First bytes of every artifact (format version 1).
const MAGIC: &[u8; 8] = b"WCMEART1";
/// Bytes of the frame before the serialized module: magic, checksum, data bytes.
const HEADER_LEN: usize = 8 + 32 + 8;

/// Where an artifact is kept: the code hash and the engine fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArtifactKey {
    /// blake2-256 of the contract code.
    pub code_hash: [u8; 32],
    /// Fingerprint of the engine that compiled it: blake2-256 of wasmtime's
    /// `Engine::precompile_compatibility_hash` and of the [`VmConfig`].
    pub engine: [u8; 32],
}

impl ArtifactKey {
    /// The file name of this artifact inside its engine's directory.
    fn file_name(&self) -> String {
        format!("{}.cwasm", hex(&self.code_hash))
    }

    /// The directory of this artifact's engine, under `root`.
    fn engine_dir(&self, root: &Path) -> PathBuf {
        root.join(hex(&self.engine[..16]))
    }
}

/// Keeps serialized compiled modules. Implementations must be cheap to call concurrently;
/// failures are not errors for the caller (a missing artifact is compiled again), so they are
/// logged by the store and swallowed.
pub trait ArtifactStore: Send + Sync {
    /// The bytes stored under `key`, if any.
    fn load(&self, key: &ArtifactKey) -> Option<Vec<u8>>;
    /// Stores `bytes` under `key`, replacing what was there.
    fn store(&self, key: &ArtifactKey, bytes: &[u8]);
    /// Removes what is stored under `key`, if anything.
    fn remove(&self, key: &ArtifactKey);
}

/// Artifacts in memory, lost with the process.
#[derive(Default)]
pub struct MemoryStore {
    artifacts: Mutex<HashMap<ArtifactKey, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of artifacts stored.
    pub fn len(&self) -> usize {
        self.artifacts.lock().len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.artifacts.lock().is_empty()
    }

    /// Replaces the bytes under `key` (tests: corrupting an artifact).
    pub fn tamper(&self, key: &ArtifactKey, f: impl FnOnce(&mut Vec<u8>)) {
        if let Some(bytes) = self.artifacts.lock().get_mut(key) {
            f(bytes);
        }
    }
}

impl ArtifactStore for MemoryStore {
    fn load(&self, key: &ArtifactKey) -> Option<Vec<u8>> {
        self.artifacts.lock().get(key).cloned()
    }

    fn store(&self, key: &ArtifactKey, bytes: &[u8]) {
        self.artifacts.lock().insert(*key, bytes.to_vec());
    }

    fn remove(&self, key: &ArtifactKey) {
        self.artifacts.lock().remove(key);
    }
}

/// Artifacts as files: `<root>/<engine fingerprint, 32 hex digits>/<code hash>.cwasm`.
///
/// Files are written atomically (a temporary file in the same directory, then renamed over
/// the final name), so a reader sees a whole artifact or none; a torn or corrupted file is
/// caught by the artifact's checksum anyway.
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    /// A store under `root` (created when the first artifact is stored).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The directory artifacts are kept under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`.
    pub fn path(&self, key: &ArtifactKey) -> PathBuf {
        key.engine_dir(&self.root).join(key.file_name())
    }

    fn write(&self, key: &ArtifactKey, bytes: &[u8]) -> std::io::Result<()> {
        static TEMP: AtomicU64 = AtomicU64::new(0);
        let dir = key.engine_dir(&self.root);
        fs::create_dir_all(&dir)?;
        let temp = dir.join(format!(
            ".{}.{}.{}.tmp",
            key.file_name(),
            std::process::id(),
            TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(bytes)?;
            file.sync_data()?;
            fs::rename(&temp, self.path(key))
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }
}

impl ArtifactStore for DirStore {
    fn load(&self, key: &ArtifactKey) -> Option<Vec<u8>> {
        match fs::read(self.path(key)) {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                tracing::debug!(target: LOG_TARGET, %error, path = %self.path(key).display(), "cannot read artifact");
                None
            }
        }
    }

    fn store(&self, key: &ArtifactKey, bytes: &[u8]) {
        if let Err(error) = self.write(key, bytes) {
            tracing::warn!(
                target: LOG_TARGET,
                %error,
                path = %self.path(key).display(),
                "cannot store compiled contract (it will be compiled again when next needed)"
            );
        }
    }

    fn remove(&self, key: &ArtifactKey) {
        match fs::remove_file(self.path(key)) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                tracing::debug!(target: LOG_TARGET, %error, path = %self.path(key).display(), "cannot remove artifact");
            }
        }
    }
}

/// The process-wide artifact directory, see [`set_artifact_dir`].
static ARTIFACT_DIR: OnceLock<PathBuf> = OnceLock::new();

/// The artifact directory was set already, to another path.
#[derive(Debug, thiserror::Error)]
#[error("the contract artifact directory is already set to {current}")]
pub struct ArtifactDirAlreadySet {
    /// The directory already set.
    pub current: PathBuf,
}

/// Sets the directory every [`Vm`](crate::Vm) created afterwards in this process keeps its
/// compiled modules in ([`DirStore`]). Set it before the first contract runs (a Vm created
/// before keeps its store). Setting the same path again is fine; another path is an error.
/// Without it, Vms keep artifacts in memory ([`MemoryStore`]).
pub fn set_artifact_dir(path: impl Into<PathBuf>) -> Result<(), ArtifactDirAlreadySet> {
    let path = path.into();
    let current = ARTIFACT_DIR.get_or_init(|| path.clone());
    if *current == path {
        tracing::debug!(target: LOG_TARGET, path = %path.display(), "contract artifact directory");
        Ok(())
    } else {
        Err(ArtifactDirAlreadySet {
            current: current.clone(),
        })
    }
}

/// The directory set with [`set_artifact_dir`], if any.
pub fn artifact_dir() -> Option<&'static Path> {
    ARTIFACT_DIR.get().map(PathBuf::as_path)
}

/// Collects what is hashed into bytes, to hash them with blake2 (std's hashers are not stable
/// across Rust versions, this is).
#[derive(Default)]
struct Collect(Vec<u8>);

impl Hasher for Collect {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// The fingerprint of an engine: blake2-256 of wasmtime's compatibility hash of `engine`
/// (wasmtime's version, target, compiler settings and tunables) and of `config` (the fuel
/// costs and limits, which are compiled into the code).
pub(crate) fn engine_fingerprint(engine: &wasmtime::Engine, config: &VmConfig) -> [u8; 32] {
    let mut collect = Collect::default();
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut collect);
    collect.0.extend_from_slice(b"|wcme-vm artifact v1|");
    collect
        .0
        .extend_from_slice(format!("{config:?}").as_bytes());
    sp_crypto_hashing::blake2_256(&collect.0)
}

/// Frames serialized `module` bytes: magic, blake2-256 of (data bytes ‖ module), data bytes
/// (little endian), module.
pub(crate) fn encode(data_bytes: u64, module: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN.saturating_add(module.len()));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&checksum(data_bytes, module));
    out.extend_from_slice(&data_bytes.to_le_bytes());
    out.extend_from_slice(module);
    out
}

/// Why an artifact was not used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum BadArtifact {
    /// Too short or wrong magic.
    #[error("not an artifact of this format")]
    Format,
    /// The checksum does not match.
    #[error("checksum mismatch")]
    Checksum,
}

/// The data bytes and serialized module of a framed artifact, if its frame and checksum are
/// right.
pub(crate) fn decode(bytes: &[u8]) -> Result<(u64, &[u8]), BadArtifact> {
    let (header, module) = bytes
        .split_at_checked(HEADER_LEN)
        .ok_or(BadArtifact::Format)?;
    let (magic, rest) = header.split_at(MAGIC.len());
    let (sum, data) = rest.split_at(32);
    if magic != MAGIC {
        return Err(BadArtifact::Format);
    }
    let data_bytes = u64::from_le_bytes(data.try_into().map_err(|_| BadArtifact::Format)?);
    if checksum(data_bytes, module) != sum {
        return Err(BadArtifact::Checksum);
    }
    Ok((data_bytes, module))
}

fn checksum(data_bytes: u64, module: &[u8]) -> [u8; 32] {
    let mut input = Vec::with_capacity(module.len().saturating_add(8));
    input.extend_from_slice(&data_bytes.to_le_bytes());
    input.extend_from_slice(module);
    sp_crypto_hashing::blake2_256(&input)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_round_trip_and_checks() {
        let framed = encode(7, b"module");
        assert_eq!(decode(&framed), Ok((7, &b"module"[..])));
        let mut flipped = framed.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert_eq!(decode(&flipped), Err(BadArtifact::Checksum));
        assert_eq!(decode(&framed[..10]), Err(BadArtifact::Format));
        let mut magic = framed;
        magic[0] = b'X';
        assert_eq!(decode(&magic), Err(BadArtifact::Format));
    }

    #[test]
    fn dir_store_round_trip() {
        let dir = std::env::temp_dir().join(format!("wcme-vm-artifacts-{}", std::process::id()));
        let store = DirStore::new(&dir);
        let key = ArtifactKey {
            code_hash: [1; 32],
            engine: [2; 32],
        };
        assert_eq!(store.load(&key), None);
        store.store(&key, b"bytes");
        assert_eq!(store.load(&key).as_deref(), Some(&b"bytes"[..]));
        store.store(&key, b"other");
        assert_eq!(store.load(&key).as_deref(), Some(&b"other"[..]));
        let other_engine = ArtifactKey {
            engine: [3; 32],
            ..key
        };
        assert_eq!(store.load(&other_engine), None);
        store.remove(&key);
        assert_eq!(store.load(&key), None);
        let _ = fs::remove_dir_all(&dir);
    }
}
