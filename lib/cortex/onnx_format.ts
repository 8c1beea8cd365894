/**
 * The one module that touches `onnx-proto` (the ONNX protobuf schema, encoded by protobufjs):
 * reads a model's declared inputs, outputs and metadata, and writes the feed-forward
 * classifiers `deno task train-ml` fits. Nothing here hand-encodes protobuf.
 *
 * @module
 */

import * as onnxProto from "onnx-proto";
import { ConfigError } from "../domain/mod.ts";

// onnx-proto is CommonJS (`module.exports = root`); Deno exposes it as the default export.
const { onnx } = (onnxProto as unknown as { readonly default?: typeof onnxProto }).default ??
  onnxProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** One declared input or output of an ONNX graph. */
export interface OnnxTensorInfo {
  /** Its name in the graph. */
  readonly name: string;
  /** The element type, e.g. `float32` (ONNX's `FLOAT`), or `type N` for others. */
  readonly type: string;
  /** Dimensions: a number for a fixed size, a string for a symbolic one (e.g. `batch`). */
  readonly dims: readonly (number | string)[];
}

/** What an ONNX file declares. */
export interface OnnxModelInfo {
  /** Graph inputs that are not initializers (weights). */
  readonly inputs: readonly OnnxTensorInfo[];
  /** Graph outputs. */
  readonly outputs: readonly OnnxTensorInfo[];
  /** `metadata_props` as a record. */
  readonly metadata: Readonly<Record<string, string>>;
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: "float32",
  7: "int64",
  11: "float64",
  6: "int32",
};

function tensorInfo(value: onnxProto.onnx.IValueInfoProto): OnnxTensorInfo {
  const tensor = value.type?.tensorType;
  const elemType = tensor?.elemType ?? 0;
  const dims = (tensor?.shape?.dim ?? []).map((dim) =>
    dim.dimParam !== undefined && dim.dimParam !== null && dim.dimParam !== ""
      ? dim.dimParam
      : Number(dim.dimValue ?? 0)
  );
  return { name: value.name ?? "", type: TYPE_NAMES[elemType] ?? `type ${elemType}`, dims };
}

/**
 * Decodes the declared inputs, outputs and metadata of the ONNX model `bytes` read from `path`.
 *
 * @throws {ConfigError} naming the file when it is not an ONNX model.
 */
export function readOnnxModelInfo(bytes: Uint8Array, path: string): OnnxModelInfo {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ConfigError(`not an ONNX model: ${(error as Error).message}`, {
      location: { file: path },
      hint: "model_path must name a .onnx file written by an ONNX exporter (or a linear TOML)",
      cause: error,
    });
  }
  const graph = model.graph;
  if (graph === null || graph === undefined) {
    throw new ConfigError("not an ONNX model: it has no graph", { location: { file: path } });
  }
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  return {
    inputs: (graph.input ?? []).filter((i) => !weights.has(i.name ?? "")).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    metadata: Object.fromEntries(
      (model.metadataProps ?? []).map((p) => [p.key ?? "", p.value ?? ""]),
    ),
  };
}

/** One fully connected layer `y = act(x · W + b)`. */
export interface DenseLayer {
  /** Inputs. */
  readonly inputs: number;
  /** Outputs. */
  readonly outputs: number;
  /** `inputs × outputs` weights, row-major (`W[i][j]` at `i * outputs + j`). */
  readonly weights: ArrayLike<number>;
  /** `outputs` biases. */
  readonly bias: ArrayLike<number>;
  /** The activation after the layer. */
  readonly activation: "relu" | "sigmoid" | "none";
}

