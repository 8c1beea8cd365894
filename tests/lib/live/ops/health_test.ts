import assert from "node:assert/strict";
import { healthReport, taskHealth } from "../../../../lib/live/ops/health.ts";
import type { SupervisedTaskStatus } from "../../../../lib/live/ops/supervisor.ts";

const task = (
  name: string,
  state: SupervisedTaskStatus["state"],
  lastError?: string,
): SupervisedTaskStatus =>
  lastError === undefined
    ? { name, state, restarts: 1, recentFailures: 0, since: 0 }
    : { name, state, restarts: 1, recentFailures: 0, since: 0, lastError };

Deno.test("healthReport is ok only when every task is up and every check ok", () => {
  assert.deepEqual(healthReport([task("market:bybit", "up")], { store: { status: "ok" } }), {
    status: "ok",
    checks: {
      "market:bybit": { state: "up", restarts: 1, recentFailures: 0 },
      store: { status: "ok" },
    },
  });
});

Deno.test("healthReport takes the worst part: a reconnecting feed degrades, an open circuit fails", () => {
  assert.equal(
    healthReport([task("market:bybit", "down", "socket closed"), task("execution", "up")]).status,
    "degraded",
  );
  const failing = healthReport(
    [task("market:bybit", "up"), task("execution", "circuit-open", "HTTP 503")],
    { reconciliation: { status: "degraded", detail: "1 difference on bybit:BTCUSDT" } },
  );
  assert.equal(failing.status, "failing");
  assert.deepEqual(failing.checks?.execution, {
    state: "circuit-open",
    restarts: 1,
    recentFailures: 0,
    lastError: "HTTP 503",
  });
  assert.deepEqual(failing.checks?.reconciliation, {
    status: "degraded",
    detail: "1 difference on bybit:BTCUSDT",
  });
  assert.equal(
    healthReport([], { store: { status: "failing", detail: "disk full" } }).status,
    "failing",
  );
  assert.deepEqual(
    ["up", "starting", "down", "stopped", "circuit-open"].map((s) =>
      taskHealth(s as SupervisedTaskStatus["state"])
    ),
    [
      "ok",
      "degraded",
      "degraded",
      "degraded",
      "failing",
    ],
  );
});
