//! The relayer's chain traits over the nodes' JSON-RPC: the standard `chain_*`, `state_*`,
//! `system_*` and `author_*` methods, `wcme_justification` on both chains, `wcme_subchain` /
//! `wcme_auditedHead` on the main chain, and the runtime APIs `CrossChainApi` (main) and
//! `SubchainBridgeApi` (subchain) through `state_call`. [`connect`], [`request`] and
//! [`submit_signed`] are the client steps every main-chain tool takes (`subchain register` and
//! `subchain top-up` too).

use std::time::Duration;

use codec::{Decode, Encode};
use jsonrpsee::{
    core::{client::ClientT, params::ArrayParams},
    http_client::{HttpClient, HttpClientBuilder},
};
use pallet_wcme_cross_chain::{
    c3d::{C3dView, C3nId},
    main_client::FinalizedMainHeader,
    message::TransferMessage,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sp_core::{Pair as _, crypto::Ss58Codec, sr25519};
use wcme_primitives::{BlockNumber, Hash, Header, Nonce};

use crate::{
    AuditedHead, BridgeState, ChainSource, HeaderProof, MainBridge, MainCall, MainChain,
    MainSigner, Nonces, ProofKind, Registration, RelayError, RelaySigners, StorageProof,
    SubchainBridge, SubchainCall, SubchainId, SubchainSigner, SubchainState,
};

/// Timeout of each JSON-RPC request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Signs a call of one chain ([`MainSigner`] and [`SubchainSigner`] for one lifetime).
type Signer<Call> = fn(&sr25519::Pair, Call, Nonce, Hash) -> Result<Vec<u8>, String>;

/// One node reached over JSON-RPC, with its chain's genesis hash and the relayer's key that
/// signs there: what both chains' clients share.
struct RpcChain {
    client: HttpClient,
    chain: &'static str,
    genesis: Hash,
    signer: sr25519::Pair,
}

impl RpcChain {
    /// The node of `chain` at `url`, once it answers with its genesis hash.
    async fn connect(
        chain: &'static str,
        url: &str,
        signer: sr25519::Pair,
    ) -> Result<Self, RelayError> {
        let client = connect(chain, url)?;
        let genesis: Option<Hash> =
            request(&client, chain, "chain_getBlockHash", vec![0.into()]).await?;
        let genesis = genesis.ok_or(RelayError::Rpc {
            chain,
            method: "chain_getBlockHash".into(),
            reason: "the node has no genesis block".into(),
        })?;
        Ok(Self {
            client,
            chain,
            genesis,
            signer,
        })
    }

    async fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> Result<R, RelayError> {
        request(&self.client, self.chain, method, params).await
    }

    fn malformed(&self, method: &str, what: &str) -> RelayError {
        RelayError::Rpc {
            chain: self.chain,
            method: method.to_owned(),
            reason: format!("the answer has no valid `{what}`"),
        }
    }

    /// Runtime API `method` with SCALE `args` at block `at` (best if `None`), decoded.
    async fn state_call<T: Decode>(
        &self,
        method: &str,
        args: impl Encode,
        at: Option<Hash>,
    ) -> Result<T, RelayError> {
        let mut params = vec![
            Value::from(method),
            format!("0x{}", hex::encode(args.encode())).into(),
        ];
        if let Some(at) = at {
            params.push(hash_param(&at));
        }
        let bytes: String = self.call("state_call", params).await?;
        hex::decode(bytes.trim_start_matches("0x"))
            .ok()
            .and_then(|bytes| T::decode(&mut &bytes[..]).ok())
            .ok_or_else(|| RelayError::Rpc {
                chain: self.chain,
                method: format!("state_call {method}"),
                reason: "the answer does not decode".into(),
            })
    }

    /// The relayer's nonces: in the best block's state, and counting the pool.
    async fn nonces(&self) -> Result<Nonces, RelayError> {
        let account = sp_core::crypto::AccountId32::from(self.signer.public().0);
        let included = self
            .state_call("AccountNonceApi_account_nonce", &account, None)
            .await?;
        let next = self
            .call(
                "system_accountNextIndex",
                vec![account.to_ss58check().into()],
            )
            .await?;
        Ok(Nonces { included, next })
    }

    /// Signs `call` with `sign` and the relayer's key and submits it; its hash.
    async fn submit<Call>(&self, sign: Signer<Call>, call: Call) -> Result<Hash, RelayError> {
        submit_signed(&self.client, self.chain, &self.signer, |nonce| {
            sign(&self.signer, call, nonce, self.genesis)
        })
        .await
        .map(|(hash, _)| hash)
    }
}

impl ChainSource for RpcChain {
    async fn finalized_number(&self) -> Result<BlockNumber, RelayError> {
        let hash: Hash = self.call("chain_getFinalizedHead", vec![]).await?;
        let header: Option<Header> = self
            .call("chain_getHeader", vec![hash_param(&hash)])
            .await?;
        header
            .map(|header| header.number)
            .ok_or_else(|| RelayError::Rpc {
                chain: self.chain,
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
            .ok_or_else(|| self.malformed("wcme_justification", "encoded"))?;
        Ok(Some(encoded))
    }

    async fn read_proof(&self, key: &[u8], at: Hash) -> Result<StorageProof, RelayError> {
        let keys = vec![Value::String(format!("0x{}", hex::encode(key)))];
        let answer: Value = self
            .call("state_getReadProof", vec![keys.into(), hash_param(&at)])
            .await?;
        answer["proof"]
            .as_array()
            .and_then(|nodes| {
                nodes
                    .iter()
                    .map(|node| {
                        node.as_str()
                            .and_then(|hex| hex::decode(hex.trim_start_matches("0x")).ok())
                    })
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| self.malformed("state_getReadProof", "proof"))
    }
}

/// [`ChainSource`] of a type holding an [`RpcChain`] in `chain`.
macro_rules! chain_source_of_rpc_chain {
    ($type:ty) => {
        impl ChainSource for $type {
            async fn finalized_number(&self) -> Result<BlockNumber, RelayError> {
                self.chain.finalized_number().await
            }
            async fn best_number(&self) -> Result<BlockNumber, RelayError> {
                self.chain.best_number().await
            }
            async fn header(&self, number: BlockNumber) -> Result<Header, RelayError> {
                self.chain.header(number).await
            }
            async fn justification(&self, hash: Hash) -> Result<Option<Vec<u8>>, RelayError> {
                self.chain.justification(hash).await
            }
            async fn read_proof(&self, key: &[u8], at: Hash) -> Result<StorageProof, RelayError> {
                self.chain.read_proof(key, at).await
            }
        }
    };
}

/// A subchain node reached over JSON-RPC, and the relayer's key that signs its submissions
/// there.
pub struct RpcSubchain {
    chain: RpcChain,
    sign: Option<SubchainSigner>,
}

impl RpcSubchain {
    /// The subchain node at `url`, once it answers; submissions are signed by `signer` through
    /// `signers.subchain`.
    pub async fn connect(
        url: &str,
        signer: sr25519::Pair,
        signers: RelaySigners,
    ) -> Result<Self, RelayError> {
        Ok(Self {
            chain: RpcChain::connect("subchain", url, signer).await?,
            sign: signers.subchain,
        })
    }

    async fn submit(&self, call: SubchainCall<'_>) -> Result<Hash, RelayError> {
        let sign = self.sign.ok_or_else(|| {
            RelayError::Unsignable("this node binary cannot sign the subchain's calls".into())
        })?;
        self.chain.submit(sign, call).await
    }
}

chain_source_of_rpc_chain!(RpcSubchain);

impl SubchainBridge for RpcSubchain {
    async fn relayer_nonces(&self) -> Result<Nonces, RelayError> {
        self.chain.nonces().await
    }

    async fn bridge_state(&self, at: Option<Hash>) -> Result<BridgeState, RelayError> {
        let chain = &self.chain;
        Ok(BridgeState {
            subchain_id: chain
                .state_call::<Option<SubchainId>>("SubchainBridgeApi_subchain_id", (), at)
                .await?,
            main_head: chain
                .state_call::<Option<FinalizedMainHeader>>(
                    "SubchainBridgeApi_main_finalized_head",
                    (),
                    at,
                )
                .await?,
            next_inbound_seq: chain
                .state_call("SubchainBridgeApi_next_inbound_seq", (), at)
                .await?,
        })
    }

    async fn outbound(
        &self,
        seq: u64,
        at: Option<Hash>,
    ) -> Result<Option<TransferMessage>, RelayError> {
        self.chain
            .state_call("SubchainBridgeApi_outbound", seq, at)
            .await
    }

    async fn submit_main_headers(
        &self,
        headers: &[Header],
        justification: &[u8],
        hand_off: Option<&StorageProof>,
    ) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::SubmitMainHeaders {
            headers,
            justification,
            hand_off,
        })
        .await
    }

    async fn receive_from_main(
        &self,
        at: BlockNumber,
        message: &TransferMessage,
        proof: &StorageProof,
    ) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::ReceiveFromMain { at, message, proof })
            .await
    }

    async fn settle_outbound(
        &self,
        seq: u64,
        at: BlockNumber,
        proof: &StorageProof,
    ) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::SettleOutbound { seq, at, proof })
            .await
    }

    async fn c3d(&self) -> Result<C3dView, RelayError> {
        self.chain
            .state_call("SubchainBridgeApi_c3d", (), None)
            .await
    }

    fn relayer_c3n(&self) -> C3nId {
        self.chain.signer.public().0
    }

    async fn broadcast_batch(&self, first: u64, hashes: &[Hash]) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::BroadcastBatch { first, hashes })
            .await
    }

    async fn attest_batch(&self, first: u64, digest: Hash) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::AttestBatch { first, digest })
            .await
    }

    async fn sync_c3ns(&self, at: BlockNumber, proof: &StorageProof) -> Result<Hash, RelayError> {
        self.submit(SubchainCall::SyncC3ns { at, proof }).await
    }
}

