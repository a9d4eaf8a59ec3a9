//! The [`Vm`]: a wasmtime engine configured for consensus, the compiled-module cache, and
//! [`Vm::execute`], which runs one call frame of a contract.

use std::{
    ptr::NonNull,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use parking_lot::Mutex;
use wasmtime::{
    Engine, InstancePre, Linker, Memory, OperatorCost, OptLevel, Store, StoreLimits,
    StoreLimitsBuilder, Strategy, Trap, WasmFeatures,
};

use crate::{
    abi::EXPORT_MEMORY,
    artifact::{self, ArtifactKey, ArtifactStore, DirStore, MemoryStore},
    cache::LruCache,
    config::VmConfig,
    error::{CodeError, HostLimit, TrapReason, VmError},
    host::{Entry, ExecResult, Host, Outcome},
    imports,
    validate::{self, CodeInfo},
};

/// Log target of this crate.
pub(crate) const LOG_TARGET: &str = "vm";

/// The trap code [`TrapReason::Other`] carries for an engine error that is not a Wasm trap.
pub const OTHER_ENGINE_ERROR: u8 = u8::MAX;

/// The code hash [`Vm::execute`] expects: `blake2_256` of the code.
pub fn code_hash(code: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(code)
}

/// The deterministic WebAssembly contract engine.
///
/// One `Vm` serves every contract of a node: it holds the wasmtime [`Engine`], the linker with
/// the `wcme_v1` host functions, a cache of compiled modules keyed by code hash and an
/// [`ArtifactStore`] of serialized compiled modules (see [`Vm::load`]). Each
/// [`Vm::execute`] runs in a store of its own; a host function may call [`Vm::execute`] again
/// for a nested call (see [`Host::call`]). A `Vm` is `Send + Sync`.
pub struct Vm {
    engine: Engine,
    linker: Linker<StoreData>,
    config: Arc<VmConfig>,
    cache: Mutex<LruCache<Prepared>>,
    store: Arc<dyn ArtifactStore>,
    /// [`artifact::engine_fingerprint`] of `engine` and `config`.
    fingerprint: [u8; 32],
    /// Cranelift compilations done (tests and benchmarks check where a module came from).
    compilations: AtomicU64,
}

/// Where [`Vm::load`] found a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleSource {
    /// In the in-memory cache.
    Cached,
    /// Deserialized from the [`ArtifactStore`].
    Loaded,
    /// Compiled with Cranelift (and then stored).
    Compiled,
}

/// A compiled module, linked and ready to instantiate.
#[derive(Clone)]
struct Prepared {
    pre: InstancePre<StoreData>,
    /// Bytes of data segments, charged per byte at every instantiation.
    data_bytes: u64,
}

impl Vm {
    /// Creates the engine for `config`, keeping compiled modules in the directory set with
    /// [`set_artifact_dir`](crate::set_artifact_dir) (in memory if none is set).
    pub fn new(config: VmConfig) -> Result<Self, VmError> {
        let store: Arc<dyn ArtifactStore> = match artifact::artifact_dir() {
            Some(dir) => Arc::new(DirStore::new(dir)),
            None => Arc::new(MemoryStore::new()),
        };
        Self::with_store(config, store)
    }

    /// Creates the engine for `config`, keeping compiled modules in `store`.
    pub fn with_store(config: VmConfig, store: Arc<dyn ArtifactStore>) -> Result<Self, VmError> {
        config.check()?;
        let engine = Engine::new(&engine_config(&config))
            .map_err(|error| VmError::Engine(error.to_string()))?;
        let mut linker = Linker::new(&engine);
        imports::define(&mut linker)?;
        let cache = Mutex::new(LruCache::new(config.module_cache_size));
        let fingerprint = artifact::engine_fingerprint(&engine, &config);
        Ok(Self {
            engine,
            linker,
            config: Arc::new(config),
            cache,
            store,
            fingerprint,
            compilations: AtomicU64::new(0),
        })
    }

    /// The key of the artifact of `code_hash` in this Vm's store.
    pub fn artifact_key(&self, code_hash: &[u8; 32]) -> ArtifactKey {
        ArtifactKey {
            code_hash: *code_hash,
            engine: self.fingerprint,
        }
    }

    /// How many modules this Vm has compiled with Cranelift.
    pub fn compilations(&self) -> u64 {
        self.compilations.load(Ordering::Relaxed)
    }

    /// The configuration this `Vm` runs with.
    pub fn config(&self) -> &VmConfig {
        &self.config
    }

