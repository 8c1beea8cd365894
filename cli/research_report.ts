/**
 * `tesser research report`: a study's `report.html`, with the heat-map parameters chosen and,
 * optionally, a walk-forward's curves and a Monte Carlo's bands added.
 *
 * @module
 */

import { writeTextAtomic } from "../lib/data/mod.ts";
import { join } from "node:path";
import { ConfigError } from "../lib/domain/mod.ts";
import {
  readBandsCsv,
  readCurveCsv,
  readStudyFile,
  studyReportHtml,
  type StudyReportInput,
} from "../lib/research/mod.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, parseFlags, stringFlag } from "./usage_error.ts";

/** The help of `research report`. */
export const REPORT_HELP =
  `Usage: tesser research report --results FILE --output FILE.html [options]

Writes a self-contained HTML page for a study: its settings and best set, the objective across
trials, a heat map over two parameters, and optionally a walk-forward's out-of-sample curve and a
Monte Carlo's equity bands. ('research optimize' and 'merge' already write DIR/report.html with
the default heat map.)

Options:
  --results FILE       a study's results.parquet
  --output FILE        the page to write
  --x NAME --y NAME    the heat map's parameters (default: the first two of the space)
  --walk-forward DIR   add the curves of a 'research walk-forward --output DIR'
  --montecarlo DIR     add the bands of a 'research montecarlo --output DIR'
  -h, --help`;

/** Runs `tesser research report`; returns the exit code. */
export async function researchReportCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const flags = parseFlags("research report", args, {
    results: { type: "string" },
    output: { type: "string" },
    x: { type: "string" },
    y: { type: "string" },
    "walk-forward": { type: "string" },
    montecarlo: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(REPORT_HELP);
    return 0;
  }
  const results = stringFlag(flags, "results");
  const output = stringFlag(flags, "output");
  if (results === undefined || output === undefined) {
    throw new ConfigError("research report: --results and --output are required", {
      hint: `run "tesser research report --help"`,
    });
  }
  const x = stringFlag(flags, "x");
  const y = stringFlag(flags, "y");
  if ((x === undefined) !== (y === undefined)) {
    throw new ConfigError("flags --x and --y go together", { hint: "name both heat-map axes" });
  }
  const study = await readStudyFile(results);
  const wf = stringFlag(flags, "walk-forward");
  const mc = stringFlag(flags, "montecarlo");
  const input: StudyReportInput = {
    spec: study.spec,
    results: study.results,
    heatMap: x === undefined || y === undefined ? undefined : { x, y },
    walkForward: wf === undefined ? undefined : {
      outOfSample: await readCurveCsv(join(wf, "oos_equity.csv")),
      inSample: await readCurveCsv(join(wf, "is_equity.csv")),
    },
    monteCarlo: mc === undefined ? undefined : await (async () => {
      const { percentiles, bands } = await readBandsCsv(join(mc, "montecarlo_bands.csv"));
      return { percentiles, bands };
    })(),
  };
  const html = studyReportHtml(input);
  await writeTextAtomic(output, html);
  io.stdout(`wrote ${output}`);
  return 0;
}
