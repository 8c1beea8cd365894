/**
 * The runtime feeds `tesser_tick_to_order_seconds` itself (issue 16): one sample per order
 * request sent in response to a market event, none for the requests a timer sends. A live
 * runtime against the Bybit simulator (127.0.0.1); the simulator's ledger says how many orders
 * reached the venue.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type Simulator, startSimulator } from "../../../connectors/simulator/simulator.ts";
import type { Trade } from "../../../lib/domain/mod.ts";
import { WallClock } from "../../../lib/engine/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { LiveRuntime } from "../../../lib/live/mod.ts";
import { LiveMetrics } from "../../../lib/live/ops/mod.ts";
import { type LiveStore, SqliteLiveStore } from "../../../lib/live/state/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { BTC } from "../trader/_fixtures.ts";
import { ScriptedFeed } from "./_scripted_feed.ts";
import { simExecutionClient } from "../../connectors/bybit/_sim_client.ts";

const KEY = { apiKey: "key-t2o", apiSecret: "secret-t2o" };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A market buy of 0.001 on every trade. */
function buyOnEachTrade(): Strategy {
  return {
    name: "t2o_each",
    subscriptions: [{ kind: "trades", symbol: BTC.symbol }],
    onTrade(_trade: Trade, ctx: StrategyContext): void {
      ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "market", quantity: 0.001 });
    },
    snapshot: () => null,
    restore: () => {},
  };
}

/** On the first trade, a timer 50 ms later; the timer buys (nothing else happens meanwhile). */
function buyOnTimer(): Strategy {
  let armed = false;
  return {
    name: "t2o_timer",
    subscriptions: [{ kind: "trades", symbol: BTC.symbol }],
    onTrade(_trade: Trade, ctx: StrategyContext): void {
      if (armed) return;
      armed = true;
      ctx.setTimer(ctx.now + 50_000, "buy");
    },
    onTimer(_tag: string, ctx: StrategyContext): void {
      ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "market", quantity: 0.001 });
    },
    snapshot: () => armed,
    restore: (state) => {
      armed = state === true;
    },
  };
}

/** A 3-slice TWAP over 0.6 s on the first trade: slices 2 and 3 are sent by timers. */
function twapOnFirstTrade(): Strategy {
  let sent = false;
  return {
    name: "t2o_twap",
    subscriptions: [{ kind: "trades", symbol: BTC.symbol }],
    executionHints: ["twap"],
    onTrade(_trade: Trade, ctx: StrategyContext): void {
      if (sent) return;
      sent = true;
      ctx.signal({
        symbol: BTC.symbol,
        kind: "enter-long",
        confidence: 1,
        hint: { kind: "twap", durationSecs: 0.6, slices: 3 },
      });
    },
    snapshot: () => sent,
    restore: (state) => {
      sent = state === true;
    },
  };
}

/** Runs `strategy` on `trades` trades, until `venueOrders` orders are at the venue. */
async function run(
  sim: Simulator,
  strategy: Strategy,
  trades: number,
  venueOrders: number,
  store?: LiveStore,
): Promise<{ samples: number[]; histogramCount: string }> {
  const client = simExecutionClient(sim, KEY);
  const feed = new ScriptedFeed("bybit");
  const metrics = new LiveMetrics({ strategy: strategy.name });
  const samples: number[] = [];
  const runtime = new LiveRuntime({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.003),
    clock: new WallClock(),
    dataInterval: "1m",
    feeds: [feed],
    buildCandles: true,
    ...(store === undefined ? {} : { store }),
    // No private channel: the REST answers are enough here.
    orderVenue: { kind: "venue", client },
    onTickToOrder: (micros) => {
      samples.push(micros);
      metrics.tickToOrder(micros);
    },
  });
  const running = runtime.run();
  try {
    const deadline = Date.now() + 10_000;
    while (runtime.session.oms.tradingState !== "active" && Date.now() < deadline) await sleep(5);
    for (let i = 0; i < trades; i++) {
      const now = Date.now() * 1000;
      feed.emit([{
        kind: "trade",
        ts: now,
        tsRecv: now,
        trade: {
          symbol: BTC.symbol,
          price: 50_000,
          quantity: 0.001,
          side: "buy",
          tradeId: `t${i}`,
        },
      }]);
      await sleep(20);
    }
    while (sim.ledger.orders().length < venueOrders && Date.now() < deadline) await sleep(10);
    // Anything more would be counted by now too.
    await sleep(100);
  } finally {
    runtime.stop();
    await running;
  }
  const count = (await metrics.text()).split("\n")
    .find((line) => line.startsWith("tesser_tick_to_order_seconds_count")) ?? "";
  return { samples, histogramCount: count.split(" ").at(-1) ?? "" };
}

Deno.test("live runtime: tick-to-order counts one sample per order sent on a market event", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const { samples, histogramCount } = await run(sim, buyOnEachTrade(), 3, 3);
    assert.equal(sim.ledger.orders().length, 3);
    assert.equal(samples.length, 3);
    assert.equal(histogramCount, "3");
    for (const micros of samples) assert.ok(micros >= 0 && micros < 1_000_000, `${micros} µs`);
  } finally {
    await sim.stop();
  }
});

Deno.test("live runtime: tick-to-order counts the held request of a committed session, not a timer's", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const dir = await Deno.makeTempDir();
  const store = SqliteLiveStore.open({ path: join(dir, "state.db"), lockKey: "bybit:t:BTCUSDT" });
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const { samples, histogramCount } = await run(sim, twapOnFirstTrade(), 1, 3, store);
    // Three slices at the venue: the first answered the trade, the others the TWAP's timers.
    assert.equal(sim.ledger.orders().length, 3);
    assert.equal(samples.length, 1);
    assert.equal(histogramCount, "1");
  } finally {
    store.close();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("live runtime: tick-to-order does not count an order a timer sent after a market event", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const { samples, histogramCount } = await run(sim, buyOnTimer(), 1, 1);
    assert.equal(sim.ledger.orders().length, 1);
    assert.deepEqual(samples, []);
    assert.equal(histogramCount, "0");
  } finally {
    await sim.stop();
  }
});
