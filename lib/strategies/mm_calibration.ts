/**
 * Online calibration and quote placement shared by the market makers (AvellanedaStoikov,
 * GueantMarketMaker).
 *
 * Units (stated once, used by both):
 * - prices in the instrument's quote units; time in seconds;
 * - σ: volatility of the mid in **price per √second**, from an exponentially weighted mean of
 *   squared mid changes over fixed sampling steps (`Δp² / Δt`, weighted with the given half-life);
 * - arrival intensity `λ(δ) = A·e^(−κδ)`: the rate (per second, per side) of sampling steps in
 *   which a trade printed at least δ (price units) away from the mid at the step's start, so
 *   **A is in 1/s and κ in 1/price**. It is fitted by least squares on `ln λ` over depths of
 *   1…`depthTicks` ticks, using a rolling window of steps (the GLFT notebook's method); depths
 *   nobody traded at are left out of the fit.
 *
 * The quoter keeps one post-only limit per side: it places, amends only when the price moves
 * (an unchanged price keeps its queue priority) and cancels a side that the inventory limit
 * forbids.
 *
 * @module
 */

import type { JsonValue, Micros, Order, SymbolId } from "../domain/mod.ts";
import { isTerminal } from "../domain/mod.ts";
import type { StrategyContext } from "./strategy.ts";

/** Options of {@linkcode MmCalibration}. */
export interface MmCalibrationOptions {
  /** Sampling step, µs. */
  readonly stepMicros: Micros;
  /** Half-life of the σ² average, in steps. */
  readonly volatilityHalfLife: number;
  /** Steps in the intensity window. */
  readonly intensityWindow: number;
  /** Depths of the intensity fit: 1…depthTicks ticks. */
  readonly depthTicks: number;
  /** Tick size (price units). */
  readonly tick: number;
  /** Steps needed before the calibration is ready. */
  readonly minSamples: number;
}

/** σ, A and κ estimated online from mids and trades. */
export class MmCalibration {
  readonly #o: MmCalibrationOptions;
  readonly #decay: number;
  readonly #deepest: Float64Array;
  readonly #durations: Float64Array;
  // reached[j - 1] = observations in the window whose deepest trade reached j ticks.
  readonly #reached: Float64Array;
  #windowSeconds = 0;
  #stepStart = NaN;
  #stepMid = NaN;
  #bidDepth = 0;
  #askDepth = 0;
  #variance = NaN;
  #steps = 0;
  #trades = 0;
  #a = NaN;
  #kappa = NaN;
  #r2 = NaN;

  /** Makes an empty calibration. */
  constructor(options: MmCalibrationOptions) {
    this.#o = options;
    this.#decay = Math.pow(0.5, 1 / options.volatilityHalfLife);
    this.#deepest = new Float64Array(options.intensityWindow * 2);
    this.#durations = new Float64Array(options.intensityWindow);
    this.#reached = new Float64Array(options.depthTicks);
  }

