//! The cross-chain relayer (DESIGN §5): follows a subchain and submits its finalized headers,
//! with their finality proofs, to the main chain's `CrossChain` pallet, which audits them and
//! charges the subchain's gas stake per header; and, on a subchain with a bridge ([`bridge`]),
//! keeps the subchain's light client of the main chain current and carries WCME transfer
//! messages and their receipts both ways.
//!
//! The relayer holds no state of its own: every pass starts from the main chain's audited head
//! of the subchain ([`MainChain::audited_head`]), so a restarted relayer resumes where the chain
//! is, and several relayers may run at once — a batch another relayer got in first is refused
//! on chain (`AlreadyAudited`) before anything is charged, and the next pass starts after it.
//!
//! Both chains sit behind traits ([`ChainSource`], [`MainChain`]) so tests drive the
//! relayer against in-memory chains; [`rpc`] implements them over JSON-RPC, and
//! [`module::RelayModule`] runs a relayer as a WCME module — what `wcme-node relay` does, and
//! what a node binary loads to relay in-process.
//!
//! One header pass ([`Relayer::step`]):
//! 1. read the subchain's registration on the main chain; relay nothing unless it is active;
//! 2. BFT engines (POC, Aura, PBFT): take the headers after the audited head up to the
//!    subchain's finalized head, at most [`RelayerConfig::max_batch`], and end the batch at the
//!    highest of them the subchain node holds a justification for (the pre-commits of > 2/3 of
//!    its validators, which also prove every ancestor final);
//!    PoW: take headers up to the subchain's best block; the main chain audits all but the last
//!    [`RelayerConfig::pow_confirmations`], which only bury the others under work;
//! 3. check the batch links onto the audited head, submit it signed by the relayer's key, and
//!    wait until the audited head moves past it.

pub mod bridge;
pub mod calls;
pub mod metrics;
pub mod module;
pub mod rpc;

use std::{future::Future, time::Duration};

use pallet_wcme_cross_chain::message::TransferMessage;
use parking_lot::Mutex;
use sp_core::sr25519;
use wcme_primitives::{BlockNumber, Hash, Header, Nonce};

pub use bridge::{BridgePass, BridgeState, MainBridge, Nonces, SubchainBridge};
pub use metrics::RelayMetrics;

/// A storage proof as `state_getReadProof` serves it: the trie nodes, encoded.
pub type StorageProof = Vec<Vec<u8>>;

/// Identifier of a subchain in the main chain's registry.
pub type SubchainId = u32;

