/**
 * AvellanedaStoikov: the Avellaneda–Stoikov (2008) market maker, quoting both sides around a
 * reservation price with the optimal spread of the paper:
 *
 * - reservation price `r = s − q·γ·σ²·(T − t)`;
 * - total spread `δ = γ·σ²·(T − t) + (2/γ)·ln(1 + γ/κ)`, quotes at `r ∓ δ/2`.
 *
 * Units: `s` is the mid (price); `q` is the inventory in **units of `order_quantity`** (so γ does
 * not depend on the contract size); σ is in price/√s and `T − t` in seconds, both from
 * `mm_calibration.ts` (σ from an EWMA of mid changes, κ in 1/price and A in 1/s fitted online
 * from how deep trades print from the mid); γ is therefore in 1/price. In the infinite-horizon
 * mode `T − t` is the constant `horizon_secs`; otherwise it runs down from `horizon_secs` to 0
 * in consecutive sessions starting at the first quote. Quotes are rounded outwards to the tick,
 * kept at least `min_spread_ticks` apart around the mid and never cross the touch; a side is
 * pulled once the position reaches `max_inventory` in its direction. The strategy idles until
 * the calibration is ready and re-quotes every `refresh_ms`.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import { symbolField } from "./_support.ts";
import type { Micros, Order, SymbolId, Trade } from "../domain/mod.ts";
import { symbolId } from "../domain/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type {
  BookView,
  JsonValue,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "./strategy.ts";
import { MmCalibration, TwoSidedQuoter } from "./mm_calibration.ts";

/** Calibration and quoting params shared by the market makers. */
export const mmParamFields = {
  symbol: symbolField,
  order_quantity: field.number({ min: 0, default: 100, description: "quote size per side" }),
  max_inventory: field.number({
    min: 0,
    default: 500,
    description: "pull the side that would grow |position| beyond this",
  }),
  refresh_ms: field.number({ min: 1, default: 1000, description: "re-quote interval (ms)" }),
  min_spread_ticks: field.number({
    min: 0,
    default: 1,
    description: "minimum distance between bid and ask, in ticks",
  }),
  sample_ms: field.number({ min: 1, default: 100, description: "calibration step (ms)" }),
  volatility_half_life: field.number({
    min: 1,
    default: 600,
    description: "half-life of the σ² EWMA, in steps",
  }),
  intensity_window: field.number({
    integer: true,
    min: 10,
    default: 3000,
    description: "steps in the κ/A fit window",
  }),
  depth_ticks: field.number({
    integer: true,
    min: 2,
    default: 20,
    description: "fit λ(δ) at depths of 1…depth_ticks ticks",
  }),
  min_samples: field.number({
    integer: true,
    min: 2,
    default: 300,
    description: "calibration steps before quoting",
  }),
};

const params = field.table({
  ...mmParamFields,
  gamma: field.number({ min: 0, default: 0.01, description: "risk aversion γ (1/price)" }),
  infinite_horizon: field.boolean({ default: true, description: "T − t fixed at horizon_secs" }),
  horizon_secs: field.number({
    min: 0,
    default: 60,
    description: "T − t (infinite mode) or the session length (s)",
  }),
});

/** Calibration and quoting params shared by the market makers. */
export interface MmParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Quote size per side (contracts or base units). */
  readonly order_quantity: number;
  /** Largest |position| a quote may grow. */
  readonly max_inventory: number;
  /** Re-quote interval, ms. */
  readonly refresh_ms: number;
  /** Minimum bid-ask distance, ticks. */
  readonly min_spread_ticks: number;
  /** Calibration step, ms. */
  readonly sample_ms: number;
  /** σ² EWMA half-life, steps. */
  readonly volatility_half_life: number;
  /** κ/A fit window, steps. */
  readonly intensity_window: number;
  /** Fit depths, ticks. */
  readonly depth_ticks: number;
  /** Steps before quoting. */
  readonly min_samples: number;
}

/** Validated AvellanedaStoikov parameters. */
export interface AvellanedaStoikovParams extends MmParams {
  /** Risk aversion γ, 1/price. */
  readonly gamma: number;
  /** Keep T − t fixed. */
  readonly infinite_horizon: boolean;
  /** T − t (infinite mode) or session length, seconds. */
  readonly horizon_secs: number;
}

/** The quote a market maker wants, in price units. */
export interface MmQuote {
  /** Bid price (before tick rounding). */
  readonly bid: number;
  /** Ask price (before tick rounding). */
  readonly ask: number;
}

/**
 * A tick multiple with its float noise cut at ten decimals, remembered for the last input: a
 * quote refresh mostly lands on the prices of the one before, and `toFixed` is the costly part.
 */
