// A fungible token (AssemblyScript). The C twin, token.c, behaves byte for byte the same:
// same input format, output, revert codes, storage keys and events (see ../README.md).
//
//   deploy(initial_supply: u128)                 mints the supply to the deployer
//   0x01 total_supply() -> u128
//   0x02 balance_of(account) -> u128
//   0x03 transfer(to, amount)                     Transfer(caller, to, amount)
//   0x04 approve(spender, amount)                 Approval(caller, spender, amount)
//   0x05 allowance(owner, spender) -> u128
//   0x06 transfer_from(from, to, amount)          Transfer(from, to, amount); spends allowance

import {
  Account,
  Event,
  Reader,
  U128,
  Writer,
  finishU128,
  getU128,
  key,
  require,
  revertCode,
  setU128,
} from "../../../sdk/assemblyscript/assembly/wcme";

const ERR_INPUT: u8 = 1; // wrong input length
const ERR_SELECTOR: u8 = 2; // unknown selector
const ERR_BALANCE: u8 = 3; // insufficient balance
const ERR_ALLOWANCE: u8 = 4; // insufficient allowance
const ERR_OVERFLOW: u8 = 5; // a balance would overflow u128

const SEL_TOTAL_SUPPLY: u8 = 0x01;
const SEL_BALANCE_OF: u8 = 0x02;
const SEL_TRANSFER: u8 = 0x03;
const SEL_APPROVE: u8 = 0x04;
const SEL_ALLOWANCE: u8 = 0x05;
const SEL_TRANSFER_FROM: u8 = 0x06;

function supplyKey(): Writer {
  return key(0x53); // 'S'
}

function balanceKey(account: Account): Writer {
  return key(0x42).account(account); // 'B' ++ account
}

function allowanceKey(owner: Account, spender: Account): Writer {
  return key(0x41).account(owner).account(spender); // 'A' ++ owner ++ spender
}

/** Event: topics [name, a, b], data = amount (16 bytes LE). */
function emit3(name: string, a: Account, b: Account, amount: U128): void {
  new Event(name).account(a).account(b).emit(new Writer(16).u128(amount));
}

/** Moves `amount` from `from` to `to` (the same account is fine) and emits Transfer. */
function move(from: Account, to: Account, amount: U128): void {
  const fromBalance = getU128(balanceKey(from)).checkedSub(amount);
  if (fromBalance === null) return revertCode(ERR_BALANCE);
  setU128(balanceKey(from), fromBalance);
  const toBalance = getU128(balanceKey(to)).checkedAdd(amount);
  if (toBalance === null) return revertCode(ERR_OVERFLOW);
  setU128(balanceKey(to), toBalance);
  emit3("Transfer", from, to, amount);
}

export function deploy(): void {
  const input = Reader.input();
  require(input.len == 16, ERR_INPUT);
  const supply = input.u128(0);
  const deployer = Account.caller();
  setU128(supplyKey(), supply);
  setU128(balanceKey(deployer), supply);
  emit3("Transfer", Account.zero(), deployer, supply);
}

export function call(): void {
  const input = Reader.input();
  require(input.len >= 1, ERR_INPUT);
  const selector = input.u8(0);
  if (selector == SEL_TOTAL_SUPPLY) {
    require(input.len == 1, ERR_INPUT);
    finishU128(getU128(supplyKey()));
  } else if (selector == SEL_BALANCE_OF) {
    require(input.len == 1 + 32, ERR_INPUT);
    finishU128(getU128(balanceKey(input.account(1))));
  } else if (selector == SEL_TRANSFER) {
    require(input.len == 1 + 32 + 16, ERR_INPUT);
    move(Account.caller(), input.account(1), input.u128(33));
  } else if (selector == SEL_APPROVE) {
    require(input.len == 1 + 32 + 16, ERR_INPUT);
    const owner = Account.caller();
    const spender = input.account(1);
    const amount = input.u128(33);
    setU128(allowanceKey(owner, spender), amount);
    emit3("Approval", owner, spender, amount);
  } else if (selector == SEL_ALLOWANCE) {
    require(input.len == 1 + 32 + 32, ERR_INPUT);
    finishU128(getU128(allowanceKey(input.account(1), input.account(33))));
  } else if (selector == SEL_TRANSFER_FROM) {
    require(input.len == 1 + 32 + 32 + 16, ERR_INPUT);
    const spender = Account.caller();
    const from = input.account(1);
    const to = input.account(33);
    const amount = input.u128(65);
    const left = getU128(allowanceKey(from, spender)).checkedSub(amount);
    if (left === null) return revertCode(ERR_ALLOWANCE);
    setU128(allowanceKey(from, spender), left);
    move(from, to, amount);
  } else {
    revertCode(ERR_SELECTOR);
  }
}
