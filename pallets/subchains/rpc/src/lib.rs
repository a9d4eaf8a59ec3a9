//! The `wcme_*` JSON-RPC methods of the subchain registry: every registered subchain, or one.
//!
//! Each method calls the runtime's `SubchainsApi` (see `pallet_wcme_subchains::runtime_api`) at
//! the best block, or at the block hash given as the last parameter, and returns JSON. Accounts
//! are SS58 addresses (prefix 42); keys and hashes are `0x` hex; amounts (`u128`) are decimal
//! strings so JavaScript clients lose no precision; ids, counters and block numbers are JSON
//! integers.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_subchains` | `at?` | `[subchain]`, by id |
//! | `wcme_subchain` | `id: u32`, `at?` | `subchain` or `null` |
//! | `wcme_subchainBonds` | `id: u32`, `at?` | `[bond]` (empty for an unknown id) |
//!
//! A bond is `{key, bonder, amount, withdrawableAt}`: the validator key in hex, the bonder's
//! SS58 account, the WCME held (decimal string), and the first block it can be withdrawn in
//! once unbonding (`null` while bonded).
//!
//! A subchain is `{id, owner, account, name, chainId, symbol, decimals, assetId, consensus,
//! signatureScheme, genesisHash, gas, gasSpent, headersCharged, messagesCharged, frozen, status,
//! registeredAt, validatorSetId, validators}`: `consensus` is `"poc"`, `"aura"`, `"pbft"` or
//! `"pow"`; `signatureScheme` `"sr25519"`, `"ed25519"` or `"sm2"`; `status` `"active"`,
//! `"suspended"` or `{"retired": {"refundAt": n, "refunded": bool}}`; `validators` the public
//! keys in hex (33 bytes for SM2, 32 otherwise); `assetId` `null` if the base token was not
//! issued as a smart asset. Bad parameters are `-32602`; an unknown block or a runtime without
//! `SubchainsApi` is [`RUNTIME_CALL_FAILED`].

use std::sync::Arc;

use codec::Encode;
use jsonrpsee::RpcModule;
use pallet_wcme_subchains::{C3nKey, SubchainStatus, SubchainView, ValidatorBond};
use serde_json::{Value, json};
use sp_core::crypto::{AccountId32, Ss58Codec};
use wcme_primitives::BlockNumber;
use wcme_rpc::{PositionalParams, RpcError, RuntimeApiError, hex::to_hex, register_positional};
use wcme_service::{Client, call_runtime_api};

pub use wcme_rpc::codes::RUNTIME_CALL_FAILED;

/// A subchain as the runtime API returns it on WCME runtimes.
pub type View = SubchainView<AccountId32, BlockNumber>;

/// A validator key's bond as the runtime API returns it on WCME runtimes.
pub type Bond = (C3nKey, ValidatorBond<AccountId32, BlockNumber>);

/// A bond as JSON.
pub fn bond_json((key, bond): &Bond) -> Value {
    json!({
        "key": to_hex(key.as_bytes()),
        "bonder": show_account(&bond.bonder),
        "amount": bond.amount.to_string(),
        "withdrawableAt": bond.withdrawable_at,
    })
}

/// A subchain id: a JSON integer that fits `u32`.
fn subchain_id(value: &Value) -> Result<u32, String> {
    value
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or_else(|| format!("`{value}` is not a subchain id (u32)"))
}

/// An account as shown: SS58 with the WCME prefix.
fn show_account(account: &AccountId32) -> String {
    account.to_ss58check_with_version(wcme_primitives::SS58_PREFIX.into())
}

/// A stored byte string (checked ASCII on chain) as a JSON string.
fn show_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A lifecycle state: `"active"`, `"suspended"` or `{"retired": {"refundAt", "refunded"}}`.
fn status_json(status: &SubchainStatus<BlockNumber>) -> Value {
    match status {
        SubchainStatus::Active => json!("active"),
        SubchainStatus::Suspended => json!("suspended"),
        SubchainStatus::Retired {
            refund_at,
            refunded,
        } => json!({"retired": {"refundAt": refund_at, "refunded": refunded}}),
    }
}