class TenDigits {
  #input = NaN;
  #output = NaN;

  of(price: number): number {
    if (price !== this.#input) {
      this.#input = price;
      this.#output = Number(price.toFixed(10));
    }
    return this.#output;
  }
}

/** The shared machinery of the two market makers: calibration, timers, rounding, quoting. */
export abstract class CalibratedMarketMaker implements Strategy {
  /** The registered name. */
  abstract readonly name: string;
  /** Book and trades of the symbol. */
  readonly subscriptions: readonly StrategySubscription[];
  /** The quoted symbol. */
  protected readonly symbol: SymbolId;
  /** The online σ/A/κ estimates (rebuilt with the instrument's tick on the first book). */
  protected calibration: MmCalibration;
  readonly #params: MmParams;
  readonly #quoter: TwoSidedQuoter;
  #tick = NaN;
  #mid = NaN;
  #bestBid = NaN;
  #bestAsk = NaN;
  #timer = false;
  #quotes = 0;
  readonly #bidDigits = new TenDigits();
  readonly #askDigits = new TenDigits();

  /** Builds the shared parts; `tick` is the instrument's tick (read from the context later). */
  constructor(name: string, params: MmParams) {
    try {
      this.symbol = symbolId(params.symbol);
    } catch (error) {
      throw paramError(name, "symbol", (error as Error).message);
    }
    this.#params = params;
    this.subscriptions = [{ kind: "book", symbol: this.symbol }, {
      kind: "trades",
      symbol: this.symbol,
    }];
    this.#quoter = new TwoSidedQuoter(this.symbol);
    // The tick is set on the first book; the calibration is rebuilt then.
    this.calibration = this.#newCalibration(1);
  }

