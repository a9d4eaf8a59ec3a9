//! The relayer's calls ([`MainCall`], [`SubchainCall`]) as the cross-chain pallets' own calls,
//! for a node binary to wrap in its runtime's `RuntimeCall` and sign: any runtime that includes
//! `pallet-wcme-cross-chain` (main side) or its `main_client` and `subchain` pallets (subchain
//! side) relays with the same code.

use codec::Decode;
use frame_support::{BoundedVec, traits::Get};
use pallet_wcme_cross_chain::{FinalityProof, Justification, main_client, subchain};

use crate::{HeaderProof, MainCall, SubchainCall};

/// `items` as a bounded list, or why they do not fit (`what`, the runtime's limit).
fn bounded<T: Clone, S: Get<u32>>(items: &[T], what: &str) -> Result<BoundedVec<T, S>, String> {
    items.to_vec().try_into().map_err(|_| {
        format!(
            "{} {what}: the runtime takes at most {}",
            items.len(),
            S::get()
        )
    })
}

fn justification(encoded: &[u8]) -> Result<Justification, String> {
    Justification::decode(&mut &encoded[..])
        .map_err(|e| format!("the justification does not decode: {e}"))
}

/// `call` as runtime `T`'s `CrossChain` call.
pub fn main_call<T: pallet_wcme_cross_chain::Config>(
    call: MainCall<'_>,
) -> Result<pallet_wcme_cross_chain::Call<T>, String> {
    use pallet_wcme_cross_chain::Call;
    Ok(match call {
        MainCall::SubmitHeaders {
            subchain,
            headers,
            proof,
        } => Call::submit_headers {
            subchain,
            headers: bounded(headers, "headers")?,
            proof: match proof {
                HeaderProof::Justification(encoded) => {
                    FinalityProof::Justification(justification(encoded)?)
                }
                HeaderProof::Work => FinalityProof::Work,
            },
        },
        MainCall::ReceiveFromSubchain {
            subchain,
            at,
            message,
            proof,
        } => Call::receive_from_subchain {
            subchain,
            at,
            message: *message,
            proof: bounded(proof, "proof nodes")?,
        },
        MainCall::SettleOutbound {
            subchain,
            seq,
            at,
            proof,
        } => Call::settle_outbound {
            subchain,
            seq,
            at,
            proof: bounded(proof, "proof nodes")?,
        },
        MainCall::BroadcastBatch {
            subchain,
            first,
            hashes,
        } => Call::broadcast_batch {
            subchain,
            first,
            hashes: bounded(hashes, "message hashes")?,
        },
        MainCall::AttestBatch {
            subchain,
            first,
            digest,
        } => Call::attest_batch {
            subchain,
            first,
            digest,
        },
    })
}

/// A subchain call of the relayer: to the light client (`MainChain`) or to the transfers
/// pallet (`CrossChain`).
pub enum BridgeCall<T: main_client::Config + subchain::Config> {
    /// `MainChain::submit_main_headers`.
    MainChain(main_client::Call<T>),
    /// `CrossChain::receive_from_main`, `settle_outbound`, `broadcast_batch`, `attest_batch`
    /// or `sync_c3ns`.
    CrossChain(subchain::Call<T>),
}

/// `call` as runtime `T`'s light-client or transfers call.
pub fn subchain_call<T: main_client::Config + subchain::Config>(
    call: SubchainCall<'_>,
) -> Result<BridgeCall<T>, String> {
    Ok(match call {
        SubchainCall::SubmitMainHeaders {
            headers,
            justification: encoded,
            hand_off,
        } => BridgeCall::MainChain(main_client::Call::submit_main_headers {
            headers: bounded(headers, "main-chain headers")?,
            justification: justification(encoded)?,
            hand_off: hand_off
                .map(|proof| bounded(proof, "proof nodes"))
                .transpose()?,
        }),
        SubchainCall::ReceiveFromMain { at, message, proof } => {
            BridgeCall::CrossChain(subchain::Call::receive_from_main {
                at,
                message: *message,
                proof: bounded(proof, "proof nodes")?,
            })
        }
        SubchainCall::SettleOutbound { seq, at, proof } => {
            BridgeCall::CrossChain(subchain::Call::settle_outbound {
                seq,
                at,
                proof: bounded(proof, "proof nodes")?,
            })
        }
        SubchainCall::BroadcastBatch { first, hashes } => {
            BridgeCall::CrossChain(subchain::Call::broadcast_batch {
                first,
                hashes: bounded(hashes, "message hashes")?,
            })
        }
        SubchainCall::AttestBatch { first, digest } => {
            BridgeCall::CrossChain(subchain::Call::attest_batch { first, digest })
        }
        SubchainCall::SyncC3ns { at, proof } => BridgeCall::CrossChain(subchain::Call::sync_c3ns {
            at,
            proof: bounded(proof, "proof nodes")?,
        }),
    })
}
