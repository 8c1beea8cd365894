/**
 * Fits the binary classifiers of `deno task train-ml`: a logistic regression and a small MLP
 * (one ReLU hidden layer), by mini-batch Adam on standardized inputs with L2 regularisation and
 * early stopping on the validation log loss. Deterministic for a seed. The result is a list of
 * {@linkcode DenseLayer}s in the raw feature space (the standardisation folded into the first
 * layer) with float32 weights, exactly what the ONNX file and the linear TOML hold.
 *
 * @module
 */

import type { DenseLayer } from "./onnx_format.ts";

/** A data set: `rows × features` values row-major, and 0/1 labels. */
export interface Dataset {
  /** Values, row-major. */
  readonly x: Float64Array;
  /** Labels (0 or 1), one per row. */
  readonly y: Uint8Array;
  /** Values per row. */
  readonly features: number;
}

/** Options of {@linkcode fitClassifier}. */
export interface FitOptions {
  /** Hidden units (0: logistic regression). */
  readonly hidden: number;
  /** Most passes over the training set (default 200). */
  readonly epochs?: number;
  /** Adam step size (default 0.01). */
  readonly learningRate?: number;
  /** L2 penalty on the weights (default 1e-4). */
  readonly l2?: number;
  /** Rows per step (default 256). */
  readonly batchSize?: number;
  /** Epochs without a better validation loss before stopping (default 15). */
  readonly patience?: number;
  /** Seed of the initial weights and the shuffles (default 1). */
  readonly seed?: number;
}

/** What {@linkcode fitClassifier} returns. */
export interface FittedClassifier {
  /** The layers in the raw feature space (float32 values). */
  readonly layers: readonly DenseLayer[];
  /** Epochs run. */
  readonly epochs: number;
  /** The epoch whose weights were kept (best validation loss). */
  readonly bestEpoch: number;
  /** That validation loss. */
  readonly validationLoss: number;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scale {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

function fitScale(data: Dataset): Scale {
  const d = data.features;
  const n = data.y.length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += data.x[r * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) std[j] += (data.x[r * d + j] - mean[j]) ** 2;
  }
  // A constant feature keeps scale 1: it then only shifts the bias.
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / n) || 1;
  return { mean, std };
}

function standardized(data: Dataset, scale: Scale): Float64Array {
  const d = data.features;
  const out = new Float64Array(data.x.length);
  for (let i = 0; i < out.length; i++) {
    const j = i % d;
    out[i] = (data.x[i] - scale.mean[j]) / scale.std[j];
  }
  return out;
}

// Parameters as one flat vector: [W1 (d×h), b1 (h), W2 (h×1), b2] or [W (d×1), b].
interface Shape {
  readonly d: number;
  readonly h: number;
}

function parameterCount({ d, h }: Shape): number {
  return h === 0 ? d + 1 : d * h + h + h + 1;
}

function initialize(shape: Shape, random: () => number): Float64Array {
  const p = new Float64Array(parameterCount(shape));
  if (shape.h === 0) return p;
  const { d, h } = shape;
  const gauss = (): number =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let i = 0; i < d * h; i++) p[i] = gauss() * Math.sqrt(2 / d);
  for (let i = 0; i < h; i++) p[d * h + h + i] = gauss() * Math.sqrt(1 / h);
  return p;
}

// Forward and (optionally) backward over rows `rows` of x; returns the summed log loss.
function pass(
  shape: Shape,
  p: Float64Array,
  x: Float64Array,
  y: Uint8Array,
  rows: ArrayLike<number>,
  from: number,
  to: number,
  grad: Float64Array | undefined,
  hidden: Float64Array,
): number {
  const { d, h } = shape;
  let loss = 0;
  for (let k = from; k < to; k++) {
    const r = rows[k];
    const base = r * d;
    let z: number;
    if (h === 0) {
      z = p[d];
      for (let j = 0; j < d; j++) z += p[j] * x[base + j];
    } else {
      z = p[d * h + h + h];
      for (let u = 0; u < h; u++) {
        let a = p[d * h + u];
        for (let j = 0; j < d; j++) a += x[base + j] * p[j * h + u];
        hidden[u] = a > 0 ? a : 0;
        z += hidden[u] * p[d * h + h + u];
      }
    }
    const prob = 1 / (1 + Math.exp(-z));
    const label = y[r];
    loss -= label === 1 ? Math.log(Math.max(prob, 1e-12)) : Math.log(Math.max(1 - prob, 1e-12));
    if (grad === undefined) continue;
    const dz = prob - label;
    if (h === 0) {
      for (let j = 0; j < d; j++) grad[j] += dz * x[base + j];
      grad[d] += dz;
      continue;
    }
    grad[d * h + h + h] += dz;
    for (let u = 0; u < h; u++) {
      grad[d * h + h + u] += dz * hidden[u];
      if (hidden[u] <= 0) continue;
      const da = dz * p[d * h + h + u];
      grad[d * h + u] += da;
      for (let j = 0; j < d; j++) grad[j * h + u] += da * x[base + j];
    }
  }
  return loss;
}

