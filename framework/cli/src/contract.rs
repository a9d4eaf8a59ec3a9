//! `contract build | deploy | call`: smart contracts from source to a running chain.
//!
//! - `build` compiles a contract with the SDK of its language (`sdk/c/build.sh` for `.c`,
//!   `sdk/assemblyscript/build.sh` for `.ts`) and checks the module against the WCME VM's rules
//!   (`wcme_vm::Vm::validate`), as `upload_code` will: a module the chain would refuse fails here.
//! - `deploy` uploads the code (`Contracts::upload_code`, skipped if the chain has it already)
//!   and instantiates it (`Contracts::instantiate`), waiting for each extrinsic's block.
//! - `call` dry-runs the call (`wcme_contractCall`) and, unless `--dry-run`, submits it
//!   (`Contracts::call`) with the dry run's gas plus a margin, waiting for its block.
//!
//! The CLI has no runtime: the node binary signs the contracts pallet's calls
//! ([`ContractHooks::sign`]), derives contract addresses ([`ContractHooks::address`]) and says
//! what an included extrinsic did from its block's events ([`ContractHooks::outcome`]).

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use codec::{Compact, Decode};
use indicatif::ProgressBar;
use jsonrpsee::http_client::HttpClient;
use serde_json::{Value, json};
use sp_core::{
    H256, Pair as _,
    crypto::{AccountId32, Ss58Codec},
    sr25519,
};
use wcme_relayer::rpc;

use crate::{
    NodeSpec,
    cli::{ContractBuildCmd, ContractCallCmd, ContractCmd, ContractDeployCmd},
    error::CliError,
};

/// A contracts-pallet extrinsic in plain types (the CLI has no pallet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContractTx {
    /// `Contracts::upload_code(code, storage_deposit_limit)`.
    UploadCode {
        /// The Wasm module.
        code: Vec<u8>,
        /// Most the code deposit may hold, in the chain token's smallest unit.
        storage_deposit_limit: u128,
    },
    /// `Contracts::instantiate(code_hash, value, gas_limit, data, salt)`.
    Instantiate {
        /// blake2-256 of the uploaded code.
        code_hash: [u8; 32],
        /// Sent to the new contract, in the smallest unit.
        value: u128,
        /// Fuel for the `deploy` entry.
        gas_limit: u64,
        /// Input of the `deploy` entry.
        data: Vec<u8>,
        /// Makes the address unique among one deployer's instances of one code.
        salt: Vec<u8>,
    },
    /// `Contracts::call(dest, value, gas_limit, data)`.
    Call {
        /// The contract's account.
        dest: [u8; 32],
        /// Sent with the call, in the smallest unit.
        value: u128,
        /// Fuel for the call.
        gas_limit: u64,
        /// Input of the `call` entry.
        data: Vec<u8>,
    },
}

/// The encoded extrinsic `tx` signed by `signer` with `nonce`, immortal, for the chain with
/// `genesis`.
pub type ContractTxSigner =
    fn(signer: &sr25519::Pair, tx: &ContractTx, nonce: u32, genesis: H256) -> Vec<u8>;

/// What the extrinsic at `index` of a block did, from the block's `System::Events` storage
/// value: its events in readable form if it dispatched, or the error it failed with.
pub type ExtrinsicOutcome = fn(events: &[u8], index: u32) -> Result<Vec<String>, String>;

/// The address of the contract `deployer` instantiates from `code_hash` with `salt`.
pub type ContractAddress = fn(deployer: &[u8; 32], code_hash: &[u8; 32], salt: &[u8]) -> [u8; 32];

/// Checks contract code as the runtime's `upload_code` will: its blake2-256 code hash, or why
/// the chain would refuse it.
pub type CodeCheck = fn(code: &[u8]) -> Result<[u8; 32], String>;

