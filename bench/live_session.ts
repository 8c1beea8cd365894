/**
 * Live session throughput: market events per second through a paper `LiveRuntime` — a feed
 * pushing trades into the two-lane inbox as fast as it can, bars of 1m built from them, SmaCross
 * on the bars, the candle venue walking each bar — and how many the inbox had to drop. Prints one
 * line per figure: `deno run -A bench/live_session.ts [--events N] [--rate N]` (`--rate 0`: as
 * fast as the session takes them, which then measures its ceiling and the drops beyond it).
 *
 * @module
 */

import { loadMarkets } from "../lib/backtest/markets.ts";
import type { MarketStream } from "../lib/broker/mod.ts";
import { WallClock } from "../lib/engine/mod.ts";
import type { Event } from "../lib/events/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { LiveRuntime } from "../lib/live/mod.ts";
import { Random } from "../lib/data/mod.ts";
import { builtinStrategies } from "../lib/strategies/mod.ts";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const EVENTS = flag("events", 1_000_000);
// Events per second the feed offers (0: as fast as the consumer takes them).
const RATE = flag("rate", 50_000);
const clock = new WallClock();
const SYMBOL = "bybit:BTCUSDT";

/**
 * Trades at `rate` per second (in 10 ms batches), or as fast as the consumer takes them with
 * `rate` 0, stamped with the wall clock.
 */
function firehose(count: number, rate: number): MarketStream {
  const random = new Random(7);
  let closed = false;
  return {
    venue: "bybit",
    subscribe: () => Promise.resolve(),
    async *events(): AsyncIterable<Event> {
      let price = 25_000;
      const start = clock.now();
      const began = performance.now();
      for (let i = 0; i < count && !closed; i++) {
        // Paced: event i is due at i / rate seconds; wait when ahead of that.
        if (rate > 0 && i % Math.max(1, Math.round(rate / 100)) === 0) {
          const ahead = (i / rate) * 1000 - (performance.now() - began);
          if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
        }
        price = Math.round(price * Math.exp(0.0005 * random.normal()) * 10) / 10;
        // Stamped now, as a venue stamps its trades (bars then close on the session clock).
        const ts = Math.max(start + i, clock.now());
        yield {
          kind: "trade",
          ts,
          tsRecv: ts,
          trade: { symbol: SYMBOL, price, quantity: 0.01, side: i % 2 === 0 ? "buy" : "sell" },
        };
      }
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}

const runtime = new LiveRuntime({
  strategy: builtinStrategies.create("SmaCross", {
    symbol: SYMBOL,
    interval: "1m",
    fast_period: 3,
    slow_period: 8,
    min_samples: 8,
  }),
  instruments: await loadMarkets("config/markets.toml"),
  initialBalances: { USDT: 10_000 },
  reportingCurrency: "USDT",
  sizer: fixedQuantity(0.01),
  risk: { maxDrawdown: 0.5 },
  clock,
  dataInterval: "1m",
  feeds: [firehose(EVENTS, RATE)],
  buildCandles: true,
  orderVenue: { kind: "paper" },
  maxEvents: EVENTS,
});
const started = performance.now();
const summary = await runtime.run();
const seconds = (performance.now() - started) / 1000;
const stats = runtime.inbox.stats;
console.log(
  `live session (paper, SmaCross on 1m bars built from trades), offered ${
    RATE === 0 ? "as fast as taken" : `${RATE.toLocaleString("en-US")}/s`
  }: ${summary.feed.events} events in ${seconds.toFixed(2)} s = ${
    Math.round(summary.feed.events / seconds).toLocaleString("en-US")
  } events/s, ` +
    `${summary.feed.candles} bars, ${summary.fills} fills, ${stats.droppedTrades} trades dropped, ` +
    `${stats.waited} pushes waited`,
);
