import assert from "node:assert/strict";
import { ManualClock } from "../../../../lib/engine/mod.ts";
import { Alerter } from "../../../../lib/live/ops/alerts.ts";
import { healthReport } from "../../../../lib/live/ops/health.ts";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";
import { startOpsServer } from "../../../../lib/live/ops/server.ts";
import { Supervisor } from "../../../../lib/live/ops/supervisor.ts";
import { recordingLog } from "./_log.ts";
import { startReceiver } from "./_receiver.ts";

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("wired together: a feed that never connects opens its circuit, /health fails, the alert reaches the webhook, the metrics say so", async () => {
  const receiver = startReceiver([200]);
  const clock = new ManualClock(Date.UTC(2026, 11, 2) * 1000);
  const metrics = new LiveMetrics({ strategy: "wired" });
  const { log } = recordingLog();
  const alerter = new Alerter({
    webhookUrl: receiver.url,
    thresholds: { maxDataGapSecs: 300, maxOrderFailures: 3, maxDrawdown: 0.03 },
    strategy: "wired",
    metrics,
    log,
  });
  let reducingOnly = false;
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5,
    alerter,
    metrics,
    log,
    onCircuitOpen: () => reducingOnly = true,
  });
  const server = startOpsServer({
    addr: "127.0.0.1:0",
    metrics,
    health: () => healthReport(supervisor.status()),
    log,
  });
  try {
    supervisor.start({
      name: "market:bybit",
      run: () => Promise.reject(new Error("connection refused")),
    });
    await settle();
    let health = await fetch(`http://${server.addr}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "degraded");
    for (let i = 0; i < 12 && !supervisor.circuitOpen; i++) {
      clock.advance(60_000_000);
      await settle();
    }
    assert.equal(reducingOnly, true, "the runtime was told to go reducing-only");
    health = await fetch(`http://${server.addr}/health`);
    assert.equal(health.status, 503);
    const body = await health.json();
    assert.equal(body.status, "failing");
    assert.equal(body.checks["market:bybit"].state, "circuit-open");
    await receiver.received(1);
    await alerter.idle();
    assert.equal(receiver.bodies[0].code, "circuit-open");
    assert.match(
      String(receiver.bodies[0].text),
      /^\[CRITICAL\] tesser wired: market:bybit: 10 failed restarts/,
    );
    const text = await (await fetch(`http://${server.addr}/metrics`)).text();
    assert.match(text, /tesser_supervisor_circuit_open\{task="market:bybit",strategy="wired"\} 1/);
    assert.match(
      text,
      /tesser_supervisor_restarts_total\{task="market:bybit",strategy="wired"\} 9/,
    );
    assert.match(text, /tesser_alerts_total\{outcome="delivered",strategy="wired"\} 1/);
  } finally {
    await supervisor.stop();
    await alerter.close();
    await server.close();
    await receiver.close();
  }
});