/// Why a relayer pass failed.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// A JSON-RPC request failed or its answer did not decode.
    #[error("{chain} chain: {method}: {reason}")]
    Rpc {
        /// `main` or `subchain`.
        chain: &'static str,
        /// The method called.
        method: String,
        /// What went wrong.
        reason: String,
    },
    /// The main chain has no subchain with this id.
    #[error("the main chain has no subchain {0}")]
    UnknownSubchain(SubchainId),
    /// The subchain node does not know a block the relayer needs.
    #[error("the subchain node has no block #{0}")]
    MissingBlock(BlockNumber),
    /// The subchain's chain does not extend what the main chain audited: the node follows
    /// another chain (or another network) than the one registered.
    #[error(
        "subchain block #{number} has parent {found:?}, but the main chain audited {audited:?} \
         before it: this node follows another chain than the registered one"
    )]
    Diverged {
        /// The first block of the batch.
        number: BlockNumber,
        /// Its parent on the subchain node.
        found: Hash,
        /// The audited header it should extend.
        audited: Hash,
    },
    /// A header's hash is not the one the node lists at its height.
    #[error("the subchain node's header #{0} does not hash to its block hash")]
    InconsistentHeader(BlockNumber),
    /// The transaction cannot be built (for a batch: a justification that does not decode, more
    /// headers than the runtime takes).
    #[error("cannot build the transaction: {0}")]
    Unsignable(String),
    /// A main-chain header has no POC pre-digest, so its round is unknown.
    #[error("main-chain header #{0} has no Proof-of-Credit pre-digest")]
    NoPreDigest(BlockNumber),
    /// The next main-chain header is of a round the subchain's light client cannot verify
    /// from its head (a skipped round): only `force_checkpoint` moves it on.
    #[error(
        "main-chain block #{number} is of round {round}, but the subchain's light client is in \
         round {head_round}: it cannot verify a skipped round; re-anchor it (force_checkpoint)"
    )]
    LightClientStuck {
        /// The first main-chain block after the light client's head.
        number: BlockNumber,
        /// Its round.
        round: u32,
        /// The light client's round.
        head_round: u32,
    },
    /// The main-chain node's chain does not extend what the subchain's light client verified.
    #[error(
        "main-chain block #{number} has parent {found:?}, but the subchain verified \
         {verified:?} before it: the main node follows another chain than the subchain trusts"
    )]
    MainDiverged {
        /// The first main-chain block after the light client's head.
        number: BlockNumber,
        /// Its parent on the main node.
        found: Hash,
        /// The light client's head.
        verified: Hash,
    },
    /// The subchain's bridge names another subchain id than the relayer's.
    #[error("the subchain node's bridge is subchain {found}, not {expected}")]
    WrongSubchainId {
        /// The relayer's subchain id.
        expected: SubchainId,
        /// The subchain's own.
        found: SubchainId,
    },
    /// The destination chain included the relayer's transactions of a step and refused them
    /// (a message above the escrow, to a frozen subchain, …); the step is left alone a while.
    #[error("{what}: the chain refused the relayer's transactions; retrying in {backoff:?}")]
    Refused {
        /// The step.
        what: &'static str,
        /// How long the step is left alone.
        backoff: Duration,
    },
    /// Submitted transactions did not take effect in time (refused on chain, or pending).
    #[error("{what}: not done within {waited:?}")]
    NotIncluded {
        /// What the relayer waited for.
        what: &'static str,
        /// How long it waited.
        waited: Duration,
    },
    /// The submitted batch was not audited in time (refused on chain, or still pending).
    #[error("the batch #{from}..=#{to} was not audited within {waited:?}")]
    NotAudited {
        /// First header of the batch.
        from: BlockNumber,
        /// Last header of the batch.
        to: BlockNumber,
        /// How long the relayer waited.
        waited: Duration,
    },
}

impl RelayError {
    /// Whether the relayer should stop rather than try again next pass: its configuration
    /// names a subchain that does not exist or is not the subchain node's, or a node is on
    /// another chain.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Self::UnknownSubchain(_)
                | Self::Diverged { .. }
                | Self::MainDiverged { .. }
                | Self::WrongSubchainId { .. }
        )
    }
}

/// How the subchain's blocks are proven final to the main chain, from its consensus kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofKind {
    /// POC, Aura, PBFT: a justification of the batch's last header.
    Justification,
    /// PoW: the work in the headers and the confirmations on top.
    Work,
}

/// The finality proof sent with a batch, as the main chain's `submit_headers` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderProof {
    /// The SCALE-encoded justification of the batch's last header, as the subchain node
    /// stores it (`wcme_justification(hash).encoded`).
    Justification(Vec<u8>),
    /// Proof-of-work: the headers carry it.
    Work,
}

/// The lifecycle state of a registered subchain, as the relayer needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubchainState {
    /// Accepting headers.
    Active,
    /// Out of gas or frozen: nothing is accepted until it is topped up or unfrozen.
    Suspended,
    /// Deregistered.
    Retired,
}

/// What the main chain says about the relayed subchain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// Its lifecycle state.
    pub state: SubchainState,
    /// How its headers are proven final.
    pub proof: ProofKind,
    /// Its genesis hash: the parent of the first audited header.
    pub genesis_hash: Hash,
}

/// The last header the main chain audited for a subchain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuditedHead {
    /// Its height.
    pub number: BlockNumber,
    /// Its hash.
    pub hash: Hash,
}