/// One subchain's JSON.
pub fn subchain_json(view: &View) -> Value {
    json!({
        "id": view.id,
        "owner": show_account(&view.owner),
        "account": show_account(&view.account),
        "name": show_text(&view.name),
        "chainId": show_text(&view.chain_id),
        "symbol": show_text(&view.symbol),
        "decimals": view.decimals,
        "assetId": view.asset_id,
        "consensus": view.consensus.name(),
        "signatureScheme": view.signature_scheme.name(),
        "genesisHash": to_hex(view.genesis_hash.as_bytes()),
        "gas": view.gas.to_string(),
        "gasSpent": view.gas_spent.to_string(),
        "headersCharged": view.headers_charged,
        "messagesCharged": view.messages_charged,
        "frozen": view.frozen,
        "status": status_json(&view.status),
        "registeredAt": view.registered_at,
        "validatorSetId": view.validator_set_id,
        "validators": view
            .validators
            .iter()
            .map(|key| to_hex(key.as_bytes()))
            .collect::<Vec<_>>(),
    })
}

fn subchains(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let at = params.hash_opt(0, "at")?;
    let views: Vec<View> = call_runtime_api(client, at, "SubchainsApi_subchains", &[])?;
    Ok(Value::Array(views.iter().map(subchain_json).collect()))
}

fn subchain(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let id = params.required(0, "id", subchain_id)?;
    let at = params.hash_opt(1, "at")?;
    let view: Option<View> = call_runtime_api(client, at, "SubchainsApi_subchain", &id.encode())?;
    Ok(view.as_ref().map_or(Value::Null, subchain_json))
}

fn bonds(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let id = params.required(0, "id", subchain_id)?;
    let at = params.hash_opt(1, "at")?;
    let bonds: Vec<Bond> = call_runtime_api(client, at, "SubchainsApi_bonds", &id.encode())?;
    Ok(Value::Array(bonds.iter().map(bond_json).collect()))
}

