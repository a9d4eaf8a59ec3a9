//! The relayer's transfer side (DESIGN §5's token movement): it keeps the subchain's light
//! client of the main chain current and carries WCME transfer messages and their receipts both
//! ways, each with a storage proof against a state root the destination already trusts.
//!
//! One pass ([`Relayer::bridge_step`]):
//! 1. **Main-chain headers** to the subchain's light client (`MainChain::submit_main_headers`):
//!    the main chain's finalized headers after the light client's head, all of one POC round,
//!    ending at the highest the main node holds a justification for; the first headers of a new
//!    round go with a proof of `Poc::NextProducers` at the head, which names the new round's
//!    voters (the finality gadget finalizes every round's last block by its own voters, so that
//!    head is always justified on its own).
//!    Then, if the subchain counts other C3Ns than the main chain holds at that head (its own
//!    list and the subchain's registered validators), it proves them there
//!    (`CrossChain::sync_c3ns`).
//! 2. **The C3D on the subchain**, if the relayer's key is a C3N there: it attests the pending
//!    batch when its hashes are those of the main chain's messages at the light client's head, or
//!    broadcasts the next messages' hashes when no batch is pending (or it expired) and it did
//!    not broadcast the previous batch ([`pallet_wcme_cross_chain::c3d`]).
//! 3. **Main → subchain messages** the C3D accepted (`CrossChain::receive_from_main`), proven at
//!    the light client's head, in sequence from the subchain's next expected one.
//! 4. **Settlements on the subchain** (`CrossChain::settle_outbound`): the main chain's receipts
//!    of subchain → main messages, proven at the same head (refunding the expired ones).
//! 5. **The C3D on the main chain**, likewise, with the subchain's messages at the subchain
//!    header the main chain audited last.
//! 6. **Subchain → main messages** the C3D accepted (`CrossChain::receive_from_subchain` on the
//!    main chain), proven at that audited header.
//! 7. **Settlements on the main chain** (`CrossChain::settle_outbound`): the subchain's receipts
//!    of main → subchain messages, proven at the same audited header.
//!
//! Every step starts from what the chains say (sequence numbers, unsettled messages), so a
//! restarted relayer resumes and concurrent relayers do each message once: the destination
//! accepts only its next sequence number and settles a message only while it is unsettled,
//! refusing the second relayer's copy. The relayer remembers only where settled messages end,
//! to skip them (after a restart it looks at each settled one once again).

use std::{collections::HashMap, future::Future, time::Duration};

use pallet_wcme_cross_chain::{
    c3d::{C3dView, C3nId, batch_digest, message_hash},
    main_client::{FinalizedMainHeader, next_producers_key},
    message::{
        TransferMessage, main_c3ns_key, main_outbound_key, main_receipt_key, subchain_outbound_key,
        subchain_receipt_key, validator_set_key,
    },
};
use parking_lot::Mutex;
use wcme_consensus_primitives::poc::find_pre_digest;
use wcme_primitives::{BlockNumber, Hash, Header, Nonce};

use crate::{AuditedHead, ChainSource, MainChain, RelayError, Relayer, StorageProof, SubchainId};

/// Most messages (or settlements) one step of a pass submits in each direction: their proofs
/// (a few KiB each) fit a block many times over, and each step waits for inclusion, so a pass
/// carries up to this many per block time.
pub const MAX_MESSAGES_PER_PASS: u64 = 256;

/// The step relaying main-chain headers to the light client.
const MAIN_HEADERS: &str = "main-chain headers verified by the light client";

/// The subchain's side of the bridge, as its `SubchainBridgeApi` shows it at one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeState {
    /// The subchain's id in the main chain's registry, once set.
    pub subchain_id: Option<SubchainId>,
    /// The light client's finalized main-chain head, once anchored.
    pub main_head: Option<FinalizedMainHeader>,
    /// The main → subchain message the subchain accepts next.
    pub next_inbound_seq: u64,
}

