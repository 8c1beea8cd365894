/**
 * The sweep fast path for SmaCross: many parameter sets over one decoded series of candles,
 * without the event engine. The candles are decoded once into `Float64Array`s, each SMA period
 * is computed once by an array kernel that performs the very float operations of the library's
 * `Sma` (its double-double window sum), so its values are bit for bit the strategy's, and
 * shared by every set that uses it. Each set is then one loop over the bars replaying what the
 * engine does for this strategy:
 *
 * - the cross rule of `SmaCross` (enter long when fast − slow turns positive, exit when it turns
 *   negative; nothing before the slow SMA has two values or before `min_samples` bars);
 * - the OMS: an entry while long or an exit while flat does nothing; one fixed quantity;
 * - the candle venue with its defaults: a market order sent at a bar's close fills at the next
 *   bar's open (latency one bar, no slippage) rounded onto the tick grid against the order (buys
 *   up, sells down), paying the taker fee; an order sent on the last bar never fills;
 * - the portfolio of a linear contract: fees and realized PnL exact (as integers of the
 *   smallest decimal unit, which is what the engine's decimals hold), the equity marked at every
 *   close as `balance + units · close − cost` in float64, as the portfolio's cache does;
 * - the report's metrics, computed with the same float operations as `computeMetrics`.
 *
 * Only what this replays is accepted ({@linkcode smaSweepSupport}): long-only SmaCross with
 * market orders (no stop-loss, no VWAP) on one linear symbol whose tick, lot-rounded quantity and
 * taker fee are short decimals, the default venue (1-bar latency, no slippage, no volume cap, no
 * funding), and no pre-trade risk: the drawdown kill switch and the order/position limits of
 * `[risk_management]` are not replayed, so compare with runs that never reach them. The tests
 * compare every round trip and the report's figures with the engine's.
 *
 * @module
 */

import type { CandleBatch } from "../data/mod.ts";
import {
  decimal,
  type Instrument,
  type Interval,
  intervalMicros,
  roundPrice,
  type SymbolId,
} from "../domain/mod.ts";
import type { RoundTrip } from "../portfolio/mod.ts";
import type { TrialMetrics } from "./objective.ts";

/** Candles of one symbol, decoded once. */
export interface SweepCandles {
  /** The symbol. */
  readonly symbol: SymbolId;
  /** Their interval. */
  readonly interval: Interval;
  /** Bar open times (µs), ascending. */
  readonly openTime: Float64Array;
  /** Opens. */
  readonly open: Float64Array;
  /** Closes. */
  readonly close: Float64Array;
}

/**
 * Decodes candle batches of one symbol (e.g. from `readCandleParquet`) once into a
 * {@linkcode SweepCandles}.
 *
 * @throws {RangeError} for no rows, several symbols or intervals, or bars out of order.
 */
export async function sweepCandles(
  batches: AsyncIterable<CandleBatch> | Iterable<CandleBatch>,
): Promise<SweepCandles> {
  const parts: CandleBatch[] = [];
  let rows = 0;
  for await (const batch of batches) {
    const first = parts[0];
    if (
      first !== undefined && (batch.symbol !== first.symbol || batch.interval !== first.interval)
    ) {
      throw new RangeError(
        `the fast path runs one series; got ${first.symbol} and ${batch.symbol}`,
      );
    }
    parts.push(batch);
    rows += batch.length;
  }
  if (parts.length === 0 || rows === 0) throw new RangeError("no candles to sweep");
  const openTime = new Float64Array(rows);
  const open = new Float64Array(rows);
  const close = new Float64Array(rows);
  let at = 0;
  for (const batch of parts) {
    openTime.set(batch.ts.subarray(0, batch.length), at);
    open.set(batch.open.subarray(0, batch.length), at);
    close.set(batch.close.subarray(0, batch.length), at);
    at += batch.length;
  }
  for (let i = 1; i < rows; i++) {
    if (!(openTime[i] > openTime[i - 1])) throw new RangeError(`bars out of order at row ${i}`);
  }
  return { symbol: parts[0].symbol, interval: parts[0].interval, openTime, open, close };
}

/**
 * The SMA of `period` over `values` (NaN until warm), with the float operations of the
 * library's `Sma`: add the new value and subtract the evicted one into a double-double sum
 * (TwoSum), renormalise, divide.
 */
export function smaSeries(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length);
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let s = hi + x;
    let v = s - hi;
    lo += (hi - (s - v)) + (x - v);
    hi = s;
    if (i >= period) {
      const y = -values[i - period];
      s = hi + y;
      v = s - hi;
      lo += (hi - (s - v)) + (y - v);
      hi = s;
    }
    s = hi + lo;
    v = s - hi;
    lo = (hi - (s - v)) + (lo - v);
    hi = s;
    out[i] = i >= period - 1 ? (hi + lo) / period : NaN;
  }
  return out;
}

