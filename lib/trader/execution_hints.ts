/**
 * Which execution hints a session can honour, and the refusal of a strategy that asks for any
 * other when the session is built, rather than signal by signal (a run that can never trade
 * must not end with zero trades and success). The list is the one place that decides: when the
 * execution algorithms arrive they add their hints here.
 *
 * @module
 */

import { ConfigError, type ExecutionHint } from "../domain/mod.ts";
import type { Strategy } from "../strategies/mod.ts";

/** The hints the OMS carries out today: market orders and (post-only) limit orders. */
export const HONOURED_HINTS: readonly ExecutionHint["kind"][] = ["market", "limit"];

/**
 * Throws when `strategy` declares an execution hint `honoured` (default
 * {@linkcode HONOURED_HINTS}) does not list.
 *
 * @throws {ConfigError} naming the strategy, the hint and the hints available.
 */
export function refuseUnhonouredHints(
  strategy: Strategy,
  honoured: readonly ExecutionHint["kind"][] = HONOURED_HINTS,
): void {
  for (const kind of strategy.executionHints ?? []) {
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