/// The subchain, as the transfer relayer reads and writes it.
pub trait SubchainBridge: ChainSource {
    /// The bridge's state at block `at` (the best block if `None`).
    fn bridge_state(
        &self,
        at: Option<Hash>,
    ) -> impl Future<Output = Result<BridgeState, RelayError>> + Send;
    /// The unsettled subchain → main message `seq` at block `at` (best if `None`).
    fn outbound(
        &self,
        seq: u64,
        at: Option<Hash>,
    ) -> impl Future<Output = Result<Option<TransferMessage>, RelayError>> + Send;
    /// The relayer's nonces on the subchain.
    fn relayer_nonces(&self) -> impl Future<Output = Result<Nonces, RelayError>> + Send;
    /// Signs and submits `MainChain::submit_main_headers(headers, justification, hand_off)`.
    fn submit_main_headers(
        &self,
        headers: &[Header],
        justification: &[u8],
        hand_off: Option<&StorageProof>,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::receive_from_main(at, message, proof)`.
    fn receive_from_main(
        &self,
        at: BlockNumber,
        message: &TransferMessage,
        proof: &StorageProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::settle_outbound(seq, at, proof)`.
    fn settle_outbound(
        &self,
        seq: u64,
        at: BlockNumber,
        proof: &StorageProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// The C3D state of the main → subchain channel at the best block.
    fn c3d(&self) -> impl Future<Output = Result<C3dView, RelayError>> + Send;
    /// The relayer's C3N id on the subchain: its account's 32 bytes.
    fn relayer_c3n(&self) -> C3nId;
    /// Signs and submits `CrossChain::broadcast_batch(first, hashes)`.
    fn broadcast_batch(
        &self,
        first: u64,
        hashes: &[Hash],
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::attest_batch(first, digest)`.
    fn attest_batch(
        &self,
        first: u64,
        digest: Hash,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::sync_c3ns(at, proof)`.
    fn sync_c3ns(
        &self,
        at: BlockNumber,
        proof: &StorageProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
}

/// The main chain, as the transfer relayer reads and writes it.
pub trait MainBridge: ChainSource {
    /// The number the next main → subchain message of subchain `id` gets, at block `at`.
    fn next_outbound_seq(
        &self,
        id: SubchainId,
        at: Hash,
    ) -> impl Future<Output = Result<u64, RelayError>> + Send;
    /// The unsettled main → subchain message `seq` of subchain `id` at block `at` (best if
    /// `None`).
    fn outbound(
        &self,
        id: SubchainId,
        seq: u64,
        at: Option<Hash>,
    ) -> impl Future<Output = Result<Option<TransferMessage>, RelayError>> + Send;
    /// The subchain → main message of subchain `id` accepted next, at block `at` (best if
    /// `None`).
    fn next_inbound_seq(
        &self,
        id: SubchainId,
        at: Option<Hash>,
    ) -> impl Future<Output = Result<u64, RelayError>> + Send;
    /// The relayer's nonces on the main chain.
    fn relayer_nonces(&self) -> impl Future<Output = Result<Nonces, RelayError>> + Send;
    /// Signs and submits `CrossChain::receive_from_subchain(id, at, message, proof)`.
    fn receive_from_subchain(
        &self,
        id: SubchainId,
        at: BlockNumber,
        message: &TransferMessage,
        proof: &StorageProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::settle_outbound(id, seq, at, proof)`.
    fn settle_outbound(
        &self,
        id: SubchainId,
        seq: u64,
        at: BlockNumber,
        proof: &StorageProof,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// The C3D state of subchain `id`'s subchain → main channel at block `at` (best if
    /// `None`).
    fn c3d(
        &self,
        id: SubchainId,
        at: Option<Hash>,
    ) -> impl Future<Output = Result<C3dView, RelayError>> + Send;
    /// The relayer's C3N id on the main chain: its account's 32 bytes.
    fn relayer_c3n(&self) -> C3nId;
    /// Signs and submits `CrossChain::broadcast_batch(id, first, hashes)`.
    fn broadcast_batch(
        &self,
        id: SubchainId,
        first: u64,
        hashes: &[Hash],
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
    /// Signs and submits `CrossChain::attest_batch(id, first, digest)`.
    fn attest_batch(
        &self,
        id: SubchainId,
        first: u64,
        digest: Hash,
    ) -> impl Future<Output = Result<Hash, RelayError>> + Send;
}

/// The relayer account's nonces on a chain: what tells a refused transaction from a pending one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nonces {
    /// The nonce of the best block's state: every transaction below it is in a block.
    pub included: Nonce,
    /// The next nonce counting the pool's transactions too.
    pub next: Nonce,
}

/// How long a step whose transactions the destination refused is left alone: a refused message
/// (above the escrow, to a frozen subchain, to a destination that cannot receive) would be
/// refused again, and each try costs a fee.
pub const REFUSED_BACKOFF: Duration = Duration::from_secs(30);

/// What one bridge pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relayed {
    /// The light client's head after the pass, if it moved.
    pub main_head: Option<BlockNumber>,
    /// Main → subchain messages delivered (minted or expired).
    pub to_subchain: u64,
    /// Subchain → main messages delivered (released or expired).
    pub to_main: u64,
    /// Main → subchain messages settled on the main chain.
    pub settled_on_main: u64,
    /// Subchain → main messages settled on the subchain.
    pub settled_on_subchain: u64,
    /// C3D batches this relayer broadcast or attested, both ways.
    pub attested: u64,
}

impl Relayed {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// What one bridge pass found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BridgePass {
    /// Something moved.
    Relayed(Relayed),
    /// Nothing to carry.
    UpToDate,
    /// The subchain's bridge has no id yet (`set_subchain_id`): nothing can cross.
    NoSubchainId,
    /// The subchain's light client has no trust anchor: nothing can cross to the subchain.
    NotAnchored,
}

/// The main-chain headers to submit next: a prefix of `headers` (which extend the light
/// client's head of round `round`) of a single round, and whether that round is the next one
/// (a hand-off). Errs when the first header belongs to neither, or carries no POC pre-digest.
pub fn main_batch(round: u32, headers: &[Header]) -> Result<(usize, bool), RelayError> {
    let round_of = |header: &Header| {
        find_pre_digest(header)
            .map(|digest| digest.round)
            .map_err(|_| RelayError::NoPreDigest(header.number))
    };
    let Some(first) = headers.first() else {
        return Ok((0, false));
    };
    let first_round = round_of(first)?;
    let hand_off = if first_round == round {
        false
    } else if Some(first_round) == round.checked_add(1) {
        true
    } else {
        return Err(RelayError::LightClientStuck {
            number: first.number,
            round: first_round,
            head_round: round,
        });
    };
    let mut length = 0;
    for header in headers {
        if round_of(header)? != first_round {
            break;
        }
        length += 1;
    }
    Ok((length, hand_off))
}

/// What the bridge remembers between passes: where its settlement scans resume (every message
/// below is settled), and until when a step whose transactions were refused is left alone.
#[derive(Default)]
pub(crate) struct BridgeMemory {
    settled_on_main: Mutex<u64>,
    settled_on_subchain: Mutex<u64>,
    paused: Mutex<HashMap<&'static str, tokio::time::Instant>>,
}

impl<S, M> Relayer<S, M>
where
    S: SubchainBridge + Sync,
    M: MainChain + MainBridge + Sync,
{
    /// Relays headers for audit and, on a subchain with a bridge, main-chain headers, messages
    /// and settlements, until `shutdown` completes or a fatal error
    /// ([`RelayError::is_fatal`]); other errors are logged and the next pass tries again.
    pub async fn run_bridged(&self, shutdown: impl Future<Output = ()>) -> Result<(), RelayError> {
        self.run_passes(shutdown, || async {
            let audited = self.header_pass().await?;
            let bridged = self.bridge_pass().await?;
            Ok(audited || bridged)
        })
        .await
    }

    /// One bridge pass, logged: whether it moved something; errors only if fatal.
    async fn bridge_pass(&self) -> Result<bool, RelayError> {
        let subchain = self.config.subchain;
        let outcome = self.bridge_step().await;
        crate::log_pass(&self.last_bridge_idle, outcome, |pass| match pass {
            BridgePass::Relayed(_) => true,
            BridgePass::UpToDate => {
                tracing::debug!(target: "relay", subchain, "Every message is delivered and settled");
                false
            }
            BridgePass::NoSubchainId => {
                tracing::info!(
                    target: "relay",
                    subchain,
                    "The subchain's bridge has no subchain id yet (set_subchain_id): no transfers \
                     are relayed until it has"
                );
                false
            }
            BridgePass::NotAnchored => {
                tracing::warn!(
                    target: "relay",
                    subchain,
                    "The subchain's light client of the main chain has no trust anchor: no \
                     transfers are relayed until it has"
                );
                false
            }
        })
    }

    /// One bridge pass: main-chain headers to the light client, then messages and settlements
    /// both ways (see the [module](self) docs); waits for each submission to take effect.
    pub async fn bridge_step(&self) -> Result<BridgePass, RelayError> {
        let id = self.config.subchain;
        let state = self.source.bridge_state(None).await?;
        match state.subchain_id {
            None => return Ok(BridgePass::NoSubchainId),
            Some(found) if found != id => {
                return Err(RelayError::WrongSubchainId {
                    expected: id,
                    found,
                });
            }
            Some(_) => {}
        }
        let Some(mut head) = state.main_head else {
            return Ok(BridgePass::NotAnchored);
        };
        let mut relayed = Relayed::default();
        if let Some(new_head) = self.relay_main_headers(head).await? {
            relayed.main_head = Some(new_head.number);
            head = new_head;
        }
        if let Some(metrics) = &self.metrics {
            metrics.set_main_verified(head.number);
        }
        let synced = self.sync_c3ns(&head).await?;
        let (accepted, acted) = self.attest_to_subchain(&head).await?;
        relayed.attested = u64::from(acted) + u64::from(synced);
        relayed.to_subchain = self
            .deliver_to_subchain(&head, state.next_inbound_seq, accepted)
            .await?;
        relayed.settled_on_subchain = self.settle_on_subchain(&head).await?;
        if let Some(audited) = self.main.audited_head(id).await? {
            let (accepted, acted) = self.attest_to_main(audited).await?;
            relayed.attested = relayed.attested.saturating_add(u64::from(acted));
            relayed.to_main = self.deliver_to_main(audited, accepted).await?;
            relayed.settled_on_main = self.settle_on_main(audited).await?;
        }
        if let Some(metrics) = &self.metrics {
            metrics.messages(relayed.to_subchain.saturating_add(relayed.to_main));
            metrics.settlements(
                relayed
                    .settled_on_main
                    .saturating_add(relayed.settled_on_subchain),
            );
        }
        Ok(if relayed.is_empty() {
            BridgePass::UpToDate
        } else {
            BridgePass::Relayed(relayed)
        })
    }

    /// Submits the main chain's finalized headers after the light client's `head`, at most
    /// [`crate::RelayerConfig::max_batch`] in all, as one submission per round (each ending at
    /// a justified block, a new round's with its hand-off proof), in nonce order so that they
    /// apply one after the other in a block; the new head once verified, `None` if there was
    /// nothing to submit.
    async fn relay_main_headers(
        &self,
        head: FinalizedMainHeader,
    ) -> Result<Option<FinalizedMainHeader>, RelayError> {
        if self.is_paused(MAIN_HEADERS) {
            return Ok(None);
        }
        let finalized = self.main.finalized_number().await?;
        if finalized <= head.number {
            return Ok(None);
        }
        let end = finalized.min(head.number.saturating_add(self.config.max_batch.max(1)));
        let mut pending = Vec::new();
        for number in head.number.saturating_add(1)..=end {
            pending.push(self.main.header(number).await?);
        }
        if let Some(first) = pending.first()
            && first.parent_hash != head.hash
        {
            return Err(RelayError::MainDiverged {
                number: first.number,
                found: first.parent_hash,
                verified: head.hash,
            });
        }
        // The light client's head as the submissions so far leave it.
        let (mut number, mut hash, mut round) = (head.number, head.hash, head.round);
        let mut submitted = None;
        while !pending.is_empty() {
            let (length, hand_off) = main_batch(round, &pending)?;
            // The batch is of the head's round, or of the next one for a hand-off.
            let batch_round = if hand_off {
                round.saturating_add(1)
            } else {
                round
            };
            let rest = pending.split_off(length);
            let mut batch = std::mem::replace(&mut pending, rest);
            let complete = !pending.is_empty();
            let justification = crate::justified_prefix(&self.main, &mut batch).await?;
            let (Some(justification), Some(last)) = (justification, batch.last()) else {
                break;
            };
            let hand_off = if hand_off {
                Some(self.main.read_proof(&next_producers_key(), hash).await?)
            } else {
                None
            };
            let tx = self
                .source
                .submit_main_headers(&batch, &justification, hand_off.as_ref())
                .await?;
            tracing::info!(
                target: "relay",
                ?tx,
                hand_off = hand_off.is_some(),
                "📤 Submitted main-chain headers #{}..=#{} to the subchain's light client",
                number.saturating_add(1),
                last.number,
            );
            (number, hash, round) = (last.number, last.hash(), batch_round);
            submitted = Some(number);
            // A round's batch that stopped short of its last block: the next round's headers
            // need that block verified first.
            if !complete || batch.len() < length {
                break;
            }
        }
        let Some(last_number) = submitted else {
            tracing::debug!(
                target: "relay",
                "No justified main-chain block among #{}..=#{end} yet",
                head.number.saturating_add(1),
            );
            return Ok(None);
        };
        let verified = self
            .wait_for_effect(
                MAIN_HEADERS,
                || async {
                    let head = self.source.bridge_state(None).await?.main_head;
                    Ok(head.filter(|head| head.number >= last_number))
                },
                || self.source.relayer_nonces(),
            )
            .await?;
        tracing::info!(
            target: "relay",
            "✅ The subchain verified main-chain block #{} ({:?}) final",
            verified.number,
            verified.hash,
        );
        Ok(Some(verified))
    }

    /// Proves the C3N sets the main chain holds at the light client's `head` (its own and the
    /// subchain's registered validators) to the subchain when the subchain counts others
    /// (`CrossChain::sync_c3ns`); whether it did.
    async fn sync_c3ns(&self, head: &FinalizedMainHeader) -> Result<bool, RelayError> {
        const WHAT: &str = "C3N sets proven to the subchain";
        if self.is_paused(WHAT) {
            return Ok(false);
        }
        let id = self.config.subchain;
        let on_main = self.main.c3d(id, Some(head.hash)).await?;
        let same = |view: &C3dView| {
            view.main_c3ns == on_main.main_c3ns && view.subchain_c3ns == on_main.subchain_c3ns
        };
        if same(&self.source.c3d().await?) {
            return Ok(false);
        }
        let mut proof = self.main.read_proof(&main_c3ns_key(), head.hash).await?;
        proof.extend(
            self.main
                .read_proof(&validator_set_key(id), head.hash)
                .await?,
        );
        proof.sort();
        proof.dedup();
        self.source.sync_c3ns(head.number, &proof).await?;
        self.wait_for_effect(
            WHAT,
            || async { Ok(same(&self.source.c3d().await?).then_some(())) },
            || self.source.relayer_nonces(),
        )
        .await?;
        tracing::info!(
            target: "relay",
            subchain = id,
            "🔑 The subchain counts the C3Ns the main chain holds at #{}: {} main, {} subchain",
            head.number,
            on_main.main_c3ns.len(),
            on_main.subchain_c3ns.len(),
        );
        Ok(true)
    }

    /// The C3D step of main → subchain messages on the subchain, the messages as the main
    /// chain holds them at the light client's `head` (see [`Self::attest`]).
    async fn attest_to_subchain(
        &self,
        head: &FinalizedMainHeader,
    ) -> Result<(u64, bool), RelayError> {
        let id = self.config.subchain;
        self.attest(
            "main → subchain batches",
            self.source.relayer_c3n(),
            || self.source.c3d(),
            || self.source.best_number(),
            move |seq| self.main.outbound(id, seq, Some(head.hash)),
            |first, hashes| async move { self.source.broadcast_batch(first, &hashes).await },
            |first, digest| self.source.attest_batch(first, digest),
            || self.source.relayer_nonces(),
        )
        .await
    }

    /// The C3D step of subchain → main messages on the main chain, the messages as the
    /// subchain holds them at the `audited` header (see [`Self::attest`]).
    async fn attest_to_main(&self, audited: AuditedHead) -> Result<(u64, bool), RelayError> {
        let id = self.config.subchain;
        self.attest(
            "subchain → main batches",
            self.main.relayer_c3n(),
            || self.main.c3d(id, None),
            || self.main.best_number(),
            move |seq| self.source.outbound(seq, Some(audited.hash)),
            |first, hashes| async move { self.main.broadcast_batch(id, first, &hashes).await },
            |first, digest| self.main.attest_batch(id, first, digest),
            || self.main.relayer_nonces(),
        )
        .await
    }

    /// One C3D step of a channel on its destination, if the relayer (`me`) is a C3N there:
    /// attests the pending batch if its hashes are those of the messages the source holds
    /// (`message`), or broadcasts the source's next messages (up to the destination's
    /// `max_batch` and [`MAX_MESSAGES_PER_PASS`]) when no batch is pending — or the pending one
    /// expired — and the relayer did not broadcast the previous batch. Returns where the
    /// accepted messages end (the channel's `next`) and whether the relayer submitted
    /// anything.
    #[allow(clippy::too_many_arguments)]
    async fn attest<View, Best, Message, Broadcast, Attest, ReadNonces>(
        &self,
        what: &'static str,
        me: C3nId,
        view: impl Fn() -> View,
        best: impl Fn() -> Best,
        message: impl Fn(u64) -> Message,
        broadcast: impl Fn(u64, Vec<Hash>) -> Broadcast,
        attest: impl Fn(u64, Hash) -> Attest,
        nonces: impl Fn() -> ReadNonces,
    ) -> Result<(u64, bool), RelayError>
    where
        View: Future<Output = Result<C3dView, RelayError>>,
        Best: Future<Output = Result<BlockNumber, RelayError>>,
        Message: Future<Output = Result<Option<TransferMessage>, RelayError>>,
        Broadcast: Future<Output = Result<Hash, RelayError>>,
        Attest: Future<Output = Result<Hash, RelayError>>,
        ReadNonces: Future<Output = Result<Nonces, RelayError>>,
    {
        let current = view().await?;
        if !current.is_c3n(&me) || self.is_paused(what) {
            return Ok((current.next, false));
        }
        let subchain = self.config.subchain;
        // The hashes of the source's messages `first..end`, stopping at the first it lacks.
        let hashes_from = |first: u64, end: u64| {
            let message = &message;
            async move {
                let mut hashes = Vec::new();
                for seq in first..end {
                    let Some(found) = message(seq).await? else {
                        break;
                    };
                    hashes.push(message_hash(&found));
                }
                Ok::<_, RelayError>(hashes)
            }
        };
        if let Some(pending) = &current.pending {
            if !pending.attesters.contains(&me) {
                let end = pending.first.saturating_add(pending.hashes.len() as u64);
                if hashes_from(pending.first, end).await? == pending.hashes {
                    attest(pending.first, batch_digest(pending.first, &pending.hashes)).await?;
                    let first = pending.first;
                    self.wait_for_effect(
                        what,
                        || async {
                            let now = view().await?;
                            let done = now.pending.as_ref().is_none_or(|pending| {
                                pending.first != first || pending.attesters.contains(&me)
                            });
                            Ok(done.then_some(()))
                        },
                        &nonces,
                    )
                    .await?;
                    tracing::info!(
                        target: "relay",
                        subchain,
                        "🤝 Attested the {what} from #{first} ({} messages)",
                        pending.hashes.len(),
                    );
                    return Ok((view().await?.next, true));
                }
                tracing::debug!(
                    target: "relay",
                    subchain,
                    "The pending {what} from #{} is not (yet) what the source chain holds",
                    pending.first,
                );
            }
            let expired = best().await? >= pending.broadcast_at.saturating_add(current.expiry);
            if !expired {
                return Ok((current.next, false));
            }
        }
        if current.last_broadcaster == Some(me) {
            // Another C3N broadcasts the next batch (the chain refuses two in a row).
            return Ok((current.next, false));
        }
        let limit = u64::from(current.max_batch).min(MAX_MESSAGES_PER_PASS);
        let hashes = hashes_from(current.next, current.next.saturating_add(limit)).await?;
        if hashes.is_empty() {
            return Ok((current.next, false));
        }
        let (first, count) = (current.next, hashes.len());
        broadcast(first, hashes).await?;
        let before = current.pending.as_ref().map(|pending| pending.broadcast_at);
        self.wait_for_effect(
            what,
            || async {
                // Anything new in the channel: this batch, or another C3N's that won the race.
                let now = view().await?;
                let changed = now.next != first
                    || now.pending.as_ref().map(|pending| pending.broadcast_at) != before;
                Ok(changed.then_some(()))
            },
            &nonces,
        )
        .await?;
        tracing::info!(
            target: "relay",
            subchain,
            "📣 Broadcast the {what} #{first}..#{}",
            first.saturating_add(count as u64),
        );
        Ok((view().await?.next, true))
    }

    /// Delivers the main → subchain messages sent by `head` from `next` on, those below
    /// `accepted` (the C3D accepted them).
    async fn deliver_to_subchain(
        &self,
        head: &FinalizedMainHeader,
        next: u64,
        accepted: u64,
    ) -> Result<u64, RelayError> {
        let id = self.config.subchain;
        let sent = self.main.next_outbound_seq(id, head.hash).await?;
        self.deliver(
            "main → subchain",
            next,
            sent.min(accepted),
            move |seq| async move {
                let Some(message) = self.main.outbound(id, seq, Some(head.hash)).await? else {
                    return Ok(false);
                };
                let proof = self
                    .main
                    .read_proof(&main_outbound_key(id, seq), head.hash)
                    .await?;
                self.source
                    .receive_from_main(head.number, &message, &proof)
                    .await?;
                Ok(true)
            },
            || async { Ok(self.source.bridge_state(None).await?.next_inbound_seq) },
            || self.source.relayer_nonces(),
        )
        .await
    }

    /// Delivers the subchain → main messages the subchain holds at `audited`, from the main
    /// chain's next expected one on, those below `accepted` (the C3D accepted them).
    async fn deliver_to_main(
        &self,
        audited: AuditedHead,
        accepted: u64,
    ) -> Result<u64, RelayError> {
        let id = self.config.subchain;
        let next = self.main.next_inbound_seq(id, None).await?;
        self.deliver(
            "subchain → main",
            next,
            accepted,
            move |seq| async move {
                let Some(message) = self.source.outbound(seq, Some(audited.hash)).await? else {
                    return Ok(false);
                };
                let proof = self
                    .source
                    .read_proof(&subchain_outbound_key(seq), audited.hash)
                    .await?;
                self.main
                    .receive_from_subchain(id, audited.number, &message, &proof)
                    .await?;
                Ok(true)
            },
            || self.main.next_inbound_seq(id, None),
            || self.main.relayer_nonces(),
        )
        .await
    }

    /// Submits messages `next..sent` (at most [`MAX_MESSAGES_PER_PASS`]) with `submit`, which
    /// says `false` when the source has no such message (yet) at its proof's block, and waits
    /// until the destination's next expected number (`received`) is past them; how many.
    /// `nonces` are the relayer's on the destination.
    async fn deliver<Submit, Received, ReadNonces>(
        &self,
        direction: &'static str,
        next: u64,
        sent: u64,
        submit: impl Fn(u64) -> Submit,
        received: impl Fn() -> Received,
        nonces: impl Fn() -> ReadNonces,
    ) -> Result<u64, RelayError>
    where
        Submit: Future<Output = Result<bool, RelayError>>,
        Received: Future<Output = Result<u64, RelayError>>,
        ReadNonces: Future<Output = Result<Nonces, RelayError>>,
    {
        if self.is_paused(direction) {
            return Ok(0);
        }
        let mut delivered = next;
        for seq in next..sent.min(next.saturating_add(MAX_MESSAGES_PER_PASS)) {
            if !submit(seq).await? {
                break;
            }
            delivered = seq.saturating_add(1);
        }
        if delivered == next {
            return Ok(0);
        }
        self.wait_for_effect(
            direction,
            || async { Ok((received().await? >= delivered).then_some(())) },
            nonces,
        )
        .await?;
        tracing::info!(
            target: "relay",
            subchain = self.config.subchain,
            "✅ {direction} messages #{next}..#{delivered} delivered",
        );
        Ok(delivered.saturating_sub(next))
    }

    /// Settles on the subchain the subchain → main messages the main chain holds receipts of
    /// at `head`.
    async fn settle_on_subchain(&self, head: &FinalizedMainHeader) -> Result<u64, RelayError> {
        let id = self.config.subchain;
        let received = self.main.next_inbound_seq(id, Some(head.hash)).await?;
        self.settle(
            "subchain → main messages settled on the subchain",
            &self.memory.settled_on_subchain,
            received,
            move |seq| async move { Ok(self.source.outbound(seq, None).await?.is_some()) },
            move |seq| async move {
                let proof = self
                    .main
                    .read_proof(&main_receipt_key(id, seq), head.hash)
                    .await?;
                self.source
                    .settle_outbound(seq, head.number, &proof)
                    .await?;
                Ok(())
            },
            || self.source.relayer_nonces(),
        )
        .await
    }

    /// Settles on the main chain the main → subchain messages the subchain holds receipts of at
    /// the audited header `audited`.
    async fn settle_on_main(&self, audited: AuditedHead) -> Result<u64, RelayError> {
        let id = self.config.subchain;
        let received = self
            .source
            .bridge_state(Some(audited.hash))
            .await?
            .next_inbound_seq;
        self.settle(
            "main → subchain messages settled on the main chain",
            &self.memory.settled_on_main,
            received,
            move |seq| async move { Ok(self.main.outbound(id, seq, None).await?.is_some()) },
            move |seq| async move {
                let proof = self
                    .source
                    .read_proof(&subchain_receipt_key(seq), audited.hash)
                    .await?;
                self.main
                    .settle_outbound(id, seq, audited.number, &proof)
                    .await?;
                Ok(())
            },
            || self.main.relayer_nonces(),
        )
        .await
    }

    /// Settles the messages from `settled_below` up to `received` (the destination holds
    /// receipts of those; at most [`MAX_MESSAGES_PER_PASS`]) that the source still holds
    /// (`unsettled`) with `settle`, waits until the source dropped them, and moves
    /// `settled_below` on; how many were settled. `nonces` are the relayer's on the source.
    async fn settle<Unsettled, Settle, ReadNonces>(
        &self,
        what: &'static str,
        settled_below: &Mutex<u64>,
        received: u64,
        unsettled: impl Fn(u64) -> Unsettled,
        settle: impl Fn(u64) -> Settle,
        nonces: impl Fn() -> ReadNonces,
    ) -> Result<u64, RelayError>
    where
        Unsettled: Future<Output = Result<bool, RelayError>>,
        Settle: Future<Output = Result<(), RelayError>>,
        ReadNonces: Future<Output = Result<Nonces, RelayError>>,
    {
        if self.is_paused(what) {
            return Ok(0);
        }
        let from = *settled_below.lock();
        let scanned = received.min(from.saturating_add(MAX_MESSAGES_PER_PASS));
        let mut settled = Vec::new();
        for seq in from..scanned {
            if unsettled(seq).await? {
                settle(seq).await?;
                settled.push(seq);
            }
        }
        if !settled.is_empty() {
            self.wait_for_effect(
                what,
                || async {
                    for seq in &settled {
                        if unsettled(*seq).await? {
                            return Ok(None);
                        }
                    }
                    Ok(Some(()))
                },
                nonces,
            )
            .await?;
        }
        *settled_below.lock() = scanned;
        if let (Some(first), Some(last)) = (settled.first(), settled.last()) {
            tracing::info!(
                target: "relay",
                subchain = self.config.subchain,
                "✅ {what}: {} of #{first}..=#{last}",
                settled.len(),
            );
        }
        Ok(settled.len() as u64)
    }

    /// Whether step `what` is left alone after a refusal.
    fn is_paused(&self, what: &'static str) -> bool {
        let mut paused = self.memory.paused.lock();
        match paused.get(what) {
            Some(until) if tokio::time::Instant::now() < *until => true,
            Some(_) => {
                paused.remove(what);
                false
            }
            None => false,
        }
    }

    /// Polls `done` until the transactions of step `what` just submitted took effect (it gives
    /// a value). Fails at once with [`RelayError::Refused`], and leaves the step alone for
    /// [`REFUSED_BACKOFF`], when the relayer's transactions are all in blocks (its included
    /// nonce, from `nonces`, reached the next one it had when waiting began) without the effect;
    /// fails after the inclusion timeout otherwise.
    async fn wait_for_effect<T, Done, ReadNonces>(
        &self,
        what: &'static str,
        done: impl Fn() -> Done,
        nonces: impl Fn() -> ReadNonces,
    ) -> Result<T, RelayError>
    where
        Done: Future<Output = Result<Option<T>, RelayError>>,
        ReadNonces: Future<Output = Result<Nonces, RelayError>>,
    {
        let submitted_below = nonces().await?.next;
        let started = tokio::time::Instant::now();
        loop {
            // The nonce first: included transactions and still no effect mean refused.
            let included = nonces().await?.included;
            if let Some(value) = done().await? {
                return Ok(value);
            }
            if included >= submitted_below {
                self.memory
                    .paused
                    .lock()
                    .insert(what, tokio::time::Instant::now() + REFUSED_BACKOFF);
                if let Some(metrics) = &self.metrics {
                    metrics.failed();
                }
                return Err(RelayError::Refused {
                    what,
                    backoff: REFUSED_BACKOFF,
                });
            }
            if started.elapsed() >= self.config.inclusion_timeout {
                if let Some(metrics) = &self.metrics {
                    metrics.failed();
                }
                return Err(RelayError::NotIncluded {
                    what,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(self.config.poll.min(Duration::from_millis(500))).await;
        }
    }
}
