//! The `wcme_*` JSON-RPC methods of Proof-of-Credit: the current round, the agents, an account's
//! credit and its pending delegation rewards.
//!
//! Each method calls the runtime's `PocApi` (`wcme_consensus_primitives::poc::PocApi`) at the
//! best block, or at the block hash given as the last parameter, and returns JSON. Accounts are
//! SS58 addresses (prefix 42) on output and SS58 addresses of any prefix or 32 bytes of hex on
//! input; packing keys are `0x` hex; amounts (`u128`) are decimal strings so JavaScript clients
//! lose no precision; slots, rounds and block numbers are JSON integers.
//!
//! | method | params | result |
//! |---|---|---|
//! | `wcme_pocRound` | `at?` | `{index, startSlot, slotDurationMs, producers: [{agent, packingKey, stake, rewardWeight}]}` |
//! | `wcme_pocAgents` | `at?` | `[{agent, packingKey, rewardAccount, commissionPerbill, deposit, delegated, delegators, status, frozenUntil, credit}]` |
//! | `wcme_credit` | `account, at?` | `{units, credit, redCard}` |
//! | `wcme_pocPendingRewards` | `account, at?` | decimal string |
//!
//! `status` is `"active"`, `{"stopped": {"unlockAt": n}}` or `{"redCarded": {"unlockAt": n}}`;
//! `credit` / `units` are ten-thousandths in `[-10000, 10000]`, and `wcme_credit`'s `credit` is
//! the same value as a decimal string (`"-0.0625"`). Bad parameters are `-32602`; an unknown
//! block or a runtime without `PocApi` is [`RUNTIME_CALL_FAILED`].

use std::sync::Arc;

use codec::Encode;
use jsonrpsee::RpcModule;
use serde_json::{Value, json};
use sp_core::crypto::{AccountId32, Ss58Codec};
use wcme_consensus_primitives::poc::{AgentInfo, AgentStatus, CreditInfo, Producer, RoundInfo};
use wcme_primitives::{Balance, BlockNumber};
use wcme_rpc::{PositionalParams, RpcError, RuntimeApiError, register_positional};
use wcme_service::{Client, call_runtime_api};

pub use wcme_rpc::codes::RUNTIME_CALL_FAILED;

/// An account from an SS58 address of any network prefix, or from 32 bytes of `0x` hex.
fn account(value: &Value) -> Result<AccountId32, String> {
    wcme_rpc::params::account_id(value)
}

/// An account as shown: SS58 with the WCME prefix.
fn show_account(account: &AccountId32) -> String {
    account.to_ss58check_with_version(wcme_primitives::SS58_PREFIX.into())
}

/// Ten-thousandths as a decimal with four places, e.g. `-0.0625`.
fn show_credit(units: i32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let magnitude = units.unsigned_abs();
    format!("{sign}{}.{:04}", magnitude / 10_000, magnitude % 10_000)
}

