//! Prometheus metrics of a relayer: how far each chain is, how much was submitted.

use substrate_prometheus_endpoint::{Counter, Gauge, PrometheusError, Registry, U64, register};

/// The relayer's metrics.
#[derive(Clone)]
pub struct RelayMetrics {
    source_head: Gauge<U64>,
    audited_head: Gauge<U64>,
    headers_submitted: Counter<U64>,
    batches_failed: Counter<U64>,
    main_verified_head: Gauge<U64>,
    messages_delivered: Counter<U64>,
    messages_settled: Counter<U64>,
}

impl RelayMetrics {
    /// Registers the relayer's metrics in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
        Ok(Self {
            source_head: register(
                Gauge::new(
                    "wcme_relay_subchain_head",
                    "The subchain's head the relayer follows (finalized, or best for PoW)",
                )?,
                registry,
            )?,
            audited_head: register(
                Gauge::new(
                    "wcme_relay_audited_head",
                    "The subchain's last header audited by the main chain",
                )?,
                registry,
            )?,
            headers_submitted: register(
                Counter::new(
                    "wcme_relay_headers_submitted_total",
                    "Subchain headers this relayer submitted for audit",
                )?,
                registry,
            )?,
            batches_failed: register(
                Counter::new(
                    "wcme_relay_batches_failed_total",
                    "Submissions of this relayer that did not take effect in time",
                )?,
                registry,
            )?,
            main_verified_head: register(
                Gauge::new(
                    "wcme_relay_main_verified_head",
                    "The main-chain block the subchain's light client verified last",
                )?,
                registry,
            )?,
            messages_delivered: register(
                Counter::new(
                    "wcme_relay_messages_delivered_total",
                    "Transfer messages this relayer delivered, both ways",
                )?,
                registry,
            )?,
            messages_settled: register(
                Counter::new(
                    "wcme_relay_messages_settled_total",
                    "Transfer messages this relayer settled at their source, both ways",
                )?,
                registry,
            )?,
        })
    }

    pub(crate) fn set_source(&self, number: u32) {
        self.source_head.set(u64::from(number));
    }

    pub(crate) fn set_audited(&self, number: u32) {
        self.audited_head.set(u64::from(number));
    }

    pub(crate) fn submitted(&self, headers: usize) {
        self.headers_submitted
            .inc_by(u64::try_from(headers).unwrap_or(u64::MAX));
    }

    pub(crate) fn set_main_verified(&self, number: u32) {
        self.main_verified_head.set(u64::from(number));
    }

    pub(crate) fn messages(&self, delivered: u64) {
        self.messages_delivered.inc_by(delivered);
    }

    pub(crate) fn settlements(&self, settled: u64) {
        self.messages_settled.inc_by(settled);
    }

    pub(crate) fn failed(&self) {
        self.batches_failed.inc();
    }
}
