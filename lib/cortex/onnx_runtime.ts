/**
 * The one module that touches `onnxruntime-node`. It is imported lazily, on the first ONNX
 * model, so a run without one never loads the native library (which needs `--allow-ffi`).
 * Install scripts of the package stay denied: its CPU binary ships inside the npm package, and
 * the CUDA download its script would do is neither possible nor needed here.
 *
 * @module
 */

type Ort = typeof import("onnxruntime-node");
type OrtSession = Awaited<ReturnType<Ort["InferenceSession"]["create"]>>;

let runtime: Promise<Ort> | undefined;

function loadRuntime(): Promise<Ort> {
  runtime ??= import("onnxruntime-node").then((ort) => {
    // A provider that cannot load is reported once by the caller (as a fallback warning);
    // the runtime's own logging would print it again as an error line.
    ort.env.logLevel = "fatal";
    return ort;
  });
  return runtime;
}

/** A batch-1 inference bound to preallocated input and output buffers. */
export interface BoundInference {
  /** Runs the model on the current contents of the input buffer; resolves to the output buffer. */
  run(): Promise<Float32Array>;
}

/** An ONNX Runtime session of one model on a fixed list of execution providers. */
export interface OnnxSession {
  /** The providers the session was created with. */
  readonly providers: readonly string[];
  /** Input names, in model order. */
  readonly inputNames: readonly string[];
  /** Output names, in model order. */
  readonly outputNames: readonly string[];
  /**
   * Wraps `input` (shape `inputDims`) and the output `outputName`'s buffer `output` (shape
   * `outputDims`) as tensors once; each run reads the input buffer and writes the output buffer
   * in place.
   */
  bind(
    input: Float32Array,
    inputDims: readonly number[],
    outputName: string,
    output: Float32Array,
    outputDims: readonly number[],
  ): BoundInference;
}

/**
 * Creates a session of the ONNX model `bytes` on `providers` (ONNX Runtime's names: `cpu`,
 * `cuda`, `tensorrt`).
 *
 * @throws {Error} from ONNX Runtime when the model is invalid or a provider cannot load.
 */
export async function createOnnxSession(
  bytes: Uint8Array,
  providers: readonly string[],
): Promise<OnnxSession> {
  const ort = await loadRuntime();
  const session: OrtSession = await ort.InferenceSession.create(bytes, {
    executionProviders: [...providers],
    graphOptimizationLevel: "all",
  });
  const inputName = session.inputNames[0];
  return {
    providers: [...providers],
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    bind(input, inputDims, outputName, output, outputDims): BoundInference {
      const feeds = { [inputName]: new ort.Tensor("float32", input, [...inputDims]) };
      const fetches = { [outputName]: new ort.Tensor("float32", output, [...outputDims]) };
      return {
        run: async (): Promise<Float32Array> => {
          await session.run(feeds, fetches);
          return output;
        },
      };
    },
  };
}

/**
 * Whether `provider` can run `bytes` here: `undefined` when it can, else ONNX Runtime's reason
 * (e.g. "Failed to load shared library" for CUDA without its libraries).
 */
export async function probeProvider(
  bytes: Uint8Array,
  provider: string,
): Promise<string | undefined> {
  const ort = await loadRuntime();
  try {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
    await session.release();
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^OrtSessionOptionsAppendExecutionProvider_\w+: /, "");
  }
}