/// What a node binary supplies to `contract build | deploy | call` (and to `benchmark
/// contracts`).
#[derive(Clone, Copy)]
pub struct ContractHooks {
    /// The runtime's `spec_name` (`RuntimeVersion::spec_name`).
    pub spec_name: &'static str,
    /// Signs the contracts pallet's calls in the runtime's extrinsic format.
    pub sign: ContractTxSigner,
    /// The runtime's contract address derivation.
    pub address: ContractAddress,
    /// Reads an included extrinsic's events.
    pub outcome: ExtrinsicOutcome,
    /// Checks code before it is uploaded.
    pub check_code: CodeCheck,
    /// The storage key under which the chain records uploaded code (present once uploaded).
    pub code_key: fn(code_hash: &[u8; 32]) -> Vec<u8>,
}

/// The contract hooks of the runtime `spec_name`, if the node has them.
pub(crate) fn hooks_for(spec: &NodeSpec, spec_name: &str) -> Option<ContractHooks> {
    spec.contracts
        .iter()
        .find(|hooks| hooks.spec_name == spec_name)
        .copied()
}

/// How long a submitted extrinsic may take to appear in a block.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);
/// Fuel of `deploy`'s `instantiate` when `--gas` is not given.
const DEFAULT_DEPLOY_GAS: u64 = 100_000_000;
/// Fuel of the dry run before a `call` when `--gas` is not given.
const DRY_RUN_GAS: u64 = 1_000_000_000;

/// Runs a `contract` subcommand.
pub(crate) fn run(spec: &NodeSpec, cmd: &ContractCmd) -> Result<(), CliError> {
    let report = match cmd {
        ContractCmd::Build(cmd) => {
            // Offline: the node's own runtime's rules (every WCME runtime with the pallet
            // configures the same code limits).
            let own = spec.default_runtime()?;
            let spec_name = (own.version)().spec_name;
            let hooks =
                hooks_for(spec, &spec_name).ok_or_else(|| no_contracts(spec, &spec_name))?;
            build(&hooks, cmd)?
        }
        ContractCmd::Deploy(cmd) => crate::block_on(deploy(spec, cmd))?,
        ContractCmd::Call(cmd) => crate::block_on(call(spec, cmd))?,
    };
    let text = serde_json::to_string_pretty(&report)
        .map_err(|e| CliError::BadArgument(format!("rendering the report: {e}")))?;
    println!("{text}");
    Ok(())
}

fn no_contracts(spec: &NodeSpec, spec_name: &str) -> CliError {
    CliError::BadArgument(format!(
        "{} cannot sign contract calls for the runtime `{spec_name}` (no contracts pallet in \
         it, or the node does not have that runtime)",
        spec.executable_name
    ))
}

/// The language of a contract source, by its extension: the SDK directory that builds it.
fn sdk_language(source: &Path) -> Result<&'static str, CliError> {
    match source.extension().and_then(|e| e.to_str()) {
        Some("c") => Ok("c"),
        Some("ts") => Ok("assemblyscript"),
        _ => Err(CliError::BadArgument(format!(
            "{}: a contract source is a `.c` (C SDK) or `.ts` (AssemblyScript SDK) file",
            source.display()
        ))),
    }
}

/// Whether `dir` is a WCME `sdk/` directory (has both SDKs' build scripts).
fn is_sdk(dir: &Path) -> bool {
    dir.join("c/build.sh").is_file() && dir.join("assemblyscript/build.sh").is_file()
}

/// The `sdk/` directory: `--sdk`, `$WCME_SDK`, or the first `sdk/` found in the current
/// directory or its parents, or in the node binary's directory or its parents.
fn find_sdk(flag: Option<&Path>) -> Result<PathBuf, CliError> {
    let given = flag
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("WCME_SDK").map(PathBuf::from));
    if let Some(dir) = given {
        return if is_sdk(&dir) {
            Ok(dir)
        } else {
            Err(CliError::BadArgument(format!(
                "{} is not a WCME sdk/ directory (no c/build.sh and assemblyscript/build.sh)",
                dir.display()
            )))
        };
    }
    let starts = [
        std::env::current_dir().ok(),
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Path::to_path_buf)),
    ];
    starts
        .iter()
        .flatten()
        .flat_map(|start| start.ancestors())
        .map(|dir| dir.join("sdk"))
        .find(|dir| is_sdk(dir))
        .ok_or_else(|| {
            CliError::BadArgument(
                "no WCME sdk/ directory found here or above: pass --sdk <DIR> or set WCME_SDK"
                    .into(),
            )
        })
}

