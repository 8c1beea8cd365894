// One seeded data set and parameter set per built-in strategy, chosen so that each trades
// several times: shared by the snapshot/restore and look-ahead suites.

import { batchToCandles, generateCandles } from "../../../lib/data/mod.ts";
import type { Candle } from "../../../lib/domain/mod.ts";

/** A built-in strategy with params and data on which it trades. */
export interface StrategyCase {
  readonly params: Readonly<Record<string, unknown>>;
  readonly candles: () => Candle[];
}

const BTC = "bybit:BTCUSDT";
const ETH = "bybit:ETHUSDT";
const BINANCE = "binance:BTCUSDT";
const IV = "deribit:BTCDVOL";

function synthetic(symbol: string, rows: number, seed: number, startPrice = 42_000): Candle[] {
  return [...generateCandles({ rows, seed, symbol, startPrice, tick: 0.0001 })].flatMap(
    batchToCandles,
  );
}

/** `base` scaled by `factor` with a slowly oscillating relative offset of `amplitude`. */
function companion(base: readonly Candle[], symbol: string, factor: number, amplitude: number) {
  return base.map((c, i) => {
    const k = factor * (1 + amplitude * Math.sin(i / 7) * Math.cos(i / 29));
    return {
      ...c,
      symbol,
      open: c.open * k,
      high: c.high * k,
      low: c.low * k,
      close: c.close * k,
    };
  });
}

/** The cases, by strategy name. */
export const CASES: Readonly<Record<string, StrategyCase>> = {
  SmaCross: {
    params: { symbol: BTC, fast_period: 5, slow_period: 20, allow_short: true },
    candles: () => synthetic(BTC, 600, 11),
  },
  RsiReversion: {
    params: { symbol: BTC, period: 7, oversold: 35, overbought: 65, lookback: 40 },
    candles: () => synthetic(BTC, 600, 12),
  },
  BollingerBreakout: {
    params: { symbol: BTC, period: 15, std_multiplier: 1.5, exit_band_sigma: 0.3 },
    candles: () => synthetic(BTC, 600, 13),
  },
  MeanReversionZScore: {
    params: { symbol: BTC, period: 15, entry_z: 1.5, exit_z: 0.3 },
    candles: () => synthetic(BTC, 600, 14),
  },
  Breakout: {
    params: { symbol: BTC, period: 10, atr_period: 5, lookback: 20, allow_short: true },
    candles: () => synthetic(BTC, 600, 15),
  },
  PairsTradingArbitrage: {
    params: { symbols: [BTC, ETH], lookback: 40, entry_z: 1.5, exit_z: 0.3, notional: 1000 },
    candles: () => {
      const btc = synthetic(BTC, 500, 16);
      return [...btc, ...companion(btc, ETH, 0.06, 0.004)];
    },
  },
  CrossExchangeArb: {
    params: { symbols: [BTC, BINANCE], entry_bps: 5, exit_bps: 2, fee_bps: 1, quantity: 0.01 },
    candles: () => {
      const bybit = synthetic(BTC, 500, 17);
      return [...bybit, ...companion(bybit, BINANCE, 1, 0.002)];
    },
  },
  VolatilitySkew: {
    params: {
      symbol: BTC,
      iv_symbol: IV,
      interval: "1m",
      atr_period: 10,
      lookback: 30,
      premium: 0.05,
      exit_premium: 0.02,
    },
    candles: () => {
      const btc = synthetic(BTC, 500, 18);
      // Implied volatility swinging between 0.2 and 1.0 around the series' realized level.
      const implied = btc.map((c, i) => {
        const iv = 0.6 + 0.4 * Math.sin(i / 25);
        return { ...c, symbol: IV, open: iv, high: iv, low: iv, close: iv };
      });
      return [...btc, ...implied];
    },
  },
};
