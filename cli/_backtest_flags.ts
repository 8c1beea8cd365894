/**
 * The flags of `tesser backtest run` and their parsing into typed settings (sizer, venue, time
 * range), each bad value a {@linkcode ConfigError} naming the flag.
 *
 * @module
 */

import type { VenueSettings } from "../lib/backtest/candle_backtest.ts";
import { ConfigError, type Decimal, decimal, fromIso, type Micros } from "../lib/domain/mod.ts";
import { fixedQuantity, percentOfEquity, riskAdjusted, type Sizer } from "../lib/execution/mod.ts";
import { numberFlag, type ParsedFlags, stringFlag } from "./usage_error.ts";

/** `tesser backtest run --help`. */
export const RUN_HELP = `Usage: tesser backtest run --strategy-config FILE [options]

Runs a strategy over historical candles (canonical Parquet) or, without --data, over seeded
synthetic candles, and prints the report.

Options:
  --strategy-config FILE     strategy TOML: strategy_name = "..." and a [params] table
  --strategy-module FILE     a .ts module exporting "strategy" (a StrategyDefinition) to run
  --param KEY=VALUE          override a strategy parameter (repeatable; TOML value syntax)
  --data FILE                candle Parquet file (repeat for several symbols)
  --markets-file FILE        instrument specs (default: backtest.markets_file)
  --funding-file FILE        funding rates of perpetuals (CSV ts,symbol,rate[,mark_price]; repeatable)
  --sizer KIND[:VALUE]       fixed (uses --quantity), percent:0.1 (of equity), risk:0.01 (per 2 ATR)
  --quantity N               fixed order quantity (default 0.01)
  --initial-equity N         starting balance in the reporting currency (default from config)
  --fee-bps N                maker and taker fee in basis points (negative = rebate)
  --maker-fee-bps N          maker fee override
  --taker-fee-bps N          taker fee override
  --slippage-bps N           market and stop slippage (default backtest.slippage_bps)
  --latency-bars N           orders match from the Nth bar after submission (default 1)
  --latency-ms N             or: orders match from bars opening N ms after submission
  --intrabar MODEL           pessimistic (default) | ohlc | adaptive
  --limit-fill RULE          cross (default) | touch
  --max-volume-participation F   cap fills at F × bar volume (partial fills)
  --inference-latency-us N   modelled latency of an ONNX model's answer (default 20; docs/cortex.md)
  --leverage N               leverage for margin and liquidation (default 1)
  --max-drawdown F           kill switch: liquidate-only after this drawdown (0.2 = 20%)
  --from ISO --to ISO        restrict the bars replayed
  --rows N --seed S          synthetic data size and seed when --data is omitted
  --output-dir DIR           write report.json, equity.parquet, equity.csv, trades.csv, fills.csv,
                             orders.csv, report.html
  --equity-csv limited|full  equity.csv up to 1,000,000 rows, thinned beyond (default), or every
                             bar (equity.parquet always has every bar)
  --json                     print report.json to stdout instead of the table
  -h, --help

Tick mode (--mode tick; semantics in docs/tick_backtesting.md):
  --mode candle|tick         candle (default) replays --data bars; tick replays --lob-data
  --lob-data FILE            Tardis CSV (trades, quotes, incremental_book_L2, book_snapshot_N)
                             or JSONL events; repeatable, merged by local timestamp
  --queue-model MODEL        risk-averse (default) | probabilistic | optimistic
  --queue-probability F      probabilistic split: power (default) | power2 | log
  --queue-exponent N         exponent of the power functions (default 2)
  --latency-ms N             entry latency of every order operation (default 0)
  --latency-submit-ms N --latency-amend-ms N --latency-cancel-ms N   per-operation overrides
  --latency-response-ms N    venue → strategy latency of acks and fills (default 0)
  --latency-file FILE        measured latency rows req_ts,exch_ts,resp_ts (µs), interpolated
  --strict                   fail on a book delta before any snapshot (default: skip and count)`;

/** The flags `tesser backtest run` accepts. */
export const RUN_FLAGS = {
  "strategy-config": { type: "string" },
  "strategy-module": { type: "string" },
  param: { type: "string", multiple: true },
  data: { type: "string", multiple: true },
  "markets-file": { type: "string" },
  "funding-file": { type: "string", multiple: true },
  sizer: { type: "string" },
  quantity: { type: "string" },
  "initial-equity": { type: "string" },
  "fee-bps": { type: "string" },
  "maker-fee-bps": { type: "string" },
  "taker-fee-bps": { type: "string" },
  "slippage-bps": { type: "string" },
  "latency-bars": { type: "string" },
  "latency-ms": { type: "string" },
  intrabar: { type: "string" },
  "limit-fill": { type: "string" },
  "max-volume-participation": { type: "string" },
  leverage: { type: "string" },
  "inference-latency-us": { type: "string" },
  "max-drawdown": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  rows: { type: "string" },
  seed: { type: "string" },
  "output-dir": { type: "string" },
  "equity-csv": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  mode: { type: "string" },
  "lob-data": { type: "string", multiple: true },
  "queue-model": { type: "string" },
  "queue-probability": { type: "string" },
  "queue-exponent": { type: "string" },
  "latency-submit-ms": { type: "string" },
  "latency-amend-ms": { type: "string" },
  "latency-cancel-ms": { type: "string" },
  "latency-response-ms": { type: "string" },
  "latency-file": { type: "string" },
  strict: { type: "boolean" },
} as const;