/// `contract build`: the SDK's build script, then the chain's code check.
fn build(hooks: &ContractHooks, cmd: &ContractBuildCmd) -> Result<Value, CliError> {
    let language = sdk_language(&cmd.source)?;
    if !cmd.source.is_file() {
        return Err(CliError::BadArgument(format!(
            "{}: no such file",
            cmd.source.display()
        )));
    }
    let output = cmd
        .output
        .clone()
        .unwrap_or_else(|| cmd.source.with_extension("wasm"));
    let script = find_sdk(cmd.sdk.as_deref())?
        .join(language)
        .join("build.sh");
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(format!("building {}", cmd.source.display()));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let built = Command::new("bash")
        .arg(&script)
        .arg(&cmd.source)
        .arg(&output)
        .output();
    spinner.finish_and_clear();
    let built = built.map_err(CliError::io(format!("running {}", script.display())))?;
    if !built.status.success() {
        return Err(CliError::ContractRefused(format!(
            "{} failed ({}):\n{}{}",
            script.display(),
            built.status,
            String::from_utf8_lossy(&built.stdout),
            String::from_utf8_lossy(&built.stderr)
        )));
    }
    let code = std::fs::read(&output).map_err(CliError::io(format!(
        "reading the built module {}",
        output.display()
    )))?;
    let code_hash = (hooks.check_code)(&code).map_err(|reason| {
        CliError::ContractRefused(format!(
            "{} would be refused by the chain: {reason}",
            output.display()
        ))
    })?;
    tracing::info!(target: "contract", wasm = %output.display(), size = code.len(), "Built");
    Ok(json!({
        "wasm": output.display().to_string(),
        "size": code.len(),
        "codeHash": hex_string(&code_hash),
    }))
}

/// `contract deploy`: `upload_code` unless the chain has the code, then `instantiate`.
async fn deploy(spec: &NodeSpec, cmd: &ContractDeployCmd) -> Result<Value, CliError> {
    // Everything that can be checked locally first: no connection is needed to refuse it.
    let code = std::fs::read(&cmd.code).map_err(CliError::io(format!(
        "reading the contract code {}",
        cmd.code.display()
    )))?;
    let data = hex_argument("--data", &cmd.client.data)?;
    let salt = hex_argument("--salt", &cmd.salt)?;
    let signer = signer(&cmd.client.suri)?;
    let chain = Chain::connect(spec, &cmd.client.url).await?;
    let hooks = &chain.hooks;
    let code_hash = (hooks.check_code)(&code).map_err(|reason| {
        CliError::ContractRefused(format!(
            "{} would be refused by the chain: {reason}",
            cmd.code.display()
        ))
    })?;

    let key = hex_string(&(hooks.code_key)(&code_hash));
    let stored: Option<String> = chain.request("state_getStorage", vec![key.into()]).await?;
    let upload = if stored.is_some() {
        tracing::info!(target: "contract", code_hash = %hex_string(&code_hash), "The chain has the code already");
        Value::Null
    } else {
        let tx = ContractTx::UploadCode {
            code,
            storage_deposit_limit: cmd.storage_deposit_limit.unwrap_or(u128::MAX),
        };
        chain.submit(&signer, &tx, "upload_code").await?
    };

    let deployer: [u8; 32] = signer.public().0;
    let contract = (hooks.address)(&deployer, &code_hash, &salt);
    let tx = ContractTx::Instantiate {
        code_hash,
        value: cmd.client.value,
        gas_limit: cmd.client.gas.unwrap_or(DEFAULT_DEPLOY_GAS),
        data,
        salt,
    };
    let instantiate = chain.submit(&signer, &tx, "instantiate").await?;
    let address = AccountId32::new(contract);
    tracing::info!(target: "contract", contract = %address, "✅ Contract instantiated");
    Ok(json!({
        "codeHash": hex_string(&code_hash),
        "contract": hex_string(&contract),
        "address": address.to_ss58check(),
        "upload": upload,
        "instantiate": instantiate,
    }))
}

