/**
 * VolatilitySkew: trade the gap between implied and realized volatility. Realized volatility
 * is the ATR (Wilder, `atr_period`, over the last `lookback` bars) divided by the close and
 * annualized by `√(bars per year)`; implied volatility is a second symbol, `iv_symbol`, whose
 * candles' close is the IV as an annualized decimal (0.55 = 55%), e.g. a volatility index.
 *
 * When implied exceeds realized by at least `premium`, volatility is rich: the strategy goes
 * short `symbol` as the volatility proxy; when implied is below realized by at least `premium`
 * it goes long. Entries are limit orders at the bar's close (hint `{ kind: "limit", price }`),
 * or with `sniper_timeout_secs > 0` Sniper orders: wait up to that long for the close's price
 * (or better) and take it (hint `{ kind: "sniper", price, timeoutSecs }`).
 * When the gap narrows to `exit_premium` it flattens. The bars of the two symbols are paired
 * by open time; the stored bars are the whole state.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, ExecutionHint, SymbolId } from "../domain/mod.ts";
import { Atr } from "../indicators/mod.ts";
import { paramError, type StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  BarPairSync,
  barsPerYear,
  barToRow,
  History,
  intervalParam,
  lastOver,
  requireBelow,
  rowToBar,
  type Side,
  SnapshotReader,
  type StoredBar,
  storedBar,
  symbolParam,
} from "./_support.ts";

const NAME = "VolatilitySkew";

const params = field.table({
  symbol: field.string({
    required: true,
    description: "the traded volatility proxy, e.g. bybit:BTCUSDT",
  }),
  iv_symbol: field.string({
    required: true,
    description: "the implied-volatility series (close = annualized IV, 0.55 = 55%)",
  }),
  interval: field.string({ default: "1h", description: "bar interval of both series" }),
  atr_period: field.number({ integer: true, min: 1, default: 14, description: "ATR length" }),
  lookback: field.number({
    integer: true,
    min: 2,
    default: 100,
    description: "bars the ATR is computed over (more than atr_period)",
  }),
  premium: field.number({
    min: 0,
    default: 0.05,
    description: "enter when |implied − realized| reaches this (annualized, 0.05 = 5 vol points)",
  }),
  exit_premium: field.number({
    min: 0,
    default: 0.01,
    description: "flatten when |implied − realized| falls to this",
  }),
  sniper_timeout_secs: field.number({
    min: 0,
    default: 0,
    description: "0: enter with a limit at the close; above 0: a Sniper at the close for this long",
  }),
});

/** Validated VolatilitySkew parameters. */
export interface VolatilitySkewParams {
  /** Traded symbol (the volatility proxy). */
  readonly symbol: string;
  /** Implied-volatility series. */
  readonly iv_symbol: string;
  /** Bar interval. */
  readonly interval: string;
  /** ATR length. */
  readonly atr_period: number;
  /** Bars the ATR is computed over. */
  readonly lookback: number;
  /** Entry gap (annualized decimal). */
  readonly premium: number;
  /** Exit gap (annualized decimal). */
  readonly exit_premium: number;
  /** Sniper timeout of the entries (s); 0: limit entries. */
  readonly sniper_timeout_secs?: number;
}

/** The VolatilitySkew strategy instance. */
export class VolatilitySkew implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  /** `sniper` when its entries are Sniper orders. */
  readonly executionHints: readonly "sniper"[];
  readonly #params: VolatilitySkewParams;
  readonly #symbol: SymbolId;
  readonly #sync: BarPairSync;
  readonly #bars: History<StoredBar>;
  readonly #annualize: number;
  #side: Side = "flat";

  /** Builds the strategy; throws a `ConfigError` for inconsistent premiums or lengths. */
  constructor(params: VolatilitySkewParams) {
    requireBelow(NAME, "exit_premium", params.exit_premium, "premium", params.premium);
    if (params.lookback <= params.atr_period) {
      throw paramError(
        NAME,
        "lookback",
        `must be above atr_period (got lookback = ${params.lookback}, atr_period = ${params.atr_period})`,
      );
    }
    this.#symbol = symbolParam(NAME, "symbol", params.symbol);
    const ivSymbol = symbolParam(NAME, "iv_symbol", params.iv_symbol);
    if (ivSymbol === this.#symbol) {
      throw paramError(NAME, "iv_symbol", `must differ from symbol (both are ${ivSymbol})`);
    }
    const interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.executionHints = (params.sniper_timeout_secs ?? 0) > 0 ? ["sniper"] : [];
    this.#annualize = Math.sqrt(barsPerYear(interval));
    this.#sync = new BarPairSync([this.#symbol, ivSymbol]);
    this.#bars = new History(params.lookback);
    this.subscriptions = [
      { kind: "candles", symbol: this.#symbol, interval },
      { kind: "candles", symbol: ivSymbol, interval, reference: true },
    ];
  }

  /** Pairs the traded bar with the IV bar and compares implied with realized volatility. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    const pair = this.#sync.add(candle.symbol, storedBar(candle));
    if (pair === undefined) return;
    const [bar, ivBar] = pair;
    this.#bars.push(bar);
    const atr = lastOver(new Atr({ period: this.#params.atr_period }), this.#bars.items);
    if (atr === undefined) return;
    const close = bar.close;
    const realized = (atr / close) * this.#annualize;
    const gap = ivBar.close - realized;
    const symbol = this.#symbol;
    const note = `implied ${ivBar.close.toFixed(4)} realized ${realized.toFixed(4)}`;
    const timeoutSecs = this.#params.sniper_timeout_secs ?? 0;
    const limit: ExecutionHint = timeoutSecs > 0
      ? { kind: "sniper", price: close, timeoutSecs }
      : { kind: "limit", price: close };
    if (gap >= this.#params.premium && this.#side !== "short") {
      this.#side = "short";
      ctx.signal({ symbol, kind: "enter-short", confidence: 1, hint: limit, note });
    } else if (gap <= -this.#params.premium && this.#side !== "long") {
      this.#side = "long";
      ctx.signal({ symbol, kind: "enter-long", confidence: 1, hint: limit, note });
    } else if (Math.abs(gap) <= this.#params.exit_premium && this.#side !== "flat") {
      this.#side = "flat";
      ctx.signal({ symbol, kind: "flatten", confidence: 1, note });
    }
  }

  /** The last `lookback` bars, a half-received pair, and the side asked for. */
  snapshot(): JsonValue {
    return {
      bars: this.#bars.items.map(barToRow),
      pending: this.#sync.snapshot(),
      side: this.#side,
    };
  }

  /** Restores a {@linkcode VolatilitySkew.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const bars = reader.rows("bars", 4);
    const side = reader.side("side");
    this.#sync.restore(NAME, (state as { readonly [key: string]: JsonValue }).pending);
    this.#bars.clear();
    for (const row of bars) this.#bars.push(rowToBar(row));
    this.#side = side;
  }
}

/** The registry entry of {@linkcode VolatilitySkew}. */
export const volatilitySkewDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["volatility_skew", "volatility-skew", "vol_skew"],
  description: "implied vs realized volatility: short the proxy when IV is rich, long when cheap",
  params,
  create: (values) => new VolatilitySkew(values),
};
