//! What a [`Vm`](crate::Vm) allows a contract and what it charges: code and memory limits, the
//! call depth, the per-call limits of the host functions and their fuel costs.
//!
//! Every node of a chain must run contracts with the same configuration: each number here
//! decides whether a contract traps and how much fuel it uses, so a pallet fixes it in its
//! `Config` and changes it only with a runtime upgrade.

use crate::error::VmError;

/// Size of one WebAssembly page (64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65_536;

/// Native stack the host side of one call frame may use on top of the Wasm stack: wasmtime's
/// entry trampolines, the host function, the host's own bookkeeping and a Cranelift compilation
/// of the callee on a cache miss. Used by [`VmConfig::native_stack_required`].
pub const HOST_FRAME_STACK_RESERVE: usize = 512 * 1024;

/// Limits and costs of a [`Vm`](crate::Vm).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmConfig {
    /// Largest accepted contract code, in bytes.
    pub max_code_size: usize,
    /// Largest linear memory a contract may have at any time, in 64 KiB pages. A module may
    /// declare no maximum or a larger one; `memory.grow` past this limit returns -1.
    pub max_memory_pages: u32,
    /// Largest table a contract may have at any time, in elements.
    pub max_table_elements: u32,
    /// Most functions a module may define (imports not counted).
    pub max_functions: u32,
    /// Most locals one function may declare (parameters not counted).
    pub max_function_locals: u32,
    /// Most globals a module may define.
    pub max_globals: u32,
    /// Native stack one call frame's Wasm code may use, in bytes: deeper recursion traps with
    /// [`TrapReason::StackOverflow`](crate::TrapReason::StackOverflow).
    pub max_wasm_stack: usize,
    /// Deepest call frame allowed: the outermost call has depth 0, a contract it calls depth 1,
    /// and so on. A call that would go deeper fails (status 2) without running.
    pub max_call_depth: u32,
    /// Longest storage key, in bytes.
    pub max_key_len: u32,
    /// Longest storage value, in bytes.
    pub max_value_len: u32,
    /// Most topics of one event.
    pub max_event_topics: u32,
    /// Longest event data, in bytes.
    pub max_event_data_len: u32,
    /// Longest output of `finish` / `revert` and longest input of a nested `call`, in bytes.
    pub max_io_len: u32,
    /// How many compiled modules the [`Vm`](crate::Vm) keeps (least recently used evicted).
    pub module_cache_size: usize,
    /// Fuel charged by each host function, and by `memory.grow`.
    pub host_costs: HostCosts,
}

impl Default for VmConfig {
    fn default() -> Self {
        Self {
            max_code_size: 256 * 1024,
            max_memory_pages: 16,
            max_table_elements: 1024,
            max_functions: 4096,
            max_function_locals: 1024,
            max_globals: 256,
            max_wasm_stack: 256 * 1024,
            max_call_depth: 8,
            max_key_len: 128,
            max_value_len: 16 * 1024,
            max_event_topics: 4,
            max_event_data_len: 16 * 1024,
            max_io_len: 64 * 1024,
            module_cache_size: 64,
            host_costs: HostCosts::default(),
        }
    }
}

impl VmConfig {
    /// Largest linear memory in bytes.
    pub fn max_memory_bytes(&self) -> u64 {
        u64::from(self.max_memory_pages) * WASM_PAGE_SIZE
    }

    /// Native stack a thread needs to run a call stack of the deepest allowed depth:
    /// `(max_call_depth + 1) * (max_wasm_stack + HOST_FRAME_STACK_RESERVE)`. Call
    /// [`Vm::execute`](crate::Vm::execute) only on a thread with at least this much stack; a
    /// thread with less may overflow its own stack, which aborts the process.
    pub fn native_stack_required(&self) -> usize {
        let frames = usize::try_from(self.max_call_depth)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        frames.saturating_mul(self.max_wasm_stack.saturating_add(HOST_FRAME_STACK_RESERVE))
    }

    /// Checks that the limits are usable: non-zero where zero makes no sense, lengths that fit
    /// an `i32` (they are returned to contracts as `i32`), memory within 4 GiB.
    pub fn check(&self) -> Result<(), VmError> {
        let i32_max = i32::MAX as u32;
        let checks: [(&'static str, bool); 8] = [
            ("max_code_size", self.max_code_size > 0),
            (
                "max_memory_pages",
                self.max_memory_pages > 0 && self.max_memory_pages <= 65_536,
            ),
            ("max_wasm_stack", self.max_wasm_stack > 0),
            ("max_key_len", self.max_key_len <= i32_max),
            ("max_value_len", self.max_value_len <= i32_max),
            ("max_event_data_len", self.max_event_data_len <= i32_max),
            ("max_io_len", self.max_io_len <= i32_max),
            ("module_cache_size", self.module_cache_size > 0),
        ];
        match checks.iter().find(|(_, ok)| !ok) {
            Some((field, _)) => Err(VmError::InvalidConfig { field }),
            None => Ok(()),
        }
    }
}

/// Fuel charged by the host functions (1 fuel is about one simple Wasm instruction).
///
/// A host function charges, before it does any work:
/// `call` + its own base cost + `per_byte` × the bytes it copies between the contract's memory
/// and the host, plus the extra per-byte costs named below. A call that cannot pay traps with
/// [`TrapReason::OutOfFuel`](crate::TrapReason::OutOfFuel) and leaves the contract no fuel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostCosts {
    /// Every host function call.
    pub call: u64,
    /// Every byte copied between contract memory and the host (keys, values, input, output,
    /// account ids, balances, hash input and output, event topics and data, return data).
    pub per_byte: u64,
    /// Instantiating the contract at the start of every execution; `per_byte` is added for
    /// each byte of its data segments (copied into memory at every instantiation).
    pub instantiate: u64,
    /// `storage_get` (the storage read).
    pub storage_read: u64,
    /// `storage_set` and `storage_remove` (the storage write).
    pub storage_write: u64,
    /// Each byte of key and value `storage_set` stores, on top of `per_byte` (state growth).
    pub storage_write_per_byte: u64,
    /// `transfer`.
    pub transfer: u64,
    /// `emit_event`.
    pub event: u64,
    /// Each topic of `emit_event`.
    pub event_per_topic: u64,
    /// `hash_blake2_256` and `hash_keccak_256`.
    pub hash: u64,
    /// Each hashed byte, on top of `per_byte`.
    pub hash_per_byte: u64,
    /// Reading the chain's and the call's context: `caller`, `address`, `value_transferred`,
    /// `balance`, `block_number`, `timestamp`.
    pub context: u64,
    /// `call` (a nested contract call), on top of the fuel the callee uses.
    pub nested_call: u64,
    /// Each 64 KiB page requested by `memory.grow` (charged by wasmtime, at most 255).
    pub memory_grow_per_page: u8,
}

impl Default for HostCosts {
    fn default() -> Self {
        Self {
            call: 100,
            per_byte: 1,
            instantiate: 2_000,
            storage_read: 2_000,
            storage_write: 5_000,
            storage_write_per_byte: 10,
            transfer: 5_000,
            event: 1_000,
            event_per_topic: 500,
            hash: 200,
            hash_per_byte: 2,
            context: 50,
            nested_call: 10_000,
            memory_grow_per_page: 200,
        }
    }
}
