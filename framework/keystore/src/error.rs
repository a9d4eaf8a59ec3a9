//! What can go wrong in the keystore.

use std::path::PathBuf;

use crate::format::FORMAT_VERSION;

/// Why the keystore cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// Reading or writing a file or the directory failed.
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
    /// The password does not open this file (or the file's salt or KDF parameters were altered,
    /// which cannot be told apart from a wrong password).
    #[error("wrong keystore password for {path}")]
    WrongPassword {
        /// The key file.
        path: PathBuf,
    },
    /// The file is not a key file of this format, was cut short or tampered with, or its
    /// contents disagree with its name.
    #[error("corrupt key file {path}: {reason}")]
    Corrupt {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file was written in a format version this node does not read.
    #[error(
        "key file {path} has format version {version}; this node reads version {FORMAT_VERSION}"
    )]
    UnsupportedVersion {
        /// The key file.
        path: PathBuf,
        /// Its version.
        version: u64,
    },
    /// The keystore already holds this public key under another secret URI (e.g. the phrase
    /// where a seed is being inserted); it is never overwritten.
    #[error(
        "{path} already holds this public key with a different secret URI; remove the file to replace it"
    )]
    Conflict {
        /// The existing key file.
        path: PathBuf,
    },
    /// The system's random number generator failed.
    #[error("no randomness for the key file: {0}")]
    Random(String),
}

impl KeystoreError {
    pub(crate) fn corrupt(path: &std::path::Path, reason: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
