//! The host functions of ABI `wcme_v1`, as wasmtime linker definitions.
//!
//! Each one checks its arguments against the limits, charges its fuel before doing any work,
//! checks every memory region it touches, and only then calls the [`Host`](crate::Host).
//! Failures are typed traps ([`HostTrap`]); nothing here panics on contract input.

use wasmtime::{Caller, Linker};

use crate::{
    abi::{
        ABI_MODULE, ACCOUNT_ID_LEN, BALANCE_LEN, CALL_FAILED, CALL_RETURNED, CALL_REVERTED,
        HASH_LEN, STORAGE_ABSENT, TOPIC_LEN, TRANSFER_OK, TRANSFER_REFUSED,
    },
    error::{HostLimit, TrapReason, VmError},
    exec::{HostTrap, LOG_TARGET, StoreData},
    host::{CallRequest, ExecResult, Topic},
};

type Ctx<'a> = Caller<'a, StoreData>;
type HostResult<T> = wasmtime::Result<T>;

/// A trap with `reason`.
fn trap(reason: TrapReason) -> wasmtime::Error {
    wasmtime::Error::new(HostTrap::Trap(reason))
}

/// Reads an `i32` ABI pointer or length as the unsigned number it stands for.
fn unsigned(value: i32) -> u32 {
    value as u32
}

/// `base + per_byte * bytes`, saturating.
fn cost(base: u64, per_byte: u64, bytes: u64) -> u64 {
    base.saturating_add(per_byte.saturating_mul(bytes))
}

/// Takes `amount` fuel, or traps out of fuel leaving none.
fn charge(caller: &mut Ctx<'_>, amount: u64) -> HostResult<()> {
    let fuel = caller.get_fuel()?;
    match fuel.checked_sub(amount) {
        Some(left) => caller.set_fuel(left),
        None => {
            caller.set_fuel(0)?;
            Err(trap(TrapReason::OutOfFuel))
        }
    }
}

/// Traps with [`HostLimit`] if `len` is above `max`.
fn limit(len: u32, max: u32, error: fn(u32, u32) -> HostLimit) -> HostResult<()> {
    if len > max {
        Err(trap(TrapReason::HostLimit(error(len, max))))
    } else {
        Ok(())
    }
}

fn out_of_bounds(function: &'static str, ptr: u32, len: u32) -> wasmtime::Error {
    trap(TrapReason::HostMemoryOutOfBounds { function, ptr, len })
}

/// The byte range `ptr..ptr + len` of a memory of `size` bytes, if inside it. An empty region
/// is always inside.
fn region(size: usize, ptr: u32, len: u32) -> Option<std::ops::Range<usize>> {
    if len == 0 {
        return Some(0..0);
    }
    let start = ptr as usize;
    let end = start.checked_add(len as usize)?;
    (end <= size).then_some(start..end)
}

fn memory(caller: &Ctx<'_>) -> HostResult<wasmtime::Memory> {
    caller
        .data()
        .memory
        .ok_or_else(|| trap(TrapReason::InvalidCode))
}

/// Copies `len` bytes at `ptr` out of the contract's memory.
fn read(caller: &Ctx<'_>, function: &'static str, ptr: i32, len: u32) -> HostResult<Vec<u8>> {
    let ptr = unsigned(ptr);
    let data = memory(caller)?.data(caller);
    region(data.len(), ptr, len)
        .and_then(|range| data.get(range))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| out_of_bounds(function, ptr, len))
}

/// Reads `N` bytes at `ptr`.
fn read_array<const N: usize>(
    caller: &Ctx<'_>,
    function: &'static str,
    ptr: i32,
) -> HostResult<[u8; N]> {
    let len = u32::try_from(N).unwrap_or(u32::MAX);
    let bytes = read(caller, function, ptr, len)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| out_of_bounds(function, unsigned(ptr), len))
}

