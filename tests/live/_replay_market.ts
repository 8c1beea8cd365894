/**
 * Real market data for the simulator to replay, faster than real time:
 *
 * - {@linkcode barMarket}: real one-minute bars (FTX BTC-PERP, `tests/testdata/live/`), each
 *   replayed as four trades (open, the extreme first reached, the other extreme, close, 15 s
 *   apart) with a one-level book of 0.5 either side of each print, so the simulator's kline
 *   stream closes the same bars and market orders fill at the print ± 0.5;
 * - {@linkcode captureMarket}: the real Binance USDⓈ-M BTCUSDT WebSocket capture
 *   (`tests/testdata/recording/btcusdt_20240808.gz`, 345 s of depth, trades and quotes) decoded
 *   by the Binance connector's recording decoder, as the tick backtests replay it.
 *
 * A bar market needs the venue clock to follow the data (its klines close by data time):
 * {@linkcode followDataClock} sets a `ManualClock` to each event's time as it is published. The
 * bars are moved to start now (a whole number of minutes later), so the venue clock starts at
 * the client's and only runs ahead of it, as the replay goes faster than real time: the
 * connectors' catch-ups, which mix the local clock with the venue's event times, stay within
 * their overlap.
 *
 * @module
 */

import { RECORDING_CODECS } from "../../cli/_backtest_tick.ts";
import { splitRecordings } from "../../connectors/recording/replay.ts";
import type { ManualClock } from "../../connectors/simulator/clock.ts";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import type { ReplayEvent } from "../../lib/data/mod.ts";
import type { SymbolId } from "../../lib/domain/mod.ts";

const DATA = new URL("../testdata/", import.meta.url).pathname;

/** The real FTX BTC-PERP bars of 2022-01-21 13:00–14:59 UTC (see the folder's README). */
export const FTX_BARS = `${DATA}live/ftx_btc_perp_1m_20220121.csv`;

/** The real Binance USDⓈ-M BTCUSDT capture of 2024-08-08 23:54–23:59 UTC. */
export const BINANCE_CAPTURE = `${DATA}recording/btcusdt_20240808.gz`;

/** One bar, times in ms. */
export interface Bar {
  /** Open time (ms). */
  readonly ts: number;
  /** Open. */
  readonly open: number;
  /** High. */
  readonly high: number;
  /** Low. */
  readonly low: number;
  /** Close. */
  readonly close: number;
  /** Volume in USD (FTX's quote volume). */
  readonly volume: number;
}

/** Reads the first `count` bars of an FTX CSV (`timestamp,open,high,low,close,volume`). */
export function readBars(path: string, count: number): Bar[] {
  const rows = Deno.readTextFileSync(path).trim().split("\n").slice(1, 1 + count);
  return rows.map((row) => {
    const [time, open, high, low, close, volume] = row.split(",");
    return {
      ts: Date.parse(`${time.replace(" ", "T")}Z`),
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    };
  });
}

/**
 * The replay events of `bars` on `symbol`, moved by `shiftMs` (a whole number of minutes): per
 * bar four prints, each behind its own book.
 */
export async function* barMarket(
  bars: readonly Bar[],
  symbol: SymbolId,
  shiftMs = 0,
): AsyncGenerator<ReplayEvent> {
  for (const bar of bars) {
    const path = bar.close >= bar.open
      ? [bar.open, bar.low, bar.high, bar.close]
      : [bar.open, bar.high, bar.low, bar.close];
    // FTX's volume is in USD: a quarter of the bar's BTC volume per print.
    const quantity = Math.max(0.001, Math.round(bar.volume / bar.close / 4 * 1000) / 1000);
    for (let i = 0; i < path.length; i++) {
      const ts = (bar.ts + shiftMs + i * 15_000) * 1000;
      const price = path[i];
      yield {
        kind: "book-snapshot",
        ts,
        tsRecv: ts,
        book: {
          symbol,
          bids: [{ price: price - 0.5, size: 5 }],
          asks: [{ price: price + 0.5, size: 5 }],
        },
      };
      yield {
        kind: "trade",
        ts,
        tsRecv: ts,
        trade: { symbol, price, quantity, side: i % 2 === 0 ? "buy" : "sell" },
      };
    }
  }
}

/** The capture's market data (book snapshot and deltas, trades, quotes), in receive order. */
export async function captureMarket(): Promise<AsyncIterable<ReplayEvent>> {
  const { sources } = await splitRecordings([BINANCE_CAPTURE], RECORDING_CODECS);
  if (sources.length !== 1) throw new Error(`${BINANCE_CAPTURE} is not a recording`);
  const events = sources[0].events;
  return (async function* (): AsyncGenerator<ReplayEvent> {
    yield* events;
  })();
}

/** Makes `clock` follow the data: each published event first moves it to the event's time. */
export function followDataClock(sim: Simulator, clock: ManualClock): void {
  const push = sim.market.push.bind(sim.market);
  sim.market.push = (event: ReplayEvent): void => {
    clock.set(Math.max(clock.now(), Math.floor(event.ts / 1000)));
    push(event);
  };
}
