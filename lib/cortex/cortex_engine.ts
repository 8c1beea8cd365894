/**
 * {@linkcode CortexEngine}: one ONNX model loaded once, checked against the strategy's
 * feature spec at start, run batch-1 on CPU (or an available accelerator) with preallocated
 * tensors over the caller's buffers.
 *
 * @module
 */

import { ConfigError, type ModelSpec } from "../domain/mod.ts";
import { describeFeatures, describeSpec, inputSize } from "./_spec.ts";
import {
  type BoundInference,
  createOnnxSession,
  type OnnxSession,
  probeProvider,
} from "./onnx_runtime.ts";
import { type OnnxTensorInfo, readOnnxModelInfo } from "./onnx_format.ts";

/** Execution providers `execution_providers` may name. */
export const EXECUTION_PROVIDERS: readonly string[] = ["cpu", "cuda", "tensorrt"];

/** Options of {@linkcode CortexEngine.load}. */
export interface CortexEngineOptions {
  /** The strategy's declaration of the model. */
  readonly spec: ModelSpec;
  /** The strategy that feeds it (named in errors and warnings). */
  readonly owner: string;
  /** The model file's bytes (default: read from `spec.path`). */
  readonly bytes?: Uint8Array;
  /** Receives the one warning of a provider fallback (default `console.warn`). */
  readonly warn?: (message: string) => void;
}

function shapeText(info: OnnxTensorInfo): string {
  return `${info.type}[${info.dims.join(", ")}]`;
}

async function readModel(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new ConfigError(`cannot read the model: ${reason}`, {
      location: { file: path },
      hint: "model_path is relative to the working directory; `deno task train-ml` writes one",
      cause: error,
    });
  }
}

function resolveProviders(spec: ModelSpec): readonly string[] {
  const requested = (spec.executionProviders ?? ["cpu"]).map((p) => p.toLowerCase());
  for (const provider of requested) {
    if (!EXECUTION_PROVIDERS.includes(provider)) {
      throw new ConfigError(`unknown execution provider "${provider}"`, {
        location: { file: spec.path },
        hint: `execution_providers may list ${EXECUTION_PROVIDERS.join(", ")}`,
      });
    }
  }
  return requested.length === 0 ? ["cpu"] : [...new Set(requested)];
}

// The model must take float32 [1 or batch, features] (window 1) or [1 or batch, window, features].
function checkInput(info: OnnxTensorInfo, spec: ModelSpec, owner: string, path: string): void {
  const expected = spec.window === 1 ? [spec.features.length] : [spec.window, spec.features.length];
  const [batch, ...rest] = info.dims;
  const fits = info.type === "float32" && (batch === 1 || typeof batch === "string") &&
    rest.length === expected.length && rest.every((d, i) => d === expected[i]);
  if (!fits) {
    throw new ConfigError(
      `the model's input "${info.name}" is ${shapeText(info)}, but ${
        describeSpec(spec, owner)
      }, which needs float32[1, ${expected.join(", ")}]`,
      {
        location: { file: path },
        hint: "use the model made for this strategy's features and window, or retrain it",
      },
    );
  }
}

/** An ONNX model ready for batch-1 inference. */
export class CortexEngine {
  /** The declaration it was checked against. */
  readonly spec: ModelSpec;
  /** The providers in use, in order (always ending with `cpu`). */
  readonly providers: readonly string[];
  /** The model's input name. */
  readonly inputName: string;
  /** The output read (the spec's `output`, else the model's first). */
  readonly outputName: string;
  /** Values of that output per inference. */
  readonly outputSize: number;
  readonly #session: OnnxSession;
  readonly #inputDims: readonly number[];
  readonly #output: Float32Array;
  readonly #bound = new WeakMap<Float32Array, BoundInference>();
  #running = false;

  private constructor(
    spec: ModelSpec,
    session: OnnxSession,
    outputName: string,
    outputSize: number,
  ) {
    this.spec = spec;
    this.#session = session;
    this.providers = session.providers;
    this.inputName = session.inputNames[0];
    this.outputName = outputName;
    this.outputSize = outputSize;
    this.#inputDims = spec.window === 1
      ? [1, spec.features.length]
      : [1, spec.window, spec.features.length];
    this.#output = new Float32Array(outputSize);
  }

