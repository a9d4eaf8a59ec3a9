//! `subchain register`: registers a subchain, described by its chain spec, on a running main
//! chain; `subchain top-up`: adds to a registered subchain's gas stake; `subchain set-id`: tells
//! a running subchain its registry id (`CrossChain::set_subchain_id`, by its root), after which
//! WCME transfers can be relayed to and from it.
//!
//! Everything the registry asks for is read from the spec itself, not typed in by hand: the
//! genesis block (built here with the node's subchain runtime, in a throw-away database), its
//! validator set, consensus kind and base token (asked of the runtime at genesis, through
//! `ValidatorSetApi` and `ChainConfigApi`). The main chain only gives what a wallet needs — its
//! genesis hash and the owner's next nonce — over JSON-RPC; the node binary signs the
//! `Subchains::register` call with its main-chain runtime ([`RegistrationSigner`]) and the
//! command waits until the subchain shows up in `wcme_subchains`.

use std::time::{Duration, Instant};

use codec::Decode;
use jsonrpsee::http_client::HttpClient;
use sp_core::{H256, Pair as _, crypto::AccountId32, sr25519};
use wcme_relayer::rpc;
use wcme_service::{ChainSpec, open_client};
use wcme_subchain_primitives::{C3nKey, ConsensusKind};

use crate::{
    NodeSpec,
    cli::{SubchainRegisterCmd, SubchainSetIdCmd, SubchainTopUpCmd},
    error::CliError,
};

/// How long the registration may take to appear on the main chain.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);

/// What the main chain's registry is told about a subchain (`Subchains::register`'s config),
/// in plain types so that the CLI needs no pallet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubchainRegistration {
    /// Human-readable name (the spec's `name`).
    pub name: String,
    /// Chain id (the spec's `id`).
    pub chain_id: String,
    /// Base token symbol.
    pub symbol: String,
    /// Base token decimals.
    pub decimals: u8,
    /// Consensus kind code (0 poc, 1 aura, 2 pbft, 3 pow).
    pub consensus: u8,
    /// Signature scheme code of the validators' keys (0 sr25519, 1 ed25519, 2 sm2).
    pub signature_scheme: u8,
    /// The validators' public keys, in order.
    pub validators: Vec<Vec<u8>>,
    /// The subchain's genesis block hash.
    pub genesis_hash: H256,
}

/// The encoded `Subchains::register(registration, stake)` extrinsic signed by `owner` with
/// `nonce` for the main chain with `genesis`; `stake` in the main token's smallest unit.
pub type RegistrationSigner = fn(
    owner: &sr25519::Pair,
    registration: &SubchainRegistration,
    stake: u128,
    nonce: u32,
    genesis: H256,
) -> Vec<u8>;

/// The encoded `Subchains::top_up(id, amount)` extrinsic signed by `payer` with `nonce` for the
/// main chain with `genesis`; `amount` in the main token's smallest unit.
pub type TopUpSigner =
    fn(payer: &sr25519::Pair, id: u32, amount: u128, nonce: u32, genesis: H256) -> Vec<u8>;

/// The encoded `Sudo::sudo(CrossChain::set_subchain_id(id))` extrinsic signed by the subchain's
/// root `sudo` with `nonce` for the subchain with `genesis`.
pub type SetIdSigner = fn(sudo: &sr25519::Pair, id: u32, nonce: u32, genesis: H256) -> Vec<u8>;

/// What a node binary supplies to `subchain register`, `subchain top-up` and `subchain set-id`.
#[derive(Clone, Copy)]
pub struct RegistrationHooks {
    /// Signs the registration with the main-chain runtime.
    pub sign: RegistrationSigner,
    /// Signs a top-up with the main-chain runtime.
    pub top_up: TopUpSigner,
    /// Signs the subchain's id with the node's subchain runtime; `None` if it has no bridge.
    pub set_id: Option<SetIdSigner>,
    /// The main token's smallest units per whole token (`--stake` is in whole tokens).
    pub unit: u128,
}

