/**
 * The supervised data set of `deno task train-ml`: one row per closed bar, its features from
 * that bar and the ones before it only ({@linkcode computeMlFeatures}, the function
 * MlClassifier runs live), and its label from the bars after it. Split by time, with the rows
 * whose label window crosses into the next split dropped (purged).
 *
 * @module
 */

import { type Candle, intervalMicros } from "../lib/domain/mod.ts";
import {
  computeMlFeatures,
  mlFeatureNames,
  type MlFeatureSet,
  mlFeatureWindow,
} from "../lib/strategies/mod.ts";
import type { Dataset } from "../lib/cortex/mod.ts";

/** Options of {@linkcode buildMlDataset}. */
export interface MlDatasetOptions {
  /** The feature set. */
  readonly features: MlFeatureSet;
  /** Returns per row for the `returns` set. */
  readonly lookback: number;
  /** The label: does the close `horizon` bars later exceed this bar's close? */
  readonly horizon: number;
  /** Feature rows per sample (N > 1: the last N rows, oldest first, flattened). */
  readonly sequence: number;
}

/** Samples in time order. */
export interface MlDataset extends Dataset {
  /** When each sample's features are known: its bar's close (µs). */
  readonly times: Float64Array;
  /** Feature names of one row. */
  readonly names: readonly string[];
}

/**
 * Builds the samples of `candles` (one symbol, in time order).
 *
 * @throws {RangeError} when the candles are out of order.
 */
export function buildMlDataset(candles: readonly Candle[], options: MlDatasetOptions): MlDataset {
  const { features, lookback, horizon, sequence } = options;
  const window = mlFeatureWindow(features, lookback);
  const names = mlFeatureNames(features, lookback);
  const width = names.length;
  const rows: Float64Array[] = [];
  const row = new Float64Array(width);
  // rows[k] is the feature row of bar k + window - 1.
  for (let t = window - 1; t < candles.length; t++) {
    if (t > 0 && candles[t].openTime <= candles[t - 1].openTime) {
      throw new RangeError(`buildMlDataset: candle ${t} is not after candle ${t - 1}`);
    }
    computeMlFeatures(features, lookback, candles.slice(t - window + 1, t + 1), row);
    rows.push(Float64Array.from(row));
  }
  const first = window - 1 + sequence - 1;
  const count = Math.max(0, candles.length - horizon - first);
  const x = new Float64Array(count * width * sequence);
  const y = new Uint8Array(count);
  const times = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const t = first + s;
    for (let k = 0; k < sequence; k++) {
      x.set(rows[t - (window - 1) - (sequence - 1) + k], (s * sequence + k) * width);
    }
    y[s] = candles[t + horizon].close > candles[t].close ? 1 : 0;
    times[s] = candles[t].openTime + intervalMicros(candles[t].interval);
  }
  return { x, y, times, features: width * sequence, names };
}

/** One split of a data set. */
export interface MlSplit extends MlDataset {
  /** Which split. */
  readonly name: "train" | "validation" | "test";
}

function slice(data: MlDataset, name: MlSplit["name"], from: number, to: number): MlSplit {
  const w = data.features;
  return {
    name,
    x: data.x.slice(from * w, to * w),
    y: data.y.slice(from, to),
    times: data.times.slice(from, to),
    features: w,
    names: data.names,
  };
}

/**
 * Splits by time into train / validation / test (`fractions` of the samples for the first
 * two), dropping the last `purge` samples of train and validation, whose labels look into the
 * next split.
 */
export function splitByTime(
  data: MlDataset,
  fractions: readonly [number, number],
  purge: number,
): readonly [MlSplit, MlSplit, MlSplit] {
  const n = data.y.length;
  const a = Math.floor(n * fractions[0]);
  const b = Math.floor(n * (fractions[0] + fractions[1]));
  return [
    slice(data, "train", 0, Math.max(0, a - purge)),
    slice(data, "validation", a, Math.max(a, b - purge)),
    slice(data, "test", b, n),
  ];
}
