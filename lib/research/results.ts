/**
 * A study's results as a table (one row per trial, in trial order) and its files:
 * `results.parquet` and `results.csv`, `best.toml` (the best set as a strategy file that
 * `tesser backtest run --strategy-config` takes unchanged), and the per-shard parts
 * `part-IIIII-of-NNNNN.parquet` that {@linkcode mergeParts} joins into the same results.
 *
 * Determinism: rows are sorted by trial id and every column is written from the trial's own
 * values; the study spec is stored as JSON in the Parquet footer (`tesser.study`) and a part
 * also records its shard (`tesser.shard`), so the merged parts of any sharding give the very
 * bytes of an unsharded run.
 *
 * @module
 */

import { join } from "node:path";
import { stringifyToml } from "../config/mod.ts";
import { DataError } from "../domain/mod.ts";
import {
  type ParquetTable,
  readTableParquet,
  type TableColumn,
  writeTableParquet,
} from "../data/mod.ts";
import { csvText } from "./_csv.ts";
import { writeTextAtomic } from "../data/mod.ts";
import { studyReportHtml } from "./study_report_html.ts";
import { METRIC_NAMES, type TrialMetrics } from "./objective.ts";
import { bestTrial, type TrialResult, type TrialStatus } from "./optimize.ts";
import type { ParamValue } from "./space.ts";
import { planTrials, type Shard, type StudySpec, trialCount } from "./study.ts";

const STUDY_KEY = "tesser.study";
const SHARD_KEY = "tesser.shard";

/** The file name of a shard's part. */
export function partFileName(shard: Shard): string {
  const pad = (n: number): string => String(n).padStart(5, "0");
  return `part-${pad(shard.index)}-of-${pad(shard.count)}.parquet`;
}

function numericParam(spec: StudySpec, name: string): boolean {
  const param = spec.space.params.find((p) => p.name === name);
  return param !== undefined &&
    (param.kind === "range" || param.values.every((v) => typeof v === "number"));
}

/** The results as a table; `shard` marks a part. */
export function resultsTable(
  spec: StudySpec,
  results: readonly TrialResult[],
  shard?: Shard,
): ParquetTable {
  const rows = [...results].sort((a, b) => a.trial - b.trial);
  const columns: TableColumn[] = [
    { name: "trial", kind: "double", values: rows.map((r) => r.trial) },
  ];
  for (const param of spec.space.params) {
    const name = `param_${param.name}`;
    if (numericParam(spec, param.name)) {
      columns.push({
        name,
        kind: "double",
        values: rows.map((r) => r.params[param.name] as number),
      });
    } else {
      columns.push({
        name,
        kind: "string",
        values: rows.map((r) => JSON.stringify(r.params[param.name])),
      });
    }
  }
  columns.push(
    { name: "status", kind: "string", values: rows.map((r) => r.status) },
    { name: "score", kind: "double", values: rows.map((r) => r.score) },
  );
  const metricColumns = (prefix: string, pick: (r: TrialResult) => TrialMetrics | null) =>
    METRIC_NAMES.map((metric): TableColumn => ({
      name: `${prefix}${metric}`,
      kind: "double",
      values: rows.map((r) => pick(r)?.[metric] ?? null),
    }));
  columns.push(...metricColumns("", (r) => r.metrics));
  if (spec.test !== undefined) columns.push(...metricColumns("test_", (r) => r.test));
  columns.push({ name: "error", kind: "string", values: rows.map((r) => r.error) });
  const metadata: Record<string, string> = { [STUDY_KEY]: JSON.stringify(spec) };
  if (shard !== undefined) metadata[SHARD_KEY] = `${shard.index}/${shard.count}`;
  return { columns, metadata };
}

/** A table read back: the study, the shard of a part, and its results. */
export interface ReadResults {
  /** The study as stored (JSON text, compared verbatim between parts). */
  readonly studyJson: string;
  /** The study. */
  readonly spec: StudySpec;
  /** The shard, for a part. */
  readonly shard?: Shard;
  /** The results, in trial order. */
  readonly results: readonly TrialResult[];
}

