/**
 * The operations around a `tesser live run` process, from `lib/live/ops`: JSON-lines logging
 * with rotation and secret redaction (human lines on the terminal), Prometheus metrics and
 * `/health` on `live.metrics_addr`, the token-guarded control endpoint (its address and token
 * in the control file next to the state file, for `tesser live control`), and alerts to the
 * webhook (log-only without one). The runtime's events feed the metrics and the alerter.
 *
 * @module
 */

import type { Event } from "../lib/events/mod.ts";
import {
  Alerter,
  alertFromEvent,
  configureLiveLogging,
  ControlRefusedError,
  generateControlToken,
  liveLogger,
  type LiveLogRecord,
  LiveMetrics,
  type LiveRuntime,
  type OpsServer,
  removeControlFile,
  startOpsServer,
  writeControlFile,
} from "../lib/live/mod.ts";
import type { JsonValue } from "../lib/domain/mod.ts";
import type { LiveSettings } from "./_live_settings.ts";

/** The running operations of one live process. */
export interface LiveOps {
  /** The runtime's log sink. */
  readonly log: (record: LiveLogRecord) => void;
  /** Sees the runtime's events (metrics, alerts). */
  readonly onEvent: (event: Event) => void;
  /** Starts the ops server and the gauges for `runtime`; returns the address served. */
  attach(runtime: LiveRuntime): string;
  /** Stops the server, flushes alerts and logs, removes the control file. */
  close(): Promise<void>;
}

function jsonSafe(value: unknown): JsonValue {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  );
}

/** Starts logging, metrics and alerting for a live run (the server starts at `attach`). */
export async function startLiveOps(
  settings: LiveSettings,
  strategy: string,
  secrets: readonly string[],
  terminal: (line: string) => void,
): Promise<LiveOps> {
  const token = generateControlToken();
  const logging = await configureLiveLogging({
    path: settings.logPath,
    strategy,
    terminal,
    secrets: [...secrets, settings.alerts.webhookUrl, token].filter((s) => s !== ""),
  });
  const metrics = new LiveMetrics({ strategy });
  const alerter = new Alerter({
    webhookUrl: settings.alerts.webhookUrl,
    thresholds: {
      maxDataGapSecs: settings.alerts.maxDataGapSecs,
      maxOrderFailures: settings.alerts.maxOrderFailures,
      maxDrawdown: settings.alerts.maxDrawdown,
    },
    strategy,
    metrics,
  });
  let server: OpsServer | undefined;
  let gauges: ReturnType<typeof setInterval> | undefined;
  let peak = Number.NEGATIVE_INFINITY;
  const log = (record: LiveLogRecord): void => {
    const logger = liveLogger(record.component);
    const fields = record.fields ?? {};
    switch (record.level) {
      case "debug":
        return logger.debug(record.message, fields);
      case "info":
        return logger.info(record.message, fields);
      case "warn":
        return logger.warn(record.message, fields);
      case "error":
        return logger.error(record.message, fields);
      default: {
        const unknown: never = record.level;
        throw new TypeError(`Unknown log level ${unknown}`);
      }
    }
  };
  const onEvent = (event: Event): void => {
    metrics.event(event.kind);
    switch (event.kind) {
      case "order-update":
        if (event.order.status === "rejected") {
          metrics.orderError("rejected");
          alerter.orderFailed("rejected", event.order.reason);
        } else if (event.order.status === "accepted" || event.order.status === "filled") {
          alerter.orderSucceeded();
        }
        return;
      case "alert":
        if (event.code === "kill-switch") metrics.killSwitch(true);
        if (event.code === "order-outcome-unknown") {
          metrics.orderError("unknown");
          alerter.orderFailed("unknown", event.message);
        }
        if (event.severity !== "info") alerter.notify(alertFromEvent(event));
        return;
      case "reconciliation":
        metrics.reconciliationDifferences(event.differences.length);
        alerter.observeReconciliation(
          event.differences.length,
          event.differences.map((d) => d.explanation).join("; "),
        );
        return;
      case "connectivity":
        if (event.state === "down") {
          metrics.reconnect(event.channel);
          alerter.observeDisconnect(event.channel, event.venue);
        }
        return;
      default:
        return;
    }
  };
  return {
    log,
    onEvent,
    attach(runtime: LiveRuntime): string {
      const answer = (): Readonly<Record<string, JsonValue>> => ({
        status: jsonSafe(runtime.status()),
      });
      server = startOpsServer({
        addr: settings.metricsAddr,
        metrics,
        alerter,
        token,
        health: () => {
          const status = runtime.status();
          return {
            status: status.reconciliationMismatch || status.killSwitch.tripped ? "degraded" : "ok",
            checks: jsonSafe({
              tradingState: status.tradingState,
              killSwitch: status.killSwitch.tripped,
              reconciliationMismatch: status.reconciliationMismatch,
              events: status.counts.events,
            }) as Readonly<Record<string, JsonValue>>,
          };
        },
        control: {
          status: answer,
          halt: () => {
            runtime.halt("operator halt (control endpoint)");
            return answer();
          },
          resume: () => {
            try {
              runtime.resume();
            } catch (error) {
              if (error instanceof RangeError) throw new ControlRefusedError(error.message);
              throw error;
            }
            return answer();
          },
          flatten: () => {
            runtime.flatten();
            return answer();
          },
          clearKillSwitch: () => {
            runtime.clearKillSwitch();
            metrics.killSwitch(false);
            return answer();
          },
        },
      });
      writeControlFile(settings.persistence.path, { addr: server.addr, token, strategy });
      const { session, inbox } = runtime;
      let dropped = 0;
      // Gauges once a second: cheap, and off the hot path.
      gauges = setInterval(() => {
        const status = runtime.status();
        if (Number.isFinite(status.equity)) {
          metrics.equity(status.equity);
          if (status.equity > peak) peak = status.equity;
          if (peak > 0) alerter.observeDrawdown((peak - status.equity) / peak);
        }
        for (const symbol of session.instruments.keys()) {
          metrics.position(symbol, session.portfolio.position(symbol).quantity.toNumber());
        }
        metrics.openOrders(status.openOrders);
        const stats = inbox.stats;
        const lost = stats.droppedTrades + stats.conflated + stats.discardedDeltas;
        if (lost > dropped) metrics.droppedMarketData(lost - dropped);
        dropped = lost;
      }, 1000);
      return server.addr;
    },
    async close(): Promise<void> {
      clearInterval(gauges);
      await server?.close();
      if (server !== undefined) removeControlFile(settings.persistence.path);
      await alerter.close();
      await logging.close();
    },
  };
}
