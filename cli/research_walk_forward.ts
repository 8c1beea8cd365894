/**
 * `tesser research walk-forward`: rolling or anchored train/test windows over the data,
 * a study on each training window, its best set run on the following test window, and the
 * stitched out-of-sample equity next to the in-sample one.
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError, type Micros, toIso } from "../lib/domain/mod.ts";
import {
  curveSummary,
  runWalkForward,
  trialCount,
  type WalkForwardWindow,
  walkForwardWindows,
  writeStudyResults,
  writeWalkForward,
} from "../lib/research/mod.ts";
import { parseWindow } from "./_backtest_flags.ts";
import { curveEvaluator, type ResearchRunBase, workerEvaluator } from "./_research_evaluator.ts";
import { counted } from "./_count.ts";
import type { CommandIo } from "./io.ts";
import type { GlobalOptions } from "./main.ts";
import { startProgress } from "./progress.ts";
import {
  dataSpan,
  makeOutputDir,
  splitPassThrough,
  STUDY_FLAGS,
  studyFromFlags,
} from "./research_optimize.ts";
import {
  booleanFlag,
  numberFlag,
  type ParsedFlags,
  parseFlags,
  stringFlag,
  stringsFlag,
} from "./usage_error.ts";

/** The help of `research walk-forward`. */
export const WALK_FORWARD_HELP =
  `Usage: tesser research walk-forward --strategy-config FILE --space FILE --data FILE
                                   --train DUR --test DUR --output DIR [options] [-- FLAGS]

Cuts the data into train/test windows, optimizes the space on each training window (as
'research optimize' does) and runs the best set on the test window right after it. Writes
DIR/walk_forward.csv (one row per window: spans, best set, in- and out-of-sample figures),
DIR/oos_equity.csv (the test runs' equity chained into one out-of-sample curve),
DIR/is_equity.csv (the best sets' training curves, chained) and DIR/window-NNN/ (that window's
results.csv/parquet, best.toml, and the report folders train/ and test/).

Durations: a number and a unit, m (minutes), h, d or w (e.g. 90m, 2h, 30d).

Options:
  --train DUR         training window length (the first one, with --anchored)
  --test DUR          test window length
  --step DUR          how far windows move on (default: --test; at least --test)
  --anchored          every training window starts at the beginning and grows by --step
  --from ISO --to ISO the span to cut (default: the data's, from the Parquet statistics)
  --strategy-config, --space, --data, --method, --trials, --seed, --tpe-batch, --objective,
  --fitness-ratio, --optimal-trades, --min-trades, --workers: as for 'research optimize'
  -h, --help`;

const UNITS: Readonly<Record<string, number>> = {
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
  w: 604_800_000_000,
};

/** A duration flag (`90m`, `2h`, `30d`, `1w`) in µs. */
function durationFlag(flags: ParsedFlags, name: string): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (match === null || !(Number(match[1]) > 0)) {
    throw new ConfigError(`flag --${name}: expected a duration like 90m, 2h or 30d, got "${text}"`);
  }
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

/** Runs `tesser research walk-forward`; returns the exit code. */
export async function researchWalkForwardCommand(
  args: readonly string[],
  io: CommandIo,
  global: GlobalOptions,
): Promise<number> {
  const { own, runArgs } = splitPassThrough(args);
  const flags = parseFlags("research walk-forward", own, {
    ...STUDY_FLAGS,
    train: { type: "string" },
    test: { type: "string" },
    step: { type: "string" },
    anchored: { type: "boolean" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(WALK_FORWARD_HELP);
    return 0;
  }
  const output = stringFlag(flags, "output");
  const train = durationFlag(flags, "train");
  const test = durationFlag(flags, "test");
  if (output === undefined || train === undefined || test === undefined) {
    throw new ConfigError("research walk-forward: --output, --train and --test are required", {
      hint: `run "tesser research walk-forward --help"`,
    });
  }
  const data = stringsFlag(flags, "data");
  const window = parseWindow(flags);
  let span: { from: Micros; to: Micros };
  if (window.from !== undefined && window.to !== undefined) {
    span = { from: window.from, to: window.to };
  } else if (data.length > 0) {
    const found = await dataSpan(data);
    span = { from: window.from ?? found.from, to: window.to ?? found.to };
  } else {
    throw new ConfigError("research walk-forward needs --data files or both --from and --to");
  }
  const windows = walkForwardWindows({
    start: span.from,
    end: span.to,
    train,
    test,
    step: durationFlag(flags, "step"),
    anchored: booleanFlag(flags, "anchored"),
  });
  const spec = await studyFromFlags(flags, runArgs, "walk-forward", { train: {} });
  const base: ResearchRunBase = {
    strategyConfig: stringFlag(flags, "strategy-config") ?? "",
    runArgs: [...data.flatMap((file) => ["--data", file]), ...runArgs],
    workers: numberFlag(flags, "workers", { integer: true, min: 1, max: 64 }) ??
      navigator.hardwareConcurrency,
    global,
  };
  await makeOutputDir(output);
  const windowDir = (w: WalkForwardWindow): string =>
    join(output, `window-${String(w.index).padStart(3, "0")}`);
  const perWindow = trialCount(spec);
  io.stderr(
    `walk-forward: ${counted(windows.length, "window")} × ${counted(perWindow, "trial")} (${
      booleanFlag(flags, "anchored") ? "anchored" : "rolling"
    }) on ${counted(base.workers, "worker")}`,
  );
  const progress = startProgress(io, windows.length * perWindow, "walk-forward");
  let result;
  try {
    result = await runWalkForward(spec, windows, {
      evaluate: workerEvaluator(base),
      evaluateCurve: curveEvaluator(base),
      reportDir: windowDir,
      onWindow: async (w, trials) => {
        await makeOutputDir(windowDir(w));
        await writeStudyResults(windowDir(w), { ...spec, train: w.train }, trials);
      },
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
  }
  for (const r of result.windows) {
    const oos = r.outOfSample?.metrics;
    io.stdout(
      `window ${r.window.index} test ${toIso(r.window.test.from)} – ${toIso(r.window.test.to)}: ${
        r.best === undefined
          ? r.note
          : `${JSON.stringify(r.best.params)} → return ${oos?.totalReturn ?? "n/a"}, ${
            counted(oos?.trades ?? 0, "trade")
          }${r.note === "" ? "" : ` (${r.note})`}`
      }`,
    );
  }
  const initial = result.windows.find((r) => r.outOfSample)?.outOfSample?.equity.initial ?? 1;
  const oos = curveSummary(result.outOfSample, initial);
  const is = curveSummary(result.inSample, initial);
  io.stdout(
    `out-of-sample (stitched): return ${oos.totalReturn ?? "n/a"}, max drawdown ${
      oos.maxDrawdown ?? "n/a"
    }; in-sample (chained): return ${is.totalReturn ?? "n/a"}, max drawdown ${
      is.maxDrawdown ?? "n/a"
    }`,
  );
  for (const file of await writeWalkForward(output, result)) io.stdout(`wrote ${file}`);
  return result.windows.some((r) => r.outOfSample !== undefined) ? 0 : 1;
}
