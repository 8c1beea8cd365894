/**
 * GueantMarketMaker: the Guéant–Lehalle–Fernandez-Tapia closed-form (T → ∞) approximation of
 * optimal market making (Guéant, *Optimal market making*, eqs. 4.6–4.7, as in hftbacktest's
 * GLFT notebook):
 *
 * ```
 * c1 = 1/(ξΔ) · ln(1 + ξΔ/k)                                  (→ 1/k as ξ → 0)
 * c2 = sqrt( γ/(2AΔk) · (1 + ξΔ/k)^(k/(ξΔ) + 1) )             (→ sqrt(γe/(2AΔk)))
 * half_spread = c1 + (Δ/2)·σ·c2      skew = σ·c2
 * bid = s − (half_spread + skew·q)   ask = s + (half_spread − skew·q)
 * ```
 *
 * Units as in `mm_calibration.ts`, shared with AvellanedaStoikov: σ in price/√s, A in 1/s,
 * k (= κ) in 1/price, γ and ξ in 1/price, q and Δ in units of `order_quantity` (Δ = 1), so the
 * half-spread and the skew come out in price. ξ defaults to γ (the notebook's "model A").
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { JsonValue, Micros } from "../domain/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import {
  CalibratedMarketMaker,
  mmParamFields,
  type MmParams,
  type MmQuote,
} from "./avellaneda_stoikov.ts";

const params = field.table({
  ...mmParamFields,
  gamma: field.number({ min: 0, default: 0.01, description: "risk aversion γ (1/price)" }),
  xi: field.number({ min: 0, description: "ξ of the closed form (default: γ)" }),
});

/** Validated GueantMarketMaker parameters. */
export interface GueantMarketMakerParams extends MmParams {
  /** Risk aversion γ, 1/price. */
  readonly gamma: number;
  /** ξ, 1/price (default γ). */
  readonly xi?: number;
}

/** The closed-form half-spread and skew (price units) for one set of model inputs. */
export interface GueantCoefficients {
  /** Distance of each quote from the fair price at zero inventory. */
  readonly halfSpread: number;
  /** Price shift per unit of inventory. */
  readonly skew: number;
}

/**
 * The GLFT closed form: half-spread and skew from γ, ξ, σ (price/√s), A (1/s), k (1/price)
 * and Δ (order units).
 *
 * @example
 * ```ts
 * import { gueantCoefficients } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const { halfSpread, skew } = gueantCoefficients({ gamma: 0.1, xi: 0.1, sigma: 2, a: 1, k: 5, delta: 1 });
 * assert.ok(halfSpread > 0 && skew > 0);
 * ```
 */
export function gueantCoefficients(inputs: {
  readonly gamma: number;
  readonly xi: number;
  readonly sigma: number;
  readonly a: number;
  readonly k: number;
  readonly delta: number;
}): GueantCoefficients {
  const { gamma, xi, sigma, a, k, delta } = inputs;
  const x = xi * delta;
  const c1 = x > 0 ? Math.log1p(x / k) / x : 1 / k;
  const growth = x > 0 ? Math.pow(1 + x / k, k / x + 1) : Math.E;
  const c2 = Math.sqrt((gamma / (2 * a * delta * k)) * growth);
  return { halfSpread: c1 + (delta / 2) * sigma * c2, skew: sigma * c2 };
}

/** The GueantMarketMaker strategy instance. */
export class GueantMarketMaker extends CalibratedMarketMaker {
  /** The registered name. */
  readonly name = "GueantMarketMaker";
  readonly #gamma: number;
  readonly #xi: number;
  #last: Record<string, JsonValue> = {};

  /** Builds the strategy. */
  constructor(params: GueantMarketMakerParams) {
    super("GueantMarketMaker", params);
    if (!(params.gamma > 0)) {
      throw paramError("GueantMarketMaker", "gamma", "must be positive for the closed form");
    }
    this.#gamma = params.gamma;
    this.#xi = params.xi ?? params.gamma;
  }

  /** bid = s − (half + skew·q), ask = s + (half − skew·q). */
  protected quoteAt(mid: number, q: number, _now: Micros): MmQuote | undefined {
    const { halfSpread, skew } = gueantCoefficients({
      gamma: this.#gamma,
      xi: this.#xi,
      sigma: this.calibration.sigma,
      a: this.calibration.a,
      k: this.calibration.kappa,
      delta: 1,
    });
    if (!Number.isFinite(halfSpread) || !Number.isFinite(skew)) return undefined;
    this.#last = { halfSpread, skew, inventoryUnits: q };
    return { bid: mid - (halfSpread + skew * q), ask: mid + (halfSpread - skew * q) };
  }

  /** The last half-spread and skew. */
  protected modelDiagnostics(): Record<string, JsonValue> {
    return { ...this.#last, units: "price; q order units" };
  }
}

/** The registry entry of {@linkcode GueantMarketMaker}. */
export const gueantMarketMakerDefinition: StrategyDefinition<typeof params> = {
  name: "GueantMarketMaker",
  aliases: ["gueant_market_maker", "gueant-market-maker", "glft"],
  description: "Guéant–Lehalle–Fernandez-Tapia closed-form market maker sharing the calibration",
  params,
  create: (values) => new GueantMarketMaker(values),
};
