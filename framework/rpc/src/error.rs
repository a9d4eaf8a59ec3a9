//! Errors of the server and of each method, with the JSON-RPC codes Substrate uses for them.
//!
//! Every method error converts into a [`ErrorObjectOwned`] with the code, message and data a
//! Substrate node would send, so clients that match on codes (polkadot.js shows the `data` of a
//! 1010 error to the user) behave the same against WCME.

use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::ErrorObjectOwned;
use sp_core::H256;
use sp_runtime::transaction_validity::InvalidTransaction;

use crate::backend::{BackendError, SubmitError};

/// JSON-RPC error codes returned by this server.
pub mod codes {
    /// Parameters missing, of the wrong type or malformed (JSON-RPC standard).
    pub const INVALID_PARAMS: i32 = -32602;
    /// Internal failure of the server (JSON-RPC standard).
    pub const INTERNAL_ERROR: i32 = -32603;
    /// A call that Substrate only allows with `--rpc-methods unsafe`; here: not supported at all.
    pub const UNSAFE_OR_UNSUPPORTED: i32 = -32601;

    /// `payment_*`: the runtime call failed.
    pub const PAYMENT_RUNTIME: i32 = 1;
    /// `payment_*`: the extrinsic does not decode.
    pub const PAYMENT_DECODE: i32 = 2;

    /// `author_*`: internal failure of the node.
    pub const AUTHOR_INTERNAL: i32 = 1000;
    /// `author_*`: the extrinsic has an invalid format.
    pub const AUTHOR_BAD_FORMAT: i32 = 1001;
    /// `author_*`: the runtime rejected the transaction.
    pub const AUTHOR_INVALID_TX: i32 = 1010;
    /// `author_*`: the runtime cannot tell whether the transaction is valid.
    pub const AUTHOR_UNKNOWN_VALIDITY: i32 = 1011;
    /// `author_*`: the transaction is temporarily banned.
    pub const AUTHOR_TEMPORARILY_BANNED: i32 = 1012;
    /// `author_*`: the transaction is already in the pool.
    pub const AUTHOR_ALREADY_IMPORTED: i32 = 1013;
    /// `author_*`: priority too low to replace a transaction in the pool.
    pub const AUTHOR_TOO_LOW_PRIORITY: i32 = 1014;
    /// `author_*`: the pool is full.
    pub const AUTHOR_IMMEDIATELY_DROPPED: i32 = 1016;

    /// `system_*`: internal failure of the node.
    pub const SYSTEM_INTERNAL: i32 = 2000;

    /// `chain_*`: a request the chain cannot answer (e.g. block number above `u32::MAX`).
    pub const CHAIN_OTHER: i32 = 3001;
    /// `chain_*`: the node failed (database error).
    pub const CHAIN_CLIENT: i32 = 3002;

    /// `state_*`: the block range cannot be resolved.
    pub const STATE_INVALID_BLOCK_RANGE: i32 = 4001;
    /// `state_*`: `count` above the maximum.
    pub const STATE_INVALID_COUNT: i32 = 4002;
    /// `state_*`: the node failed (unknown block, runtime or database error).
    pub const STATE_CLIENT: i32 = 4003;

    /// `wcme_*`: the runtime call behind the method failed or its block is unknown.
    pub const RUNTIME_CALL_FAILED: i32 = 5002;
}