    /// Checks contract code for upload: size, WebAssembly validity without floats, SIMD or
    /// threads, and the ABI version 1 shape (imports, exports, no start function, memory and
    /// table limits). Does not compile it.
    pub fn validate(&self, code: &[u8]) -> Result<CodeInfo, CodeError> {
        validate::validate(code, &self.config)
    }

    /// Validates `code` and makes sure its compiled module is in the cache and in the artifact
    /// store: compiles it (and stores the artifact) unless it is cached or stored already. The
    /// pallet calls this at upload, which pays for the compilation, so that
    /// [`Vm::execute`] later only has to load the artifact.
    pub fn prepare(&self, code: &[u8]) -> Result<CodeInfo, CodeError> {
        let info = self.validate(code)?;
        if !self.is_cached(&info.code_hash) {
            let prepared = match self.load_artifact(&info.code_hash) {
                Some(prepared) => prepared,
                None => self.compile_and_store(&info.code_hash, code, info.data_bytes)?,
            };
            self.cache.lock().insert(info.code_hash, prepared);
        }
        Ok(info)
    }

    /// Makes sure the module of `code` (whose [`code_hash`] is `code_hash`) is in the cache,
    /// as [`Vm::execute`] does before running it: a cache hit; else the artifact deserialized
    /// from the store; else (no artifact, or a corrupt or incompatible one, which is deleted)
    /// the code hashed, validated, compiled and its artifact stored.
    ///
    /// Errors ([`TrapReason::CodeHashMismatch`], [`TrapReason::InvalidCode`]) as
    /// [`Vm::execute`] traps.
    pub fn load(&self, code_hash: &[u8; 32], code: &[u8]) -> Result<ModuleSource, TrapReason> {
        self.prepared(code_hash, code).map(|(_, source)| source)
    }

    /// Drops the module of `code_hash` from the in-memory cache, keeping its artifact (the
    /// next execution loads it).
    pub fn evict(&self, code_hash: &[u8; 32]) {
        self.cache.lock().remove(code_hash);
    }

    /// Drops the module of `code_hash` from the in-memory cache and deletes its artifact (the
    /// code was removed from the chain).
    pub fn forget(&self, code_hash: &[u8; 32]) {
        self.evict(code_hash);
        self.store.remove(&self.artifact_key(code_hash));
    }

    /// Whether the module with this code hash is compiled and cached.
    pub fn is_cached(&self, code_hash: &[u8; 32]) -> bool {
        self.cache.lock().contains(code_hash)
    }

    /// Number of compiled modules in the cache.
    pub fn cached_modules(&self) -> usize {
        self.cache.lock().len()
    }

    /// Runs `entry` of the contract `code` (whose [`code_hash`] is `code_hash`) as a call frame
    /// at `depth` (0 for a call from outside, see
    /// [`VmConfig::max_call_depth`]), with `input` as its call input, at most `fuel_limit` fuel
    /// and `host` for everything the contract reads or changes.
    ///
    /// On a cache miss the module is loaded first as [`Vm::load`] does (from its artifact, or
    /// hashed, validated and compiled if there is none); a mismatching hash or
    /// invalid code traps ([`TrapReason::CodeHashMismatch`], [`TrapReason::InvalidCode`]) with
    /// no fuel used. Never panics on any code or input. Needs
    /// [`VmConfig::native_stack_required`] bytes of native stack for the deepest call stack.
    #[allow(clippy::too_many_arguments)]
    pub fn execute(
        &self,
        code_hash: &[u8; 32],
        code: &[u8],
        entry: Entry,
        input: &[u8],
        fuel_limit: u64,
        depth: u32,
        host: &mut dyn Host,
    ) -> Outcome {
        if depth > self.config.max_call_depth {
            return Outcome::refused(TrapReason::CallDepth);
        }
        if input.len() > self.config.max_io_len as usize {
            let len = u32::try_from(input.len()).unwrap_or(u32::MAX);
            return Outcome::refused(TrapReason::HostLimit(HostLimit::IoTooLong {
                len,
                max: self.config.max_io_len,
            }));
        }
        let prepared = match self.prepared(code_hash, code) {
            Ok((prepared, _)) => prepared,
            Err(reason) => return Outcome::refused(reason),
        };
        let outcome = self.run(&prepared, entry, input, fuel_limit, depth, host);
        tracing::debug!(
            target: LOG_TARGET,
            code_hash = %hex_prefix(code_hash),
            ?entry,
            depth,
            fuel_limit,
            fuel_used = outcome.fuel_used,
            result = %Summary(&outcome.result),
            "executed contract"
        );
        outcome
    }