/// Copies `bytes` into the contract's memory at `ptr`.
fn write(caller: &mut Ctx<'_>, function: &'static str, ptr: i32, bytes: &[u8]) -> HostResult<()> {
    let ptr = unsigned(ptr);
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    let memory = memory(caller)?;
    let data = memory.data_mut(caller);
    let target = region(data.len(), ptr, len).and_then(|range| data.get_mut(range));
    match target {
        Some(target) => {
            target.copy_from_slice(bytes);
            Ok(())
        }
        None => Err(out_of_bounds(function, ptr, len)),
    }
}

/// Copies a buffer of the store data (input, return data) into memory at `ptr`.
fn write_from_store(
    caller: &mut Ctx<'_>,
    function: &'static str,
    ptr: i32,
    buffer: fn(&StoreData) -> &[u8],
) -> HostResult<()> {
    let ptr = unsigned(ptr);
    let memory = memory(caller)?;
    let (data, store) = memory.data_and_store_mut(caller);
    let source = buffer(store);
    let len = u32::try_from(source.len()).unwrap_or(u32::MAX);
    let target = region(data.len(), ptr, len).and_then(|range| data.get_mut(range));
    match target {
        Some(target) => {
            target.copy_from_slice(source);
            Ok(())
        }
        None => Err(out_of_bounds(function, ptr, len)),
    }
}

