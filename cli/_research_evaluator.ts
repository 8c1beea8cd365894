/**
 * The CLI's {@linkcode Evaluator} for research: every request is one `tesser backtest run
 * --json` with `--param` overrides and the window as `--from`/`--to`, run on the batch
 * workers, so a study scores exactly what `backtest run` reports for the same set.
 *
 * @module
 */

import { join } from "node:path";
import { DataError, fromIso, toIso } from "../lib/domain/mod.ts";
import {
  type CurveEvaluator,
  type EquitySegment,
  type EvaluationOutcome,
  type EvaluationRequest,
  type Evaluator,
  metricsOfReport,
} from "../lib/research/mod.ts";
import type { BatchJob } from "./_batch_worker.ts";
import { runPool } from "./backtest_batch.ts";
import type { GlobalOptions } from "./main.ts";
import { recordingIo } from "./io.ts";

/** What every run of a study shares. */
export interface ResearchRunBase {
  /** The strategy file. */
  readonly strategyConfig: string;
  /** `backtest run` flags of every run (data files, fees, …). */
  readonly runArgs: readonly string[];
  /** Parallel workers. */
  readonly workers: number;
  /** The global flags to pass on. */
  readonly global: GlobalOptions;
}

function literal(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The `tesser` argv of one request. */
export function requestArgv(base: ResearchRunBase, request: EvaluationRequest): string[] {
  const { from, to } = request.window;
  return [
    "--config-dir",
    base.global.configDir,
    ...(base.global.env === undefined ? [] : ["--env", base.global.env]),
    "backtest",
    "run",
    "--strategy-config",
    base.strategyConfig,
    ...Object.entries(request.params).flatMap(([k, v]) => ["--param", `${k}=${literal(v)}`]),
    ...(from === undefined ? [] : ["--from", toIso(from)]),
    ...(to === undefined ? [] : ["--to", toIso(to)]),
    ...base.runArgs,
    "--json",
  ];
}

/** An evaluator running `backtest run` on `base.workers` workers. */
export function workerEvaluator(base: ResearchRunBase): Evaluator {
  return async (requests, onDone): Promise<readonly EvaluationOutcome[]> => {
    const jobs: BatchJob[] = requests.map((request, id) => ({
      id,
      argv: requestArgv(base, request),
    }));
    const outcomes = await runPool(jobs, base.workers, () => onDone?.());
    return outcomes.map((outcome): EvaluationOutcome => {
      if (outcome.code !== 0) {
        return { ok: false, error: outcome.err.join(" ").replace(/^error: /, "") };
      }
      return { ok: true, metrics: metricsOfReport(JSON.parse(outcome.out.join("\n"))) };
    });
  };
}

/** Reads a backtest output folder's `equity.csv` and its initial equity from `report.json`. */
export async function readEquitySegment(dir: string): Promise<EquitySegment> {
  const report = JSON.parse(await Deno.readTextFile(join(dir, "report.json")));
  const [header, ...lines] = (await Deno.readTextFile(join(dir, "equity.csv"))).trimEnd()
    .split("\n");
  if (!header.startsWith("ts,equity")) {
    throw new DataError(`unexpected equity.csv header "${header}"`, {
      location: { file: join(dir, "equity.csv") },
    });
  }
  const ts: number[] = [];
  const equity: number[] = [];
  for (const line of lines) {
    const [time, value] = line.split(",");
    ts.push(fromIso(time));
    equity.push(Number(value));
  }
  return { ts, equity, initial: Number(report.initialEquity) };
}

/**
 * A {@linkcode CurveEvaluator}: one `backtest run --output-dir`, in this process (one run at a
 * time: starting a worker would cost more than the run).
 */
export function curveEvaluator(base: ResearchRunBase): CurveEvaluator {
  return async (request) => {
    const argv = [...requestArgv(base, request), "--output-dir", request.reportDir];
    // Imported here: main.ts imports this module's command through research.ts.
    const { main } = await import("./main.ts");
    const io = recordingIo();
    const code = await main(argv, io);
    if (code !== 0) return { ok: false, error: io.err.join(" ").replace(/^error: /, "") };
    return {
      ok: true,
      metrics: metricsOfReport(JSON.parse(io.out.join("\n"))),
      equity: await readEquitySegment(request.reportDir),
    };
  };
}
