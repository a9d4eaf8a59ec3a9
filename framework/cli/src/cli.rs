//! Command-line arguments, spelled as Substrate spells them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A WCME node.
#[derive(Debug, Parser)]
#[command(
    version,
    propagate_version = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A subcommand; without one the node runs.
    #[command(subcommand)]
    pub subcommand: Option<Command>,
    /// Options of the running node.
    #[command(flatten)]
    pub run: RunCmd,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a chain specification as JSON.
    BuildSpec(BuildSpecCmd),
    /// Generate or inspect keys.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Delete the chain database.
    PurgeChain(PurgeChainCmd),
    /// Write blocks of the chain to a file.
    ExportBlocks(ExportBlocksCmd),
    /// Re-execute and import blocks from a file.
    ImportBlocks(ImportBlocksCmd),
    /// Measure the node.
    #[command(subcommand)]
    Benchmark(BenchmarkCmd),
    /// Start a local N-node network on 127.0.0.1 (one process and log per node).
    Localnet(LocalnetCmd),
    /// Business subchains.
    #[command(subcommand)]
    Subchain(SubchainCmd),
    /// Relay a subchain's finalized headers to the main chain for audit.
    Relay(RelayCmd),
    /// Smart contracts: build from source, deploy and call on a running chain.
    #[command(subcommand)]
    Contract(ContractCmd),
}

/// `contract …`.
#[derive(Debug, Clone, Subcommand)]
pub enum ContractCmd {
    /// Compile a contract (`.c` with the C SDK, `.ts` with the AssemblyScript SDK) and check the
    /// module as the chain's `upload_code` will.
    Build(ContractBuildCmd),
    /// Upload a contract's code (unless the chain has it) and instantiate it.
    Deploy(ContractDeployCmd),
    /// Call a contract: a dry run, then (unless `--dry-run`) a signed `Contracts::call`.
    Call(ContractCallCmd),
}

/// `contract build <SOURCE> [--output <FILE>] [--sdk <DIR>]`.
#[derive(Debug, Clone, Args)]
pub struct ContractBuildCmd {
    /// The contract's source: a `.c` or an AssemblyScript `.ts` file.
    pub source: std::path::PathBuf,
    /// Where to write the Wasm module (default: the source's path with `.wasm`).
    #[arg(long, short = 'o')]
    pub output: Option<std::path::PathBuf>,
    /// The WCME `sdk/` directory (default: `$WCME_SDK`, else the first `sdk/` with the SDKs
    /// found in the current directory or its parents, or next to the node binary).
    #[arg(long)]
    pub sdk: Option<std::path::PathBuf>,
}

/// Where and as whom `contract deploy` and `contract call` talk to a chain.
#[derive(Debug, Clone, Args)]
pub struct ContractClientParams {
    /// A node's JSON-RPC endpoint (`ws://` or `http://`, one port serves both).
    #[arg(long, default_value = "ws://127.0.0.1:9944")]
    pub url: String,
    /// The signer's sr25519 secret URI (`//Alice`, a mnemonic, a 0x seed); it pays the fees.
    #[arg(long)]
    pub suri: String,
    /// The call's input (`deploy`: the `deploy` entry's), as 0x hex.
    #[arg(long, default_value = "0x")]
    pub data: String,
    /// Value sent to the contract, in the chain token's smallest unit.
    #[arg(long, default_value_t = 0)]
    pub value: u128,
    /// Fuel for the contract (default: `deploy` 100,000,000; `call` what the dry run used,
    /// plus half).
    #[arg(long)]
    pub gas: Option<u64>,
}

/// `contract deploy --code <FILE> --suri <SURI> [--url <URL>] [--data <HEX>] …`.
#[derive(Debug, Clone, Args)]
pub struct ContractDeployCmd {
    /// The contract's Wasm module (`contract build` writes it).
    #[arg(long)]
    pub code: std::path::PathBuf,
    #[command(flatten)]
    pub client: ContractClientParams,
    /// Salt of the contract's address, as 0x hex: one deployer instantiates one code at one
    /// address per salt.
    #[arg(long, default_value = "0x")]
    pub salt: String,
    /// Most the code deposit may hold, in the chain token's smallest unit (default: no limit).
    #[arg(long)]
    pub storage_deposit_limit: Option<u128>,
}

