//! Errors of CLI commands.

/// A command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The chain spec is unusable.
    #[error(transparent)]
    ChainSpec(#[from] wcme_service::ChainSpecError),
    /// The node failed to start or stopped with an error.
    #[error(transparent)]
    Service(#[from] wcme_service::ServiceError),
    /// Building genesis or executing blocks failed.
    #[error(transparent)]
    Executor(#[from] wcme_executor::ExecutorError),
    /// Sealing or verifying a block failed.
    #[error(transparent)]
    Consensus(#[from] wcme_consensus::ConsensusError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] wcme_storage::StorageError),
    /// A module failed to start or stop.
    #[error(transparent)]
    Module(#[from] wcme_module::ModuleError),
    /// The keystore failed (wrong password, corrupt key file, …).
    #[error(transparent)]
    Keystore(#[from] wcme_keystore::KeystoreError),
    /// The encrypted keystore is needed but no password was given.
    #[error(
        "the keystore is encrypted and needs a password: pass --password-filename <PATH> (or --password <PASSWORD>), or set WCME_KEYSTORE_PASSWORD"
    )]
    MissingPassword,
    /// `--validator` without a dev key, and the chain's keystore holds no authoring key.
    #[error(
        "--validator: no `{key_type}` key in {dir}; add one with `{executable} key insert --chain {chain} --base-path {base_path}`"
    )]
    NoAuthoringKeys {
        /// The key type looked for.
        key_type: wcme_keystore::KeyType,
        /// The keystore directory.
        dir: std::path::PathBuf,
        /// The node binary.
        executable: String,
        /// The chain as given on the command line.
        chain: String,
        /// The base path.
        base_path: std::path::PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A block file is truncated or corrupt.
    #[error("block file is invalid: {0}")]
    BadBlockFile(String),
    /// Importing a block failed.
    #[error("importing block #{number} failed: {source}")]
    Import {
        /// The block number.
        number: u32,
        /// Why.
        source: wcme_service::ImportError,
    },
    /// The chain spec names a runtime this node does not have.
    #[error(
        "the chain runs the runtime {name:?}, which this node does not have (it has: {known:?})"
    )]
    UnknownRuntime {
        /// The `spec_name` the chain spec asks for.
        name: String,
        /// The `spec_name`s the node has.
        known: Vec<String>,
    },
    /// The node binary lists no runtime.
    #[error("the node has no runtime compiled in")]
    NoRuntime,
    /// An argument is unusable.
    #[error("invalid argument: {0}")]
    BadArgument(String),
    /// A node answered a JSON-RPC request with an error, or could not be reached.
    #[error("JSON-RPC: {0}")]
    Rpc(String),
    /// Talking to a chain as a client (relaying, signing and submitting) failed.
    #[error(transparent)]
    Relay(#[from] wcme_relayer::RelayError),
    /// A submitted extrinsic was included in a block but failed to dispatch.
    #[error("{what} failed in block {block}: {error}")]
    ExtrinsicFailed {
        /// What the extrinsic was for.
        what: String,
        /// The block that includes it.
        block: String,
        /// The dispatch error, named from the runtime's metadata.
        error: String,
    },
    /// The chain would refuse a contract's code or call (a local check or a dry run said so).
    #[error("{0}")]
    ContractRefused(String),
    /// The log filter does not parse.
    #[error("invalid log filter `{0}`")]
    BadLogFilter(String),
    /// The node binary does not support this benchmark.
    #[error("{0}")]
    BenchmarkUnavailable(String),
    /// A benchmark ran but failed (a workload extrinsic failed, a pallet benchmark returned an
    /// error, its results cannot be analysed).
    #[error("benchmark failed: {0}")]
    Benchmark(String),
}

impl CliError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }
}
