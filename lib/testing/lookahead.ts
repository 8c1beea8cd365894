/**
 * Guards against strategies that peek at the future: {@linkcode assertNoLookahead} re-runs a
 * strategy on data cut at random points and checks that nothing emitted before a cut changes;
 * {@linkcode assertSnapshotRestore} checks that snapshot + restore continues exactly.
 *
 * @module
 */

import { AssertionError } from "node:assert";
import { type Candle, intervalMicros, type Micros, toIso } from "../domain/mod.ts";
import type { JsonValue, Strategy } from "../strategies/mod.ts";
import { collectSignals, type CollectSignalsOptions } from "./collect_signals.ts";
import type { RecordedSignal } from "./recording_strategy.ts";
import { runStrategy, type RunStrategyOptions } from "./run_strategy.ts";

/** Options of {@linkcode assertNoLookahead}. */
export interface NoLookaheadOptions extends Omit<RunStrategyOptions, "candles"> {
  /** Number of random cut points (default 5). */
  readonly cuts?: number;
  /** Seed of the cut points (default 1). */
  readonly seed?: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same cuts. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function comparable(signals: readonly RecordedSignal[], until: Micros): string[] {
  return signals.filter((s) => s.ts <= until).map((s) =>
    `${toIso(s.ts)} ${JSON.stringify(s.signal)}`
  );
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Runs a fresh strategy from `factory` over all of `candles` and over `candles` cut at
 * `cuts` random bar times, through the real engine ({@linkcode runStrategy}), and asserts
 * that every signal emitted up to a cut is identical in the cut run and the full run.
 * `factory` is given the candles of the run it builds for, so a strategy that derives
 * anything from its data up front (a full-sample mean, a precomputed label) is caught too.
 * Returns the full run's signals.
 *
 * @example
 * ```ts ignore
 * await assertNoLookahead(() => new MyStrategy(params), candles, { cuts: 8, seed: 3 });
 * ```
 * @throws {AssertionError} naming the cut and the first differing signal.
 */
export async function assertNoLookahead(
  factory: (candles: readonly Candle[]) => Strategy,
  candles: readonly Candle[],
  options: NoLookaheadOptions = {},
): Promise<readonly RecordedSignal[]> {
  const { cuts = 5, seed = 1, ...run } = options;
  const full = await runStrategy(factory(candles), { ...run, candles });
  const opens = [...new Set(candles.map((c) => c.openTime))].sort((a, b) => a - b);
  if (opens.length < 3) throw new RangeError("assertNoLookahead needs at least 3 bar times");
  const next = random(seed);
  for (let k = 0; k < cuts; k++) {
    // Keep at least one bar on each side of the cut.
    const index = 1 + Math.floor(next() * (opens.length - 2));
    const cut = opens[index] as Micros;
    const kept = candles.filter((c) => c.openTime < cut);
    const until = Math.max(...kept.map((c) => c.openTime + intervalMicros(c.interval)));
    const partial = await runStrategy(factory(kept), { ...run, candles: kept });
    const expected = comparable(full.signals, until);
    const actual = comparable(partial.signals, until);
    const at = firstDifference(expected, actual);
    if (at === -1) continue;
    throw new AssertionError({
      message: [
        `Look-ahead: with the data cut at ${toIso(cut)} (bar ${index}), signal #${at} differs:`,
        `  full run: ${expected[at] ?? "(none)"}`,
        `  cut run:  ${actual[at] ?? "(none)"}`,
        "A strategy must not use bars after the one it is handling.",
      ].join("\n"),
    });
  }
  return full.signals;
}

/** Options of {@linkcode assertSnapshotRestore}. */
export interface SnapshotRestoreOptions extends CollectSignalsOptions {
  /** Indices into the time-sorted `candles` at which to snapshot (before that candle). */
  readonly at: readonly number[];
}

/**
 * For each index `k` of `options.at`: runs a fresh strategy over the first `k` candles,
 * takes its snapshot, passes it through `JSON.stringify`/`JSON.parse`, restores it into
 * another fresh strategy and runs that over the rest; asserts that the signals of the rest
 * equal those of the uninterrupted run. Uses {@linkcode collectSignals} (no engine), so
 * feed candles at the strategy's own interval(s).
 *
 * @throws {AssertionError} naming the cut and the first differing signal.
 */
export function assertSnapshotRestore(
  factory: () => Strategy,
  candles: readonly Candle[],
  options: SnapshotRestoreOptions,
): void {
  const closeOf = (c: Candle): number => c.openTime + intervalMicros(c.interval);
  const ordered = [...candles].sort((a, b) => closeOf(a) - closeOf(b));
  const full = collectSignals(factory(), ordered, options);
  for (const k of options.at) {
    if (!Number.isInteger(k) || k < 0 || k > ordered.length) {
      throw new RangeError(`assertSnapshotRestore: cut ${k} is outside 0..${ordered.length}`);
    }
    const first = factory();
    collectSignals(first, ordered.slice(0, k), options);
    const state = JSON.parse(JSON.stringify(first.snapshot())) as JsonValue;
    const second = factory();
    second.restore(state);
    const from = k < ordered.length ? closeOf(ordered[k] as Candle) : Infinity;
    const rest = collectSignals(second, ordered.slice(k), options);
    const expected = full.filter((s) => s.ts >= from).map((s) =>
      `${toIso(s.ts)} ${JSON.stringify(s.signal)}`
    );
    const actual = rest.map((s) => `${toIso(s.ts)} ${JSON.stringify(s.signal)}`);
    const at = firstDifference(expected, actual);
    if (at === -1) continue;
    throw new AssertionError({
      message: [
        `Snapshot/restore before candle ${k}: signal #${at} after the restore differs:`,
        `  uninterrupted: ${expected[at] ?? "(none)"}`,
        `  restored:      ${actual[at] ?? "(none)"}`,
      ].join("\n"),
    });
  }
}
