/*
 * An escrow (C): a depositor locks value for a beneficiary; an arbiter either releases it to
 * the beneficiary or refunds it to the depositor. Any number of deals, numbered from 0.
 *
 *   deploy()
 *   0x01 deposit(beneficiary, arbiter) + value -> id: u64    Deposited(depositor, beneficiary, arbiter)
 *   0x02 release(id: u64)   arbiter only: value -> beneficiary     Released(beneficiary)
 *   0x03 refund(id: u64)    arbiter only: value -> depositor       Refunded(depositor)
 *   0x04 deal(id: u64) -> depositor ++ beneficiary ++ arbiter ++ amount (112 bytes)
 *
 * Event data: id (8 bytes LE) ++ amount (16 bytes LE). See ../README.md.
 */
#include "wcme.h"

enum {
    ERR_INPUT = 1,
    ERR_SELECTOR = 2,
    ERR_NOT_ARBITER = 6, /* only the deal's arbiter may release or refund */
    ERR_NO_DEAL = 7,     /* no open deal with this id */
    ERR_NO_VALUE = 8,    /* deposit without value */
    ERR_TRANSFER = 9,    /* the host refused the payout */
};

enum {
    SEL_DEPOSIT = 0x01,
    SEL_RELEASE = 0x02,
    SEL_REFUND = 0x03,
    SEL_DEAL = 0x04,
};

/* Stored under 'D' ++ id (u64 LE); 112 bytes, no padding. */
typedef struct {
    wcme_account depositor;
    wcme_account beneficiary;
    wcme_account arbiter;
    uint8_t amount[16];
} deal_t;
_Static_assert(sizeof(deal_t) == 112, "deal layout");

static const uint8_t NEXT_ID_KEY[1] = {'N'};
static uint8_t input[1 + 32 + 32];

static uint32_t deal_key(uint8_t key[9], uint64_t id) {
    uint8_t le[8];
    wcme_write_u64(le, id);
    return wcme_key(key, 'D', le, 8, NULL, 0);
}

/* Loads the deal with the id in the input (9 bytes: selector ++ id), reverting if absent. */
static uint64_t load_deal(uint32_t len, deal_t *deal) {
    wcme_require(len == 1 + 8, ERR_INPUT);
    uint64_t id = wcme_read_u64(input + 1);
    uint8_t key[9];
    wcme_require(wcme_get(key, deal_key(key, id), deal, sizeof *deal), ERR_NO_DEAL);
    return id;
}

/* Closes the deal: only the arbiter; pays `to` and emits `event(to)`. */
static void settle(uint64_t id, const deal_t *deal, const wcme_account *to, const char *event) {
    wcme_account caller = wcme_caller_account();
    wcme_require(wcme_account_eq(&caller, &deal->arbiter), ERR_NOT_ARBITER);
    uint8_t key[9];
    wcme_remove(key, deal_key(key, id));
    wcme_require(wcme_transfer(to, deal->amount) == WCME_TRANSFER_OK, ERR_TRANSFER);
    wcme_topic topics[2] = {wcme_topic_name(event), wcme_topic_account(to)};
    uint8_t data[24];
    wcme_write_u64(data, id);
    memcpy(data + 8, deal->amount, 16);
    wcme_emit(topics, 2, data, sizeof data);
}

WCME_EXPORT(deploy) void deploy(void) {
    wcme_require(wcme_input_len() == 0, ERR_INPUT);
}

WCME_EXPORT(call) void call(void) {
    uint32_t len = wcme_input(input, sizeof input);
    wcme_require(len >= 1, ERR_INPUT);
    deal_t deal;
    switch (input[0]) {
    case SEL_DEPOSIT: {
        wcme_require(len == 1 + 32 + 32, ERR_INPUT);
        wcme_u128 amount = wcme_value();
        wcme_require(amount > 0, ERR_NO_VALUE);
        deal.depositor = wcme_caller_account();
        deal.beneficiary = wcme_read_account(input + 1);
        deal.arbiter = wcme_read_account(input + 33);
        wcme_write_u128(deal.amount, amount);
        uint64_t id = wcme_get_u64(NEXT_ID_KEY, 1);
        wcme_set_u64(NEXT_ID_KEY, 1, id + 1);
        uint8_t key[9];
        wcme_set(key, deal_key(key, id), &deal, sizeof deal);
        wcme_topic topics[4] = {
            wcme_topic_name("Deposited"),
            wcme_topic_account(&deal.depositor),
            wcme_topic_account(&deal.beneficiary),
            wcme_topic_account(&deal.arbiter),
        };
        uint8_t data[24];
        wcme_write_u64(data, id);
        memcpy(data + 8, deal.amount, 16);
        wcme_emit(topics, 4, data, sizeof data);
        wcme_finish_u64(id);
    }
    case SEL_RELEASE: {
        uint64_t id = load_deal(len, &deal);
        settle(id, &deal, &deal.beneficiary, "Released");
        return;
    }
    case SEL_REFUND: {
        uint64_t id = load_deal(len, &deal);
        settle(id, &deal, &deal.depositor, "Refunded");
        return;
    }
    case SEL_DEAL:
        load_deal(len, &deal);
        wcme_finish(&deal, sizeof deal);
    default:
        wcme_revert_code(ERR_SELECTOR);
    }
}