/// The `wcme_*` subchain methods over `client`, for `NodeSpec::rpc_extensions`.
pub fn rpc_module(client: &Arc<Client>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    let c = client.clone();
    register_positional(&mut module, "wcme_subchains", move |params| {
        subchains(&c, params)
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_subchain", move |params| {
        subchain(&c, params)
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_subchainBonds", move |params| {
        bonds(&c, params)
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Decode;
    use pallet_wcme_subchains::{C3nKey, ConsensusKind, SignatureScheme};
    use sp_core::H256;
    use sp_core::{Pair, sr25519};

    fn alice() -> AccountId32 {
        AccountId32::from(
            sr25519::Pair::from_string("//Alice", None)
                .expect("dev seed")
                .public(),
        )
    }

    fn view() -> View {
        View {
            id: 3,
            owner: alice(),
            account: AccountId32::new([7; 32]),
            name: b"Supply Chain".to_vec(),
            chain_id: b"supply-chain".to_vec(),
            symbol: b"SUP".to_vec(),
            decimals: 12,
            asset_id: None,
            consensus: ConsensusKind::Pbft,
            signature_scheme: SignatureScheme::Sm2,
            genesis_hash: H256::repeat_byte(0xab),
            gas: u128::MAX,
            gas_spent: 10,
            headers_charged: 1,
            messages_charged: 0,
            frozen: false,
            status: SubchainStatus::Active,
            registered_at: 42,
            validator_set_id: 2,
            validators: vec![C3nKey::Sm2([2; 33]), C3nKey::Sm2([3; 33])],
        }
    }

    #[test]
    fn bonds_render_with_keys_accounts_and_string_amounts() {
        let bonded: Bond = (
            C3nKey::Sr25519([9; 32]),
            ValidatorBond {
                bonder: alice(),
                amount: u128::MAX,
                withdrawable_at: None,
            },
        );
        assert_eq!(
            bond_json(&bonded),
            json!({
                "key": format!("0x{}", "09".repeat(32)),
                "bonder": alice().to_ss58check(),
                "amount": u128::MAX.to_string(),
                "withdrawableAt": null,
            })
        );
        let unbonding: Bond = (
            C3nKey::Sm2([2; 33]),
            ValidatorBond {
                withdrawable_at: Some(77),
                ..bonded.1.clone()
            },
        );
        assert_eq!(bond_json(&unbonding)["withdrawableAt"], json!(77));
        assert_eq!(
            bond_json(&unbonding)["key"],
            json!(format!("0x{}", "02".repeat(33)))
        );
        // What the runtime API returns decodes as a list of them.
        let encoded = vec![bonded.clone(), unbonding].encode();
        let decoded = Vec::<Bond>::decode(&mut &encoded[..]).expect("decodes");
        assert_eq!(decoded[0], bonded);
    }

    #[test]
    fn subchains_render_with_strings_for_amounts() {
        let json = subchain_json(&view());
        assert_eq!(json["id"], json!(3));
        assert_eq!(json["owner"], json!(alice().to_ss58check()));
        assert_eq!(json["name"], json!("Supply Chain"));
        assert_eq!(json["chainId"], json!("supply-chain"));
        assert_eq!(json["symbol"], json!("SUP"));
        assert_eq!(json["decimals"], json!(12));
        assert_eq!(json["assetId"], Value::Null);
        assert_eq!(json["consensus"], json!("pbft"));
        assert_eq!(json["signatureScheme"], json!("sm2"));
        assert_eq!(json["genesisHash"], json!(format!("0x{}", "ab".repeat(32))));
        assert_eq!(json["gas"], json!(u128::MAX.to_string()));
        assert_eq!(json["gasSpent"], json!("10"));
        assert_eq!(json["headersCharged"], json!(1));
        assert_eq!(json["frozen"], json!(false));
        assert_eq!(json["status"], json!("active"));
        assert_eq!(json["registeredAt"], json!(42));
        assert_eq!(json["validatorSetId"], json!(2));
        assert_eq!(
            json["validators"],
            json!([
                format!("0x{}", "02".repeat(33)),
                format!("0x{}", "03".repeat(33))
            ])
        );

        let retired = View {
            status: SubchainStatus::Retired {
                refund_at: 99,
                refunded: true,
            },
            asset_id: Some(5),
            ..view()
        };
        let json = subchain_json(&retired);
        assert_eq!(
            json["status"],
            json!({"retired": {"refundAt": 99, "refunded": true}})
        );
        assert_eq!(json["assetId"], json!(5));
        let suspended = View {
            status: SubchainStatus::Suspended,
            frozen: true,
            ..view()
        };
        assert_eq!(subchain_json(&suspended)["status"], json!("suspended"));
        assert_eq!(subchain_json(&suspended)["frozen"], json!(true));
    }

    #[test]
    fn views_decode_from_the_runtime_encoding() {
        let encoded = Some(view()).encode();
        let decoded: Option<View> = Decode::decode(&mut &encoded[..]).expect("decodes");
        assert_eq!(decoded, Some(view()));
    }

    #[test]
    fn ids_parse_strictly() {
        assert_eq!(subchain_id(&json!(7)), Ok(7));
        assert_eq!(subchain_id(&json!(u32::MAX)), Ok(u32::MAX));
        assert!(subchain_id(&json!(4_294_967_296u64)).is_err());
        assert!(subchain_id(&json!(-1)).is_err());
        assert!(subchain_id(&json!("7")).is_err());
        assert!(subchain_id(&json!(1.5)).is_err());
    }
}
