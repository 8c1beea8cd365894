/**
 * Which execution hints a session can honour, and the refusal of a strategy that asks for any
 * other when the session is built, rather than signal by signal (a run that can never trade
 * must not end with zero trades and success). The list is the one place that decides: market
 * and limit orders, and every execution algorithm of `lib/execution/algorithms`.
 *
 * @module
 */

import { ConfigError, type ExecutionHint } from "../domain/mod.ts";
import { ALGORITHM_KINDS } from "../execution/mod.ts";
import type { Strategy } from "../strategies/mod.ts";

/**
 * The hints a session carries out: market orders, (post-only) limit orders and the execution
 * algorithms (TWAP, VWAP, Iceberg, PeggedBest, Sniper, TrailingStop).
 */
export const HONOURED_HINTS: readonly ExecutionHint["kind"][] = [
  "market",
  "limit",
  ...ALGORITHM_KINDS,
];

/**
 * Throws when `strategy` declares an execution hint `honoured` (default
 * {@linkcode HONOURED_HINTS}) does not list, or when the configured default algorithm
 * (`configured`, a strategy file's `[execution]`) is not honoured.
 *
 * @throws {ConfigError} naming the strategy, the hint and the hints available.
 */
export function refuseUnhonouredHints(
  strategy: Strategy,
  honoured: readonly ExecutionHint["kind"][] = HONOURED_HINTS,
  configured?: ExecutionHint["kind"],
): void {
  const kinds = [...strategy.executionHints ?? [], ...configured === undefined ? [] : [configured]];
  for (const kind of kinds) {
    if (honoured.includes(kind)) continue;
    throw new ConfigError(
      `strategy ${strategy.name} asks for the execution hint "${kind}", which this session cannot honour`,
      {
        hint: `honoured hints: ${
          honoured.join(", ")
        }; change the strategy's parameters so it uses one of them`,
      },
    );
  }
}
