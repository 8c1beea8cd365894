/**
 * What a strategy asks of a model: the feature row it will push, how many rows make one
 * model input, and where the model is. The strategy only declares it; the session loads the
 * model, checks it against the declaration and delivers the model's answers as events.
 *
 * @module
 */

/** A model a strategy feeds, as the strategy declares it. */
export interface ModelSpec {
  /** Names the model in the strategy's requests and in the inference events (e.g. `"ml"`). */
  readonly id: string;
  /** The model file: a linear model TOML (`bias`, `weights`) or an ONNX file (`.onnx`). */
  readonly path: string;
  /** One name per column of a feature row, in column order. */
  readonly features: readonly string[];
  /** Rows per model input: 1 feeds the latest row, N feeds the last N rows as one tensor. */
  readonly window: number;
  /** The ONNX input's name, when the strategy insists on one (default: the model's only input). */
  readonly input?: string;
  /** The ONNX output to read, when the strategy names one (default: the model's first output). */
  readonly output?: string;
  /**
   * ONNX execution providers in order of preference (`"cuda"`, `"tensorrt"`, `"cpu"`);
   * unavailable ones fall back to CPU with one warning. Default `["cpu"]`.
   */
  readonly executionProviders?: readonly string[];
}

/** A model's answer to one request, as a strategy receives it. */
export interface Inference {
  /** The {@linkcode ModelSpec.id}. */
  readonly model: string;
  /** The model's output values (a classifier's probability, a linear model's score). */
  readonly output: readonly number[];
  /** When the strategy pushed the row that completed the input (µs). */
  readonly requestedAt: number;
}
