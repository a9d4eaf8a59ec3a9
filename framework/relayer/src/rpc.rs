//! [`SubchainSource`] and [`MainChain`] over the nodes' JSON-RPC: the standard `chain_*`,
//! `system_*` and `author_*` methods, `wcme_justification` on the subchain and
//! `wcme_subchain` / `wcme_auditedHead` on the main chain. [`connect`], [`request`] and
//! [`submit_signed`] are the client steps every main-chain tool takes (`subchain register` and
//! `subchain top-up` too).

use std::time::Duration;

use jsonrpsee::{
    core::{client::ClientT, params::ArrayParams},
    http_client::{HttpClient, HttpClientBuilder},
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sp_core::{Pair as _, crypto::Ss58Codec, sr25519};
use wcme_primitives::{BlockNumber, Hash, Header, Nonce};

use crate::{
    AuditedHead, HeaderProof, MainChain, ProofKind, Registration, RelayError, SubchainId,
    SubchainSource, SubchainState,
};

/// Timeout of each JSON-RPC request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Signs `CrossChain::submit_headers(subchain, headers, proof)` by `signer` with `nonce` for the
/// main chain with `genesis`, the proof being the SCALE-encoded `justification` of the last
/// header or, when `None`, the headers' own work; returns the encoded extrinsic, or why the call
/// cannot be built (a justification that does not decode, more headers than the runtime takes).
/// Supplied by the node binary, which knows its main runtime's calls (the WCME main runtime's is
/// `wcme_runtime_main::signing::signed_submit_headers`).
pub type SubmitHeadersSigner = fn(
    signer: &sr25519::Pair,
    subchain: SubchainId,
    headers: &[Header],
    justification: Option<&[u8]>,
    nonce: Nonce,
    genesis: Hash,
) -> Result<Vec<u8>, String>;

/// An HTTP JSON-RPC client of the node at `url`; `ws://` and `wss://` URLs are taken as the
/// same node's `http://` and `https://` endpoint (WCME nodes serve both on one port).
pub fn connect(chain: &'static str, url: &str) -> Result<HttpClient, RelayError> {
    let url = if let Some(rest) = url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if let Some(rest) = url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else {
        url.to_owned()
    };
    HttpClientBuilder::default()
        .request_timeout(REQUEST_TIMEOUT)
        .build(&url)
        .map_err(|e| RelayError::Rpc {
            chain,
            method: format!("connecting to {url}"),
            reason: e.to_string(),
        })
}

/// Calls `method` with positional `params` on `chain`'s node and decodes the answer.
pub async fn request<R: DeserializeOwned>(
    client: &HttpClient,
    chain: &'static str,
    method: &str,
    params: Vec<Value>,
) -> Result<R, RelayError> {
    let error = |reason: String| RelayError::Rpc {
        chain,
        method: method.to_owned(),
        reason,
    };
    let mut array = ArrayParams::new();
    for param in params {
        array.insert(param).map_err(|e| error(e.to_string()))?;
    }
    client
        .request(method, array)
        .await
        .map_err(|e| error(e.to_string()))
}

/// Signs a transaction of `signer` with `sign(nonce)` and submits it to `chain`'s node; returns
/// its hash, once the pool took it, and its nonce. The nonce is the pool-aware
/// `system_accountNextIndex`, so a transaction of the signer still pending keeps its place.
pub async fn submit_signed(
    client: &HttpClient,
    chain: &'static str,
    signer: &sr25519::Pair,
    sign: impl FnOnce(Nonce) -> Result<Vec<u8>, String>,
) -> Result<(Hash, Nonce), RelayError> {
    let account = sp_core::crypto::AccountId32::from(signer.public().0);
    let nonce: Nonce = request(
        client,
        chain,
        "system_accountNextIndex",
        vec![account.to_ss58check().into()],
    )
    .await?;
    let extrinsic = sign(nonce).map_err(RelayError::Unsignable)?;
    let hash = request(
        client,
        chain,
        "author_submitExtrinsic",
        vec![format!("0x{}", hex::encode(extrinsic)).into()],
    )
    .await?;
    Ok((hash, nonce))
}

fn hash_param(hash: &Hash) -> Value {
    Value::String(format!("{hash:?}"))
}

/// A subchain node reached over JSON-RPC.
pub struct RpcSubchain {
    client: HttpClient,
}

impl RpcSubchain {
    /// The subchain node at `url`.
    pub fn new(url: &str) -> Result<Self, RelayError> {
        Ok(Self {
            client: connect("subchain", url)?,
        })
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> Result<R, RelayError> {
        request(&self.client, "subchain", method, params).await
    }
}

impl SubchainSource for RpcSubchain {
    async fn finalized_number(&self) -> Result<BlockNumber, RelayError> {
        let hash: Hash = self.call("chain_getFinalizedHead", vec![]).await?;
        let header: Option<Header> = self
            .call("chain_getHeader", vec![hash_param(&hash)])
            .await?;
        header
            .map(|header| header.number)
            .ok_or_else(|| RelayError::Rpc {
                chain: "subchain",
                method: "chain_getHeader".into(),
                reason: format!("no header for the finalized head {hash:?}"),
            })
    }

    async fn best_number(&self) -> Result<BlockNumber, RelayError> {
        let header: Header = self.call("chain_getHeader", vec![]).await?;
        Ok(header.number)
    }

    async fn header(&self, number: BlockNumber) -> Result<Header, RelayError> {
        let hash: Option<Hash> = self.call("chain_getBlockHash", vec![number.into()]).await?;
        let hash = hash.ok_or(RelayError::MissingBlock(number))?;
        let header: Option<Header> = self
            .call("chain_getHeader", vec![hash_param(&hash)])
            .await?;
        let header = header.ok_or(RelayError::MissingBlock(number))?;
        if header.hash() != hash || header.number != number {
            return Err(RelayError::InconsistentHeader(number));
        }
        Ok(header)
    }

    async fn justification(&self, hash: Hash) -> Result<Option<Vec<u8>>, RelayError> {
        let found: Option<Value> = self
            .call("wcme_justification", vec![hash_param(&hash)])
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let encoded = found["encoded"]
            .as_str()
            .and_then(|hex| hex::decode(hex.trim_start_matches("0x")).ok())
            .ok_or_else(|| RelayError::Rpc {
                chain: "subchain",
                method: "wcme_justification".into(),
                reason: "the answer has no hex `encoded` field".into(),
            })?;
        Ok(Some(encoded))
    }
}

/// A main-chain node reached over JSON-RPC, and the relayer's key that signs its submissions.
pub struct RpcMainChain {
    client: HttpClient,
    signer: sr25519::Pair,
    sign: SubmitHeadersSigner,
    genesis: Hash,
}

impl RpcMainChain {
    /// The main-chain node at `url`; submissions are signed by `signer` through `sign`.
    pub async fn connect(
        url: &str,
        signer: sr25519::Pair,
        sign: SubmitHeadersSigner,
    ) -> Result<Self, RelayError> {
        let client = connect("main", url)?;
        let genesis: Option<Hash> =
            request(&client, "main", "chain_getBlockHash", vec![0.into()]).await?;
        let genesis = genesis.ok_or(RelayError::Rpc {
            chain: "main",
            method: "chain_getBlockHash".into(),
            reason: "the node has no genesis block".into(),
        })?;
        Ok(Self {
            client,
            signer,
            sign,
            genesis,
        })
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> Result<R, RelayError> {
        request(&self.client, "main", method, params).await
    }

    fn malformed(method: &str, what: &str) -> RelayError {
        RelayError::Rpc {
            chain: "main",
            method: method.to_owned(),
            reason: format!("the answer has no valid `{what}`"),
        }
    }
}

/// The registration `wcme_subchain` describes.
fn parse_registration(view: &Value) -> Result<Registration, RelayError> {
    let malformed = |what| RpcMainChain::malformed("wcme_subchain", what);
    let state = match &view["status"] {
        Value::String(status) if status == "active" => SubchainState::Active,
        Value::String(status) if status == "suspended" => SubchainState::Suspended,
        Value::Object(status) if status.contains_key("retired") => SubchainState::Retired,
        _ => return Err(malformed("status")),
    };
    let proof = match view["consensus"].as_str() {
        Some("poc" | "aura" | "pbft") => ProofKind::Justification,
        Some("pow") => ProofKind::Work,
        _ => return Err(malformed("consensus")),
    };
    let genesis_hash = view["genesisHash"]
        .as_str()
        .and_then(|hex| serde_json::from_value(Value::String(hex.to_owned())).ok())
        .ok_or_else(|| malformed("genesisHash"))?;
    Ok(Registration {
        state,
        proof,
        genesis_hash,
    })
}

impl MainChain for RpcMainChain {
    async fn registration(&self, id: SubchainId) -> Result<Option<Registration>, RelayError> {
        let view: Option<Value> = self.call("wcme_subchain", vec![id.into()]).await?;
        view.as_ref().map(parse_registration).transpose()
    }

    async fn audited_head(&self, id: SubchainId) -> Result<Option<AuditedHead>, RelayError> {
        let head: Option<Value> = self.call("wcme_auditedHead", vec![id.into()]).await?;
        let Some(head) = head else {
            return Ok(None);
        };
        let number = head["number"]
            .as_u64()
            .and_then(|n| BlockNumber::try_from(n).ok())
            .ok_or_else(|| Self::malformed("wcme_auditedHead", "number"))?;
        let hash = serde_json::from_value(head["hash"].clone())
            .map_err(|_| Self::malformed("wcme_auditedHead", "hash"))?;
        Ok(Some(AuditedHead { number, hash }))
    }

    async fn submit_headers(
        &self,
        id: SubchainId,
        headers: &[Header],
        proof: &HeaderProof,
    ) -> Result<Hash, RelayError> {
        let justification = match proof {
            HeaderProof::Justification(encoded) => Some(&encoded[..]),
            HeaderProof::Work => None,
        };
        submit_signed(&self.client, "main", &self.signer, |nonce| {
            (self.sign)(
                &self.signer,
                id,
                headers,
                justification,
                nonce,
                self.genesis,
            )
        })
        .await
        .map(|(hash, _)| hash)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn registrations_parse_from_the_registry_view() {
        let genesis = format!("0x{}", "ab".repeat(32));
        let view = json!({"status": "active", "consensus": "aura", "genesisHash": genesis});
        assert_eq!(
            parse_registration(&view).ok(),
            Some(Registration {
                state: SubchainState::Active,
                proof: ProofKind::Justification,
                genesis_hash: Hash::repeat_byte(0xab),
            })
        );
        let view = json!({"status": {"retired": {"refundAt": 9, "refunded": false}},
                          "consensus": "pow", "genesisHash": genesis});
        let parsed = parse_registration(&view).ok();
        assert_eq!(
            parsed.as_ref().map(|r| &r.state),
            Some(&SubchainState::Retired)
        );
        assert_eq!(parsed.map(|r| r.proof), Some(ProofKind::Work));
        for bad in [
            json!({"status": "gone", "consensus": "aura", "genesisHash": genesis}),
            json!({"status": "active", "consensus": "raft", "genesisHash": genesis}),
            json!({"status": "active", "consensus": "aura", "genesisHash": "0x12"}),
            json!({"status": "active", "consensus": "aura"}),
        ] {
            assert!(parse_registration(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn websocket_urls_reach_the_same_port_over_http() {
        assert!(connect("main", "ws://127.0.0.1:9944").is_ok());
        assert!(connect("main", "http://127.0.0.1:9944").is_ok());
        assert!(connect("main", "not a url").is_err());
    }
}
