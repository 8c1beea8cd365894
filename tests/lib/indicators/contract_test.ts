import assert from "node:assert/strict";
import {
  Atr,
  BollingerBands,
  Correlation,
  Dema,
  Donchian,
  Ema,
  Ichimoku,
  LinearRegression,
  Macd,
  Obv,
  Roc,
  RollingMax,
  RollingMin,
  Rsi,
  Sma,
  StdDev,
  Stochastic,
  Tema,
  TrueRange,
  Vwap,
  Wma,
  ZScore,
} from "../../../lib/indicators/mod.ts";
import type { Indicator, PairIndicator, VwapBar } from "../../../lib/indicators/mod.ts";
import { loadSampleBars } from "./_fixtures.ts";

/** The behaviour every indicator shares: warm-up, isReady/value, reset, rejecting bad input. */

const sample = await loadSampleBars();
const COUNT = sample.close.length;
const MINUTE_US = 60_000_000;

function bar(i: number): VwapBar {
  return {
    high: sample.high[i],
    low: sample.low[i],
    close: sample.close[i],
    volume: sample.volume[i],
    time: 1_704_067_200_000_000 + i * MINUTE_US,
  };
}

/** Copies a (possibly reused) output so later updates cannot change it. */
function snapshot(value: unknown): unknown {
  return typeof value === "object" && value !== null ? { ...value } : value;
}

interface Runner {
  step(i: number): unknown;
  /** Updates with input `i` corrupted by `bad` (a non-finite number). */
  stepWith(i: number, bad: number): unknown;
  value(): unknown;
  isReady(): boolean;
  reset(): void;
}

interface Case {
  readonly name: string;
  readonly warmUp: number;
  make(): Runner;
}

function priceCase(name: string, warmUp: number, create: () => Indicator<number, unknown>): Case {
  return {
    name,
    warmUp,
    make: () => {
      const indicator = create();
      return {
        step: (i) => snapshot(indicator.update(sample.close[i])),
        stepWith: (_i, bad) => indicator.update(bad),
        value: () => snapshot(indicator.value),
        isReady: () => indicator.isReady,
        reset: () => indicator.reset(),
      };
    },
  };
}

function barCase(name: string, warmUp: number, create: () => Indicator<VwapBar, unknown>): Case {
  return {
    name,
    warmUp,
    make: () => {
      const indicator = create();
      return {
        step: (i) => snapshot(indicator.update(bar(i))),
        // Alternate the corrupted field so every field's check is exercised.
        stepWith: (i, bad) =>
          indicator.update(i % 2 === 0 ? { ...bar(i), close: bad } : { ...bar(i), low: bad }),
        value: () => snapshot(indicator.value),
        isReady: () => indicator.isReady,
        reset: () => indicator.reset(),
      };
    },
  };
}

function pairCase(name: string, warmUp: number, create: () => PairIndicator<unknown>): Case {
  return {
    name,
    warmUp,
    make: () => {
      const indicator = create();
      return {
        step: (i) => snapshot(indicator.update(sample.close[i], sample.volume[i])),
        stepWith: (i, bad) =>
          i % 2 === 0
            ? indicator.update(bad, sample.volume[i])
            : indicator.update(sample.close[i], bad),
        value: () => snapshot(indicator.value),
        isReady: () => indicator.isReady,
        reset: () => indicator.reset(),
      };
    },
  };
}