    /// The cached module for `code_hash`, loading its artifact or compiling `code` on a miss.
    fn prepared(
        &self,
        code_hash: &[u8; 32],
        code: &[u8],
    ) -> Result<(Prepared, ModuleSource), TrapReason> {
        if let Some(prepared) = self.cache.lock().get(code_hash) {
            return Ok((prepared, ModuleSource::Cached));
        }
        if code.len() > self.config.max_code_size {
            return Err(TrapReason::InvalidCode);
        }
        if &self::code_hash(code) != code_hash {
            return Err(TrapReason::CodeHashMismatch);
        }
        // Loaded or compiled outside the lock: a nested call may need the cache meanwhile.
        if let Some(prepared) = self.load_artifact(code_hash) {
            self.cache.lock().insert(*code_hash, prepared.clone());
            return Ok((prepared, ModuleSource::Loaded));
        }
        let prepared = self
            .validate(code)
            .and_then(|info| self.compile_and_store(code_hash, code, info.data_bytes))
            .map_err(|error| {
                tracing::debug!(
                    target: LOG_TARGET,
                    code_hash = %hex_prefix(code_hash),
                    %error,
                    "invalid contract code"
                );
                TrapReason::InvalidCode
            })?;
        self.cache.lock().insert(*code_hash, prepared.clone());
        Ok((prepared, ModuleSource::Compiled))
    }

    /// The module of `code_hash` deserialized from its artifact, if the store has one that is
    /// intact and compatible; a corrupt or incompatible artifact is deleted.
    fn load_artifact(&self, code_hash: &[u8; 32]) -> Option<Prepared> {
        let key = self.artifact_key(code_hash);
        let bytes = self.store.load(&key)?;
        let loaded = artifact::decode(&bytes)
            .map_err(|error| error.to_string())
            .and_then(|(data_bytes, serialized)| {
                // SAFETY: `Module::deserialize` trusts its input to be a module wasmtime
                // serialized (it maps it as executable code). These bytes are: artifacts are
                // only written by `compile_and_store` of this crate, from `Module::serialize`,
                // into the node's own directory; `decode` has verified the blake2-256
                // checksum written with them, so they are those bytes, unchanged (not torn,
                // truncated or corrupted on disk); and wasmtime itself checks that they were
                // produced by a compatible engine (version, target, settings), failing
                // otherwise. The key's engine fingerprint keeps other engines' artifacts apart
                // in the first place. Someone able to write the node's data directory can
                // already replace the node itself: that is outside what this guards against.
                let module = unsafe { wasmtime::Module::deserialize(&self.engine, serialized) }
                    .map_err(|error| error.to_string())?;
                let pre = self
                    .linker
                    .instantiate_pre(&module)
                    .map_err(|error| error.to_string())?;
                Ok(Prepared { pre, data_bytes })
            });
        match loaded {
            Ok(prepared) => Some(prepared),
            Err(error) => {
                tracing::debug!(
                    target: LOG_TARGET,
                    code_hash = %hex_prefix(code_hash),
                    %error,
                    "unusable contract artifact deleted; compiling again"
                );
                self.store.remove(&key);
                None
            }
        }
    }

