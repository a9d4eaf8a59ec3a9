/*
 * wcme.c — the non-inline part of the WCME C SDK (see wcme.h): the memory functions clang may
 * call in a freestanding module, and the helpers over host ABI version 1.
 *
 * Built with `-mbulk-memory`, so memcpy/memmove/memset compile to the `memory.copy` and
 * `memory.fill` instructions (1 fuel per byte) instead of calling themselves.
 */
#include "wcme.h"

/* ---- Memory -------------------------------------------------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n) {
    __builtin_memcpy(dst, src, n); /* memory.copy */
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    __builtin_memmove(dst, src, n); /* memory.copy handles overlap */
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    __builtin_memset(dst, c, n); /* memory.fill */
    return dst;
}

/* no_builtin: keep these loops loops (never turned back into a call to memcmp/bcmp). */
__attribute__((no_builtin)) int memcmp(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return (int)x[i] - (int)y[i];
    }
    return 0;
}

/* LLVM may turn `memcmp(...) == 0` into a call to bcmp. */
__attribute__((no_builtin)) int bcmp(const void *a, const void *b, size_t n) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return 1;
    }
    return 0;
}

/* ---- Ending the execution ------------------------------------------------------------------ */

_Noreturn void wcme_revert_code(uint8_t code) { wcme_revert(&code, 1); }

_Noreturn void wcme_finish_u128(wcme_u128 value) {
    uint8_t out[16];
    wcme_write_u128(out, value);
    wcme_finish(out, 16);
}

_Noreturn void wcme_finish_u64(uint64_t value) {
    uint8_t out[8];
    wcme_write_u64(out, value);
    wcme_finish(out, 8);
}

/* ---- Input --------------------------------------------------------------------------------- */

uint32_t wcme_input(void *buf, uint32_t cap) {
    uint32_t len = (uint32_t)wcme_input_len();
    if (len > cap) wcme_revert_code(WCME_ERR_INPUT_TOO_LONG);
    wcme_input_read(buf);
    return len;
}

/* ---- Context ------------------------------------------------------------------------------- */

wcme_account wcme_caller_account(void) {
    wcme_account a;
    wcme_caller(&a);
    return a;
}

wcme_account wcme_self_account(void) {
    wcme_account a;
    wcme_address(&a);
    return a;
}

wcme_u128 wcme_value(void) {
    uint8_t buf[16];
    wcme_value_transferred(buf);
    return wcme_read_u128(buf);
}

wcme_u128 wcme_self_balance(void) {
    uint8_t buf[16];
    wcme_balance(buf);
    return wcme_read_u128(buf);
}

bool wcme_transfer_u128(const wcme_account *to, wcme_u128 amount) {
    uint8_t buf[16];
    wcme_write_u128(buf, amount);
    return wcme_transfer(to, buf) == WCME_TRANSFER_OK;
}

/* ---- Storage ------------------------------------------------------------------------------- */

bool wcme_get(const void *key, uint32_t key_len, void *out, uint32_t size) {
    int32_t len = wcme_storage_get(key, key_len, out, size);
    if (len == WCME_STORAGE_ABSENT) {
        memset(out, 0, size);
        return false;
    }
    if ((uint32_t)len < size) memset((uint8_t *)out + len, 0, size - (uint32_t)len);
    return true;
}

wcme_u128 wcme_get_u128(const void *key, uint32_t key_len) {
    uint8_t buf[16];
    wcme_get(key, key_len, buf, 16);
    return wcme_read_u128(buf);
}

void wcme_set_u128(const void *key, uint32_t key_len, wcme_u128 value) {
    uint8_t buf[16];
    wcme_write_u128(buf, value);
    wcme_storage_set(key, key_len, buf, 16);
}

uint64_t wcme_get_u64(const void *key, uint32_t key_len) {
    uint8_t buf[8];
    wcme_get(key, key_len, buf, 8);
    return wcme_read_u64(buf);
}

void wcme_set_u64(const void *key, uint32_t key_len, uint64_t value) {
    uint8_t buf[8];
    wcme_write_u64(buf, value);
    wcme_storage_set(key, key_len, buf, 8);
}

uint32_t wcme_key(uint8_t *out, uint8_t prefix, const void *a, uint32_t a_len, const void *b,
                  uint32_t b_len) {
    out[0] = prefix;
    memcpy(out + 1, a, a_len);
    if (b_len) memcpy(out + 1 + a_len, b, b_len);
    return 1 + a_len + b_len;
}

/* ---- Events -------------------------------------------------------------------------------- */

wcme_topic wcme_topic_name(const char *name) {
    wcme_topic t;
    memset(t.bytes, 0, 32);
    for (uint32_t i = 0; i < 32 && name[i]; i++) t.bytes[i] = (uint8_t)name[i];
    return t;
}

/* ---- Calling another contract -------------------------------------------------------------- */

int32_t wcme_call_contract(const wcme_account *callee, wcme_u128 value, uint64_t gas_limit,
                           const void *input, uint32_t input_len) {
    uint8_t buf[16];
    wcme_write_u128(buf, value);
    return wcme_call(callee, buf, gas_limit, input, input_len);
}

uint32_t wcme_return_data(void *out, uint32_t cap) {
    uint32_t len = (uint32_t)wcme_return_data_len();
    if (len > cap) wcme_revert_code(WCME_ERR_INPUT_TOO_LONG);
    wcme_return_data_read(out);
    return len;
}
