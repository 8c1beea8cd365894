/**
 * A market feed run under the {@linkcode Supervisor}: a `MarketStream` the runtime pumps like
 * any other, made of successive connector streams. Each supervised run makes a new stream from
 * the factory, subscribes it and reports `up()`; the connector's own reconnects (it reports
 * `down`, then `up` once resubscribed) are reported to the supervisor, which counts a failure
 * only for a backoff spent down; a stream that ends by itself ends the run, and the supervisor
 * starts a new one after its backoff. When the task's circuit opens the stream is closed and no
 * other is made: the feed stays silent (the data-gap alert says so) while the process stays up.
 * Every market-data event is reported with its symbol and receive time (the data-gap watch)
 * and every connectivity change to an observer (reconnect metrics, disconnect storms).
 *
 * @module
 */

import type { MarketStream, MarketSubscription } from "../broker/mod.ts";
import { ExchangeError, type Micros, type SymbolId } from "../domain/mod.ts";
import type { ConnectivityEvent, Event } from "../events/mod.ts";
import type { SupervisedTaskContext, Supervisor } from "./ops/supervisor.ts";
import { marketDataSymbol } from "./supervised_data_gap.ts";

/** Options of {@linkcode SupervisedMarketStream}. */
export interface SupervisedFeedOptions {
  /** Runs the feed's task. */
  readonly supervisor: Supervisor;
  /** Makes a new connector stream (one per supervised run). */
  readonly create: () => MarketStream;
  /** The venue (the streams' `venue`). */
  readonly venue: string;
  /** The task's name (default `market:<venue>`). */
  readonly name?: string;
  /** Market data of `symbol` received at `at` (µs). */
  readonly onData?: (symbol: SymbolId, at: Micros) => void;
  /** Every connectivity change the streams report. */
  readonly onConnectivity?: (event: ConnectivityEvent) => void;
  /** Called once, when the first stream is subscribed (the data-gap watch starts then). */
  readonly onSubscribed?: () => void;
}

interface Handover {
  readonly stream: MarketStream;
  readonly context: SupervisedTaskContext;
  readonly ended: () => void;
}

/**
 * A supervised market feed (see the module doc).
 *
 * @example
 * ```ts
 * import { SupervisedMarketStream, Supervisor, RandomWalkMarket } from "@tesser/tesser/live";
 * import { WallClock, WallSleeper } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const clock = new WallClock();
 * const sleeper = new WallSleeper(clock);
 * const supervisor = new Supervisor({ clock, sleeper });
 * const feed = new SupervisedMarketStream({
 *   supervisor,
 *   venue: "paper",
 *   create: () =>
 *     new RandomWalkMarket({
 *       venue: "paper",
 *       startPrice: 100,
 *       volatility: 0.001,
 *       intervalMs: 1,
 *       clock,
 *       sleeper,
 *     }),
 * });
 * await feed.subscribe([{ symbol: "paper:BTCUSDT", channels: ["trades"] }]);
 * for await (const event of feed.events()) {
 *   assert.equal(event.kind, "trade");
 *   break;
 * }
 * assert.equal(supervisor.status()[0].state, "up");
 * await feed.close();
 * await supervisor.stop();
 * ```
 */
export class SupervisedMarketStream implements MarketStream {
  /** The venue. */
  readonly venue: string;
  /** The supervised task's name. */
  readonly name: string;
  readonly #options: SupervisedFeedOptions;
  readonly #subscriptions: MarketSubscription[] = [];
  #started = false;
  #closed = false;
  #current: MarketStream | undefined;
  #pending: Handover | undefined;
  #waiting: ((handover: Handover | undefined) => void) | undefined;
  #readyResolve: (() => void) | undefined;
  #readyReject: ((error: Error) => void) | undefined;
  readonly #ready: Promise<void>;

