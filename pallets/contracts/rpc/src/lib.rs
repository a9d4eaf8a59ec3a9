//! The `wcme_contractCall` JSON-RPC method: a dry run of a contract call.
//!
//! Calls the runtime's `ContractsApi_call` (see `pallet_wcme_contracts::runtime_api`) at the
//! best block, or at the block hash given as the last parameter. The call runs exactly as the
//! `Contracts::call` extrinsic would, in a storage transaction that is always rolled back:
//! nothing is written.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_contractCall` | `origin`, `dest`, `value`, `gasLimit`, `input`, `at?` | a dry-run result |
//!
//! - `origin`, `dest`: an SS58 address (any network prefix) or 32 bytes of `0x` hex;
//! - `value`: WCME plancks sent with the call, a JSON integer or a decimal string (`u128`);
//! - `gasLimit`: Vm fuel, a JSON integer (`u64`);
//! - `input`: the call's input, `0x` hex (`"0x"` for none);
//! - `at`: a block hash, or absent/`null` for the best block.
//!
//! The result:
//!
//! ```json
//! {
//!   "result": {"returned": "0x…"},
//!   "gasUsed": 1234,
//!   "weightRequired": {"refTime": 1234000, "proofSize": 0},
//!   "events": [{"contract": "0x…", "topics": ["0x…"], "data": "0x…"}],
//!   "storageDeposit": "0"
//! }
//! ```
//!
//! `result` is `{"returned": "0x…"}` (the output of a contract that returned), `{"reverted":
//! "0x…"}` (the revert data), or `{"error": "…"}`: `"trapped: <Trap>"` (e.g. `"trapped:
//! OutOfGas"`) or the dispatch error that kept the call from starting or completing (e.g.
//! `"Module { index: 11, error: 11 }"` for the contracts pallet's `ContractNotFound` in the
//! main runtime: the error index is the variant's position in the pallet's `Error`).
//! `contract` is `0x` hex of the 32-byte account; `storageDeposit` is a decimal string (an
//! `i128`: positive is what the call would charge, negative what it would refund). Bad
//! parameters are `-32602`; an unknown block or a runtime without `ContractsApi` is
//! [`RUNTIME_CALL_FAILED`].

use std::sync::Arc;

use codec::Encode;
use jsonrpsee::RpcModule;
use pallet_wcme_contracts::{ContractEvent, ContractResult, ExecReturn};
use serde_json::{Value, json};
use sp_core::crypto::AccountId32;
use sp_runtime::DispatchError;
use wcme_rpc::{PositionalParams, RpcError, RuntimeApiError, hex::to_hex, register_positional};
use wcme_service::{Client, call_runtime_api};

pub use wcme_rpc::codes::RUNTIME_CALL_FAILED;

/// An account from an SS58 address of any network prefix, or from 32 bytes of `0x` hex.
fn account(value: &Value) -> Result<AccountId32, String> {
    wcme_rpc::params::account_id(value)
}

/// A `u128` amount: a non-negative JSON integer or a decimal string.
fn amount(value: &Value) -> Result<u128, String> {
    match value {
        Value::String(text) => text
            .parse()
            .map_err(|_| format!("`{text}` is not a decimal u128")),
        Value::Number(number) => number
            .as_u64()
            .map(u128::from)
            .ok_or_else(|| format!("`{number}` is not a non-negative integer")),
        other => Err(format!(
            "expected an integer or a decimal string, got {other}"
        )),
    }
}

/// A gas limit: a non-negative JSON integer that fits `u64`.
fn gas_limit(value: &Value) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("`{value}` is not a gas limit (a u64 JSON integer)"))
}

/// `0x`-prefixed hex bytes (`"0x"` is empty input).
fn input(value: &Value) -> Result<Vec<u8>, String> {
    match value {
        Value::String(text) if text.starts_with("0x") => {
            wcme_rpc::hex::parse_bytes(text).map_err(|error| format!("invalid hex: {error}"))
        }
        other => Err(format!("expected 0x-prefixed hex bytes, got {other}")),
    }
}

/// A dispatch error as shown in `result.error`.
fn dispatch_error(error: &DispatchError) -> String {
    match error {
        DispatchError::Module(module) => format!(
            "Module {{ index: {}, error: {} }}",
            module.index, module.error[0]
        ),
        other => format!("{other:?}"),
    }
}

/// How the call ended, as JSON.
pub fn result_json(result: &Result<ExecReturn, DispatchError>) -> Value {
    match result {
        Ok(ExecReturn::Returned(output)) => json!({ "returned": to_hex(output) }),
        Ok(ExecReturn::Reverted(output)) => json!({ "reverted": to_hex(output) }),
        Ok(ExecReturn::Trapped(trap)) => json!({ "error": format!("trapped: {trap:?}") }),
        Err(error) => json!({ "error": dispatch_error(error) }),
    }
}

/// One contract event as JSON.
pub fn event_json(event: &ContractEvent) -> Value {
    json!({
        "contract": to_hex(event.contract.as_ref()),
        "topics": event.topics.iter().map(|topic| to_hex(topic)).collect::<Vec<_>>(),
        "data": to_hex(&event.data),
    })
}

/// A dry run's JSON.
pub fn contract_result_json(result: &ContractResult) -> Value {
    json!({
        "result": result_json(&result.result),
        "gasUsed": result.gas_used,
        "weightRequired": {
            "refTime": result.weight_required.0,
            "proofSize": result.weight_required.1,
        },
        "events": result.events.iter().map(event_json).collect::<Vec<_>>(),
        "storageDeposit": result.storage_deposit.to_string(),
    })
}

