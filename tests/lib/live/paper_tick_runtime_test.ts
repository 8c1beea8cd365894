/**
 * Paper execution with tick matching: a live session whose orders meet the tick matching
 * engine fed by the live books and trades on their receive times ends with exactly the fills
 * a tick backtest gives on the events it received (`venueClock: "receive"`), timers, amends
 * and resting orders included.
 */

import assert from "node:assert/strict";
import { runTickBacktest } from "../../../lib/backtest/tick/mod.ts";
import type { TimedFill } from "../../../lib/trader/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { LiveRuntime } from "../../../lib/live/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";
import { constantLatency, type LatencyModel } from "../../../lib/venues/mod.ts";
import { instruments, settle, START } from "./_paper.ts";
import { BookScript, ScriptedFeed } from "./_scripted_feed.ts";

const SYMBOL = "bybit:BTCUSDT";

const MM_PARAMS = {
  symbol: SYMBOL,
  gamma: 0.5,
  infinite_horizon: true,
  horizon_secs: 60,
  order_quantity: 0.01,
  max_inventory: 0.05,
  refresh_ms: 230,
  min_spread_ticks: 1,
  sample_ms: 50,
  volatility_half_life: 60,
  intensity_window: 500,
  depth_ticks: 10,
  min_samples: 20,
} as const;

function view(fills: readonly TimedFill[]) {
  return fills.map(({ ts, fill }) => ({
    ts,
    id: fill.tradeId,
    order: fill.clientOrderId,
    side: fill.side,
    price: fill.price.toString(),
    quantity: fill.quantity.toString(),
    fee: fill.fee.toString(),
    liquidity: fill.liquidity,
  }));
}

async function paperSession(latencyUs: number, steps: number, seed: number, maxEvents?: number) {
  const clock = new ManualClock(START);
  const feed = new ScriptedFeed("bybit");
  const markets = await instruments();
  const latency = constantLatency({ entry: latencyUs, response: latencyUs });
  const runtime = new LiveRuntime({
    strategy: builtinStrategies.create("AvellanedaStoikov", MM_PARAMS),
    instruments: markets,
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    clock,
    sleeper: clock,
    receiveClock: () => clock.now(),
    dataInterval: "1m",
    feeds: [feed],
    buildCandles: false,
    orderVenue: { kind: "paper", matching: "tick", tick: { latency } },
    ...(maxEvents === undefined ? {} : { maxEvents }),
  });
  const done = runtime.run();
  let finished = false;
  done.then(() => finished = true, () => finished = true);
  await settle();
  const script = new BookScript(SYMBOL, 50_000, 0.1, seed);
  // The exchange stamps 3 ms before we receive: the paper venue goes by the receive time.
  feed.emit(script.snapshot(clock.now() - 3_000, clock.now()));
  await settle();
  let jitter = seed;
  for (let i = 0; i < steps && !finished; i++) {
    jitter = (jitter * 1103515245 + 12345) % 2147483648;
    clock.advance(20_000 + (jitter % 40_000));
    feed.emit(script.step(clock.now() - 3_000, clock.now()));
    await settle();
  }
  runtime.stop("test done");
  for (let i = 0; i < 100 && !finished; i++) {
    clock.advance(1_000);
    await settle();
  }
  const summary = await done;
  const end = runtime.paperEndTime;
  assert.ok(end !== undefined);
  return { runtime, summary, feed, end, markets, latency };
}

Deno.test("paper tick matching: the --max-events bound ends at a receive time, and the replay of what was received until then gives the same fills", async () => {
  const { runtime, summary, feed, end, latency } = await paperSession(7_000, 900, 5, 400);
  assert.equal(summary.ended, "bound");
  assert.equal(summary.feed.events, 400);
  const live = view(runtime.session.fills);
  assert.ok(live.length >= 3, `the market maker should trade (fills: ${live.length})`);
  // A recording ends at the bound's receive time: what came later was not handled.
  const received = feed.delivered.filter((e) => e.tsRecv <= end);
  assert.ok(received.length < feed.delivered.length);
  const replay = await replayOf({ delivered: received }, end, latency, "receive");
  assert.deepEqual(view(replay.bundle.fills), live);
});

/** A tick backtest of what the session received, on `venueClock`, ending where it ended. */
async function replayOf(
  feed: Pick<ScriptedFeed, "delivered">,
  end: number,
  latency: LatencyModel,
  venueClock: "receive" | "exchange",
) {
  return await runTickBacktest({
    strategy: builtinStrategies.create("AvellanedaStoikov", MM_PARAMS),
    params: MM_PARAMS,
    instruments: await instruments(),
    sources: [{ name: "live session", events: feed.delivered }],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    latency,
    venueClock,
    end,
  });
}

for (const latencyUs of [0, 7_000]) {
  Deno.test(`paper tick matching (latency ${latencyUs} µs): the live session's fills equal a receive-time tick replay of what it received`, async () => {
    const { runtime, summary, feed, end, latency } = await paperSession(
      latencyUs,
      600,
      11,
    );
    assert.equal(summary.ended, "stopped");
    const live = view(runtime.session.fills);
    assert.ok(live.length >= 6, `the market maker should trade (fills: ${live.length})`);
    assert.ok(live.some((f) => f.liquidity === "maker"), "resting quotes should fill");
    const replay = await replayOf(feed, end, latency, "receive");
    assert.deepEqual(view(replay.bundle.fills), live);
    assert.equal(replay.report.settings.tick !== undefined, true);
  });
}

Deno.test("paper tick matching: with the exchange's clock instead, the same events give other fills (the rule matters)", async () => {
  const { runtime, feed, end, latency } = await paperSession(7_000, 600, 11);
  const replay = await replayOf(feed, end, latency, "exchange");
  assert.notDeepEqual(view(replay.bundle.fills), view(runtime.session.fills));
});

Deno.test("paper tick matching refuses a feed without books (the sandbox's trades-only walk)", async () => {
  const clock = new ManualClock(START);
  const markets = await instruments();
  assert.throws(
    () =>
      new LiveRuntime({
        strategy: builtinStrategies.create("AvellanedaStoikov", MM_PARAMS),
        instruments: markets,
        initialBalances: { USDT: 10_000 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.01),
        clock,
        sleeper: clock,
        dataInterval: "1m",
        feeds: [new ScriptedFeed("bybit")],
        buildCandles: true,
        orderVenue: { kind: "paper", matching: "tick" },
      }),
    /paper tick matching needs a feed with order books/,
  );
});
