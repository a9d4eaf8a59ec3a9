//! From equivocation seen by this node to a red card on chain.
//!
//! The POC engine (two headers sealed for one slot) and the finality gadget (two pre-commits
//! at one height) hand their evidence to a [`BusSink`], which publishes it on the node's event
//! bus as [`EquivocationSeen`]. The reporter task asks the runtime for the unsigned
//! `report_equivocation_unsigned` extrinsic (`PocApi_equivocation_report_extrinsic`) and puts it
//! into the transaction pool as a local transaction; the pool validates it against the chain and
//! gossips it, so whichever producer authors next includes it.

use std::sync::Arc;

use codec::Encode;
use sp_runtime::transaction_validity::TransactionSource;
use tokio::sync::broadcast::{self, error::RecvError};
use wcme_consensus::EquivocationSink;
use wcme_consensus_primitives::poc::Evidence;
use wcme_executor::ExecutorError;
use wcme_module::{EventBus, Shutdown};
use wcme_primitives::{Extrinsic, Hash, Header};
use wcme_txpool::PoolError;

use crate::{client::Client, pool::Pool};

/// Equivocation this node saw, on the event bus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EquivocationSeen(pub Evidence<Header>);

/// Publishes evidence on the node's event bus.
pub(crate) struct BusSink(pub(crate) EventBus);

impl EquivocationSink for BusSink {
    fn report(&self, evidence: Evidence<Header>) {
        if self.0.publish(EquivocationSeen(evidence)) == 0 {
            tracing::warn!(target: "consensus", "Equivocation seen, but no reporter runs");
        }
    }
}

/// Why evidence could not be put into the pool.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The runtime could not build the report (it lacks `PocApi`, or the call failed).
    #[error("the runtime cannot build the equivocation report: {0}")]
    Runtime(#[from] ExecutorError),
    /// The pool refused it (e.g. the offender is red-carded already).
    #[error("the pool refused the equivocation report: {0}")]
    Pool(#[from] PoolError),
}

/// Puts the report of `evidence` into `pool`, valid at the best block; returns its hash.
pub fn submit_report(
    client: &Client,
    pool: &Pool,
    evidence: &Evidence<Header>,
) -> Result<Hash, ReportError> {
    let best = client.info().best.1;
    // The runtime's `UncheckedExtrinsic` and the node's opaque `Extrinsic` share one encoding
    // (a length-prefixed byte string).
    let extrinsic: Extrinsic = client.executor().call_decoded(
        &best,
        "PocApi_equivocation_report_extrinsic",
        &evidence.encode(),
    )?;
    Ok(pool.submit(best, TransactionSource::Local, extrinsic.encode())?)
}

/// Reports every [`EquivocationSeen`] of `seen` until shutdown.
pub(crate) async fn run(
    client: Arc<Client>,
    pool: Arc<Pool>,
    mut seen: broadcast::Receiver<EquivocationSeen>,
    mut shutdown: Shutdown,
) {
    loop {
        let evidence = tokio::select! {
            _ = shutdown.wait() => return,
            received = seen.recv() => match received {
                Ok(EquivocationSeen(evidence)) => evidence,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(target: "consensus", missed, "Equivocation reports lagged");
                    continue;
                }
                Err(RecvError::Closed) => return,
            },
        };
        match submit_report(&client, &pool, &evidence) {
            Ok(hash) => tracing::warn!(
                target: "consensus",
                offender = ?evidence.offender(),
                ?hash,
                "🚨 Equivocation reported on chain"
            ),
            Err(error) => tracing::info!(
                target: "consensus",
                offender = ?evidence.offender(),
                %error,
                "Equivocation not reported"
            ),
        }
    }
}