  #newCalibration(tick: number): MmCalibration {
    const p = this.#params;
    return new MmCalibration({
      stepMicros: p.sample_ms * 1000,
      volatilityHalfLife: p.volatility_half_life,
      intensityWindow: p.intensity_window,
      depthTicks: p.depth_ticks,
      tick,
      minSamples: p.min_samples,
    });
  }

  /** The quote at mid `mid` with inventory `q` (in order units) at time `now`. */
  protected abstract quoteAt(mid: number, q: number, now: Micros): MmQuote | undefined;

  /** Strategy-specific figures for the diagnostics. */
  protected abstract modelDiagnostics(): Record<string, JsonValue>;

  /** Tracks the touch and feeds the calibration; starts the quote timer. */
  onBook(book: BookView, ctx: StrategyContext): void {
    if (book.symbol !== this.symbol || book.bids.depth === 0 || book.asks.depth === 0) return;
    if (this.#tick !== this.#tick) {
      const tick = ctx.instrument(this.symbol)?.tickSize.toNumber() ?? 0.01;
      this.#tick = tick;
      this.calibration = this.#newCalibration(tick);
    }
    this.#bestBid = book.bids.price(0);
    this.#bestAsk = book.asks.price(0);
    this.#mid = (this.#bestBid + this.#bestAsk) / 2;
    this.calibration.onMid(ctx.now, this.#mid);
    if (!this.#timer) {
      this.#timer = true;
      ctx.setTimer(ctx.now + this.#params.refresh_ms * 1000, "quote");
    }
  }

  /** Feeds trades to the intensity fit. */
  onTrade(trade: Trade): void {
    if (trade.symbol === this.symbol) this.calibration.onTrade(trade.price);
  }

  /** Re-quotes both sides. */
  onTimer(tag: string, ctx: StrategyContext): void {
    if (tag !== "quote") return;
    ctx.setTimer(ctx.now + this.#params.refresh_ms * 1000, "quote");
    if (!this.calibration.ready || !(this.#mid > 0)) return;
    const p = this.#params;
    const position = ctx.position(this.symbol);
    const quote = this.quoteAt(this.#mid, position / p.order_quantity, ctx.now);
    if (quote === undefined) return;
    const tick = this.#tick;
    const half = (p.min_spread_ticks * tick) / 2;
    let bid = Math.floor(Math.min(quote.bid, this.#mid - half) / tick + 1e-9) * tick;
    let ask = Math.ceil(Math.max(quote.ask, this.#mid + half) / tick - 1e-9) * tick;
    bid = Math.min(bid, this.#bestAsk - tick);
    ask = Math.max(ask, this.#bestBid + tick);
    bid = this.#bidDigits.of(bid);
    ask = this.#askDigits.of(ask);
    this.#quotes++;
    const canBuy = position + p.order_quantity <= p.max_inventory;
    const canSell = -position + p.order_quantity <= p.max_inventory;
    this.#quoter.quote(ctx, "buy", canBuy ? bid : undefined, p.order_quantity);
    this.#quoter.quote(ctx, "sell", canSell ? ask : undefined, p.order_quantity);
  }

  /** Forgets finished quotes. */
  onOrderUpdate(order: Order): void {
    this.#quoter.onOrderUpdate(order);
  }

  /** Calibration, model values and quoting counters for the report. */
  diagnostics(): Readonly<Record<string, JsonValue>> {
    return {
      calibration: this.calibration.diagnostics(),
      model: this.modelDiagnostics(),
      quoting: {
        refreshes: this.#quotes,
        placed: this.#quoter.placed,
        amended: this.#quoter.amended,
        canceled: this.#quoter.canceled,
      },
    };
  }

  /** The calibration summary (the rolling buffers are rebuilt from data, not persisted). */
  snapshot(): JsonValue {
    return this.calibration.diagnostics();
  }

  /** Nothing to restore: the calibration warms up again from the data. */
  restore(_state: JsonValue): void {}
}

/**
 * The Avellaneda–Stoikov reservation price `r = s − q·γ·σ²·τ` and total spread
 * `δ = γσ²τ + (2/γ)·ln(1 + γ/κ)` (`2/κ` when γ = 0), τ = T − t in seconds.
 *
 * @example
 * ```ts
 * import { avellanedaStoikovQuote } from "@tesser/tesser/strategies";
 * import assert from "node:assert/strict";
 *
 * const { reservation } = avellanedaStoikovQuote({ mid: 100, q: 2, gamma: 0.1, sigma: 1, kappa: 2, tau: 10 });
 * assert.equal(reservation, 98);
 * ```
 */
export function avellanedaStoikovQuote(inputs: {
  readonly mid: number;
  readonly q: number;
  readonly gamma: number;
  readonly sigma: number;
  readonly kappa: number;
  readonly tau: number;
}): { readonly reservation: number; readonly spread: number } {
  const { mid, q, gamma, sigma, kappa, tau } = inputs;
  const risk = gamma * sigma * sigma * tau;
  return {
    reservation: mid - q * risk,
    spread: gamma > 0 ? risk + (2 / gamma) * Math.log1p(gamma / kappa) : 2 / kappa,
  };
}

/** The AvellanedaStoikov strategy instance. */
export class AvellanedaStoikov extends CalibratedMarketMaker {
  /** The registered name. */
  readonly name = "AvellanedaStoikov";
  readonly #p: AvellanedaStoikovParams;
  #sessionStart: Micros | undefined;
  #last: Record<string, JsonValue> = {};

  /** Builds the strategy. */
  constructor(params: AvellanedaStoikovParams) {
    super("AvellanedaStoikov", params);
    if (!params.infinite_horizon && params.horizon_secs <= 0) {
      throw paramError("AvellanedaStoikov", "horizon_secs", "must be positive in finite mode");
    }
    this.#p = params;
  }

  /** r = s − q·γ·σ²·(T − t); δ = γσ²(T − t) + (2/γ)·ln(1 + γ/κ). */
  protected quoteAt(mid: number, q: number, now: Micros): MmQuote | undefined {
    const { gamma, horizon_secs: horizon } = this.#p;
    const sigma = this.calibration.sigma;
    const kappa = this.calibration.kappa;
    this.#sessionStart ??= now;
    let tau = horizon;
    if (!this.#p.infinite_horizon) {
      const elapsed = ((now - this.#sessionStart) / 1e6) % horizon;
      tau = horizon - elapsed;
    }
    const { reservation, spread } = avellanedaStoikovQuote({ mid, q, gamma, sigma, kappa, tau });
    if (!Number.isFinite(reservation) || !Number.isFinite(spread)) return undefined;
    this.#last = { reservation, spread, tauSeconds: tau, inventoryUnits: q };
    return { bid: reservation - spread / 2, ask: reservation + spread / 2 };
  }

  /** The last reservation price, spread and τ. */
  protected modelDiagnostics(): Record<string, JsonValue> {
    return {
      ...this.#last,
      units: "price; sigma price/sqrt(s); kappa 1/price; tau s; q order units",
    };
  }
}

/** The registry entry of {@linkcode AvellanedaStoikov}. */
export const avellanedaStoikovDefinition: StrategyDefinition<typeof params> = {
  name: "AvellanedaStoikov",
  aliases: ["avellaneda_stoikov", "avellaneda-stoikov", "as"],
  description:
    "Avellaneda–Stoikov market maker: reservation price and optimal spread from online σ, κ",
  params,
  create: (values) => new AvellanedaStoikov(values),
};
