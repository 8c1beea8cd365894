/**
 * `deno task train-ml`: trains MlClassifier's models on candle Parquet (default: the real FTX
 * BTC-PERP month in examples/data/ftx/) and writes them with a model card.
 *
 * - features: the `indicators` set of lib/strategies/ml_features.ts, from each bar and the
 *   ones before it; label: is the close `--horizon` bars later above this bar's close;
 * - a time-ordered 60 / 20 / 20 train / validation / test split, purged at the boundaries;
 * - a logistic regression (ONNX and linear TOML), a small MLP (ONNX) and a sequence model
 *   (a logistic regression over the last `--sequence` feature rows, ONNX);
 * - accuracy, ROC AUC and log loss on every split, as they come out, in the model card.
 *
 * Deterministic: the same data and seed give byte-identical files.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { basename, join } from "node:path";
import {
  accuracy,
  denseForward,
  type DenseLayer,
  encodeOnnxClassifier,
  fitClassifier,
  type FittedClassifier,
  logLoss,
  rocAuc,
} from "../lib/cortex/mod.ts";
import { batchToCandles, readCandleParquet } from "../lib/data/mod.ts";
import { type Candle, toIso } from "../lib/domain/mod.ts";
import { buildMlDataset, type MlSplit, splitByTime } from "./_ml_dataset.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    data: { type: "string", default: "examples/data/ftx/ftx_btc_perp_1m_2022-01.parquet" },
    "out-dir": { type: "string", default: "examples/models" },
    prefix: { type: "string", default: "ftx_btc_perp" },
    horizon: { type: "string", default: "15" },
    sequence: { type: "string", default: "8" },
    hidden: { type: "string", default: "16" },
    seed: { type: "string", default: "1" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    "Usage: deno task train-ml [--data FILE] [--out-dir DIR] [--prefix NAME] [--horizon BARS] [--sequence ROWS] [--hidden UNITS] [--seed N]",
  );
  Deno.exit(0);
}

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`error: --${name} must be an integer ≥ ${min}, got "${text}"`);
    Deno.exit(2);
  }
  return value;
}

const dataPath = values.data;
const outDir = values["out-dir"];
const prefix = values.prefix;
const horizon = integer("horizon", values.horizon, 1);
const sequence = integer("sequence", values.sequence, 2);
const hidden = integer("hidden", values.hidden, 1);
const seed = integer("seed", values.seed, 0);

const candles: Candle[] = [];
for await (const batch of readCandleParquet(dataPath)) candles.push(...batchToCandles(batch));
if (candles.length < 1000) {
  console.error(`error: ${dataPath} has ${candles.length} bars; training needs at least 1,000`);
  Deno.exit(1);
}
const symbol = candles[0].symbol;
const FRACTIONS: readonly [number, number] = [0.6, 0.2];

interface SplitMetrics {
  readonly name: string;
  readonly rows: number;
  readonly from: string;
  readonly to: string;
  readonly upShare: number;
  readonly accuracy: number;
  readonly auc: number;
  readonly logLoss: number;
}

function evaluate(layers: readonly DenseLayer[], split: MlSplit): SplitMetrics {
  const n = split.y.length;
  const probabilities = new Float64Array(n);
  const w = split.features;
  for (let i = 0; i < n; i++) {
    probabilities[i] = denseForward(layers, split.x.subarray(i * w, i * w + w));
  }
  let up = 0;
  for (let i = 0; i < n; i++) up += split.y[i];
  return {
    name: split.name,
    rows: n,
    from: toIso(split.times[0]),
    to: toIso(split.times[n - 1]),
    upShare: up / n,
    accuracy: accuracy(probabilities, split.y),
    auc: rocAuc(probabilities, split.y),
    logLoss: logLoss(probabilities, split.y),
  };
}

interface Trained {
  readonly title: string;
  readonly file: string;
  readonly fit: FittedClassifier;
  readonly metrics: readonly SplitMetrics[];
  readonly window: number;
}

function train(
  title: string,
  file: string,
  window: number,
  hiddenUnits: number,
): { trained: Trained; names: readonly string[] } {
  const data = buildMlDataset(candles, {
    features: "indicators",
    lookback: 20,
    horizon,
    sequence: window,
  });
  const splits = splitByTime(data, FRACTIONS, horizon);
  const fit = fitClassifier(splits[0], splits[1], { hidden: hiddenUnits, seed });
  const metrics = splits.map((split) => evaluate(fit.layers, split));
  return { trained: { title, file, fit, metrics, window }, names: data.names };
}

const models = [
  train("logistic regression", `${prefix}_logistic.onnx`, 1, 0),
  train(`MLP (${hidden} ReLU units)`, `${prefix}_mlp.onnx`, 1, hidden),
  train(`sequence logistic regression (${sequence} rows)`, `${prefix}_sequence.onnx`, sequence, 0),
];
const names = models[0].names;

await Deno.mkdir(outDir, { recursive: true });
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp`;
  if (typeof data === "string") await Deno.writeTextFile(temporary, data);
  else await Deno.writeFile(temporary, data);
  await Deno.rename(temporary, path);
}

// What made the models (not where they were written: a retrain elsewhere gives the same bytes).
const command = `deno task train-ml --data ${dataPath} --horizon ${horizon} ` +
  `--sequence ${sequence} --hidden ${hidden} --seed ${seed}`;
for (const { trained } of models) {
  const bytes = encodeOnnxClassifier({
    features: names,
    window: trained.window,
    layers: trained.fit.layers,
    metadata: {
      output: "probability that the close in the horizon is above the bar's close",
      horizon_bars: String(horizon),
      data: basename(dataPath),
      command,
    },
  });
  await writeAtomically(join(outDir, trained.file), bytes);
}

// The logistic regression's logit as Tesser's linear model: score = bias + Σ wᵢ·xᵢ.
const logistic = models[0].trained.fit.layers[0];
const linearFile = `${prefix}_logistic.toml`;
const toml = [
  `# Logistic regression on ${symbol} 1m bars (see ${prefix}_model_card.md); made by:`,
  `# ${command}`,
  "# The score is the logit: p(up) = 1 / (1 + exp(-score)); score 0.2 is p ≈ 0.55.",
  `features = [${names.map((n) => `"${n}"`).join(", ")}]`,
  `bias = ${logistic.bias[0]}`,
  `weights = [${Array.from(logistic.weights).join(", ")}]`,
  "",
].join("\n");
await writeAtomically(join(outDir, linearFile), toml);

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const table = (trained: Trained): string[] => [
  `### ${trained.title}: \`${trained.file}\``,
  "",
  `Epochs run ${trained.fit.epochs}, weights of epoch ${trained.fit.bestEpoch} kept (lowest validation log loss ${
    trained.fit.validationLoss.toFixed(5)
  }).`,
  "",
  "| split | rows | from | to | up share | accuracy | ROC AUC | log loss |",
  "|---|---|---|---|---|---|---|---|",
  ...trained.metrics.map((m) =>
    `| ${m.name} | ${m.rows} | ${m.from} | ${m.to} | ${pct(m.upShare)} | ${pct(m.accuracy)} | ${
      m.auc.toFixed(4)
    } | ${m.logLoss.toFixed(5)} |`
  ),
  "",
];
const test = (i: number): SplitMetrics => models[i].trained.metrics[2];
const card = [
  `# Model card: MlClassifier models for ${symbol}`,
  "",
  `Made by \`${command}\` (deterministic: the same data and seed give the same files).`,
  "",
  "## Data",
  "",
  `\`${dataPath}\`: ${candles.length} one-minute bars of ${symbol}, ${
    toIso(candles[0].openTime)
  } → ${
    toIso(candles[candles.length - 1].openTime)
  } (bar open times; provenance in examples/data/README.md).`,
  "",
  "## Task",
  "",
  `Binary: is the close ${horizon} bars after a bar's close above that close? Each sample's features come from the bar and the bars before it (the \`indicators\` set, computed by the same function MlClassifier runs: \`computeMlFeatures\` in lib/strategies/ml_features.ts): ${
    names.join(", ")
  }.`,
  "",
  `Split by time, ${FRACTIONS[0] * 100} / ${FRACTIONS[1] * 100} / ${
    100 - 100 * (FRACTIONS[0] + FRACTIONS[1])
  } (train / validation / test), with the last ${horizon} samples of train and validation dropped, as their labels reach into the next split. Inputs are standardized on the train split; the scaling is folded into the first layer, so the models take raw features.`,
  "",
  "## Results",
  "",
  `On the test split (${test(0).from} → ${test(0).to}): logistic regression accuracy ${
    pct(test(0).accuracy)
  }, AUC ${test(0).auc.toFixed(4)}; MLP accuracy ${pct(test(1).accuracy)}, AUC ${
    test(1).auc.toFixed(4)
  }; sequence model accuracy ${pct(test(2).accuracy)}, AUC ${test(2).auc.toFixed(4)}. ` +
  `Predicting "up" on every test sample would score ${pct(test(0).upShare)}. ` +
  "An AUC near 0.5 means the model ranks up moves barely better than chance: one month of 1-minute bars of one market holds little that these features predict. These models demonstrate the pipeline (train → ONNX → backtest); they are not a trading edge.",
  "",
  ...models.flatMap(({ trained }) => table(trained)),
  "## Using them",
  "",
  "- ONNX models: input `features`, float32 `[batch, " + names.length +
  "]` (sequence: `[batch, " + sequence + ", " + names.length +
  "]`, oldest row first); output `probability`, float32 `[batch, 1]`, the probability of an up move. MlClassifier thresholds are probabilities: `threshold_long = 0.55`, `threshold_short = 0.45` in the shipped strategy files.",
  `- \`${linearFile}\`: the logistic regression as a linear model TOML; its score is the logit, so thresholds are logits (0.2 ≈ p 0.55, -0.2 ≈ p 0.45).`,
  "- The feature names are stored in each model (ONNX metadata `features`, TOML `features`); MlClassifier refuses a model whose names differ from its feature set.",
  "",
].join("\n");
await writeAtomically(join(outDir, `${prefix}_model_card.md`), card);

for (const { trained } of models) {
  const m = trained.metrics[2];
  console.log(
    `${trained.file}: test accuracy ${pct(m.accuracy)}, AUC ${m.auc.toFixed(4)} (${m.rows} rows)`,
  );
}
console.log(
  `wrote ${models.length} ONNX models, ${linearFile} and ${prefix}_model_card.md to ${outDir}`,
);
