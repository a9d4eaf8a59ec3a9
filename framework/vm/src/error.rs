//! Errors: setting up a [`Vm`](crate::Vm) ([`VmError`]), rejecting contract code
//! ([`CodeError`]) and why an execution trapped ([`TrapReason`], [`HostLimit`]).

/// A [`Vm`](crate::Vm) could not be created.
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    /// A field of the [`VmConfig`](crate::VmConfig) is out of range.
    #[error("invalid VM configuration: `{field}` is out of range")]
    InvalidConfig {
        /// The field's name.
        field: &'static str,
    },
    /// wasmtime refused the engine configuration.
    #[error("wasmtime refused the engine configuration: {0}")]
    Engine(String),
    /// A host function could not be registered with the linker.
    #[error("could not define host function `{name}`: {reason}")]
    Linker {
        /// The host function.
        name: &'static str,
        /// wasmtime's message.
        reason: String,
    },
}

/// Contract code was rejected by [`Vm::validate`](crate::Vm::validate).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The code is larger than [`VmConfig::max_code_size`](crate::VmConfig::max_code_size).
    #[error("code is {size} bytes, more than the limit of {max}")]
    TooLarge {
        /// Size of the code.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The code is not a valid WebAssembly module with the features contracts may use.
    #[error("invalid WebAssembly at offset {offset}: {reason}")]
    InvalidWasm {
        /// Byte offset of the problem in the code.
        offset: usize,
        /// The parser's description.
        reason: String,
    },
    /// The code uses a floating-point type or instruction.
    #[error("floating-point type or instruction at offset {offset}")]
    FloatsForbidden {
        /// Byte offset of the first one.
        offset: usize,
    },
    /// The module has a start function (contracts run only through `deploy` and `call`).
    #[error("the module has a start function")]
    StartFunction,
    /// The module imports from a module other than `wcme_v1`.
    #[error("import `{module}::{name}`: unknown module (only `wcme_v1` may be imported from)")]
    UnknownImportModule {
        /// The imported module's name.
        module: String,
        /// The imported item's name.
        name: String,
    },
    /// The module imports a `wcme_v1` item that is no host function of this ABI version.
    #[error("import `wcme_v1::{name}`: no such host function")]
    UnknownHostFunction {
        /// The imported name.
        name: String,
    },
    /// The module imports a host function with another signature than the ABI's.
    #[error("import `wcme_v1::{name}`: wrong signature")]
    WrongImportSignature {
        /// The host function.
        name: String,
    },
    /// The module imports something other than a function (a memory, table, global or tag).
    #[error("import `{module}::{name}`: only functions may be imported")]
    NonFunctionImport {
        /// The imported module's name.
        module: String,
        /// The imported item's name.
        name: String,
    },
    /// A required export (`memory`, `deploy` or `call`) is missing.
    #[error("missing export `{name}`")]
    MissingExport {
        /// The export's name.
        name: &'static str,
    },
    /// A required export has the wrong kind or type (`memory` must be the module's memory,
    /// `deploy` and `call` functions of type `() -> ()`).
    #[error("export `{name}` has the wrong kind or type")]
    WrongExport {
        /// The export's name.
        name: &'static str,
    },
    /// The module defines no memory, or more than one.
    #[error("the module must define exactly one memory, it defines {count}")]
    MemoryCount {
        /// How many memories it defines.
        count: u32,
    },
    /// The memory's initial size is above the limit.
    #[error("initial memory of {pages} pages is above the limit of {max}")]
    MemoryTooLarge {
        /// Initial pages.
        pages: u64,
        /// The limit.
        max: u32,
    },
    /// The module defines more than one table.
    #[error("the module defines {count} tables, at most 1 is allowed")]
    TableCount {
        /// How many tables it defines.
        count: u32,
    },
    /// The table's initial size is above the limit.
    #[error("initial table of {elements} elements is above the limit of {max}")]
    TableTooLarge {
        /// Initial elements.
        elements: u64,
        /// The limit.
        max: u32,
    },
    /// The module defines more functions than allowed.
    #[error("the module defines {count} functions, more than the limit of {max}")]
    TooManyFunctions {
        /// How many it defines.
        count: u32,
        /// The limit.
        max: u32,
    },
    /// A function declares more locals than allowed.
    #[error("function {index} declares {count} locals, more than the limit of {max}")]
    TooManyLocals {
        /// The function's index (imports included).
        index: u32,
        /// How many locals it declares.
        count: u64,
        /// The limit.
        max: u32,
    },
    /// The module defines more globals than allowed.
    #[error("the module defines {count} globals, more than the limit of {max}")]
    TooManyGlobals {
        /// How many it defines.
        count: u32,
        /// The limit.
        max: u32,
    },
    /// wasmtime could not compile the validated module.
    #[error("compilation failed: {reason}")]
    Compile {
        /// wasmtime's message.
        reason: String,
    },
}