/// `contract call --contract <ADDRESS> --suri <SURI> [--url <URL>] [--data <HEX>] …`.
#[derive(Debug, Clone, Args)]
pub struct ContractCallCmd {
    /// The contract: an SS58 address or 32 bytes of 0x hex.
    #[arg(long)]
    pub contract: String,
    #[command(flatten)]
    pub client: ContractClientParams,
    /// Only the dry run: print its result, submit nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `relay --main <URL> --subchain <URL> --subchain-id <ID> --key <SURI>`.
#[derive(Debug, Clone, Args)]
pub struct RelayCmd {
    /// A main-chain node's JSON-RPC endpoint (`ws://` or `http://`, one port serves both).
    #[arg(long, default_value = "ws://127.0.0.1:9944")]
    pub main: String,
    /// A node of the subchain, with its JSON-RPC endpoint.
    #[arg(long)]
    pub subchain: String,
    /// The subchain's id in the main chain's registry (`wcme_subchains`).
    #[arg(long)]
    pub subchain_id: u32,
    /// The relayer's sr25519 secret URI (`//Bob`, a mnemonic, 0x-seed): it signs the
    /// submissions on both chains and pays their transaction fees, so its account needs funds
    /// on each (an sr25519 account on the subchain).
    #[arg(long)]
    pub key: String,
    /// Most headers per submission (the main runtime takes at most 64).
    #[arg(long, default_value_t = 64)]
    pub max_batch: u32,
    /// Expose the relayer's Prometheus metrics on this port of 127.0.0.1.
    #[arg(long)]
    pub prometheus_port: Option<u16>,
    /// Log filter, e.g. `-l relay=debug`. May be repeated.
    #[arg(long = "log", short = 'l', value_name = "LOG_PATTERN")]
    pub log: Vec<String>,
}

/// `subchain …`.
#[derive(Debug, Clone, Subcommand)]
pub enum SubchainCmd {
    /// Print the chain spec of a new business subchain on the node's subchain runtime.
    New(SubchainNewCmd),
    /// Register a subchain, described by its chain spec, on a running main chain.
    Register(SubchainRegisterCmd),
    /// Add WCME to a registered subchain's gas stake (reactivates it if it ran out).
    TopUp(SubchainTopUpCmd),
    /// Tell a running subchain its id on the main chain (once, by its root), so WCME can cross.
    SetId(SubchainSetIdCmd),
}

/// `subchain set-id --subchain <URL> --id <ID> --sudo <SURI>`.
#[derive(Debug, Clone, Args)]
pub struct SubchainSetIdCmd {
    /// A node of the subchain: its HTTP JSON-RPC endpoint.
    #[arg(long)]
    pub subchain: String,
    /// The subchain's id on the main chain (what `subchain register` printed).
    #[arg(long)]
    pub id: u32,
    /// The sr25519 secret URI of the subchain's root (sudo) account, which signs and pays.
    #[arg(long)]
    pub sudo: String,
}

/// `subchain top-up --id <ID> --payer <SURI> --amount <WCME> [--main <URL>]`.
#[derive(Debug, Clone, Args)]
pub struct SubchainTopUpCmd {
    /// The subchain's id on the main chain (`wcme_subchains`).
    #[arg(long)]
    pub id: u32,
    /// A main-chain node's HTTP JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    pub main: String,
    /// The sr25519 secret URI of the account paying (anyone may top up a subchain).
    #[arg(long)]
    pub payer: String,
    /// How much to add, in whole WCME.
    #[arg(long)]
    pub amount: u128,
}

/// `subchain register --chain <SPEC> --main <URL> --owner <SURI> --stake <WCME>`.
#[derive(Debug, Clone, Args)]
pub struct SubchainRegisterCmd {
    /// The subchain's chain spec (a file, or a built-in chain such as `subchain-dev`): its
    /// genesis, validators, engine and base token are read from it.
    #[arg(long)]
    pub chain: String,
    /// A main-chain node's HTTP JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:9944")]
    pub main: String,
    /// The owner's sr25519 secret URI on the main chain (`//Alice`, a mnemonic, 0x-seed); the
    /// owner pays the stake and may top it up or deregister.
    #[arg(long)]
    pub owner: String,
    /// The gas stake, in whole WCME (at least the registry's minimum).
    #[arg(long)]
    pub stake: u128,
}

/// `subchain new <NAME>`.
#[derive(Debug, Clone, Args)]
pub struct SubchainNewCmd {
    /// Human-readable name, e.g. "Supply Chain".
    pub name: String,
    /// Chain id: database directory and network protocol names [default: the name in lower
    /// case, non-alphanumerics as `_`].
    #[arg(long)]
    pub id: Option<String>,
    /// Base token symbol (ASCII capitals, digits, `.` or `-`; not WCME).
    #[arg(long)]
    pub symbol: String,
    /// Validators, comma-separated: sr25519 public keys as SS58 or 0x-hex, or development names
    /// (`alice` … `ferdie`). They author in turn (aura, pbft) and vote on finality.
    #[arg(long = "validators", value_delimiter = ',', default_value = "alice")]
    pub validators: Vec<String>,
    /// The consensus engine: `aura` (round-robin with BFT finality), `pbft` (three-phase
    /// commit, instant finality) or `pow` (proof of work, for tests and demos).
    #[arg(long, default_value = "aura")]
    pub consensus: String,
    /// The signature scheme of the chain's accounts, fixed at genesis: `sr25519` (what every
    /// Substrate wallet signs with), `ed25519`, or `sm2` (SM2 with SM3, GB/T 32918). Development
    /// names in `--sudo` and `--endow` mean the development keys of this scheme; validators
    /// keep their sr25519 keys.
    #[arg(long, default_value = "sr25519")]
    pub accounts: String,
    /// The root (sudo) account [default: the first validator's account; name it when the
    /// accounts are not sr25519 and the first validator is not a development name].
    #[arg(long)]
    pub sudo: Option<String>,
    /// An account endowed at genesis with whole tokens, `ACCOUNT=AMOUNT` (repeatable).
    #[arg(long = "endow")]
    pub endow: Vec<String>,
    /// Block time in milliseconds (at least 1000).
    #[arg(long, default_value_t = 6000)]
    pub slot_duration_ms: u64,
    /// RPC URL of a main-chain node (`http://` or `ws://`): the subchain's light client of the
    /// main chain trusts that node's finalized block and its round's voters from genesis.
    /// Without it the light client starts empty and root anchors it (`force_checkpoint`).
    #[arg(long, value_name = "URL")]
    pub main_anchor: Option<String>,
    /// Write the spec to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Options of `localnet`.
#[derive(Debug, Clone, Args)]
pub struct LocalnetCmd {
    /// How many nodes to start.
    #[arg(long, default_value_t = 4)]
    pub nodes: u16,
    /// How many of them author, with `--alice`, `--bob`, … in order [default: the smaller of
    /// `--nodes` and 4, the agents of the `local` chain].
    #[arg(long)]
    pub validators: Option<u16>,
    /// The chain every node runs.
    #[arg(long, default_value = "local")]
    pub chain: String,
    /// Directory holding `node-<i>/` base paths and `node-<i>.log` files.
    #[arg(long, short = 'd', default_value = "localnet")]
    pub base_path: PathBuf,
    /// Delete the base path first (a fresh chain).
    #[arg(long)]
    pub purge: bool,
    /// P2P port of node 0; node `i` uses this plus `i`.
    #[arg(long, default_value_t = 30333)]
    pub port: u16,
    /// RPC port of node 0; node `i` uses this plus `i`.
    #[arg(long, default_value_t = 9944)]
    pub rpc_port: u16,
    /// Prometheus port of node 0; node `i` uses this plus `i`.
    #[arg(long, default_value_t = 9615)]
    pub prometheus_port: u16,
    /// More flags for every node, after `--` (e.g. `-- -l poc=debug`).
    #[arg(last = true)]
    pub node_args: Vec<String>,
}

/// Which chain and where its data lives.
#[derive(Debug, Clone, Args)]
pub struct SharedParams {
    /// Chain: `dev`, `local` or a path to a chain spec JSON file.
    #[arg(long, value_name = "CHAIN_SPEC")]
    pub chain: Option<String>,
    /// Shortcut for `--chain dev` with development defaults.
    #[arg(long)]
    pub dev: bool,
    /// Directory for the node's data (database under `chains/<id>/db`).
    #[arg(long, short = 'd', value_name = "PATH")]
    pub base_path: Option<PathBuf>,
    /// Log filter, e.g. `-l rpc=debug,executor=trace`. May be repeated.
    #[arg(long = "log", short = 'l', value_name = "LOG_PATTERN")]
    pub log: Vec<String>,
}

/// Options of the running node.
#[derive(Debug, Clone, Args)]
pub struct RunCmd {
    /// Chain and data directory.
    #[command(flatten)]
    pub shared: SharedParams,
    /// Keep the chain in a temporary directory that is deleted at exit.
    #[arg(long, conflicts_with = "base_path")]
    pub tmp: bool,
    /// The node's name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// JSON-RPC port (HTTP and WebSocket).
    #[arg(long, value_name = "PORT", default_value_t = 9944)]
    pub rpc_port: u16,
    /// Listen for RPC on all interfaces instead of localhost.
    #[arg(long)]
    pub rpc_external: bool,
    /// Browser origins allowed to call RPC: `all`, `none`, or a comma-separated list.
    #[arg(long, value_name = "ORIGINS")]
    pub rpc_cors: Option<String>,
    /// Most RPC connections served at once.
    #[arg(long, value_name = "COUNT", default_value_t = 100)]
    pub rpc_max_connections: u32,
    /// Largest RPC request in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 15)]
    pub rpc_max_request_size: u32,
    /// Largest RPC response in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 15)]
    pub rpc_max_response_size: u32,
    /// Most subscriptions per RPC connection.
    #[arg(long, value_name = "COUNT", default_value_t = 1024)]
    pub rpc_max_subscriptions_per_connection: u32,
    /// Most RPC calls per minute on one connection (default: no limit).
    #[arg(long, value_name = "CALLS")]
    pub rpc_rate_limit: Option<std::num::NonZeroU32>,
    /// Notifications buffered per RPC connection before a slow client makes them wait.
    #[arg(long, value_name = "COUNT", default_value_t = 64)]
    pub rpc_message_buffer_capacity_per_connection: u32,
    /// Prometheus exporter port.
    #[arg(long, value_name = "PORT", default_value_t = 9615)]
    pub prometheus_port: u16,
    /// Serve Prometheus metrics on all interfaces.
    #[arg(long)]
    pub prometheus_external: bool,
    /// Do not serve Prometheus metrics.
    #[arg(long)]
    pub no_prometheus: bool,
    /// Peer-to-peer port (TCP, all interfaces); 0 picks a free port. Ignored with `--listen-addr`.
    #[arg(long, value_name = "PORT", default_value_t = 30333)]
    pub port: u16,
    /// Listen on this multiaddress instead of `/ip4/0.0.0.0/tcp/<port>` (repeatable).
    #[arg(long = "listen-addr", value_name = "MULTIADDR")]
    pub listen_addr: Vec<String>,
    /// Boot node to connect to, ending in `/p2p/<peer id>` (repeatable; added to the chain
    /// spec's `bootNodes`).
    #[arg(long, value_name = "MULTIADDR", num_args = 1..)]
    pub bootnodes: Vec<String>,
    /// Address announced to peers (repeatable).
    #[arg(long = "public-addr", value_name = "MULTIADDR")]
    pub public_addr: Vec<String>,
    /// The node's ed25519 secret key as 64 hex digits; by default it is read from (or created
    /// in) `<base-path>/chains/<id>/network/secret_ed25519`.
    #[arg(long, value_name = "HEX")]
    pub node_key: Option<String>,
    /// Do not discover peers of the local network with mDNS (it is on by default, except with
    /// `--dev`).
    #[arg(long)]
    pub no_mdns: bool,
    /// Author and vote with the keys in the chain's keystore (`key insert`), or with the dev
    /// key of `--alice` …, which implies it.
    #[arg(long)]
    pub validator: bool,
    /// Where the keystore password comes from.
    #[command(flatten)]
    pub keystore: KeystoreParams,
    /// Author with the dev key `//Alice` (implies `--validator`).
    #[arg(long, conflicts_with_all = ["bob", "charlie", "dave", "eve", "ferdie"])]
    pub alice: bool,
    /// Author with the dev key `//Bob` (implies `--validator`).
    #[arg(long, conflicts_with_all = ["charlie", "dave", "eve", "ferdie"])]
    pub bob: bool,
    /// Author with the dev key `//Charlie` (implies `--validator`).
    #[arg(long, conflicts_with_all = ["dave", "eve", "ferdie"])]
    pub charlie: bool,
    /// Author with the dev key `//Dave` (implies `--validator`).
    #[arg(long, conflicts_with_all = ["eve", "ferdie"])]
    pub dave: bool,
    /// Author with the dev key `//Eve` (implies `--validator`).
    #[arg(long, conflicts_with = "ferdie")]
    pub eve: bool,
    /// Author with the dev key `//Ferdie` (implies `--validator`).
    #[arg(long)]
    pub ferdie: bool,
}

/// The keystore password: `--password`, `--password-filename`, or the environment variable
/// `WCME_KEYSTORE_PASSWORD`, in that order.
#[derive(Debug, Clone, Args)]
pub struct KeystoreParams {
    /// The keystore password (visible to other local users in the process list: prefer
    /// `--password-filename` or `WCME_KEYSTORE_PASSWORD`).
    #[arg(long, conflicts_with = "password_filename")]
    pub password: Option<String>,
    /// A file holding the keystore password (a trailing newline is ignored).
    #[arg(long, value_name = "PATH")]
    pub password_filename: Option<PathBuf>,
}

impl RunCmd {
    /// The dev key chosen with `--alice` … `--ferdie`, if any.
    pub fn dev_key(&self) -> Option<&'static str> {
        [
            (self.alice, "//Alice"),
            (self.bob, "//Bob"),
            (self.charlie, "//Charlie"),
            (self.dave, "//Dave"),
            (self.eve, "//Eve"),
            (self.ferdie, "//Ferdie"),
        ]
        .into_iter()
        .find_map(|(set, uri)| set.then_some(uri))
    }
}

/// `build-spec`.
#[derive(Debug, Clone, Args)]
pub struct BuildSpecCmd {
    /// Chain and data directory.
    #[command(flatten)]
    pub shared: SharedParams,
    /// Print the genesis as raw storage instead of a runtime config.
    #[arg(long)]
    pub raw: bool,
}

/// `purge-chain`.
#[derive(Debug, Clone, Args)]
pub struct PurgeChainCmd {
    /// Chain and data directory.
    #[command(flatten)]
    pub shared: SharedParams,
    /// Do not ask for confirmation.
    #[arg(short = 'y')]
    pub yes: bool,
}

/// `export-blocks`.
#[derive(Debug, Clone, Args)]
pub struct ExportBlocksCmd {
    /// Chain and data directory.
    #[command(flatten)]
    pub shared: SharedParams,
    /// First block to export.
    #[arg(long, value_name = "BLOCK", default_value_t = 1)]
    pub from: u32,
    /// Last block to export (default: the best block).
    #[arg(long, value_name = "BLOCK")]
    pub to: Option<u32>,
    /// Output file (default: standard output).
    #[arg(value_name = "OUTPUT")]
    pub output: Option<PathBuf>,
}

/// `import-blocks`.
#[derive(Debug, Clone, Args)]
pub struct ImportBlocksCmd {
    /// Chain and data directory.
    #[command(flatten)]
    pub shared: SharedParams,
    /// Input file written by `export-blocks` (default: standard input).
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
}

/// `key` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum KeyCmd {
    /// Generate a new key pair with a secret phrase.
    Generate {
        /// Signature scheme.
        #[arg(long, value_enum, default_value = "sr25519")]
        scheme: Scheme,
        /// Words in the phrase: 12, 15, 18, 21 or 24.
        #[arg(long, short = 'w', default_value_t = 12)]
        words: usize,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        output_type: OutputType,
    },
    /// Store a key, encrypted, in the chain's keystore (`<base-path>/chains/<id>/keystore`).
    Insert {
        /// Chain and data directory.
        #[command(flatten)]
        shared: SharedParams,
        /// The key's purpose: 4 ASCII characters (`poc_`: a Proof-of-Credit packing key, or the
        /// `dev` engine's authority key).
        #[arg(long, default_value = "poc_")]
        key_type: String,
        /// Signature scheme: the keystore holds sr25519 keys only.
        #[arg(long, value_enum, default_value = "sr25519")]
        scheme: Scheme,
        /// The sr25519 secret URI (phrase, `//derivation`, 0x seed); read from stdin when
        /// omitted, so that it stays out of the shell history.
        #[arg(long)]
        suri: Option<String>,
        /// Where the keystore password comes from.
        #[command(flatten)]
        keystore: KeystoreParams,
    },
    /// Show the public key and address of a secret URI, phrase, seed or public key.
    Inspect {
        /// Secret URI (`//Alice`, a phrase with `//derivation`, 0x seed) or, with `--public`,
        /// a public key or SS58 address.
        #[arg(value_name = "URI")]
        uri: String,
        /// Signature scheme.
        #[arg(long, value_enum, default_value = "sr25519")]
        scheme: Scheme,
        /// The URI is a public key or address.
        #[arg(long)]
        public: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        output_type: OutputType,
    },
}