/// A chain the relayer reads: the subchain, and the main chain for the subchain's light
/// client.
pub trait ChainSource {
    /// The chain's finalized height.
    fn finalized_number(&self) -> impl Future<Output = Result<BlockNumber, RelayError>> + Send;
    /// The chain's best height.
    fn best_number(&self) -> impl Future<Output = Result<BlockNumber, RelayError>> + Send;
    /// The header at `number` on the node's canonical chain, checked to hash to the block
    /// hash the node lists there.
    fn header(
        &self,
        number: BlockNumber,
    ) -> impl Future<Output = Result<Header, RelayError>> + Send;
    /// The encoded justification that finalized `hash`, if the node holds one.
    fn justification(
        &self,
        hash: Hash,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, RelayError>> + Send;
    /// A proof of the storage item at `key` in block `at`'s state (of its absence if unset).
    fn read_proof(
        &self,
        key: &[u8],
        at: Hash,
    ) -> impl Future<Output = Result<StorageProof, RelayError>> + Send;
}

/// The main chain, as the relayer reads and writes it.
pub trait MainChain {
    /// The registration of subchain `id`, `None` if there is none.
    fn registration(
        &self,
        id: SubchainId,
    ) -> impl Future<Output = Result<Option<Registration>, RelayError>> + Send;
    /// The last audited header of subchain `id`, `None` before the first audit.
    fn audited_head(
        &self,
        id: SubchainId,
    ) -> impl Future<Output = Result<Option<AuditedHead>, RelayError>> + Send;
    /// Signs and submits `CrossChain::submit_headers(id, headers, proof)`; returns the
    /// transaction hash once the main chain's pool took it.
    fn submit_headers(
        &self,
        id: SubchainId,
        headers: &[Header],
        proof: &HeaderProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
}

/// A main-chain call the relayer signs.
#[derive(Clone, Copy, Debug)]
pub enum MainCall<'a> {
    /// `CrossChain::submit_headers(subchain, headers, proof)`.
    SubmitHeaders {
        /// The subchain.
        subchain: SubchainId,
        /// Its headers.
        headers: &'a [Header],
        /// Their finality proof.
        proof: &'a HeaderProof,
    },
    /// `CrossChain::receive_from_subchain(subchain, at, message, proof)`.
    ReceiveFromSubchain {
        /// The subchain.
        subchain: SubchainId,
        /// The audited subchain block the proof is against.
        at: BlockNumber,
        /// The message.
        message: &'a TransferMessage,
        /// The proof of it in the subchain's `CrossChain::Outbound`.
        proof: &'a StorageProof,
    },
    /// `CrossChain::settle_outbound(subchain, seq, at, proof)`.
    SettleOutbound {
        /// The subchain.
        subchain: SubchainId,
        /// The main → subchain message settled.
        seq: u64,
        /// The audited subchain block the proof is against.
        at: BlockNumber,
        /// The proof of its receipt in the subchain's `CrossChain::Receipts`.
        proof: &'a StorageProof,
    },
    /// `CrossChain::broadcast_batch(subchain, first, hashes)`.
    BroadcastBatch {
        /// The subchain.
        subchain: SubchainId,
        /// The first message of the batch.
        first: u64,
        /// The messages' hashes.
        hashes: &'a [Hash],
    },
    /// `CrossChain::attest_batch(subchain, first, digest)`.
    AttestBatch {
        /// The subchain.
        subchain: SubchainId,
        /// The pending batch's first message.
        first: u64,
        /// Its digest.
        digest: Hash,
    },
}

/// A subchain call the relayer signs.
#[derive(Clone, Copy, Debug)]
pub enum SubchainCall<'a> {
    /// `MainChain::submit_main_headers(headers, justification, hand_off)`.
    SubmitMainHeaders {
        /// Main-chain headers of one round.
        headers: &'a [Header],
        /// The SCALE-encoded justification of the last one.
        justification: &'a [u8],
        /// A proof of `Poc::NextProducers` at the light client's head, entering a new round.
        hand_off: Option<&'a StorageProof>,
    },
    /// `CrossChain::receive_from_main(at, message, proof)`.
    ReceiveFromMain {
        /// The verified main-chain block the proof is against.
        at: BlockNumber,
        /// The message.
        message: &'a TransferMessage,
        /// The proof of it in the main chain's `CrossChain::Outbound`.
        proof: &'a StorageProof,
    },
    /// `CrossChain::settle_outbound(seq, at, proof)`.
    SettleOutbound {
        /// The subchain → main message settled.
        seq: u64,
        /// The verified main-chain block the proof is against.
        at: BlockNumber,
        /// The proof of its receipt in the main chain's `CrossChain::Receipts`.
        proof: &'a StorageProof,
    },
    /// `CrossChain::broadcast_batch(first, hashes)`.
    BroadcastBatch {
        /// The first message of the batch.
        first: u64,
        /// The messages' hashes.
        hashes: &'a [Hash],
    },
    /// `CrossChain::attest_batch(first, digest)`.
    AttestBatch {
        /// The pending batch's first message.
        first: u64,
        /// Its digest.
        digest: Hash,
    },
    /// `CrossChain::sync_c3ns(at, proof)`.
    SyncC3ns {
        /// The verified main-chain block the proof is against.
        at: BlockNumber,
        /// The proof of the main chain's `CrossChain::MainC3ns` and the subchain's
        /// `Subchains::ValidatorSets` entry.
        proof: &'a StorageProof,
    },
}

