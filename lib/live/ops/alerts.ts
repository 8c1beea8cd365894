/**
 * Alerts of a live process: the `[live.alerting]` thresholds (data gap, consecutive order
 * failures, drawdown) plus disconnect storms and reconciliation mismatches, each turned into one
 * alert when it is crossed (not on every observation), logged always and POSTed to the webhook
 * when one is set. Nothing here waits: {@linkcode Alerter.notify} queues and returns.
 *
 * @module
 */

import type { JsonValue } from "../../domain/mod.ts";
import { ConfigError } from "../../domain/mod.ts";
import { type Clock, type Sleeper, WallClock, WallSleeper } from "../../engine/mod.ts";
import type { AlertEvent, AlertSeverity } from "../../events/mod.ts";
import { type WebhookRetry, WebhookSender } from "./alert_webhook.ts";
import { type LiveLogger, liveLogger } from "./logging.ts";

/** One alert: a stable code, how urgent it is, and a sentence for humans. */
export interface OpsAlert {
  /** Stable machine-readable code, e.g. `data-gap` or `order-failures`. */
  readonly code: string;
  /** Urgency. */
  readonly severity: AlertSeverity;
  /** One sentence for humans (the webhook's `text`, so Slack-style receivers show it). */
  readonly text: string;
  /** Structured details (symbol, counts, thresholds) for generic receivers. */
  readonly fields?: Readonly<Record<string, JsonValue>>;
}

/** When the observe helpers raise an alert. */
export interface AlertThresholds {
  /** `live.alerting.max_data_gap_secs`: seconds without market data. */
  readonly maxDataGapSecs: number;
  /** `live.alerting.max_order_failures`: consecutive failed order requests. */
  readonly maxOrderFailures: number;
  /** `live.alerting.max_drawdown`: drawdown from the equity peak, as a fraction. */
  readonly maxDrawdown: number;
  /** Disconnects within a window that make a storm (default 5 in 300 s). */
  readonly disconnectStorm?: { readonly count: number; readonly windowSecs: number };
  /** Reconciliation differences tolerated before alerting (default 0: any difference). */
  readonly maxReconciliationDifferences?: number;
}

/** Options of {@linkcode Alerter}. */
export interface AlerterOptions {
  /** The webhook (`live.alerting.webhook_url`); without it (or empty) alerts are only logged. */
  readonly webhookUrl?: string;
  /** The thresholds of the observe helpers. */
  readonly thresholds: AlertThresholds;
  /** The strategy, named in every alert. */
  readonly strategy?: string;
  /** Where every alert is logged (default: the `alerts` component logger). */
  readonly log?: LiveLogger;
  /** Alert times and the disconnect window (default: the wall clock). */
  readonly clock?: Clock;
  /** Waits out webhook retries (default: real timers on `clock`). */
  readonly sleeper?: Sleeper;
  /** Alerts waiting for the webhook at most (default 64); more are dropped and counted. */
  readonly queueCapacity?: number;
  /** Webhook retry policy (default 5 attempts, 1 s doubling to 30 s). */
  readonly retry?: WebhookRetry;
  /** Timeout of one webhook POST in ms (default 5,000). */
  readonly timeoutMs?: number;
  /** Uniform random numbers in [0, 1) for the retry jitter. */
  readonly random?: () => number;
  /** Counters to feed (a {@linkcode LiveMetrics} fits). */
  readonly metrics?: {
    alert(outcome: "delivered" | "failed" | "logged"): void;
    alertDropped(): void;
  };
}

/** The JSON body POSTed for one alert. */
export interface AlertPayload {
  /** The human sentence, prefixed with severity and strategy. */
  readonly text: string;
  /** The alert's code. */
  readonly code: string;
  /** The alert's severity. */
  readonly severity: AlertSeverity;
  /** The strategy, when known. */
  readonly strategy: string | null;
  /** When the alert was raised (ISO 8601 UTC). */
  readonly at: string;
  /** The alert's fields. */
  readonly fields: Readonly<Record<string, JsonValue>>;
}

const DEFAULT_STORM = { count: 5, windowSecs: 300 } as const;
// A drawdown alert re-arms only once the drawdown is back under this share of the limit, so
// equity hovering at the limit does not page the operator on every mark.
const DRAWDOWN_REARM = 0.8;

/** The alert an engine {@linkcode AlertEvent} (kill switch, venue report) stands for. */
export function alertFromEvent(event: AlertEvent): OpsAlert {
  const fields: Record<string, JsonValue> = {};
  if (event.symbol !== undefined) fields.symbol = event.symbol;
  if (event.clientOrderId !== undefined) fields.clientOrderId = event.clientOrderId;
  return { code: event.code, severity: event.severity, text: event.message, fields };
}

