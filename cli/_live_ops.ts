/**
 * The operations around a `tesser live run` process, from `lib/live/ops`: JSON-lines logging
 * with rotation and secret redaction (human lines on the terminal), Prometheus metrics and
 * `/health` on `live.metrics_addr`, the token-guarded control endpoint (its address and token
 * in the control file next to the state file, for `tesser live control`), and alerts to the
 * webhook (log-only without one). The runtime's events feed the metrics and the alerter.
 *
 * Supervision: the market feeds and the execution channel run as tasks of one
 * {@linkcode Supervisor} (100 ms doubling to 60 s, jittered; 10 failed restarts in 10 minutes
 * open a task's circuit → the `circuit-open` alert, trading reducing-only, `/health` failing,
 * the process stays up). The supervised feeds feed the data-gap watch
 * (`live.alerting.max_data_gap_secs`) and both report their disconnects (reconnect metrics,
 * disconnect storms).
 *
 * @module
 */

import type { Backoff, MarketStream } from "../lib/broker/mod.ts";
import type { SymbolId } from "../lib/domain/mod.ts";
import { WallClock, WallSleeper } from "../lib/engine/mod.ts";
import type { ConnectivityEvent, Event } from "../lib/events/mod.ts";
import {
  Alerter,
  alertFromEvent,
  configureLiveLogging,
  ControlRefusedError,
  DataGapWatch,
  generateControlToken,
  healthReport,
  type LiveExecution,
  liveLogger,
  type LiveLogRecord,
  LiveMetrics,
  type LiveRuntime,
  type OpsServer,
  OrderOutcomes,
  type ReconciliationOutcome,
  removeControlFile,
  startOpsServer,
  supervisedChannel,
  SupervisedMarketStream,
  Supervisor,
  type SupervisorOptions,
  writeControlFile,
} from "../lib/live/mod.ts";
import type { JsonValue } from "../lib/domain/mod.ts";
import type { LiveSettings } from "./_live_settings.ts";

/**
 * The connectors' own reconnect pacing in a supervised run: the supervisor's (100 ms doubling
 * to 60 s, ±25 % jitter), so a feed or the execution channel is back as soon as the rules allow.
 */
export const SUPERVISED_BACKOFF: Backoff = { initialMs: 100, factor: 2, maxMs: 60_000 };

/**
 * How long (ms) a reconnect may take after its backoff before the supervisor counts the backoff
 * as a failed restart: connecting, authenticating, subscribing and (private streams) catching up
 * over REST.
 */
export const RECONNECT_ALLOWANCE_MS = 2_000;

/**
 * The supervisor's pacing and circuit, when not the (100 ms .. 60 s, 10 failures in 10
 * minutes): `live run` never sets them; tests compress time with them.
 */
export type SupervisionTuning = Partial<
  Pick<SupervisorOptions, "baseMs" | "capMs" | "maxFailures" | "windowMs" | "reconnectAllowanceMs">
>;

/** How a feed is made: one new connector stream per supervised run. */
export interface FeedMaker {
  /** The venue of its streams. */
  readonly venue: string;
  /** Makes a new stream. */
  readonly create: () => MarketStream;
}

