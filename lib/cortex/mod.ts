/**
 * Cortex: model inference for strategies — the ONNX Runtime wrapper ({@linkcode CortexEngine}),
 * the linear model of Tesser's MlClassifier, the {@linkcode FeatureBuffer} models read from,
 * and the classifier training and ONNX export behind `deno task train-ml`. It may import
 * `lib/domain` and `lib/config` (TOML); `onnxruntime-node` and `onnx-proto` are each wrapped
 * by one file here.
 *
 * @module
 */

export * from "./classifier_metrics.ts";
export * from "./cortex_engine.ts";
export * from "./dense_network.ts";
export * from "./feature_buffer.ts";
export * from "./linear_model.ts";
export * from "./model_loader.ts";
export {
  encodeOnnxClassifier,
  type OnnxClassifierOptions,
  type OnnxModelInfo,
  type OnnxTensorInfo,
  readDenseLayers,
  readOnnxModelInfo,
} from "./onnx_format.ts";
export * from "./train_classifier.ts";