/** Options of {@linkcode encodeOnnxClassifier}. */
export interface OnnxClassifierOptions {
  /** Feature names of one row (stored in the metadata as `features`, comma-separated). */
  readonly features: readonly string[];
  /** Rows per input: 1 gives an input `[batch, features]`, N gives `[batch, N, features]`. */
  readonly window: number;
  /** The layers, first to last; the last has one output (the probability). */
  readonly layers: readonly DenseLayer[];
  /** More metadata (model card facts). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const INPUT = "features";
const OUTPUT = "probability";

function valueInfo(
  name: string,
  dims: readonly (number | string)[],
): onnxProto.onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: {
          dim: dims.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d }),
        },
      },
    },
  });
}

function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): onnxProto.onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: FLOAT,
    floatData: Array.from(values),
  });
}

/**
 * Encodes a feed-forward binary classifier as an ONNX model (opset 17): input `features`
 * (float32), output `probability` (float32 `[batch, 1]`).
 *
 * @throws {RangeError} when the layers do not chain or do not end in one output.
 */
export function encodeOnnxClassifier(options: OnnxClassifierOptions): Uint8Array {
  const { features, window, layers } = options;
  const width = features.length * window;
  let previous = width;
  for (const [i, layer] of layers.entries()) {
    if (layer.inputs !== previous) {
      throw new RangeError(`layer ${i} takes ${layer.inputs} inputs, but ${previous} come in`);
    }
    if (layer.weights.length !== layer.inputs * layer.outputs) {
      throw new RangeError(`layer ${i} needs ${layer.inputs * layer.outputs} weights`);
    }
    if (layer.bias.length !== layer.outputs) {
      throw new RangeError(`layer ${i} needs ${layer.outputs} biases`);
    }
    previous = layer.outputs;
  }
  if (layers.length === 0 || previous !== 1) {
    throw new RangeError("a classifier's last layer must have exactly one output");
  }
  const nodes: onnxProto.onnx.NodeProto[] = [];
  const initializers: onnxProto.onnx.TensorProto[] = [];
  let current = INPUT;
  if (window > 1) {
    nodes.push(onnx.NodeProto.create({
      opType: "Flatten",
      input: [INPUT],
      output: ["flat"],
      attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    }));
    current = "flat";
  }
  for (const [i, layer] of layers.entries()) {
    const last = i === layers.length - 1;
    initializers.push(floatTensor(`W${i}`, [layer.inputs, layer.outputs], layer.weights));
    initializers.push(floatTensor(`b${i}`, [layer.outputs], layer.bias));
    const linear = layer.activation === "none" && last ? OUTPUT : `z${i}`;
    nodes.push(onnx.NodeProto.create({
      opType: "Gemm",
      input: [current, `W${i}`, `b${i}`],
      output: [linear],
    }));
    current = linear;
    if (layer.activation !== "none") {
      const activated = last ? OUTPUT : `a${i}`;
      nodes.push(onnx.NodeProto.create({
        opType: layer.activation === "relu" ? "Relu" : "Sigmoid",
        input: [linear],
        output: [activated],
      }));
      current = activated;
    }
  }
  const inputDims = window > 1 ? ["batch", window, features.length] : ["batch", features.length];
  const graph = onnx.GraphProto.create({
    name: "tesser_classifier",
    node: nodes,
    initializer: initializers,
    input: [valueInfo(INPUT, inputDims)],
    output: [valueInfo(OUTPUT, ["batch", 1])],
  });
  const metadata = { ...options.metadata, features: features.join(","), window: String(window) };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "tesser train-ml",
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Reads back the layers of a classifier written by {@linkcode encodeOnnxClassifier}: each
 * `Gemm` with its weight and bias initializers, and the `Relu`/`Sigmoid` after it.
 *
 * @throws {ConfigError} naming the file when it is not such a model.
 */
export function readDenseLayers(bytes: Uint8Array, path: string): DenseLayer[] {
  readOnnxModelInfo(bytes, path);
  const graph = onnx.ModelProto.decode(bytes).graph;
  const tensors = new Map((graph?.initializer ?? []).map((t) => [t.name ?? "", t]));
  const nodes = graph?.node ?? [];
  const layers: DenseLayer[] = [];
  const unsupported = (what: string): ConfigError =>
    new ConfigError(`not a dense classifier of train-ml: ${what}`, { location: { file: path } });
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.opType === "Flatten") continue;
    if (node.opType !== "Gemm") throw unsupported(`unexpected ${node.opType} node`);
    const [, weightName = "", biasName = ""] = node.input ?? [];
    const weights = tensors.get(weightName);
    const bias = tensors.get(biasName);
    const dims = (weights?.dims ?? []).map(Number);
    if (weights === undefined || bias === undefined || dims.length !== 2) {
      throw unsupported(`Gemm ${i} lacks its weights`);
    }
    const next = nodes[i + 1]?.opType;
    const activation = next === "Relu" ? "relu" : next === "Sigmoid" ? "sigmoid" : "none";
    if (activation !== "none") i++;
    layers.push({
      inputs: dims[0],
      outputs: dims[1],
      weights: Float32Array.from(weights.floatData ?? []),
      bias: Float32Array.from(bias.floatData ?? []),
      activation,
    });
  }
  return layers;
}
