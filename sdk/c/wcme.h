/*
 * wcme.h — the WCME contract SDK for C: host ABI version 1 (import module `wcme_v1`, described in
 * docs/vm.md) with C types, and small helpers over it.
 *
 * Freestanding: no libc. Build with sdk/c/build.sh, which compiles with
 * `clang --target=wasm32 -mcpu=mvp -mbulk-memory -msign-ext -mmutable-globals -ffreestanding`
 * and links this SDK's wcme.c (memcpy, memset, memmove, memcmp, bcmp and the helpers below).
 *
 * A contract defines the two entry points:
 *
 *     #include "wcme.h"
 *     WCME_EXPORT(deploy) void deploy(void) { ... }
 *     WCME_EXPORT(call) void call(void) { ... }
 *
 * Rules of the VM to keep in mind: no `float`/`double` (the module is rejected), data + stack
 * within 16 pages (1 MiB; build.sh sets a 64 KiB stack), and multiplication, division and
 * variable shifts of `wcme_u128` need compiler-rt routines that are not linked: use addition,
 * subtraction and comparison only (the checked helpers below), or split into two u64.
 */
#ifndef WCME_H
#define WCME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The VM rejects any module that uses floats: make `float` and `double` a compile error
 * (define WCME_ALLOW_FLOAT_KEYWORDS before including this header to opt out). */
#ifndef WCME_ALLOW_FLOAT_KEYWORDS
#pragma GCC poison float double
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(__wasm32__)
#error "wcme.h is for wasm32 contracts: build with sdk/c/build.sh (clang --target=wasm32)"
#endif

/* ---- Types ------------------------------------------------------------------------------- */

/** A balance or token amount: the chain's u128, 16 little-endian bytes in memory. */
typedef unsigned __int128 wcme_u128;

/** A 32-byte account id (a user or a contract). */
typedef struct {
    uint8_t bytes[32];
} wcme_account;

/** A 32-byte event topic. */
typedef struct {
    uint8_t bytes[32];
} wcme_topic;

/** A 32-byte hash. */
typedef struct {
    uint8_t bytes[32];
} wcme_hash;

#define WCME_ACCOUNT_LEN 32u
#define WCME_BALANCE_LEN 16u
#define WCME_TOPIC_LEN 32u
#define WCME_MAX_TOPICS 4u
#define WCME_MAX_KEY_LEN 128u
#define WCME_MAX_VALUE_LEN 16384u
#define WCME_MAX_IO_LEN 65536u

/** `storage_get`: the key is absent. */
#define WCME_STORAGE_ABSENT (-1)
/** `transfer`: done / refused by the host. */
#define WCME_TRANSFER_OK 0
#define WCME_TRANSFER_REFUSED 1
/** `call`: the callee returned / reverted / trapped or could not be called. */
#define WCME_CALL_RETURNED 0
#define WCME_CALL_REVERTED 1
#define WCME_CALL_FAILED 2

/** Marks an entry point: `WCME_EXPORT(call) void call(void) { ... }`. */
#define WCME_EXPORT(name) __attribute__((export_name(#name), visibility("default")))

/* ---- Host ABI version 1 (the raw imports) ------------------------------------------------- */
/*
 * Every pointer is an offset in the contract's memory (wasm32 pointers are i32), every length
 * an unsigned 32-bit value. A region outside the memory traps; see docs/vm.md for limits and
 * fuel costs.
 */

#define WCME_IMPORT(name) __attribute__((import_module("wcme_v1"), import_name(#name)))