function isWeight(shape: Shape, i: number): boolean {
  const { d, h } = shape;
  return h === 0 ? i < d : i < d * h || (i >= d * h + h && i < d * h + 2 * h);
}

// Folds the standardisation into the first layer and rounds to float32.
function toLayers(shape: Shape, p: Float64Array, scale: Scale): DenseLayer[] {
  const { d, h } = shape;
  const f32 = (values: ArrayLike<number>): Float64Array =>
    Float64Array.from(values, (v) => Math.fround(v));
  const units = h === 0 ? 1 : h;
  const w1 = new Float64Array(d * units);
  const b1 = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let bias = h === 0 ? p[d] : p[d * h + u];
    for (let j = 0; j < d; j++) {
      const w = (h === 0 ? p[j] : p[j * h + u]) / scale.std[j];
      w1[j * units + u] = w;
      bias -= w * scale.mean[j];
    }
    b1[u] = bias;
  }
  if (h === 0) {
    return [{ inputs: d, outputs: 1, weights: f32(w1), bias: f32(b1), activation: "sigmoid" }];
  }
  return [
    { inputs: d, outputs: h, weights: f32(w1), bias: f32(b1), activation: "relu" },
    {
      inputs: h,
      outputs: 1,
      weights: f32(p.subarray(d * h + h, d * h + 2 * h)),
      bias: f32([p[d * h + 2 * h]]),
      activation: "sigmoid",
    },
  ];
}

/**
 * Fits a classifier on `train`, keeping the weights of the epoch with the lowest log loss on
 * `validation`.
 *
 * @throws {RangeError} when the sets are empty or their widths differ.
 */
export function fitClassifier(
  train: Dataset,
  validation: Dataset,
  options: FitOptions,
): FittedClassifier {
  if (train.y.length === 0 || validation.y.length === 0) {
    throw new RangeError("fitClassifier: the training and validation sets must not be empty");
  }
  if (train.features !== validation.features) {
    throw new RangeError("fitClassifier: training and validation rows differ in width");
  }
  const {
    hidden,
    epochs = 200,
    learningRate = 0.01,
    l2 = 1e-4,
    batchSize = 256,
    patience = 15,
    seed = 1,
  } = options;
  const shape: Shape = { d: train.features, h: hidden };
  const scale = fitScale(train);
  const xTrain = standardized(train, scale);
  const xValid = standardized(validation, scale);
  const random = mulberry32(seed);
  const p = initialize(shape, random);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const grad = new Float64Array(p.length);
  const hiddenBuffer = new Float64Array(Math.max(1, hidden));
  const order = Uint32Array.from({ length: train.y.length }, (_, i) => i);
  const validRows = Uint32Array.from({ length: validation.y.length }, (_, i) => i);
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestParams = Float64Array.from(p);
  let step = 0;
  let epoch = 0;
  const b1 = 0.9;
  const b2 = 0.999;
  for (epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let from = 0; from < order.length; from += batchSize) {
      const to = Math.min(order.length, from + batchSize);
      grad.fill(0);
      pass(shape, p, xTrain, train.y, order, from, to, grad, hiddenBuffer);
      step++;
      const n = to - from;
      for (let i = 0; i < p.length; i++) {
        const g = grad[i] / n + (isWeight(shape, i) ? l2 * p[i] : 0);
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        const mHat = m[i] / (1 - b1 ** step);
        const vHat = v[i] / (1 - b2 ** step);
        p[i] -= learningRate * mHat / (Math.sqrt(vHat) + 1e-8);
      }
    }
    const loss = pass(
      shape,
      p,
      xValid,
      validation.y,
      validRows,
      0,
      validRows.length,
      undefined,
      hiddenBuffer,
    ) / validRows.length;
    if (loss < best - 1e-7) {
      best = loss;
      bestEpoch = epoch;
      bestParams = Float64Array.from(p);
    } else if (epoch - bestEpoch >= patience) break;
  }
  return {
    layers: toLayers(shape, bestParams, scale),
    epochs: Math.min(epoch, epochs),
    bestEpoch,
    validationLoss: best,
  };
}