/// Why the server could not be built or started.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// Binding the listening socket failed (port in use, no permission, bad address).
    #[error("failed to bind the JSON-RPC server to {addr}: {source}")]
    Bind {
        /// The address that was requested.
        addr: std::net::SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The bound socket has no local address (should not happen).
    #[error("failed to read the local address of the JSON-RPC server: {0}")]
    LocalAddr(std::io::Error),
    /// A CORS origin is not a valid `Origin` header value.
    #[error("invalid CORS origin {0:?}: expected `all`, `*` or `scheme://host[:port|:*]`")]
    InvalidCorsOrigin(String),
    /// Two modules define the same method name.
    #[error("failed to register RPC method: {0}")]
    Register(#[from] RegisterMethodError),
    /// A configured HTTP middleware could not be built.
    #[error("invalid HTTP middleware configuration: {0}")]
    Middleware(String),
}

/// A parameter is missing, has the wrong JSON type, or does not parse (bad hex, wrong length).
///
/// Maps to `-32602 Invalid params` with the explanation as `data`, like jsonrpsee's own parse
/// errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// The request passed parameters by name; Substrate methods take them by position.
    #[error("named parameters are not supported; pass the parameters as a JSON array")]
    NotPositional,
    /// A required parameter is absent or `null`.
    #[error("missing required parameter #{index} `{name}`")]
    Missing {
        /// Position of the parameter, from 0.
        index: usize,
        /// Its name in Substrate's API.
        name: &'static str,
    },
    /// A parameter has the wrong value.
    #[error("invalid parameter #{index} `{name}`: {reason}")]
    Invalid {
        /// Position of the parameter, from 0.
        index: usize,
        /// Its name in Substrate's API.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl From<ParamError> for ErrorObjectOwned {
    fn from(e: ParamError) -> Self {
        ErrorObjectOwned::owned(codes::INVALID_PARAMS, "Invalid params", Some(e.to_string()))
    }
}

/// A `chain_*` method failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The request asks for something the chain cannot have (3001).
    #[error("{0}")]
    Other(String),
    /// The node failed to answer (3002).
    #[error("Client error: {0}")]
    Client(#[from] BackendError),
    /// The blocking task answering the call failed.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl From<ChainError> for ErrorObjectOwned {
    fn from(e: ChainError) -> Self {
        let code = match e {
            ChainError::Other(_) => codes::CHAIN_OTHER,
            ChainError::Client(_) => codes::CHAIN_CLIENT,
            ChainError::Internal(_) => codes::INTERNAL_ERROR,
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}

/// A `state_*` method failed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The `from`/`to` blocks of a range query are unknown or not on one chain (4001).
    #[error("Cannot resolve a block range ['{from:?}' ... '{to:?}']. {details}")]
    InvalidBlockRange {
        /// First block of the range.
        from: H256,
        /// Last block of the range.
        to: H256,
        /// Why it cannot be resolved.
        details: String,
    },
    /// A `count` or key list is larger than allowed (4002).
    #[error("count exceeds maximum value. value: {value}, max: {max}")]
    InvalidCount {
        /// What the caller asked for.
        value: u64,
        /// The maximum.
        max: u32,
    },
    /// The node failed: unknown block, runtime call failed, database error (4003).
    #[error("Client error: {0}")]
    Client(#[from] BackendError),
    /// A result of the runtime does not decode (4003).
    #[error("Client error: cannot decode the result of `{method}`: {reason}")]
    Decode {
        /// Runtime API function that was called.
        method: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// Walking the storage took longer than allowed (4003).
    #[error("Client error: {0}")]
    TooExpensive(String),
    /// `state_subscribeStorage` without keys: Substrate allows it only for unsafe RPC; WCME never.
    #[error("RPC call is unsafe to be called externally")]
    AllKeysUnsupported,
    /// The blocking task answering the call failed.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl From<StateError> for ErrorObjectOwned {
    fn from(e: StateError) -> Self {
        match e {
            StateError::InvalidBlockRange { .. } => {
                ErrorObjectOwned::owned(codes::STATE_INVALID_BLOCK_RANGE, e.to_string(), None::<()>)
            }
            StateError::InvalidCount { .. } => {
                ErrorObjectOwned::owned(codes::STATE_INVALID_COUNT, e.to_string(), None::<()>)
            }
            StateError::AllKeysUnsupported => ErrorObjectOwned::owned(
                codes::UNSAFE_OR_UNSUPPORTED,
                e.to_string(),
                Some("subscribing to all storage keys is not supported; pass a list of keys"),
            ),
            StateError::Internal(_) => {
                ErrorObjectOwned::owned(codes::INTERNAL_ERROR, e.to_string(), None::<()>)
            }
            StateError::Client(_) | StateError::Decode { .. } | StateError::TooExpensive(_) => {
                ErrorObjectOwned::owned(codes::STATE_CLIENT, e.to_string(), None::<()>)
            }
        }
    }
}

/// An `author_*` method failed: the pool refused the extrinsic.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    /// The pool refused it; `hash` is the extrinsic's hash (for `AlreadyImported`'s data).
    #[error("{source}")]
    Submit {
        /// Why the pool refused it.
        source: SubmitError,
        /// blake2-256 of the extrinsic.
        hash: H256,
    },
    /// The blocking task answering the call failed.
    #[error("Internal error: {0}")]
    Internal(String),
}

/// The `data` Substrate attaches to a 1010 error: the runtime's message for the invalidity.
pub fn invalid_transaction_message(e: InvalidTransaction) -> String {
    match e {
        InvalidTransaction::Custom(n) => format!("Custom error: {n}"),
        other => <&'static str>::from(other).to_string(),
    }
}

impl From<AuthorError> for ErrorObjectOwned {
    fn from(e: AuthorError) -> Self {
        let (source, hash) = match e {
            AuthorError::Submit { source, hash } => (source, hash),
            AuthorError::Internal(msg) => {
                return ErrorObjectOwned::owned(
                    codes::AUTHOR_INTERNAL,
                    format!("Internal error: {msg}"),
                    None::<()>,
                );
            }
        };
        match source {
            SubmitError::BadFormat(detail) => ErrorObjectOwned::owned(
                codes::AUTHOR_BAD_FORMAT,
                format!("Extrinsic has invalid format: {detail}"),
                None::<()>,
            ),
            SubmitError::Invalid(invalid) => ErrorObjectOwned::owned(
                codes::AUTHOR_INVALID_TX,
                "Invalid Transaction",
                Some(invalid_transaction_message(invalid)),
            ),
            SubmitError::UnknownValidity(unknown) => ErrorObjectOwned::owned(
                codes::AUTHOR_UNKNOWN_VALIDITY,
                "Unknown Transaction Validity",
                Some(format!("{unknown:?}")),
            ),
            SubmitError::TemporarilyBanned => ErrorObjectOwned::owned(
                codes::AUTHOR_TEMPORARILY_BANNED,
                "Transaction is temporarily banned",
                None::<()>,
            ),
            SubmitError::AlreadyImported => ErrorObjectOwned::owned(
                codes::AUTHOR_ALREADY_IMPORTED,
                "Transaction Already Imported",
                Some(format!("{hash:?}")),
            ),
            SubmitError::TooLowPriority { old, new } => ErrorObjectOwned::owned(
                codes::AUTHOR_TOO_LOW_PRIORITY,
                format!("Priority is too low: ({old} vs {new})"),
                Some(
                    "The transaction has too low priority to replace another transaction already \
                     in the pool.",
                ),
            ),
            SubmitError::ImmediatelyDropped => ErrorObjectOwned::owned(
                codes::AUTHOR_IMMEDIATELY_DROPPED,
                "Immediately Dropped",
                Some("The transaction couldn't enter the pool because of the limit"),
            ),
            SubmitError::Internal(msg) => ErrorObjectOwned::owned(
                codes::AUTHOR_INTERNAL,
                format!("Internal error: {msg}"),
                None::<()>,
            ),
        }
    }
}

/// A `system_*` method failed.
#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    /// The node failed to answer.
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// The blocking task answering the call failed.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl From<SystemError> for ErrorObjectOwned {
    fn from(e: SystemError) -> Self {
        let code = match e {
            SystemError::Backend(_) => codes::SYSTEM_INTERNAL,
            SystemError::Internal(_) => codes::INTERNAL_ERROR,
        };
        ErrorObjectOwned::owned(code, e.to_string(), None::<()>)
    }
}

/// A `payment_*` method failed.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The extrinsic does not decode (2).
    #[error("{context}")]
    Decode {
        /// Substrate's message, e.g. "Unable to query dispatch info.".
        context: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The runtime call failed or its result does not decode (1).
    #[error("{context}")]
    Runtime {
        /// Substrate's message, e.g. "Unable to query dispatch info.".
        context: &'static str,
        /// What went wrong.
        reason: String,
    },
}

impl From<PaymentError> for ErrorObjectOwned {
    fn from(e: PaymentError) -> Self {
        match e {
            PaymentError::Decode { context, reason } => {
                ErrorObjectOwned::owned(codes::PAYMENT_DECODE, context, Some(reason))
            }
            PaymentError::Runtime { context, reason } => {
                ErrorObjectOwned::owned(codes::PAYMENT_RUNTIME, context, Some(reason))
            }
        }
    }
}

/// A `wcme_*` method answering from a runtime API failed.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeApiError {
    /// A parameter is missing or malformed (`-32602`).
    #[error(transparent)]
    Param(#[from] ParamError),
    /// The runtime call failed: an unknown block, a runtime without the API, an answer that
    /// does not decode ([`codes::RUNTIME_CALL_FAILED`]).
    #[error("runtime call failed: {0}")]
    Runtime(String),
}

impl From<RuntimeApiError> for ErrorObjectOwned {
    fn from(error: RuntimeApiError) -> Self {
        match error {
            RuntimeApiError::Param(param) => param.into(),
            RuntimeApiError::Runtime(message) => ErrorObjectOwned::owned(
                codes::RUNTIME_CALL_FAILED,
                "Runtime call failed",
                Some(message),
            ),
        }
    }
}