/**
 * Raises, logs and delivers alerts.
 *
 * @example
 * ```ts
 * import { Alerter } from "@tesser/tesser/live";
 * import { ManualClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const raised: string[] = [];
 * const log = {
 *   debug() {},
 *   info() {},
 *   warn(message: string) { raised.push(message); },
 *   error(message: string) { raised.push(message); },
 * };
 * const alerter = new Alerter({
 *   thresholds: { maxDataGapSecs: 300, maxOrderFailures: 3, maxDrawdown: 0.03 },
 *   clock: new ManualClock(0),
 *   log,
 * });
 * alerter.observeDataGap(120); // under the limit: nothing
 * alerter.observeDataGap(301); // crossed: one alert
 * alerter.observeDataGap(400); // still crossed: no repeat
 * assert.equal(alerter.raised, 1);
 * await alerter.close();
 * ```
 */
export class Alerter {
  readonly #thresholds: Required<AlertThresholds>;
  readonly #strategy: string | undefined;
  readonly #log: LiveLogger;
  readonly #clock: Clock;
  readonly #metrics: AlerterOptions["metrics"];
  readonly #webhook: WebhookSender | undefined;
  readonly #gapOpen = new Set<string>();
  #failureStreak = 0;
  #failureAlerted = false;
  #drawdownAlerted = false;
  #disconnects: number[] = [];
  #stormAlerted = false;
  #reconOpen = false;
  #raised = 0;

