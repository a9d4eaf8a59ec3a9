#!/usr/bin/env node
// A WCME client with @polkadot/api: connects to a node, prints what the chain is, sends
// 1.5 WCME from Alice to Bob with `balances.transferKeepAlive`, follows the transaction until it
// is finalized, prints its events and checks Bob received exactly the amount.
//
//   node transfer.mjs [ws://127.0.0.1:9944]     (or WCME_WS=ws://… node transfer.mjs)
//
// Exit status: 0 on success, 1 when something fails or a check does not hold, 2 on a timeout.
// Every wait is bounded: the whole run is given WCME_TIMEOUT_SECS seconds (default 60).

import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
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

start(60);

let api;
let decimals = 12;
let symbol = 'WCME';

async function main() {
  ({ api } = await connect());

  step('reading chain information');
  const [chain, nodeName, nodeVersion, properties, header, finalizedHead] = await Promise.all([
    api.rpc.system.chain(),
    api.rpc.system.name(),
    api.rpc.system.version(),
    api.rpc.system.properties(),
    api.rpc.chain.getHeader(),
    api.rpc.chain.getFinalizedHead(),
  ]);
  decimals = api.registry.chainDecimals[0];
  symbol = api.registry.chainTokens[0];
  setToken(symbol, decimals);
  const ss58 = api.registry.chainSS58;
  const version = api.runtimeVersion;
  console.log(`Connected to ${url}`);
  console.log(`Chain:           ${chain}`);
  console.log(`Node:            ${nodeName} ${nodeVersion}`);
  console.log(
    `Runtime:         ${version.specName} spec_version ${version.specVersion} ` +
      `(impl ${version.implName} ${version.implVersion}, tx_version ${version.transactionVersion})`,
  );
  console.log(`Properties:      ${JSON.stringify(properties.toHuman())}`);
  console.log(`Token:           ${symbol}, ${decimals} decimals, SS58 prefix ${ss58}`);
  console.log(`Genesis:         ${api.genesisHash.toHex()}`);
  console.log(`Best block:      #${header.number.toNumber()} ${header.hash.toHex()}`);
  console.log(`Finalized head:  ${finalizedHead.toHex()}`);

  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: ss58 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const amount = (3n * 10n ** BigInt(decimals)) / 2n; // 1.5 tokens

  step('reading balances');
  const [aliceBefore, bobBefore] = await Promise.all([
    api.query.system.account(alice.address),
    api.query.system.account(bob.address),
  ]);
  console.log(`Alice:           ${alice.address}, free ${fmt(aliceBefore.data.free)}`);
  console.log(`Bob:             ${bob.address}, free ${fmt(bobBefore.data.free)}`);
  if (aliceBefore.data.free.toBigInt() <= amount) {
    fail(`Alice has ${fmt(aliceBefore.data.free)}, not enough to send ${fmt(amount)}`);
  }

  const tx = api.tx.balances.transferKeepAlive(bob.address, amount);
  step('estimating the fee');
  const info = await tx.paymentInfo(alice);
  console.log(
    `Sending:         ${fmt(amount)} Alice -> Bob (balances.transferKeepAlive), ` +
      `estimated fee ${fmt(info.partialFee)}`,
  );

  // `tx.signAndSend(alice, callback)` would do, but its callback fetches each block's events
  // before reporting a status and drops a status whose events are still loading when the next
  // status arrives: on a chain where blocks are final at once (`--dev`) it reports `Finalized`
  // without `InBlock`. Watching the node's raw status stream shows every status in order.
  step('signing the transfer');
  // Without an explicit nonce @polkadot/api uses the on-chain nonce, which collides with Alice's
  // transactions still waiting in the pool; system_accountNextIndex counts those too.
  const nonce = await api.rpc.system.accountNextIndex(alice.address);
  await tx.signAsync(alice, { nonce });
  const txHash = tx.hash.toHex();
  console.log(`Extrinsic hash:  ${txHash} (nonce ${nonce})`);

  step('submitting the transfer');
  const { inBlock, finalized } = await new Promise((resolve, reject) => {
    let inBlock = null;
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
        const hasHash = status.isInBlock || status.isFinalized || status.isRetracted;
        const at = hasHash ? ` ${status.value.toHex()}` : '';
        console.log(`Status:          ${status.type}${at}`);
        if (status.isReady || status.isFuture || status.isBroadcast) {
          step('waiting for the transfer to be included in a block');
        } else if (status.isInBlock) {
          inBlock = status.asInBlock.toHex();
          step('waiting for the block with the transfer to be finalized');
        } else if (status.isRetracted) {
          inBlock = null; // its block left the best chain; it will be reported in another one
          step('waiting for the transfer to be included again');
        } else if (status.isFinalized) {
          if (inBlock === null) {
            const error = 'the node reported the transaction finalized but never in a block';
            finish(() => reject(new Error(error)));
          } else {
            finish(() => resolve({ inBlock, finalized: status.asFinalized.toHex() }));
          }
        } else {
          // Dropped, Invalid, Usurped, FinalityTimeout: the transaction will not make it.
          finish(() => reject(new Error(`the transaction ended with status ${status.type}`)));
        }
      })
      .then((unsub) => {
        unsubscribe = unsub;
        if (settled) Promise.resolve(unsub()).catch(() => {});
      })
      .catch((error) => {
        finish(() => reject(new Error(`the node refused the transaction: ${describe(error)}`)));
      });
  });

  step('reading the finalized block and its events');
  const { block, events: allEvents } = await api.derive.tx.events(finalized);
  const finalizedHeader = block.block.header;
  const blockNumber = finalizedHeader.number.toNumber();
  const txIndex = block.block.extrinsics.findIndex((ext) => ext.hash.toHex() === txHash);
  if (txIndex < 0) {
    fail(`the finalized block #${blockNumber} ${finalized} lacks the extrinsic ${txHash}`);
  }
  console.log(`In block:        ${inBlock}`);
  console.log(`Finalized in block #${blockNumber} ${finalized} (extrinsic index ${txIndex})`);
  if (inBlock !== finalized) {
    console.log('  (not the block first reported: the chain re-organized meanwhile)');
  }
  const events = allEvents.filter(
    ({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === txIndex,
  );
  const dispatchError = events
    .filter(({ event }) => api.events.system.ExtrinsicFailed.is(event))
    .map(({ event }) => event.data[0])[0];

  console.log('Events of the extrinsic:');
  for (const { event } of events) {
    console.log(`  ${event.section}.${event.method} ${JSON.stringify(eventFields(event))}`);
  }

  if (dispatchError) {
    let reason = dispatchError.toString();
    if (dispatchError.isModule) {
      const meta = api.registry.findMetaError(dispatchError.asModule);
      reason = `${meta.section}.${meta.name}: ${meta.docs.join(' ')}`;
    }
    fail(`the transfer was included but failed: ${reason}`);
  }

  const has = (section, method) =>
    events.find(({ event }) => event.section === section && event.method === method);
  const missing = [
    ['system', 'ExtrinsicSuccess'],
    ['balances', 'Transfer'],
    ['transactionPayment', 'TransactionFeePaid'],
  ].filter(([section, method]) => !has(section, method));
  if (missing.length > 0) {
    fail(`expected events missing: ${missing.map(([s, m]) => `${s}.${m}`).join(', ')}`);
  }
  const transfer = has('balances', 'Transfer').event;
  const [from, to, transferred] = transfer.data;
  if (
    from.toString() !== alice.address ||
    to.toString() !== bob.address ||
    transferred.toBigInt() !== amount
  ) {
    fail(
      `balances.Transfer says ${from} -> ${to}: ${fmt(transferred)}, ` +
        `expected Alice -> Bob: ${fmt(amount)}`,
    );
  }
  const feePaid = has('transactionPayment', 'TransactionFeePaid').event;
  const actualFee = feePaid.data[1].toBigInt();
  const tip = feePaid.data[2].toBigInt();
  console.log(`Fee paid:        ${fmt(actualFee)}, tip ${fmt(tip)}`);

  // Compare the state just before and just after the block: other transfers in other blocks
  // cannot disturb the check.
  step('reading the new balances');
  const [atBlock, atParent] = await Promise.all([
    api.at(finalized),
    api.at(finalizedHeader.parentHash),
  ]);
  const [aliceAfter, bobAfter, bobParent] = await Promise.all([
    atBlock.query.system.account(alice.address),
    atBlock.query.system.account(bob.address),
    atParent.query.system.account(bob.address),
  ]);
  const aliceDelta = aliceAfter.data.free.toBigInt() - aliceBefore.data.free.toBigInt();
  const bobDelta = bobAfter.data.free.toBigInt() - bobParent.data.free.toBigInt();
  console.log(`Alice now:       free ${fmt(aliceAfter.data.free)} (change ${fmt(aliceDelta)})`);
  console.log(
    `Bob now:         free ${fmt(bobAfter.data.free)} ` +
      `(change in block #${blockNumber}: ${fmt(bobDelta)})`,
  );
  if (bobDelta !== amount) {
    fail(
      `Bob's free balance changed by ${fmt(bobDelta)} in block #${blockNumber}, ` +
        `expected ${fmt(amount)}`,
    );
  }

  console.log(
    `OK: ${fmt(amount)} transferred from Alice to Bob, finalized in block #${blockNumber}`,
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