/** One SmaCross parameter set the fast path runs. */
export interface SmaSweepSet {
  /** Fast SMA length. */
  readonly fast_period: number;
  /** Slow SMA length (above fast). */
  readonly slow_period: number;
  /** Bars before the first signal. */
  readonly min_samples: number;
}

/** What the fast path needs besides the candles. */
export interface SmaSweepOptions {
  /** The traded instrument (its taker fee is charged). */
  readonly instrument: Instrument;
  /** Fixed order quantity (a multiple of the lot size). */
  readonly quantity: number;
  /** Starting balance in the instrument's settle currency. */
  readonly initialEquity: number;
}

/** What one set gave. */
export interface SmaSweepResult {
  /** The report's figures that a study reads. */
  readonly metrics: TrialMetrics;
  /** The equity at the end. */
  readonly finalEquity: number;
  /** Number of round trips. */
  readonly trades: number;
  /** The round trips as the portfolio books them (built only with `roundTrips: true`). */
  readonly roundTrips?: readonly RoundTrip[];
}

/**
 * Why `params` (SmaCross params in force) cannot take the fast path, or undefined when they
 * can.
 */
export function smaSweepSupport(params: Readonly<Record<string, unknown>>): string | undefined {
  if (params.allow_short === true) return "allow_short = true (short entries are not replayed)";
  if (typeof params.stop_loss_pct === "number" && params.stop_loss_pct > 0) {
    return "stop_loss_pct > 0 (stop orders are not replayed)";
  }
  if (typeof params.vwap_duration_secs === "number" && params.vwap_duration_secs > 0) {
    return "vwap_duration_secs > 0 (VWAP execution is not replayed)";
  }
  return undefined;
}

/** `text` as an integer count of 10^-places (places ≤ 15), or throws. */
function scaled(text: string, places: number): number {
  const [whole, fraction = ""] = text.split(".");
  if (fraction.length > places) throw new RangeError(`${text} has more than ${places} decimals`);
  return Number(whole + fraction.padEnd(places, "0"));
}

function decimals(text: string): number {
  if (/e/i.test(text)) throw new RangeError(`${text}: exponent notation is not supported`);
  return text.split(".")[1]?.length ?? 0;
}

/** Runs many SmaCross sets over one series, sharing its SMA series between them. */
export class SmaSweep {
  readonly #candles: SweepCandles;
  readonly #options: SmaSweepOptions;
  readonly #sma = new Map<number, Float64Array>();
  readonly #barMicros: number;
  // Exact money as integers of 10^-scale: prices in ticks (tickPlaces), quantity in qtyPlaces,
  // fees in feePlaces; notional = ticks · qty at 10^-(tick+qty), fee at 10^-(tick+qty+fee).
  readonly #tickPlaces: number;
  readonly #tickUnits: number;
  readonly #qty: number;
  readonly #qtyPlaces: number;
  readonly #rate: number;
  readonly #ratePlaces: number;
  readonly #moneyScale: number;
  readonly #feeScale: number;
  // Equity figures from the exact integers, rounded once (like Decimal.toNumber()).
  readonly #units: number;
  // Ticks of each bar's open as a buy (ceil) and a sell (floor) would fill.
  readonly #buyTicks: Float64Array;
  readonly #sellTicks: Float64Array;
  // The per-bar returns of the set being run (reused: the second pass of the deviation).
  readonly #returns: Float64Array;

