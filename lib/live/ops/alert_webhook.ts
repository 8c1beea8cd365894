/**
 * Delivery of alerts to a webhook: a bounded queue drained by one background loop that POSTs
 * each alert as JSON and retries failures with jittered exponential backoff. Enqueuing never
 * waits; a full queue drops the new alert and counts it. The URL is a secret (a Slack webhook
 * URL is its own credential), so nothing this module logs contains it.
 *
 * @module
 */

import type { Sleeper } from "../../engine/mod.ts";
import type { Clock } from "../../engine/mod.ts";
import type { LiveLogger } from "./logging.ts";
import { redactText } from "./redact.ts";
import { sleepUnlessAborted } from "./_sleep.ts";

/** How failed deliveries are retried. */
export interface WebhookRetry {
  /** Attempts per alert, the first included (default 5). */
  readonly attempts: number;
  /** Delay before the first retry in ms (default 1,000); doubles per retry. */
  readonly baseMs: number;
  /** Largest delay in ms (default 30,000). */
  readonly capMs: number;
}

/** Default retry: 5 attempts, 1 s doubling to at most 30 s (about a minute in all). */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { attempts: 5, baseMs: 1_000, capMs: 30_000 };

/** How a delivery ended, for the metrics. */
export type WebhookOutcome = "delivered" | "failed";

/** Options of {@linkcode WebhookSender}. */
export interface WebhookSenderOptions {
  /** The webhook URL (a secret: never logged). */
  readonly url: string;
  /** Where delivery failures are logged. */
  readonly log: LiveLogger;
  /** Time source for the backoff. */
  readonly clock: Clock;
  /** Waits out the backoff (a ManualClock in tests). */
  readonly sleeper: Sleeper;
  /** Alerts waiting at most (default 64); more are dropped and counted. */
  readonly capacity?: number;
  /** Retry policy. */
  readonly retry?: WebhookRetry;
  /** Timeout of one POST in ms (default 5,000). */
  readonly timeoutMs?: number;
  /** Uniform random numbers in [0, 1) for the jitter (seedable in tests). */
  readonly random?: () => number;
  /** Told how each delivery ended. */
  readonly onOutcome?: (outcome: WebhookOutcome) => void;
  /** Told when an alert is dropped from a full queue. */
  readonly onDrop?: () => void;
}

/** A bounded, retrying, non-blocking webhook poster. */
export class WebhookSender {
  readonly #url: string;
  // The URL as given and as fetch prints it (normalized), both redacted from error messages.
  readonly #secrets: readonly string[];
  readonly #log: LiveLogger;
  readonly #clock: Clock;
  readonly #sleeper: Sleeper;
  readonly #capacity: number;
  readonly #retry: WebhookRetry;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #onOutcome: (outcome: WebhookOutcome) => void;
  readonly #onDrop: () => void;
  readonly #queue: string[] = [];
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #idle: (() => void)[] = [];
  #dropped = 0;
  #delivered = 0;
  #failed = 0;

  /** Creates the sender; nothing is sent until {@linkcode WebhookSender.send}. */
  constructor(options: WebhookSenderOptions) {
    this.#url = options.url;
    this.#secrets = [options.url, URL.canParse(options.url) ? new URL(options.url).href : ""];
    this.#log = options.log;
    this.#clock = options.clock;
    this.#sleeper = options.sleeper;
    this.#capacity = options.capacity ?? 64;
    this.#retry = options.retry ?? DEFAULT_WEBHOOK_RETRY;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#random = options.random ?? Math.random;
    this.#onOutcome = options.onOutcome ?? (() => {});
    this.#onDrop = options.onDrop ?? (() => {});
    if (!Number.isInteger(this.#capacity) || this.#capacity < 1) {
      throw new RangeError(
        `WebhookSender: capacity must be a positive integer, got ${this.#capacity}`,
      );
    }
    if (!Number.isInteger(this.#retry.attempts) || this.#retry.attempts < 1) {
      throw new RangeError(`WebhookSender: attempts must be ≥ 1, got ${this.#retry.attempts}`);
    }
  }

  /** Alerts dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Alerts the receiver accepted. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Alerts given up on after the last attempt (or refused by the receiver with a 4xx). */
  get failed(): number {
    return this.#failed;
  }

  /** Queues one JSON body; returns false (and counts it) when the queue is full. Never waits. */
  send(body: string): boolean {
    if (this.#stop.signal.aborted) return false;
    if (this.#queue.length >= this.#capacity) {
      this.#dropped++;
      this.#onDrop();
      return false;
    }
    this.#queue.push(body);
    this.#running ??= this.#drain();
    return true;
  }

  /** Resolves once every queued alert was delivered or given up on. */
  idle(): Promise<void> {
    if (this.#running === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Waits up to `timeoutMs` for the queue to drain, then aborts what is left (a shutdown must
   * not hang on a dead receiver). Later {@linkcode WebhookSender.send} calls are ignored.
   */
  async close(timeoutMs = 2_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs));
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    this.#stop.abort();
    this.#queue.length = 0;
    await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#stop.signal.aborted) {
        const body = this.#queue.shift();
        if (body === undefined) break;
        await this.#deliver(body);
      }
    } finally {
      this.#running = undefined;
      const waiting = this.#idle;
      this.#idle = [];
      for (const resolve of waiting) resolve();
    }
  }

  async #deliver(body: string): Promise<void> {
    for (let attempt = 1; attempt <= this.#retry.attempts; attempt++) {
      const result = await this.#post(body);
      if (this.#stop.signal.aborted) return;
      if (result.kind === "ok") {
        this.#delivered++;
        this.#onOutcome("delivered");
        if (attempt > 1) this.#log.info("alert delivered after retries", { attempts: attempt });
        return;
      }
      const last = attempt === this.#retry.attempts || result.kind === "refused";
      this.#log.warn(
        last ? "alert webhook failed; giving up on this alert" : "alert webhook failed; retrying",
        { attempt, attempts: this.#retry.attempts, reason: result.reason },
      );
      if (last) break;
      const delayMs = this.#delay(attempt);
      await sleepUnlessAborted(
        this.#sleeper,
        this.#clock.now() + delayMs * 1000,
        this.#stop.signal,
      );
    }
    this.#failed++;
    this.#onOutcome("failed");
  }

  #delay(attempt: number): number {
    const raw = Math.min(this.#retry.capMs, this.#retry.baseMs * 2 ** (attempt - 1));
    // ±25% so that many processes alerting on one outage do not retry in lockstep.
    return Math.min(this.#retry.capMs, raw * (0.75 + 0.5 * this.#random()));
  }

  async #post(
    body: string,
  ): Promise<
    { readonly kind: "ok" } | { readonly kind: "retry" | "refused"; readonly reason: string }
  > {
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#timeoutMs)]);
    try {
      const response = await fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal,
      });
      await response.body?.cancel();
      if (response.ok) return { kind: "ok" };
      const reason = `HTTP ${response.status}`;
      // A 4xx other than timeout/too-many says the request itself is wrong: resending won't help.
      const permanent = response.status >= 400 && response.status < 500 &&
        response.status !== 408 && response.status !== 429;
      return { kind: permanent ? "refused" : "retry", reason };
    } catch (error) {
      // fetch's errors quote the URL; the URL is the secret.
      let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // "fetch failed" says little; the cause says connection refused, reset, DNS, ...
      if (error instanceof Error && error.cause instanceof Error) {
        message += ` (${error.cause.message})`;
      }
      return { kind: "retry", reason: redactText(message, this.#secrets) };
    }
  }
}