fn contract_call(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let origin = params.required(0, "origin", account)?;
    let dest = params.required(1, "dest", account)?;
    let value = params.required(2, "value", amount)?;
    let gas = params.required(3, "gasLimit", gas_limit)?;
    let data = params.required(4, "input", input)?;
    let at = params.hash_opt(5, "at")?;
    let result: ContractResult = call_runtime_api(
        client,
        at,
        "ContractsApi_call",
        &(origin, dest, value, gas, data).encode(),
    )?;
    Ok(contract_result_json(&result))
}

/// The `wcme_contractCall` method over `client`, for `NodeSpec::rpc_extensions`.
pub fn rpc_module(client: &Arc<Client>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    let c = client.clone();
    register_positional(&mut module, "wcme_contractCall", move |params| {
        contract_call(&c, params)
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use pallet_wcme_contracts::Trap;
    use sp_core::crypto::Ss58Codec;
    use sp_runtime::ModuleError;

    use super::*;

    #[test]
    fn results_render_as_camel_case_hex() {
        let result = ContractResult {
            result: Ok(ExecReturn::Returned(vec![0xfa, 0x00])),
            gas_used: 1234,
            weight_required: (1_234_000, 7),
            events: vec![ContractEvent {
                contract: AccountId32::new([0xc0; 32]),
                topics: vec![[0x01; 32], [0x02; 32]],
                data: vec![0xab, 0xcd],
            }],
            storage_deposit: -480,
        };
        assert_eq!(
            contract_result_json(&result),
            json!({
                "result": {"returned": "0xfa00"},
                "gasUsed": 1234,
                "weightRequired": {"refTime": 1_234_000, "proofSize": 7},
                "events": [{
                    "contract": format!("0x{}", "c0".repeat(32)),
                    "topics": [format!("0x{}", "01".repeat(32)), format!("0x{}", "02".repeat(32))],
                    "data": "0xabcd",
                }],
                "storageDeposit": "-480",
            })
        );
    }

    #[test]
    fn failures_render_as_reverted_or_error() {
        assert_eq!(
            result_json(&Ok(ExecReturn::Reverted(vec![3]))),
            json!({"reverted": "0x03"})
        );
        assert_eq!(
            result_json(&Ok(ExecReturn::Returned(vec![]))),
            json!({"returned": "0x"})
        );
        assert_eq!(
            result_json(&Ok(ExecReturn::Trapped(Trap::OutOfGas))),
            json!({"error": "trapped: OutOfGas"})
        );
        let module = DispatchError::Module(ModuleError {
            index: 11,
            error: [11, 0, 0, 0],
            message: None,
        });
        assert_eq!(
            result_json(&Err(module)),
            json!({"error": "Module { index: 11, error: 11 }"})
        );
        assert_eq!(
            result_json(&Err(DispatchError::BadOrigin)),
            json!({"error": "BadOrigin"})
        );
        let big = ContractResult {
            result: Ok(ExecReturn::Returned(vec![])),
            gas_used: 0,
            weight_required: (0, 0),
            events: vec![],
            storage_deposit: i128::MAX,
        };
        assert_eq!(
            contract_result_json(&big)["storageDeposit"],
            json!(i128::MAX.to_string())
        );
    }

    #[test]
    fn parameters_parse_strictly() {
        let alice = AccountId32::new([0xd4; 32]);
        assert_eq!(account(&json!(alice.to_ss58check())), Ok(alice.clone()));
        assert_eq!(
            account(&json!(alice.to_ss58check_with_version(0u16.into()))),
            Ok(alice.clone())
        );
        assert_eq!(account(&json!(format!("0x{}", "d4".repeat(32)))), Ok(alice));
        assert!(account(&json!("0xd4d4")).is_err());
        assert!(account(&json!("nonsense")).is_err());
        assert!(account(&json!(42)).is_err());

        assert_eq!(amount(&json!(250)), Ok(250));
        assert_eq!(amount(&json!(u128::MAX.to_string())), Ok(u128::MAX));
        assert!(amount(&json!(-1)).is_err());
        assert!(amount(&json!("1.5")).is_err());
        assert!(amount(&json!("0x10")).is_err());

        assert_eq!(gas_limit(&json!(1_000_000)), Ok(1_000_000));
        assert!(gas_limit(&json!("1000")).is_err());
        assert!(gas_limit(&json!(-5)).is_err());

        assert_eq!(input(&json!("0x")), Ok(vec![]));
        assert_eq!(input(&json!("0x0203")), Ok(vec![2, 3]));
        assert!(input(&json!("0203")).is_err());
        assert!(input(&json!("0xzz")).is_err());
    }

    #[test]
    fn arguments_encode_as_the_runtime_api_decodes_them() {
        let origin = AccountId32::new([1; 32]);
        let dest = AccountId32::new([2; 32]);
        let encoded = (origin.clone(), dest.clone(), 5u128, 7u64, vec![9u8]).encode();
        assert_eq!(encoded.len(), 32 + 32 + 16 + 8 + 2);
        let decoded: (AccountId32, AccountId32, u128, u64, Vec<u8>) =
            codec::Decode::decode(&mut &encoded[..]).expect("decodes");
        assert_eq!(decoded, (origin, dest, 5, 7, vec![9]));
    }
}
