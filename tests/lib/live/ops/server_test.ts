import assert from "node:assert/strict";
import { ConfigError } from "../../../../lib/domain/mod.ts";
import type { OpsAlert } from "../../../../lib/live/ops/alerts.ts";
import {
  type ControlHandlers,
  ControlRefusedError,
  type ControlRequest,
} from "../../../../lib/live/ops/control.ts";
import { LiveMetrics } from "../../../../lib/live/ops/metrics.ts";
import {
  type HealthReport,
  type OpsServer,
  startOpsServer,
} from "../../../../lib/live/ops/server.ts";
import { recordingLog } from "./_log.ts";
import { requireTool, runTool } from "./_tools.ts";

const TOKEN = "0123456789abcdef0123456789abcdef";

/** Every metric with a value, as a running process would have them. */
export function populated(): LiveMetrics {
  const metrics = new LiveMetrics({ strategy: "sma_btc" });
  for (let i = 0; i < 3; i++) metrics.event("trade");
  metrics.event("fill");
  metrics.candle();
  metrics.feedLatency(12_500);
  metrics.tickToOrder(180);
  metrics.tickToOrder(950);
  metrics.equity(10_123.45);
  metrics.position("bybit:BTCUSDT", -0.25);
  metrics.openOrders(2);
  metrics.orderError("timeout");
  metrics.rateLimitUsage("bybit", 0.35);
  metrics.droppedMarketData(7);
  metrics.dataGap(1.5);
  metrics.reconnect("market");
  metrics.reconciliationDifferences(1);
  metrics.killSwitch(true);
  metrics.alert("delivered");
  metrics.alertDropped();
  metrics.restart("market:bybit");
  metrics.circuitOpen("market:bybit", false);
  metrics.controlAction("halt");
  return metrics;
}

interface Calls {
  readonly actions: { action: string; request?: ControlRequest }[];
}

function fakeHandlers(calls: Calls): ControlHandlers {
  let halted = false;
  return {
    status: () => {
      calls.actions.push({ action: "status" });
      return { mode: "paper", halted, positions: { "bybit:BTCUSDT": "0.25" } };
    },
    halt: (request) => {
      calls.actions.push({ action: "halt", request });
      halted = true;
      return { halted };
    },
    resume: (request) => {
      calls.actions.push({ action: "resume", request });
      throw new ControlRefusedError(
        "cannot resume: a reconciliation mismatch is open on bybit:BTCUSDT",
      );
    },
    flatten: async (request) => {
      calls.actions.push({ action: "flatten", request });
      await Promise.resolve();
      return { cancelled: 1, closing: ["bybit:BTCUSDT"] };
    },
    clearKillSwitch: () => {
      throw new Error(`store write failed for token ${TOKEN}`);
    },
  };
}

async function withServer(
  options: { health?: () => HealthReport; control?: boolean; metrics?: LiveMetrics },
  body: (
    server: OpsServer,
    extra: { calls: Calls; alerts: OpsAlert[]; log: ReturnType<typeof recordingLog> },
  ) => Promise<void>,
): Promise<void> {
  const calls: Calls = { actions: [] };
  const alerts: OpsAlert[] = [];
  const log = recordingLog();
  const server = startOpsServer({
    addr: "127.0.0.1:0",
    metrics: options.metrics ?? new LiveMetrics(),
    health: options.health ?? (() => ({ status: "ok" })),
    control: options.control === false ? undefined : fakeHandlers(calls),
    token: options.control === false ? undefined : TOKEN,
    alerter: { notify: (alert) => alerts.push(alert) },
    log: log.log,
  });
  try {
    await body(server, { calls, alerts, log });
  } finally {
    await server.close();
  }
}

