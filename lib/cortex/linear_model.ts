/**
 * The linear model of Tesser's `MlClassifier`: a TOML file with `bias` and `weights` (and,
 * optionally, the `features` they belong to). Its score is `bias + Σ weightᵢ · xᵢ`, computed
 * synchronously in TypeScript; no ONNX Runtime involved.
 *
 * @module
 */

import { parseToml } from "../config/mod.ts";
import { ConfigError, type ModelSpec } from "../domain/mod.ts";
import { describeFeatures, describeSpec, inputSize } from "./_spec.ts";

/** A parsed linear model. */
export interface LinearModel {
  /** The file it came from (for messages). */
  readonly path: string;
  /** The intercept. */
  readonly bias: number;
  /** One weight per input value (window × features, row by row). */
  readonly weights: Float64Array;
  /** The feature names the weights were fitted on, when the file lists them. */
  readonly features?: readonly string[];
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * Parses a linear model TOML read from `path`.
 *
 * @throws {ConfigError} naming the file for a TOML error, a missing or non-numeric `bias`,
 * an empty or non-numeric `weights`, or `features` that are not strings or not one per weight.
 */
export function parseLinearModel(text: string, path: string): LinearModel {
  const table = parseToml(text, path);
  const location = { file: path };
  const known = ["bias", "weights", "features"];
  for (const key of Object.keys(table)) {
    if (!known.includes(key)) {
      throw new ConfigError(`unknown key "${key}" in a linear model`, {
        location,
        hint: `a linear model has ${known.join(", ")}`,
      });
    }
  }
  if (!isFiniteNumber(table.bias)) {
    throw new ConfigError("a linear model needs a numeric bias", {
      location,
      hint: "bias = 0.01",
    });
  }
  const weights = table.weights;
  if (!Array.isArray(weights) || weights.length === 0 || !weights.every(isFiniteNumber)) {
    throw new ConfigError("a linear model needs weights: a non-empty array of numbers", {
      location,
      hint: "weights = [0.15, 0.12, -0.1]",
    });
  }
  let features: readonly string[] | undefined;
  if (table.features !== undefined) {
    const names = table.features;
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
      throw new ConfigError("features must be an array of strings", { location });
    }
    features = names as string[];
  }
  return {
    path,
    bias: table.bias,
    weights: Float64Array.from(weights),
    ...(features === undefined ? {} : { features }),
  };
}

/**
 * Checks that `model` takes what the strategy feeds: as many weights as input values and, when
 * the file names its features, the same names in the same order.
 *
 * @throws {ConfigError} naming the model's side and the strategy's side.
 */
export function checkLinearModel(model: LinearModel, spec: ModelSpec, owner: string): void {
  const size = inputSize(spec);
  const location = { file: model.path };
  if (model.features !== undefined) {
    const expected = model.features.length === 0 ? 0 : model.weights.length / model.features.length;
    const same = model.features.length === spec.features.length &&
      model.features.every((name, i) => name === spec.features[i]);
    if (!same || expected !== spec.window) {
      throw new ConfigError(
        `the model was fitted on ${
          describeFeatures(model.features)
        } with ${model.weights.length} weights, but ${describeSpec(spec, owner)}`,
        { location, hint: "use the model made for this strategy's features, or retrain it" },
      );
    }
  }
  if (model.weights.length !== size) {
    throw new ConfigError(
      `the model has ${model.weights.length} weights, but ${
        describeSpec(spec, owner)
      } (${size} values)`,
      { location, hint: "the strategy's lookback (or feature set) must match the model's weights" },
    );
  }
}

/** The score `bias + Σ weightᵢ · inputᵢ` (input: the flattened window, row by row). */
export function linearScore(model: LinearModel, input: ArrayLike<number>): number {
  const weights = model.weights;
  let sum = model.bias;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * input[i];
  return sum;
}
