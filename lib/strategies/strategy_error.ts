/**
 * A strategy's own fault: it threw (in its constructor, in `create`, in a handler). The error
 * names the strategy, the module it came from (for a user's `--strategy-module`) and what it
 * was handling, keeps what was thrown as its `cause` (so `--verbose` shows the author's stack),
 * and is a `TesserError`, so the CLI reports it as the user's and not as an internal error.
 *
 * @module
 */

import { TesserError, type TesserErrorOptions } from "../domain/mod.ts";
import type { Strategy } from "./strategy.ts";

/** A strategy threw; {@linkcode StrategyError.cause} is what it threw. */
export class StrategyError extends TesserError {
  /** Always `"StrategyError"`. */
  override readonly name = "StrategyError";
  /** The strategy's name. */
  readonly strategy: string;

  /** Makes the error about `strategy`; the message is `reason` (location and hint as usual). */
  constructor(strategy: string, reason: string, options: TesserErrorOptions = {}) {
    super(reason, options);
    this.strategy = strategy;
  }
}

// Where user strategies came from (the --strategy-module path), without touching the objects.
const ORIGINS = new WeakMap<object, string>();

/** Records that `strategy` was built from the module at `origin` (a path as the user gave it). */
export function recordStrategyOrigin(strategy: Strategy, origin: string): void {
  ORIGINS.set(strategy, origin);
}

/** The module `strategy` was built from, when it is a user's. */
export function strategyOrigin(strategy: Strategy): string | undefined {
  return ORIGINS.get(strategy);
}

/** The strategy as messages name it: `MomentumBurst (examples/…/my_strategy.ts)` or `SmaCross`. */
export function strategyLabel(name: string, origin: string | undefined): string {
  return origin === undefined ? name : `${name} (${origin})`;
}

/** What was thrown, in words: an Error's message, a string itself, anything else as JSON. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message === "" ? thrown.name : thrown.message;
  if (typeof thrown === "string") return thrown;
  let text: string;
  try {
    text = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  if (thrown === null || thrown === undefined) return `${text} (not an Error)`;
  const type = Array.isArray(thrown) ? "array" : typeof thrown;
  return `${text} (${/^[aeiou]/.test(type) ? "an" : "a"} ${type}, not an Error)`;
}

/**
 * The {@linkcode StrategyError} for `thrown` by strategy `name` (from `origin`) while doing
 * `when` (e.g. `on candle bybit:BTCUSDT 2024-01-01T03:20:00Z`, `in create`).
 */
export function strategyThrew(
  name: string,
  origin: string | undefined,
  when: string,
  thrown: unknown,
): StrategyError {
  return new StrategyError(
    name,
    `strategy ${strategyLabel(name, origin)} threw ${when}: ${describeThrown(thrown)}`,
    { cause: thrown },
  );
}