  /**
   * Loads the model of `options.spec`, checks its input (name when the spec gives one, shape,
   * type), its output (the named one, else the first) and its recorded feature names against
   * the spec, and creates the session. Providers from `spec.executionProviders` that cannot
   * load here are dropped with one warning; CPU is always the last resort.
   *
   * @throws {ConfigError} when the file is missing or not ONNX, an execution provider is
   * unknown, or the model does not take what the strategy feeds (naming both sides).
   */
  static async load(options: CortexEngineOptions): Promise<CortexEngine> {
    const { spec, owner } = options;
    const path = spec.path;
    const bytes = options.bytes ?? await readModel(path);
    const info = readOnnxModelInfo(bytes, path);
    const location = { file: path };
    if (info.inputs.length !== 1) {
      throw new ConfigError(
        `the model has ${info.inputs.length} inputs (${
          info.inputs.map((i) => i.name).join(", ")
        }); a strategy feeds exactly one`,
        { location },
      );
    }
    const input = info.inputs[0];
    if (spec.input !== undefined && input.name !== spec.input) {
      throw new ConfigError(
        `the model's input is named "${input.name}", but strategy ${owner} feeds "${spec.input}"`,
        { location, hint: "use the model made for this strategy, or re-export it with that name" },
      );
    }
    checkInput(input, spec, owner, path);
    const recorded = info.metadata.features;
    if (recorded !== undefined) {
      const names = recorded.split(",");
      if (names.length !== spec.features.length || names.some((n, i) => n !== spec.features[i])) {
        throw new ConfigError(
          `the model was trained on ${describeFeatures(names)}, but ${describeSpec(spec, owner)}`,
          { location, hint: "use the model made for this strategy's features, or retrain it" },
        );
      }
    }
    const output = spec.output === undefined
      ? info.outputs[0]
      : info.outputs.find((o) => o.name === spec.output);
    if (output === undefined && spec.output !== undefined) {
      throw new ConfigError(
        `the model has no output "${spec.output}", which strategy ${owner} reads (outputs: ${
          info.outputs.map((o) => o.name).join(", ") || "none"
        })`,
        { location },
      );
    }
    const outputSize = output?.dims.slice(1).reduce<number>(
      (n, d) => typeof d === "number" ? n * d : NaN,
      1,
    );
    if (output === undefined || output.type !== "float32" || !(Number(outputSize) >= 1)) {
      throw new ConfigError(
        `the model's output ${
          output === undefined ? "is missing" : `"${output.name}" is ${shapeText(output)}`
        }; expected float32[batch, n] with a fixed n`,
        { location },
      );
    }
    const requested = resolveProviders(spec);
    const usable: string[] = [];
    const missing: string[] = [];
    for (const provider of requested) {
      if (provider === "cpu") continue;
      const reason = await probeProvider(bytes, provider);
      if (reason === undefined) usable.push(provider);
      else missing.push(`${provider} (${reason})`);
    }
    if (missing.length > 0) {
      (options.warn ?? console.warn)(
        `model ${path}: execution provider${missing.length === 1 ? "" : "s"} ${
          missing.join(", ")
        } unavailable here; running on ${[...usable, "cpu"].join(", ")}`,
      );
    }
    const session = await createOnnxSession(bytes, [...usable, "cpu"]);
    return new CortexEngine(spec, session, output.name, Number(outputSize));
  }

  /** Values per input (window × features). */
  get inputSize(): number {
    return inputSize(this.spec);
  }

  /**
   * Runs the model on `input` (window × features values, row by row, e.g. a
   * {@linkcode FeatureBuffer} view). The tensor over each distinct input buffer is made once,
   * so a buffer's views cost nothing per call. Resolves to the output buffer, which the next
   * run overwrites.
   *
   * @throws {RangeError} for an input of the wrong length or a run while another is in flight.
   */
  async run(input: Float32Array): Promise<Float32Array> {
    if (input.length !== this.inputSize) {
      throw new RangeError(
        `CortexEngine.run: expected ${this.inputSize} values, got ${input.length}`,
      );
    }
    if (this.#running) throw new RangeError("CortexEngine.run: one inference at a time");
    let bound = this.#bound.get(input);
    if (bound === undefined) {
      bound = this.#session.bind(
        input,
        this.#inputDims,
        this.outputName,
        this.#output,
        [1, this.outputSize],
      );
      this.#bound.set(input, bound);
    }
    this.#running = true;
    try {
      return await bound.run();
    } finally {
      this.#running = false;
    }
  }
}