/// `subchain register`.
pub(crate) fn register(spec: &NodeSpec, cmd: &SubchainRegisterCmd) -> Result<(), CliError> {
    let hooks = spec.register_subchain.ok_or_else(|| {
        CliError::BadArgument("this node cannot sign main-chain transactions".into())
    })?;
    let owner = sr25519::Pair::from_string(&cmd.owner, None)
        .map_err(|e| CliError::BadArgument(format!("--owner {}: {e:?}", cmd.owner)))?;
    let stake = cmd
        .stake
        .checked_mul(hooks.unit)
        .ok_or_else(|| CliError::BadArgument(format!("--stake {}: too large", cmd.stake)))?;
    let chain_spec = crate::run::chain_spec_named(spec, &cmd.chain)?;
    let registration = describe(spec, &chain_spec)?;
    tracing::info!(
        target: "subchain",
        name = %registration.name,
        chain_id = %registration.chain_id,
        genesis = ?registration.genesis_hash,
        validators = registration.validators.len(),
        "Registering the subchain on {}",
        cmd.main
    );
    let id = crate::block_on(submit(&cmd.main, &owner, &registration, stake, hooks.sign))?;
    println!("{id}");
    Ok(())
}

/// The registration of the chain `chain_spec` describes: its genesis built in a temporary
/// database and its chain config read at genesis.
pub(crate) fn describe(
    spec: &NodeSpec,
    chain_spec: &ChainSpec,
) -> Result<SubchainRegistration, CliError> {
    let runtime = spec.runtime_for(chain_spec)?;
    let dir = tempfile::tempdir().map_err(CliError::io("creating a temporary database"))?;
    let client = open_client(chain_spec, dir.path(), runtime, &[])?;
    let genesis = client.info().genesis;
    let ask = |method: &str| {
        client
            .executor()
            .call_at(&genesis, method, &[])
            .map_err(|error| {
                CliError::BadArgument(format!(
                    "chain `{}` is no subchain: its runtime cannot answer {method} ({error})",
                    chain_spec.id
                ))
            })
    };
    let decode_error = |method: &str| {
        CliError::BadArgument(format!("the runtime's answer to {method} does not decode"))
    };
    let validators = Vec::<C3nKey>::decode(&mut &ask("ValidatorSetApi_validators")?[..])
        .map_err(|_| decode_error("ValidatorSetApi_validators"))?;
    let consensus = ConsensusKind::decode(&mut &ask("ChainConfigApi_consensus_kind")?[..])
        .map_err(|_| decode_error("ChainConfigApi_consensus_kind"))?;
    let token = Option::<(Vec<u8>, u8)>::decode(&mut &ask("ChainConfigApi_base_token")?[..])
        .map_err(|_| decode_error("ChainConfigApi_base_token"))?
        .ok_or_else(|| CliError::BadArgument("the subchain's genesis has no base token".into()))?;
    let first = validators
        .first()
        .ok_or_else(|| CliError::BadArgument("the subchain has no validators".into()))?;
    let scheme = first.scheme();
    if validators.iter().any(|key| key.scheme() != scheme) {
        return Err(CliError::BadArgument(
            "the registry takes validators of one signature scheme; this set mixes schemes".into(),
        ));
    }
    Ok(SubchainRegistration {
        name: chain_spec.name.clone(),
        chain_id: chain_spec.id.clone(),
        symbol: String::from_utf8_lossy(&token.0).into_owned(),
        decimals: token.1,
        consensus: consensus.code(),
        signature_scheme: scheme.code(),
        validators: validators
            .iter()
            .map(|key| key.as_bytes().to_vec())
            .collect(),
        genesis_hash: genesis,
    })
}

async fn request<R: serde::de::DeserializeOwned>(
    client: &HttpClient,
    method: &str,
    params: Vec<serde_json::Value>,
) -> Result<R, CliError> {
    Ok(rpc::request(client, "main", method, params).await?)
}

/// Runtime API `method` with SCALE `args` in the best block of `client`'s node (of `chain`, for
/// errors), decoded.
pub(crate) async fn state_call<R: Decode>(
    client: &HttpClient,
    chain: &'static str,
    method: &str,
    args: &[u8],
) -> Result<R, CliError> {
    let encoded: String = rpc::request(
        client,
        chain,
        "state_call",
        vec![method.into(), format!("0x{}", hex::encode(args)).into()],
    )
    .await?;
    hex::decode(encoded.trim_start_matches("0x"))
        .ok()
        .and_then(|bytes| R::decode(&mut &bytes[..]).ok())
        .ok_or_else(|| CliError::Rpc(format!("{method} does not decode")))
}