    /// Compiles validated `code` and stores its artifact.
    fn compile_and_store(
        &self,
        code_hash: &[u8; 32],
        code: &[u8],
        data_bytes: u64,
    ) -> Result<Prepared, CodeError> {
        let module = self.compile(code)?;
        match module.serialize() {
            Ok(serialized) => self.store.store(
                &self.artifact_key(code_hash),
                &artifact::encode(data_bytes, &serialized),
            ),
            Err(error) => tracing::warn!(
                target: LOG_TARGET,
                code_hash = %hex_prefix(code_hash),
                %error,
                "cannot serialize compiled contract"
            ),
        }
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|error| CodeError::Compile {
                reason: error.to_string(),
            })?;
        Ok(Prepared { pre, data_bytes })
    }

    /// Compiles validated code.
    pub(crate) fn compile(&self, code: &[u8]) -> Result<wasmtime::Module, CodeError> {
        self.compilations.fetch_add(1, Ordering::Relaxed);
        wasmtime::Module::from_binary(&self.engine, code).map_err(|error| CodeError::Compile {
            reason: error.to_string(),
        })
    }

    /// Instantiates the module in a fresh store and runs `entry`.
    fn run(
        &self,
        prepared: &Prepared,
        entry: Entry,
        input: &[u8],
        fuel_limit: u64,
        depth: u32,
        host: &mut dyn Host,
    ) -> Outcome {
        let costs = self.config.host_costs;
        let instantiate_cost = costs
            .instantiate
            .saturating_add(costs.per_byte.saturating_mul(prepared.data_bytes));
        if fuel_limit < instantiate_cost {
            return Outcome {
                fuel_used: fuel_limit,
                result: ExecResult::Trapped(TrapReason::OutOfFuel),
            };
        }
        let limits = StoreLimitsBuilder::new()
            .memory_size(usize::try_from(self.config.max_memory_bytes()).unwrap_or(usize::MAX))
            .table_elements(self.config.max_table_elements as usize)
            .instances(1)
            .memories(1)
            .tables(1)
            .trap_on_grow_failure(false)
            .build();
        let data = StoreData {
            host: HostPtr::new(host),
            config: self.config.clone(),
            input: input.to_vec(),
            return_data: Vec::new(),
            output: Vec::new(),
            depth,
            memory: None,
            limits,
        };
        let mut store = Store::new(&self.engine, data);
        store.limiter(|data| &mut data.limits);
        if let Err(error) = store.set_fuel(fuel_limit - instantiate_cost) {
            return Outcome {
                fuel_used: 0,
                result: ExecResult::Trapped(engine_error(&error)),
            };
        }

        let result = (|| {
            let instance = prepared
                .pre
                .instantiate(&mut store)
                .map_err(Failure::Instantiate)?;
            let memory = instance
                .get_memory(&mut store, EXPORT_MEMORY)
                .ok_or(Failure::Reason(TrapReason::InvalidCode))?;
            store.data_mut().memory = Some(memory);
            let function = instance
                .get_typed_func::<(), ()>(&mut store, entry.export_name())
                .map_err(|_| Failure::Reason(TrapReason::InvalidCode))?;
            function.call(&mut store, ()).map_err(Failure::Call)
        })();

        let remaining = store.get_fuel().unwrap_or(0);
        let result = match result {
            Ok(()) => ExecResult::Returned(Vec::new()),
            Err(Failure::Reason(reason)) => ExecResult::Trapped(reason),
            Err(Failure::Instantiate(error)) => match error.downcast_ref::<Trap>() {
                Some(trap) => ExecResult::Trapped(trap_reason(*trap)),
                None => {
                    tracing::debug!(target: LOG_TARGET, %error, "instantiation refused");
                    ExecResult::Trapped(TrapReason::ResourceLimit)
                }
            },
            Err(Failure::Call(error)) => call_error(error, store.data_mut()),
        };
        let fuel_used = match result {
            ExecResult::Trapped(TrapReason::OutOfFuel) => fuel_limit,
            _ => fuel_limit.saturating_sub(remaining),
        };
        Outcome { fuel_used, result }
    }
}

/// Why [`Vm::run`] stopped before the entry function returned.
enum Failure {
    Instantiate(wasmtime::Error),
    Call(wasmtime::Error),
    Reason(TrapReason),
}

/// The engine configuration for consensus: Cranelift, fuel with the configured operator
/// costs, NaN canonicalisation, only the contract features (no floats, SIMD, threads), a
/// bounded Wasm stack, no backtraces.
fn engine_config(config: &VmConfig) -> wasmtime::Config {
    let mut engine = wasmtime::Config::new();
    let mut costs = OperatorCost::new();
    costs.variable.memory_grow_per_page = config.host_costs.memory_grow_per_page;
    engine
        .strategy(Strategy::Cranelift)
        .cranelift_opt_level(OptLevel::Speed)
        .cranelift_nan_canonicalization(true)
        .consume_fuel(true)
        .operator_cost(costs)
        .wasm_features(WasmFeatures::all(), false)
        .wasm_features(validate::contract_features(), true)
        .wasm_simd(false)
        .wasm_relaxed_simd(false)
        .max_wasm_stack(config.max_wasm_stack)
        .wasm_backtrace_max_frames(None)
        .generate_address_map(false);
    engine
}

/// The store's data: the host, the call's input and output, and the limits.
pub(crate) struct StoreData {
    pub(crate) host: HostPtr,
    pub(crate) config: Arc<VmConfig>,
    pub(crate) input: Vec<u8>,
    /// Output of the last nested call.
    pub(crate) return_data: Vec<u8>,
    /// Data given to `finish` or `revert`.
    pub(crate) output: Vec<u8>,
    pub(crate) depth: u32,
    /// The contract's exported memory, set after instantiation.
    pub(crate) memory: Option<Memory>,
    limits: StoreLimits,
}