  /** Makes the feed; the first {@linkcode SupervisedMarketStream.subscribe} starts its task. */
  constructor(options: SupervisedFeedOptions) {
    this.#options = options;
    this.venue = options.venue;
    this.name = options.name ?? `market:${options.venue}`;
    this.#ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    // A close before anyone awaited the subscription is no unhandled rejection.
    this.#ready.catch(() => {});
  }

  /**
   * Adds subscriptions. The first call starts the supervised task and resolves once a stream
   * is subscribed; a subscription the venue refuses rejects it.
   */
  async subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    if (this.#closed) throw new TypeError("SupervisedMarketStream: subscribe after close");
    this.#subscriptions.push(...subscriptions);
    if (!this.#started) {
      this.#started = true;
      this.#options.supervisor.start({ name: this.name, run: (context) => this.#run(context) });
      return await this.#ready;
    }
    await this.#ready;
    await this.#current?.subscribe(subscriptions);
  }

  /** The events of every stream the task made, in order, until close. One consumer only. */
  events(): AsyncIterable<Event> {
    return this.#generate();
  }

  /** Stops the task for good and closes the current stream. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#readyReject?.(new TypeError("SupervisedMarketStream: closed before it was subscribed"));
    this.#settleReady();
    if (this.#started) await this.#options.supervisor.stopTask(this.name);
    await this.#current?.close().catch(() => {});
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(undefined);
  }

  async #run(context: SupervisedTaskContext): Promise<void> {
    const stream = this.#options.create();
    this.#current = stream;
    let ended = (): void => {};
    const endedByItself = new Promise<void>((resolve) => ended = resolve);
    const aborted = new Promise<void>((resolve) =>
      context.signal.addEventListener("abort", () => resolve(), { once: true })
    );
    // Hand the stream to the consumer before subscribing: the connector reports its
    // (re)connects through its events, and they must be read while the subscribe waits.
    this.#handOver({ stream, context, ended });
    try {
      try {
        await Promise.race([stream.subscribe(this.#subscriptions), aborted]);
        if (!context.signal.aborted) {
          context.up();
          this.#subscribed();
        }
      } catch (error) {
        // A refusal will be refused again (a symbol or topic the venue does not have): the
        // start fails with it. A link lost before the answer is not one: the connector
        // reconnects and resubscribes by itself, and its `up` will say so.
        if (error instanceof ExchangeError && error.kind === "invalid-request") {
          this.#readyReject?.(error);
          this.#settleReady();
          throw error;
        }
      }
      await Promise.race([endedByItself, aborted]);
    } finally {
      await stream.close().catch(() => {});
    }
  }

  #subscribed(): void {
    const resolve = this.#readyResolve;
    this.#settleReady();
    if (resolve === undefined) return;
    resolve();
    this.#options.onSubscribed?.();
  }

  #settleReady(): void {
    this.#readyResolve = undefined;
    this.#readyReject = undefined;
  }

  #handOver(handover: Handover): void {
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting(handover);
      return;
    }
    this.#pending = handover;
  }

  #next(): Promise<Handover | undefined> {
    if (this.#closed) return Promise.resolve(undefined);
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      return Promise.resolve(pending);
    }
    return new Promise((resolve) => this.#waiting = resolve);
  }

  async *#generate(): AsyncGenerator<Event> {
    for (;;) {
      const handover = await this.#next();
      if (handover === undefined) return;
      try {
        for await (const event of handover.stream.events()) {
          this.#observe(event, handover.context);
          yield event;
        }
      } finally {
        handover.ended();
      }
      if (this.#closed) return;
    }
  }

  #observe(event: Event, context: SupervisedTaskContext): void {
    if (event.kind === "connectivity") {
      this.#options.onConnectivity?.(event);
      // Per-symbol notices (a book resynchronising) are not about the link.
      if (event.symbol !== undefined || event.channel !== "market") return;
      if (event.state === "up") {
        context.up();
        this.#subscribed();
      } else if (event.state === "down") context.down(event.reason ?? "connection lost");
      return;
    }
    const symbol = marketDataSymbol(event);
    if (symbol !== undefined) this.#options.onData?.(symbol, event.tsRecv);
  }
}