/// `contract call`: a dry run, then (unless `--dry-run`) the signed call.
async fn call(spec: &NodeSpec, cmd: &ContractCallCmd) -> Result<Value, CliError> {
    let dest = wcme_rpc::params::account_id(&Value::String(cmd.contract.clone()))
        .map_err(|e| CliError::BadArgument(format!("--contract: {e}")))?;
    let data = hex_argument("--data", &cmd.client.data)?;
    let signer = signer(&cmd.client.suri)?;
    let chain = Chain::connect(spec, &cmd.client.url).await?;
    let origin = AccountId32::new(signer.public().0);
    let dry_run: Value = chain
        .request(
            "wcme_contractCall",
            vec![
                origin.to_ss58check().into(),
                hex_string(dest.as_ref()).into(),
                cmd.client.value.to_string().into(),
                cmd.client.gas.unwrap_or(DRY_RUN_GAS).into(),
                hex_string(&data).into(),
            ],
        )
        .await?;
    if cmd.dry_run {
        return Ok(json!({ "dryRun": dry_run }));
    }
    if dry_run["result"].get("returned").is_none() {
        return Err(CliError::ContractRefused(format!(
            "the dry run of the call did not return, so it is not submitted: {}",
            dry_run["result"]
        )));
    }
    let gas_limit = match cmd.client.gas {
        Some(gas) => gas,
        None => {
            let used = dry_run["gasUsed"].as_u64().ok_or_else(|| {
                CliError::Rpc(format!("wcme_contractCall: no gasUsed in {dry_run}"))
            })?;
            used.saturating_add(used / 2)
        }
    };
    let tx = ContractTx::Call {
        dest: *dest.as_ref(),
        value: cmd.client.value,
        gas_limit,
        data,
    };
    let included = chain.submit(&signer, &tx, "call").await?;
    Ok(json!({ "dryRun": dry_run, "call": included }))
}

fn signer(suri: &str) -> Result<sr25519::Pair, CliError> {
    sr25519::Pair::from_string(suri, None)
        .map_err(|e| CliError::BadArgument(format!("--suri: {e:?}")))
}

/// Bytes from a `0x` hex argument.
fn hex_argument(flag: &str, text: &str) -> Result<Vec<u8>, CliError> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| CliError::BadArgument(format!("{flag} {text}: expected 0x-prefixed hex")))?;
    hex::decode(digits).map_err(|e| CliError::BadArgument(format!("{flag} {text}: {e}")))
}

