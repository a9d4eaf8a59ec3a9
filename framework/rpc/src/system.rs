//! `system_*`: facts about the node and its chain, peers, health and account nonces.

use std::sync::Arc;

use jsonrpsee::RpcModule;
use jsonrpsee::types::ErrorObjectOwned;
use serde::Serialize;
use serde_json::Value;
use sp_core::H256;
use sp_core::crypto::{AccountId32, Ss58Codec};
use wcme_primitives::{AccountId, BlockNumber, Nonce};

use crate::backend::NodeBackend;
use crate::error::{RpcError, SystemError};
use crate::hex::parse_bytes;
use crate::params::{PositionalParams, json_type};

/// `system_health` as Substrate serializes it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct HealthJson {
    peers: usize,
    is_syncing: bool,
    should_have_peers: bool,
}

/// One entry of `system_peers`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct PeerJson {
    peer_id: String,
    roles: String,
    best_hash: H256,
    best_number: BlockNumber,
}

/// `system_syncState`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncStateJson {
    starting_block: BlockNumber,
    current_block: BlockNumber,
    highest_block: BlockNumber,
}

/// `Development`, `Local` and `Live` are plain strings; anything else is `{"Custom": name}`, as
/// Substrate's `ChainType` serializes.
fn chain_type_json(chain_type: &str) -> Value {
    match chain_type {
        "Development" | "Local" | "Live" => Value::String(chain_type.to_string()),
        custom => serde_json::json!({ "Custom": custom }),
    }
}

/// An account from an SS58 address of any network prefix, or from 32 bytes of hex.
pub(crate) fn parse_account(v: &Value) -> Result<AccountId, String> {
    let Value::String(s) = v else {
        return Err(format!(
            "expected an SS58 address string, got {}",
            json_type(v)
        ));
    };
    if s.starts_with("0x") {
        let bytes = parse_bytes(s).map_err(|e| format!("invalid hex account id: {e}"))?;
        let raw: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| format!("a hex account id has 32 bytes, got {}", bytes.len()))?;
        return Ok(AccountId32::new(raw));
    }
    AccountId32::from_ss58check_with_version(s)
        .map(|(account, _format)| account)
        .map_err(|e| format!("invalid SS58 address {s:?}: {e}"))
}

fn account_next_index(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<Nonce, ErrorObjectOwned> {
    let account = params.required(0, "account", parse_account)?;
    Ok(backend
        .account_next_index(&account)
        .map_err(SystemError::from)?)
}

fn sync_state(backend: &dyn NodeBackend) -> Result<SyncStateJson, ErrorObjectOwned> {
    let best = backend.best_hash();
    let number = backend
        .header(best)
        .map_err(SystemError::from)?
        .map(|h| h.number)
        .ok_or_else(|| SystemError::Internal(format!("header of best block {best:?} missing")))?;
    Ok(SyncStateJson {
        starting_block: 0,
        current_block: number,
        highest_block: number,
    })
}

/// The `system_*` methods.
pub(crate) fn module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut m = RpcModule::new(backend);

    m.register_method("system_name", |_, b, _| b.system_info().impl_name)?;
    m.register_method("system_version", |_, b, _| b.system_info().impl_version)?;
    m.register_method("system_chain", |_, b, _| b.system_info().chain_name)?;
    m.register_method("system_chainType", |_, b, _| {
        chain_type_json(&b.system_info().chain_type)
    })?;
    m.register_method("system_properties", |_, b, _| {
        Value::Object(b.system_info().properties)
    })?;
    m.register_blocking_method("system_health", |_, b, _| {
        let h = b.health();
        Ok::<_, ErrorObjectOwned>(HealthJson {
            peers: h.peers,
            is_syncing: h.is_syncing,
            should_have_peers: h.should_have_peers,
        })
    })?;
    m.register_blocking_method("system_peers", |_, b, _| {
        b.peers()
            .into_iter()
            .map(|p| PeerJson {
                peer_id: p.peer_id,
                roles: p.roles,
                best_hash: p.best_hash,
                best_number: p.best_number,
            })
            .collect::<Vec<_>>()
    })?;
    m.register_blocking_method("system_syncState", |_, b, _| {
        sync_state(b.as_ref().as_ref())
    })?;
    m.register_blocking_method("system_accountNextIndex", |params, b, _| {
        let params = PositionalParams::new(&params)?;
        account_next_index(&params, b.as_ref().as_ref())
    })?;

    Ok(m.remove_context())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_types_serialize_like_substrate() {
        assert_eq!(
            chain_type_json("Development"),
            serde_json::json!("Development")
        );
        assert_eq!(chain_type_json("Live"), serde_json::json!("Live"));
        assert_eq!(
            chain_type_json("wcme-test"),
            serde_json::json!({ "Custom": "wcme-test" })
        );
    }

    #[test]
    fn accounts_parse_from_any_ss58_prefix_and_hex() {
        let account = AccountId32::new([7; 32]);
        let generic = account.to_ss58check();
        let polkadot = account.to_ss58check_with_version(0u16.into());
        assert_eq!(parse_account(&Value::String(generic)), Ok(account.clone()));
        assert_eq!(parse_account(&Value::String(polkadot)), Ok(account.clone()));
        let hex = crate::hex::to_hex(account.as_ref());
        assert_eq!(parse_account(&Value::String(hex)), Ok(account));
        assert!(parse_account(&Value::String("5Fake".into())).is_err());
        assert!(parse_account(&Value::String("0x0102".into())).is_err());
        assert!(parse_account(&serde_json::json!(5)).is_err());
    }
}
