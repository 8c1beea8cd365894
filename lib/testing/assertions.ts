/**
 * Assertions for strategy tests, with messages that show what differs: the expected and the
 * actual signal lists side by side, or the position and equity with their tolerance.
 *
 * @module
 */

import { AssertionError } from "node:assert";
import {
  fromIso,
  type Micros,
  type Signal,
  type SignalKind,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import type { RecordedSignal } from "./recording_strategy.ts";

/**
 * What one expected signal must match: `kind`, and any other {@linkcode Signal} field given,
 * plus optionally the bar index or time (µs or ISO 8601) of the emission. Numeric fields match
 * within a relative 1e-9.
 */
export interface SignalExpectation {
  /** The signal kind. */
  readonly kind: SignalKind;
  /** Index of the bar whose close emitted it (see {@linkcode RecordedSignal.bar}). */
  readonly bar?: number;
  /** Emission time, µs or ISO 8601. */
  readonly ts?: Micros | string;
  /** Symbol. */
  readonly symbol?: SymbolId;
  /** Confidence. */
  readonly confidence?: number;
  /** Stop-loss price. */
  readonly stopLoss?: number;
  /** Take-profit price. */
  readonly takeProfit?: number;
  /** Execution hint (compared structurally). */
  readonly hint?: Signal["hint"];
  /** Group id. */
  readonly groupId?: string;
  /** Quantity. */
  readonly quantity?: number;
  /** Note. */
  readonly note?: string;
}

const FIELDS = [
  "symbol",
  "confidence",
  "stopLoss",
  "takeProfit",
  "hint",
  "groupId",
  "quantity",
  "note",
] as const;

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function mismatch(actual: RecordedSignal, expected: SignalExpectation): string | undefined {
  if (actual.signal.kind !== expected.kind) return "kind";
  if (expected.bar !== undefined && actual.bar !== expected.bar) return "bar";
  if (expected.ts !== undefined) {
    const ts = typeof expected.ts === "string" ? fromIso(expected.ts) : expected.ts;
    if (actual.ts !== ts) return "ts";
  }
  for (const key of FIELDS) {
    const want = expected[key];
    if (want === undefined) continue;
    const got = actual.signal[key];
    if (typeof want === "number" && typeof got === "number" ? close(want, got) : false) continue;
    if (JSON.stringify(want) !== JSON.stringify(got)) return key;
  }
  return undefined;
}

function describeActual(s: RecordedSignal): string {
  const { kind, symbol, quantity, stopLoss, hint, groupId } = s.signal;
  const extras = [
    quantity === undefined ? "" : ` qty=${quantity}`,
    stopLoss === undefined ? "" : ` sl=${stopLoss}`,
    hint === undefined ? "" : ` hint=${JSON.stringify(hint)}`,
    groupId === undefined ? "" : ` group=${groupId}`,
  ].join("");
  return `bar ${s.bar} (${toIso(s.ts)}) ${kind} ${symbol}${extras}`;
}

function describeExpected(e: SignalExpectation): string {
  const where = e.bar !== undefined
    ? `bar ${e.bar}`
    : e.ts !== undefined
    ? `at ${typeof e.ts === "string" ? e.ts : toIso(e.ts)}`
    : "bar ?";
  const extras = FIELDS.filter((key) => e[key] !== undefined && key !== "symbol")
    .map((key) => ` ${key}=${JSON.stringify(e[key])}`).join("");
  return `${where} ${e.kind} ${e.symbol ?? "*"}${extras}`;
}

/**
 * Asserts that `actual` holds exactly the `expected` signals, in order.
 *
 * @example
 * ```ts ignore
 * assertSignals(result.signals, [
 *   { bar: 12, kind: "enter-long", symbol: "bybit:BTCUSDT" },
 *   { bar: 30, kind: "exit-long" },
 * ]);
 * ```
 * @throws {AssertionError} listing both sequences and the first difference.
 */
export function assertSignals(
  actual: readonly RecordedSignal[],
  expected: readonly SignalExpectation[],
): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i];
    const e = expected[i];
    const field = a === undefined || e === undefined ? "count" : mismatch(a, e);
    if (field === undefined) continue;
    const lines = [
      `Signals differ at #${i} (${field}):`,
      `  expected: ${e === undefined ? "(none)" : describeExpected(e)}`,
      `  actual:   ${a === undefined ? "(none)" : describeActual(a)}`,
      `Expected ${expected.length} signal(s):`,
      ...expected.map((x, k) => `  ${k === i ? ">" : " "} #${k} ${describeExpected(x)}`),
      `Actual ${actual.length} signal(s):`,
      ...actual.map((x, k) => `  ${k === i ? ">" : " "} #${k} ${describeActual(x)}`),
    ];
    throw new AssertionError({ message: lines.join("\n") });
  }
}

/** Anything with final positions, e.g. a {@linkcode RunStrategyResult}. */
export interface HasPositions {
  /** Final signed position per symbol. */
  readonly positions: Readonly<Record<SymbolId, number>>;
}

/**
 * Asserts the final signed position in `symbol` (within an absolute `tolerance`, default 1e-9).
 *
 * @throws {AssertionError} naming the symbol, both values and every position held.
 */
export function assertPosition(
  result: HasPositions,
  symbol: SymbolId,
  expected: number,
  options: { readonly tolerance?: number } = {},
): void {
  const actual = result.positions[symbol] ?? 0;
  const tolerance = options.tolerance ?? 1e-9;
  if (Math.abs(actual - expected) <= tolerance) return;
  throw new AssertionError({
    message:
      `Position in ${symbol}: expected ${expected}, got ${actual} (tolerance ${tolerance}); ` +
      `positions: ${JSON.stringify(result.positions)}`,
    actual,
    expected,
  });
}

/** Anything with a final equity, e.g. a {@linkcode RunStrategyResult}. */
export interface HasEquity {
  /** Final equity in the reporting currency. */
  readonly finalEquity: number;
}

/**
 * Asserts the final equity (within an absolute `tolerance`, default 1e-6).
 *
 * @throws {AssertionError} with both values and the difference.
 */
export function assertEquity(
  result: HasEquity,
  expected: number,
  options: { readonly tolerance?: number } = {},
): void {
  const tolerance = options.tolerance ?? 1e-6;
  const actual = result.finalEquity;
  if (Math.abs(actual - expected) <= tolerance) return;
  throw new AssertionError({
    message: `Final equity: expected ${expected}, got ${actual} ` +
      `(difference ${actual - expected}, tolerance ${tolerance})`,
    actual,
    expected,
  });
}
