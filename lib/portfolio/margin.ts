/**
 * Isolated-margin arithmetic for perpetual contracts: initial and maintenance margin, and the
 * liquidation price in closed form.
 *
 * @module
 */

import { type Decimal, isPositive, ONE } from "../domain/mod.ts";

/** The contract kinds that carry margin. */
export type MarginKind = "linear" | "inverse";

/** Long or short. */
export type PositionDirection = "long" | "short";

/**
 * Initial margin of an isolated position: its entry notional (settle currency) ÷ leverage.
 *
 * @example
 * ```ts
 * import { decimal } from "@tesser/tesser/domain";
 * import { initialMargin } from "@tesser/tesser/portfolio";
 * import assert from "node:assert/strict";
 *
 * assert.equal(initialMargin(decimal(20000), decimal(10)).toString(), "2000");
 * ```
 */
export function initialMargin(entryNotional: Decimal, leverage: Decimal): Decimal {
  return entryNotional.div(leverage);
}

/**
 * Maintenance margin: `rate × entry notional`. It is measured on the entry notional (as Bybit
 * does for its liquidation price), so the liquidation price stays fixed while the position
 * does not change, and the per-bar check is a single comparison.
 */
export function maintenanceMargin(entryNotional: Decimal, rate: Decimal): Decimal {
  return entryNotional.times(rate);
}

interface Factors {
  readonly leverage: Decimal;
  readonly rate: Decimal;
  readonly lower: Decimal;
  readonly upper: Decimal;
}

// The factors of the last two (leverage, rate) pairs asked for, by identity: a portfolio asks
// for its few pairs (maintenance rate and 0, per leverage) on every fill.
const factorMemo: (Factors | undefined)[] = [undefined, undefined];

function factorsOf(leverage: Decimal, rate: Decimal): Factors {
  for (const known of factorMemo) {
    if (known !== undefined && known.leverage === leverage && known.rate === rate) return known;
  }
  const inverseLeverage = ONE.div(leverage);
  const factors = {
    leverage,
    rate,
    lower: ONE.minus(inverseLeverage).plus(rate), // 1 − 1/L + m
    upper: ONE.plus(inverseLeverage).minus(rate), // 1 + 1/L − m
  };
  factorMemo[1] = factorMemo[0];
  factorMemo[0] = factors;
  return factors;
}

/**
 * The price at which an isolated position's margin plus unrealized PnL falls to its
 * maintenance margin, with entry price `E`, leverage `L` and maintenance rate `m`.
 * Position size cancels out. With `u` = contracts × multiplier:
 *
 * - linear long: `uE/L + u(P − E) = m·uE` → `P = E · (1 − 1/L + m)`
 * - linear short: `uE/L + u(E − P) = m·uE` → `P = E · (1 + 1/L − m)`
 * - inverse long (PnL in base: `u(1/E − 1/P)`, notional `u/E`):
 *   `u/(EL) + u/E − u/P = m·u/E` → `P = E / (1 + 1/L − m)`
 * - inverse short: `u/(EL) + u/P − u/E = m·u/E` → `P = E / (1 − 1/L + m)`
 *
 * Returns undefined when no positive price liquidates the position (a 1× long with a zero
 * maintenance rate).
 *
 * @example
 * ```ts
 * import { decimal } from "@tesser/tesser/domain";
 * import { liquidationPrice } from "@tesser/tesser/portfolio";
 * import assert from "node:assert/strict";
 *
 * const price = liquidationPrice("linear", "long", decimal(20000), decimal(10), decimal("0.005"));
 * assert.equal(price?.toString(), "18100");
 * ```
 */
export function liquidationPrice(
  kind: MarginKind,
  direction: PositionDirection,
  entryPrice: Decimal,
  leverage: Decimal,
  maintenanceRate: Decimal,
): Decimal | undefined {
  const { lower, upper } = factorsOf(leverage, maintenanceRate);
  switch (kind) {
    case "linear": {
      const factor = direction === "long" ? lower : upper;
      return isPositive(factor) ? entryPrice.times(factor) : undefined;
    }
    case "inverse": {
      const factor = direction === "long" ? upper : lower;
      return isPositive(factor) ? entryPrice.div(factor) : undefined;
    }
    default: {
      const unknownKind: never = kind;
      throw new TypeError(`Unknown margin kind ${unknownKind}`);
    }
  }
}

/**
 * The price at which an isolated position holding `margin` (settle currency) is left with
 * `rate × entry notional` of it, for any margin — the general form of
 * {@linkcode liquidationPrice}, needed once funding has been taken from the margin (then the
 * margin is less than notional ÷ leverage). With `u` = contracts × multiplier and `cost` the
 * entry notional (linear `u·E`, inverse `u/E`):
 *
 * - linear long: `M + uP − cost = m·cost` → `P = (cost·(1 + m) − M) / u`
 * - linear short: `M + cost − uP = m·cost` → `P = (cost·(1 − m) + M) / u`
 * - inverse long: `M + cost − u/P = m·cost` → `P = u / (M + cost·(1 − m))`
 * - inverse short: `M + u/P − cost = m·cost` → `P = u / (cost·(1 + m) − M)`
 *
 * With `rate` 0 it is the bankruptcy price: the whole margin is gone. Returns undefined when
 * no positive price reaches it.
 *
 * @example
 * ```ts
 * import { decimal } from "@tesser/tesser/domain";
 * import { marginCallPrice } from "@tesser/tesser/portfolio";
 * import assert from "node:assert/strict";
 *
 * // Long 1 @100 with 10 of margin: bankrupt at 90; with 2 of it taken by funding, at 92.
 * const price = marginCallPrice("linear", "long", decimal(1), decimal(100), decimal(8), decimal(0));
 * assert.equal(price?.toString(), "92");
 * ```
 */
export function marginCallPrice(
  kind: MarginKind,
  direction: PositionDirection,
  units: Decimal,
  cost: Decimal,
  margin: Decimal,
  rate: Decimal,
): Decimal | undefined {
  const long = direction === "long";
  let price: Decimal;
  switch (kind) {
    case "linear":
      price = long
        ? cost.times(ONE.plus(rate)).minus(margin).div(units)
        : cost.times(ONE.minus(rate)).plus(margin).div(units);
      break;
    case "inverse": {
      const denominator = long
        ? margin.plus(cost.times(ONE.minus(rate)))
        : cost.times(ONE.plus(rate)).minus(margin);
      if (!isPositive(denominator)) return undefined;
      price = units.div(denominator);
      break;
    }
    default: {
      const unknownKind: never = kind;
      throw new TypeError(`Unknown margin kind ${unknownKind}`);
    }
  }
  return isPositive(price) ? price : undefined;
}