/** Length of this call's input. */
WCME_IMPORT(input_len) int32_t wcme_input_len(void);
/** Copies the whole input (`wcme_input_len()` bytes) to `out`. */
WCME_IMPORT(input_read) void wcme_input_read(void *out);
/** The value's full length, or -1 if absent; copies min(length, out_cap) bytes to `out`. */
WCME_IMPORT(storage_get)
int32_t wcme_storage_get(const void *key, uint32_t key_len, void *out, uint32_t out_cap);
WCME_IMPORT(storage_set)
void wcme_storage_set(const void *key, uint32_t key_len, const void *value, uint32_t value_len);
WCME_IMPORT(storage_remove) void wcme_storage_remove(const void *key, uint32_t key_len);
/** Writes the 32-byte account that called this frame. */
WCME_IMPORT(caller) void wcme_caller(wcme_account *out);
/** Writes this contract's own 32-byte account. */
WCME_IMPORT(address) void wcme_address(wcme_account *out);
/** Writes the 16-byte value transferred with this call. */
WCME_IMPORT(value_transferred) void wcme_value_transferred(void *out);
/** Writes this contract's own free balance (16 bytes). */
WCME_IMPORT(balance) void wcme_balance(void *out);
/** Moves the 16-byte amount at `amount` to `to`: 0 done, 1 refused (nothing changed). */
WCME_IMPORT(transfer) int32_t wcme_transfer(const wcme_account *to, const void *amount);
/** Deposits an event: `topic_count` (≤ 4) topics of 32 bytes, and the data. */
WCME_IMPORT(emit_event)
void wcme_emit_event(const wcme_topic *topics, uint32_t topic_count, const void *data,
                     uint32_t data_len);
WCME_IMPORT(block_number) uint64_t wcme_block_number(void);
/** Milliseconds since the Unix epoch. */
WCME_IMPORT(timestamp) uint64_t wcme_timestamp(void);
WCME_IMPORT(hash_blake2_256) void wcme_hash_blake2_256(const void *in, uint32_t in_len, wcme_hash *out);
WCME_IMPORT(hash_keccak_256) void wcme_hash_keccak_256(const void *in, uint32_t in_len, wcme_hash *out);
/**
 * Calls the `call` entry of `callee` with the 16-byte `value` and the input; `gas_limit` 0 means
 * all the fuel left. Returns WCME_CALL_RETURNED, WCME_CALL_REVERTED or WCME_CALL_FAILED; the
 * callee's output (or revert data) is then the return data.
 */
WCME_IMPORT(call)
int32_t wcme_call(const wcme_account *callee, const void *value, uint64_t gas_limit,
                  const void *input, uint32_t input_len);
WCME_IMPORT(return_data_len) int32_t wcme_return_data_len(void);
WCME_IMPORT(return_data_read) void wcme_return_data_read(void *out);
/** Ends the execution successfully with `data` as output. */
WCME_IMPORT(finish) _Noreturn void wcme_finish(const void *data, uint32_t data_len);
/** Ends the execution as reverted with `data` as output; the frame's changes are discarded. */
WCME_IMPORT(revert) _Noreturn void wcme_revert(const void *data, uint32_t data_len);

/* ---- Memory (defined in wcme.c; clang may also call them for struct copies) ---------------- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- Little-endian codecs (wasm memory is little-endian) ---------------------------------- */

static inline wcme_u128 wcme_read_u128(const void *p) {
    wcme_u128 v;
    __builtin_memcpy(&v, p, 16);
    return v;
}
static inline void wcme_write_u128(void *p, wcme_u128 v) { __builtin_memcpy(p, &v, 16); }
static inline uint64_t wcme_read_u64(const void *p) {
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}
static inline void wcme_write_u64(void *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }
static inline wcme_account wcme_read_account(const void *p) {
    wcme_account a;
    __builtin_memcpy(&a, p, 32);
    return a;
}
static inline bool wcme_account_eq(const wcme_account *a, const wcme_account *b) {
    return memcmp(a->bytes, b->bytes, 32) == 0;
}

/** `*out = a + b`; false (and `*out` unspecified) on overflow. */
static inline bool wcme_add_u128(wcme_u128 a, wcme_u128 b, wcme_u128 *out) {
    *out = a + b;
    return *out >= a;
}
/** `*out = a - b`; false when `b > a`. */
static inline bool wcme_sub_u128(wcme_u128 a, wcme_u128 b, wcme_u128 *out) {
    *out = a - b;
    return b <= a;
}

/* ---- Ending the execution ------------------------------------------------------------------ */

