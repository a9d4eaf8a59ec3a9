//! `subchain register`: registers a subchain, described by its chain spec, on a running main
//! chain.
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
use jsonrpsee::{
    core::{client::ClientT, params::ArrayParams},
    http_client::{HttpClient, HttpClientBuilder},
};
use sp_core::{H256, Pair as _, crypto::Ss58Codec, sr25519};
use wcme_service::{ChainSpec, open_client};
use wcme_subchain_primitives::{C3nKey, ConsensusKind};

use crate::{NodeSpec, cli::SubchainRegisterCmd, error::CliError};

/// How long the registration may take to appear on the main chain.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);
/// Timeout of each JSON-RPC request to the main chain.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

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

/// What a node binary supplies to `subchain register`.
#[derive(Clone, Copy)]
pub struct RegistrationHooks {
    /// Signs the registration with the main-chain runtime.
    pub sign: RegistrationSigner,
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::io("starting the async runtime"))?;
    let id = runtime.block_on(submit(&cmd.main, &owner, &registration, stake, hooks.sign))?;
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
    let mut array = ArrayParams::new();
    for param in params {
        array
            .insert(param)
            .map_err(|e| CliError::Rpc(format!("{method}: {e}")))?;
    }
    client
        .request(method, array)
        .await
        .map_err(|e| CliError::Rpc(format!("{method}: {e}")))
}

/// Signs and submits the registration, then waits until the main chain lists the subchain;
/// returns its id.
async fn submit(
    url: &str,
    owner: &sr25519::Pair,
    registration: &SubchainRegistration,
    stake: u128,
    sign: RegistrationSigner,
) -> Result<u64, CliError> {
    let client = HttpClientBuilder::default()
        .request_timeout(REQUEST_TIMEOUT)
        .build(url)
        .map_err(|e| CliError::Rpc(format!("main chain at {url}: {e}")))?;
    let genesis: H256 = request(&client, "chain_getBlockHash", vec![0.into()]).await?;
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
    let owner_id = sp_core::crypto::AccountId32::from(owner.public().0);
    let nonce: u32 = request(
        &client,
        "system_accountNextIndex",
        vec![owner_id.to_ss58check().into()],
    )
    .await?;
    let extrinsic = sign(owner, registration, stake, nonce, genesis);
    let hash: H256 = request(
        &client,
        "author_submitExtrinsic",
        vec![format!("0x{}", hex::encode(extrinsic)).into()],
    )
    .await?;
    tracing::info!(target: "subchain", ?hash, "Registration submitted; waiting for its block");
    let deadline = Instant::now() + INCLUSION_TIMEOUT;
    let genesis_hex = format!("{:?}", registration.genesis_hash);
    loop {
        // The on-chain nonce (not `system_accountNextIndex`, which counts pooled transactions)
        // moves once the registration is in a block: then it is listed, or it failed. Read
        // before the list, so a moved nonce and no listing mean failure.
        let on_chain: String = request(
            &client,
            "state_call",
            vec![
                "AccountNonceApi_account_nonce".into(),
                format!("0x{}", hex::encode(codec::Encode::encode(&owner_id))).into(),
            ],
        )
        .await?;
        let on_chain = hex::decode(on_chain.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| u32::decode(&mut &bytes[..]).ok())
            .ok_or_else(|| CliError::Rpc("AccountNonceApi_account_nonce does not decode".into()))?;
        let listed: Vec<serde_json::Value> = request(&client, "wcme_subchains", vec![]).await?;
        if let Some(id) = listed
            .iter()
            .find(|s| s["chainId"] == registration.chain_id.as_str())
            .and_then(|s| {
                (s["genesisHash"] == genesis_hex.as_str())
                    .then(|| s["id"].as_u64())
                    .flatten()
            })
        {
            tracing::info!(target: "subchain", id, "✅ Subchain registered");
            return Ok(id);
        }
        if on_chain > nonce {
            return Err(CliError::Rpc(format!(
                "the registration {hash:?} is in a block but the registry refused it (a stake \
                 below the minimum, too few funds, an invalid config): see that block's \
                 `System.ExtrinsicFailed` event"
            )));
        }
        if Instant::now() >= deadline {
            return Err(CliError::Rpc(format!(
                "the registration {hash:?} was not included within {INCLUSION_TIMEOUT:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
