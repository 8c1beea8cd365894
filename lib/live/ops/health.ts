/**
 * Health of a live process from its parts: the supervised tasks' states and the runtime's own
 * checks (state store, reconciliation, kill switch) folded into the one {@linkcode HealthReport}
 * that `GET /health` answers.
 *
 * @module
 */

import type { JsonValue } from "../../domain/mod.ts";
import type { HealthReport, HealthStatus } from "./server.ts";
import type { SupervisedTaskStatus } from "./supervisor.ts";

/** One check of the runtime's own (besides the supervised tasks). */
export interface HealthCheck {
  /** How it stands. */
  readonly status: HealthStatus;
  /** What to show, e.g. `"2 differences on bybit:BTCUSDT"`. */
  readonly detail?: string;
}

const RANK: Readonly<Record<HealthStatus, number>> = { ok: 0, degraded: 1, failing: 2 };

/** The health a task's state stands for: an open circuit fails, a task not up degrades. */
export function taskHealth(state: SupervisedTaskStatus["state"]): HealthStatus {
  switch (state) {
    case "up":
      return "ok";
    case "starting":
    case "down":
    case "stopped":
      return "degraded";
    case "circuit-open":
      return "failing";
    default: {
      const never: never = state;
      throw new TypeError(`unknown task state ${String(never)}`);
    }
  }
}

/**
 * Folds tasks and checks into one report: its status is the worst of theirs.
 *
 * @example
 * ```ts
 * import { healthReport } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * const report = healthReport(
 *   [{ name: "market:bybit", state: "down", restarts: 2, recentFailures: 1, since: 0 }],
 *   { store: { status: "ok" } },
 * );
 * assert.equal(report.status, "degraded");
 * ```
 */
export function healthReport(
  tasks: readonly SupervisedTaskStatus[],
  checks: Readonly<Record<string, HealthCheck>> = {},
): HealthReport {
  let status: HealthStatus = "ok";
  const worse = (candidate: HealthStatus): void => {
    if (RANK[candidate] > RANK[status]) status = candidate;
  };
  const details: Record<string, JsonValue> = {};
  for (const task of tasks) {
    worse(taskHealth(task.state));
    const entry: Record<string, JsonValue> = {
      state: task.state,
      restarts: task.restarts,
      recentFailures: task.recentFailures,
    };
    if (task.lastError !== undefined) entry.lastError = task.lastError;
    details[task.name] = entry;
  }
  for (const [name, check] of Object.entries(checks)) {
    worse(check.status);
    details[name] = check.detail === undefined
      ? { status: check.status }
      : { status: check.status, detail: check.detail };
  }
  return { status, checks: details };
}
