import assert from "node:assert/strict";
import { ManualClock } from "../../../lib/engine/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { DataGapWatch, marketDataSymbol } from "../../../lib/live/supervised_data_gap.ts";
import { Alerter } from "../../../lib/live/ops/alerts.ts";
import { LiveMetrics } from "../../../lib/live/ops/metrics.ts";
import { recordingLog } from "./ops/_log.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("DataGapWatch: a symbol silent past the limit raises data-gap once, data back resolves it, the gauge shows the largest gap", async () => {
  const clock = new ManualClock(0);
  const { log, lines } = recordingLog();
  const metrics = new LiveMetrics({ strategy: "gap" });
  const alerter = new Alerter({
    thresholds: { maxDataGapSecs: 2, maxOrderFailures: 3, maxDrawdown: 0.5 },
    clock,
    log,
    metrics,
  });
  const watch = new DataGapWatch({
    clock,
    sleeper: clock,
    symbols: ["bybit:BTCUSDT", "bybit:ETHUSDT"],
    limitSecs: 2,
    alerter,
    metrics,
  });
  clock.advance(60_000_000); // a slow start-up is no gap: the watch starts with the feeds
  watch.start();
  for (let i = 1; i <= 10; i++) {
    clock.advance(250_000); // the checks run every 500 ms: a quarter of the limit
    watch.seen("bybit:BTCUSDT", clock.now()); // BTC trades all along, ETH is silent
    await settle();
  }
  const raised = lines.filter((l) => /^alert:/.test(l.message));
  assert.equal(raised.length, 1, JSON.stringify(raised));
  // Raised by the first check after the gap passed the limit.
  assert.equal(raised[0].message, "alert: no market data on bybit:ETHUSDT for 2.5 s (limit 2 s)");
  assert.match(await metrics.text(), /tesser_data_gap_seconds\{strategy="gap"\} 2\.5/);
  watch.seen("bybit:ETHUSDT", clock.now());
  clock.advance(500_000);
  await settle();
  const after = lines.filter((l) => /^alert:/.test(l.message)).map((l) => l.message);
  assert.deepEqual(after.slice(1), ["alert: market data on bybit:ETHUSDT is flowing again"]);
  await watch.stop();
  await alerter.close();
});

Deno.test("marketDataSymbol: market data has a symbol, connectivity notices do not count", () => {
  const trade: Event = {
    kind: "trade",
    ts: 0,
    tsRecv: 0,
    trade: { symbol: "bybit:BTCUSDT", price: 1, quantity: 1, side: "buy" },
  };
  assert.equal(marketDataSymbol(trade), "bybit:BTCUSDT");
  assert.equal(
    marketDataSymbol({
      kind: "connectivity",
      ts: 0,
      tsRecv: 0,
      channel: "market",
      venue: "bybit",
      state: "up",
      symbol: "bybit:BTCUSDT",
    }),
    undefined,
  );
});

Deno.test("DataGapWatch refuses a limit that is not positive", () => {
  const clock = new ManualClock(0);
  assert.throws(
    () =>
      new DataGapWatch({
        clock,
        sleeper: clock,
        symbols: [],
        limitSecs: 0,
        alerter: { observeDataGap() {} },
      }),
    /limitSecs must be positive, got 0/,
  );
});
