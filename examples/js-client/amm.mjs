#!/usr/bin/env node
// The smart-asset AMM from @polkadot/api: Alice issues two smart assets (GOLD and SILVER, each
// with a WCME-collateralised pool), Bob buys GOLD with WCME (`swap_exact_in`), sends some to
// Alice (`transfer`), adds liquidity to the GOLD pool, sells GOLD for an exact amount of WCME
// (`swap_exact_out`) and trades GOLD for SILVER through WCME (a 2-hop path). After every step the
// balances, pool shares and reserves (storage, and the node's `wcme_pool` RPC) and the events are
// checked against the AMM formulas, computed here with BigInt:
//
//   out    = ⌊in·997·R_out / (R_in·1000 + in·997)⌋
//   in     = ⌊R_in·out·1000 / ((R_out − out)·997)⌋ + 1
//   shares = ⌊√(a·b)⌋ − 1000 (first deposit), min(⌊a·S/R_a⌋, ⌊b·S/R_b⌋) (later deposits)
//   cut    = ⌊in · 500 / 1 000 000⌋ of each hop's input to the ecosystem fund; the pool's input
//            reserve grows by in − cut
//
//   node amm.mjs [ws://127.0.0.1:9944]     (or WCME_WS=ws://… node amm.mjs)
//
// Exit status: 0 on success, 1 when something fails or a check does not hold, 2 on a timeout.
// Every wait is bounded: the whole run is given WCME_TIMEOUT_SECS seconds (default 120).


import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import {
  Failure,
  REQUEST_TIMEOUT_MS,
  connect,
  currentPhase,
  describe,
  eventFields,
  exit,
  exitWith,
  fail,
  fmt,
  markClosing,
  setToken,
  start,
  step,
  url,
  within,
} from './common.mjs';

start(120);


// ---------------------------------------------------------------------------------------------
// The AMM's arithmetic, exactly as the pallet does it (`pallets/smart-assets/src/math.rs`).

const PPM = 1_000_000n;
const MINIMUM_LIQUIDITY = 1_000n;
let swapFeePpm = 3_000n; // read from `wcme_pool` below
let protocolFeePpm = 500n;

function amountOut(amountIn, reserveIn, reserveOut) {
  const inWithFee = amountIn * (PPM - swapFeePpm);
  return (inWithFee * reserveOut) / (reserveIn * PPM + inWithFee);
}

function amountIn(amountOut_, reserveIn, reserveOut) {
  return (reserveIn * amountOut_ * PPM) / ((reserveOut - amountOut_) * (PPM - swapFeePpm)) + 1n;
}

function protocolCut(amount) {
  return (amount * protocolFeePpm) / PPM;
}

