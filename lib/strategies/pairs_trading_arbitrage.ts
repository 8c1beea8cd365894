/**
 * PairsTradingArbitrage: statistical arbitrage between two co-moving instruments. Over the last
 * `lookback` bars it fits `ln p₁ ≈ α + β·ln p₂` by ordinary least squares (β is the hedge
 * ratio; p₁ and p₂ are the closes of the first and second symbol) and scores the current
 * residual `ln p₁ − α − β·ln p₂` against the residuals' standard deviation over the window:
 * that is the spread's z-score.
 *
 * `z ≥ entry_z` means the first leg is rich: it goes short the first leg and long the second
 * (short if β < 0); `z ≤ −entry_z` does the opposite. The legs are dollar-neutral by the hedge
 * ratio: `notional / p₁` of the first and `|β|·notional / p₂` of the second, passed as
 * `signal.quantity`. `|z| ≤ exit_z`, or the spread crossing to the other side of its mean,
 * flattens both legs. One trade at a time; both legs of a trade share a `groupId`.
 *
 * The two symbols' bars arrive as separate candle events at the same close time; the strategy
 * acts once both bars of an open time are in. The window is its whole state.
 *
 * @module
 */

import { field } from "../config/mod.ts";
import type { Candle, Interval, SymbolId } from "../domain/mod.ts";
import { LinearRegression, StdDev } from "../indicators/mod.ts";
import type { StrategyDefinition } from "./registry.ts";
import type { JsonValue, Strategy, StrategyContext, StrategySubscription } from "./strategy.ts";
import {
  BarPairSync,
  History,
  intervalParam,
  requireBelow,
  SnapshotReader,
  storedBar,
  symbolPairParam,
} from "./_support.ts";

const NAME = "PairsTradingArbitrage";

const params = field.table({
  symbols: field.array(field.string(), {
    required: true,
    description: 'the two venue-qualified symbols, e.g. ["bybit:BTCUSDT", "bybit:ETHUSDT"]',
  }),
  interval: field.string({ default: "1m", description: "bar interval of both legs" }),
  lookback: field.number({
    integer: true,
    min: 3,
    default: 300,
    description: "bars of the hedge-ratio regression and of the spread's σ",
  }),
  entry_z: field.number({
    min: 0,
    default: 2,
    description: "open the spread when |z| reaches this",
  }),
  exit_z: field.number({
    min: 0,
    default: 0.5,
    description: "close both legs when |z| falls to this",
  }),
  notional: field.number({
    min: 0,
    default: 1000,
    description: "quote-currency notional of the first leg (the second is β times it)",
  }),
});

/** Validated PairsTradingArbitrage parameters. */
export interface PairsTradingArbitrageParams {
  /** The two venue-qualified symbols. */
  readonly symbols: readonly string[];
  /** Bar interval of both legs. */
  readonly interval: string;
  /** Regression and σ window (bars). */
  readonly lookback: number;
  /** Entry threshold on |z|. */
  readonly entry_z: number;
  /** Exit threshold on |z|. */
  readonly exit_z: number;
  /** Notional of the first leg in quote currency. */
  readonly notional: number;
}

/** The open spread trade. */
interface PairTrade {
  /** +1: long the first leg (spread cheap); −1: short it (spread rich). */
  readonly direction: 1 | -1;
  readonly groupId: string;
}

type PairRow = readonly [openTime: number, first: number, second: number];

/** The PairsTradingArbitrage strategy instance. */
export class PairsTradingArbitrage implements Strategy {
  /** The registered name. */
  readonly name: string = NAME;
  /** The market data it needs. */
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: PairsTradingArbitrageParams;
  readonly #symbols: readonly [SymbolId, SymbolId];
  readonly #sync: BarPairSync;
  readonly #rows: History<PairRow>;
  #fit: LinearRegression;
  #sdFirst: StdDev;
  #sdSecond: StdDev;
  #trade: PairTrade | undefined;