/// A main-chain node reached over JSON-RPC, and the relayer's key that signs its submissions.
pub struct RpcMainChain {
    chain: RpcChain,
    sign: MainSigner,
}

impl RpcMainChain {
    /// The main-chain node at `url`, once it answers; submissions are signed by `signer`
    /// through `signers.main`.
    pub async fn connect(
        url: &str,
        signer: sr25519::Pair,
        signers: RelaySigners,
    ) -> Result<Self, RelayError> {
        Ok(Self {
            chain: RpcChain::connect("main", url, signer).await?,
            sign: signers.main,
        })
    }

    async fn submit(&self, call: MainCall<'_>) -> Result<Hash, RelayError> {
        self.chain.submit(self.sign, call).await
    }
}

chain_source_of_rpc_chain!(RpcMainChain);

/// The registration `wcme_subchain` describes.
fn parse_registration(view: &Value) -> Result<Registration, RelayError> {
    let malformed = |what: &str| RelayError::Rpc {
        chain: "main",
        method: "wcme_subchain".into(),
        reason: format!("the answer has no valid `{what}`"),
    };
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
        let view: Option<Value> = self.chain.call("wcme_subchain", vec![id.into()]).await?;
        view.as_ref().map(parse_registration).transpose()
    }

    async fn audited_head(&self, id: SubchainId) -> Result<Option<AuditedHead>, RelayError> {
        let head: Option<Value> = self.chain.call("wcme_auditedHead", vec![id.into()]).await?;
        let Some(head) = head else {
            return Ok(None);
        };
        let number = head["number"]
            .as_u64()
            .and_then(|n| BlockNumber::try_from(n).ok())
            .ok_or_else(|| self.chain.malformed("wcme_auditedHead", "number"))?;
        let hash = serde_json::from_value(head["hash"].clone())
            .map_err(|_| self.chain.malformed("wcme_auditedHead", "hash"))?;
        Ok(Some(AuditedHead { number, hash }))
    }

    async fn submit_headers(
        &self,
        id: SubchainId,
        headers: &[Header],
        proof: &HeaderProof,
    ) -> Result<Hash, RelayError> {
        self.submit(MainCall::SubmitHeaders {
            subchain: id,
            headers,
            proof,
        })
        .await
    }
}