/// Signs a relayer's main-chain call by `signer` with `nonce` for the chain with genesis hash
/// `genesis`: the encoded extrinsic, or why the call cannot be built (a justification that does
/// not decode, more headers or proof nodes than the runtime takes); [`calls`] turns the
/// relayer's calls into the pallets'.
pub type MainSigner =
    for<'a> fn(&sr25519::Pair, MainCall<'a>, Nonce, Hash) -> Result<Vec<u8>, String>;

/// Signs a relayer's subchain call, as [`MainSigner`] a main-chain one.
pub type SubchainSigner =
    for<'a> fn(&sr25519::Pair, SubchainCall<'a>, Nonce, Hash) -> Result<Vec<u8>, String>;

/// The node binary's signers of the relayer's calls, which know its runtimes.
#[derive(Clone, Copy)]
pub struct RelaySigners {
    /// Main-chain calls.
    pub main: MainSigner,
    /// Subchain calls (the subchain's accounts must be sr25519 keys); `None` if the binary has
    /// no runtime with the subchain's bridge: then only headers are relayed.
    pub subchain: Option<SubchainSigner>,
}

/// The relayer's settings.
#[derive(Clone, Debug)]
pub struct RelayerConfig {
    /// The subchain relayed.
    pub subchain: SubchainId,
    /// Most headers in one submission: the main chain's `MaxHeadersPerSubmission`.
    pub max_batch: u32,
    /// Headers the main chain wants on top of a PoW header before it audits it: its
    /// `PowConfirmations`.
    pub pow_confirmations: u32,
    /// Pause between passes with nothing to relay, and between checks for inclusion.
    pub poll: Duration,
    /// How long a submitted batch may take to be audited before the pass gives up (the next
    /// pass starts again from the audited head).
    pub inclusion_timeout: Duration,
}

impl RelayerConfig {
    /// The settings matching the WCME main runtime for subchain `id`: batches of 64, PoW
    /// headers audited under 6 confirmations, a 1 s poll and a 60 s inclusion timeout.
    pub fn for_subchain(id: SubchainId) -> Self {
        Self {
            subchain: id,
            max_batch: 64,
            pow_confirmations: 6,
            poll: Duration::from_secs(1),
            inclusion_timeout: Duration::from_secs(60),
        }
    }
}

/// What one pass did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pass {
    /// A batch was audited: the audited head moved from `from - 1` to `to` (`to` may be below
    /// the batch's end when the subchain ran out of gas part-way).
    Audited {
        /// First audited header.
        from: BlockNumber,
        /// New audited head.
        to: BlockNumber,
    },
    /// Everything final is audited.
    UpToDate,
    /// The subchain is not accepting headers (suspended or retired).
    NotActive(SubchainState),
    /// New final blocks exist, but no justification is held for any of the next batch's
    /// headers (the node finalized them through a later justification or synced them).
    NoProof {
        /// The first unaudited block.
        from: BlockNumber,
        /// The last block searched.
        to: BlockNumber,
    },
}

/// Follows one subchain and relays its headers to the main chain.
pub struct Relayer<S, M> {
    source: S,
    main: M,
    config: RelayerConfig,
    metrics: Option<RelayMetrics>,
    memory: bridge::BridgeMemory,
    last_idle: Mutex<Option<Pass>>,
    last_bridge_idle: Mutex<Option<BridgePass>>,
}

