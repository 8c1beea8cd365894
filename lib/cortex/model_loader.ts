/**
 * Loads the models a strategy declares: a linear model TOML becomes a synchronous scorer (pure
 * TypeScript), an `.onnx` file a {@linkcode CortexEngine} (asynchronous). Both are checked
 * against the strategy's feature spec before anything runs.
 *
 * @module
 */

import { readConfigFile } from "../config/mod.ts";
import { ConfigError, type ModelSpec } from "../domain/mod.ts";
import { CortexEngine } from "./cortex_engine.ts";
import {
  checkLinearModel,
  type LinearModel,
  linearScore,
  parseLinearModel,
} from "./linear_model.ts";

/** A model answered on the spot: the linear model. */
export interface SyncModel {
  /** Discriminant. */
  readonly kind: "sync";
  /** The declaration it was checked against. */
  readonly spec: ModelSpec;
  /** The parsed model. */
  readonly linear: LinearModel;
  /** Answers at once (one value: the score). */
  run(input: Float32Array): readonly number[];
}

/** A model answered later: an ONNX model in ONNX Runtime. */
export interface AsyncModel {
  /** Discriminant. */
  readonly kind: "async";
  /** The declaration it was checked against. */
  readonly spec: ModelSpec;
  /** The engine. */
  readonly engine: CortexEngine;
  /** Resolves to the output values. */
  run(input: Float32Array): Promise<readonly number[]>;
}

/** A loaded, checked model. */
export type LoadedModel = SyncModel | AsyncModel;

/** Options of {@linkcode loadModel}. */
export interface LoadModelOptions {
  /** The strategy that feeds the model (named in errors). */
  readonly owner: string;
  /** Receives a provider-fallback warning (default `console.warn`). */
  readonly warn?: (message: string) => void;
}

/**
 * Loads and checks the model `spec` declares.
 *
 * @throws {ConfigError} when the file cannot be read or parsed, or does not fit the spec.
 */
export async function loadModel(spec: ModelSpec, options: LoadModelOptions): Promise<LoadedModel> {
  const path = spec.path;
  if (path.toLowerCase().endsWith(".onnx")) {
    const engine = await CortexEngine.load({ spec, owner: options.owner, warn: options.warn });
    return {
      kind: "async",
      spec,
      engine,
      run: async (input) => Array.from(await engine.run(input)),
    };
  }
  if (!path.toLowerCase().endsWith(".toml")) {
    throw new ConfigError("a model must be a linear model TOML (.toml) or an ONNX file (.onnx)", {
      location: { file: path },
    });
  }
  const linear = parseLinearModel(await readConfigFile(path, "linear model"), path);
  checkLinearModel(linear, spec, options.owner);
  return { kind: "sync", spec, linear, run: (input) => [linearScore(linear, input)] };
}

/**
 * Loads every model of `specs`, by id.
 *
 * @throws {ConfigError} for two models with one id, or any model {@linkcode loadModel} refuses.
 */
export async function loadModels(
  specs: readonly ModelSpec[],
  options: LoadModelOptions,
): Promise<ReadonlyMap<string, LoadedModel>> {
  const models = new Map<string, LoadedModel>();
  for (const spec of specs) {
    if (models.has(spec.id)) {
      throw new ConfigError(`strategy ${options.owner} declares two models with id "${spec.id}"`);
    }
    models.set(spec.id, await loadModel(spec, options));
  }
  return models;
}