function isqrt(n) {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

const min = (a, b) => (a < b ? a : b);

function expectPath(actual, expected) {
  const path = actual.toJSON();
  if (JSON.stringify(path) !== JSON.stringify(expected)) {
    fail(`Swapped.path: chain says ${JSON.stringify(path)}, expected ${JSON.stringify(expected)}`);
  }
}

function expectEq(what, actual, expected) {
  if (BigInt(actual) !== BigInt(expected)) {
    fail(`${what}: chain says ${actual}, the formula says ${expected}`);
  }
}

// ---------------------------------------------------------------------------------------------

const WCME = 0;
const UNIT = 10n ** 12n; // WCME and both smart assets have 12 decimals
/** The WebSocket provider, for the `wcme_*` methods @polkadot/api does not know. */
let api;
let provider;

/** `amount` units of a 12-decimal asset, e.g. `1.5 GOLD (1500000000000)`. */
function units(amount, sym) {
  const value = BigInt(amount);
  const whole = value / UNIT;
  const frac = (value % UNIT).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} ${sym} (${value})`;
}

/** A `wcme_*` RPC method (not in @polkadot/api's definitions) through the provider. */
function wcme(method, params) {
  return within(REQUEST_TIMEOUT_MS, `calling ${method}`, provider.send(method, params));
}

/** The pool of `asset` at block `at` from the node's `wcme_pool` RPC, amounts as BigInt. */
async function rpcPool(asset, at) {
  const pool = await wcme('wcme_pool', [asset, at]);
  if (pool === null) fail(`wcme_pool(${asset}) is null at ${at}: the pool does not exist`);
  swapFeePpm = BigInt(pool.swapFeePpm);
  protocolFeePpm = BigInt(pool.protocolFeePpm);
  return {
    wcme: BigInt(pool.wcmeReserve),
    asset: BigInt(pool.assetReserve),
    shares: BigInt(pool.totalShares),
  };
}

/** Everything the checks look at, in the state after block `hash`. */
async function snapshot(hash, accounts, assets, fund) {
  const at = await api.at(hash);
  const state = { wcme: {}, bal: {}, shares: {}, pool: {} };
  const who = { ...accounts, pallet: palletAccount };
  if (fund) who.fund = fund;
  for (const [name, address] of Object.entries(who)) {
    const info = await at.query.system.account(address);
    state.wcme[name] = info.data.free.toBigInt();
    state.bal[name] = {};
    state.shares[name] = {};
    for (const asset of assets) {
      const balance = await at.query.smartAssets.assetBalances(asset, address);
      state.bal[name][asset] = balance.toBigInt();
      state.shares[name][asset] = (await at.query.smartAssets.shares(asset, address)).toBigInt();
    }
  }
  for (const asset of assets) {
    const stored = await at.query.smartAssets.pools(asset);
    if (stored.isNone) {
      state.pool[asset] = null;
      continue;
    }
    const p = stored.unwrap();
    const pool = {
      wcme: p.wcmeReserve.toBigInt(),
      asset: p.assetReserve.toBigInt(),
      shares: p.totalShares.toBigInt(),
    };
    // The RPC must agree with storage.
    const viaRpc = await rpcPool(asset, hash);
    for (const key of ['wcme', 'asset', 'shares']) {
      expectEq(`wcme_pool(${asset}).${key} vs storage at ${hash}`, viaRpc[key], pool[key]);
    }
    state.pool[asset] = pool;
  }
  return state;
}

let palletAccount;

/**
 * Signs `tx` as `signer` with the nonce from system_accountNextIndex, submits it with
 * author_submitAndWatchExtrinsic and waits until it is in a block. Fails with the decoded
 * module error unless `system.ExtrinsicSuccess` is among its events. Returns the block, its
 * parent, the extrinsic's events and the transaction fee paid.
 */
async function submit(label, tx, signer) {
  step(`signing ${label}`);
  const nonce = await api.rpc.system.accountNextIndex(signer.address);
  await tx.signAsync(signer, { nonce });
  const txHash = tx.hash.toHex();
  step(`submitting ${label}`);
  const blockHash = await new Promise((resolve, reject) => {
    let settled = false;
    let unsubscribe = null;
    const finish = (settle) => {
      if (settled) return;
      settled = true;
      settle();
      if (unsubscribe) Promise.resolve(unsubscribe()).catch(() => {});
    };
    api.rpc.author
      .submitAndWatchExtrinsic(tx, (status) => {
        if (status.isReady || status.isFuture || status.isBroadcast || status.isRetracted) {
          step(`waiting for ${label} to be included in a block`);
        } else if (status.isInBlock) {
          finish(() => resolve(status.asInBlock.toHex()));
        } else if (status.isFinalized) {
          // Only if InBlock was not seen: the finalized block holds it too.
          finish(() => resolve(status.asFinalized.toHex()));
        } else {
          finish(() => reject(new Error(`${label} ended with status ${status.type}`)));
        }
      })
      .then((unsub) => {
        unsubscribe = unsub;
        if (settled) Promise.resolve(unsub()).catch(() => {});
      })
      .catch((error) => {
        finish(() => reject(new Error(`the node refused ${label}: ${describe(error)}`)));
      });
  });

  step(`reading the events of ${label}`);
  const [signedBlock, atBlock] = await Promise.all([
    api.rpc.chain.getBlock(blockHash),
    api.at(blockHash),
  ]);
  const header = signedBlock.block.header;
  const index = signedBlock.block.extrinsics.findIndex((ext) => ext.hash.toHex() === txHash);
  if (index < 0) fail(`block ${blockHash} lacks ${label} (${txHash})`);
  const events = (await atBlock.query.system.events())
    .filter(({ phase: p }) => p.isApplyExtrinsic && p.asApplyExtrinsic.toNumber() === index)
    .map(({ event }) => event);
  const failed = events.find((event) => api.events.system.ExtrinsicFailed.is(event));
  if (failed) {
    const dispatchError = failed.data[0];
    let reason = dispatchError.toString();
    if (dispatchError.isModule) {
      const meta = api.registry.findMetaError(dispatchError.asModule);
      reason = `${meta.section}.${meta.name}: ${meta.docs.join(' ')}`;
    }
    fail(`${label} was included in block #${header.number} but failed: ${reason}`);
  }
  if (!events.find((event) => api.events.system.ExtrinsicSuccess.is(event))) {
    fail(`${label}: no system.ExtrinsicSuccess among its events`);
  }
  const feePaid = events.find((e) => api.events.transactionPayment.TransactionFeePaid.is(e));
  const fee = feePaid ? feePaid.data[1].toBigInt() : 0n;
  console.log(
    `\n== ${label}: block #${header.number} ${blockHash} (extrinsic ${index}, fee ${fee})`,
  );
  for (const event of events) {
    if (event.section === 'smartAssets') {
      console.log(`  ${event.section}.${event.method} ${JSON.stringify(eventFields(event))}`);
    }
  }
  return {
    blockHash,
    parentHash: header.parentHash.toHex(),
    number: header.number.toNumber(),
    events,
    fee,
  };
}