impl<S: ChainSource + Sync, M: MainChain + Sync> Relayer<S, M> {
    /// A relayer of `config.subchain` between `source` and `main`.
    pub fn new(source: S, main: M, config: RelayerConfig, metrics: Option<RelayMetrics>) -> Self {
        Self {
            source,
            main,
            config,
            metrics,
            memory: bridge::BridgeMemory::default(),
            last_idle: Mutex::new(None),
            last_bridge_idle: Mutex::new(None),
        }
    }

    /// One pass: relays at most one batch and waits for it to be audited.
    pub async fn step(&self) -> Result<Pass, RelayError> {
        let id = self.config.subchain;
        let registration = self
            .main
            .registration(id)
            .await?
            .ok_or(RelayError::UnknownSubchain(id))?;
        let audited = self.main.audited_head(id).await?;
        let (audited_number, audited_hash) = audited
            .map(|head| (head.number, head.hash))
            .unwrap_or((0, registration.genesis_hash));
        if let Some(metrics) = &self.metrics {
            metrics.set_audited(audited_number);
        }
        if registration.state != SubchainState::Active {
            return Ok(Pass::NotActive(registration.state));
        }
        let from = audited_number.saturating_add(1);
        let max_batch = self.config.max_batch.max(1);
        let (headers, proof, expected) = match registration.proof {
            ProofKind::Justification => {
                let finalized = self.source.finalized_number().await?;
                if let Some(metrics) = &self.metrics {
                    metrics.set_source(finalized);
                }
                if finalized < from {
                    return Ok(Pass::UpToDate);
                }
                let end = finalized.min(audited_number.saturating_add(max_batch));
                let mut headers = self.headers(from, end).await?;
                let Some(proof) = justified_prefix(&self.source, &mut headers).await? else {
                    return Ok(Pass::NoProof { from, to: end });
                };
                let expected = audited_number.saturating_add(headers.len() as BlockNumber);
                (headers, HeaderProof::Justification(proof), expected)
            }
            ProofKind::Work => {
                let best = self.source.best_number().await?;
                if let Some(metrics) = &self.metrics {
                    metrics.set_source(best);
                }
                let confirmations = self.config.pow_confirmations;
                // The batch must hold at least one header beyond its confirmations.
                if best < from.saturating_add(confirmations) {
                    return Ok(Pass::UpToDate);
                }
                let end = best.min(
                    audited_number
                        .saturating_add(max_batch)
                        .max(from.saturating_add(confirmations)),
                );
                let headers = self.headers(from, end).await?;
                let expected = end.saturating_sub(confirmations);
                (headers, HeaderProof::Work, expected)
            }
        };
        if let Some(first) = headers.first()
            && first.parent_hash != audited_hash
        {
            return Err(RelayError::Diverged {
                number: from,
                found: first.parent_hash,
                audited: audited_hash,
            });
        }
        let tx = self.main.submit_headers(id, &headers, &proof).await?;
        tracing::info!(
            target: "relay",
            subchain = id,
            ?tx,
            "📤 Submitted subchain headers #{from}..=#{} for audit",
            from.saturating_add(headers.len() as BlockNumber).saturating_sub(1),
        );
        if let Some(metrics) = &self.metrics {
            metrics.submitted(headers.len());
        }
        self.await_audit(from, expected).await
    }

