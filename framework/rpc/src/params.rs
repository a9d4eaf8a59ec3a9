//! Positional parameters as Substrate's methods take them, parsed with clear errors.
//!
//! Substrate's methods take an array of parameters; trailing optional ones may be left out or
//! passed as `null`. Parameters beyond those a method knows are ignored, as jsonrpsee's generated
//! servers do. Every parse failure names the parameter and says what is wrong with it.

use jsonrpsee::types::Params;
use serde_json::Value;
use sp_core::{H256, U256};

use crate::error::ParamError;
use crate::hex::{parse_bytes, parse_hash};

/// The parameters of one call, by position.
#[derive(Debug, Clone, Default)]
pub struct PositionalParams(Vec<Value>);

/// A block number as Substrate's `NumberOrHex` accepts it: a JSON integer or a `0x` hex string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberOrHex {
    /// Given as a JSON number.
    Number(u64),
    /// Given as a hex string (up to 256 bits).
    Hex(U256),
}

impl NumberOrHex {
    /// The value as a block number, or `None` when it does not fit `u32`.
    pub fn to_block_number(self) -> Option<u32> {
        match self {
            Self::Number(n) => u32::try_from(n).ok(),
            Self::Hex(n) => {
                if n > U256::from(u32::MAX) {
                    None
                } else {
                    Some(n.low_u32())
                }
            }
        }
    }
}

impl std::fmt::Display for NumberOrHex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Number(n) => write!(f, "Number({n})"),
            Self::Hex(n) => write!(f, "Hex({n:#x})"),
        }
    }
}

/// Registers the blocking method `name` on `module`: its parameters are parsed into
/// [`PositionalParams`] (a malformed list is `E::from(ParamError)`), then `handler` answers.
/// What every `wcme_*` extension method does.
pub fn register_positional<R, E, F>(
    module: &mut jsonrpsee::RpcModule<()>,
    name: &'static str,
    handler: F,
) -> Result<(), crate::error::RpcError>
where
    R: serde::Serialize + Clone + Send + 'static,
    E: From<ParamError> + Into<jsonrpsee::types::ErrorObjectOwned>,
    F: Fn(&PositionalParams) -> Result<R, E> + Clone + Send + Sync + 'static,
{
    module.register_blocking_method(name, move |params, _, _| {
        let params = PositionalParams::new(&params).map_err(|e| E::from(e).into())?;
        handler(&params).map_err(Into::into)
    })?;
    Ok(())
}

impl PositionalParams {
    /// Reads the parameters of a call: an array, or nothing at all.
    pub fn new(params: &Params<'_>) -> Result<Self, ParamError> {
        let Some(raw) = params.as_str() else {
            return Ok(Self::default());
        };
        match serde_json::from_str::<Value>(raw) {
            Ok(Value::Array(values)) => Ok(Self(values)),
            Ok(Value::Null) => Ok(Self::default()),
            Ok(Value::Object(_)) => Err(ParamError::NotPositional),
            Ok(_) | Err(_) => Err(ParamError::NotPositional),
        }
    }

    /// Number of parameters given.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no parameter was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The raw value at `index`, `None` when absent or `null`.
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.0.get(index).filter(|v| !v.is_null())
    }

    /// An optional parameter converted by `convert`.
    pub fn optional<T>(
        &self,
        index: usize,
        name: &'static str,
        convert: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Result<Option<T>, ParamError> {
        match self.value(index) {
            None => Ok(None),
            Some(v) => convert(v).map(Some).map_err(|reason| ParamError::Invalid {
                index,
                name,
                reason,
            }),
        }
    }

    /// A required parameter converted by `convert`.
    pub fn required<T>(
        &self,
        index: usize,
        name: &'static str,
        convert: impl FnOnce(&Value) -> Result<T, String>,
    ) -> Result<T, ParamError> {
        self.optional(index, name, convert)?
            .ok_or(ParamError::Missing { index, name })
    }

    /// An optional block hash (`at`).
    pub fn hash_opt(&self, index: usize, name: &'static str) -> Result<Option<H256>, ParamError> {
        self.optional(index, name, hash)
    }

    /// A required block hash.
    pub fn hash(&self, index: usize, name: &'static str) -> Result<H256, ParamError> {
        self.required(index, name, hash)
    }

    /// Required hex bytes.
    pub fn bytes(&self, index: usize, name: &'static str) -> Result<Vec<u8>, ParamError> {
        self.required(index, name, bytes)
    }

    /// Optional hex bytes.
    pub fn bytes_opt(
        &self,
        index: usize,
        name: &'static str,
    ) -> Result<Option<Vec<u8>>, ParamError> {
        self.optional(index, name, bytes)
    }

    /// A required string.
    pub fn string(&self, index: usize, name: &'static str) -> Result<String, ParamError> {
        self.required(index, name, |v| match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(format!("expected a string, got {}", json_type(other))),
        })
    }

    /// A required `u32`.
    pub fn u32(&self, index: usize, name: &'static str) -> Result<u32, ParamError> {
        self.required(index, name, |v| {
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("expected an integer from 0 to {}, got {v}", u32::MAX))
        })
    }

    /// A required list of hex byte strings (storage keys).
    pub fn bytes_list(&self, index: usize, name: &'static str) -> Result<Vec<Vec<u8>>, ParamError> {
        self.required(index, name, bytes_list)
    }

    /// An optional list of hex byte strings (storage keys).
    pub fn bytes_list_opt(
        &self,
        index: usize,
        name: &'static str,
    ) -> Result<Option<Vec<Vec<u8>>>, ParamError> {
        self.optional(index, name, bytes_list)
    }
}

