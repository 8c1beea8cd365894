/**
 * Two bias checks for any strategy, on real data:
 *
 * - look-ahead: the strategy run on data cut at random bar times must emit the same signals up
 *   to each cut as on the whole data (the test kit's {@linkcode assertNoLookahead}, through
 *   the real engine and candle venue), else it reads bars it could not have seen;
 * - recursive indicators: the strategy started later (`start` bars dropped) must, after
 *   `warmup` bars, emit the same signals as the run from the first bar. If it does not, its
 *   state depends on more history than `warmup` bars — an exponentially smoothed indicator
 *   that has not converged, a cumulative statistic — so backtests starting at different dates
 *   (and a live run started today) disagree.
 *
 * @module
 */

import { AssertionError } from "node:assert";
import { type Candle, type Micros, toIso } from "../domain/mod.ts";
import type { Strategy } from "../strategies/mod.ts";
import { assertNoLookahead, collectSignals, type RecordedSignal } from "../testing/mod.ts";

/** The outcome of {@linkcode lookaheadAnalysis}. */
export interface LookaheadReport {
  /** Whether every cut agreed with the full run. */
  readonly passed: boolean;
  /** The number of cuts tried. */
  readonly cuts: number;
  /** Signals of the full run. */
  readonly signals: number;
  /** The first disagreement, or "". */
  readonly message: string;
}

/**
 * Runs the look-ahead check; a disagreement is reported, not thrown. `factory` gets the
 * candles of the run it builds for (so a strategy that derives anything from its data up front
 * is caught too).
 *
 * @example
 * ```ts ignore
 * const report = await lookaheadAnalysis(() => registry.create(name, params), candles);
 * ```
 */
export async function lookaheadAnalysis(
  factory: (candles: readonly Candle[]) => Strategy,
  candles: readonly Candle[],
  options: { readonly cuts?: number; readonly seed?: number } = {},
): Promise<LookaheadReport> {
  const cuts = options.cuts ?? 5;
  try {
    const signals = await assertNoLookahead(factory, candles, { cuts, seed: options.seed ?? 1 });
    return { passed: true, cuts, signals: signals.length, message: "" };
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    return { passed: false, cuts, signals: 0, message: error.message };
  }
}

/** One late start of {@linkcode recursiveAnalysis}. */
export interface RecursiveStart {
  /** Bars dropped from the beginning. */
  readonly start: number;
  /** Signals compared (after the warm-up) in the late and the full run together. */
  readonly compared: number;
  /** Whether they were the same. */
  readonly agrees: boolean;
  /** The first differing signal, or "". */
  readonly firstDifference: string;
}

/** The outcome of {@linkcode recursiveAnalysis}. */
export interface RecursiveReport {
  /** Whether every late start agreed after its warm-up. */
  readonly passed: boolean;
  /** Warm-up bars before signals are compared. */
  readonly warmup: number;
  /** Per late start. */
  readonly starts: readonly RecursiveStart[];
}

function describe(signal: RecordedSignal | undefined): string {
  return signal === undefined ? "(none)" : `${toIso(signal.ts)} ${JSON.stringify(signal.signal)}`;
}

/**
 * Runs the strategy from bar 0 and from each of `starts`, and compares the signals from
 * `warmup` bars after each late start on (through the strategy host, without an engine:
 * signals only, positions flat).
 *
 * @throws {RangeError} when a start plus the warm-up leaves no bars.
 */
export function recursiveAnalysis(
  factory: () => Strategy,
  candles: readonly Candle[],
  options: { readonly starts: readonly number[]; readonly warmup: number },
): RecursiveReport {
  const opens = [...new Set(candles.map((c) => c.openTime))].sort((a, b) => a - b);
  const full = collectSignals(factory(), candles);
  const starts = options.starts.filter((s) => s > 0).map((start): RecursiveStart => {
    const from = opens[start + options.warmup] as Micros | undefined;
    if (from === undefined) {
      throw new RangeError(
        `start ${start} + warm-up ${options.warmup} bars is past the ${opens.length} bars`,
      );
    }
    const late = collectSignals(factory(), candles.filter((c) => c.openTime >= opens[start]));
    const expected = full.filter((s) => s.ts >= from);
    const actual = late.filter((s) => s.ts >= from);
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const a = describe(expected[i]);
      const b = describe(actual[i]);
      if (a !== b) {
        return {
          start,
          compared: expected.length + actual.length,
          agrees: false,
          firstDifference: `signal #${i} from ${
            toIso(from)
          }: from bar 0: ${a}; from bar ${start}: ${b}`,
        };
      }
    }
    return { start, compared: expected.length + actual.length, agrees: true, firstDifference: "" };
  });
  return { passed: starts.every((s) => s.agrees), warmup: options.warmup, starts };
}