/// Why an execution trapped ([`ExecResult::Trapped`](crate::ExecResult::Trapped)).
///
/// A trap ends the execution: the host must discard every change the call frame made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrapReason {
    /// The fuel limit was reached; all of it counts as used.
    #[error("out of fuel")]
    OutOfFuel,
    /// The Wasm stack ([`VmConfig::max_wasm_stack`](crate::VmConfig::max_wasm_stack)) was
    /// exhausted, e.g. by deep recursion.
    #[error("Wasm stack exhausted")]
    StackOverflow,
    /// A load or store outside the contract's memory.
    #[error("out-of-bounds memory access")]
    MemoryOutOfBounds,
    /// A host function was given a region outside the contract's memory.
    #[error("host function `{function}` given a region outside memory: {ptr}+{len}")]
    HostMemoryOutOfBounds {
        /// The host function.
        function: &'static str,
        /// Start of the region.
        ptr: u32,
        /// Length of the region.
        len: u32,
    },
    /// The module could not be instantiated within the memory and table limits.
    #[error("memory or table limit exceeded at instantiation")]
    ResourceLimit,
    /// An `unreachable` instruction was executed.
    #[error("unreachable executed")]
    Unreachable,
    /// Integer division or remainder by zero.
    #[error("integer division by zero")]
    IntegerDivisionByZero,
    /// Integer overflow (`i32.div_s` of `i32::MIN` by -1 and the like).
    #[error("integer overflow")]
    IntegerOverflow,
    /// `call_indirect` on a null table element.
    #[error("indirect call to a null element")]
    IndirectCallToNull,
    /// `call_indirect` with a mismatching signature.
    #[error("indirect call signature mismatch")]
    BadSignature,
    /// A table access out of bounds.
    #[error("table access out of bounds")]
    TableOutOfBounds,
    /// A host function's argument exceeded one of its limits.
    #[error("host limit exceeded: {0}")]
    HostLimit(HostLimit),
    /// The frame's depth is above [`VmConfig::max_call_depth`](crate::VmConfig::max_call_depth).
    #[error("call depth limit exceeded")]
    CallDepth,
    /// The host refused to enter a contract that is already on the call stack.
    #[error("reentrancy refused")]
    Reentrancy,
    /// The host refused or could not start a nested call (no contract at the callee, value
    /// transfer refused, …).
    #[error("call refused by the host")]
    CallRefused,
    /// The code given to [`Vm::execute`](crate::Vm::execute) failed validation or compilation.
    #[error("invalid contract code")]
    InvalidCode,
    /// The code given to [`Vm::execute`](crate::Vm::execute) does not hash to its code hash.
    #[error("code does not match its hash")]
    CodeHashMismatch,
    /// Any other trap: a wasmtime trap code (`wasmtime::Trap as u8`), or 255 for an engine
    /// error that is not a trap (logged at `warn`).
    #[error("other trap (code {0})")]
    Other(u8),
}

/// A host-function argument over its limit ([`TrapReason::HostLimit`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostLimit {
    /// Storage key longer than [`VmConfig::max_key_len`](crate::VmConfig::max_key_len).
    #[error("storage key of {len} bytes (max {max})")]
    KeyTooLong {
        /// Given length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// Storage value longer than [`VmConfig::max_value_len`](crate::VmConfig::max_value_len).
    #[error("storage value of {len} bytes (max {max})")]
    ValueTooLong {
        /// Given length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// More event topics than [`VmConfig::max_event_topics`](crate::VmConfig::max_event_topics).
    #[error("{count} event topics (max {max})")]
    TooManyTopics {
        /// Given count.
        count: u32,
        /// The limit.
        max: u32,
    },
    /// Event data longer than
    /// [`VmConfig::max_event_data_len`](crate::VmConfig::max_event_data_len).
    #[error("event data of {len} bytes (max {max})")]
    EventDataTooLong {
        /// Given length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// Output of `finish`/`revert` or input of `call` longer than
    /// [`VmConfig::max_io_len`](crate::VmConfig::max_io_len).
    #[error("input or output of {len} bytes (max {max})")]
    IoTooLong {
        /// Given length.
        len: u32,
        /// The limit.
        max: u32,
    },
}
