import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import { Ema, LinearRegression, Sma, StdDev, Wma } from "../../../lib/indicators/mod.ts";
import { mulberry32 } from "./_fixtures.ts";

/**
 * Long-stream accuracy: one million BTC-like prices (60 000 ± a mean-reverting random walk,
 * 2 decimals, seeded PRNG) through the streaming indicators, and every 10 000th output compared
 * with an exact decimal.js recomputation of the same window from the exact binary values of the
 * float64 inputs. A plain running sum drifts by a random walk of rounding errors and a textbook
 * variance cancels ~8 digits at these prices; both would fail the 1e-12 bound.
 */

const COUNT = 1_000_000;
const STRIDE = 10_000;
const PERIOD = 20;
const MAX_RELATIVE_ERROR = 1e-12;

const Exact = Decimal.clone({ precision: 60 });
type Exact = InstanceType<typeof Exact>;

function makePrices(): Float64Array {
  const random = mulberry32(20240101);
  const prices = new Float64Array(COUNT);
  let level = 60_000;
  for (let i = 0; i < COUNT; i++) {
    level += (60_000 - level) * 0.0005 + (random() - 0.5) * 20;
    prices[i] = Math.round(level * 100) / 100;
  }
  return prices;
}

const prices = makePrices();
const scratch = new DataView(new ArrayBuffer(8));
const TWO = new Exact(2);

/** The exact value of a float64 (not its shortest decimal string). */
function exact(x: number): Exact {
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (exponentBits !== 0) {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  const magnitude = new Exact(mantissa.toString()).times(TWO.pow(exponent));
  return bits >> 63n ? magnitude.neg() : magnitude;
}

function windowOf(end: number): Exact[] {
  return Array.from(prices.subarray(end - PERIOD + 1, end + 1), exact);
}

function exactMean(end: number): Exact {
  return windowOf(end).reduce((a, x) => a.plus(x), new Exact(0)).div(PERIOD);
}

function exactStdDev(end: number): Exact {
  const xs = windowOf(end);
  const mean = xs.reduce((a, x) => a.plus(x), new Exact(0)).div(PERIOD);
  return xs.reduce((a, x) => a.plus(x.minus(mean).pow(2)), new Exact(0)).div(PERIOD).sqrt();
}

function exactWma(end: number): Exact {
  const xs = windowOf(end);
  const weighted = xs.reduce((a, x, i) => a.plus(x.times(i + 1)), new Exact(0));
  return weighted.div((PERIOD * (PERIOD + 1)) / 2);
}

/**
 * The EMA's dependence on inputs older than `HISTORY` bars is scaled by (1 − k)^HISTORY
 * = (19/21)^1000 ≈ 4·10⁻⁴⁴, so restarting the exact recursion 1000 bars back (from that bar's
 * price) gives the full-history EMA to far below the tolerance.
 */
const HISTORY = 1000;
function exactEma(end: number): Exact {
  const k = new Exact(2).div(PERIOD + 1);
  let ema = exact(prices[end - HISTORY]);
  for (let i = end - HISTORY + 1; i <= end; i++) {
    ema = ema.plus(exact(prices[i]).minus(ema).times(k));
  }
  return ema;
}

/** Slope of the least-squares fit of price on the bar index (x up to 10⁶: mean²/var ≈ 3·10¹⁰). */
function exactSlope(end: number): Exact {
  const ys = windowOf(end);
  const xs = ys.map((_, i) => new Exact(end - PERIOD + 1 + i));
  const meanX = xs.reduce((a, x) => a.plus(x), new Exact(0)).div(PERIOD);
  const meanY = ys.reduce((a, y) => a.plus(y), new Exact(0)).div(PERIOD);
  let sxy = new Exact(0);
  let sxx = new Exact(0);
  for (let i = 0; i < PERIOD; i++) {
    sxy = sxy.plus(xs[i].minus(meanX).times(ys[i].minus(meanY)));
    sxx = sxx.plus(xs[i].minus(meanX).pow(2));
  }
  return sxy.div(sxx);
}

function checkStream(
  name: string,
  update: (price: number, index: number) => number | undefined,
  reference: (end: number) => Exact,
): void {
  let worst = 0;
  for (let i = 0; i < COUNT; i++) {
    const got = update(prices[i], i);
    if ((i + 1) % STRIDE !== 0) continue;
    assert.ok(got !== undefined, `${name}: no output at ${i}`);
    const want = reference(i);
    const error = new Exact(got).minus(want).abs().div(want.abs()).toNumber();
    worst = Math.max(worst, error);
  }
  assert.ok(
    worst <= MAX_RELATIVE_ERROR,
    `${name}: max relative error ${worst} over ${COUNT} prices`,
  );
}

Deno.test("Sma stays within 1e-12 of exact decimals over 1,000,000 prices", () => {
  const sma = new Sma({ period: PERIOD });
  checkStream("Sma", (x) => sma.update(x), exactMean);
});

Deno.test("Ema stays within 1e-12 of exact decimals over 1,000,000 prices", () => {
  const ema = new Ema({ period: PERIOD });
  checkStream("Ema", (x) => ema.update(x), exactEma);
});

Deno.test("StdDev stays within 1e-12 of exact decimals over 1,000,000 prices", () => {
  const sd = new StdDev({ period: PERIOD });
  checkStream("StdDev", (x) => sd.update(x), exactStdDev);
});

Deno.test("Wma stays within 1e-12 of exact decimals over 1,000,000 prices", () => {
  const wma = new Wma({ period: PERIOD });
  checkStream("Wma", (x) => wma.update(x), exactWma);
});

Deno.test("LinearRegression slope on the bar index stays within 1e-12 over 1,000,000 prices", () => {
  const fit = new LinearRegression({ period: PERIOD });
  checkStream("LinearRegression", (y, i) => fit.update(i, y)?.slope, exactSlope);
});

Deno.test("Sma and StdDev recover exactly after a huge value leaves the window", () => {
  // A plain running sum loses the small values absorbed by 1e16 and never gets them back.
  const sma = new Sma({ period: 2 });
  const sd = new StdDev({ period: 2 });
  for (const x of [1e16, 1, 1, 1]) {
    sma.update(x);
    sd.update(x);
  }
  assert.equal(sma.value, 1);
  assert.equal(sd.value, 0);
});