fn hex_string(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// A node of the chain, over JSON-RPC, and the hooks of the runtime it runs.
struct Chain {
    client: HttpClient,
    genesis: H256,
    hooks: ContractHooks,
}

impl Chain {
    /// Connects to the node at `url` and picks the hooks of the runtime its chain runs.
    async fn connect(spec: &NodeSpec, url: &str) -> Result<Self, CliError> {
        let client = rpc::connect("chain", url)?;
        let genesis: H256 =
            rpc::request(&client, "chain", "chain_getBlockHash", vec![0.into()]).await?;
        let version: Value =
            rpc::request(&client, "chain", "state_getRuntimeVersion", vec![]).await?;
        let spec_name = version["specName"].as_str().ok_or_else(|| {
            CliError::Rpc(format!("state_getRuntimeVersion: no specName in {version}"))
        })?;
        let hooks = hooks_for(spec, spec_name).ok_or_else(|| no_contracts(spec, spec_name))?;
        Ok(Self {
            client,
            genesis,
            hooks,
        })
    }

    async fn request<R: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<Value>,
    ) -> Result<R, CliError> {
        Ok(rpc::request(&self.client, "chain", method, params).await?)
    }

    /// The number of the best block.
    async fn best_number(&self) -> Result<u32, CliError> {
        let header: Value = self.request("chain_getHeader", vec![]).await?;
        header["number"]
            .as_str()
            .and_then(|n| u32::from_str_radix(n.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| CliError::Rpc(format!("chain_getHeader: no number in {header}")))
    }

    /// Signs `tx`, submits it and waits for its block: the block, the extrinsic's index and
    /// events; an error if it failed to dispatch or was not included in time.
    async fn submit(
        &self,
        signer: &sr25519::Pair,
        tx: &ContractTx,
        what: &str,
    ) -> Result<Value, CliError> {
        let start = self.best_number().await?;
        let mut extrinsic = Vec::new();
        let (hash, nonce) = rpc::submit_signed(&self.client, "chain", signer, |nonce| {
            extrinsic = (self.hooks.sign)(signer, tx, nonce, self.genesis);
            Ok(extrinsic.clone())
        })
        .await?;
        tracing::info!(target: "contract", ?hash, nonce, "{what} submitted; waiting for its block");
        // A block lists each extrinsic's encoding, with or without its length prefix.
        let mut unprefixed = &extrinsic[..];
        let _ = Compact::<u32>::decode(&mut unprefixed);
        let forms = [hex_string(&extrinsic), hex_string(unprefixed)];
        let deadline = Instant::now() + INCLUSION_TIMEOUT;
        let mut next = start.saturating_add(1);
        loop {
            let best = self.best_number().await?;
            while next <= best {
                let block_hash: Value = self
                    .request("chain_getBlockHash", vec![next.into()])
                    .await?;
                let block: Value = self
                    .request("chain_getBlock", vec![block_hash.clone()])
                    .await?;
                let extrinsics = block["block"]["extrinsics"].as_array().ok_or_else(|| {
                    CliError::Rpc(format!("chain_getBlock #{next}: no extrinsics"))
                })?;
                let found = extrinsics
                    .iter()
                    .position(|listed| forms.iter().any(|form| listed == form.as_str()));
                if let Some(index) = found {
                    let block_text = block_hash.as_str().unwrap_or_default().to_owned();
                    return self
                        .outcome(&block_hash, index, what, &block_text, next)
                        .await;
                }
                next = next.saturating_add(1);
            }
            if Instant::now() >= deadline {
                return Err(CliError::Rpc(format!(
                    "the {what} extrinsic {hash:?} was not included within {INCLUSION_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// What the extrinsic at `index` of `block_hash` did.
    async fn outcome(
        &self,
        block_hash: &Value,
        index: usize,
        what: &str,
        block_text: &str,
        number: u32,
    ) -> Result<Value, CliError> {
        let events: Option<String> = self
            .request(
                "state_getStorage",
                vec![
                    hex_string(&crate::benchmark::system_events_key()).into(),
                    block_hash.clone(),
                ],
            )
            .await?;
        let events = events
            .and_then(|text| hex::decode(text.trim_start_matches("0x")).ok())
            .ok_or_else(|| CliError::Rpc(format!("no readable System::Events at {block_text}")))?;
        let index = u32::try_from(index)
            .map_err(|_| CliError::Rpc(format!("extrinsic index {index} out of range")))?;
        match (self.hooks.outcome)(&events, index) {
            Ok(described) => {
                tracing::info!(target: "contract", block = number, index, "{what} included");
                Ok(json!({
                    "block": block_text,
                    "number": number,
                    "index": index,
                    "events": described,
                }))
            }
            Err(error) => Err(CliError::ExtrinsicFailed {
                what: what.to_owned(),
                block: format!("#{number} ({block_text})"),
                error,
            }),
        }
    }
}
