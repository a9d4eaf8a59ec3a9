// What the example scripts share: the node URL, a bounded run that fails loudly and never hangs,
// exact amount formatting, event fields, and connecting with @polkadot/api.

import { ApiPromise, WsProvider } from '@polkadot/api';

const DEFAULT_WS = 'ws://127.0.0.1:9944';
export const url = process.argv[2] || process.env.WCME_WS || DEFAULT_WS;
let overallSecs = 60;
/** Connecting (socket open + metadata) must happen well within the overall budget. */
const connectTimeoutMs = () => Math.min(20_000, overallSecs * 1000);
/** Timeout of each single JSON-RPC request. */
export const REQUEST_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Failing loudly and never hanging.

let phase = 'starting';
let closing = false;

export function step(name) {
  phase = name;
}

/** What the run is doing now, for error messages. */
export function currentPhase() {
  return phase;
}

/** Marks the run as ending, so that the node closing the connection is not an error. */
export function markClosing() {
  closing = true;
}

/** Exits with `code` once stdout and stderr are flushed (at most 1 s later). */
export function exit(code) {
  closing = true;
  clearTimeout(watchdog);
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  setTimeout(() => process.exit(code), 1_000);
}

/** Prints `message` to stderr and exits with `code`, without waiting for anything else. */
export function exitWith(code, message) {
  if (closing && code !== 0) return; // already on the way out
  console.error(`FAILED: ${message}`);
  exit(code);
}

/** A failed check: ends the run with its message (and exit status 1). */
export class Failure extends Error {}

export function fail(message) {
  throw new Failure(message);
}

let watchdog;

/**
 * Starts the run: the whole of it gets `WCME_TIMEOUT_SECS` seconds (default `defaultSecs`), after
 * which it ends with exit status 2 naming what it was doing.
 */
export function start(defaultSecs) {
  overallSecs = Number(process.env.WCME_TIMEOUT_SECS || defaultSecs);
  watchdog = setTimeout(() => {
    exitWith(2, `timed out after ${overallSecs} s while ${phase} (node at ${url})`);
  }, overallSecs * 1000);
}

process.on('unhandledRejection', (error) => exitWith(1, `while ${phase}: ${describe(error)}`));
process.on('uncaughtException', (error) => exitWith(1, `while ${phase}: ${describe(error)}`));

export function describe(error) {
  if (error instanceof Error) return error.message;
  // A WebSocket error event carries the underlying error (e.g. ECONNREFUSED) or a message.
  if (error && typeof error === 'object') {
    if (error.error instanceof Error) return error.error.message;
    if (typeof error.message === 'string' && error.message) return error.message;
    if (error.type) return `WebSocket ${error.type}`;
  }
  return String(error);
}

/** `promise`, or a rejection after `ms` milliseconds naming `what`. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Formatting.

let decimals = 12;
let symbol = 'WCME';

/** The chain's token, for `fmt`. */
export function setToken(tokenSymbol, tokenDecimals) {
  symbol = tokenSymbol;
  decimals = tokenDecimals;
}

/** An exact rendering of an amount in planck, e.g. `1.5 WCME (1500000000000 planck)`. */
export function fmt(planck) {
  const value = BigInt(planck.toString());
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const unit = 10n ** BigInt(decimals);
  const whole = abs / unit;
  const frac = (abs % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
  const text = `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''} ${symbol}`;
  return `${text} (${value} planck)`;
}

export function eventFields(event) {
  const names = event.meta.fields.map((f, i) => (f.name.isSome ? f.name.unwrap().toString() : i));
  const fields = {};
  event.data.forEach((value, i) => {
    // Numbers (balances) exactly, as decimal strings; accounts, structs and enums as JSON.
    fields[names[i] ?? `${i}`] =
      typeof value.toBigInt === 'function' ? value.toString() : value.toJSON();
  });
  return fields;
}

// ---------------------------------------------------------------------------------------------

export async function connect() {
  step(`connecting to ${url}`);
  // No automatic reconnection: a node that is not there is an error, not something to wait for.
  const provider = new WsProvider(url, false, {}, REQUEST_TIMEOUT_MS);
  await within(
    connectTimeoutMs(),
    `connecting to ${url}`,
    new Promise((resolve, reject) => {
      provider.on('connected', resolve);
      provider.on('error', (error) =>
        reject(new Error(`cannot connect to ${url}: ${describe(error)} (is the node running?)`)),
      );
      provider.connect().catch(reject);
    }),
  );
  provider.on('disconnected', () => {
    if (!closing) exitWith(1, `lost the connection to ${url} while ${phase}`);
  });
  step('loading metadata');
  const api = await within(
    connectTimeoutMs(),
    'loading the runtime metadata',
    ApiPromise.create({ provider, throwOnConnect: true }),
  );
  return { api, provider };
}