function post(
  server: OpsServer,
  action: string,
  init: { token?: string; body?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  return fetch(`http://${server.addr}/control/${action}`, {
    method: "POST",
    headers,
    body: init.body,
  });
}

Deno.test("GET /metrics serves every tesser_ series in the Prometheus text format", async () => {
  await withServer({ metrics: populated() }, async (server) => {
    const response = await fetch(`http://${server.addr}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0.0.4/);
    const text = await response.text();
    for (
      const line of [
        'tesser_events_total{kind="trade",strategy="sma_btc"} 3',
        'tesser_candles_total{strategy="sma_btc"} 1',
        'tesser_feed_latency_seconds_bucket{le="0.025",strategy="sma_btc"} 1',
        'tesser_tick_to_order_seconds_bucket{le="0.0002",strategy="sma_btc"} 1',
        'tesser_tick_to_order_seconds_bucket{le="0.001",strategy="sma_btc"} 2',
        'tesser_equity{strategy="sma_btc"} 10123.45',
        'tesser_position{symbol="bybit:BTCUSDT",strategy="sma_btc"} -0.25',
        'tesser_open_orders{strategy="sma_btc"} 2',
        'tesser_order_errors_total{kind="timeout",strategy="sma_btc"} 1',
        'tesser_rate_limit_usage_ratio{venue="bybit",strategy="sma_btc"} 0.35',
        'tesser_market_data_dropped_total{strategy="sma_btc"} 7',
        'tesser_data_gap_seconds{strategy="sma_btc"} 1.5',
        'tesser_reconnects_total{channel="market",strategy="sma_btc"} 1',
        'tesser_reconciliation_differences{strategy="sma_btc"} 1',
        'tesser_kill_switch{strategy="sma_btc"} 1',
      ]
    ) {
      assert.ok(text.split("\n").includes(line), `missing line: ${line}`);
    }
  });
});

const PROMTOOL = requireTool("promtool", "server_test");

Deno.test({
  name: "the scraped /metrics passes promtool check metrics",
  ignore: PROMTOOL === undefined,
  fn: async () => {
    await withServer({ metrics: populated() }, async (server) => {
      const text = await (await fetch(`http://${server.addr}/metrics`)).text();
      const { code, out } = await runTool(PROMTOOL ?? "promtool", ["check", "metrics"], text);
      assert.equal(code, 0, `promtool found problems:\n${out}`);
      assert.equal(out.trim(), "", `promtool lint warnings:\n${out}`);
    });
  },
});

Deno.test("promtool check metrics does fail on a broken exposition (the check can fail)", {
  ignore: PROMTOOL === undefined,
}, async () => {
  const { code, out } = await runTool(
    PROMTOOL ?? "promtool",
    ["check", "metrics"],
    "# TYPE tesser_x counter\ntesser_x 1\n",
  );
  assert.notEqual(code, 0);
  assert.match(out, /counter metrics should have "_total" suffix/);
});

Deno.test("GET /health answers 200 while ok or degraded and 503 when failing", async () => {
  let report: HealthReport = { status: "ok", checks: { market: "up" } };
  await withServer({ health: () => report }, async (server) => {
    let response = await fetch(`http://${server.addr}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), report);
    report = { status: "degraded", checks: { market: "reconnecting" } };
    response = await fetch(`http://${server.addr}/health`);
    assert.equal(response.status, 200);
    await response.body?.cancel();
    report = { status: "failing", checks: { execution: "circuit-open" } };
    response = await fetch(`http://${server.addr}/health`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), report);
    response = await fetch(`http://${server.addr}/nothing`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
    response = await fetch(`http://${server.addr}/metrics`, { method: "DELETE" });
    assert.equal(response.status, 405);
    await response.body?.cancel();
  });
});

Deno.test("POST /control refuses a missing or wrong token with 401 and runs nothing", async () => {
  await withServer({}, async (server, { calls, log }) => {
    let response = await post(server, "halt");
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="tesser"');
    assert.deepEqual(await response.json(), { ok: false, error: "missing or wrong bearer token" });
    response = await post(server, "halt", { token: "0123456789abcdef0123456789abcdeX" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.deepEqual(calls.actions, []);
    assert.equal(log.lines.filter((line) => line.message.includes("refused")).length, 2);
  });
});

Deno.test("POST /control/<action> runs the handler, logs and alerts mutating actions, and counts them", async () => {
  const metrics = new LiveMetrics();
  await withServer({ metrics }, async (server, { calls, alerts, log }) => {
    let response = await post(server, "halt", {
      token: TOKEN,
      body: '{"reason":"exchange maintenance"}',
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true, action: "halt", result: { halted: true } });
    assert.deepEqual(calls.actions[0], {
      action: "halt",
      request: { reason: "exchange maintenance" },
    });
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0].code, "control-halt");
    assert.equal(alerts[0].text, 'operator action "halt" done (reason: exchange maintenance)');
    response = await post(server, "status", { token: TOKEN });
    assert.deepEqual((await response.json()).result, {
      mode: "paper",
      halted: true,
      positions: { "bybit:BTCUSDT": "0.25" },
    });
    assert.equal(alerts.length, 1, "status is logged, not alerted");
    response = await post(server, "flatten", { token: TOKEN });
    assert.deepEqual((await response.json()).result, { cancelled: 1, closing: ["bybit:BTCUSDT"] });
    assert.deepEqual(log.lines.map((line) => line.message), [
      "control: halt done",
      "control: status",
      "control: flatten done",
    ]);
    assert.match(await metrics.text(), /tesser_control_actions_total\{action="halt"\} 1/);
  });
});

Deno.test("POST /control answers a refusal with 409 and its reason, a failure with 500, without the token", async () => {
  await withServer({}, async (server, { alerts, log }) => {
    let response = await post(server, "resume", { token: TOKEN });
    assert.equal(response.status, 409);
    assert.deepEqual(await response.json(), {
      ok: false,
      action: "resume",
      error: "cannot resume: a reconciliation mismatch is open on bybit:BTCUSDT",
    });
    assert.equal(alerts[0].code, "control-resume-refused");
    response = await post(server, "clear-kill-switch", { token: TOKEN });
    assert.equal(response.status, 500);
    const body = await response.json();
    assert.equal(body.error, "store write failed for token [redacted]");
    assert.ok(!log.text().includes(TOKEN), "the token is not logged");
    assert.ok(!JSON.stringify(alerts).includes(TOKEN), "the token is not alerted");
  });
});

Deno.test("POST /control rejects unknown actions, bad bodies and other methods with clear messages", async () => {
  await withServer({}, async (server, { calls }) => {
    let response = await post(server, "liquidate", { token: TOKEN });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      ok: false,
      error: "unknown control action; actions: status, halt, resume, flatten, clear-kill-switch",
    });
    response = await post(server, "halt", { token: TOKEN, body: "not json" });
    assert.equal(response.status, 400);
    assert.match((await response.json()).error, /the body must be JSON/);
    response = await post(server, "halt", { token: TOKEN, body: '{"reason": 5}' });
    assert.equal(response.status, 400);
    assert.match((await response.json()).error, /"reason" must be a string/);
    response = await fetch(`http://${server.addr}/control/halt`);
    assert.equal(response.status, 405);
    await response.body?.cancel();
    assert.deepEqual(calls.actions, []);
  });
  await withServer({ control: false }, async (server) => {
    const response = await post(server, "halt", { token: TOKEN });
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), {
      ok: false,
      error: "control is not enabled on this process",
    });
  });
});