  /** σ in price/√s (NaN until two steps). */
  get sigma(): number {
    return Math.sqrt(this.#variance);
  }

  /** A in 1/s (NaN until fitted). */
  get a(): number {
    return this.#a;
  }

  /** κ in 1/price (NaN until fitted). */
  get kappa(): number {
    return this.#kappa;
  }

  /** Whether σ, A and κ are all usable. */
  get ready(): boolean {
    return this.#steps >= this.#o.minSamples && this.#variance > 0 && this.#kappa > 0 &&
      this.#a > 0;
  }

  /** A mid price observed at `ts`. */
  onMid(ts: Micros, mid: number): void {
    if (!(mid > 0)) return;
    if (this.#stepStart !== this.#stepStart) {
      this.#stepStart = ts;
      this.#stepMid = mid;
      return;
    }
    const elapsed = ts - this.#stepStart;
    if (elapsed < this.#o.stepMicros) return;
    const seconds = elapsed / 1e6;
    const change = mid - this.#stepMid;
    const sample = (change * change) / seconds;
    this.#variance = this.#variance === this.#variance
      ? this.#decay * this.#variance + (1 - this.#decay) * sample
      : sample;
    // Steps last at least stepMicros, longer when the mid is quiet: the fit uses real durations.
    const at = this.#steps % this.#o.intensityWindow;
    if (this.#steps >= this.#o.intensityWindow) {
      this.#windowSeconds -= this.#durations[at];
      this.#count(this.#deepest[at * 2], -1);
      this.#count(this.#deepest[at * 2 + 1], -1);
    }
    this.#durations[at] = seconds;
    this.#windowSeconds += seconds;
    this.#deepest[at * 2] = this.#bidDepth;
    this.#deepest[at * 2 + 1] = this.#askDepth;
    this.#count(this.#bidDepth, 1);
    this.#count(this.#askDepth, 1);
    this.#steps++;
    this.#bidDepth = 0;
    this.#askDepth = 0;
    this.#stepStart = ts;
    this.#stepMid = mid;
    if (this.#steps % 10 === 0 || this.#steps === this.#o.minSamples) this.#fit();
  }

  /** A trade at `price`: how deep it reached from the step's starting mid. */
  onTrade(price: number): void {
    if (this.#stepMid !== this.#stepMid) return;
    this.#trades++;
    const distance = price - this.#stepMid;
    if (distance > this.#askDepth) this.#askDepth = distance;
    if (-distance > this.#bidDepth) this.#bidDepth = -distance;
  }

  #count(depth: number, change: number): void {
    const ticks = Math.min(Math.floor(depth / this.#o.tick + 1e-9), this.#o.depthTicks);
    for (let j = 0; j < ticks; j++) this.#reached[j] += change;
  }

  #fit(): void {
    const seconds = this.#windowSeconds;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let j = 1; j <= this.#o.depthTicks; j++) {
      const depth = j * this.#o.tick;
      const count = this.#reached[j - 1];
      if (count <= 0) continue;
      xs.push(depth);
      ys.push(Math.log(count / (2 * seconds)));
    }
    if (xs.length < 2) return;
    const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
    const my = ys.reduce((s, y) => s + y, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    }
    if (sxx === 0) return;
    const slope = sxy / sxx;
    if (!(slope < 0)) return;
    this.#kappa = -slope;
    this.#a = Math.exp(my - slope * mx);
    this.#r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  }

  /** The calibration for the report, units in the key names. */
  diagnostics(): Record<string, JsonValue> {
    const finite = (x: number): number | null => Number.isFinite(x) ? x : null;
    return {
      sigmaPricePerSqrtSecond: finite(this.sigma),
      aPerSecond: finite(this.#a),
      kappaPerPrice: finite(this.#kappa),
      fitR2: finite(this.#r2),
      steps: this.#steps,
      trades: this.#trades,
      ready: this.ready,
    };
  }
}

/** The side of a quote. */
export type QuoteSide = "buy" | "sell";

interface Working {
  id: string;
  price: number;
}

/** Keeps one post-only limit per side at the prices asked for. */
export class TwoSidedQuoter {
  readonly #symbol: SymbolId;
  readonly #working: Record<QuoteSide, Working | undefined> = { buy: undefined, sell: undefined };
  /** Orders placed. */
  placed = 0;
  /** Amends sent. */
  amended = 0;
  /** Cancels sent. */
  canceled = 0;

  /** Quotes `symbol`. */
  constructor(symbol: SymbolId) {
    this.#symbol = symbol;
  }

  /** Moves the `side` quote to `price` (undefined: pull the quote). */
  quote(ctx: StrategyContext, side: QuoteSide, price: number | undefined, quantity: number): void {
    const working = this.#working[side];
    if (price === undefined || !(price > 0) || !(quantity > 0)) {
      if (working !== undefined) {
        ctx.cancelOrder(this.#symbol, working.id);
        this.#working[side] = undefined;
        this.canceled++;
      }
      return;
    }
    if (working !== undefined) {
      if (working.price === price) return;
      ctx.amendOrder(this.#symbol, working.id, { price });
      working.price = price;
      this.amended++;
      return;
    }
    const id = ctx.submitOrder({
      symbol: this.#symbol,
      side,
      type: "limit",
      quantity,
      price,
      timeInForce: "post-only",
    });
    if (id !== undefined) {
      this.#working[side] = { id, price };
      this.placed++;
    }
  }

  /** Forgets orders that reached a final state. */
  onOrderUpdate(order: Order): void {
    if (!isTerminal(order.status)) return;
    for (const side of ["buy", "sell"] as const) {
      if (this.#working[side]?.id === order.request.clientOrderId) this.#working[side] = undefined;
    }
  }
}
