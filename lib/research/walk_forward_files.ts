/**
 * The files of a walk-forward: `walk_forward.csv` (one row per window: its spans, the best
 * set, in- and out-of-sample figures), `oos_equity.csv` (the stitched out-of-sample curve)
 * and `is_equity.csv` (the best sets' training curves, chained in window order).
 *
 * @module
 */

import { join } from "node:path";
import { DataError, fromIso, toIso } from "../domain/mod.ts";
import { csvText } from "./_csv.ts";
import { writeTextAtomic } from "../data/mod.ts";
import { METRIC_NAMES } from "./objective.ts";
import type { StitchedCurve, WalkForwardResult } from "./walk_forward.ts";

function curveCsv(curve: StitchedCurve): string {
  return csvText(
    ["ts", "equity", "window"],
    curve.ts.map((ts, i) => [toIso(ts), curve.equity[i], curve.window[i]]),
  );
}

/** The per-window table as CSV text. */
export function walkForwardCsv(result: WalkForwardResult): string {
  const header = [
    "window",
    "train_from",
    "train_to",
    "test_from",
    "test_to",
    "best_trial",
    "params",
    "score",
    ...METRIC_NAMES.map((m) => `is_${m}`),
    ...METRIC_NAMES.map((m) => `oos_${m}`),
    "note",
  ];
  const rows = result.windows.map((r) => [
    r.window.index,
    toIso(r.window.train.from),
    toIso(r.window.train.to),
    toIso(r.window.test.from),
    toIso(r.window.test.to),
    r.best?.trial ?? null,
    r.best === undefined ? null : JSON.stringify(r.best.params),
    r.best?.score ?? null,
    ...METRIC_NAMES.map((m) => r.inSample?.metrics[m] ?? null),
    ...METRIC_NAMES.map((m) => r.outOfSample?.metrics[m] ?? null),
    r.note,
  ]);
  return csvText(header, rows);
}

/** Writes the three files into `dir`; returns their paths. */
export async function writeWalkForward(
  dir: string,
  result: WalkForwardResult,
): Promise<readonly string[]> {
  const files: [string, string][] = [
    [join(dir, "walk_forward.csv"), walkForwardCsv(result)],
    [join(dir, "oos_equity.csv"), curveCsv(result.outOfSample)],
    [join(dir, "is_equity.csv"), curveCsv(result.inSample)],
  ];
  for (const [path, text] of files) await writeTextAtomic(path, text);
  return files.map(([path]) => path);
}

/**
 * Reads a curve written by {@linkcode writeWalkForward} (`oos_equity.csv`, `is_equity.csv`).
 *
 * @throws {DataError} naming the file when it is not such a curve.
 */
export async function readCurveCsv(path: string): Promise<StitchedCurve> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new DataError(`${path} cannot be read`, {
      hint: "pass the folder 'tesser research walk-forward --output' wrote",
    });
  }
  const [header, ...lines] = text.trimEnd().split("\n");
  if (header !== "ts,equity,window") {
    throw new DataError(`${path} is not a walk-forward curve (header "${header}")`);
  }
  const ts: number[] = [];
  const equity: number[] = [];
  const window: number[] = [];
  for (const line of lines) {
    const [time, value, index] = line.split(",");
    ts.push(fromIso(time));
    equity.push(Number(value));
    window.push(Number(index));
  }
  return { ts, equity, window };
}
