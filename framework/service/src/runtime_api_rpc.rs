//! Calling a runtime API for a `wcme_*` JSON-RPC method: at the block the caller names, the best
//! one by default, with a failure as [`RuntimeApiError::Runtime`].

use codec::Decode;
use sp_core::H256;
use wcme_rpc::RuntimeApiError;

use crate::Client;

/// Calls runtime API `method` (e.g. `SubchainsApi_subchain`) with SCALE `args` at block `at`,
/// the best block when `None`, and decodes its answer.
pub fn call_runtime_api<R: Decode>(
    client: &Client,
    at: Option<H256>,
    method: &'static str,
    args: &[u8],
) -> Result<R, RuntimeApiError> {
    let at = at.unwrap_or(client.info().best.1);
    client
        .executor()
        .call_decoded(&at, method, args)
        .map_err(|error| RuntimeApiError::Runtime(error.to_string()))
}
