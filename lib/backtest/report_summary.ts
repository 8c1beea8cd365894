/**
 * The report's truth in words, shared by the terminal summary and report.html: when and why
 * the drawdown kill switch tripped (and which config layer set its limit), and what each
 * refusal rule means, in one line a newcomer can act on — so "rejected 230" never stands alone.
 *
 * @module
 */

import {
  isRefusalRule,
  type JsonValue,
  REFUSAL_RULE_HELP,
  type RefusalRule,
} from "../domain/mod.ts";
import type { BacktestReport } from "./report.ts";

// Where a user changes what a rule enforces, for the rules a setting controls.
const SETTING: Readonly<Partial<Record<RefusalRule, string>>> = {
  "kill-switch": "risk_management.max_drawdown, --max-drawdown",
  "max-order-quantity": "risk_management.max_order_quantity",
  "max-order-notional": "risk_management.max_order_notional",
  "max-position": "risk_management.max_position_quantity",
  "insufficient-margin": "--leverage, --initial-equity or the sizer",
  "insufficient-balance": "--initial-equity or the sizer",
  "zero-size": "the sizer (--sizer, --quantity) or --initial-equity",
  "min-notional": "the markets file, or a larger size",
  "unsupported-hint": "the strategy's execution hint: use market or limit",
};

/**
 * The one-line explanation of a refusal rule (the domain's {@linkcode REFUSAL_RULE_HELP}, plus
 * the setting that controls it where there is one); a rule outside the closed set says so
 * rather than inventing a meaning.
 *
 * @example
 * ```ts
 * import { explainRefusal } from "@tesser/tesser/backtest";
 * import assert from "node:assert/strict";
 *
 * // The rule's help, and where to change what it enforces.
 * assert.match(explainRefusal("kill-switch"), /kill switch.*\(change: risk_management\.max_drawdown/);
 * ```
 */
export function explainRefusal(rule: string): string {
  if (!isRefusalRule(rule)) return "no explanation recorded for this rule";
  const setting = SETTING[rule];
  return setting === undefined
    ? REFUSAL_RULE_HELP[rule]
    : `${REFUSAL_RULE_HELP[rule]} (change: ${setting})`;
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
