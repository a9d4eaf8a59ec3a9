// A contract that calls another (AssemblyScript): a front end to a token contract (token.c or
// token.ts) deployed elsewhere, reached through the `call` host function.
//
//   deploy(token: account)                 remembers the token contract
//   0x01 token() -> account
//   0x02 balance_of(account) -> u128       asks the token (its balance_of) and returns the answer
//   0x03 pay(to, amount)                   token.transfer_from(caller, to, amount): moves the
//                                          caller's tokens, which the caller must have approved
//                                          this contract to spend
//
// A token call that reverts makes this call revert with the token's revert data; one that
// traps or cannot be made reverts with ERR_CALL_FAILED. See ../README.md.

import {
  Account,
  CALL_REVERTED,
  CALL_RETURNED,
  Reader,
  U128,
  Writer,
  callContract,
  finish,
  get,
  key,
  require,
  revert,
  revertCode,
  set,
} from "../../../sdk/assemblyscript/assembly/wcme";

const ERR_INPUT: u8 = 1;
const ERR_SELECTOR: u8 = 2;
const ERR_CALL_FAILED: u8 = 10; // the token trapped, ran out of fuel or could not be called

const SEL_TOKEN: u8 = 0x01;
const SEL_BALANCE_OF: u8 = 0x02;
const SEL_PAY: u8 = 0x03;

// The token's selectors (token.c / token.ts).
const TOKEN_BALANCE_OF: u8 = 0x02;
const TOKEN_TRANSFER_FROM: u8 = 0x06;

function tokenKey(): Writer {
  return key(0x54); // 'T'
}

function token(): Account {
  const ptr = heap.alloc(32);
  get(tokenKey(), ptr, 32);
  return new Account(ptr);
}

/** Calls the token with `input` (all the fuel left, no value) and returns its output. */
function callToken(input: Writer): Reader {
  const status = callContract(token(), U128.zero(), 0, input);
  const output = Reader.returnData();
  if (status == CALL_REVERTED) revert(output.ptr, output.len);
  if (status != CALL_RETURNED) revertCode(ERR_CALL_FAILED);
  return output;
}

export function deploy(): void {
  const input = Reader.input();
  require(input.len == 32, ERR_INPUT);
  set(tokenKey(), input.ptr, 32);
}

export function call(): void {
  const input = Reader.input();
  require(input.len >= 1, ERR_INPUT);
  const selector = input.u8(0);
  if (selector == SEL_TOKEN) {
    require(input.len == 1, ERR_INPUT);
    finish(token().ptr, 32);
  } else if (selector == SEL_BALANCE_OF) {
    require(input.len == 1 + 32, ERR_INPUT);
    const output = callToken(new Writer(1 + 32).u8(TOKEN_BALANCE_OF).account(input.account(1)));
    finish(output.ptr, output.len);
  } else if (selector == SEL_PAY) {
    require(input.len == 1 + 32 + 16, ERR_INPUT);
    callToken(
      new Writer(1 + 32 + 32 + 16)
        .u8(TOKEN_TRANSFER_FROM)
        .account(Account.caller())
        .account(input.account(1))
        .u128(input.u128(33)),
    );
  } else {
    revertCode(ERR_SELECTOR);
  }
}
