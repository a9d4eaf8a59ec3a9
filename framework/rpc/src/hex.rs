//! Hex encoding as Substrate's RPC writes it: lowercase, `0x`-prefixed.
//!
//! Parsing accepts the prefix or not (like `sp_core::bytes`) and says exactly what is wrong, so a
//! client sees "odd number of hex digits" rather than a generic decode failure.

use sp_core::H256;

/// Why a hex string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The number of digits is odd.
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
    /// A character is not a hex digit.
    #[error("invalid hex character {character:?} at position {index}")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its position after the `0x` prefix.
        index: usize,
    },
    /// The value has the wrong number of bytes.
    #[error("expected {expected} bytes, got {got}")]
    WrongLength {
        /// Bytes required.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}

/// `0x`-prefixed lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("0x");
    out.push_str(&hex::encode(bytes));
    out
}

/// Bytes of a hex string, with or without `0x`.
pub fn parse_bytes(s: &str) -> Result<Vec<u8>, HexError> {
    let digits = s.strip_prefix("0x").unwrap_or(s);
    if let Some((index, character)) = digits.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(HexError::InvalidCharacter { character, index });
    }
    if !digits.len().is_multiple_of(2) {
        return Err(HexError::OddLength(digits.len()));
    }
    hex::decode(digits).map_err(|_| HexError::OddLength(digits.len()))
}

/// A 32-byte hash from hex, with or without `0x`.
pub fn parse_hash(s: &str) -> Result<H256, HexError> {
    let bytes = parse_bytes(s)?;
    if bytes.len() != 32 {
        return Err(HexError::WrongLength {
            expected: 32,
            got: bytes.len(),
        });
    }
    Ok(H256::from_slice(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_and_without_prefix() {
        assert_eq!(to_hex(&[0xab, 0x01]), "0xab01");
        assert_eq!(parse_bytes("0xab01"), Ok(vec![0xab, 0x01]));
        assert_eq!(parse_bytes("AB01"), Ok(vec![0xab, 0x01]));
        assert_eq!(parse_bytes("0x"), Ok(vec![]));
        assert_eq!(to_hex(&[]), "0x");
    }

    #[test]
    fn rejects_bad_hex_with_a_reason() {
        assert_eq!(parse_bytes("0xabc"), Err(HexError::OddLength(3)));
        assert_eq!(
            parse_bytes("0xzz"),
            Err(HexError::InvalidCharacter {
                character: 'z',
                index: 0
            })
        );
        assert_eq!(
            parse_hash("0x0102"),
            Err(HexError::WrongLength {
                expected: 32,
                got: 2
            })
        );
        let h = H256::repeat_byte(7);
        assert_eq!(parse_hash(&to_hex(h.as_bytes())), Ok(h));
    }
}