/** The running operations of one live process. */
export interface LiveOps {
  /** The runtime's log sink. */
  readonly log: (record: LiveLogRecord) => void;
  /** Sees the runtime's events (metrics, alerts). */
  readonly onEvent: (event: Event) => void;
  /** The runtime's `onReconciliation` (counts what each pass did with orders not ours). */
  readonly onReconciliation: (pass: ReconciliationOutcome) => void;
  /** The runtime's `onTickToOrder` (`tesser_tick_to_order_seconds`). */
  readonly onTickToOrder: (micros: number) => void;
  /** The supervisor of the feeds and the execution channel. */
  readonly supervisor: Supervisor;
  /**
   * The feeds as supervised tasks (`market:<venue>`), watched for data gaps on `symbols`.
   * Call once, before the runtime runs.
   */
  superviseFeeds(makers: readonly FeedMaker[], symbols: readonly SymbolId[]): MarketStream[];
  /** The execution with its private channel as a supervised task (`execution:<venue>`). */
  superviseExecution(execution: LiveExecution): LiveExecution;
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
  supervision: SupervisionTuning = {},
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
  let attached: LiveRuntime | undefined;
  let gapWatch: DataGapWatch | undefined;
  const clock = new WallClock();
  const sleeper = new WallSleeper(clock);
  const opsLog = liveLogger("supervisor");
  // A circuit open means a link is gone for good: nothing new may open exposure. Only an
  // active session is narrowed (an operator's halt is stricter and stays).
  const reduceOnly = (why: string): void => {
    const runtime = attached;
    if (runtime === undefined) return;
    runtime.inEngine(() => {
      const oms = runtime.session.oms;
      if (oms.tradingState !== "active") return;
      oms.setTradingState("reducing-only");
      opsLog.error(`trading reducing-only: ${why}`);
    });
  };
  const outcomes = new OrderOutcomes({ alerter, metrics });
  const supervisor = new Supervisor({
    clock,
    sleeper,
    alerter,
    metrics,
    reconnectAllowanceMs: RECONNECT_ALLOWANCE_MS,
    ...supervision,
    onCircuitOpen: (status) => reduceOnly(`the circuit of ${status.name} is open`),
  });
  const openCircuits = (): string[] =>
    supervisor.status().filter((task) => task.state === "circuit-open").map((task) => task.name);
  const onConnectivity = (event: ConnectivityEvent): void => {
    if (event.state !== "down") return;
    metrics.reconnect(event.channel);
    alerter.observeDisconnect(event.channel, event.venue);
  };
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
        outcomes.observe(event);
        return;
      case "alert":
        if (event.code === "kill-switch") metrics.killSwitch(true);
        // Refused, unknown or unanswered requests against the failure streak, once each.
        outcomes.observe(event);
        if (event.severity !== "info") alerter.notify(alertFromEvent(event));
        return;
      case "reconciliation":
        // The alert waits for the pass's verdict (see the gauges): a difference the pass adopted
        // (the venue's balance at the start) is no mismatch.
        metrics.reconciliationDifferences(event.differences.length);
        return;
      default:
        return;
    }
  };
  // Every pass, not a sample: two passes within a second (a reconnect's) both count.
  const onReconciliation = (pass: ReconciliationOutcome): void => {
    // Orders of ours the OMS did not know count with the ones that are not ours.
    const unknown = pass.orders.filter((o) => o.kind !== "missing");
    metrics.reconciliationOrders({
      external: unknown.filter((o) => o.kind === "external").length,
      canceled: unknown.filter((o) => o.action === "canceled").length,
      adopted: unknown.filter((o) => o.action === "adopted").length,
    });
  };
  return {
    log,
    onEvent,
    onReconciliation,
    onTickToOrder: (micros) => metrics.tickToOrder(micros),
    supervisor,
    superviseFeeds(makers: readonly FeedMaker[], symbols: readonly SymbolId[]): MarketStream[] {
      const watch = new DataGapWatch({
        clock,
        sleeper,
        symbols,
        limitSecs: settings.alerts.maxDataGapSecs,
        alerter,
        metrics,
      });
      gapWatch = watch;
      return makers.map((maker) =>
        new SupervisedMarketStream({
          supervisor,
          venue: maker.venue,
          create: maker.create,
          onData: (symbol, at) => watch.seen(symbol, at),
          onConnectivity,
          onSubscribed: () => watch.start(),
        })
      );
    },
    superviseExecution(execution: LiveExecution): LiveExecution {
      if (execution.kind !== "venue" || execution.privateChannel === undefined) return execution;
      return {
        ...execution,
        privateChannel: supervisedChannel(execution.privateChannel, {
          supervisor,
          name: `execution:${execution.client.venue}`,
          onConnectivity,
        }),
      };
    },
    attach(runtime: LiveRuntime): string {
      attached = runtime;
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
          const report = healthReport(supervisor.status(), {
            trading: {
              status: status.reconciliationMismatch || status.killSwitch.tripped
                ? "degraded"
                : "ok",
              detail: `${status.tradingState}${
                status.killSwitch.tripped ? ", kill switch tripped" : ""
              }${status.reconciliationMismatch ? ", reconciliation mismatch open" : ""}`,
            },
          });
          return {
            status: report.status,
            checks: {
              ...report.checks,
              ...jsonSafe({
                tradingState: status.tradingState,
                killSwitch: status.killSwitch.tripped,
                reconciliationMismatch: status.reconciliationMismatch,
                events: status.counts.events,
              }) as Readonly<Record<string, JsonValue>>,
            },
          };
        },
        control: {
          status: answer,
          halt: () => {
            runtime.halt("operator halt (control endpoint)");
            return answer();
          },
          resume: () => {
            const open = openCircuits();
            if (open.length > 0) {
              throw new ControlRefusedError(
                `cannot resume: the circuit of ${
                  open.join(", ")
                } is open (the link failed too often); trading stays reducing-only — restart the process`,
              );
            }
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
      let reconciled: ReconciliationOutcome | undefined;
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
        // A pass of the reconciler or an operator may have set the session active again while
        // a circuit is open: it stays reducing-only.
        if (supervisor.circuitOpen) {
          reduceOnly(`the circuit of ${openCircuits().join(", ")} is open`);
        }
        const pass = runtime.lastReconciliation;
        if (pass !== undefined && pass !== reconciled) {
          reconciled = pass;
          const open = [
            ...pass.event.differences.map((d) => d.explanation),
            ...pass.orders.filter((o) => o.kind !== "external").map((o) =>
              `order ${o.clientOrderId} ${o.kind}`
            ),
            ...pass.unknown.map((why) => `query failed: ${why}`),
          ];
          alerter.observeReconciliation(
            pass.mismatch ? Math.max(1, open.length) : 0,
            pass.mismatch ? `${pass.reason} pass: ${open.join("; ")}` : undefined,
          );
        }
        const stats = inbox.stats;
        const lost = stats.droppedTrades + stats.conflated + stats.discardedDeltas;
        if (lost > dropped) metrics.droppedMarketData(lost - dropped);
        dropped = lost;
      }, 1000);
      return server.addr;
    },
    async close(): Promise<void> {
      clearInterval(gauges);
      await gapWatch?.stop();
      // Bounded: the whole shutdown has 10 s (the runtime closed the feeds and channel already).
      await supervisor.stop(2_000);
      await server?.close();
      if (server !== undefined) removeControlFile(settings.persistence.path);
      await alerter.close();
      await logging.close();
    },
  };
}
