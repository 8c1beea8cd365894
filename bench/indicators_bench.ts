/**
 * Per-update cost of our streaming indicators against trading-signals 8.3.0 (the baseline in
 * each group). trading-signals 8 works on plain numbers only (its Big.js classes and the
 * separate `Faster*` float classes of earlier majors were merged into these), so this compares
 * float with float. Each iteration feeds the same 1,000,000 prices (or bars) to a fresh
 * indicator: divide the reported time by 10⁶ for the time per update. Every loop is written out
 * in its own bench so each call site stays monomorphic for both libraries (a shared
 * `feed(update)` helper would turn megamorphic and add the same ~5 ns call to both sides).
 *
 * Run: deno bench --no-prompt -A bench/indicators_bench.ts
 */

import {
  ATR as TsAtr,
  BollingerBands as TsBollingerBands,
  EMA as TsEma,
  MACD as TsMacd,
  RSI as TsRsi,
  SMA as TsSma,
} from "trading-signals";
import { Atr, BollingerBands, Ema, Macd, Rsi, Sma } from "../lib/indicators/mod.ts";

const COUNT = 1_000_000;

function makeSeries(): {
  close: Float64Array;
  bars: { high: number; low: number; close: number }[];
} {
  let state = 42;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const close = new Float64Array(COUNT);
  const bars: { high: number; low: number; close: number }[] = [];
  let level = 60_000;
  for (let i = 0; i < COUNT; i++) {
    level += (60_000 - level) * 0.0005 + (random() - 0.5) * 20;
    const c = Math.round(level * 100) / 100;
    close[i] = c;
    bars.push({
      high: Math.round((c + random() * 15) * 100) / 100,
      low: Math.round((c - random() * 15) * 100) / 100,
      close: c,
    });
  }
  return { close, bars };
}

const { close, bars } = makeSeries();
/** Sink so the JIT cannot drop the work. */
let sink = 0;

Deno.bench({
  name: "trading-signals SMA(20)",
  group: "SMA(20)",
  baseline: true,
  fn: () => {
    const sma = new TsSma(20);
    for (let i = 0; i < COUNT; i++) if (sma.add(close[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser Sma(20)",
  group: "SMA(20)",
  fn: () => {
    const sma = new Sma({ period: 20 });
    for (let i = 0; i < COUNT; i++) if (sma.update(close[i]) !== undefined) sink++;
  },
});

Deno.bench({
  name: "trading-signals EMA(20)",
  group: "EMA(20)",
  baseline: true,
  fn: () => {
    const ema = new TsEma(20);
    for (let i = 0; i < COUNT; i++) if (ema.add(close[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser Ema(20)",
  group: "EMA(20)",
  fn: () => {
    const ema = new Ema({ period: 20 });
    for (let i = 0; i < COUNT; i++) if (ema.update(close[i]) !== undefined) sink++;
  },
});

Deno.bench({
  name: "trading-signals RSI(14)",
  group: "RSI(14)",
  baseline: true,
  fn: () => {
    const rsi = new TsRsi(14);
    for (let i = 0; i < COUNT; i++) if (rsi.add(close[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser Rsi(14)",
  group: "RSI(14)",
  fn: () => {
    const rsi = new Rsi({ period: 14 });
    for (let i = 0; i < COUNT; i++) if (rsi.update(close[i]) !== undefined) sink++;
  },
});

Deno.bench({
  name: "trading-signals BollingerBands(20, 2)",
  group: "Bollinger(20, 2)",
  baseline: true,
  fn: () => {
    const bands = new TsBollingerBands(20, 2);
    for (let i = 0; i < COUNT; i++) if (bands.add(close[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser BollingerBands(20, 2)",
  group: "Bollinger(20, 2)",
  fn: () => {
    const bands = new BollingerBands({ period: 20, multiplier: 2 });
    for (let i = 0; i < COUNT; i++) if (bands.update(close[i]) !== undefined) sink++;
  },
});

Deno.bench({
  name: "trading-signals ATR(14)",
  group: "ATR(14)",
  baseline: true,
  fn: () => {
    const atr = new TsAtr(14);
    for (let i = 0; i < COUNT; i++) if (atr.add(bars[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser Atr(14)",
  group: "ATR(14)",
  fn: () => {
    const atr = new Atr({ period: 14 });
    for (let i = 0; i < COUNT; i++) if (atr.update(bars[i]) !== undefined) sink++;
  },
});

Deno.bench({
  name: "trading-signals MACD(12, 26, 9)",
  group: "MACD(12, 26, 9)",
  baseline: true,
  fn: () => {
    const macd = new TsMacd(new TsEma(12), new TsEma(26), new TsEma(9));
    for (let i = 0; i < COUNT; i++) if (macd.add(close[i]) !== null) sink++;
  },
});
Deno.bench({
  name: "tesser Macd(12, 26, 9)",
  group: "MACD(12, 26, 9)",
  fn: () => {
    const macd = new Macd({ fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 });
    for (let i = 0; i < COUNT; i++) if (macd.update(close[i]) !== undefined) sink++;
  },
});

globalThis.addEventListener("unload", () => {
  if (sink < 0) console.log(sink);
});