const CASES: readonly Case[] = [
  priceCase("Sma(20)", 19, () => new Sma({ period: 20 })),
  priceCase("Ema(20)", 19, () => new Ema({ period: 20 })),
  priceCase("Wma(20)", 19, () => new Wma({ period: 20 })),
  priceCase("Dema(10)", 18, () => new Dema({ period: 10 })),
  priceCase("Tema(10)", 27, () => new Tema({ period: 10 })),
  priceCase("Rsi(14)", 14, () => new Rsi({ period: 14 })),
  priceCase("Macd(12, 26, 9)", 33, () => new Macd()),
  priceCase("BollingerBands(20, 2)", 19, () => new BollingerBands({ period: 20 })),
  priceCase("StdDev(20)", 19, () => new StdDev({ period: 20 })),
  priceCase("ZScore(20)", 19, () => new ZScore({ period: 20 })),
  priceCase("Roc(10)", 10, () => new Roc({ period: 10 })),
  priceCase("RollingMin(20)", 19, () => new RollingMin({ period: 20 })),
  priceCase("RollingMax(20)", 19, () => new RollingMax({ period: 20 })),
  barCase("TrueRange", 1, () => new TrueRange()),
  barCase("Atr(14)", 14, () => new Atr({ period: 14 })),
  barCase("Stochastic(14, 3, 3)", 17, () => new Stochastic()),
  barCase("Donchian(20)", 19, () => new Donchian({ period: 20 })),
  barCase("Ichimoku(9, 26, 52, 26)", 77, () => new Ichimoku()),
  barCase("Obv", 0, () => new Obv()),
  barCase("Vwap(rolling 30)", 0, () => new Vwap({ mode: "rolling", period: 30 })),
  barCase("Vwap(session)", 0, () => new Vwap({ mode: "session" })),
  pairCase("Correlation(30)", 29, () => new Correlation({ period: 30 })),
  pairCase("LinearRegression(30)", 29, () => new LinearRegression({ period: 30 })),
];

for (const c of CASES) {
  Deno.test(`${c.name}.update returns undefined for exactly ${c.warmUp} inputs, then values`, () => {
    const runner = c.make();
    for (let i = 0; i < COUNT; i++) {
      const out = runner.step(i);
      assert.equal(out === undefined, i < c.warmUp, `output ${i}`);
      assert.equal(runner.isReady(), i >= c.warmUp, `isReady after ${i}`);
      assert.deepEqual(runner.value(), out, `value after ${i}`);
    }
  });

  Deno.test(`${c.name}.update throws RangeError on NaN/Infinity and keeps its state`, () => {
    const probed = c.make();
    const untouched = c.make();
    for (let i = 0; i < COUNT; i++) {
      // Probe during warm-up and once warm.
      if (i === Math.floor(c.warmUp / 2) || i === c.warmUp + 5) {
        const before = probed.value();
        for (const bad of [NaN, Infinity, -Infinity]) {
          assert.throws(() => probed.stepWith(i, bad), RangeError);
        }
        assert.deepEqual(probed.value(), before);
      }
      assert.deepEqual(probed.step(i), untouched.step(i), `output ${i} after rejected inputs`);
    }
  });

  Deno.test(`${c.name}.reset returns to the freshly constructed state`, () => {
    const reused = c.make();
    for (let i = 0; i < 150; i++) reused.step(i);
    reused.reset();
    assert.equal(reused.isReady(), false);
    assert.equal(reused.value(), undefined);
    const fresh = c.make();
    for (let i = 0; i < COUNT; i++) assert.deepEqual(reused.step(i), fresh.step(i), `output ${i}`);
  });
}