/// The account's nonce in the best block's state (`AccountNonceApi`), as opposed to
/// `system_accountNextIndex`, which also counts its transactions in the pool.
async fn on_chain_nonce(
    client: &HttpClient,
    chain: &'static str,
    who: &AccountId32,
) -> Result<u32, CliError> {
    state_call(
        client,
        chain,
        "AccountNonceApi_account_nonce",
        &codec::Encode::encode(who),
    )
    .await
}

/// Signs a transaction of `signer` with `sign(nonce, genesis)`, submits it and waits until it
/// is in a block: until `done` answers `Some` (its result is returned), or fails when the
/// signer's on-chain nonce passed the transaction's without `done` holding (it was included but
/// the call failed: `refused` says how) or after [`INCLUSION_TIMEOUT`].
async fn submit_and_wait<T>(
    client: &HttpClient,
    chain: &'static str,
    signer: &sr25519::Pair,
    sign: impl FnOnce(u32, H256) -> Vec<u8>,
    what: &str,
    refused: &str,
    mut done: impl AsyncFnMut() -> Result<Option<T>, CliError>,
) -> Result<T, CliError> {
    let genesis: H256 = rpc::request(client, chain, "chain_getBlockHash", vec![0.into()]).await?;
    let signer_id = AccountId32::from(signer.public().0);
    let (hash, nonce) =
        rpc::submit_signed(client, chain, signer, |nonce| Ok(sign(nonce, genesis))).await?;
    tracing::info!(target: "subchain", ?hash, "{what} submitted; waiting for its block");
    let deadline = Instant::now() + INCLUSION_TIMEOUT;
    loop {
        // Read the nonce before the outcome, so that a moved nonce and no outcome mean failure.
        let on_chain = on_chain_nonce(client, chain, &signer_id).await?;
        if let Some(outcome) = done().await? {
            return Ok(outcome);
        }
        if on_chain > nonce {
            return Err(CliError::Rpc(format!(
                "the {what} {hash:?} is in a block but the chain refused it ({refused}): see \
                 that block's `System.ExtrinsicFailed` event"
            )));
        }
        if Instant::now() >= deadline {
            return Err(CliError::Rpc(format!(
                "the {what} {hash:?} was not included within {INCLUSION_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Signs and submits the registration, then waits until the main chain lists the subchain;
/// returns its id.
pub(crate) async fn submit(
    url: &str,
    owner: &sr25519::Pair,
    registration: &SubchainRegistration,
    stake: u128,
    sign: RegistrationSigner,
) -> Result<u64, CliError> {
    let client = rpc::connect("main", url)?;
    let listed: Vec<serde_json::Value> = request(&client, "wcme_subchains", vec![]).await?;
    if let Some(known) = listed.iter().find(|s| {
        s["chainId"] == registration.chain_id.as_str()
            || s["name"]
                .as_str()
                .is_some_and(|name| name.eq_ignore_ascii_case(&registration.name))
    }) {
        return Err(CliError::BadArgument(format!(
            "the main chain already has a subchain with chain id `{}` or name `{}`: id {}",
            registration.chain_id, registration.name, known["id"]
        )));
    }
    let genesis_hex = format!("{:?}", registration.genesis_hash);
    let id = submit_and_wait(
        &client,
        "main",
        owner,
        |nonce, genesis| sign(owner, registration, stake, nonce, genesis),
        "registration",
        "a stake below the minimum, too few funds, an invalid config",
        async || {
            let listed: Vec<serde_json::Value> = request(&client, "wcme_subchains", vec![]).await?;
            Ok(listed
                .iter()
                .find(|s| {
                    s["chainId"] == registration.chain_id.as_str()
                        && s["genesisHash"] == genesis_hex.as_str()
                })
                .and_then(|s| s["id"].as_u64()))
        },
    )
    .await?;
    tracing::info!(target: "subchain", id, "✅ Subchain registered");
    Ok(id)
}

/// `subchain top-up`.
pub(crate) fn top_up(spec: &NodeSpec, cmd: &SubchainTopUpCmd) -> Result<(), CliError> {
    let hooks = spec.register_subchain.ok_or_else(|| {
        CliError::BadArgument("this node cannot sign main-chain transactions".into())
    })?;
    let payer = sr25519::Pair::from_string(&cmd.payer, None)
        .map_err(|e| CliError::BadArgument(format!("--payer {}: {e:?}", cmd.payer)))?;
    let amount = cmd
        .amount
        .checked_mul(hooks.unit)
        .filter(|amount| *amount > 0)
        .ok_or_else(|| {
            CliError::BadArgument(format!("--amount {}: zero or too large", cmd.amount))
        })?;
    let id = cmd.id;
    let (gas, status) = crate::block_on(async {
        let client = rpc::connect("main", &cmd.main)?;
        let view = |client: &HttpClient| {
            let client = client.clone();
            async move {
                let view: Option<serde_json::Value> =
                    request(&client, "wcme_subchain", vec![id.into()]).await?;
                Ok::<_, CliError>(view)
            }
        };
        let before = view(&client)
            .await?
            .ok_or_else(|| CliError::BadArgument(format!("the main chain has no subchain {id}")))?;
        // Gas held plus gas spent only grows, by exactly what is topped up: unlike the gas alone
        // it shows the top-up even while relayed headers are being charged.
        let amount_of = |view: &serde_json::Value, field: &str| {
            view[field]
                .as_str()
                .and_then(|gas| gas.parse::<u128>().ok())
        };
        let paid_in = |view: &serde_json::Value| {
            Some(amount_of(view, "gas")?.saturating_add(amount_of(view, "gasSpent")?))
        };
        let paid_before = paid_in(&before).ok_or_else(|| {
            CliError::Rpc("wcme_subchain: no `gas` or `gasSpent` in the answer".into())
        })?;
        submit_and_wait(
            &client,
            "main",
            &payer,
            |nonce, genesis| (hooks.top_up)(&payer, id, amount, nonce, genesis),
            "top-up",
            "a retired subchain, too few funds",
            async || {
                let after = view(&client).await?;
                Ok(after.and_then(|after| {
                    let topped_up = paid_in(&after)? >= paid_before.saturating_add(amount);
                    topped_up.then(|| (amount_of(&after, "gas"), after["status"].clone()))
                }))
            },
        )
        .await
    })?;
    let gas = gas.unwrap_or_default();
    let status = status
        .as_str()
        .map_or_else(|| status.to_string(), str::to_owned);
    tracing::info!(target: "subchain", id, gas, %status, "✅ Subchain topped up");
    println!("{status}");
    Ok(())
}

/// `subchain set-id`.
pub(crate) fn set_id(spec: &NodeSpec, cmd: &SubchainSetIdCmd) -> Result<(), CliError> {
    let sign = spec
        .register_subchain
        .and_then(|hooks| hooks.set_id)
        .ok_or_else(|| {
            CliError::BadArgument("this node's subchain runtime has no cross-chain bridge".into())
        })?;
    let sudo = sr25519::Pair::from_string(&cmd.sudo, None)
        .map_err(|e| CliError::BadArgument(format!("--sudo {}: {e:?}", cmd.sudo)))?;
    crate::block_on(set_subchain_id(&cmd.subchain, cmd.id, &sudo, sign))?;
    println!("{}", cmd.id);
    Ok(())
}

/// Sets the id of the subchain whose node is at `url` to `id`, signed by its root `sudo`
/// through `sign`; waits until it is set. Nothing to do if it is `id` already; another id is
/// an error (it is set once).
pub(crate) async fn set_subchain_id(
    url: &str,
    id: u32,
    sudo: &sr25519::Pair,
    sign: SetIdSigner,
) -> Result<(), CliError> {
    let client = rpc::connect("subchain", url)?;
    let current = async || {
        state_call::<Option<u32>>(&client, "subchain", "SubchainBridgeApi_subchain_id", &[])
            .await
            .map_err(|e| {
                CliError::BadArgument(format!(
                    "{url} has no cross-chain bridge (SubchainBridgeApi): {e}"
                ))
            })
    };
    match current().await? {
        Some(set) if set == id => {
            tracing::info!(target: "subchain", id, "The subchain's id is set already");
            return Ok(());
        }
        Some(set) => {
            return Err(CliError::BadArgument(format!(
                "the subchain's id is {set} already; it is set once"
            )));
        }
        None => {}
    }
    submit_and_wait(
        &client,
        "subchain",
        sudo,
        |nonce, genesis| sign(sudo, id, nonce, genesis),
        "subchain id",
        "--sudo is not the subchain's root, or too few funds for the fee",
        async || Ok(current().await?.filter(|set| *set == id)),
    )
    .await?;
    tracing::info!(target: "subchain", id, "✅ Subchain id set");
    Ok(())
}