  /** Builds the strategy; throws a `ConfigError` for a wrong symbol count or `exit_z >= entry_z`. */
  constructor(params: PairsTradingArbitrageParams) {
    this.#symbols = symbolPairParam(NAME, "symbols", params.symbols);
    requireBelow(NAME, "exit_z", params.exit_z, "entry_z", params.entry_z);
    const interval: Interval = intervalParam(NAME, params.interval);
    this.#params = params;
    this.#sync = new BarPairSync(this.#symbols);
    this.#rows = new History(params.lookback);
    this.#fit = new LinearRegression({ period: params.lookback });
    this.#sdFirst = new StdDev({ period: params.lookback });
    this.#sdSecond = new StdDev({ period: params.lookback });
    this.subscriptions = this.#symbols.map((symbol) => ({
      kind: "candles" as const,
      symbol,
      interval,
    }));
  }

  /** Buffers the bar; once both legs of an open time are in, updates the fit and trades. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    const pair = this.#sync.add(candle.symbol, storedBar(candle));
    if (pair === undefined) return;
    const [first, second] = pair;
    const row: PairRow = [first.openTime, first.close, second.close];
    this.#rows.push(row);
    const z = this.#update(row);
    if (z === undefined) return;
    const [p1, p2, beta] = [row[1], row[2], z.beta];
    const trade = this.#trade;
    const { entry_z: entry, exit_z: exit, notional } = this.#params;
    const [s1, s2] = this.#symbols;
    if (trade !== undefined) {
      // The trade is short the spread's deviation: it is done when z is back near (or past) 0.
      if (Math.abs(z.z) <= exit || Math.sign(z.z) === trade.direction) {
        this.#trade = undefined;
        const groupId = trade.groupId;
        const note = `z ${z.z.toFixed(3)}`;
        ctx.signal({ symbol: s1, kind: "flatten", confidence: 1, groupId, note });
        ctx.signal({ symbol: s2, kind: "flatten", confidence: 1, groupId, note });
      }
      return;
    }
    if (Math.abs(z.z) < entry || beta === 0) return;
    const direction: 1 | -1 = z.z > 0 ? -1 : 1;
    const groupId = `${NAME}:${row[0]}`;
    this.#trade = { direction, groupId };
    const secondDirection = beta > 0 ? -direction : direction;
    const note = `z ${z.z.toFixed(3)} beta ${beta.toFixed(4)}`;
    ctx.signal({
      symbol: s1,
      kind: direction === 1 ? "enter-long" : "enter-short",
      confidence: 1,
      quantity: notional / p1,
      groupId,
      note,
    });
    ctx.signal({
      symbol: s2,
      kind: secondDirection === 1 ? "enter-long" : "enter-short",
      confidence: 1,
      quantity: (Math.abs(beta) * notional) / p2,
      groupId,
      note,
    });
  }

  /** The last `lookback` paired closes, a half-received pair, and the open trade. */
  snapshot(): JsonValue {
    return {
      rows: this.#rows.items.map((row) => [...row]),
      pending: this.#sync.snapshot(),
      direction: this.#trade?.direction ?? null,
      groupId: this.#trade?.groupId ?? null,
    };
  }

  /** Restores a {@linkcode PairsTradingArbitrage.snapshot}. */
  restore(state: JsonValue): void {
    const reader = new SnapshotReader(NAME, state);
    const rows = reader.rows("rows", 3);
    const direction = reader.optionalNumber("direction");
    const groupId = reader.optionalString("groupId");
    if (
      (direction === undefined) !== (groupId === undefined) ||
      (direction !== undefined && Math.abs(direction) !== 1)
    ) {
      throw new TypeError(`${NAME}.restore: direction (±1) and groupId go together`);
    }
    this.#sync.restore(NAME, (state as { readonly [key: string]: JsonValue }).pending);
    this.#fit = new LinearRegression({ period: this.#params.lookback });
    this.#sdFirst = new StdDev({ period: this.#params.lookback });
    this.#sdSecond = new StdDev({ period: this.#params.lookback });
    this.#rows.clear();
    for (const [openTime, p1, p2] of rows as [number, number, number][]) {
      const row: PairRow = [openTime, p1, p2];
      this.#rows.push(row);
      this.#update(row);
    }
    this.#trade = direction === undefined || groupId === undefined
      ? undefined
      : { direction: direction > 0 ? 1 : -1, groupId };
  }

  #update(row: PairRow): { readonly z: number; readonly beta: number } | undefined {
    const y = Math.log(row[1]);
    const x = Math.log(row[2]);
    const fit = this.#fit.update(x, y);
    const sdY = this.#sdFirst.update(y);
    const sdX = this.#sdSecond.update(x);
    if (fit === undefined || sdY === undefined || sdX === undefined) return undefined;
    // OLS residual variance: var(y) − β²·var(x) = var(y)·(1 − ρ²).
    const residualVariance = sdY * sdY - fit.slope * fit.slope * sdX * sdX;
    if (!(residualVariance > 1e-18)) return undefined;
    const residual = y - fit.intercept - fit.slope * x;
    return { z: residual / Math.sqrt(residualVariance), beta: fit.slope };
  }
}

/** The registry entry of {@linkcode PairsTradingArbitrage}. */
export const pairsTradingArbitrageDefinition: StrategyDefinition<typeof params> = {
  name: NAME,
  aliases: ["pairs_trading", "pairs-trading", "pairs_trading_arbitrage"],
  description:
    "pairs trading: rolling OLS hedge ratio, enter the spread at |z| ≥ entry_z, exit near 0",
  params,
  create: (values) => new PairsTradingArbitrage(values),
};
