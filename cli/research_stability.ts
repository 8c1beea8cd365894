/**
 * `tesser research stability`: the neighbourhood of a study's best set, read from its
 * `results.parquet`.
 *
 * @module
 */

import { ConfigError, DataError } from "../lib/domain/mod.ts";
import { parameterStability, readStudyFile } from "../lib/research/mod.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag } from "./usage_error.ts";

/** The help of `research stability`. */
export const STABILITY_HELP = `Usage: tesser research stability --results FILE [--radius R] [--json]

Shows whether a study's best set sits on a plateau or a spike: the scores of the trials within
one step of it in every parameter (one grid position; R of the range for continuous ones), and
per parameter the scores of the trials that differ from the best in that parameter only.

Options:
  --results FILE   a study's results.parquet (from 'research optimize' or 'research merge')
  --radius R       neighbourhood of continuous parameters, a fraction of the range (default 0.1)
  --json           print the view as JSON
  -h, --help`;

/** Runs `tesser research stability`; returns the exit code. */
export async function researchStabilityCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const flags = parseFlags("research stability", args, {
    results: { type: "string" },
    radius: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(STABILITY_HELP);
    return 0;
  }
  const file = stringFlag(flags, "results");
  if (file === undefined) {
    throw new ConfigError("research stability: --results FILE is required", {
      hint: "pass the results.parquet of a study",
    });
  }
  const radius = numberFlag(flags, "radius", { min: 0 }) ?? 0.1;
  if (!(radius > 0)) throw new ConfigError("flag --radius: must be positive");
  const { spec, results } = await readStudyFile(file);
  const view = parameterStability(spec.space, results, { radius });
  if (view === undefined) {
    throw new DataError(`no trial in ${file} qualified as best`, {
      hint: "lower --min-trades or widen the space, and run the study again",
    });
  }
  if (booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify(view, null, 2));
    return 0;
  }
  const { summary } = view;
  io.stdout(
    `best: trial ${view.best.trial} ${JSON.stringify(view.best.params)} score ${view.best.score}`,
  );
  io.stdout(
    summary.count === 0
      ? "neighbourhood: no scored trial within one step"
      : `neighbourhood: ${summary.count} trials, score mean ${summary.mean} (min ${summary.min}, ` +
        `max ${summary.max}), mean/best ${summary.meanToBest}`,
  );
  for (const profile of view.profiles) {
    io.stdout(
      `${profile.param}: ${
        profile.points.map((p) => `${JSON.stringify(p.value)} → ${p.score ?? "n/a"}`).join(", ")
      }`,
    );
  }
  return 0;
}