/// A hash from a JSON string.
pub fn hash(v: &Value) -> Result<H256, String> {
    match v {
        Value::String(s) => parse_hash(s).map_err(|e| format!("invalid block hash: {e}")),
        other => Err(format!(
            "expected a 0x-prefixed hex hash, got {}",
            json_type(other)
        )),
    }
}

/// Bytes from a JSON hex string.
pub fn bytes(v: &Value) -> Result<Vec<u8>, String> {
    match v {
        Value::String(s) => parse_bytes(s).map_err(|e| format!("invalid hex: {e}")),
        other => Err(format!(
            "expected a 0x-prefixed hex string, got {}",
            json_type(other)
        )),
    }
}

/// A list of byte strings from a JSON array of hex strings.
pub fn bytes_list(v: &Value) -> Result<Vec<Vec<u8>>, String> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| bytes(item).map_err(|e| format!("item {i}: {e}")))
            .collect(),
        other => Err(format!(
            "expected an array of hex strings, got {}",
            json_type(other)
        )),
    }
}

/// A block number as `NumberOrHex`.
pub fn number_or_hex(v: &Value) -> Result<NumberOrHex, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(NumberOrHex::Number)
            .ok_or_else(|| format!("expected a non-negative integer block number, got {n}")),
        Value::String(s) => {
            let digits = s
                .strip_prefix("0x")
                .ok_or_else(|| format!("expected a 0x-prefixed hex block number, got {s:?}"))?;
            if digits.is_empty() {
                return Err("empty hex block number".to_string());
            }
            U256::from_str_radix(digits, 16)
                .map(NumberOrHex::Hex)
                .map_err(|_| format!("invalid hex block number {s:?}"))
        }
        other => Err(format!(
            "expected a block number (integer or 0x-prefixed hex), got {}",
            json_type(other)
        )),
    }
}

/// An account id from an SS58 address of any network prefix, or from 32 bytes of `0x` hex.
pub fn account_id(v: &Value) -> Result<sp_core::crypto::AccountId32, String> {
    use sp_core::crypto::Ss58Codec;
    let Value::String(text) = v else {
        return Err("expected an SS58 address or 0x-hex account id string".into());
    };
    if let Some(hex) = text.strip_prefix("0x") {
        let bytes = parse_bytes(hex).map_err(|error| format!("invalid hex account id: {error}"))?;
        let raw: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| format!("a hex account id has 32 bytes, got {}", bytes.len()))?;
        return Ok(sp_core::crypto::AccountId32::new(raw));
    }
    sp_core::crypto::AccountId32::from_ss58check_with_version(text)
        .map(|(account, _format)| account)
        .map_err(|error| format!("invalid SS58 address {text:?}: {error}"))
}

/// Name of a JSON value's type, for error messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(json: &str) -> PositionalParams {
        match PositionalParams::new(&Params::new(Some(json))) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn optional_trailing_params() {
        let p = params("[\"0x01\", null]");
        assert_eq!(p.bytes(0, "key"), Ok(vec![1]));
        assert_eq!(p.hash_opt(1, "at"), Ok(None));
        assert_eq!(p.hash_opt(2, "at"), Ok(None));
        assert_eq!(
            p.bytes(3, "x"),
            Err(ParamError::Missing {
                index: 3,
                name: "x"
            })
        );
    }

    #[test]
    fn named_params_are_rejected() {
        let r = PositionalParams::new(&Params::new(Some("{\"key\":\"0x01\"}")));
        assert_eq!(r.map(|_| ()), Err(ParamError::NotPositional));
    }

    #[test]
    fn number_or_hex_forms() {
        assert_eq!(
            number_or_hex(&serde_json::json!(31)),
            Ok(NumberOrHex::Number(31))
        );
        assert_eq!(
            number_or_hex(&serde_json::json!("0x1f")).map(|n| n.to_block_number()),
            Ok(Some(31))
        );
        assert!(number_or_hex(&serde_json::json!(-1)).is_err());
        assert!(number_or_hex(&serde_json::json!("1f")).is_err());
        assert!(number_or_hex(&serde_json::json!(1.5)).is_err());
        assert_eq!(NumberOrHex::Number(1 << 32).to_block_number(), None);
        assert_eq!(
            NumberOrHex::Hex(U256::from(u64::MAX)).to_block_number(),
            None
        );
    }
}