/**
 * Reads back a table made by {@linkcode resultsTable}.
 *
 * @throws {DataError} naming `file` when it is not a study table.
 */
export function readResults(table: ParquetTable, file: string): ReadResults {
  const studyJson = table.metadata[STUDY_KEY];
  if (studyJson === undefined) {
    throw new DataError("not a tesser research results file (no study metadata)", {
      location: { file },
    });
  }
  const spec = JSON.parse(studyJson) as StudySpec;
  const column = (name: string): TableColumn => {
    const found = table.columns.find((c) => c.name === name);
    if (found === undefined) {
      throw new DataError(`results file has no column ${name}`, { location: { file } });
    }
    return found;
  };
  const doubles = (name: string): readonly (number | null)[] => {
    const c = column(name);
    return c.kind === "double" ? c.values : c.values.map(Number);
  };
  const strings = (name: string): readonly string[] => {
    const c = column(name);
    return c.kind === "string" ? c.values : c.values.map(String);
  };
  const trials = doubles("trial");
  const status = strings("status");
  const scores = doubles("score");
  const errors = strings("error");
  const params = spec.space.params.map((p) => ({
    name: p.name,
    column: column(`param_${p.name}`),
  }));
  const metricsOf = (prefix: string, i: number): TrialMetrics => {
    const entries = METRIC_NAMES.map((m) => [m, doubles(`${prefix}${m}`)[i]]);
    return Object.fromEntries(entries) as TrialMetrics;
  };
  const results: TrialResult[] = trials.map((trial, i) => {
    const values: Record<string, ParamValue> = {};
    for (const { name, column: c } of params) {
      values[name] = c.kind === "double" ? c.values[i] as number : JSON.parse(c.values[i]);
    }
    const failed = status[i] === "failed";
    const hasTrain = doubles("trades")[i] !== null;
    return {
      trial: trial as number,
      params: values,
      status: status[i] as TrialStatus,
      score: scores[i],
      metrics: hasTrain ? metricsOf("", i) : null,
      test: spec.test !== undefined && !failed ? metricsOf("test_", i) : null,
      error: errors[i],
    };
  });
  const shardText = table.metadata[SHARD_KEY];
  const shard = shardText === undefined ? undefined : (() => {
    const [index, count] = shardText.split("/").map(Number);
    return { index, count };
  })();
  return { studyJson, spec, shard, results };
}

/**
 * Joins the parts of one study into its full results, checking that they are one study's
 * parts: the same study, one part per shard of the same count, and together every planned
 * trial exactly once with the planned parameters.
 *
 * @throws {DataError} naming the part or the shard that is wrong or missing.
 */
