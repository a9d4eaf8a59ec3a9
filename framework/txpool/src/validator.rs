//! The boundaries of the pool: transaction validation and time.

use std::time::{Duration, Instant};

use sp_runtime::transaction_validity::{TransactionSource, TransactionValidity};
use wcme_primitives::Hash;

use crate::ValidatorError;

/// Checks transactions against the state of a block.
///
/// The node implements it by calling the runtime's `TaggedTransactionQueue_validate_transaction`
/// API at block `at`; tests use doubles.
pub trait TxValidator: Send + Sync {
    /// Validates the encoded extrinsic `tx` against the state after block `at`.
    ///
    /// `Ok(Err(_))` is the runtime's verdict that the transaction is invalid or of unknown
    /// validity; `Err(_)` means no verdict could be reached.
    fn validate(
        &self,
        at: Hash,
        source: TransactionSource,
        tx: &[u8],
    ) -> Result<TransactionValidity, ValidatorError>;
}

/// A monotonic clock, for ban times.
pub trait Clock: Send + Sync {
    /// Time elapsed since an arbitrary fixed point; never decreases.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock counting from now.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}
