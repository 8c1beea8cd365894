/**
 * Live session throughput (issue 16): market events per second through a `LiveRuntime` — a feed
 * pushing trades into the two-lane inbox at `--rate` per second (10 ms batches; `--rate 0`: as
 * fast as the session takes them) — how many the inbox had to drop, and, with `--orders N`,
 * orders flowing at the same time.
 *
 * - `--orders 0`: the market path alone, as first measured: paper execution, SmaCross on 1m
 *   bars built from the trades, the candle venue walking each bar.
 * - `--orders N` (default 10): a strategy on the trades (so every trade also updates our book
 *   and marks the position) that every 1/N s cancels its resting order and places a new one (a
 *   limit buy 10 % under the simulator's book, so it rests) against the simulator — Bybit
 *   protocol, in a worker of its own, through the Bybit connector's REST client with its real
 *   rate limiter (10 creates and 10 cancels per second per account, which is why N defaults to
 *   10), the private stream and start-up reconciliation. The simulator's ledger is checked at
 *   the end: every placement once, no client id twice.
 *
 * Bars are built from the trades in both modes. Prints one line per figure:
 * `deno run -A bench/live_session.ts [--events N] [--rate N] [--orders N]`.
 *
 * @module
 */

import { RateLimiter } from "../connectors/bybit/rate_limit.ts";
import { loadMarkets } from "../lib/backtest/markets.ts";
import type { MarketStream } from "../lib/broker/mod.ts";
import type { JsonValue, Trade } from "../lib/domain/mod.ts";
import { WallClock } from "../lib/engine/mod.ts";
import type { Event } from "../lib/events/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { type LiveExecution, LiveRuntime } from "../lib/live/mod.ts";
import { Random } from "../lib/data/mod.ts";
import { builtinStrategies, type Strategy, type StrategyContext } from "../lib/strategies/mod.ts";
import { bybitLive, SimulatorWorker } from "./_live_simulator_client.ts";

import { flag } from "./_flags.ts";

const EVENTS = Number(flag("events", "1000000"));
// Events per second the feed offers (0: as fast as the consumer takes them).
const RATE = Number(flag("rate", "50000"));
const ORDERS = Number(flag("orders", "10"));
const clock = new WallClock();
const SYMBOL = "bybit:BTCUSDT";
// The simulator's book is seeded around this price; the walk starts there too.
const START_PRICE = 50_000;
const KEY = { apiKey: "session-bench", apiSecret: "session-bench-secret" };

/**
 * Trades at `rate` per second (in 10 ms batches), or as fast as the consumer takes them with
 * `rate` 0 (batches of 500), stamped with the wall clock.
 */