  /**
   * Creates the alerter.
   *
   * @throws {ConfigError} when the webhook URL is not an http(s) URL (the URL is not echoed: it is
   *   a secret) or a threshold is not positive.
   */
  constructor(options: AlerterOptions) {
    const t = options.thresholds;
    for (
      const [name, value] of [
        ["max_data_gap_secs", t.maxDataGapSecs],
        ["max_order_failures", t.maxOrderFailures],
        ["max_drawdown", t.maxDrawdown],
      ] as const
    ) {
      if (!(value > 0)) {
        throw new ConfigError(`live.alerting.${name} must be positive, got ${value}`, {
          hint: "see [live.alerting] in config/default.toml",
        });
      }
    }
    this.#thresholds = {
      ...t,
      disconnectStorm: t.disconnectStorm ?? DEFAULT_STORM,
      maxReconciliationDifferences: t.maxReconciliationDifferences ?? 0,
    };
    this.#strategy = options.strategy;
    this.#log = options.log ?? liveLogger("alerts");
    this.#clock = options.clock ?? new WallClock();
    this.#metrics = options.metrics;
    const url = options.webhookUrl ?? "";
    if (url !== "") {
      if (!URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol)) {
        throw new ConfigError("live.alerting.webhook_url is not an http(s) URL", {
          hint:
            "set it to the receiver's full https://… address (the value is not shown: it is a secret)",
        });
      }
      this.#webhook = new WebhookSender({
        url,
        log: this.#log,
        clock: this.#clock,
        sleeper: options.sleeper ?? new WallSleeper(this.#clock),
        capacity: options.queueCapacity,
        retry: options.retry,
        timeoutMs: options.timeoutMs,
        random: options.random,
        onOutcome: (outcome) => this.#metrics?.alert(outcome),
        onDrop: () => this.#metrics?.alertDropped(),
      });
    }
  }

  /** Alerts raised so far (delivered or not). */
  get raised(): number {
    return this.#raised;
  }

  /** Alerts dropped because the webhook queue was full (each is still in the log). */
  get dropped(): number {
    return this.#webhook?.dropped ?? 0;
  }

  /** Alerts the webhook accepted. */
  get delivered(): number {
    return this.#webhook?.delivered ?? 0;
  }

  /** Whether alerts go to a webhook (else they are only logged). */
  get hasWebhook(): boolean {
    return this.#webhook !== undefined;
  }

  /** Logs `alert` and queues it for the webhook; returns at once. */
  notify(alert: OpsAlert): void {
    this.#raised++;
    const fields = alert.fields ?? {};
    const properties = { code: alert.code, severity: alert.severity, ...fields };
    switch (alert.severity) {
      case "critical":
        this.#log.error(`alert: ${alert.text}`, properties);
        break;
      case "warning":
        this.#log.warn(`alert: ${alert.text}`, properties);
        break;
      case "info":
        this.#log.info(`alert: ${alert.text}`, properties);
        break;
      default: {
        const never: never = alert.severity;
        throw new TypeError(`unknown severity ${String(never)}`);
      }
    }
    if (this.#webhook === undefined) {
      this.#metrics?.alert("logged");
      return;
    }
    const queued = this.#webhook.send(JSON.stringify(this.payload(alert)));
    if (!queued) {
      this.#log.warn("alert webhook queue is full; alert dropped (it is in this log)", {
        code: alert.code,
        dropped: this.#webhook.dropped,
      });
    }
  }

  /** The webhook body for `alert` (exposed for receivers' tests and docs). */
  payload(alert: OpsAlert): AlertPayload {
    const who = this.#strategy === undefined ? "tesser" : `tesser ${this.#strategy}`;
    return {
      text: `[${alert.severity.toUpperCase()}] ${who}: ${alert.text}`,
      code: alert.code,
      severity: alert.severity,
      strategy: this.#strategy ?? null,
      at: new Date(Math.floor(this.#clock.now() / 1000)).toISOString(),
      fields: alert.fields ?? {},
    };
  }

  /**
   * Seconds since the last market data of `symbol` (or of the whole feed): alerts once when it
   * passes `max_data_gap_secs`, and says so again (info) when data is back under the limit.
   */
  observeDataGap(seconds: number, symbol?: string): void {
    const key = symbol ?? "";
    const where = symbol === undefined ? "" : ` on ${symbol}`;
    const limit = this.#thresholds.maxDataGapSecs;
    const fields: Record<string, JsonValue> = { gapSecs: round(seconds), limitSecs: limit };
    if (symbol !== undefined) fields.symbol = symbol;
    if (seconds > limit && !this.#gapOpen.has(key)) {
      this.#gapOpen.add(key);
      this.notify({
        code: "data-gap",
        severity: "critical",
        text: `no market data${where} for ${round(seconds)} s (limit ${limit} s)`,
        fields,
      });
    } else if (seconds <= limit && this.#gapOpen.delete(key)) {
      this.notify({
        code: "data-gap-resolved",
        severity: "info",
        text: `market data${where} is flowing again`,
        fields,
      });
    }
  }

  /**
   * One failed order request (`kind`: the error kind): alerts once when the streak of
   * consecutive failures reaches `max_order_failures`.
   */
  orderFailed(kind: string, detail?: string): void {
    this.#failureStreak++;
    const limit = this.#thresholds.maxOrderFailures;
    if (this.#failureStreak >= limit && !this.#failureAlerted) {
      this.#failureAlerted = true;
      const fields: Record<string, JsonValue> = { streak: this.#failureStreak, limit, kind };
      if (detail !== undefined) fields.detail = detail;
      this.notify({
        code: "order-failures",
        severity: "critical",
        text:
          `${this.#failureStreak} order requests failed in a row (limit ${limit}); last: ${kind}` +
          (detail === undefined ? "" : ` (${detail})`),
        fields,
      });
    }
  }

  /** One order request that succeeded: ends the failure streak. */
  orderSucceeded(): void {
    this.#failureStreak = 0;
    this.#failureAlerted = false;
  }

  /**
   * The drawdown from the equity peak (a fraction): alerts once when it reaches `max_drawdown`;
   * re-arms once it is back under 80% of the limit.
   */
  observeDrawdown(fraction: number): void {
    const limit = this.#thresholds.maxDrawdown;
    if (fraction >= limit && !this.#drawdownAlerted) {
      this.#drawdownAlerted = true;
      this.notify({
        code: "drawdown",
        severity: "critical",
        text: `drawdown ${percent(fraction)} reached the limit of ${percent(limit)}`,
        fields: { drawdown: fraction, limit },
      });
    } else if (fraction < limit * DRAWDOWN_REARM) {
      this.#drawdownAlerted = false;
    }
  }

  /**
   * One lost connection of `channel` (`market` or `execution`): alerts once when the disconnects
   * within the storm window reach the storm count; re-arms after a window without any.
   */
  observeDisconnect(channel: string, venue?: string): void {
    const now = this.#clock.now();
    const { count, windowSecs } = this.#thresholds.disconnectStorm;
    const windowMicros = windowSecs * 1_000_000;
    this.#disconnects = this.#disconnects.filter((at) => now - at < windowMicros);
    if (this.#disconnects.length === 0) this.#stormAlerted = false;
    this.#disconnects.push(now);
    if (this.#disconnects.length >= count && !this.#stormAlerted) {
      this.#stormAlerted = true;
      const fields: Record<string, JsonValue> = {
        channel,
        disconnects: this.#disconnects.length,
        windowSecs,
      };
      if (venue !== undefined) fields.venue = venue;
      this.notify({
        code: "disconnect-storm",
        severity: "warning",
        text: `${this.#disconnects.length} disconnects within ${windowSecs} s (last: ${channel}` +
          `${venue === undefined ? "" : ` on ${venue}`})`,
        fields,
      });
    }
  }

  /**
   * The result of one reconciliation: alerts once when the differences pass the tolerated number
   * (trading is halted meanwhile), and says so (info) when a later run finds none.
   */
  observeReconciliation(differences: number, summary?: string): void {
    const limit = this.#thresholds.maxReconciliationDifferences;
    if (differences > limit && !this.#reconOpen) {
      this.#reconOpen = true;
      const fields: Record<string, JsonValue> = { differences, limit };
      if (summary !== undefined) fields.summary = summary;
      this.notify({
        code: "reconciliation-mismatch",
        severity: "critical",
        text:
          `reconciliation found ${differences} difference(s) with the venue; trading is halted` +
          (summary === undefined ? "" : `: ${summary}`),
        fields,
      });
    } else if (differences === 0 && this.#reconOpen) {
      this.#reconOpen = false;
      this.notify({
        code: "reconciliation-resolved",
        severity: "info",
        text: "reconciliation matches the venue again",
        fields: { differences },
      });
    }
  }

  /** Resolves once every queued alert was delivered or given up on. */
  idle(): Promise<void> {
    return this.#webhook?.idle() ?? Promise.resolve();
  }

  /** Waits up to `timeoutMs` for queued alerts, then stops the webhook loop. */
  async close(timeoutMs = 2_000): Promise<void> {
    await this.#webhook?.close(timeoutMs);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
