/**
 * `tesser research merge`: joins the parts of a sharded study into the results an unsharded
 * run writes (byte for byte, for grid and random search).
 *
 * @module
 */

import { join } from "node:path";
import { ConfigError } from "../lib/domain/mod.ts";
import { mergeParts, readStudyFile, writeStudyResults } from "../lib/research/mod.ts";
import type { CommandIo } from "./io.ts";
import { makeOutputDir, reportBest } from "./research_optimize.ts";
import { booleanFlag, parseFlags, stringFlag } from "./usage_error.ts";

/** The help of `research merge`. */
export const MERGE_HELP = `Usage: tesser research merge --output DIR PART_OR_FOLDER...

Joins the part-I-of-N.parquet files of a sharded 'research optimize' (files, or folders
holding them) into DIR/results.parquet, DIR/results.csv and DIR/best.toml: the same files an
unsharded run writes. Every shard 0..N-1 must be there exactly once, all from one study.

Options:
  --output DIR   where the merged results go (made if missing)
  -h, --help`;

async function partFiles(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(input);
    } catch {
      throw new ConfigError(`research merge: ${input} does not exist`, {
        hint: "pass part files or the folders the shards wrote into",
      });
    }
    if (!info.isDirectory) {
      files.push(input);
      continue;
    }
    const inside: string[] = [];
    for await (const entry of Deno.readDir(input)) {
      if (entry.isFile && /^part-\d+-of-\d+\.parquet$/.test(entry.name)) {
        inside.push(join(input, entry.name));
      }
    }
    if (inside.length === 0) {
      throw new ConfigError(`research merge: ${input} holds no part-*.parquet files`);
    }
    files.push(...inside.sort());
  }
  return files;
}

/** Runs `tesser research merge`; returns the exit code. */
export async function researchMergeCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const flags = parseFlags("research merge", args, {
    output: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (booleanFlag(flags, "help")) {
    io.stdout(MERGE_HELP);
    return 0;
  }
  const output = stringFlag(flags, "output");
  if (output === undefined || flags.positionals.length === 0) {
    throw new ConfigError("research merge: --output DIR and at least one part are required", {
      hint: `run "tesser research merge --help"`,
    });
  }
  const files = await partFiles(flags.positionals);
  const parts = await Promise.all(
    files.map(async (file) => ({ ...(await readStudyFile(file)), file })),
  );
  const { spec, results } = mergeParts(parts);
  await makeOutputDir(output);
  const written = await writeStudyResults(output, spec, results);
  io.stderr(`merged ${files.length} parts`);
  for (const file of written.files) io.stdout(`wrote ${file}`);
  return reportBest(written.best, spec, results, io);
}
