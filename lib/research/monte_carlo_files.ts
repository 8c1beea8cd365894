/**
 * The files of a Monte Carlo run: `montecarlo.json` (everything but the bands) and
 * `montecarlo_bands.csv` (`trade,p5,p50,p95`: equity percentiles after each trade).
 *
 * @module
 */

import { join } from "node:path";
import { DataError } from "../domain/mod.ts";
import { csvText } from "./_csv.ts";
import { writeTextAtomic } from "../data/mod.ts";
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

/**
 * Reads `montecarlo_bands.csv`: the band percentiles and, per percentile, equity after each
 * trade.
 *
 * @throws {DataError} naming the file when it is not such a table.
 */
export async function readBandsCsv(
  path: string,
): Promise<{ percentiles: number[]; bands: number[][] }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    throw new DataError(`${path} cannot be read`, {
      hint: "pass the folder 'tesser research montecarlo --output' wrote",
    });
  }
  const [header, ...lines] = text.trimEnd().split("\n");
  const names = header.split(",");
  if (
    names[0] !== "trade" || names.length < 2 ||
    names.slice(1).some((n) => !/^p\d+(\.\d+)?$/.test(n))
  ) {
    throw new DataError(`${path} is not a Monte Carlo band table (header "${header}")`);
  }
  const percentiles = names.slice(1).map((n) => Number(n.slice(1)));
  const bands = percentiles.map(() => [] as number[]);
  for (const line of lines) {
    const cells = line.split(",");
    bands.forEach((band, j) => band.push(Number(cells[j + 1])));
  }
  return { percentiles, bands };
}
