/**
 * MlClassifier (Tesser's seed strategy): a model scores each closed bar from features of the
 * recent bars and the score decides the position. At or above `threshold_long` it goes long
 * (exiting a short first); at or below `threshold_short` it exits the long and, with
 * `allow_short`, goes short; in between it holds.
 *
 * The strategy never loads or runs the model (no I/O): it declares the model (path, feature
 * names, window) in {@linkcode MlClassifier.models}, pushes one feature row per bar, and acts on
 * the `inference` answer the session delivers. With a linear model TOML the answer is the raw
 * score `bias + Σ wᵢ·xᵢ` (the seed's thresholds ±0.15 are scores) and arrives at the same
 * instant; with an ONNX classifier it is the probability of an up move (thresholds such as
 * 0.55 / 0.45, see the model card) and arrives after the modelled inference latency.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, Inference, ModelSpec, SymbolId } from "../domain/mod.ts";
import {
  History,
  intervalParam,
  requireBelow,
  SnapshotReader,
  symbolField,
  symbolParam,
} from "./_support.ts";
import {
  computeMlFeatures,
  type FeatureBar,
  ML_FEATURE_SETS,
  mlFeatureNames,
  mlFeatureWindow,
} from "./ml_features.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";

const NAME = "MlClassifier";

/** The id of the model in {@linkcode MlClassifier.models}. */
export const ML_CLASSIFIER_MODEL = "classifier";

const params = field.table({
  symbol: symbolField,
  interval: field.string({ default: "1m", description: "bar interval the features run on" }),
  model_path: field.string({
    required: true,
    description: "linear model TOML (bias, weights) or ONNX classifier (.onnx)",
  }),
  features: field.enum(ML_FEATURE_SETS, {
    default: "returns",
    description: "feature set: returns (the last lookback returns) or indicators",
  }),
  lookback: field.number({
    integer: true,
    min: 1,
    max: 500,
    default: 20,
    description: "bars of returns in a row of the returns feature set",
  }),
  sequence_length: field.number({
    integer: true,
    min: 1,
    max: 1000,
    default: 1,
    description: "feature rows per model input (N > 1: the last N rows as one tensor)",
  }),
  threshold_long: field.number({
    default: 0.15,
    description: "go long when the model's answer is at or above this",
  }),
  threshold_short: field.number({
    default: -0.15,
    description: "exit the long (short with allow_short) at or below this",
  }),
  allow_short: field.boolean({ default: false, description: "go short below threshold_short" }),
  execution_providers: field.array(field.string(), {
    default: ["cpu"],
    description: "ONNX execution providers in order (cuda, tensorrt fall back to cpu)",
  }),
});

/** Validated MlClassifier parameters. */
export interface MlClassifierParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** The model file. */
  readonly model_path: string;
  /** The feature set. */
  readonly features: "returns" | "indicators";
  /** Returns per row (`returns` set). */
  readonly lookback: number;
  /** Rows per model input. */
  readonly sequence_length: number;
  /** Long at or above. */
  readonly threshold_long: number;
  /** Exit long (or short) at or below. */
  readonly threshold_short: number;
  /** Allow shorts. */
  readonly allow_short: boolean;
  /** ONNX execution providers. */
  readonly execution_providers: readonly string[];
}

/** The MlClassifier strategy instance. */
export class MlClassifier implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  /** The one model it feeds. */
  readonly models: readonly ModelSpec[];
  readonly #params: MlClassifierParams;
  readonly #symbol: SymbolId;
  readonly #bars: History<FeatureBar>;
  readonly #window: number;
  readonly #row: Float64Array;

  /** Builds the strategy; throws a `ConfigError` for inconsistent thresholds or names. */
  constructor(params: MlClassifierParams) {
    requireBelow(
      NAME,
      "threshold_short",
      params.threshold_short,
      "threshold_long",
      params.threshold_long,
    );
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const interval = intervalParam(NAME, params.interval);
    if (params.model_path.trim() === "") {
      throw paramError(NAME, "model_path", "must name a model file");
    }
    this.#params = params;
    this.#window = mlFeatureWindow(params.features, params.lookback);
    const names = mlFeatureNames(params.features, params.lookback);
    this.#bars = new History(this.#window);
    this.#row = new Float64Array(names.length);
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval }];
    this.models = [{
      id: ML_CLASSIFIER_MODEL,
      path: params.model_path,
      features: names,
      window: params.sequence_length,
      executionProviders: params.execution_providers,
    }];
  }

  /** Pushes the bar's feature row once enough bars are in. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    if (candle.symbol !== this.#symbol) return;
    this.#bars.push({
      high: candle.high,
      low: candle.low,
      close: candle.close,
      volume: candle.volume,
    });
    if (this.#bars.length < this.#window) return;
    computeMlFeatures(this.#params.features, this.#params.lookback, this.#bars.items, this.#row);
    ctx.pushFeatures(ML_CLASSIFIER_MODEL, this.#row);
  }

  /** Acts on the model's answer. */
  onInference(inference: Inference, ctx: StrategyContext): void {
    if (inference.model !== ML_CLASSIFIER_MODEL) return;
    const score = inference.output[0];
    if (score === undefined || !Number.isFinite(score)) return;
    const symbol = this.#symbol;
    const position = ctx.position(symbol);
    const note = `score ${score.toPrecision(6)}`;
    if (score >= this.#params.threshold_long) {
      if (position > 0) return;
      if (position < 0) ctx.signal({ symbol, kind: "exit-short", confidence: 1, note });
      ctx.signal({ symbol, kind: "enter-long", confidence: 1, note });
    } else if (score <= this.#params.threshold_short) {
      if (position > 0) ctx.signal({ symbol, kind: "exit-long", confidence: 1, note });
      if (this.#params.allow_short && position >= 0) {
        ctx.signal({ symbol, kind: "enter-short", confidence: 1, note });
      }
    }
  }

  /** The recent bars (the features are a function of them). */
  snapshot(): JsonValue {
    return {
      bars: this.#bars.items.map((b) => [b.high, b.low, b.close, b.volume]),
    };
  }

  /** Restores a {@linkcode MlClassifier.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const rows = reader.rows("bars", 4);
    this.#bars.clear();
    for (const [high, low, close, volume] of rows) {
      this.#bars.push({ high, low, close, volume });
    }
  }
}

/** The registry entry of {@linkcode MlClassifier}. */
export const mlClassifierDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["ml_classifier", "ml-classifier"],
  description:
    "a model (linear TOML or ONNX) scores each bar's features; long above a threshold, out (or short) below",
  params,
  create: (values) => new MlClassifier(values),
};
