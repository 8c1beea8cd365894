import assert from "node:assert/strict";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

Deno.test("LiveMetrics counts events and candles across scrapes without losing or double-counting any", async () => {
  const metrics = new LiveMetrics();
  for (let i = 0; i < 3; i++) metrics.event("trade");
  metrics.event("fill");
  metrics.candle();
  let text = await metrics.text();
  assert.equal(value(text, 'tesser_events_total{kind="trade"}'), 3);
  assert.equal(value(text, 'tesser_events_total{kind="fill"}'), 1);
  assert.equal(value(text, "tesser_candles_total"), 1);
  text = await metrics.text();
  assert.equal(value(text, 'tesser_events_total{kind="trade"}'), 3, "a second scrape adds nothing");
  metrics.event("trade");
  metrics.event("trade");
  metrics.candle();
  metrics.candle();
  text = await metrics.text();
  assert.equal(value(text, 'tesser_events_total{kind="trade"}'), 5);
  assert.equal(
    value(text, 'tesser_events_total{kind="fill"}'),
    1,
    "a kind stays listed at its total",
  );
  assert.equal(value(text, "tesser_candles_total"), 3);
});

Deno.test("LiveMetrics takes latencies in µs and exports seconds; clock skew counts as zero", async () => {
  const metrics = new LiveMetrics();
  metrics.tickToOrder(150);
  metrics.tickToOrder(700);
  metrics.feedLatency(-2_000);
  const text = await metrics.text();
  assert.equal(value(text, 'tesser_tick_to_order_seconds_bucket{le="0.0002"}'), 1);
  assert.equal(value(text, 'tesser_tick_to_order_seconds_bucket{le="0.001"}'), 2);
  assert.equal(value(text, "tesser_tick_to_order_seconds_sum"), 0.00085);
  assert.equal(value(text, "tesser_tick_to_order_seconds_count"), 2);
  assert.equal(value(text, 'tesser_feed_latency_seconds_bucket{le="0.001"}'), 1);
  assert.equal(value(text, "tesser_feed_latency_seconds_sum"), 0);
});

Deno.test("LiveMetrics gauges hold the last value and counters add", async () => {
  const metrics = new LiveMetrics();
  metrics.position("bybit:BTCUSDT", 0.5);
  metrics.position("bybit:BTCUSDT", 0);
  metrics.killSwitch(true);
  metrics.killSwitch(false);
  metrics.droppedMarketData(0);
  metrics.droppedMarketData(4);
  metrics.droppedMarketData(3);
  metrics.reconciliationDifferences(2);
  metrics.reconciliationDifferences(0);
  metrics.orderError("timeout");
  metrics.orderError("timeout");
  const text = await metrics.text();
  assert.equal(value(text, 'tesser_position{symbol="bybit:BTCUSDT"}'), 0);
  assert.equal(value(text, "tesser_kill_switch"), 0);
  assert.equal(value(text, "tesser_market_data_dropped_total"), 7);
  assert.equal(value(text, "tesser_reconciliation_differences"), 0);
  assert.equal(value(text, "tesser_reconciliation_differences_total"), 2);
  assert.equal(value(text, 'tesser_order_errors_total{kind="timeout"}'), 2);
  assert.ok(metrics.names().includes("tesser_tick_to_order_seconds"));
});

Deno.test("LiveMetrics: the external orders of the last pass are a gauge; what the unknown-order policy did adds up by action", async () => {
  const metrics = new LiveMetrics();
  metrics.reconciliationOrders({ external: 3, canceled: 2, adopted: 0 });
  metrics.reconciliationOrders({ external: 1, canceled: 1, adopted: 0 });
  metrics.reconciliationOrders({ external: 1, canceled: 0, adopted: 1 });
  const text = await metrics.text();
  assert.equal(value(text, "tesser_reconciliation_external_orders"), 1);
  assert.equal(value(text, 'tesser_reconciliation_unknown_orders_total{action="cancel"}'), 3);
  assert.equal(value(text, 'tesser_reconciliation_unknown_orders_total{action="adopt"}'), 1);
});
