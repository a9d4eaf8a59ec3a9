//! The `wcme_*` JSON-RPC methods of the cross-chain audit: the audited head of a subchain, or
//! one audited header.
//!
//! Each method calls the runtime's `CrossChainApi` (see `pallet_wcme_cross_chain::runtime_api`)
//! at the best block, or at the block hash given as the last parameter, and returns JSON.
//! Hashes and roots are `0x` hex; numbers are JSON integers.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_auditedHead` | `subchainId: u32`, `at?` | `header` or `null` (nothing audited) |
//! | `wcme_auditedHeader` | `subchainId: u32`, `number: u32`, `at?` | `header` or `null` (not audited, or pruned) |
//!
//! A header is `{number, hash, parentHash, stateRoot, extrinsicsRoot}`. Bad parameters are
//! `-32602`; an unknown block or a runtime without `CrossChainApi` is [`RUNTIME_CALL_FAILED`].

use std::sync::Arc;

use codec::{Decode, Encode};
use jsonrpsee::{RpcModule, types::ErrorObjectOwned};
use pallet_wcme_cross_chain::AuditedHeader;
use serde_json::{Value, json};
use sp_core::H256;
use wcme_rpc::{ParamError, PositionalParams, RpcError, hex::to_hex, register_positional};
use wcme_service::Client;

/// JSON-RPC error code of a failed runtime call or unknown block (as the other `wcme_*`
/// methods).
pub const RUNTIME_CALL_FAILED: i32 = 5002;

/// Why a `wcme_*` cross-chain call failed.
#[derive(Debug, thiserror::Error)]
pub enum CrossChainRpcError {
    /// A parameter is missing or malformed (`-32602`).
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The runtime call failed (unknown block, runtime without `CrossChainApi`, …).
    #[error("runtime call failed: {0}")]
    Runtime(String),
}

impl From<CrossChainRpcError> for ErrorObjectOwned {
    fn from(error: CrossChainRpcError) -> Self {
        match error {
            CrossChainRpcError::Param(param) => param.into(),
            CrossChainRpcError::Runtime(message) => {
                ErrorObjectOwned::owned(RUNTIME_CALL_FAILED, "Runtime call failed", Some(message))
            }
        }
    }
}

/// A subchain id: a JSON integer that fits `u32`.
fn subchain_id(value: &Value) -> Result<u32, String> {
    value
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| format!("`{value}` is not a subchain id (u32)"))
}

/// One audited header's JSON.
pub fn header_json(header: &AuditedHeader) -> Value {
    json!({
        "number": header.number,
        "hash": to_hex(header.hash.as_bytes()),
        "parentHash": to_hex(header.parent_hash.as_bytes()),
        "stateRoot": to_hex(header.state_root.as_bytes()),
        "extrinsicsRoot": to_hex(header.extrinsics_root.as_bytes()),
    })
}

/// Calls a `CrossChainApi` method at `at` (default: best block) and decodes the result.
fn call<R: Decode>(
    client: &Client,
    at: Option<H256>,
    method: &'static str,
    args: &[u8],
) -> Result<R, CrossChainRpcError> {
    let at = at.unwrap_or(client.info().best.1);
    client
        .executor()
        .call_decoded(&at, method, args)
        .map_err(|error| CrossChainRpcError::Runtime(error.to_string()))
}

fn audited_head(client: &Client, params: &PositionalParams) -> Result<Value, CrossChainRpcError> {
    let id = params.required(0, "subchainId", subchain_id)?;
    let at = params.hash_opt(1, "at")?;
    let head: Option<AuditedHeader> = call(client, at, "CrossChainApi_audited_head", &id.encode())?;
    Ok(head.as_ref().map_or(Value::Null, header_json))
}

fn audited_header(client: &Client, params: &PositionalParams) -> Result<Value, CrossChainRpcError> {
    let id = params.required(0, "subchainId", subchain_id)?;
    let number = params.u32(1, "number")?;
    let at = params.hash_opt(2, "at")?;
    let header: Option<AuditedHeader> = call(
        client,
        at,
        "CrossChainApi_audited_header",
        &(id, number).encode(),
    )?;
    Ok(header.as_ref().map_or(Value::Null, header_json))
}

/// The `wcme_*` cross-chain methods over `client`, for `NodeSpec::rpc_extensions`.
pub fn rpc_module(client: &Arc<Client>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    let c = client.clone();
    register_positional(&mut module, "wcme_auditedHead", move |params| {
        audited_head(&c, params)
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_auditedHeader", move |params| {
        audited_header(&c, params)
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> AuditedHeader {
        AuditedHeader {
            number: 42,
            hash: H256::repeat_byte(0x01),
            parent_hash: H256::repeat_byte(0x02),
            state_root: H256::repeat_byte(0x03),
            extrinsics_root: H256::repeat_byte(0x04),
        }
    }

    #[test]
    fn headers_render_as_camel_case_hex() {
        assert_eq!(
            header_json(&header()),
            json!({
                "number": 42,
                "hash": format!("0x{}", "01".repeat(32)),
                "parentHash": format!("0x{}", "02".repeat(32)),
                "stateRoot": format!("0x{}", "03".repeat(32)),
                "extrinsicsRoot": format!("0x{}", "04".repeat(32)),
            })
        );
    }

    #[test]
    fn headers_decode_from_the_runtime_encoding() {
        let encoded = Some(header()).encode();
        let decoded: Option<AuditedHeader> = Decode::decode(&mut &encoded[..]).expect("decodes");
        assert_eq!(decoded, Some(header()));
        // The arguments of `audited_header` are two `u32`s, little-endian.
        assert_eq!((7u32, 9u32).encode(), vec![7, 0, 0, 0, 9, 0, 0, 0]);
    }

    #[test]
    fn ids_parse_strictly() {
        assert_eq!(subchain_id(&json!(7)), Ok(7));
        assert_eq!(subchain_id(&json!(u32::MAX)), Ok(u32::MAX));
        assert!(subchain_id(&json!(4_294_967_296u64)).is_err());
        assert!(subchain_id(&json!(-1)).is_err());
        assert!(subchain_id(&json!("7")).is_err());
    }
}
