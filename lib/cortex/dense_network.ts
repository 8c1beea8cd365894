/**
 * Feed-forward networks as plain data ({@linkcode DenseLayer}s) and their forward pass in
 * TypeScript: the reference the ONNX export is tested against, and what training evaluates.
 *
 * @module
 */

import type { DenseLayer } from "./onnx_format.ts";

export type { DenseLayer };

/** The output of the last layer (one value) for `input`, in float64 arithmetic. */
export function denseForward(layers: readonly DenseLayer[], input: ArrayLike<number>): number {
  let current: ArrayLike<number> = input;
  for (const layer of layers) {
    const next = new Float64Array(layer.outputs);
    for (let j = 0; j < layer.outputs; j++) {
      let sum = layer.bias[j];
      for (let i = 0; i < layer.inputs; i++) {
        sum += current[i] * layer.weights[i * layer.outputs + j];
      }
      next[j] = layer.activation === "relu"
        ? Math.max(0, sum)
        : layer.activation === "sigmoid"
        ? 1 / (1 + Math.exp(-sum))
        : sum;
    }
    current = next;
  }
  return current[0];
}