  /**
   * Prepares a sweep over `candles`.
   *
   * @throws {RangeError} when the instrument or quantity is outside what the fast path replays.
   */
  constructor(candles: SweepCandles, options: SmaSweepOptions) {
    const instrument = options.instrument;
    if (instrument.kind !== "linear" || !instrument.multiplier.eq(1)) {
      throw new RangeError("the SmaCross fast path replays linear contracts of multiplier 1 only");
    }
    this.#candles = candles;
    this.#options = options;
    this.#barMicros = intervalMicros(candles.interval);
    const tick = instrument.tickSize.toString();
    this.#tickPlaces = decimals(tick);
    this.#tickUnits = scaled(tick, this.#tickPlaces);
    const qty = decimal(options.quantity).toString();
    this.#qtyPlaces = decimals(qty);
    this.#qty = scaled(qty, this.#qtyPlaces);
    if (!decimal(options.quantity).div(instrument.lotSize).isInteger()) {
      throw new RangeError(`quantity ${qty} is not a multiple of the lot ${instrument.lotSize}`);
    }
    const rate = instrument.takerFee.toString();
    this.#ratePlaces = decimals(rate);
    this.#rate = scaled(rate, this.#ratePlaces);
    this.#moneyScale = 10 ** (this.#tickPlaces + this.#qtyPlaces);
    this.#feeScale = this.#moneyScale * 10 ** this.#ratePlaces;
    if (this.#tickPlaces + this.#qtyPlaces + this.#ratePlaces > 15) {
      throw new RangeError("tick, quantity and fee have too many decimals for exact integers");
    }
    this.#units = this.#qty / 10 ** this.#qtyPlaces;
    const n = candles.open.length;
    this.#returns = new Float64Array(n);
    this.#buyTicks = new Float64Array(n);
    this.#sellTicks = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [buy, sell] = this.#ticksOf(candles.open[i]);
      this.#buyTicks[i] = buy;
      this.#sellTicks[i] = sell;
    }
  }

  // The fill prices of an open in ticks, as roundPrice rounds the price's decimal (its
  // shortest round-trip string). When `k / 10^places` is the very double, that decimal is
  // k · 10^-places (any other decimal that short lies a grid step away, far beyond an ulp);
  // otherwise the decimal lies strictly between grid points and the float quotient's ceil and
  // floor are right unless it is within float error of a point: then decimals decide.
  #ticksOf(price: number): [number, number] {
    const scale = 10 ** this.#tickPlaces;
    const k = Math.round(price * scale);
    if (k / scale === price) {
      if (k % this.#tickUnits === 0) return [k / this.#tickUnits, k / this.#tickUnits];
      return [Math.ceil(k / this.#tickUnits), Math.floor(k / this.#tickUnits)];
    }
    const r = (price * scale) / this.#tickUnits;
    if (Math.abs(r - Math.round(r)) > 1e-6) return [Math.ceil(r), Math.floor(r)];
    const instrument = this.#options.instrument;
    const exact = decimal(price);
    const toTicks = (d: ReturnType<typeof decimal>): number =>
      scaled(d.toFixed(this.#tickPlaces), this.#tickPlaces) / this.#tickUnits;
    return [
      toTicks(roundPrice(instrument, exact, "ceil")),
      toTicks(roundPrice(instrument, exact, "floor")),
    ];
  }

  /** The SMA of `period` at every bar (NaN until warm), computed once per period. */
  sma(period: number): Float64Array {
    let series = this.#sma.get(period);
    if (series === undefined) {
      series = smaSeries(this.#candles.close, period);
      this.#sma.set(period, series);
    }
    return series;
  }

  /** Drops the cached SMA series (to bound memory between groups of sets). */
  clear(): void {
    this.#sma.clear();
  }

  /** Runs one set; `roundTrips` also builds the decimal round trips (slower). */
  run(set: SmaSweepSet, options: { readonly roundTrips?: boolean } = {}): SmaSweepResult {
    const { openTime, close } = this.#candles;
    const n = close.length;
    const fast = this.sma(set.fast_period);
    const slow = this.sma(set.slow_period);
    const qty = this.#qty;
    const tickUnits = this.#tickUnits;
    const rate = this.#rate;
    const feeScale = this.#feeScale;
    const feePerMoney = 10 ** this.#ratePlaces;
    const moneyScale = this.#moneyScale;
    const units = this.#units;
    const initial = this.#options.initialEquity;
    // The balance in fee units (10^-(tick+qty+fee)), exact.
    let balance = Math.round(initial * feeScale);
    let balanceValue = balance / feeScale;
    let held = false;
    let cost = 0;
    let entryTicks = 0;
    let entryFee = 0;
    let entryBar = 0;
    let pending = 0; // 1 buy, −1 sell
    let previous = NaN;
    const pnls: number[] = [];
    const trips: [number, number, number, number, number][] = [];
    // Curve statistics, with computeMetrics' float operations (Neumaier sums).
    let sum = 0;
    let sumC = 0;
    let down = 0;
    let downC = 0;
    let peak = initial;
    let maxDrawdown = 0;
    let previousEquity = initial;
    const returns = this.#returns;
    let equity = initial;
    for (let i = 0; i < n; i++) {
      if (pending !== 0) {
        const ticks = pending > 0 ? this.#buyTicks[i] : this.#sellTicks[i];
        const notional = ticks * tickUnits * qty; // 10^-(tick+qty)
        const fee = notional * rate; // 10^-(tick+qty+fee)
        balance -= fee;
        if (pending > 0) {
          held = true;
          cost = notional / moneyScale;
          entryTicks = ticks;
          entryFee = fee;
          entryBar = i;
        } else {
          const gross = (ticks - entryTicks) * tickUnits * qty * feePerMoney;
          balance += gross;
          pnls.push((gross - entryFee - fee) / feeScale);
          trips.push([entryBar, i, entryTicks, ticks, entryFee + fee]);
          held = false;
          cost = 0;
        }
        balanceValue = balance / feeScale;
        pending = 0;
      }
      const f = fast[i];
      const s = slow[i];
      if (s === s && f === f) {
        const diff = f - s;
        if (previous === previous && i + 1 >= set.min_samples) {
          if (previous <= 0 && diff > 0) {
            if (!held) pending = 1;
          } else if (previous >= 0 && diff < 0) {
            if (held) pending = -1;
          }
        }
        previous = diff;
      }
      equity = held ? balanceValue + (units * close[i] - cost) : balanceValue;
      const r = previousEquity > 0 ? equity / previousEquity - 1 : 0;
      returns[i] = r;
      const t = sum + r;
      if (Math.abs(sum) >= Math.abs(r)) sumC += (sum - t) + r;
      else sumC += (r - t) + sum;
      sum = t;
      if (r < 0) {
        const q = r * r;
        const u = down + q;
        if (Math.abs(down) >= Math.abs(q)) downC += (down - u) + q;
        else downC += (q - u) + down;
        down = u;
      }
      previousEquity = equity;
      if (equity >= peak) peak = equity;
      else {
        const drawdown = (peak - equity) / peak;
        if (drawdown > maxDrawdown) maxDrawdown = drawdown;
      }
    }
    const metrics = this.#metrics(n, equity, sum + sumC, down + downC, maxDrawdown, returns, pnls);
    const result: SmaSweepResult = {
      metrics,
      finalEquity: n === 0 ? initial : equity,
      trades: pnls.length,
    };
    if (options.roundTrips !== true) return result;
    const tick = this.#options.instrument.tickSize;
    const quantity = decimal(this.#options.quantity);
    const roundTrips = trips.map(([entry, exit, inTicks, outTicks, fees]): RoundTrip => {
      const entryPrice = tick.times(inTicks);
      const exitPrice = tick.times(outTicks);
      const gross = exitPrice.minus(entryPrice).times(quantity);
      const feesDecimal = decimal(fees).div(feeScale);
      return {
        symbol: this.#candles.symbol,
        direction: "long",
        entryTs: openTime[entry],
        exitTs: openTime[exit],
        quantity,
        entryPrice,
        exitPrice,
        grossPnl: gross,
        fees: feesDecimal,
        funding: decimal(0),
        netPnl: gross.minus(feesDecimal),
        settle: this.#options.instrument.settle,
        fills: 2,
      };
    });
    return { ...result, roundTrips };
  }

  #metrics(
    n: number,
    finalEquity: number,
    sum: number,
    downside: number,
    maxDrawdown: number,
    returns: Float64Array,
    pnls: readonly number[],
  ): TrialMetrics {
    const initial = this.#options.initialEquity;
    const perYear = (365 * 86_400_000_000) / this.#barMicros;
    const rootP = Math.sqrt(perYear);
    const mean = sum / n;
    let sd: number | null = null;
    if (n > 1) {
      let sq = 0;
      let sqC = 0;
      for (let i = 0; i < n; i++) {
        const d = returns[i] - mean;
        const x = d * d;
        const t = sq + x;
        if (Math.abs(sq) >= Math.abs(x)) sqC += (sq - t) + x;
        else sqC += (x - t) + sq;
        sq = t;
      }
      sd = Math.sqrt((sq + sqC) / (n - 1));
    }
    const down = Math.sqrt(downside / n);
    const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
    const ratio = (a: number | null, b: number | null): number | null =>
      a === null || b === null || b === 0 ? null : finite(a / b);
    const growth = finalEquity / initial;
    const { openTime } = this.#candles;
    const years = (openTime[n - 1] - openTime[0] + this.#barMicros) / (365 * 86_400_000_000);
    const cagr = growth <= 0 ? -1 : finite(Math.pow(growth, 1 / years) - 1);
    let wins = 0;
    let grossWin = 0;
    let grossWinC = 0;
    let grossLoss = 0;
    let grossLossC = 0;
    for (const pnl of pnls) {
      if (pnl > 0) {
        wins++;
        const t = grossWin + pnl;
        if (Math.abs(grossWin) >= Math.abs(pnl)) grossWinC += (grossWin - t) + pnl;
        else grossWinC += (pnl - t) + grossWin;
        grossWin = t;
      } else if (pnl < 0) {
        const t = grossLoss + pnl;
        if (Math.abs(grossLoss) >= Math.abs(pnl)) grossLossC += (grossLoss - t) + pnl;
        else grossLossC += (pnl - t) + grossLoss;
        grossLoss = t;
      }
    }
    const trades = pnls.length;
    const lossTotal = grossLoss + grossLossC;
    return {
      trades,
      totalReturn: growth - 1,
      cagr,
      sharpe: ratio(mean * rootP, sd),
      sortino: ratio(mean * rootP, down),
      calmar: ratio(cagr, maxDrawdown),
      maxDrawdown,
      winRate: trades === 0 ? null : wins / trades,
      profitFactor: lossTotal === 0 ? null : finite((grossWin + grossWinC) / -lossTotal),
    };
  }
}
