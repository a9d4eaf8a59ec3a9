//! Prometheus metrics of the node, served on `--prometheus-port` (9615).

use std::time::Duration;

use substrate_prometheus_endpoint::{
    Gauge, GaugeVec, HistogramOpts, HistogramVec, Opts, PrometheusError, Registry, U64,
    exponential_buckets, register,
};

use crate::client::BlockOrigin;

/// The node's metrics.
#[derive(Clone)]
pub struct Metrics {
    block_height: GaugeVec<U64>,
    import_time: HistogramVec,
    txpool_ready: Gauge<U64>,
    txpool_future: Gauge<U64>,
}

impl Metrics {
    /// Registers the node's metrics in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
        Ok(Self {
            block_height: register(
                GaugeVec::new(
                    Opts::new("wcme_block_height", "Block height info of the chain"),
                    &["status"],
                )?,
                registry,
            )?,
            import_time: register(
                HistogramVec::new(
                    HistogramOpts::new(
                        "wcme_block_import_time_seconds",
                        "Time to verify, execute and store a block",
                    )
                    .buckets(exponential_buckets(0.001, 2.0, 14)?),
                    &["origin"],
                )?,
                registry,
            )?,
            txpool_ready: register(
                Gauge::new("wcme_txpool_ready", "Transactions ready for inclusion")?,
                registry,
            )?,
            txpool_future: register(
                Gauge::new(
                    "wcme_txpool_future",
                    "Transactions waiting for an earlier nonce",
                )?,
                registry,
            )?,
        })
    }

    /// Records best and finalized heights.
    pub fn set_heights(&self, best: u32, finalized: u32) {
        self.block_height
            .with_label_values(&["best"])
            .set(u64::from(best));
        self.block_height
            .with_label_values(&["finalized"])
            .set(u64::from(finalized));
    }

    /// Records one block import.
    pub fn observe_import(&self, took: Duration, origin: BlockOrigin) {
        let label = match origin {
            BlockOrigin::Own => "own",
            BlockOrigin::File => "file",
            BlockOrigin::Network => "network",
        };
        self.import_time
            .with_label_values(&[label])
            .observe(took.as_secs_f64());
    }

    /// Records the pool's size.
    pub fn set_txpool(&self, ready: usize, future: usize) {
        self.txpool_ready.set(ready as u64);
        self.txpool_future.set(future as u64);
    }
}