Deno.test("startOpsServer refuses a non-loopback address unless allowed, and bad addresses, clearly", () => {
  const base = { metrics: new LiveMetrics(), health: (): HealthReport => ({ status: "ok" }) };
  assert.throws(
    () => startOpsServer({ ...base, addr: "0.0.0.0:9100" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /live.metrics_addr "0.0.0.0:9100" is not a loopback address; \/metrics and \/health have no authentication/
        .test(error.message),
  );
  assert.throws(
    () => startOpsServer({ ...base, addr: "127.0.0.1" }),
    /live.metrics_addr "127.0.0.1" is not HOST:PORT \(hint: use e.g. "127.0.0.1:9100"/,
  );
  assert.throws(() => startOpsServer({ ...base, addr: "127.0.0.1:70000" }), /is not HOST:PORT/);
  assert.throws(
    () =>
      startOpsServer({
        ...base,
        addr: "127.0.0.1:0",
        control: fakeHandlers({ actions: [] }),
        token: "short",
      }),
    /the control endpoint needs a token of at least 16 characters \(the one given has 5\)/,
  );
});

Deno.test("startOpsServer says the address is in use when another process listens there", async () => {
  const first = startOpsServer({
    addr: "127.0.0.1:0",
    metrics: new LiveMetrics(),
    health: () => ({ status: "ok" }),
  });
  try {
    assert.throws(
      () =>
        startOpsServer({
          addr: first.addr,
          metrics: new LiveMetrics(),
          health: () => ({ status: "ok" }),
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`cannot listen on ${first.addr}: the address is in use`),
    );
  } finally {
    await first.close();
  }
});