/// Signature schemes of `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheme {
    /// Schnorrkel/Ristretto (default).
    Sr25519,
    /// Ed25519.
    Ed25519,
    /// ECDSA over secp256k1.
    Ecdsa,
    /// SM2 with SM3 (subchain accounts with `--accounts sm2`): a 0x-hex 32-byte secret, or a
    /// development name such as `//Alice` (WCME's SM2 development keys; anyone can derive
    /// them). The account id is the blake2-256 hash of the compressed public key.
    Sm2,
}

/// Output formats of `key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputType {
    /// Human-readable.
    Text,
    /// JSON.
    Json,
}

/// `benchmark` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum BenchmarkCmd {
    /// Build blocks of signed transfers, then import them into a fresh database.
    Transfers {
        /// Total transfers.
        #[arg(long, default_value_t = 20_000)]
        transfers: u32,
        /// Distinct sending accounts.
        #[arg(long, default_value_t = 1_000)]
        accounts: u32,
        /// Transfers per block.
        #[arg(long, default_value_t = 5_000)]
        block_size: u32,
        /// The chain whose runtime genesis and consensus engine the blocks go through: `dev`
        /// (the single-authority dev engine), `local` (Proof-of-Credit: every block is sealed by
        /// its slot's packing key and import checks it against the runtime's schedule), or a
        /// chain spec file with a genesis patch. Blocks are authored with the development keys
        /// (`//Alice` …, or their `//poc` packing keys on a POC chain).
        #[arg(long, value_name = "CHAIN_SPEC", default_value = "dev")]
        chain: String,
        /// Directory for the benchmark databases (default: a temporary one).
        #[arg(long)]
        base_path: Option<PathBuf>,
    },
    /// Build blocks of signed AMM swaps, then import them into a fresh database.
    Swaps {
        /// Total swaps.
        #[arg(long, default_value_t = 20_000)]
        swaps: u32,
        /// Distinct trading accounts.
        #[arg(long, default_value_t = 1_000)]
        accounts: u32,
        /// Pools each swap goes through: 1 (`WCME → A`) or 2 (`A → WCME → B`).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=2))]
        hops: u32,
        /// Swaps per block.
        #[arg(long, default_value_t = 5_000)]
        block_size: u32,
        /// Directory for the benchmark databases (default: a temporary one).
        #[arg(long)]
        base_path: Option<PathBuf>,
    },
    /// Build blocks of signed calls of the example token contract
    /// (`examples/contracts/token/token.c`), then import them into a fresh database.
    Contracts {
        /// Total token transfers (contract calls).
        #[arg(long, default_value_t = 20_000)]
        transfers: u32,
        /// Distinct sending accounts.
        #[arg(long, default_value_t = 1_000)]
        accounts: u32,
        /// Extrinsics per block.
        #[arg(long, default_value_t = 5_000)]
        block_size: u32,
        /// The token's Wasm module, built by `examples/contracts/build.sh`.
        #[arg(long, default_value = "examples/contracts/target/token-c.wasm")]
        code: PathBuf,
        /// Also measure this many instantiations of the token (from the sending accounts, each
        /// with its own salt) as a second workload; 0 skips it.
        #[arg(long, default_value_t = 0)]
        instantiations: u32,
        /// Directory for the benchmark databases (default: a temporary one).
        #[arg(long)]
        base_path: Option<PathBuf>,
    },
    /// Run FRAME pallet benchmarks on the runtime and write their weights (needs a node built
    /// with the `runtime-benchmarks` feature).
    Pallet(PalletBenchmarkCmd),
    /// Start local networks of real nodes on 127.0.0.1, send them signed transfers over
    /// JSON-RPC and measure transfers per second and time to finality.
    Network(NetworkBenchmarkCmd),
    /// Move WCME from a Proof-of-Credit main chain to a PBFT subchain through the relayer, all
    /// real nodes on 127.0.0.1: messages per second, and the time from lock to mint.
    Bridge(BridgeBenchmarkCmd),
}

