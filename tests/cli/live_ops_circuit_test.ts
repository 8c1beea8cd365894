/**
 * The ops wiring of `tesser live run` (cli/_live_ops.ts) when a feed's link fails for good: its
 * supervised task opens the circuit (compressed time: 5 ms doubling to 20 ms, 3 failures), the
 * `circuit-open` alert reaches a local webhook receiver, trading goes reducing-only, `/health`
 * answers 503 `failing` naming the task, an operator's resume is refused with the reason — and the
 * process stays up for inspection.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startLiveOps } from "../../cli/_live_ops.ts";
import { LIVE_FLAGS, resolveLiveSettings } from "../../cli/_live_settings.ts";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { parseFlags } from "../../cli/usage_error.ts";
import type { MarketStream, MarketSubscription } from "../../lib/broker/mod.ts";
import { loadTesserConfig } from "../../lib/config/mod.ts";
import { WallClock, WallSleeper } from "../../lib/engine/mod.ts";
import { BoundedQueue, type Event } from "../../lib/events/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { loadMarkets } from "../../lib/backtest/markets.ts";
import { LiveRuntime } from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";
import { startReceiver } from "../lib/live/ops/_receiver.ts";
import { until } from "../_until.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** A feed whose link is lost after a few trades and never comes back. */
class LostFeed implements MarketStream {
  readonly venue = "bybit";
  readonly #queue = new BoundedQueue<Event>({ capacity: 100, policy: "backpressure" });

  subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    const now = Date.now() * 1000;
    for (let i = 0; i < 3; i++) {
      this.#queue.offer({
        kind: "trade",
        ts: now + i,
        tsRecv: now + i,
        trade: {
          symbol: subscriptions[0].symbol,
          price: 25_000 + i,
          quantity: 0.01,
          side: "buy",
          tradeId: `t${i}`,
        },
      });
    }
    this.#queue.offer({
      kind: "connectivity",
      ts: now + 5,
      tsRecv: now + 5,
      channel: "market",
      venue: "bybit",
      state: "down",
      reason: "connection refused",
    });
    return Promise.resolve();
  }

  events(): AsyncIterable<Event> {
    return this.#queue;
  }

  close(): Promise<void> {
    this.#queue.close();
    return Promise.resolve();
  }
}

Deno.test("live ops: a feed that never reconnects opens its circuit — alert to the webhook, reducing-only, /health 503, resume refused, the process stays up", async () => {
  const receiver = startReceiver([200]);
  const dir = await Deno.makeTempDir({ prefix: "tesser-live-circuit-" });
  const statePath = join(dir, "state.db");
  try {
    const { config } = loadTesserConfig({
      configDir: join(ROOT, "config"),
      environment: {},
    });
    const settings = resolveLiveSettings(
      parseFlags("live run", [
        "--metrics-addr",
        "127.0.0.1:0",
        "--state-path",
        statePath,
        "--log-path",
        join(dir, "live.json"),
        "--webhook-url",
        receiver.url,
        "--alert-max-data-gap-secs",
        "1",
      ], LIVE_FLAGS),
      config,
    );
    const ops = await startLiveOps(settings, "circuit", [], () => {}, {
      baseMs: 5,
      capMs: 20,
      maxFailures: 3,
      reconnectAllowanceMs: 0,
    });
    let runtime: LiveRuntime | undefined;
    let done: Promise<unknown> | undefined;
    try {
      const clock = new WallClock();
      runtime = new LiveRuntime({
        strategy: builtinStrategies.create("SmaCross", {
          symbol: "bybit:BTCUSDT",
          interval: "1m",
          fast_period: 3,
          slow_period: 8,
          min_samples: 8,
        }),
        instruments: await loadMarkets(join(ROOT, "config/markets.toml")),
        initialBalances: { USDT: 10_000 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.01),
        clock,
        sleeper: new WallSleeper(clock),
        dataInterval: "1m",
        feeds: ops.superviseFeeds(
          [{ venue: "bybit", create: () => new LostFeed() }],
          ["bybit:BTCUSDT"],
        ),
        buildCandles: true,
        orderVenue: ops.superviseExecution({ kind: "paper" }),
        log: ops.log,
        onEvent: ops.onEvent,
      });
      const addr = ops.attach(runtime);
      let ended = false;
      done = runtime.run().finally(() => ended = true);
      const live = runtime;
      await until(() => ops.supervisor.circuitOpen, "the circuit to open", 10_000);
      await until(
        () => live.session.oms.tradingState === "reducing-only",
        "the session to go reducing-only",
        10_000,
      );
      await until(
        () => receiver.bodies.some((b) => b.code === "circuit-open"),
        "the circuit alert at the webhook",
        10_000,
      );
      const alert = receiver.bodies.find((b) => b.code === "circuit-open");
      assert.match(
        String(alert?.text),
        /^\[CRITICAL\] tesser circuit: market:bybit: 3 failed restarts within 10 min \(last: connection refused\); circuit open, trading is reducing-only, the process stays up for inspection$/,
      );
      const health = await fetch(`http://${addr}/health`);
      assert.equal(health.status, 503);
      const body = await health.json();
      assert.equal(body.status, "failing");
      assert.equal(body.checks["market:bybit"].state, "circuit-open");
      assert.equal(body.checks["market:bybit"].recentFailures, 3);
      // An operator cannot resume trading on a dead link.
      const io = recordingIo();
      assert.equal(await main(["live", "control", "resume", "--state-path", statePath], io), 1);
      assert.match(
        io.err.join("\n"),
        /resume refused: cannot resume: the circuit of market:bybit is open \(the link failed too often\); trading stays reducing-only — restart the process/,
      );
      assert.equal(live.session.oms.tradingState, "reducing-only");
      // The silent feed is a data gap too.
      await until(
        () => receiver.bodies.some((b) => b.code === "data-gap"),
        "the data-gap alert",
        5_000,
      );
      assert.equal(ended, false, "the process stays up for inspection");
    } finally {
      runtime?.stop("test done");
      await done;
      await ops.close();
    }
  } finally {
    await receiver.close();
    await Deno.remove(dir, { recursive: true });
  }
});
