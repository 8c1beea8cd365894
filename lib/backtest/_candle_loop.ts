/**
 * The data loop of a candle backtest: it walks merged candle batches row by row and gives the
 * engine's runner its inputs in time order (the kill-switch alert after an equity mark,
 * funding due by a bar's open, then the bar's close as a candle event), while between two
 * inputs it lets the simulated venue walk the bar, whose fills reach the engine through the
 * session's inbox at their own time inside it. It checks the data as it goes and records one
 * equity mark per timestamp. One iterator per run, reloaded per batch, and one candle event
 * object re-aimed at each bar: no allocation per row beyond the bar's `Candle` itself (which
 * strategies may keep; for one that keeps none, one candle refilled each bar).
 *
 * @module
 */

import type { MergedCandleBatch } from "../data/merge.ts";
import {
  type Candle,
  DataError,
  type Decimal,
  type Interval,
  intervalMicros,
  type Micros,
  type SymbolId,
  toIso,
} from "../domain/mod.ts";
import { InputSource, type RunInput } from "../engine/mod.ts";
import type { CandleEvent, FundingEvent } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { CandleVenue } from "../venues/mod.ts";
import { EquityRecorder } from "./equity_recorder.ts";

/** Options of {@linkcode CandleLoop}. */
export interface CandleLoopOptions {
  /** Funding events in time order. */
  readonly funding: readonly FundingEvent[];
  /** Skip bars that open before this time (µs). */
  readonly from: Micros;
  /** Skip bars that open at or after this time (µs). */
  readonly to: Micros;
  /** Where the equity marks go (default: kept in memory). */
  readonly recorder?: EquityRecorder;
  /** Called every 65,536 bars with the number processed. */
  readonly onProgress: ((bars: number) => void) | undefined;
  /**
   * Whether one candle object may be refilled for every bar (nothing downstream keeps it: the
   * strategy said `keepsCandles: false`); otherwise each bar is a fresh `Candle`.
   */
  readonly reuseCandle?: boolean;
}

// Where the loop is within a row: its checks and mark, its funding, its bar.
const ROW = 0;
const FUNDING = 1;
const BAR = 2;