impl MainBridge for RpcMainChain {
    async fn relayer_nonces(&self) -> Result<Nonces, RelayError> {
        self.chain.nonces().await
    }

    async fn next_outbound_seq(&self, id: SubchainId, at: Hash) -> Result<u64, RelayError> {
        self.chain
            .state_call("CrossChainApi_next_outbound_seq", id, Some(at))
            .await
    }

    async fn outbound(
        &self,
        id: SubchainId,
        seq: u64,
        at: Option<Hash>,
    ) -> Result<Option<TransferMessage>, RelayError> {
        self.chain
            .state_call("CrossChainApi_outbound", (id, seq), at)
            .await
    }

    async fn next_inbound_seq(&self, id: SubchainId, at: Option<Hash>) -> Result<u64, RelayError> {
        self.chain
            .state_call("CrossChainApi_next_inbound_seq", id, at)
            .await
    }

    async fn receive_from_subchain(
        &self,
        id: SubchainId,
        at: BlockNumber,
        message: &TransferMessage,
        proof: &StorageProof,
    ) -> Result<Hash, RelayError> {
        self.submit(MainCall::ReceiveFromSubchain {
            subchain: id,
            at,
            message,
            proof,
        })
        .await
    }

    async fn settle_outbound(
        &self,
        id: SubchainId,
        seq: u64,
        at: BlockNumber,
        proof: &StorageProof,
    ) -> Result<Hash, RelayError> {
        self.submit(MainCall::SettleOutbound {
            subchain: id,
            seq,
            at,
            proof,
        })
        .await
    }

    async fn c3d(&self, id: SubchainId, at: Option<Hash>) -> Result<C3dView, RelayError> {
        self.chain.state_call("CrossChainApi_c3d", id, at).await
    }

    fn relayer_c3n(&self) -> C3nId {
        self.chain.signer.public().0
    }

    async fn broadcast_batch(
        &self,
        id: SubchainId,
        first: u64,
        hashes: &[Hash],
    ) -> Result<Hash, RelayError> {
        self.submit(MainCall::BroadcastBatch {
            subchain: id,
            first,
            hashes,
        })
        .await
    }

    async fn attest_batch(
        &self,
        id: SubchainId,
        first: u64,
        digest: Hash,
    ) -> Result<Hash, RelayError> {
        self.submit(MainCall::AttestBatch {
            subchain: id,
            first,
            digest,
        })
        .await
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