/// The `&mut dyn Host` given to [`Vm::execute`], kept in the store.
///
/// wasmtime stores need `'static` data, so the borrow's lifetime is erased here. This is sound
/// because the store never outlives the `execute` call that created it (it is a local of
/// [`Vm::run`], dropped before it returns), `execute` holds the exclusive borrow of the host
/// for that whole time, and the pointer is only dereferenced by host functions, which run
/// synchronously inside `execute`.
pub(crate) struct HostPtr(NonNull<dyn Host>);

impl HostPtr {
    fn new(host: &mut dyn Host) -> Self {
        let ptr: NonNull<dyn Host + '_> = NonNull::from(host);
        // SAFETY: only the trait object's lifetime bound changes (same layout); see the type's
        // docs for why the erased lifetime is never outlived.
        let ptr = unsafe {
            std::mem::transmute::<NonNull<dyn Host + '_>, NonNull<dyn Host + 'static>>(ptr)
        };
        Self(ptr)
    }

    /// The host, borrowed for as long as the store data is.
    pub(crate) fn get(&mut self) -> &mut dyn Host {
        // SAFETY: the pointee is borrowed exclusively by the running `execute` (see the type's
        // docs), and `&mut self` makes this the only live reference derived from the pointer.
        unsafe { self.0.as_mut() }
    }
}

/// How a host function ends the execution early: the error it returns to wasmtime.
#[derive(Debug)]
pub(crate) enum HostTrap {
    /// `finish`: success, output in [`StoreData::output`].
    Finish,
    /// `revert`: reverted, output in [`StoreData::output`].
    Revert,
    /// A trap raised by a host function.
    Trap(TrapReason),
}

impl std::fmt::Display for HostTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostTrap::Finish => f.write_str("finish"),
            HostTrap::Revert => f.write_str("revert"),
            HostTrap::Trap(reason) => write!(f, "host trap: {reason}"),
        }
    }
}

impl std::error::Error for HostTrap {}

/// Maps the error of the entry function's call.
fn call_error(error: wasmtime::Error, data: &mut StoreData) -> ExecResult {
    if let Some(host_trap) = error.downcast_ref::<HostTrap>() {
        return match host_trap {
            HostTrap::Finish => ExecResult::Returned(std::mem::take(&mut data.output)),
            HostTrap::Revert => ExecResult::Reverted(std::mem::take(&mut data.output)),
            HostTrap::Trap(reason) => ExecResult::Trapped(reason.clone()),
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(trap) => ExecResult::Trapped(trap_reason(*trap)),
        None => ExecResult::Trapped(engine_error(&error)),
    }
}

/// Maps a wasmtime trap code.
fn trap_reason(trap: Trap) -> TrapReason {
    match trap {
        Trap::OutOfFuel => TrapReason::OutOfFuel,
        Trap::StackOverflow => TrapReason::StackOverflow,
        Trap::MemoryOutOfBounds => TrapReason::MemoryOutOfBounds,
        Trap::UnreachableCodeReached => TrapReason::Unreachable,
        Trap::IntegerDivisionByZero => TrapReason::IntegerDivisionByZero,
        Trap::IntegerOverflow => TrapReason::IntegerOverflow,
        Trap::IndirectCallToNull => TrapReason::IndirectCallToNull,
        Trap::BadSignature => TrapReason::BadSignature,
        Trap::TableOutOfBounds => TrapReason::TableOutOfBounds,
        other => TrapReason::Other(other as u8),
    }
}

/// An engine error that is not a trap: logged, reported as [`OTHER_ENGINE_ERROR`].
fn engine_error(error: &wasmtime::Error) -> TrapReason {
    tracing::warn!(target: LOG_TARGET, %error, "engine error during contract execution");
    TrapReason::Other(OTHER_ENGINE_ERROR)
}

/// An [`ExecResult`] for logs: how it ended and the output's length, not the output.
struct Summary<'a>(&'a ExecResult);

impl std::fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            ExecResult::Returned(output) => write!(f, "returned {} bytes", output.len()),
            ExecResult::Reverted(output) => write!(f, "reverted with {} bytes", output.len()),
            ExecResult::Trapped(reason) => write!(f, "trapped: {reason}"),
        }
    }
}

/// The first bytes of a hash, for logs.
fn hex_prefix(hash: &[u8; 32]) -> String {
    hash.iter()
        .take(4)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