const PERIOD_OPTIONS: readonly [string, string, (value: number) => unknown, number][] = [
  ["Sma", "period", (period) => new Sma({ period }), 1],
  ["Ema", "period", (period) => new Ema({ period }), 1],
  ["Wma", "period", (period) => new Wma({ period }), 1],
  ["Dema", "period", (period) => new Dema({ period }), 1],
  ["Tema", "period", (period) => new Tema({ period }), 1],
  ["Rsi", "period", (period) => new Rsi({ period }), 1],
  ["Macd", "fastPeriod", (fastPeriod) => new Macd({ fastPeriod }), 1],
  ["Macd", "slowPeriod", (slowPeriod) => new Macd({ fastPeriod: 1, slowPeriod }), 1],
  ["Macd", "signalPeriod", (signalPeriod) => new Macd({ signalPeriod }), 1],
  ["BollingerBands", "period", (period) => new BollingerBands({ period }), 1],
  ["StdDev", "period", (period) => new StdDev({ period }), 1],
  ["ZScore", "period", (period) => new ZScore({ period }), 2],
  ["Roc", "period", (period) => new Roc({ period }), 1],
  ["RollingMin", "period", (period) => new RollingMin({ period }), 1],
  ["RollingMax", "period", (period) => new RollingMax({ period }), 1],
  ["Atr", "period", (period) => new Atr({ period }), 1],
  ["Stochastic", "period", (period) => new Stochastic({ period }), 1],
  ["Stochastic", "kSmoothing", (kSmoothing) => new Stochastic({ kSmoothing }), 1],
  ["Stochastic", "dPeriod", (dPeriod) => new Stochastic({ dPeriod }), 1],
  ["Donchian", "period", (period) => new Donchian({ period }), 1],
  ["Ichimoku", "tenkanPeriod", (tenkanPeriod) => new Ichimoku({ tenkanPeriod }), 1],
  ["Ichimoku", "kijunPeriod", (kijunPeriod) => new Ichimoku({ kijunPeriod }), 1],
  ["Ichimoku", "senkouBPeriod", (senkouBPeriod) => new Ichimoku({ senkouBPeriod }), 1],
  ["Ichimoku", "displacement", (displacement) => new Ichimoku({ displacement }), 1],
  ["Vwap", "period", (period) => new Vwap({ mode: "rolling", period }), 1],
  ["Vwap", "sessionLength", (sessionLength) => new Vwap({ mode: "session", sessionLength }), 1],
  ["Correlation", "period", (period) => new Correlation({ period }), 2],
  ["LinearRegression", "period", (period) => new LinearRegression({ period }), 2],
];

for (const [owner, option, create, min] of PERIOD_OPTIONS) {
  Deno.test(`${owner} rejects option "${option}" that is not an integer >= ${min}`, () => {
    const what = min === 1 ? "a positive integer" : `an integer >= ${min}`;
    for (const bad of [0, -3, 2.5, NaN, Infinity, min - 1]) {
      assert.throws(() => create(bad), {
        name: "RangeError",
        message: `${owner}: option "${option}" must be ${what}, got ${bad}`,
      });
    }
  });
}

Deno.test("Sma option error reads exactly as the house style", () => {
  assert.throws(() => new Sma({ period: 2.5 }), {
    name: "RangeError",
    message: 'Sma: option "period" must be a positive integer, got 2.5',
  });
});

Deno.test("BollingerBands rejects a negative or non-finite multiplier", () => {
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => new BollingerBands({ period: 20, multiplier: bad }), {
      name: "RangeError",
      message:
        `BollingerBands: option "multiplier" must be a finite non-negative number, got ${bad}`,
    });
  }
});

Deno.test("Macd rejects a fast period that is not below the slow one", () => {
  assert.throws(() => new Macd({ fastPeriod: 26, slowPeriod: 12 }), {
    name: "RangeError",
    message: 'Macd: option "fastPeriod" must be less than "slowPeriod", got 26 and 12',
  });
});

Deno.test("Input errors name the indicator and the offending field", () => {
  assert.throws(() => new Ema({ period: 3 }).update(NaN), {
    name: "RangeError",
    message: "Ema: input must be a finite number, got NaN",
  });
  assert.throws(() => new Atr({ period: 3 }).update({ high: 1, low: Infinity, close: 1 }), {
    name: "RangeError",
    message: "Atr: bar.low must be a finite number, got Infinity",
  });
  assert.throws(() => new Obv().update({ high: 1, low: 1, close: 1, volume: NaN }), {
    name: "RangeError",
    message: "Obv: bar.volume must be a finite number, got NaN",
  });
  assert.throws(() => new Correlation({ period: 3 }).update(1, -Infinity), {
    name: "RangeError",
    message: "Correlation: y must be a finite number, got -Infinity",
  });
});
