/**
 * `tesser research bias`: the look-ahead and recursive-indicator checks of a strategy file on
 * real candles.
 *
 * @module
 */

import { batchToCandles, readCandleParquet } from "../lib/data/mod.ts";
import { type Candle, ConfigError, DataError } from "../lib/domain/mod.ts";
import { lookaheadAnalysis, recursiveAnalysis } from "../lib/research/mod.ts";
import { builtinStrategies, type Strategy } from "../lib/strategies/mod.ts";
import { loadStrategyModule } from "../lib/strategies/user_module.ts";
import { readStrategyFile } from "./_strategy_file.ts";
import type { CommandIo } from "./io.ts";
import { booleanFlag, numberFlag, parseFlags, stringFlag, stringsFlag } from "./usage_error.ts";

/** The help of `research bias`. */
export const BIAS_HELP = `Usage: tesser research bias --strategy-config FILE --data FILE [options]

Two checks every strategy should pass, on the first --rows bars of the data:
  look-ahead   the strategy run on data cut at --cuts random bar times (seeded) must emit the
               same signals up to each cut as on all of it (through the real engine)
  recursive    the strategy started --starts bars later must, after --warmup bars, emit the
               same signals as the run from the first bar (else its indicators depend on more
               history than the warm-up: results then depend on the start date)
Exits 1 when a check fails, naming the first differing signal.

Options:
  --strategy-config FILE   the strategy file
  --strategy-module FILE   a user strategy module (as for backtest run)
  --data FILE              candle Parquet (repeatable: one file per symbol)
  --rows N                 bars read from each file (default 2000)
  --cuts N                 look-ahead cut points (default 5)
  --seed N                 seed of the cut points (default 1)
  --starts A,B,...         late starts in bars (default: a tenth and a quarter of the bars)
  --warmup N               bars after a late start before signals are compared (default 200)
  --json                   print both reports as JSON
  -h, --help`;

async function readCandles(files: readonly string[], rows: number): Promise<Candle[]> {
  const candles: Candle[] = [];
  for (const file of files) {
    let taken = 0;
    for await (const batch of readCandleParquet(file)) {
      for (const candle of batchToCandles(batch)) {
        if (taken++ >= rows) break;
        candles.push(candle);
      }
      if (taken >= rows) break;
    }
  }
  return candles;
}

/** Runs `tesser research bias`; returns the exit code (1 when a check fails). */
export async function researchBiasCommand(
  args: readonly string[],
  io: CommandIo,
): Promise<number> {
  const flags = parseFlags("research bias", args, {
    "strategy-config": { type: "string" },
    "strategy-module": { type: "string" },
    data: { type: "string", multiple: true },
    rows: { type: "string" },
    cuts: { type: "string" },
    seed: { type: "string" },
    starts: { type: "string" },
    warmup: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (booleanFlag(flags, "help")) {
    io.stdout(BIAS_HELP);
    return 0;
  }
  const path = stringFlag(flags, "strategy-config");
  const data = stringsFlag(flags, "data");
  if (path === undefined || data.length === 0) {
    throw new ConfigError("research bias: --strategy-config and --data are required", {
      hint: `run "tesser research bias --help"`,
    });
  }
  const file = await readStrategyFile(path);
  const module = stringFlag(flags, "strategy-module");
  const registry = module === undefined ? builtinStrategies : await loadStrategyModule(module);
  const factory = (): Strategy => registry.create(file.name, file.params, { file: path });
  factory(); // a bad strategy file is a usage error before any data is read
  const rows = numberFlag(flags, "rows", { integer: true, min: 3 }) ?? 2000;
  const candles = await readCandles(data, rows);
  const bars = new Set(candles.map((c) => c.openTime)).size;
  const warmup = numberFlag(flags, "warmup", { integer: true, min: 0 }) ?? 200;
  const startsText = stringFlag(flags, "starts");
  const starts = startsText === undefined
    ? [Math.floor(bars / 10), Math.floor(bars / 4)]
    : startsText.split(",").map((text) => {
      const n = Number(text.trim());
      if (!Number.isInteger(n) || n <= 0) {
        throw new ConfigError(`flag --starts: "${text}" is not a positive whole number of bars`);
      }
      return n;
    });
  const latest = Math.max(...starts);
  if (latest + warmup >= bars) {
    throw new DataError(
      `a late start of ${latest} bars plus a warm-up of ${warmup} leaves none of the ${bars} bars`,
      { hint: "read more --rows, or lower --starts or --warmup" },
    );
  }
  const lookahead = await lookaheadAnalysis(factory, candles, {
    cuts: numberFlag(flags, "cuts", { integer: true, min: 1, max: 1000 }) ?? 5,
    seed: numberFlag(flags, "seed", { integer: true, min: 0 }) ?? 1,
  });
  const recursive = recursiveAnalysis(factory, candles, { starts, warmup });
  if (booleanFlag(flags, "json")) {
    io.stdout(JSON.stringify({ bars, lookahead, recursive }, null, 2));
  } else {
    io.stdout(
      lookahead.passed
        ? `look-ahead: ok (${lookahead.cuts} cuts, ${lookahead.signals} signals over ${bars} bars)`
        : `look-ahead: FAILED\n${lookahead.message}`,
    );
    for (const s of recursive.starts) {
      io.stdout(
        s.agrees
          ? `recursive: ok from bar ${s.start} after ${warmup} bars (${s.compared} signals compared)`
          : `recursive: FAILED from bar ${s.start}: ${s.firstDifference}`,
      );
    }
  }
  return lookahead.passed && recursive.passed ? 0 : 1;
}
