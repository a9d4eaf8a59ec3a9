//! The `wcme_*` JSON-RPC methods of the smart-asset AMM: quotes and pool state for wallets.
//!
//! Each method calls the runtime's `SmartAssetsApi` (see `pallet_wcme_smart_assets::runtime_api`)
//! at the best block, or at the block hash given as the last parameter, and returns JSON. Amounts
//! are `u128` and travel as decimal strings so JavaScript clients lose no precision; they are
//! accepted as decimal strings or JSON integers.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_quoteExactIn` | `path: [u32]`, `amountIn`, `at?` | output amount |
//! | `wcme_quoteExactOut` | `path: [u32]`, `amountOut`, `at?` | input amount needed |
//! | `wcme_pool` | `asset: u32`, `at?` | pool object or `null` |

use std::sync::Arc;

use codec::{Decode, Encode};
use jsonrpsee::{RpcModule, types::ErrorObjectOwned};
use pallet_wcme_smart_assets::{AmmError, PoolView};
use serde_json::{Value, json};
use sp_core::H256;
use wcme_rpc::{ParamError, PositionalParams, RpcError, register_positional};
use wcme_service::Client;

/// JSON-RPC error code of a quote the AMM refuses (unknown pool, too little liquidity, …).
pub const QUOTE_FAILED: i32 = 5001;
pub use wcme_rpc::codes::RUNTIME_CALL_FAILED;

/// Why a `wcme_*` AMM call failed.
#[derive(Debug, thiserror::Error)]
pub enum AmmRpcError {
    /// A parameter is missing or malformed.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The AMM cannot quote this path or amount.
    #[error("quote failed: {0:?}")]
    Quote(AmmError),
    /// The runtime call failed (unknown block, runtime without `SmartAssetsApi`, …).
    #[error("runtime call failed: {0}")]
    Runtime(String),
}

impl From<AmmRpcError> for ErrorObjectOwned {
    fn from(error: AmmRpcError) -> Self {
        match error {
            AmmRpcError::Param(param) => param.into(),
            AmmRpcError::Quote(reason) => {
                ErrorObjectOwned::owned(QUOTE_FAILED, "Quote failed", Some(format!("{reason:?}")))
            }
            AmmRpcError::Runtime(message) => {
                ErrorObjectOwned::owned(RUNTIME_CALL_FAILED, "Runtime call failed", Some(message))
            }
        }
    }
}

fn amount(value: &Value) -> Result<u128, String> {
    match value {
        Value::String(text) => text.parse().map_err(|_| format!("`{text}` is not a u128")),
        Value::Number(number) => number
            .as_u64()
            .map(u128::from)
            .ok_or_else(|| "amounts above 2^64 must be decimal strings".to_string()),
        _ => Err("expected a decimal string or an integer".into()),
    }
}

fn path(value: &Value) -> Result<Vec<u32>, String> {
    let items = value.as_array().ok_or("expected an array of asset ids")?;
    items
        .iter()
        .map(|item| {
            item.as_u64()
                .and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| format!("`{item}` is not an asset id (u32)"))
        })
        .collect()
}

fn asset(value: &Value) -> Result<u32, String> {
    path(&Value::Array(vec![value.clone()])).map(|ids| ids.first().copied().unwrap_or_default())
}

/// Calls a `SmartAssetsApi` method at `at` (default: best block) and decodes the result.
fn call<R: Decode>(
    client: &Client,
    at: Option<H256>,
    method: &'static str,
    args: &[u8],
) -> Result<R, AmmRpcError> {
    let at = at.unwrap_or(client.info().best.1);
    client
        .executor()
        .call_decoded(&at, method, args)
        .map_err(|error| AmmRpcError::Runtime(error.to_string()))
}

fn quote(
    client: &Client,
    params: &PositionalParams,
    method: &'static str,
    amount_name: &'static str,
) -> Result<String, AmmRpcError> {
    let path = params.required(0, "path", path)?;
    let amount = params.required(1, amount_name, amount)?;
    let at = params.hash_opt(2, "at")?;
    let result: Result<u128, AmmError> = call(client, at, method, &(path, amount).encode())?;
    result
        .map(|value| value.to_string())
        .map_err(AmmRpcError::Quote)
}

fn pool(client: &Client, params: &PositionalParams) -> Result<Value, AmmRpcError> {
    let asset = params.required(0, "asset", asset)?;
    let at = params.hash_opt(1, "at")?;
    let pool: Option<PoolView<u32>> = call(client, at, "SmartAssetsApi_pool", &asset.encode())?;
    Ok(pool.map_or(Value::Null, |pool| {
        json!({
            "wcmeReserve": pool.wcme_reserve.to_string(),
            "assetReserve": pool.asset_reserve.to_string(),
            "totalShares": pool.total_shares.to_string(),
            "swapFeePpm": pool.swap_fee.deconstruct(),
            "protocolFeePpm": pool.protocol_fee.deconstruct(),
            "wcmePriceCumulative": format!("{:#x}", pool.wcme_price_cumulative),
            "assetPriceCumulative": format!("{:#x}", pool.asset_price_cumulative),
            "cumulativeAt": pool.cumulative_at,
        })
    }))
}

/// The `wcme_*` AMM methods over `client`, for `NodeSpec::rpc_extensions`.
pub fn rpc_module(client: &Arc<Client>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    let c = client.clone();
    register_positional(&mut module, "wcme_quoteExactIn", move |params| {
        quote(&c, params, "SmartAssetsApi_quote_exact_in", "amountIn")
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_quoteExactOut", move |params| {
        quote(&c, params, "SmartAssetsApi_quote_exact_out", "amountOut")
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_pool", move |params| pool(&c, params))?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_paths_and_assets_parse_strictly() {
        assert_eq!(
            amount(&json!("340282366920938463463374607431768211455")),
            Ok(u128::MAX)
        );
        assert_eq!(amount(&json!(5)), Ok(5));
        assert!(amount(&json!("340282366920938463463374607431768211456")).is_err());
        assert!(amount(&json!(-1)).is_err());
        assert!(amount(&json!("1.5")).is_err());
        assert_eq!(path(&json!([0, 7])), Ok(vec![0, 7]));
        assert!(path(&json!([0, 4294967296u64])).is_err());
        assert!(path(&json!("0,1")).is_err());
        assert_eq!(asset(&json!(3)), Ok(3));
        assert!(asset(&json!("3")).is_err());
    }
}