/** The candle data loop; iterate it once per loaded batch, then once over {@linkcode CandleLoop.tail}. */
export class CandleLoop extends InputSource {
  /** The equity marks, one per timestamp. */
  readonly equity: EquityRecorder;
  /** Bars delivered. */
  bars = 0;
  /** Marks taken with a position open. */
  barsInMarket = 0;
  /** Equity before anything traded (at the first timestamp's opens). */
  initialEquity: Decimal | undefined;
  /** The data interval (of the first series). */
  dataInterval: Interval | undefined;
  /** Length of one bar (µs). */
  barMicros = 0;
  /** Open time of the first bar. */
  first: Micros | undefined;
  /** Open time of the last bar. */
  lastOpen = 0;
  /** Symbols the data held. */
  readonly symbolsSeen = new Set<SymbolId>();
  readonly #session: TradingSession;
  readonly #venue: CandleVenue;
  readonly #options: CandleLoopOptions;
  readonly #reuseCandle: boolean;
  // Per series (symbol/interval), checked once when it first appears rather than every row.
  readonly #checkedSeries: boolean[] = [];
  readonly #lastOpenOfSeries: number[] = [];
  readonly #tradedSeries: boolean[] = [];
  // The series whose bars the report's price chart shows: the first traded one.
  #chartSeries = -1;
  #batch: MergedCandleBatch | undefined;
  #row = 0;
  #stage = ROW;
  #delivered = false;
  #lastClose = Number.NEGATIVE_INFINITY;
  #nextFunding = 0;
  #tail = false;
  // The one candle event, re-aimed at each bar: the engine hands it to the handlers and is done
  // with it before the next input is taken (the handlers keep the candle, never the event), so
  // a fresh event per bar would only be garbage — a third of the loop's allocation.
  readonly #event: { -readonly [K in keyof CandleEvent]: CandleEvent[K] } = {
    kind: "candle",
    ts: 0,
    tsRecv: 0,
    candle: {
      symbol: "",
      interval: "1m",
      openTime: 0,
      open: 0,
      high: 0,
      low: 0,
      close: 0,
      volume: 0,
    },
  };
  // The candle refilled for every bar when no one keeps it (`reuseCandle`): its doubles are
  // overwritten in place, where a fresh candle is an object and six boxed numbers per bar.
  readonly #candle: { -readonly [K in keyof Candle]: Candle[K] } = {
    symbol: "",
    interval: "1m",
    openTime: Number.NaN,
    open: Number.NaN,
    high: Number.NaN,
    low: Number.NaN,
    close: Number.NaN,
    volume: Number.NaN,
  };

  /**
   * A loop feeding `session`, with `venue` walking the bars: the session's own port in a
   * backtest, or the matching core behind an asynchronous port.
   */
  constructor(session: TradingSession, venue: CandleVenue, options: CandleLoopOptions) {
    super();
    this.#session = session;
    this.#venue = venue;
    this.#options = options;
    this.#reuseCandle = options.reuseCandle ?? false;
    this.equity = options.recorder ?? EquityRecorder.inMemory();
  }

  /** Starts on the rows of `batch`. */
  load(batch: MergedCandleBatch): this {
    this.#batch = batch;
    this.#row = 0;
    this.#stage = ROW;
    return this;
  }

  /**
   * The end of the run: funding due before the last close (later funding belongs to a period
   * the run does not cover), then the last equity mark (and its kill-switch alert).
   *
   * @throws {DataError} when the run saw no candles.
   */
  tail(): this {
    if (
      this.first === undefined || this.dataInterval === undefined ||
      this.initialEquity === undefined
    ) {
      throw new DataError("no candles to backtest", { hint: "check --data, --from and --to" });
    }
    this.#batch = undefined;
    this.#tail = true;
    this.#stage = FUNDING;
    return this;
  }

  /** The next input for the runner. */
  take(): RunInput | undefined {
    if (this.#delivered) this.#afterBar();
    return this.#tail ? this.#nextOfTail() : this.#nextOfBatch();
  }

  #afterBar(): void {
    this.#delivered = false;
    if ((++this.bars & 0xffff) === 0) this.#options.onProgress?.(this.bars);
  }

  #nextOfTail(): RunInput | undefined {
    const funding = this.#options.funding;
    if (this.#stage === FUNDING) {
      if (
        this.#nextFunding < funding.length && funding[this.#nextFunding].ts <= this.#lastClose - 1
      ) {
        return funding[this.#nextFunding++];
      }
      this.#stage = BAR;
      const alert = this.#mark(this.lastOpen);
      if (alert !== undefined) return alert;
    }
    return undefined;
  }

  #nextOfBatch(): RunInput | undefined {
    const batch = this.#batch;
    if (batch === undefined) return undefined;
    const { from, to, funding } = this.#options;
    while (this.#row < batch.length) {
      const row = this.#row;
      const openTime = batch.ts[row];
      if (this.#stage === ROW) {
        if (openTime < from || openTime >= to) {
          this.#row++;
          continue;
        }
        this.#stage = FUNDING;
        const alert = this.#checkRow(batch, row);
        if (alert !== undefined) return alert;
      }
      if (this.#stage === FUNDING) {
        // Funding due by this bar's open falls between the previous close and its fills.
        if (this.#nextFunding < funding.length && funding[this.#nextFunding].ts <= openTime) {
          return funding[this.#nextFunding++];
        }
        this.#stage = BAR;
      }
      const index = batch.seriesIndex[row];
      const info = batch.series[index];
      const symbol = info.symbol;
      const open = batch.open[row];
      const high = batch.high[row];
      const low = batch.low[row];
      const close = batch.close[row];
      const volume = batch.volume[row];
      if (this.#tradedSeries[index]) {
        // The venue also walks a bar no order can act on when its range reaches the
        // liquidation price, so liquidation needs no separate check here.
        this.#venue.onBar(symbol, openTime, this.barMicros, open, high, low, close, volume);
        if (index === this.#chartSeries) this.equity.price(openTime, open, high, low, close);
      }
      const closeTime = batch.closeTs[row];
      this.#row++;
      this.#stage = ROW;
      this.#delivered = true;
      const event = this.#event;
      event.ts = closeTime;
      event.tsRecv = closeTime;
      if (this.#reuseCandle) {
        const candle = this.#candle;
        candle.symbol = symbol;
        candle.interval = info.interval;
        candle.openTime = openTime;
        candle.open = open;
        candle.high = high;
        candle.low = low;
        candle.close = close;
        candle.volume = volume;
        event.candle = candle;
      } else {
        event.candle = {
          symbol,
          interval: info.interval,
          openTime,
          open,
          high,
          low,
          close,
          volume,
        };
      }
      return event;
    }
    return undefined;
  }

  // The checks of one row and, at a new timestamp, the mark of the previous one (whose alert,
  // if the drawdown limit trips, is the next input). The open time is read again here rather
  // than passed: a µs time is no small integer, and V8 boxes a double argument of a call it
  // does not inline (16 bytes a bar).
  #checkRow(batch: MergedCandleBatch, row: number): RunInput | undefined {
    const openTime = batch.ts[row];
    const index = batch.seriesIndex[row];
    const info = batch.series[index];
    if (this.#checkedSeries[index] !== true) {
      this.#checkSeries(info);
      this.#checkedSeries[index] = true;
      this.#tradedSeries[index] = this.#session.instruments.has(info.symbol);
      if (this.#chartSeries < 0 && this.#tradedSeries[index]) this.#chartSeries = index;
    }
    const symbol = info.symbol;
    const closeTime = batch.closeTs[row];
    if (openTime === this.#lastOpenOfSeries[index]) {
      throw new DataError(
        `the data holds two ${symbol} bars opening ${toIso(openTime)}`,
        { hint: "drop duplicate rows first (tesser data validate lists them)" },
      );
    }
    this.#lastOpenOfSeries[index] = openTime;
    const lastClose = this.#lastClose;
    if (closeTime < lastClose) {
      throw new DataError(
        `candles are not in time order: the ${symbol} bar opening ${
          toIso(openTime)
        } comes after a bar closing ${toIso(lastClose)}`,
        {
          hint: "sort the data by time, or pass each symbol's file separately (they are merged)",
        },
      );
    }
    // A new timestamp: the previous one is complete, so mark equity for it.
    const alert = closeTime !== lastClose && lastClose !== Number.NEGATIVE_INFINITY
      ? this.#mark(this.lastOpen)
      : undefined;
    this.#lastClose = closeTime;
    this.lastOpen = openTime;
    if (this.first === undefined) {
      this.first = openTime;
      this.initialEquity = this.#valueAtFirstOpen(batch, row);
      this.equity.start(this.initialEquity.toNumber(), this.barMicros);
    }
    return alert;
  }

  #checkSeries(info: { readonly symbol: SymbolId; readonly interval: Interval }): void {
    const { instruments, references } = this.#session;
    const symbol = info.symbol;
    if (!instruments.has(symbol) && !references.has(symbol)) {
      throw new DataError(`the data holds ${symbol}, which the strategy does not trade`, {
        hint: `the strategy trades ${[...instruments.keys()].join(", ")}; pass only their data`,
      });
    }
    if (this.dataInterval === undefined) {
      this.dataInterval = info.interval;
      this.barMicros = intervalMicros(info.interval);
      this.#session.host(info.interval);
    } else if (info.interval !== this.dataInterval) {
      throw new DataError(
        `mixed data intervals: ${symbol} is ${info.interval}, earlier data was ${this.dataInterval}`,
        { hint: "replay one interval (the finest) and let strategies aggregate" },
      );
    }
    this.symbolsSeen.add(symbol);
  }

  // Equity before anything trades: every traded symbol of the first timestamp marked at its
  // open (the run's first return is then from there to the first close).
  #valueAtFirstOpen(batch: MergedCandleBatch, row: number): Decimal {
    const { instruments, portfolio } = this.#session;
    for (let j = row; j < batch.length && batch.closeTs[j] === batch.closeTs[row]; j++) {
      const symbol = batch.series[batch.seriesIndex[j]].symbol;
      if (instruments.has(symbol)) portfolio.mark(symbol, batch.open[j]);
    }
    try {
      return portfolio.exactEquity();
    } catch (error) {
      throw unvaluable(error);
    }
  }

  #mark(openTime: Micros): RunInput | undefined {
    const { portfolio } = this.#session;
    let value: number;
    try {
      value = portfolio.equity();
    } catch (error) {
      throw unvaluable(error);
    }
    this.equity.push(openTime, value);
    if (portfolio.hasOpenPositions) this.barsInMarket++;
    return this.#session.drawdownAlert(value);
  }
}

// A RangeError from the portfolio here means a balance cannot be converted yet.
function unvaluable(error: unknown): unknown {
  if (!(error instanceof RangeError)) return error;
  return new DataError(`cannot value the account: ${error.message}`, {
    hint: "give every converting symbol data from the start (or start the run later with --from)",
    cause: error,
  });
}
