/**
 * The report's truth in words, shared by the terminal summary and report.html: when and why
 * the drawdown kill switch tripped (and which config layer set its limit), and what each
 * refusal rule means, in one line a newcomer can act on — so "rejected 230" never stands alone.
 *
 * @module
 */

import type { JsonValue } from "../domain/mod.ts";
import type { BacktestReport } from "./report.ts";

/** One line per rule the OMS, pre-trade risk, the validator and the venues refuse by. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  "kill-switch":
    "the drawdown kill switch had tripped: only orders that reduce the position pass (risk_management.max_drawdown, --max-drawdown)",
  "max-order-quantity": "the order is larger than risk_management.max_order_quantity",
  "max-order-notional": "the order's notional is above risk_management.max_order_notional",
  "max-position":
    "the position, with every working order on its side filled, would exceed risk_management.max_position_quantity",
  "insufficient-margin":
    "the initial margin (notional / leverage) of the exposure it opens does not fit in the free margin",
  "insufficient-balance": "a spot buy needs more quote (a sell more base) than the account holds",
  "min-notional": "price × quantity is below the instrument's minimum notional (markets file)",
  "min-quantity": "the quantity is below the instrument's minimum quantity (markets file)",
  lot: "the quantity is not a multiple of the instrument's lot size",
  tick: "the price is not on the instrument's tick grid",
  quantity: "the quantity is not a positive number",
  price: "a price is missing or not a positive number",
  "zero-size":
    "the sizer's quantity rounds down to zero lots (equity too small, or the sizer fraction too low for the lot)",
  "bad-size": "the sizer returned no usable quantity (not a finite, non-negative number)",
  "no-price": "the signal came before the symbol had a price to size it with",
  "unknown-symbol": "the symbol has no instrument in the markets file",
  "unsupported-hint":
    "the execution hint (TWAP, VWAP, iceberg, …) is not simulated in this mode; use market or limit",
  "unsupported-amend": "amending orders is not simulated in candle mode",
  venue:
    "the simulated venue rejected the order on arrival (post-only would cross, grid or minimum checks)",
  "malformed-signal":
    "the strategy emitted a malformed signal (unknown kind, bad number, unknown symbol or hint): a bug in it",
  "malformed-order":
    "the strategy placed a malformed order (bad side, type, quantity, price or symbol): a bug in it",
  "malformed-amend": "the strategy asked for a malformed amend (price or quantity not positive)",
};

/**
 * The one-line explanation of a refusal rule; a rule without one says so rather than inventing
 * a meaning.
 *
 * @example
 * ```ts
 * import { explainRefusal } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * assert.ok(explainRefusal("zero-size").startsWith("the sizer"));
 * ```
 */
export function explainRefusal(rule: string): string {
  return EXPLANATIONS[rule] ?? "no explanation recorded for this rule";
}

/** A refusal rule with its count and explanation, for the summaries. */
export interface RefusalLine {
  /** The rule. */
  readonly rule: string;
  /** How many orders or signals it refused. */
  readonly count: number;
  /** What it means. */
  readonly explanation: string;
}

/**
 * The report's refusals by rule, most frequent first (ties by rule name), each with its
 * explanation.
 *
 * @example
 * ```ts
 * import { refusalLines } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * const lines = refusalLines({ "zero-size": 3, "kill-switch": 7 });
 * assert.deepEqual(lines.map((line) => line.rule), ["kill-switch", "zero-size"]);
 * ```
 */
export function refusalLines(rejections: Readonly<Record<string, number>>): RefusalLine[] {
  return Object.entries(rejections)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([rule, count]) => ({ rule, count, explanation: explainRefusal(rule) }));
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

// `settings.riskSources.maxDrawdown` when the runner recorded where the limit came from.
function drawdownSource(settings: Readonly<Record<string, JsonValue>>): string | undefined {
  const sources = settings.riskSources;
  if (sources === null || typeof sources !== "object" || Array.isArray(sources)) return undefined;
  const source = (sources as Readonly<Record<string, JsonValue>>).maxDrawdown;
  return typeof source === "string" ? source : undefined;
}

function drawdownLimit(settings: Readonly<Record<string, JsonValue>>): number | undefined {
  const risk = settings.risk;
  if (risk === null || typeof risk !== "object" || Array.isArray(risk)) return undefined;
  const limit = (risk as Readonly<Record<string, JsonValue>>).maxDrawdown;
  return typeof limit === "number" ? limit : undefined;
}

/**
 * One line on the drawdown kill switch: when it tripped, at which drawdown, which limit and
 * where that limit was set; or that it did not trip (and its limit), or that none was set.
 *
 * @example
 * ```ts ignore
 * killSwitchLine(report);
 * // "tripped 2022-01-03T04:05:00Z at a 5.01% drawdown (limit 5.00%, set by config/default.toml
 * //  [risk_management] max_drawdown = 0.05): positions flattened, only reducing orders passed
 * //  from then on"
 * ```
 */
export function killSwitchLine(
  report: Pick<BacktestReport, "killSwitch" | "settings">,
): string {
  const source = drawdownSource(report.settings);
  const from = source === undefined ? "" : `, set by ${source}`;
  const trip = report.killSwitch;
  if (trip !== undefined) {
    return `tripped ${trip.at} at a ${percent(trip.drawdown)} drawdown (limit ${
      percent(trip.limit)
    }${from}): positions flattened, only reducing orders passed from then on`;
  }
  const limit = drawdownLimit(report.settings);
  return limit === undefined ? "no drawdown limit" : `not tripped (limit ${percent(limit)}${from})`;
}