export function mergeParts(
  parts: readonly (ReadResults & { readonly file: string })[],
): { spec: StudySpec; results: readonly TrialResult[] } {
  if (parts.length === 0) {
    throw new DataError("no parts to merge", { hint: "pass the part-*.parquet files" });
  }
  const first = parts[0];
  const byShard = new Map<number, string>();
  for (const part of parts) {
    if (part.shard === undefined) {
      throw new DataError("this is a merged or unsharded results file, not a part", {
        location: { file: part.file },
        hint: "merge only the part-*.parquet files of sharded runs",
      });
    }
    if (part.studyJson !== first.studyJson) {
      throw new DataError(`this part belongs to another study than ${first.file}`, {
        location: { file: part.file },
        hint: "run every shard with the same flags, space and strategy file",
      });
    }
    const count = first.shard?.count;
    if (part.shard.count !== count) {
      throw new DataError(
        `this part is one of ${part.shard.count} shards, ${first.file} one of ${count}`,
        { location: { file: part.file } },
      );
    }
    const other = byShard.get(part.shard.index);
    if (other !== undefined) {
      throw new DataError(`shard ${part.shard.index} is given twice (also ${other})`, {
        location: { file: part.file },
      });
    }
    byShard.set(part.shard.index, part.file);
  }
  const count = first.shard?.count ?? 0;
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0) {
    throw new DataError(
      `shard${missing.length === 1 ? "" : "s"} ${missing.join(", ")} of ${count} missing`,
      { hint: "run the missing shards (or wait for their pods) and merge again" },
    );
  }
  // A TPE study has no plan to check the parameters against: its chains chose them.
  const plan = first.spec.method === "tpe" ? undefined : planTrials(first.spec);
  const planned = trialCount(first.spec);
  const results = parts.flatMap((p) => p.results).sort((a, b) => a.trial - b.trial);
  if (results.length !== planned) {
    throw new DataError(`the parts hold ${results.length} trials, the study plans ${planned}`);
  }
  results.forEach((result, i) => {
    const params = plan === undefined ? result.params : plan[i].params;
    if (result.trial !== i || JSON.stringify(result.params) !== JSON.stringify(params)) {
      throw new DataError(`trial ${i} in the parts does not match the study's plan`, {
        hint: "a part was edited or written by another version of tesser",
      });
    }
  });
  return { spec: first.spec, results };
}

/** The results table as CSV (the same columns; empty cells for null). */
export function resultsCsv(table: ParquetTable): string {
  const rows = table.columns[0]?.values.length ?? 0;
  return csvText(
    table.columns.map((c) => c.name),
    Array.from({ length: rows }, (_, i) => table.columns.map((c) => c.values[i])),
  );
}

/** The best set as a strategy file: the strategy file's params with the best overrides. */
export function bestStrategyToml(spec: StudySpec, best: TrialResult): string {
  const header = [
    `# Best set of a tesser research study (${spec.method} search, trial ${best.trial}):`,
    `# ${spec.objective.name} score ${best.score}, ${best.metrics?.trades ?? 0} trades.`,
    "",
  ].join("\n");
  const body = stringifyToml({
    strategy_name: spec.strategy,
    params: { ...spec.baseParams, ...best.params },
  });
  return `${header}\n${body}`;
}

/** What {@linkcode writeStudyResults} wrote. */
export interface WrittenStudy {
  /** The files written. */
  readonly files: readonly string[];
  /** The best trial, when one qualified. */
  readonly best: TrialResult | undefined;
}

/**
 * Writes `results.parquet`, `results.csv`, `report.html` and (when a trial qualifies)
 * `best.toml` into `dir`.
 */
export async function writeStudyResults(
  dir: string,
  spec: StudySpec,
  results: readonly TrialResult[],
): Promise<WrittenStudy> {
  const table = resultsTable(spec, results);
  const files = [join(dir, "results.parquet"), join(dir, "results.csv")];
  await writeTableParquet(files[0], table);
  await writeTextAtomic(files[1], resultsCsv(table));
  const reportPath = join(dir, "report.html");
  await writeTextAtomic(reportPath, studyReportHtml({ spec, results }));
  files.push(reportPath);
  const best = bestTrial(results);
  const bestPath = join(dir, "best.toml");
  if (best !== undefined) {
    await writeTextAtomic(bestPath, bestStrategyToml(spec, best));
    files.push(bestPath);
  } else {
    await Deno.remove(bestPath).catch(() => undefined);
  }
  return { files, best };
}

/** Writes one shard's part into `dir`; returns its path. */
export async function writeStudyPart(
  dir: string,
  spec: StudySpec,
  shard: Shard,
  results: readonly TrialResult[],
): Promise<string> {
  const path = join(dir, partFileName(shard));
  await writeTableParquet(path, resultsTable(spec, results, shard));
  return path;
}

/** Reads a results or part file. */
export async function readStudyFile(path: string): Promise<ReadResults> {
  return readResults(await readTableParquet(path), path);
}
