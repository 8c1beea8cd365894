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

import type { SymbolId } from "../domain/mod.ts";
import { LinearRegression, StdDev } from "../indicators/mod.ts";
import { type DefinedState, type DefinedStrategy, defineStrategy } from "./define_strategy.ts";
import { param, type ParamsOf } from "./param.ts";
import { pairBar, type PendingPair, requireBelow, storedBar } from "./_support.ts";

const NAME = "PairsTradingArbitrage";

const fields = {
  symbols: param.symbols({
    count: 2,
    description: 'the two venue-qualified symbols, e.g. ["bybit:BTCUSDT", "bybit:ETHUSDT"]',
  }),
  interval: param.interval({ description: "bar interval of both legs" }),
  lookback: param.number({
    integer: true,
    min: 3,
    default: 300,
    description: "bars of the hedge-ratio regression and of the spread's σ",
  }),
  entry_z: param.number({
    min: 0,
    default: 2,
    description: "open the spread when |z| reaches this",
  }),
  exit_z: param.number({
    min: 0,
    default: 0.5,
    description: "close both legs when |z| falls to this",
  }),
  notional: param.number({
    min: 0,
    default: 1000,
    description: "quote-currency notional of the first leg (the second is β times it)",
  }),
};

type PairsParams = ParamsOf<typeof fields>;

/** The state: the window of paired closes, a half-received pair, and the open trade. */
interface PairsState {
  // Rows [openTime, first close, second close], the last `lookback` of them.
  rows: number[][];
  pending: PendingPair;
  // +1: long the first leg (spread cheap); −1: short it (spread rich); null: no trade.
  direction: number | null;
  groupId: string | null;
}

interface PairsIndicators {
  readonly fit: LinearRegression;
  readonly sdFirst: StdDev;
  readonly sdSecond: StdDev;
}

type Owned = DefinedState<PairsParams, PairsState, PairsIndicators>;

// The z-score of the spread's residual once the window is full.
function update(
  { fit, sdFirst, sdSecond }: PairsIndicators,
  row: readonly number[],
): { readonly z: number; readonly beta: number } | undefined {
  const y = Math.log(row[1] ?? NaN);
  const x = Math.log(row[2] ?? NaN);
  const line = fit.update(x, y);
  const sdY = sdFirst.update(y);
  const sdX = sdSecond.update(x);
  if (line === undefined || sdY === undefined || sdX === undefined) return undefined;
  // OLS residual variance: var(y) − β²·var(x) = var(y)·(1 − ρ²).
  const residualVariance = sdY * sdY - line.slope * line.slope * sdX * sdX;
  if (!(residualVariance > 1e-18)) return undefined;
  const residual = y - line.intercept - line.slope * x;
  return { z: residual / Math.sqrt(residualVariance), beta: line.slope };
}

/** The registry entry of PairsTradingArbitrage. */
export const pairsTradingArbitrageDefinition: DefinedStrategy<typeof fields> = defineStrategy({
  name: NAME,
  aliases: ["pairs_trading", "pairs-trading", "pairs_trading_arbitrage"],
  description:
    "pairs trading: rolling OLS hedge ratio, enter the spread at |z| ≥ entry_z, exit near 0",
  params: fields,
  check: (p) => requireBelow(NAME, "exit_z", p.exit_z, "entry_z", p.entry_z),
  state: (): PairsState => ({ rows: [], pending: [null, null], direction: null, groupId: null }),
  indicators: (p): PairsIndicators => ({
    fit: new LinearRegression({ period: p.lookback }),
    sdFirst: new StdDev({ period: p.lookback }),
    sdSecond: new StdDev({ period: p.lookback }),
  }),
  // The window is the whole state: replaying it rebuilds the regression and both σ exactly.
  onRestore: ({ state, indicators }: Owned) => {
    for (const row of state.rows) update(indicators, row);
  },
  subscriptions: (p) =>
    p.symbols.map((symbol) => ({ kind: "candles" as const, symbol, interval: p.interval })),
  onCandle(candle, ctx) {
    const { params: p, state, indicators } = ctx;
    const pair = pairBar(state.pending, p.symbols, candle.symbol, storedBar(candle));
    if (pair === undefined) return;
    const [first, second] = pair;
    const row = [first.openTime, first.close, second.close];
    state.rows.push(row);
    if (state.rows.length > p.lookback) state.rows.shift();
    const z = update(indicators, row);
    if (z === undefined) return;
    const [p1, p2, beta] = [first.close, second.close, z.beta];
    const [s1, s2] = p.symbols as readonly [SymbolId, SymbolId];
    if (state.groupId !== null) {
      // The trade is short the spread's deviation: it is done when z is back near (or past) 0.
      if (Math.abs(z.z) <= p.exit_z || Math.sign(z.z) === state.direction) {
        const groupId = state.groupId;
        state.groupId = null;
        state.direction = null;
        const note = `z ${z.z.toFixed(3)}`;
        ctx.signal({ symbol: s1, kind: "flatten", confidence: 1, groupId, note });
        ctx.signal({ symbol: s2, kind: "flatten", confidence: 1, groupId, note });
      }
      return;
    }
    if (Math.abs(z.z) < p.entry_z || beta === 0) return;
    const direction = z.z > 0 ? -1 : 1;
    const groupId = `${NAME}:${first.openTime}`;
    state.direction = direction;
    state.groupId = groupId;
    const secondDirection = beta > 0 ? -direction : direction;
    const note = `z ${z.z.toFixed(3)} beta ${beta.toFixed(4)}`;
    ctx.signal({
      symbol: s1,
      kind: direction === 1 ? "enter-long" : "enter-short",
      confidence: 1,
      quantity: p.notional / p1,
      groupId,
      note,
    });
    ctx.signal({
      symbol: s2,
      kind: secondDirection === 1 ? "enter-long" : "enter-short",
      confidence: 1,
      quantity: (Math.abs(beta) * p.notional) / p2,
      groupId,
      note,
    });
  },
});