/** Reverts with one byte of revert data: the contract's error code. */
_Noreturn void wcme_revert_code(uint8_t code);
/** Reverts with `code` unless `condition` holds. */
static inline void wcme_require(bool condition, uint8_t code) {
    if (!condition) wcme_revert_code(code);
}
/** Finishes with the 16 little-endian bytes of `value`. */
_Noreturn void wcme_finish_u128(wcme_u128 value);
/** Finishes with the 8 little-endian bytes of `value`. */
_Noreturn void wcme_finish_u64(uint64_t value);

/* ---- Input --------------------------------------------------------------------------------- */

/** The revert code of the helpers below for input that is too long. */
#define WCME_ERR_INPUT_TOO_LONG 0xff

/** Reads the whole input into `buf` and returns its length; reverts with
 *  WCME_ERR_INPUT_TOO_LONG if it is longer than `cap`. */
uint32_t wcme_input(void *buf, uint32_t cap);

/* ---- Context ------------------------------------------------------------------------------- */

wcme_account wcme_caller_account(void);
wcme_account wcme_self_account(void);
/** The value transferred with this call. */
wcme_u128 wcme_value(void);
/** This contract's free balance. */
wcme_u128 wcme_self_balance(void);
/** Transfers `amount` from this contract to `to`; false if the host refused. */
bool wcme_transfer_u128(const wcme_account *to, wcme_u128 amount);

/* ---- Storage of fixed-size values ---------------------------------------------------------- */

/** Reads the value of `key` into `out` (`size` bytes; a longer value is cut, a shorter one
 *  zero-padded). Returns false, with `out` zeroed, if the key is absent. */
bool wcme_get(const void *key, uint32_t key_len, void *out, uint32_t size);
static inline void wcme_set(const void *key, uint32_t key_len, const void *value, uint32_t size) {
    wcme_storage_set(key, key_len, value, size);
}
static inline void wcme_remove(const void *key, uint32_t key_len) { wcme_storage_remove(key, key_len); }
/** The u128 stored under `key`, 0 if absent. */
wcme_u128 wcme_get_u128(const void *key, uint32_t key_len);
void wcme_set_u128(const void *key, uint32_t key_len, wcme_u128 value);
/** The u64 stored under `key`, 0 if absent. */
uint64_t wcme_get_u64(const void *key, uint32_t key_len);
void wcme_set_u64(const void *key, uint32_t key_len, uint64_t value);

/**
 * Builds a storage key `prefix ++ a ++ b` into `out` (room for 1 + a_len + b_len bytes; pass
 * b = NULL, b_len = 0 for one part) and returns its length. E.g. a balance map key:
 * `wcme_key(key, 'B', &account, 32, NULL, 0)`.
 */
uint32_t wcme_key(uint8_t *out, uint8_t prefix, const void *a, uint32_t a_len, const void *b,
                  uint32_t b_len);

/* ---- Events -------------------------------------------------------------------------------- */

/** A topic holding `name` (ASCII, at most 32 bytes) zero-padded to 32 bytes: the event
 *  signature convention of the examples (e.g. "Transfer"). */
wcme_topic wcme_topic_name(const char *name);
/** A topic holding an account id. */
static inline wcme_topic wcme_topic_account(const wcme_account *account) {
    wcme_topic t;
    __builtin_memcpy(t.bytes, account->bytes, 32);
    return t;
}
static inline void wcme_emit(const wcme_topic *topics, uint32_t topic_count, const void *data,
                             uint32_t data_len) {
    wcme_emit_event(topics, topic_count, data, data_len);
}

/* ---- Calling another contract -------------------------------------------------------------- */

/** Calls `callee` with `value` and the input, with at most `gas_limit` fuel (0: all left).
 *  Returns WCME_CALL_RETURNED, WCME_CALL_REVERTED or WCME_CALL_FAILED. */
int32_t wcme_call_contract(const wcme_account *callee, wcme_u128 value, uint64_t gas_limit,
                           const void *input, uint32_t input_len);
/** Copies the return data of the last call to `out` and returns its length; reverts with
 *  WCME_ERR_INPUT_TOO_LONG if it is longer than `cap`. */
uint32_t wcme_return_data(void *out, uint32_t cap);

#ifdef __cplusplus
}
#endif

#endif /* WCME_H */