/// A length as the `i32` the ABI returns (lengths are bounded by the config, which keeps them
/// below `i32::MAX`).
fn len_i32(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

fn link_error(name: &'static str) -> impl FnOnce(wasmtime::Error) -> VmError {
    move |error| VmError::Linker {
        name,
        reason: error.to_string(),
    }
}

/// Defines every host function of ABI `wcme_v1` in `linker`.
pub(crate) fn define(linker: &mut Linker<StoreData>) -> Result<(), VmError> {
    linker
        .func_wrap(
            ABI_MODULE,
            "input_len",
            |mut caller: Ctx<'_>| -> HostResult<i32> {
                let costs = caller.data().config.host_costs;
                charge(&mut caller, costs.call)?;
                Ok(len_i32(caller.data().input.len()))
            },
        )
        .map_err(link_error("input_len"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "input_read",
            |mut caller: Ctx<'_>, out: i32| -> HostResult<()> {
                let costs = caller.data().config.host_costs;
                let len = caller.data().input.len() as u64;
                charge(&mut caller, cost(costs.call, costs.per_byte, len))?;
                write_from_store(&mut caller, "input_read", out, |data| &data.input)
            },
        )
        .map_err(link_error("input_read"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "storage_get",
            |mut caller: Ctx<'_>,
             key_ptr: i32,
             key_len: i32,
             out: i32,
             cap: i32|
             -> HostResult<i32> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let key_len = unsigned(key_len);
                limit(key_len, config.max_key_len, |len, max| {
                    HostLimit::KeyTooLong { len, max }
                })?;
                let base = costs.call.saturating_add(costs.storage_read);
                charge(&mut caller, cost(base, costs.per_byte, u64::from(key_len)))?;
                let key = read(&caller, "storage_get", key_ptr, key_len)?;
                let Some(value) = caller.data_mut().host.get().storage_get(&key) else {
                    return Ok(STORAGE_ABSENT);
                };
                charge(&mut caller, cost(0, costs.per_byte, value.len() as u64))?;
                let copied = value.len().min(unsigned(cap) as usize);
                write(
                    &mut caller,
                    "storage_get",
                    out,
                    value.get(..copied).unwrap_or_default(),
                )?;
                Ok(len_i32(value.len()))
            },
        )
        .map_err(link_error("storage_get"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "storage_set",
            |mut caller: Ctx<'_>,
             key_ptr: i32,
             key_len: i32,
             value_ptr: i32,
             value_len: i32|
             -> HostResult<()> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let (key_len, value_len) = (unsigned(key_len), unsigned(value_len));
                limit(key_len, config.max_key_len, |len, max| {
                    HostLimit::KeyTooLong { len, max }
                })?;
                limit(value_len, config.max_value_len, |len, max| {
                    HostLimit::ValueTooLong { len, max }
                })?;
                let bytes = u64::from(key_len) + u64::from(value_len);
                let base = costs.call.saturating_add(costs.storage_write);
                let per_byte = costs.per_byte.saturating_add(costs.storage_write_per_byte);
                charge(&mut caller, cost(base, per_byte, bytes))?;
                let key = read(&caller, "storage_set", key_ptr, key_len)?;
                let value = read(&caller, "storage_set", value_ptr, value_len)?;
                caller.data_mut().host.get().storage_set(&key, &value);
                Ok(())
            },
        )
        .map_err(link_error("storage_set"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "storage_remove",
            |mut caller: Ctx<'_>, key_ptr: i32, key_len: i32| -> HostResult<()> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let key_len = unsigned(key_len);
                limit(key_len, config.max_key_len, |len, max| {
                    HostLimit::KeyTooLong { len, max }
                })?;
                let base = costs.call.saturating_add(costs.storage_write);
                charge(&mut caller, cost(base, costs.per_byte, u64::from(key_len)))?;
                let key = read(&caller, "storage_remove", key_ptr, key_len)?;
                caller.data_mut().host.get().storage_remove(&key);
                Ok(())
            },
        )
        .map_err(link_error("storage_remove"))?;

    define_context_writer(linker, "caller", ACCOUNT_ID_LEN, |data| {
        data.host.get().caller().to_vec()
    })?;
    define_context_writer(linker, "address", ACCOUNT_ID_LEN, |data| {
        data.host.get().address().to_vec()
    })?;
    define_context_writer(linker, "value_transferred", BALANCE_LEN, |data| {
        data.host.get().value_transferred().to_le_bytes().to_vec()
    })?;
    define_context_writer(linker, "balance", BALANCE_LEN, |data| {
        data.host.get().balance().to_le_bytes().to_vec()
    })?;

    linker
        .func_wrap(
            ABI_MODULE,
            "transfer",
            |mut caller: Ctx<'_>, to_ptr: i32, amount_ptr: i32| -> HostResult<i32> {
                let costs = caller.data().config.host_costs;
                let base = costs.call.saturating_add(costs.transfer);
                let bytes = u64::from(ACCOUNT_ID_LEN + BALANCE_LEN);
                charge(&mut caller, cost(base, costs.per_byte, bytes))?;
                let to: [u8; 32] = read_array(&caller, "transfer", to_ptr)?;
                let amount = u128::from_le_bytes(read_array(&caller, "transfer", amount_ptr)?);
                match caller.data_mut().host.get().transfer(&to, amount) {
                    Ok(()) => Ok(TRANSFER_OK),
                    Err(error) => {
                        tracing::trace!(target: LOG_TARGET, %error, amount, "transfer refused");
                        Ok(TRANSFER_REFUSED)
                    }
                }
            },
        )
        .map_err(link_error("transfer"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "emit_event",
            |mut caller: Ctx<'_>,
             topics_ptr: i32,
             topic_count: i32,
             data_ptr: i32,
             data_len: i32|
             -> HostResult<()> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let (topic_count, data_len) = (unsigned(topic_count), unsigned(data_len));
                limit(topic_count, config.max_event_topics, |count, max| {
                    HostLimit::TooManyTopics { count, max }
                })?;
                limit(data_len, config.max_event_data_len, |len, max| {
                    HostLimit::EventDataTooLong { len, max }
                })?;
                // Bounded by the limits above: no overflow.
                let topic_bytes = topic_count.saturating_mul(TOPIC_LEN);
                let base = cost(
                    costs.call.saturating_add(costs.event),
                    costs.event_per_topic,
                    u64::from(topic_count),
                );
                charge(
                    &mut caller,
                    cost(
                        base,
                        costs.per_byte,
                        u64::from(topic_bytes) + u64::from(data_len),
                    ),
                )?;
                let raw_topics = read(&caller, "emit_event", topics_ptr, topic_bytes)?;
                let topics: Vec<Topic> = raw_topics
                    .chunks_exact(TOPIC_LEN as usize)
                    .filter_map(|chunk| Topic::try_from(chunk).ok())
                    .collect();
                let data = read(&caller, "emit_event", data_ptr, data_len)?;
                caller.data_mut().host.get().deposit_event(topics, data);
                Ok(())
            },
        )
        .map_err(link_error("emit_event"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "block_number",
            |mut caller: Ctx<'_>| -> HostResult<i64> {
                let costs = caller.data().config.host_costs;
                charge(&mut caller, costs.call.saturating_add(costs.context))?;
                // Unsigned on the host; the contract reads the same 64 bits as `u64`.
                Ok(caller.data_mut().host.get().block_number() as i64)
            },
        )
        .map_err(link_error("block_number"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "timestamp",
            |mut caller: Ctx<'_>| -> HostResult<i64> {
                let costs = caller.data().config.host_costs;
                charge(&mut caller, costs.call.saturating_add(costs.context))?;
                Ok(caller.data_mut().host.get().timestamp() as i64)
            },
        )
        .map_err(link_error("timestamp"))?;

    define_hash(linker, "hash_blake2_256", sp_crypto_hashing::blake2_256)?;
    define_hash(linker, "hash_keccak_256", sp_crypto_hashing::keccak_256)?;

    linker
        .func_wrap(
            ABI_MODULE,
            "call",
            |mut caller: Ctx<'_>,
             callee_ptr: i32,
             value_ptr: i32,
             gas_limit: i64,
             input_ptr: i32,
             input_len: i32|
             -> HostResult<i32> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let input_len = unsigned(input_len);
                limit(input_len, config.max_io_len, |len, max| {
                    HostLimit::IoTooLong { len, max }
                })?;
                let base = costs.call.saturating_add(costs.nested_call);
                let bytes = u64::from(ACCOUNT_ID_LEN + BALANCE_LEN) + u64::from(input_len);
                charge(&mut caller, cost(base, costs.per_byte, bytes))?;
                let callee: [u8; 32] = read_array(&caller, "call", callee_ptr)?;
                let value = u128::from_le_bytes(read_array(&caller, "call", value_ptr)?);
                let input = read(&caller, "call", input_ptr, input_len)?;
                caller.data_mut().return_data.clear();

                let depth = caller.data().depth;
                if depth >= config.max_call_depth {
                    tracing::trace!(target: LOG_TARGET, depth, "nested call refused: depth limit");
                    return Ok(CALL_FAILED);
                }
                let remaining = caller.get_fuel()?;
                // Read as unsigned: 0 (and anything above what is left) means all that is left.
                let fuel_limit = match gas_limit as u64 {
                    0 => remaining,
                    asked => asked.min(remaining),
                };
                let request = CallRequest {
                    callee,
                    value,
                    fuel_limit,
                    input: &input,
                    depth: depth + 1,
                };
                let outcome = caller.data_mut().host.get().call(request);
                let used = outcome.fuel_used.min(fuel_limit);
                caller.set_fuel(remaining - used)?;
                let (status, return_data) = match outcome.result {
                    ExecResult::Returned(output) => (CALL_RETURNED, output),
                    ExecResult::Reverted(output) => (CALL_REVERTED, output),
                    ExecResult::Trapped(reason) => {
                        tracing::trace!(target: LOG_TARGET, %reason, "nested call failed");
                        (CALL_FAILED, Vec::new())
                    }
                };
                caller.data_mut().return_data = return_data;
                Ok(status)
            },
        )
        .map_err(link_error("call"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "return_data_len",
            |mut caller: Ctx<'_>| -> HostResult<i32> {
                let costs = caller.data().config.host_costs;
                charge(&mut caller, costs.call)?;
                Ok(len_i32(caller.data().return_data.len()))
            },
        )
        .map_err(link_error("return_data_len"))?;

    linker
        .func_wrap(
            ABI_MODULE,
            "return_data_read",
            |mut caller: Ctx<'_>, out: i32| -> HostResult<()> {
                let costs = caller.data().config.host_costs;
                let len = caller.data().return_data.len() as u64;
                charge(&mut caller, cost(costs.call, costs.per_byte, len))?;
                write_from_store(&mut caller, "return_data_read", out, |data| {
                    &data.return_data
                })
            },
        )
        .map_err(link_error("return_data_read"))?;

    define_halt(linker, "finish", HostTrap::Finish)?;
    define_halt(linker, "revert", HostTrap::Revert)?;
    Ok(())
}