/// `benchmark network`.
#[derive(Debug, Clone, Args)]
pub struct NetworkBenchmarkCmd {
    /// A chain to start a network of (a built-in chain or a spec file with a genesis patch;
    /// repeat for several chains at once, e.g. the main chain and its subchains: they run side
    /// by side and the report adds them up). The first `min(--nodes, 4)` nodes author with
    /// `--alice` … `--dave`.
    #[arg(long = "chain", value_name = "CHAIN_SPEC", default_value = "local")]
    pub chains: Vec<String>,
    /// Nodes per chain.
    #[arg(long, default_value_t = 4)]
    pub nodes: u16,
    /// Signed transfers sent to each chain.
    #[arg(long, default_value_t = 10_000)]
    pub transfers: u32,
    /// Distinct sending accounts per chain (each sends to one node, nonces in order).
    #[arg(long, default_value_t = 200)]
    pub accounts: u32,
    /// Most transfers of a chain sent but not yet in a block. Gossip delivers a sender's
    /// transactions out of order, so the nodes' future queues (512 transactions) overflow
    /// when this is much higher; dropped transfers are sent again after 20 s (`resent`).
    #[arg(long, default_value_t = 2_000)]
    pub in_flight: u32,
    /// P2P port of the first node; the others count up from it.
    #[arg(long, default_value_t = 40333)]
    pub port: u16,
    /// RPC port of the first node; the others count up from it.
    #[arg(long, default_value_t = 19944)]
    pub rpc_port: u16,
    /// Directory for the nodes' databases and logs (default: a temporary one, deleted after).
    #[arg(long)]
    pub base_path: Option<PathBuf>,
}

