/**
 * The files of a Monte Carlo run: `montecarlo.json` (everything but the bands) and
 * `montecarlo_bands.csv` (`trade,p5,p50,p95`: equity percentiles after each trade).
 *
 * @module
 */

import { join } from "node:path";
import { csvText } from "./_csv.ts";
import { writeTextAtomic } from "./_text_file.ts";
import type { MonteCarloResult } from "./monte_carlo.ts";

/** The JSON summary (without the bands), two-space indented. */
export function monteCarloJson(result: MonteCarloResult): string {
  const { bands: _bands, ...rest } = result;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/** Writes both files into `dir`; returns their paths. */
export async function writeMonteCarlo(
  dir: string,
  result: MonteCarloResult,
): Promise<readonly string[]> {
  const bands = result.bands;
  const csv = csvText(
    ["trade", ...result.bandPercentiles.map((p) => `p${p}`)],
    (bands[0] ?? []).map((_, k) => [k, ...bands.map((band) => band[k])]),
  );
  const files: [string, string][] = [
    [join(dir, "montecarlo.json"), monteCarloJson(result)],
    [join(dir, "montecarlo_bands.csv"), csv],
  ];
  for (const [path, text] of files) await writeTextAtomic(path, text);
  return files.map(([path]) => path);
}
