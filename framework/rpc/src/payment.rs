//! `payment_*`: fee estimates through the runtime's `TransactionPaymentApi`.
//!
//! The runtime's answer is SCALE; it is decoded with local mirrors of
//! `pallet_transaction_payment`'s types (same encoding) so this crate does not depend on FRAME,
//! and rendered exactly as `pallet-transaction-payment-rpc` renders it.

use std::sync::Arc;

use codec::{Decode, Encode};
use jsonrpsee::RpcModule;
use jsonrpsee::types::ErrorObjectOwned;
use serde::Serialize;
use sp_runtime::OpaqueExtrinsic;

use crate::backend::NodeBackend;
use crate::error::{PaymentError, RpcError};
use crate::params::PositionalParams;

const QUERY_INFO: &str = "TransactionPaymentApi_query_info";
const QUERY_FEE_DETAILS: &str = "TransactionPaymentApi_query_fee_details";
const INFO_CONTEXT: &str = "Unable to query dispatch info.";
const FEE_DETAILS_CONTEXT: &str = "Unable to query fee details.";

/// `sp_weights::Weight`; serialized with snake_case fields as Substrate does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, Serialize)]
pub(crate) struct Weight {
    #[codec(compact)]
    pub(crate) ref_time: u64,
    #[codec(compact)]
    pub(crate) proof_size: u64,
}

/// `frame_support::dispatch::DispatchClass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum DispatchClass {
    Normal,
    Operational,
    Mandatory,
}

/// `RuntimeDispatchInfo<u128>` as the runtime encodes it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub(crate) struct RuntimeDispatchInfo {
    pub(crate) weight: Weight,
    pub(crate) class: DispatchClass,
    pub(crate) partial_fee: u128,
}

/// `RuntimeDispatchInfo` as the RPC renders it: the fee as a decimal string.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct RuntimeDispatchInfoJson {
    weight: Weight,
    class: DispatchClass,
    partial_fee: String,
}

/// `InclusionFee<u128>`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub(crate) struct InclusionFee {
    pub(crate) base_fee: u128,
    pub(crate) len_fee: u128,
    pub(crate) adjusted_weight_fee: u128,
}

/// `FeeDetails<u128>`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub(crate) struct FeeDetails {
    pub(crate) inclusion_fee: Option<InclusionFee>,
    pub(crate) tip: u128,
}

/// `InclusionFee<NumberOrHex>`: a `u128` balance is a `NumberOrHex::Hex`, i.e. `"0x…"`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct InclusionFeeJson {
    base_fee: String,
    len_fee: String,
    adjusted_weight_fee: String,
}

/// `FeeDetails<NumberOrHex>`; the tip is not serialized (Substrate skips it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct FeeDetailsJson {
    inclusion_fee: Option<InclusionFeeJson>,
}

/// Calls `method` with `(extrinsic, len)` after checking the extrinsic decodes, and decodes `R`.
fn query<R: Decode>(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
    method: &'static str,
    context: &'static str,
) -> Result<R, ErrorObjectOwned> {
    let encoded = params.bytes(0, "extrinsic")?;
    let at = params
        .hash_opt(1, "at")?
        .unwrap_or_else(|| backend.best_hash());
    let len = u32::try_from(encoded.len()).unwrap_or(u32::MAX);
    let extrinsic =
        OpaqueExtrinsic::decode(&mut &encoded[..]).map_err(|e| PaymentError::Decode {
            context,
            reason: format!("{e:?}"),
        })?;
    let input = (extrinsic, len).encode();
    let output = backend
        .call(at, method, &input)
        .map_err(|e| PaymentError::Runtime {
            context,
            reason: e.to_string(),
        })?;
    Ok(
        R::decode(&mut &output[..]).map_err(|e| PaymentError::Runtime {
            context,
            reason: format!("{e:?}"),
        })?,
    )
}

fn query_info(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<RuntimeDispatchInfoJson, ErrorObjectOwned> {
    let info: RuntimeDispatchInfo = query(params, backend, QUERY_INFO, INFO_CONTEXT)?;
    Ok(RuntimeDispatchInfoJson {
        weight: info.weight,
        class: info.class,
        partial_fee: info.partial_fee.to_string(),
    })
}

fn query_fee_details(
    params: &PositionalParams,
    backend: &dyn NodeBackend,
) -> Result<FeeDetailsJson, ErrorObjectOwned> {
    let details: FeeDetails = query(params, backend, QUERY_FEE_DETAILS, FEE_DETAILS_CONTEXT)?;
    Ok(FeeDetailsJson {
        inclusion_fee: details.inclusion_fee.map(|f| InclusionFeeJson {
            base_fee: format!("{:#x}", f.base_fee),
            len_fee: format!("{:#x}", f.len_fee),
            adjusted_weight_fee: format!("{:#x}", f.adjusted_weight_fee),
        }),
    })
}

/// The `payment_*` methods.
pub(crate) fn module(backend: Arc<dyn NodeBackend>) -> Result<RpcModule<()>, RpcError> {
    let mut m = RpcModule::new(backend);
    m.register_blocking_method("payment_queryInfo", |params, b, _| {
        query_info(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    m.register_blocking_method("payment_queryFeeDetails", |params, b, _| {
        query_fee_details(&PositionalParams::new(&params)?, b.as_ref().as_ref())
    })?;
    Ok(m.remove_context())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_info_renders_like_pallet_transaction_payment_rpc() {
        let json = serde_json::to_value(RuntimeDispatchInfoJson {
            weight: Weight {
                ref_time: 5,
                proof_size: 0,
            },
            class: DispatchClass::Normal,
            partial_fee: u128::MAX.to_string(),
        });
        assert_eq!(
            json.ok(),
            Some(serde_json::json!({
                "weight": { "ref_time": 5, "proof_size": 0 },
                "class": "normal",
                "partialFee": "340282366920938463463374607431768211455",
            }))
        );
    }

    #[test]
    fn weight_encoding_is_compact() {
        let info = RuntimeDispatchInfo {
            weight: Weight {
                ref_time: 1,
                proof_size: 2,
            },
            class: DispatchClass::Operational,
            partial_fee: 3,
        };
        let encoded = info.encode();
        assert_eq!(&encoded[..3], &[4, 8, 1]);
        assert_eq!(encoded.len(), 3 + 16);
    }
}