/// A context getter that writes `len` bytes produced by `value` at its one pointer argument.
fn define_context_writer(
    linker: &mut Linker<StoreData>,
    name: &'static str,
    len: u32,
    value: fn(&mut StoreData) -> Vec<u8>,
) -> Result<(), VmError> {
    linker
        .func_wrap(
            ABI_MODULE,
            name,
            move |mut caller: Ctx<'_>, out: i32| -> HostResult<()> {
                let costs = caller.data().config.host_costs;
                let base = costs.call.saturating_add(costs.context);
                charge(&mut caller, cost(base, costs.per_byte, u64::from(len)))?;
                // Check the target before asking the host.
                let size = memory(&caller)?.data_size(&caller);
                if region(size, unsigned(out), len).is_none() {
                    return Err(out_of_bounds(name, unsigned(out), len));
                }
                let bytes = value(caller.data_mut());
                write(&mut caller, name, out, &bytes)
            },
        )
        .map_err(link_error(name))?;
    Ok(())
}

/// A 32-byte hash of a memory region, written at the output pointer.
fn define_hash(
    linker: &mut Linker<StoreData>,
    name: &'static str,
    hash: fn(&[u8]) -> [u8; 32],
) -> Result<(), VmError> {
    linker
        .func_wrap(
            ABI_MODULE,
            name,
            move |mut caller: Ctx<'_>, in_ptr: i32, in_len: i32, out: i32| -> HostResult<()> {
                let costs = caller.data().config.host_costs;
                let in_len = unsigned(in_len);
                let base = cost(
                    costs.call.saturating_add(costs.hash),
                    costs.per_byte,
                    u64::from(HASH_LEN),
                );
                let per_byte = costs.per_byte.saturating_add(costs.hash_per_byte);
                charge(&mut caller, cost(base, per_byte, u64::from(in_len)))?;
                let input = read(&caller, name, in_ptr, in_len)?;
                write(&mut caller, name, out, &hash(&input))
            },
        )
        .map_err(link_error(name))?;
    Ok(())
}

/// `finish` / `revert`: keeps the output and ends the execution with `halt`.
fn define_halt(
    linker: &mut Linker<StoreData>,
    name: &'static str,
    halt: HostTrap,
) -> Result<(), VmError> {
    let finish = matches!(halt, HostTrap::Finish);
    linker
        .func_wrap(
            ABI_MODULE,
            name,
            move |mut caller: Ctx<'_>, data_ptr: i32, data_len: i32| -> HostResult<()> {
                let config = caller.data().config.clone();
                let costs = config.host_costs;
                let data_len = unsigned(data_len);
                limit(data_len, config.max_io_len, |len, max| {
                    HostLimit::IoTooLong { len, max }
                })?;
                charge(
                    &mut caller,
                    cost(costs.call, costs.per_byte, u64::from(data_len)),
                )?;
                caller.data_mut().output = read(&caller, name, data_ptr, data_len)?;
                Err(wasmtime::Error::new(if finish {
                    HostTrap::Finish
                } else {
                    HostTrap::Revert
                }))
            },
        )
        .map_err(link_error(name))?;
    Ok(())
}