/** The sizer chosen by `--sizer` (and `--quantity`). */
export function parseSizer(flags: ParsedFlags): Sizer {
  const text = stringFlag(flags, "sizer") ?? "fixed";
  const [kind, value] = text.split(":", 2);
  const number = (fallback: number | undefined): number => {
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`flag --sizer: ${kind} needs a value, e.g. --sizer ${kind}:0.1`);
    }
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new ConfigError(`flag --sizer: "${value}" is not a positive number`);
    }
    return parsed;
  };
  try {
    switch (kind) {
      case "fixed":
        return fixedQuantity(numberFlag(flags, "quantity") ?? number(0.01));
      case "percent":
        return percentOfEquity(number(undefined));
      case "risk":
        return riskAdjusted(number(undefined));
      default:
        throw new ConfigError(`flag --sizer: unknown sizer "${kind}"`, {
          hint: "use fixed, percent:F or risk:F",
        });
    }
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ConfigError(`flag --sizer/--quantity: ${error.message}`);
    }
    throw error;
  }
}

/** An ISO-8601 time flag, or undefined when absent. */
function parseTime(flags: ParsedFlags, name: string): Micros | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  try {
    return fromIso(text);
  } catch (error) {
    throw new ConfigError(`flag --${name}: ${(error as Error).message}`);
  }
}

/** `--from` and `--to` as µs; throws a `ConfigError` unless `--from` comes before `--to`. */
export function parseWindow(flags: ParsedFlags): { from?: Micros; to?: Micros } {
  const from = parseTime(flags, "from");
  const to = parseTime(flags, "to");
  if (from !== undefined && to !== undefined && from >= to) {
    throw new ConfigError(
      `flags --from ${stringFlag(flags, "from")} and --to ${
        stringFlag(flags, "to")
      } select no time: --from must come before --to`,
    );
  }
  return { from, to };
}

/** A flag restricted to `values`. */
export function choice<T extends string>(
  flags: ParsedFlags,
  name: string,
  values: readonly T[],
): T | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const found = values.find((v) => v === text);
  if (found === undefined) {
    throw new ConfigError(`flag --${name}: "${text}" is not one of ${values.join(", ")}`);
  }
  return found;
}

/** Maker and taker fee overrides from `--fee-bps`, `--maker-fee-bps`, `--taker-fee-bps`. */
export function feeOverrides(
  flags: ParsedFlags,
  configFeeBps?: number,
): { readonly maker?: Decimal; readonly taker?: Decimal } {
  const feeBps = numberFlag(flags, "fee-bps") ?? configFeeBps;
  const maker = numberFlag(flags, "maker-fee-bps") ?? feeBps;
  const taker = numberFlag(flags, "taker-fee-bps") ?? feeBps;
  return {
    ...(maker === undefined ? {} : { maker: decimal(maker).div(10_000) }),
    ...(taker === undefined ? {} : { taker: decimal(taker).div(10_000) }),
  };
}

/** The `[backtest]` config values the flags override. */
export interface BacktestDefaults {
  /** Fee for both liquidity sides, bps (`backtest.fee_bps`). */
  readonly fee_bps?: number;
  /** Slippage, bps (`backtest.slippage_bps`). */
  readonly slippage_bps?: number;
  /** Order latency in bars (`backtest.latency_bars`). */
  readonly latency_bars?: number;
}

/** The candle venue's settings from its flags, falling back on the config's `[backtest]`. */
export function venueSettings(flags: ParsedFlags, defaults: BacktestDefaults): VenueSettings {
  const fees = feeOverrides(flags, defaults.fee_bps);
  const latencyBars = numberFlag(flags, "latency-bars", { integer: true, min: 1 });
  const latencyMs = numberFlag(flags, "latency-ms", { min: 0 });
  if (latencyBars !== undefined && latencyMs !== undefined) {
    throw new ConfigError("flags --latency-bars and --latency-ms exclude each other; pass one");
  }
  const participation = numberFlag(flags, "max-volume-participation", { min: 0 });
  if (participation !== undefined && (participation <= 0 || participation > 1)) {
    throw new ConfigError(
      `flag --max-volume-participation: must be in (0, 1], got ${participation}`,
    );
  }
  return {
    slippageBps: numberFlag(flags, "slippage-bps", { min: 0 }) ?? defaults.slippage_bps ?? 0,
    latency: latencyMs !== undefined
      ? { kind: "ms", ms: latencyMs }
      : { kind: "bars", bars: latencyBars ?? defaults.latency_bars ?? 1 },
    intrabar: choice(flags, "intrabar", ["pessimistic", "ohlc", "adaptive"] as const) ??
      "pessimistic",
    limitFill: choice(flags, "limit-fill", ["cross", "touch"] as const) ?? "cross",
    ...(participation === undefined ? {} : { maxVolumeParticipation: participation }),
    ...(fees.maker === undefined ? {} : { makerFeeRate: fees.maker }),
    ...(fees.taker === undefined ? {} : { takerFeeRate: fees.taker }),
  };
}

/** The modelled inference latency of `--inference-latency-us` (µs), when given. */
export function inferenceSettings(flags: ParsedFlags): { readonly latencyMicros?: number } {
  const latencyMicros = numberFlag(flags, "inference-latency-us", { integer: true, min: 0 });
  return latencyMicros === undefined ? {} : { latencyMicros };
}