function firehose(count: number, rate: number, pace: { behindMs: number }): MarketStream {
  const random = new Random(7);
  let closed = false;
  return {
    venue: "bybit",
    subscribe: () => Promise.resolve(),
    async *events(): AsyncIterable<Event> {
      let price = START_PRICE;
      const turn = new MessageChannel();
      const batch = Math.max(1, Math.round((rate > 0 ? rate : 50_000) / 100));
      const start = clock.now();
      const began = performance.now();
      try {
        for (let i = 0; i < count && !closed; i++) {
          // Paced: event i is due at i / rate seconds; wait when ahead of that. Each batch gives
          // the event loop a turn even when behind, as frames off a socket do: otherwise this
          // promise chain would starve the REST answers and the private stream. (A message on a
          // channel is that turn without a timer's millisecond.)
          if (i % batch === 0) {
            const ahead = rate > 0 ? (i / rate) * 1000 - (performance.now() - began) : 0;
            if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
            else {
              await new Promise((resolve) => {
                turn.port1.onmessage = resolve;
                turn.port2.postMessage(0);
              });
            }
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
        if (rate > 0) pace.behindMs = performance.now() - began - (count / rate) * 1000;
      } finally {
        turn.port1.close();
      }
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}

/** What the place/cancel strategy did. */
interface Churn {
  placed: number;
  cancels: number;
  trades: number;
}

/**
 * Every `periodMs`: cancels its working orders and places one limit buy 10 % under the
 * simulator's book (it rests). The first timer is set on the first trade.
 */
function placeAndCancel(periodMs: number, churn: Churn): Strategy {
  let armed = false;
  const price = Math.round(START_PRICE * 0.9);
  return {
    name: "PlaceAndCancel",
    subscriptions: [{ kind: "trades", symbol: SYMBOL }],
    onTrade(_trade: Trade, ctx: StrategyContext): void {
      churn.trades++;
      if (armed) return;
      armed = true;
      ctx.setTimer(ctx.now + periodMs * 1000, "churn");
    },
    onTimer(tag: string, ctx: StrategyContext): void {
      if (tag !== "churn") return;
      for (const order of ctx.openOrders(SYMBOL)) {
        if (order.status === "accepted") {
          ctx.cancelOrder(SYMBOL, order.request.clientOrderId);
          churn.cancels++;
        }
      }
      const id = ctx.submitOrder({
        symbol: SYMBOL,
        side: "buy",
        type: "limit",
        quantity: 0.001,
        price,
      });
      if (id !== undefined) churn.placed++;
      ctx.setTimer(ctx.now + periodMs * 1000, "churn");
    },
    snapshot: (): JsonValue => ({ ...churn }),
    restore(): void {},
  };
}

const churn: Churn = { placed: 0, cancels: 0, trades: 0 };
const refusals: string[] = [];
// How far the feed was behind its schedule when it ended (ms): a session that cannot keep up
// slows the feed, which shares its thread, instead of always filling the inbox.
const pace = { behindMs: 0 };
const withOrders = ORDERS > 0;
let worker: SimulatorWorker | undefined;
let execution: LiveExecution = { kind: "paper" };
if (withOrders) {
  worker = new SimulatorWorker();
  const address = await worker.start(KEY);
  // Bybit's documented limits at this process's full share.
  execution = (await bybitLive(address, KEY, {
    limiter: (limiterClock) => new RateLimiter({ share: 1, clock: limiterClock }),
  })).execution;
}

const runtime = new LiveRuntime({
  strategy: withOrders
    ? placeAndCancel(1000 / ORDERS, churn)
    : builtinStrategies.create("SmaCross", {
      symbol: SYMBOL,
      interval: "1m",
      fast_period: 3,
      slow_period: 8,
      min_samples: 8,
    }),
  instruments: await loadMarkets("config/markets.toml"),
  initialBalances: { USDT: 100_000 },
  reportingCurrency: "USDT",
  sizer: fixedQuantity(0.001),
  risk: { maxDrawdown: 0.5 },
  clock,
  dataInterval: "1m",
  feeds: [firehose(EVENTS, RATE, pace)],
  buildCandles: true,
  orderVenue: execution,
  maxEvents: EVENTS,
  // Cancel what rests at the end, so the ledger shows every order closed.
  cancelOnShutdown: withOrders,
  onEvent: (event) => {
    if (event.kind === "refusal") refusals.push(event.refusal.rule);
  },
});
const started = performance.now();
const summary = await runtime.run();
const seconds = (performance.now() - started) / 1000;
const stats = runtime.inbox.stats;
const offered = RATE === 0 ? "as fast as taken" : `${RATE.toLocaleString("en-US")}/s`;
const load = Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
const mode = !withOrders
  ? "paper, SmaCross on 1m bars built from trades, no orders"
  : `live execution against the simulator (Bybit), a place/cancel every ${
    Math.round(1000 / ORDERS)
  } ms`;
console.log(
  `live session (${mode}), offered ${offered}, load average ${load}: ${summary.feed.events} events in ${
    seconds.toFixed(2)
  } s = ${Math.round(summary.feed.events / seconds).toLocaleString("en-US")} events/s, ` +
    `${summary.feed.candles} bars, ${stats.droppedTrades} trades dropped, ${stats.waited} pushes waited${
      RATE > 0 && pace.behindMs > 50
        ? `; the feed ended ${
          Math.round(pace.behindMs)
        } ms behind its schedule (the session, on the same thread, could not take the offered rate)`
        : ""
    }`,
);
if (withOrders) {
  console.log(
    `orders: ${churn.placed} placed and ${churn.cancels} cancels sent = ${
      ((churn.placed + churn.cancels) / seconds).toFixed(1)
    } requests/s while the market ran; ${summary.orders} orders in our OMS, ${summary.fills} fills, ${refusals.length} refusals${
      refusals.length === 0 ? "" : ` (${[...new Set(refusals)].join(", ")})`
    }`,
  );
}
if (worker !== undefined) {
  // Requests still in flight at the stop land before the ledger is read.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const ledger = await worker.stop();
  const lost = summary.orders - ledger.orders;
  console.log(
    `simulator ledger: ${ledger.orders} orders (${ledger.clientIds} client ids), by status ${
      JSON.stringify(ledger.byStatus)
    }, ${ledger.fills} fills; ${
      lost === 0 ? "none lost" : `${lost} placed here but not at the venue`
    }${
      ledger.clientIds === ledger.orders ? ", no client id twice" : ", A CLIENT ID WAS PLACED TWICE"
    }`,
  );
}
