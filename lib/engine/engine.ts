/**
 * The synchronous engine core shared by backtest and live. {@linkcode Engine.process} takes one
 * input event, publishes it on the bus, and then settles until quiescent: events that handlers
 * emit while it runs, and scheduled events that fall due by the current time, are processed
 * (FIFO) before it returns, so time never advances with work left over. No `await` inside.
 *
 * @module
 */

import { type Micros, TesserError, toIso } from "../domain/mod.ts";
import { type Event, EventBus } from "../events/mod.ts";
import type { Clock } from "./clock.ts";
import { Scheduler } from "./scheduler.ts";

// Most slots the pending queue keeps between inputs.
const PENDING_KEPT = 1024;

/** Options of {@linkcode Engine}. */
export interface EngineOptions {
  /** The injected time source. */
  readonly clock: Clock;
  /** The bus to publish on; a new one by default. */
  readonly bus?: EventBus;
  /** Most events one input may cascade into before the engine assumes a loop (default 1,000,000). */
  readonly maxCascade?: number;
}

/**
 * The engine. Components subscribe on {@linkcode Engine.bus} and react by calling
 * {@linkcode Engine.emit} (same time) or {@linkcode Engine.schedule} (later).
 *
 * @example
 * ```ts
 * import { Engine, EventClock } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * const engine = new Engine({ clock: new EventClock() });
 * const seen: string[] = [];
 * engine.bus.subscribeAll((event) => seen.push(event.kind));
 * engine.process({ kind: "timer", ts: 1, tsRecv: 1, owner: "me", tag: "t" });
 * assert.deepEqual(seen, ["timer"]);
 * ```
 */
export class Engine {
  /** Where every processed event is published, in processing order (the audit stream). */
  readonly bus: EventBus;
  /** The injected clock. */
  readonly clock: Clock;
  readonly #scheduler = new Scheduler();
  readonly #maxCascade: number;
  // A queue that keeps its backing store: truncating it (`length = 0`) would free the store,
  // and every input that cascades (a bar with a signal) would grow a new one. Slots are
  // cleared as they are taken, so no event is kept alive.
  readonly #pending: (Event | undefined)[] = [];
  #pendingHead = 0;
  #pendingTail = 0;
  #processing = false;
  #processed = 0;

