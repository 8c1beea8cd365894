import assert from "node:assert/strict";
import { ConfigError } from "../../../../lib/domain/mod.ts";
import { ManualClock } from "../../../../lib/engine/mod.ts";
import { Alerter, type AlerterOptions } from "../../../../lib/live/ops/alerts.ts";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";
import { recordingLog } from "./_log.ts";
import { startReceiver } from "./_receiver.ts";

const THRESHOLDS = { maxDataGapSecs: 300, maxOrderFailures: 3, maxDrawdown: 0.03 } as const;
const FAST_RETRY = { attempts: 4, baseMs: 5, capMs: 20 } as const;

function logOnly(extra: Partial<AlerterOptions> = {}) {
  const recorded = recordingLog();
  const clock = new ManualClock(Date.UTC(2026, 11, 2) * 1000);
  const alerter = new Alerter({
    thresholds: THRESHOLDS,
    clock,
    log: recorded.log,
    strategy: "sma",
    ...extra,
  });
  const codes = (): string[] =>
    recorded.lines.filter((line) => line.message.startsWith("alert: ")).map((line) =>
      String(line.properties.code)
    );
  return { alerter, clock, codes, recorded };
}

Deno.test("Alerter.observeDataGap alerts once past max_data_gap_secs, says when data is back, and re-arms", async () => {
  const { alerter, codes, recorded } = logOnly();
  alerter.observeDataGap(300, "bybit:BTCUSDT"); // at the limit: not yet
  alerter.observeDataGap(301, "bybit:BTCUSDT");
  alerter.observeDataGap(350, "bybit:BTCUSDT");
  alerter.observeDataGap(2, "bybit:BTCUSDT");
  alerter.observeDataGap(400, "bybit:BTCUSDT");
  alerter.observeDataGap(400, "bybit:ETHUSDT"); // another symbol has its own state
  assert.deepEqual(codes(), ["data-gap", "data-gap-resolved", "data-gap", "data-gap"]);
  const first = recorded.lines[0];
  assert.equal(first.level, "error");
  assert.equal(first.message, "alert: no market data on bybit:BTCUSDT for 301 s (limit 300 s)");
  assert.equal(first.properties.symbol, "bybit:BTCUSDT");
  await alerter.close();
});

Deno.test("Alerter.orderFailed alerts when the streak reaches max_order_failures; a success resets it", async () => {
  const { alerter, codes, recorded } = logOnly();
  alerter.orderFailed("timeout");
  alerter.orderFailed("timeout");
  alerter.orderSucceeded();
  alerter.orderFailed("rejected");
  alerter.orderFailed("rate-limit");
  assert.deepEqual(codes(), [], "2 + 2 failures with a success between are no streak of 3");
  alerter.orderFailed("unavailable", "HTTP 503");
  alerter.orderFailed("unavailable");
  assert.deepEqual(codes(), ["order-failures"]);
  assert.equal(
    recorded.lines[0].message,
    "alert: 3 order requests failed in a row (limit 3); last: unavailable (HTTP 503)",
  );
  alerter.orderSucceeded();
  for (let i = 0; i < 3; i++) alerter.orderFailed("timeout");
  assert.deepEqual(codes(), ["order-failures", "order-failures"]);
  await alerter.close();
});

Deno.test("Alerter.observeDrawdown alerts at max_drawdown and re-arms only under 80% of it", async () => {
  const { alerter, codes, recorded } = logOnly();
  alerter.observeDrawdown(0.029);
  alerter.observeDrawdown(0.031);
  alerter.observeDrawdown(0.025); // under the limit but above 80% of it: still armed off
  alerter.observeDrawdown(0.032);
  assert.deepEqual(codes(), ["drawdown"]);
  assert.equal(recorded.lines[0].message, "alert: drawdown 3.10% reached the limit of 3.00%");
  alerter.observeDrawdown(0.02);
  alerter.observeDrawdown(0.03);
  assert.deepEqual(codes(), ["drawdown", "drawdown"]);
  await alerter.close();
});

Deno.test("Alerter.observeDisconnect alerts on a storm within the window, not on spread-out disconnects", async () => {
  const { alerter, clock, codes, recorded } = logOnly({
    thresholds: { ...THRESHOLDS, disconnectStorm: { count: 3, windowSecs: 60 } },
  });
  for (let i = 0; i < 4; i++) {
    alerter.observeDisconnect("market", "bybit");
    clock.advance(61_000_000); // each one outside the previous one's window
  }
  assert.deepEqual(codes(), []);
  alerter.observeDisconnect("market", "bybit");
  clock.advance(10_000_000);
  alerter.observeDisconnect("execution", "bybit");
  clock.advance(10_000_000);
  alerter.observeDisconnect("market", "bybit");
  alerter.observeDisconnect("market", "bybit"); // same storm: no second alert
  assert.deepEqual(codes(), ["disconnect-storm"]);
  assert.equal(
    recorded.lines[0].message,
    "alert: 3 disconnects within 60 s (last: market on bybit)",
  );
  clock.advance(61_000_000);
  for (let i = 0; i < 3; i++) alerter.observeDisconnect("market");
  assert.deepEqual(codes(), ["disconnect-storm", "disconnect-storm"], "a quiet window re-arms it");
  await alerter.close();
});

Deno.test("Alerter.observeReconciliation alerts on a mismatch once and says when it is resolved", async () => {
  const { alerter, codes, recorded } = logOnly();
  alerter.observeReconciliation(0);
  alerter.observeReconciliation(2, "position bybit:BTCUSDT 0.5 vs venue 0.4");
  alerter.observeReconciliation(1);
  alerter.observeReconciliation(0);
  assert.deepEqual(codes(), ["reconciliation-mismatch", "reconciliation-resolved"]);
  assert.equal(
    recorded.lines[0].message,
    "alert: reconciliation found 2 difference(s) with the venue; trading is halted: position bybit:BTCUSDT 0.5 vs venue 0.4",
  );
  await alerter.close();
});

