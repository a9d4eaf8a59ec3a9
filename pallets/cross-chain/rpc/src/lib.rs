//! The `wcme_*` JSON-RPC methods of the cross-chain audit — the audited head of a subchain, or
//! one audited header — on the main chain, and of the WCME bridge on a subchain.
//!
//! Each method calls a runtime API (see `pallet_wcme_cross_chain::runtime_api`: the main
//! chain's `CrossChainApi`, a subchain's `SubchainBridgeApi`) at the best block, or at the block
//! hash given as the last parameter, and returns JSON. Hashes and roots are `0x` hex; numbers
//! are JSON integers, balances decimal strings.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_auditedHead` | `subchainId: u32`, `at?` | `header` or `null` (nothing audited) |
//! | `wcme_auditedHeader` | `subchainId: u32`, `number: u32`, `at?` | `header` or `null` (not audited, or pruned) |
//! | `wcme_bridgeStatus` | `at?` | `{subchainId, minted, nextOutboundSeq, nextInboundSeq, mainFinalizedHead}` (subchains) |
//!
//! A header is `{number, hash, parentHash, stateRoot, extrinsicsRoot}`; `mainFinalizedHead` is
//! `{number, hash, stateRoot, round}` or `null` (the light client is not anchored). Bad
//! parameters are `-32602`; an unknown block or a runtime without the API is
//! [`RUNTIME_CALL_FAILED`].

use std::sync::Arc;

use codec::Encode;
use jsonrpsee::RpcModule;
use pallet_wcme_cross_chain::{AuditedHeader, main_client::FinalizedMainHeader};
use serde_json::{Value, json};
use wcme_rpc::{PositionalParams, RpcError, RuntimeApiError, hex::to_hex, register_positional};
use wcme_service::{Client, call_runtime_api};

pub use wcme_rpc::codes::RUNTIME_CALL_FAILED;

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

fn audited_head(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let id = params.required(0, "subchainId", subchain_id)?;
    let at = params.hash_opt(1, "at")?;
    let head: Option<AuditedHeader> =
        call_runtime_api(client, at, "CrossChainApi_audited_head", &id.encode())?;
    Ok(head.as_ref().map_or(Value::Null, header_json))
}

fn audited_header(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let id = params.required(0, "subchainId", subchain_id)?;
    let number = params.u32(1, "number")?;
    let at = params.hash_opt(2, "at")?;
    let header: Option<AuditedHeader> = call_runtime_api(
        client,
        at,
        "CrossChainApi_audited_header",
        &(id, number).encode(),
    )?;
    Ok(header.as_ref().map_or(Value::Null, header_json))
}

/// A subchain's side of WCME transfers and its light client's head, from `SubchainBridgeApi`.
fn bridge_status(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let at = params.hash_opt(0, "at")?;
    let subchain_id: Option<u32> =
        call_runtime_api(client, at, "SubchainBridgeApi_subchain_id", &[])?;
    let minted: u128 = call_runtime_api(client, at, "SubchainBridgeApi_minted", &[])?;
    let next_outbound: u64 =
        call_runtime_api(client, at, "SubchainBridgeApi_next_outbound_seq", &[])?;
    let next_inbound: u64 =
        call_runtime_api(client, at, "SubchainBridgeApi_next_inbound_seq", &[])?;
    let head: Option<FinalizedMainHeader> =
        call_runtime_api(client, at, "SubchainBridgeApi_main_finalized_head", &[])?;
    Ok(json!({
        "subchainId": subchain_id,
        "minted": minted.to_string(),
        "nextOutboundSeq": next_outbound,
        "nextInboundSeq": next_inbound,
        "mainFinalizedHead": head.map(|head| json!({
            "number": head.number,
            "hash": to_hex(head.hash.as_bytes()),
            "stateRoot": to_hex(head.state_root.as_bytes()),
            "round": head.round,
        })),
    }))
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
    let c = client.clone();
    register_positional(&mut module, "wcme_bridgeStatus", move |params| {
        bridge_status(&c, params)
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use codec::Decode;
    use sp_core::H256;

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