  /** Makes an idle engine around the injected clock. */
  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.bus = options.bus ?? new EventBus();
    this.#maxCascade = options.maxCascade ?? 1_000_000;
  }

  /** The current time according to the clock. */
  now(): Micros {
    return this.clock.now();
  }

  /**
   * Whether a `process` call is under way: an adapter that reports from both inside handlers
   * and outside uses it to choose `emit` (inside) or `process` (outside).
   */
  get processing(): boolean {
    return this.#processing;
  }

  /** Events published so far (inputs, emitted and scheduled). */
  get processed(): number {
    return this.#processed;
  }

  /** Events scheduled for later. */
  get scheduled(): number {
    return this.#scheduler.size;
  }

  /** When the next scheduled event is due, if any. */
  get nextScheduledTime(): Micros | undefined {
    return this.#scheduler.nextTime;
  }

  /**
   * Processes one input event: first the scheduled events due by its time, then the event
   * itself, then everything that cascades from it at the same time.
   *
   * @throws {Error} when called from inside a handler (re-entrancy would reorder events).
   */
  process(event: Event): void {
    this.#enter();
    try {
      if (this.#scheduler.size !== 0) this.#fireDue(event.ts);
      this.clock.observe(event.ts);
      this.#dispatch(event);
      // Most inputs (a bar no order acts on) cascade into nothing: no settle pass for them.
      if (this.#pendingTail !== 0 || this.#scheduler.size !== 0) this.#settle();
    } finally {
      this.#leave();
    }
  }

  /** Processes every scheduled event due at or before `ts` (a live runner's timer tick). */
  advanceTo(ts: Micros): void {
    this.#enter();
    try {
      this.#fireDue(ts);
    } finally {
      this.#leave();
    }
  }

  /** Processes every scheduled event, however late (the end of a backtest). */
  drain(): void {
    this.advanceTo(Number.MAX_SAFE_INTEGER);
  }

  /**
   * Queues an event to be processed at the current time, after the event being handled.
   *
   * @throws {Error} outside `process` (inputs go through `process`).
   */
  emit(event: Event): void {
    if (!this.#processing) {
      throw new Error("Engine.emit may only be called by a handler during Engine.process");
    }
    this.#pending[this.#pendingTail++] = event;
  }

  /**
   * Queues an event for time `at`; it is processed once the engine reaches that time.
   *
   * @throws {RangeError} when `at` is in the past.
   */
  schedule(at: Micros, event: Event): void {
    const now = this.clock.now();
    if (!Number.isSafeInteger(at) || at < now) {
      throw new RangeError(
        `Engine.schedule: time ${at} is not an integer at or after now (${now})`,
      );
    }
    this.#scheduler.schedule(at, event);
  }

  /**
   * Queues `make(due)` for `due`: `at`, or now when `at` has already passed. On a wall clock
   * time moves while a handler runs, so a time "not before now" that a handler computed from
   * its own reading may be past by the time it is scheduled; this reads the clock once.
   *
   * @throws {RangeError} when `at` is not an integer.
   */
  scheduleNotBeforeNow(at: Micros, make: (due: Micros) => Event): void {
    if (!Number.isSafeInteger(at)) {
      throw new RangeError(`Engine.scheduleNotBeforeNow: time ${at} is not an integer`);
    }
    const due = Math.max(at, this.clock.now());
    this.#scheduler.schedule(due, make(due));
  }

  #enter(): void {
    if (this.#processing) {
      throw new Error("Engine.process is not re-entrant: handlers must use emit or schedule");
    }
    this.#processing = true;
  }

  // Also after a handler threw: events it emitted must not leak into the next input.
  #leave(): void {
    this.#processing = false;
    if (this.#pendingTail > 0) {
      this.#pending.fill(undefined, this.#pendingHead, this.#pendingTail);
      this.#pendingHead = 0;
      this.#pendingTail = 0;
    }
  }

  #fireDue(ts: Micros): void {
    let due = this.#scheduler.popDue(ts);
    while (due !== undefined) {
      this.clock.observe(due.at);
      this.#dispatch(due.event);
      this.#settle();
      due = this.#scheduler.popDue(ts);
    }
  }

  #dispatch(event: Event): void {
    this.#processed++;
    try {
      this.bus.publish(event);
    } catch (error) {
      throw withEventContext(error, event);
    }
  }

  // Emitted events first (FIFO), then zero-delay scheduled events, until nothing is left.
  #settle(): void {
    let cascade = 0;
    while (true) {
      while (this.#pendingHead < this.#pendingTail) {
        const next = this.#pending[this.#pendingHead] as Event;
        this.#pending[this.#pendingHead++] = undefined;
        if (++cascade > this.#maxCascade) this.#runaway();
        this.#dispatch(next);
      }
      if (this.#pendingHead > 0) {
        this.#pendingHead = 0;
        this.#pendingTail = 0;
        // A rare long cascade (a flatten of many orders) does not keep its large store.
        if (this.#pending.length > PENDING_KEPT) this.#pending.length = 0;
      }
      if (this.#scheduler.size === 0) return;
      const due = this.#scheduler.popDue(this.clock.now());
      if (due === undefined) return;
      if (++cascade > this.#maxCascade) this.#runaway();
      this.#dispatch(due.event);
    }
  }

  #runaway(): never {
    throw new Error(
      `Engine: one input cascaded into more than ${this.#maxCascade} events; a handler is probably re-emitting in a loop`,
    );
  }
}

/**
 * A handler's unexpected error (a strategy's bug, say) with the event it failed on, so the one
 * line the user sees says when and on what. Tesser's own errors already say what and where.
 */
function withEventContext(error: unknown, event: Event): unknown {
  if (error instanceof TesserError || !(error instanceof Error)) return error;
  const at = Number.isSafeInteger(event.ts) ? toIso(event.ts) : String(event.ts);
  const wrapped = new Error(
    `${error.message} (while handling the ${event.kind} event at ${at})`,
    { cause: error },
  );
  wrapped.name = error.name;
  return wrapped;
}