Deno.test("Alerter without a webhook only logs, and counts the alerts as logged", async () => {
  const metrics = new LiveMetrics();
  const { alerter, recorded } = logOnly({ metrics });
  assert.equal(alerter.hasWebhook, false);
  alerter.notify({ code: "kill-switch", severity: "critical", text: "kill switch tripped" });
  assert.equal(recorded.lines.length, 1);
  assert.match(await metrics.text(), /tesser_alerts_total\{outcome="logged"\} 1/);
  await alerter.close();
});

Deno.test("Alerter POSTs JSON with a human text field and retries a receiver that fails twice", async () => {
  const receiver = startReceiver([500, 503, 200]);
  const metrics = new LiveMetrics();
  const { log, text } = recordingLog();
  const alerter = new Alerter({
    webhookUrl: receiver.url,
    thresholds: THRESHOLDS,
    strategy: "sma_btc",
    log,
    retry: FAST_RETRY,
    metrics,
  });
  alerter.observeDataGap(400, "bybit:BTCUSDT");
  await alerter.idle();
  assert.equal(receiver.bodies.length, 3, "two failures, then the delivery");
  const body = receiver.bodies[2];
  assert.equal(
    body.text,
    "[CRITICAL] tesser sma_btc: no market data on bybit:BTCUSDT for 400 s (limit 300 s)",
  );
  assert.equal(body.code, "data-gap");
  assert.equal(body.severity, "critical");
  assert.equal(body.strategy, "sma_btc");
  assert.deepEqual(body.fields, { gapSecs: 400, limitSecs: 300, symbol: "bybit:BTCUSDT" });
  assert.ok(!Number.isNaN(Date.parse(String(body.at))));
  assert.deepEqual(receiver.bodies[0], body, "every attempt sends the same body");
  assert.equal(alerter.delivered, 1);
  assert.match(await metrics.text(), /tesser_alerts_total\{outcome="delivered"\} 1/);
  assert.ok(
    !text().includes(receiver.url) && !text().includes("SECRET"),
    "the URL is never logged",
  );
  await alerter.close();
  await receiver.close();
});

Deno.test("Alerter gives up after the last attempt, counts the failure and never logs the URL", async () => {
  // A port nobody listens on: take one from a server and close it.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const url = `http://127.0.0.1:${port}/services/T0SECRET/B0SECRET`;
  const metrics = new LiveMetrics();
  const { log, lines, text } = recordingLog();
  const alerter = new Alerter({
    webhookUrl: url,
    thresholds: THRESHOLDS,
    log,
    retry: FAST_RETRY,
    metrics,
  });
  alerter.notify({ code: "test", severity: "warning", text: "hello" });
  await alerter.idle();
  const failures = lines.filter((line) => line.message.startsWith("alert webhook failed"));
  assert.equal(failures.length, 4);
  assert.equal(failures[3].message, "alert webhook failed; giving up on this alert");
  assert.match(String(failures[0].properties.reason), /\[redacted\]|connect|refused/i);
  assert.ok(!text().includes("SECRET"), `the URL leaked: ${text()}`);
  assert.match(await metrics.text(), /tesser_alerts_total\{outcome="failed"\} 1/);
  await alerter.close();
});

Deno.test("Alerter does not retry a receiver's 4xx refusal", async () => {
  const receiver = startReceiver([404]);
  const { log } = recordingLog();
  const alerter = new Alerter({
    webhookUrl: receiver.url,
    thresholds: THRESHOLDS,
    log,
    retry: FAST_RETRY,
  });
  alerter.notify({ code: "test", severity: "info", text: "hello" });
  await alerter.idle();
  assert.equal(receiver.bodies.length, 1);
  await alerter.close();
  await receiver.close();
});

Deno.test("Alerter.notify never waits: with a hanging receiver a full queue drops and counts alerts", async () => {
  const receiver = startReceiver(["hang"]);
  const metrics = new LiveMetrics();
  const { log, lines } = recordingLog();
  const alerter = new Alerter({
    webhookUrl: receiver.url,
    thresholds: THRESHOLDS,
    log,
    retry: FAST_RETRY,
    queueCapacity: 2,
    timeoutMs: 60_000,
    metrics,
  });
  const started = performance.now();
  alerter.notify({ code: "a", severity: "info", text: "first" }); // taken by the loop at once
  await receiver.received(1);
  for (const code of ["b", "c", "d", "e"]) alerter.notify({ code, severity: "info", text: code });
  assert.ok(performance.now() - started < 1_000, "notify returned while the receiver hung");
  assert.equal(alerter.dropped, 2, "two queued behind the hanging one, two dropped");
  assert.equal(
    lines.filter((line) => line.message.startsWith("alert: ")).length,
    5,
    "all are logged",
  );
  assert.match(await metrics.text(), /tesser_alerts_dropped_total 2/);
  await alerter.close(50); // bounded: aborts the hanging request
  await receiver.close();
});

Deno.test("Alerter refuses a webhook URL that is not http(s) without echoing it", () => {
  assert.throws(
    () => new Alerter({ webhookUrl: "ftp://secret-host/hook", thresholds: THRESHOLDS }),
    (error: unknown) =>
      error instanceof ConfigError && /webhook_url is not an http\(s\) URL/.test(error.message) &&
      !error.message.includes("secret-host"),
  );
  assert.throws(
    () => new Alerter({ thresholds: { ...THRESHOLDS, maxOrderFailures: 0 } }),
    /live.alerting.max_order_failures must be positive, got 0/,
  );
});