/// `benchmark bridge`.
#[derive(Debug, Clone, Args)]
pub struct BridgeBenchmarkCmd {
    /// Transfers sent from the main chain to the subchain (1 WCME each).
    #[arg(long, default_value_t = 200)]
    pub transfers: u32,
    /// Distinct sending accounts (each sends to itself on the subchain, nonces in order).
    #[arg(long, default_value_t = 20)]
    pub senders: u32,
    /// P2P port of the main chain's first node; the next ones and the subchain's (from +10)
    /// count up from it.
    #[arg(long, default_value_t = 41333)]
    pub port: u16,
    /// RPC port of the main chain's first node; the subchain's start at +10.
    #[arg(long, default_value_t = 29944)]
    pub rpc_port: u16,
    /// Directory for the nodes' databases and logs (default: a temporary one, deleted after).
    #[arg(long)]
    pub base_path: Option<PathBuf>,
}

/// `benchmark pallet`.
#[derive(Debug, Clone, Args)]
pub struct PalletBenchmarkCmd {
    /// Pallet as the runtime lists it (e.g. `pallet_wcme_smart_assets`; `-` and `_` are
    /// interchangeable), or `*` for all.
    #[arg(long, short = 'p')]
    pub pallet: String,
    /// Benchmark (usually the call) to run, a comma-separated list of them, or `*` for all.
    #[arg(long, short = 'e', default_value = "*")]
    pub extrinsic: String,
    /// Values tried for each component between its lowest and highest (at least 2).
    #[arg(long, default_value_t = 50)]
    pub steps: u32,
    /// Runs per set of component values.
    #[arg(long, short = 'r', default_value_t = 20)]
    pub repeat: u32,
    /// Write the weights here: a `.rs` file (one pallet) or a directory (`<pallet>.rs` each).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// List the runtime's benchmarks and run nothing.
    #[arg(long)]
    pub list: bool,
}
