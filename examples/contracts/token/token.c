/*
 * A fungible token (C). The AssemblyScript twin, token.ts, behaves byte for byte the same:
 * same input format, output, revert codes, storage keys and events (see ../README.md).
 *
 *   deploy(initial_supply: u128)                 mints the supply to the deployer
 *   0x01 total_supply() -> u128
 *   0x02 balance_of(account) -> u128
 *   0x03 transfer(to, amount)                     Transfer(caller, to, amount)
 *   0x04 approve(spender, amount)                 Approval(caller, spender, amount)
 *   0x05 allowance(owner, spender) -> u128
 *   0x06 transfer_from(from, to, amount)          Transfer(from, to, amount); spends allowance
 */
#include "wcme.h"

enum {
    ERR_INPUT = 1,         /* wrong input length */
    ERR_SELECTOR = 2,      /* unknown selector */
    ERR_BALANCE = 3,       /* insufficient balance */
    ERR_ALLOWANCE = 4,     /* insufficient allowance */
    ERR_OVERFLOW = 5,      /* a balance would overflow u128 */
};

enum {
    SEL_TOTAL_SUPPLY = 0x01,
    SEL_BALANCE_OF = 0x02,
    SEL_TRANSFER = 0x03,
    SEL_APPROVE = 0x04,
    SEL_ALLOWANCE = 0x05,
    SEL_TRANSFER_FROM = 0x06,
};

static uint8_t input[1 + 32 + 32 + 16];
static const uint8_t SUPPLY_KEY[1] = {'S'};

static wcme_u128 balance_of(const wcme_account *account) {
    uint8_t key[33];
    return wcme_get_u128(key, wcme_key(key, 'B', account, 32, NULL, 0));
}

static void set_balance(const wcme_account *account, wcme_u128 value) {
    uint8_t key[33];
    wcme_set_u128(key, wcme_key(key, 'B', account, 32, NULL, 0), value);
}

static wcme_u128 allowance(const wcme_account *owner, const wcme_account *spender) {
    uint8_t key[65];
    return wcme_get_u128(key, wcme_key(key, 'A', owner, 32, spender, 32));
}

static void set_allowance(const wcme_account *owner, const wcme_account *spender, wcme_u128 value) {
    uint8_t key[65];
    wcme_set_u128(key, wcme_key(key, 'A', owner, 32, spender, 32), value);
}

/* Event: topics [name, a, b], data = amount (16 bytes LE). */
static void emit3(const char *name, const wcme_account *a, const wcme_account *b, wcme_u128 amount) {
    wcme_topic topics[3] = {wcme_topic_name(name), wcme_topic_account(a), wcme_topic_account(b)};
    uint8_t data[16];
    wcme_write_u128(data, amount);
    wcme_emit(topics, 3, data, 16);
}

/* Moves `amount` from `from` to `to` (the same account is fine) and emits Transfer. */
static void move(const wcme_account *from, const wcme_account *to, wcme_u128 amount) {
    wcme_u128 from_balance, to_balance;
    wcme_require(wcme_sub_u128(balance_of(from), amount, &from_balance), ERR_BALANCE);
    set_balance(from, from_balance);
    wcme_require(wcme_add_u128(balance_of(to), amount, &to_balance), ERR_OVERFLOW);
    set_balance(to, to_balance);
    emit3("Transfer", from, to, amount);
}

WCME_EXPORT(deploy) void deploy(void) {
    wcme_require(wcme_input(input, sizeof input) == 16, ERR_INPUT);
    wcme_u128 supply = wcme_read_u128(input);
    wcme_account deployer = wcme_caller_account();
    wcme_account zero = {{0}};
    wcme_set_u128(SUPPLY_KEY, 1, supply);
    set_balance(&deployer, supply);
    emit3("Transfer", &zero, &deployer, supply);
}

WCME_EXPORT(call) void call(void) {
    uint32_t len = wcme_input(input, sizeof input);
    wcme_require(len >= 1, ERR_INPUT);
    const uint8_t *args = input + 1;
    switch (input[0]) {
    case SEL_TOTAL_SUPPLY:
        wcme_require(len == 1, ERR_INPUT);
        wcme_finish_u128(wcme_get_u128(SUPPLY_KEY, 1));
    case SEL_BALANCE_OF: {
        wcme_require(len == 1 + 32, ERR_INPUT);
        wcme_account account = wcme_read_account(args);
        wcme_finish_u128(balance_of(&account));
    }
    case SEL_TRANSFER: {
        wcme_require(len == 1 + 32 + 16, ERR_INPUT);
        wcme_account from = wcme_caller_account();
        wcme_account to = wcme_read_account(args);
        move(&from, &to, wcme_read_u128(args + 32));
        return;
    }
    case SEL_APPROVE: {
        wcme_require(len == 1 + 32 + 16, ERR_INPUT);
        wcme_account owner = wcme_caller_account();
        wcme_account spender = wcme_read_account(args);
        wcme_u128 amount = wcme_read_u128(args + 32);
        set_allowance(&owner, &spender, amount);
        emit3("Approval", &owner, &spender, amount);
        return;
    }
    case SEL_ALLOWANCE: {
        wcme_require(len == 1 + 32 + 32, ERR_INPUT);
        wcme_account owner = wcme_read_account(args);
        wcme_account spender = wcme_read_account(args + 32);
        wcme_finish_u128(allowance(&owner, &spender));
    }
    case SEL_TRANSFER_FROM: {
        wcme_require(len == 1 + 32 + 32 + 16, ERR_INPUT);
        wcme_account spender = wcme_caller_account();
        wcme_account from = wcme_read_account(args);
        wcme_account to = wcme_read_account(args + 32);
        wcme_u128 amount = wcme_read_u128(args + 64);
        wcme_u128 left;
        wcme_require(wcme_sub_u128(allowance(&from, &spender), amount, &left), ERR_ALLOWANCE);
        set_allowance(&from, &spender, left);
        move(&from, &to, amount);
        return;
    }
    default:
        wcme_revert_code(ERR_SELECTOR);
    }
}