    /// Waits until the audited head reaches `expected`, stops moving short of it because the
    /// subchain ran out of gas, or the inclusion timeout passes.
    async fn await_audit(
        &self,
        from: BlockNumber,
        expected: BlockNumber,
    ) -> Result<Pass, RelayError> {
        let id = self.config.subchain;
        let started = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(self.config.poll).await;
            let head = self.main.audited_head(id).await?.map_or(0, |h| h.number);
            if head >= expected {
                return Ok(self.audited(from, head));
            }
            if head >= from {
                // Part of the batch was audited: the rest was refused because the gas ran out.
                let state = self.main.registration(id).await?.map(|r| r.state);
                if state != Some(SubchainState::Active) {
                    return Ok(self.audited(from, head));
                }
            }
            if started.elapsed() >= self.config.inclusion_timeout {
                if let Some(metrics) = &self.metrics {
                    metrics.failed();
                }
                return Err(RelayError::NotAudited {
                    from,
                    to: expected,
                    waited: started.elapsed(),
                });
            }
        }
    }

    fn audited(&self, from: BlockNumber, to: BlockNumber) -> Pass {
        if let Some(metrics) = &self.metrics {
            metrics.set_audited(to);
        }
        tracing::info!(
            target: "relay",
            subchain = self.config.subchain,
            "✅ Main chain audited subchain headers #{from}..=#{to}"
        );
        Pass::Audited { from, to }
    }

    /// The headers `from..=to` of the subchain node's canonical chain.
    async fn headers(&self, from: BlockNumber, to: BlockNumber) -> Result<Vec<Header>, RelayError> {
        let mut headers = Vec::with_capacity(to.saturating_sub(from).saturating_add(1) as usize);
        for number in from..=to {
            headers.push(self.source.header(number).await?);
        }
        Ok(headers)
    }

    /// Relays headers until `shutdown` completes or a fatal error ([`RelayError::is_fatal`]);
    /// other errors are logged and the next pass tries again.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<(), RelayError> {
        self.run_passes(shutdown, || self.header_pass()).await
    }

    /// Runs `pass` until `shutdown` completes or it fails fatally, pausing one poll interval
    /// after every pass that found nothing to do.
    async fn run_passes<F, Fut>(
        &self,
        shutdown: impl Future<Output = ()>,
        mut pass: F,
    ) -> Result<(), RelayError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<bool, RelayError>>,
    {
        tokio::pin!(shutdown);
        loop {
            let busy = tokio::select! {
                _ = &mut shutdown => return Ok(()),
                busy = pass() => busy?,
            };
            if !busy {
                tokio::select! {
                    _ = &mut shutdown => return Ok(()),
                    _ = tokio::time::sleep(self.config.poll) => {}
                }
            }
        }
    }

    /// One header pass, logged: whether it audited something; errors only if fatal.
    async fn header_pass(&self) -> Result<bool, RelayError> {
        let outcome = self.step().await;
        log_pass(&self.last_idle, outcome, |pass| match pass {
            Pass::Audited { .. } => true,
            idle => {
                self.log_idle(idle);
                false
            }
        })
    }

    fn log_idle(&self, pass: &Pass) {
        let subchain = self.config.subchain;
        match pass {
            Pass::UpToDate => {
                tracing::debug!(target: "relay", subchain, "Every final header is audited")
            }
            Pass::NotActive(state) => tracing::warn!(
                target: "relay",
                subchain,
                ?state,
                "The subchain is not active on the main chain (out of gas, frozen or retired): \
                 nothing is relayed until it is topped up or unfrozen"
            ),
            Pass::NoProof { from, to } => tracing::warn!(
                target: "relay",
                subchain,
                "The subchain node holds no justification for blocks #{from}..=#{to}; waiting"
            ),
            Pass::Audited { .. } => {}
        }
    }
}

/// Drops headers from the end of `headers` until `chain`'s node holds a justification of the
/// last one; that justification, `None` (and no headers) if it holds none of them.
async fn justified_prefix(
    chain: &impl ChainSource,
    headers: &mut Vec<Header>,
) -> Result<Option<Vec<u8>>, RelayError> {
    while let Some(last) = headers.last() {
        if let Some(justification) = chain.justification(last.hash()).await? {
            return Ok(Some(justification));
        }
        headers.pop();
    }
    Ok(None)
}

/// The outcome of a pass, logged: idle outcomes once until they change (`busy` logs them and
/// says whether the pass did something), non-fatal errors as warnings; whether the pass did
/// something, or the fatal error.
fn log_pass<P: PartialEq + Clone>(
    last_idle: &Mutex<Option<P>>,
    outcome: Result<P, RelayError>,
    busy: impl FnOnce(&P) -> bool,
) -> Result<bool, RelayError> {
    let mut last = last_idle.lock();
    match outcome {
        Ok(pass) if last.as_ref() == Some(&pass) => Ok(false),
        Ok(pass) => {
            let busy = busy(&pass);
            *last = (!busy).then_some(pass);
            Ok(busy)
        }
        Err(error) if error.is_fatal() => Err(error),
        Err(error) => {
            tracing::warn!(target: "relay", %error, "Relay pass failed; retrying");
            *last = None;
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests;
