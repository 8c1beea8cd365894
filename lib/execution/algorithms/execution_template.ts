/**
 * A configured execution algorithm for every signal that names none: the `[execution]` table
 * of a strategy file (`algorithm = "twap"`, `duration_secs = 600`, …), so any strategy's
 * market signals can be worked by TWAP, VWAP, Iceberg, PeggedBest, Sniper or TrailingStop
 * without changing its code. Iceberg and Sniper need a price: a fixed `price`, or
 * `offset_bps` from the last price when the signal comes (below it for a buy, above for a
 * sell).
 *
 * @module
 */

import { ConfigError, type Side, type SourceLocation } from "../../domain/mod.ts";
import type { AlgorithmHint, AlgorithmKind } from "./algorithm.ts";

/** The configured algorithm. */
export interface ExecutionTemplate {
  /** The hint every signal without one gets (its price replaced when `offsetBps` is set). */
  readonly hint: AlgorithmHint;
  /** Iceberg/Sniper price as basis points from the last price (below for buys). */
  readonly offsetBps?: number;
}

/** The hint of `template` for a signal on `side` when the last price is `last`. */
export function templateHint(template: ExecutionTemplate, side: Side, last: number): AlgorithmHint {
  const offset = template.offsetBps;
  const hint = template.hint;
  if (offset === undefined || (hint.kind !== "iceberg" && hint.kind !== "sniper")) return hint;
  const sign = side === "buy" ? -1 : 1;
  return { ...hint, price: last * (1 + (sign * offset) / 10_000) };
}

// The TOML keys of each algorithm: [key, hint field, kind of value, required].
type Key = readonly [string, string, "number" | "integer" | "numbers", boolean];
const KEYS: Readonly<Record<AlgorithmKind, readonly Key[]>> = {
  twap: [
    ["duration_secs", "durationSecs", "number", true],
    ["slices", "slices", "integer", true],
    ["price", "price", "number", false],
    ["randomize", "randomize", "number", false],
    ["seed", "seed", "integer", false],
  ],
  vwap: [
    ["duration_secs", "durationSecs", "number", true],
    ["participation", "participation", "number", true],
    ["profile", "profile", "numbers", false],
    ["bucket_secs", "bucketSecs", "number", false],
  ],
  iceberg: [
    ["display_quantity", "displayQuantity", "number", true],
    ["price", "price", "number", false],
  ],
  "pegged-best": [
    ["offset_ticks", "offsetTicks", "integer", true],
    ["refresh_secs", "refreshSecs", "number", false],
    ["clip_size", "clipSize", "number", false],
    ["min_chase_distance", "minChaseDistance", "number", false],
  ],
  sniper: [
    ["timeout_secs", "timeoutSecs", "number", true],
    ["price", "price", "number", false],
  ],
  "trailing-stop": [
    ["callback_rate", "callbackRate", "number", true],
    ["activation_price", "activationPrice", "number", false],
  ],
};

const NAMES: Readonly<Record<string, AlgorithmKind>> = {
  twap: "twap",
  vwap: "vwap",
  iceberg: "iceberg",
  pegged_best: "pegged-best",
  sniper: "sniper",
  trailing_stop: "trailing-stop",
};

/**
 * Reads an `[execution]` table.
 *
 * @throws {ConfigError} naming the key, what it must be and where, for an unknown algorithm,
 * an unknown or missing key, a value of the wrong kind, or Iceberg/Sniper without a price.
 */
export function parseExecutionTable(
  table: Readonly<Record<string, unknown>>,
  location?: SourceLocation,
): ExecutionTemplate {
  const where = location === undefined ? {} : { location };
  const name = table.algorithm;
  const kind = typeof name === "string" ? NAMES[name] : undefined;
  if (kind === undefined) {
    throw new ConfigError(
      `[execution] algorithm must be one of ${Object.keys(NAMES).join(", ")}, got ${
        JSON.stringify(name)
      }`,
      {
        ...where,
        hint: 'e.g. algorithm = "twap" with duration_secs and slices',
      },
    );
  }
  const keys = KEYS[kind];
  const fields: Record<string, unknown> = { kind };
  const allowed = new Set(["algorithm", "offset_bps", ...keys.map((k) => k[0])]);
  for (const key of Object.keys(table)) {
    if (!allowed.has(key)) {
      throw new ConfigError(`[execution] ${key} is not a ${name} setting`, {
        ...where,
        hint: `${name} takes ${keys.map((k) => k[0]).join(", ")}${
          kind === "iceberg" || kind === "sniper" ? ", offset_bps" : ""
        }`,
      });
    }
  }
  for (const [key, prop, type, required] of keys) {
    const value = table[key];
    if (value === undefined) {
      if (required) {
        throw new ConfigError(`[execution] ${name} needs ${key}`, {
          ...where,
          hint: `add ${key} = …`,
        });
      }
      continue;
    }
    const ok = type === "numbers"
      ? Array.isArray(value) && value.every((v) => typeof v === "number" && Number.isFinite(v))
      : typeof value === "number" && Number.isFinite(value) &&
        (type === "number" || Number.isInteger(value));
    if (!ok) {
      const what = type === "numbers"
        ? "a list of numbers"
        : type === "integer"
        ? "a whole number"
        : "a number";
      throw new ConfigError(
        `[execution] ${key} must be ${what}, got ${JSON.stringify(value)}`,
        where,
      );
    }
    fields[prop] = value;
  }
  const offset = table.offset_bps;
  if (offset !== undefined && (typeof offset !== "number" || !(offset >= 0))) {
    throw new ConfigError(
      `[execution] offset_bps must be a number of basis points, 0 or more, got ${
        JSON.stringify(offset)
      }`,
      where,
    );
  }
  if (
    (kind === "iceberg" || kind === "sniper") && fields.price === undefined && offset === undefined
  ) {
    throw new ConfigError(`[execution] ${name} needs price or offset_bps`, {
      ...where,
      hint: "offset_bps = 10 prices it 10 bps from the last price when the signal comes",
    });
  }
  if (kind === "iceberg" || kind === "sniper") fields.price ??= 0;
  return {
    hint: fields as unknown as AlgorithmHint,
    ...(typeof offset === "number" && (kind === "iceberg" || kind === "sniper")
      ? { offsetBps: offset }
      : {}),
  };
}