fn producer_json(producer: &Producer<AccountId32, Balance>) -> Value {
    json!({
        "agent": show_account(&producer.agent),
        "packingKey": format!("0x{}", hex_of(&producer.packing_key.0)),
        "stake": producer.stake.to_string(),
        "rewardWeight": producer.reward_weight.to_string(),
    })
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `wcme_pocRound`'s JSON.
pub fn round_json(round: &RoundInfo<AccountId32, Balance>, slot_duration_ms: u64) -> Value {
    json!({
        "index": round.index,
        "startSlot": round.start_slot,
        "slotDurationMs": slot_duration_ms,
        "producers": round.producers.iter().map(producer_json).collect::<Vec<_>>(),
    })
}

/// An agent's status: `"active"`, `{"stopped": {"unlockAt": n}}` or
/// `{"redCarded": {"unlockAt": n}}`.
fn status_json(status: &AgentStatus<BlockNumber>) -> Value {
    match status {
        AgentStatus::Active => json!("active"),
        AgentStatus::Stopped { unlock_at } => json!({"stopped": {"unlockAt": unlock_at}}),
        AgentStatus::RedCarded { unlock_at } => json!({"redCarded": {"unlockAt": unlock_at}}),
    }
}

/// One entry of `wcme_pocAgents`.
pub fn agent_json(agent: &AgentInfo<AccountId32, Balance, BlockNumber>) -> Value {
    json!({
        "agent": show_account(&agent.agent),
        "packingKey": format!("0x{}", hex_of(&agent.packing_key.0)),
        "rewardAccount": show_account(&agent.reward_account),
        "commissionPerbill": agent.commission.deconstruct(),
        "deposit": agent.deposit.to_string(),
        "delegated": agent.delegated.to_string(),
        "delegators": agent.delegators,
        "status": status_json(&agent.status),
        "frozenUntil": agent.frozen_until,
        "credit": agent.credit,
    })
}

/// `wcme_credit`'s JSON.
pub fn credit_json(credit: &CreditInfo) -> Value {
    json!({
        "units": credit.units,
        "credit": show_credit(credit.units),
        "redCard": credit.red_card,
    })
}

fn round(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let at = params.hash_opt(0, "at")?;
    let at = Some(at.unwrap_or(client.info().best.1));
    let round: RoundInfo<AccountId32, Balance> =
        call_runtime_api(client, at, "PocApi_current_round", &[])?;
    let slot_duration: u64 = call_runtime_api(client, at, "PocApi_slot_duration_ms", &[])?;
    Ok(round_json(&round, slot_duration))
}

fn agents(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let at = params.hash_opt(0, "at")?;
    let agents: Vec<AgentInfo<AccountId32, Balance, BlockNumber>> =
        call_runtime_api(client, at, "PocApi_agents", &[])?;
    Ok(Value::Array(agents.iter().map(agent_json).collect()))
}

fn credit(client: &Client, params: &PositionalParams) -> Result<Value, RuntimeApiError> {
    let who = params.required(0, "account", account)?;
    let at = params.hash_opt(1, "at")?;
    let credit: CreditInfo = call_runtime_api(client, at, "PocApi_credit", &who.encode())?;
    Ok(credit_json(&credit))
}

fn pending_rewards(client: &Client, params: &PositionalParams) -> Result<String, RuntimeApiError> {
    let who = params.required(0, "account", account)?;
    let at = params.hash_opt(1, "at")?;
    let pending: Balance = call_runtime_api(client, at, "PocApi_pending_rewards", &who.encode())?;
    Ok(pending.to_string())
}

/// The `wcme_*` POC methods over `client`, for `NodeSpec::rpc_extensions`.
pub fn rpc_module(client: &Arc<Client>) -> Result<RpcModule<()>, RpcError> {
    let mut module = RpcModule::new(());
    let c = client.clone();
    register_positional(&mut module, "wcme_pocRound", move |params| {
        round(&c, params)
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_pocAgents", move |params| {
        agents(&c, params)
    })?;
    let c = client.clone();
    register_positional(&mut module, "wcme_credit", move |params| credit(&c, params))?;
    let c = client.clone();
    register_positional(&mut module, "wcme_pocPendingRewards", move |params| {
        pending_rewards(&c, params)
    })?;
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_core::{Pair, sr25519};
    use sp_runtime::Perbill;

    fn alice() -> AccountId32 {
        AccountId32::from(
            sr25519::Pair::from_string("//Alice", None)
                .expect("dev seed")
                .public(),
        )
    }

    #[test]
    fn accounts_parse_from_ss58_and_hex_only() {
        let alice = alice();
        assert_eq!(account(&json!(alice.to_ss58check())), Ok(alice.clone()));
        assert_eq!(
            account(&json!(alice.to_ss58check_with_version(0u16.into()))),
            Ok(alice.clone())
        );
        assert_eq!(
            account(&json!(format!("0x{}", hex_of(alice.as_ref())))),
            Ok(alice)
        );
        assert!(account(&json!("0x1234")).is_err());
        assert!(account(&json!("not an address")).is_err());
        assert!(account(&json!(42)).is_err());
    }

    #[test]
    fn credit_shows_four_decimals() {
        assert_eq!(show_credit(0), "0.0000");
        assert_eq!(show_credit(10_000), "1.0000");
        assert_eq!(show_credit(-625), "-0.0625");
        assert_eq!(
            credit_json(&CreditInfo {
                units: -10_000,
                red_card: true
            }),
            json!({"units": -10_000, "credit": "-1.0000", "redCard": true})
        );
    }

    #[test]
    fn agents_and_rounds_render_with_strings_for_amounts() {
        let key = sr25519::Pair::from_string("//Alice//poc", None)
            .expect("dev seed")
            .public();
        let agent = AgentInfo {
            agent: alice(),
            packing_key: key,
            reward_account: alice(),
            commission: Perbill::from_percent(10),
            deposit: u128::MAX,
            delegated: 0,
            delegators: 0,
            status: AgentStatus::Stopped { unlock_at: 7 },
            frozen_until: Some(9),
            credit: -100,
        };
        let json = agent_json(&agent);
        assert_eq!(json["agent"], json!(alice().to_ss58check()));
        assert_eq!(json["packingKey"], json!(format!("0x{}", hex_of(&key.0))));
        assert_eq!(json["commissionPerbill"], json!(100_000_000));
        assert_eq!(json["deposit"], json!(u128::MAX.to_string()));
        assert_eq!(json["status"], json!({"stopped": {"unlockAt": 7}}));
        assert_eq!(json["frozenUntil"], json!(9));
        assert_eq!(json["credit"], json!(-100));
        let active = AgentInfo {
            status: AgentStatus::Active,
            frozen_until: None,
            ..agent
        };
        assert_eq!(agent_json(&active)["status"], json!("active"));
        assert_eq!(agent_json(&active)["frozenUntil"], Value::Null);

        let round = RoundInfo {
            index: 3,
            start_slot: 300_000_000,
            producers: vec![Producer {
                agent: alice(),
                packing_key: key,
                stake: 5,
                reward_weight: 1,
            }],
        };
        let json = round_json(&round, 6_000);
        assert_eq!(json["index"], json!(3));
        assert_eq!(json["startSlot"], json!(300_000_000u64));
        assert_eq!(json["slotDurationMs"], json!(6_000));
        assert_eq!(json["producers"][0]["stake"], json!("5"));
        assert_eq!(json["producers"][0]["rewardWeight"], json!("1"));
    }
}
