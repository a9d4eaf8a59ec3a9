//! Key types and the password.

use std::{fmt, str::FromStr};

use zeroize::Zeroizing;

use crate::KeystoreError;

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
        if !bytes.iter().all(u8::is_ascii_graphic) {
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

/// The keystore password, wiped from memory when dropped and never printed.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// A password; an empty one is refused (there is no unencrypted keystore).
    pub fn new(text: impl Into<Zeroizing<String>>) -> Result<Self, KeystoreError> {
        let text = text.into();
        if text.is_empty() {
            return Err(KeystoreError::EmptyPassword);
        }
        Ok(Self(text))
    }

    /// A password read from a file: one trailing newline (`\n` or `\r\n`) is not part of it.
    pub fn from_file_contents(contents: Zeroizing<String>) -> Result<Self, KeystoreError> {
        let line = contents.strip_suffix('\n').unwrap_or(&contents);
        let line = line.strip_suffix('\r').unwrap_or(line);
        Self::new(Zeroizing::new(line.to_string()))
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}
