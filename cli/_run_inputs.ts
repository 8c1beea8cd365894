/**
 * What every backtest mode of `tesser backtest run` starts from: the parsed flags, the loaded
 * config, the prepared strategy with its params, and the instruments.
 *
 * @module
 */

import type { TesserConfig } from "../lib/config/mod.ts";
import { ConfigError, type Instrument, type JsonValue } from "../lib/domain/mod.ts";
import type { ExecutionTemplate, RiskLimits } from "../lib/execution/mod.ts";
import type { Strategy } from "../lib/strategies/mod.ts";
import { numberFlag, type ParsedFlags, stringFlag } from "./usage_error.ts";

/** The inputs of one run. */
export interface RunInputs {
  /** The parsed flags. */
  readonly flags: ParsedFlags;
  /** The layered configuration. */
  readonly config: TesserConfig;
  /** The strategy instance. */
  readonly strategy: Strategy;
  /** Its params in force (defaults included), for the report. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Instruments from the markets file. */
  readonly instruments: readonly Instrument[];
  /** Settings recorded in the report whatever the mode. */
  readonly settings: Readonly<Record<string, JsonValue>>;
  /** The strategy file's `[execution]` algorithm, when it has one. */
  readonly execution?: ExecutionTemplate;
}

/** The drawdown kill switch's limit: `--max-drawdown`, else the config's. */
export function maxDrawdownLimit(flags: ParsedFlags, config: TesserConfig): number | undefined {
  const limit = numberFlag(flags, "max-drawdown", { min: 0, max: 1 }) ??
    config.risk_management?.max_drawdown;
  if (limit === 0) {
    throw new ConfigError("a drawdown limit of 0 would stop trading at the first mark", {
      hint:
        "give --max-drawdown (risk_management.max_drawdown) a fraction like 0.05, or 1 to disable it",
    });
  }
  return limit;
}

/** The config keys of the risk limits, by the report's names. */
const RISK_KEYS: Readonly<Record<string, string>> = {
  maxOrderQuantity: "risk_management.max_order_quantity",
  maxOrderNotional: "risk_management.max_order_notional",
  maxPositionQuantity: "risk_management.max_position_quantity",
  maxDrawdown: "risk_management.max_drawdown",
};

/**
 * Which config layer (or flag) set each risk limit in force, for the report's settings
 * (`riskSources`): e.g. `config/default.toml [risk_management] max_drawdown = 0.05`. Limits
 * nobody set are left out.
 */
export function riskSources(
  flags: ParsedFlags,
  sources: Readonly<Record<string, string>>,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, key] of Object.entries(RISK_KEYS)) {
    const source = sources[key];
    if (source !== undefined) found[name] = source;
  }
  const flag = stringFlag(flags, "max-drawdown");
  if (flag !== undefined) found.maxDrawdown = `--max-drawdown ${flag}`;
  return found;
}

/** Pre-trade risk limits from `[risk_management]`, with the drawdown limit given separately. */
export function riskLimits(config: TesserConfig, maxDrawdown: number | undefined): RiskLimits {
  return {
    maxOrderQuantity: config.risk_management?.max_order_quantity,
    maxOrderNotional: config.risk_management?.max_order_notional,
    maxPositionQuantity: config.risk_management?.max_position_quantity,
    maxDrawdown,
  };
}