/** The one `smartAssets.<method>` event of a submission (fails if missing or repeated). */
function theEvent(result, method) {
  const found = result.events.filter((e) => e.section === 'smartAssets' && e.method === method);
  if (found.length !== 1) fail(`expected one smartAssets.${method} event, found ${found.length}`);
  return found[0];
}

function printPool(sym, pool) {
  console.log(
    `  pool ${sym}: ${units(pool.wcme, 'WCME')} / ${units(pool.asset, sym)}, ` +
      `${pool.shares} shares`,
  );
}

async function main() {
  ({ api, provider } = await connect());
  console.log(`Connected to ${url} (${await api.rpc.system.chain()})`);
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const people = { alice: alice.address, bob: bob.address };
  // `PalletId(*b"wcme/sma")` as an account: `modl` ++ id, zero-padded to 32 bytes.
  palletAccount = keyring.encodeAddress(
    u8aConcat(stringToU8a('modl'), stringToU8a('wcme/sma'), new Uint8Array(20)),
  );
  const deadline = async () => (await api.rpc.chain.getHeader()).number.toNumber() + 100;

  // Symbols are unique: on a chain where this already ran, take GOLD-2, SILVER-2, …
  step('choosing free symbols');
  const freeSymbol = async (base) => {
    for (let i = 1; ; i += 1) {
      const sym = i === 1 ? base : `${base}-${i}`;
      if ((await api.query.smartAssets.symbolIndex(sym)).isNone) return sym;
    }
  };
  const GOLD_SYM = await freeSymbol('GOLD');
  const SILVER_SYM = await freeSymbol('SILVER');

  // 1. + 2. Alice issues GOLD and SILVER.
  const issued = {};
  for (const [sym, supply, collateral] of [
    [GOLD_SYM, 1_000_000n * UNIT, 1_000n * UNIT],
    [SILVER_SYM, 5_000_000n * UNIT, 500n * UNIT],
  ]) {
    const r = await submit(
      `issue ${sym}`,
      api.tx.smartAssets.issue(sym, 12, supply, collateral),
      alice,
    );
    const ev = theEvent(r, 'Issued');
    const id = ev.data[0].toNumber();
    if (ev.data[1].toString() !== alice.address) fail(`Issued names issuer ${ev.data[1]}`);
    expectEq('Issued.supply', ev.data[2].toBigInt(), supply);
    expectEq('Issued.collateral', ev.data[3].toBigInt(), collateral);
    const before = await snapshot(r.parentHash, people, [id]);
    const after = await snapshot(r.blockHash, people, [id]);
    const total = isqrt(collateral * supply);
    if (before.pool[id] !== null) fail(`asset ${id} had a pool before it was issued`);
    expectEq(`${sym} pool WCME reserve`, after.pool[id].wcme, collateral);
    expectEq(`${sym} pool asset reserve`, after.pool[id].asset, supply);
    expectEq(`${sym} pool total shares`, after.pool[id].shares, total);
    expectEq(`Alice's ${sym} shares`, after.shares.alice[id], total - MINIMUM_LIQUIDITY);
    expectEq(`Alice's ${sym} balance`, after.bal.alice[id], 0n);
    expectEq(
      `Alice's WCME change`,
      after.wcme.alice - before.wcme.alice,
      -collateral - r.fee,
    );
    expectEq(`pallet account WCME change`, after.wcme.pallet - before.wcme.pallet, collateral);
    printPool(sym, after.pool[id]);
    console.log(
      `  Alice: ${total - MINIMUM_LIQUIDITY} shares = isqrt(${collateral} * ${supply}) - 1000`,
    );
    issued[sym] = id;
  }
  const GOLD = issued[GOLD_SYM];
  const SILVER = issued[SILVER_SYM];
  const assets = [GOLD, SILVER];
  console.log(`OK issue: ${GOLD_SYM} = asset ${GOLD}, ${SILVER_SYM} = asset ${SILVER}`);

  // 3. Bob buys GOLD with exactly 10 WCME (swap_exact_in [0, GOLD]).
  let fund;
  {
    const amount = 10n * UNIT;
    const best = (await api.rpc.chain.getBlockHash()).toHex();
    const quoted = BigInt(await wcme('wcme_quoteExactIn', [[WCME, GOLD], amount.toString(), best]));
    console.log(`\nwcme_quoteExactIn([0, ${GOLD}], ${amount}) = ${quoted}`);
    const r = await submit(
      `swap_exact_in ${units(amount, 'WCME')} -> ${GOLD_SYM}`,
      api.tx.smartAssets.swapExactIn([WCME, GOLD], amount, quoted, await deadline()),
      bob,
    );
    // The ecosystem fund received the WCME cut: it is the other recipient of Bob's WCME.
    const cut = protocolCut(amount);
    const toFund = r.events.find(
      (e) =>
        api.events.balances.Transfer.is(e) &&
        e.data[0].toString() === bob.address &&
        e.data[1].toString() !== palletAccount,
    );
    if (!toFund) fail('no balances.Transfer of the protocol fee to the ecosystem fund');
    fund = toFund.data[1].toString();
    expectEq('WCME transferred to the ecosystem fund', toFund.data[2].toBigInt(), cut);
    const before = await snapshot(r.parentHash, people, assets, fund);
    const after = await snapshot(r.blockHash, people, assets, fund);
    const p = before.pool[GOLD];
    const out = amountOut(amount, p.wcme, p.asset);
    const quoteAtParent = BigInt(
      await wcme('wcme_quoteExactIn', [[WCME, GOLD], amount.toString(), r.parentHash]),
    );
    expectEq('wcme_quoteExactIn at the parent block', quoteAtParent, out);
    const ev = theEvent(r, 'Swapped');
    expectPath(ev.data[1], [WCME, GOLD]);
    expectEq('Swapped.amount_in', ev.data[2].toBigInt(), amount);
    expectEq('Swapped.amount_out', ev.data[3].toBigInt(), out);
    const feeEv = theEvent(r, 'ProtocolFeePaid');
    expectEq('ProtocolFeePaid.asset_id', feeEv.data[0].toNumber(), WCME);
    expectEq('ProtocolFeePaid.amount', feeEv.data[1].toBigInt(), cut);
    expectEq('GOLD pool WCME reserve', after.pool[GOLD].wcme, p.wcme + amount - cut);
    expectEq('GOLD pool asset reserve', after.pool[GOLD].asset, p.asset - out);
    expectEq("Bob's GOLD balance change", after.bal.bob[GOLD] - before.bal.bob[GOLD], out);
    expectEq("Bob's WCME change", after.wcme.bob - before.wcme.bob, -amount - r.fee);
    expectEq("ecosystem fund's WCME change", after.wcme.fund - before.wcme.fund, cut);
    expectEq('pallet account WCME change', after.wcme.pallet - before.wcme.pallet, amount - cut);
    printPool(GOLD_SYM, p);
    printPool(GOLD_SYM, after.pool[GOLD]);
    console.log(
      `OK swap_exact_in [0, ${GOLD}]: ${units(amount, 'WCME')} -> ${units(out, GOLD_SYM)}, ` +
        `protocol fee ${units(cut, 'WCME')} to ${fund}`,
    );
  }

  // 4. Bob sends 1 GOLD to Alice (transfer).
  {
    const amount = 1n * UNIT;
    const r = await submit(
      `transfer ${units(amount, GOLD_SYM)} Bob -> Alice`,
      api.tx.smartAssets.transfer(GOLD, alice.address, amount),
      bob,
    );
    const ev = theEvent(r, 'Transferred');
    expectEq('Transferred.asset_id', ev.data[0].toNumber(), GOLD);
    if (ev.data[1].toString() !== bob.address || ev.data[2].toString() !== alice.address) {
      fail(`Transferred says ${ev.data[1]} -> ${ev.data[2]}, expected Bob -> Alice`);
    }
    expectEq('Transferred.amount', ev.data[3].toBigInt(), amount);
    const before = await snapshot(r.parentHash, people, [GOLD]);
    const after = await snapshot(r.blockHash, people, [GOLD]);
    expectEq("Alice's GOLD change", after.bal.alice[GOLD] - before.bal.alice[GOLD], amount);
    expectEq("Bob's GOLD change", after.bal.bob[GOLD] - before.bal.bob[GOLD], -amount);
    console.log(`OK transfer: ${units(amount, GOLD_SYM)} Bob -> Alice`);
  }

  // 5. Bob adds 5 WCME (and the GOLD the pool's ratio asks for) to the GOLD pool.
  {
    const wcmeDesired = 5n * UNIT;
    const best = (await api.rpc.chain.getBlockHash()).toHex();
    const now = await snapshot(best, people, [GOLD]);
    const assetDesired = now.bal.bob[GOLD]; // more than needed: the ratio caps it
    const expectedAsset = (wcmeDesired * now.pool[GOLD].asset) / now.pool[GOLD].wcme;
    const r = await submit(
      `add_liquidity ${units(wcmeDesired, 'WCME')} to ${GOLD_SYM}`,
      api.tx.smartAssets.addLiquidity(
        GOLD,
        wcmeDesired,
        assetDesired,
        wcmeDesired,
        expectedAsset,
        await deadline(),
      ),
      bob,
    );
    const before = await snapshot(r.parentHash, people, [GOLD]);
    const after = await snapshot(r.blockHash, people, [GOLD]);
    const p = before.pool[GOLD];
    const assetAmount = (wcmeDesired * p.asset) / p.wcme; // ⌊a·R_b/R_a⌋ ≤ assetDesired
    const shares = min((wcmeDesired * p.shares) / p.wcme, (assetAmount * p.shares) / p.asset);
    const ev = theEvent(r, 'LiquidityAdded');
    if (ev.data[0].toString() !== bob.address) fail(`LiquidityAdded names ${ev.data[0]}`);
    expectEq('LiquidityAdded.asset_id', ev.data[1].toNumber(), GOLD);
    expectEq('LiquidityAdded.wcme_amount', ev.data[2].toBigInt(), wcmeDesired);
    expectEq('LiquidityAdded.asset_amount', ev.data[3].toBigInt(), assetAmount);
    expectEq('LiquidityAdded.shares', ev.data[4].toBigInt(), shares);
    expectEq('GOLD pool WCME reserve', after.pool[GOLD].wcme, p.wcme + wcmeDesired);
    expectEq('GOLD pool asset reserve', after.pool[GOLD].asset, p.asset + assetAmount);
    expectEq('GOLD pool total shares', after.pool[GOLD].shares, p.shares + shares);
    expectEq("Bob's GOLD shares", after.shares.bob[GOLD] - before.shares.bob[GOLD], shares);
    expectEq("Bob's GOLD change", after.bal.bob[GOLD] - before.bal.bob[GOLD], -assetAmount);
    expectEq("Bob's WCME change", after.wcme.bob - before.wcme.bob, -wcmeDesired - r.fee);
    printPool(GOLD_SYM, p);
    printPool(GOLD_SYM, after.pool[GOLD]);
    console.log(
      `OK add_liquidity: ${units(wcmeDesired, 'WCME')} + ${units(assetAmount, GOLD_SYM)} ` +
        `-> ${shares} shares = min(${wcmeDesired}*${p.shares}/${p.wcme}, ` +
        `${assetAmount}*${p.shares}/${p.asset})`,
    );
  }

  // 6. Bob sells GOLD for exactly 2 WCME (swap_exact_out [GOLD, 0]).
  {
    const amount = 2n * UNIT;
    const best = (await api.rpc.chain.getBlockHash()).toHex();
    const quoted = BigInt(
      await wcme('wcme_quoteExactOut', [[GOLD, WCME], amount.toString(), best]),
    );
    console.log(`\nwcme_quoteExactOut([${GOLD}, 0], ${amount}) = ${quoted}`);
    const r = await submit(
      `swap_exact_out ${GOLD_SYM} -> ${units(amount, 'WCME')}`,
      api.tx.smartAssets.swapExactOut([GOLD, WCME], amount, quoted, await deadline()),
      bob,
    );
    const before = await snapshot(r.parentHash, people, assets, fund);
    const after = await snapshot(r.blockHash, people, assets, fund);
    const p = before.pool[GOLD];
    const needed = amountIn(amount, p.asset, p.wcme);
    const cut = protocolCut(needed);
    const quoteAtParent = BigInt(
      await wcme('wcme_quoteExactOut', [[GOLD, WCME], amount.toString(), r.parentHash]),
    );
    expectEq('wcme_quoteExactOut at the parent block', quoteAtParent, needed);
    const ev = theEvent(r, 'Swapped');
    expectPath(ev.data[1], [GOLD, WCME]);
    expectEq('Swapped.amount_in', ev.data[2].toBigInt(), needed);
    expectEq('Swapped.amount_out', ev.data[3].toBigInt(), amount);
    const feeEv = theEvent(r, 'ProtocolFeePaid');
    expectEq('ProtocolFeePaid.asset_id', feeEv.data[0].toNumber(), GOLD);
    expectEq('ProtocolFeePaid.amount', feeEv.data[1].toBigInt(), cut);
    expectEq('GOLD pool asset reserve', after.pool[GOLD].asset, p.asset + needed - cut);
    expectEq('GOLD pool WCME reserve', after.pool[GOLD].wcme, p.wcme - amount);
    expectEq("Bob's GOLD change", after.bal.bob[GOLD] - before.bal.bob[GOLD], -needed);
    expectEq("Bob's WCME change", after.wcme.bob - before.wcme.bob, amount - r.fee);
    expectEq("ecosystem fund's GOLD change", after.bal.fund[GOLD] - before.bal.fund[GOLD], cut);
    expectEq('pallet account WCME change', after.wcme.pallet - before.wcme.pallet, -amount);
    printPool(GOLD_SYM, p);
    printPool(GOLD_SYM, after.pool[GOLD]);
    console.log(
      `OK swap_exact_out [${GOLD}, 0]: ${units(needed, GOLD_SYM)} -> ${units(amount, 'WCME')}, ` +
        `protocol fee ${units(cut, GOLD_SYM)}`,
    );
  }

  // 7. Bob trades 1000 GOLD for SILVER through WCME (swap_exact_in [GOLD, 0, SILVER]).
  {
    const amount = 1_000n * UNIT;
    const path = [GOLD, WCME, SILVER];
    const best = (await api.rpc.chain.getBlockHash()).toHex();
    const quoted = BigInt(await wcme('wcme_quoteExactIn', [path, amount.toString(), best]));
    console.log(`\nwcme_quoteExactIn([${path}], ${amount}) = ${quoted}`);
    const r = await submit(
      `swap_exact_in ${units(amount, GOLD_SYM)} -> WCME -> ${SILVER_SYM}`,
      api.tx.smartAssets.swapExactIn(path, amount, quoted, await deadline()),
      bob,
    );
    const before = await snapshot(r.parentHash, people, assets, fund);
    const after = await snapshot(r.blockHash, people, assets, fund);
    const g = before.pool[GOLD];
    const s = before.pool[SILVER];
    const mid = amountOut(amount, g.asset, g.wcme); // hop 1: GOLD -> WCME
    const out = amountOut(mid, s.wcme, s.asset); // hop 2: WCME -> SILVER
    const cut1 = protocolCut(amount); // in GOLD
    const cut2 = protocolCut(mid); // in WCME, paid from the pallet account
    const quoteAtParent = BigInt(
      await wcme('wcme_quoteExactIn', [path, amount.toString(), r.parentHash]),
    );
    expectEq('wcme_quoteExactIn (2 hops) at the parent block', quoteAtParent, out);
    const ev = theEvent(r, 'Swapped');
    expectPath(ev.data[1], path);
    expectEq('Swapped.amount_in', ev.data[2].toBigInt(), amount);
    expectEq('Swapped.amount_out', ev.data[3].toBigInt(), out);
    const fees = r.events
      .filter((e) => e.section === 'smartAssets' && e.method === 'ProtocolFeePaid')
      .map((e) => `${e.data[0].toNumber()}:${e.data[1].toBigInt()}`);
    if (fees.join(',') !== `${GOLD}:${cut1},${WCME}:${cut2}`) {
      fail(`ProtocolFeePaid events ${fees}, expected ${GOLD}:${cut1},${WCME}:${cut2}`);
    }
    expectEq('GOLD pool asset reserve', after.pool[GOLD].asset, g.asset + amount - cut1);
    expectEq('GOLD pool WCME reserve', after.pool[GOLD].wcme, g.wcme - mid);
    expectEq('SILVER pool WCME reserve', after.pool[SILVER].wcme, s.wcme + mid - cut2);
    expectEq('SILVER pool asset reserve', after.pool[SILVER].asset, s.asset - out);
    expectEq("Bob's GOLD change", after.bal.bob[GOLD] - before.bal.bob[GOLD], -amount);
    expectEq("Bob's SILVER change", after.bal.bob[SILVER] - before.bal.bob[SILVER], out);
    expectEq("Bob's WCME change", after.wcme.bob - before.wcme.bob, -r.fee);
    expectEq("ecosystem fund's GOLD change", after.bal.fund[GOLD] - before.bal.fund[GOLD], cut1);
    expectEq("ecosystem fund's WCME change", after.wcme.fund - before.wcme.fund, cut2);
    expectEq('pallet account WCME change', after.wcme.pallet - before.wcme.pallet, -cut2);
    printPool(GOLD_SYM, g);
    printPool(GOLD_SYM, after.pool[GOLD]);
    printPool(SILVER_SYM, s);
    printPool(SILVER_SYM, after.pool[SILVER]);
    console.log(
      `OK swap_exact_in [${path}]: ${units(amount, GOLD_SYM)} -> ${units(mid, 'WCME')} -> ` +
        `${units(out, SILVER_SYM)}, protocol fees ${units(cut1, GOLD_SYM)} and ` +
        `${units(cut2, 'WCME')}`,
    );
  }

  console.log(
    '\nOK: issue, transfer, add_liquidity, swap_exact_in, swap_exact_out and a 2-hop swap ' +
      'all match the formulas',
  );
}

main()
  .then(async () => {
    markClosing();
    step('disconnecting');
    await within(5_000, 'disconnecting', api.disconnect()).catch(() => {});
    exit(0);
  })
  .catch((error) => {
    exitWith(1, error instanceof Failure ? error.message : `while ${currentPhase()}: ${describe(error)}`);
  });
