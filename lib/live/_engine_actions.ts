/**
 * The runtime's actions inside the engine: an operator's halt, a reconciliation's adoption or a
 * shutdown's cancels run as handlers (on a timer of the runtime's own), so what they emit is
 * processed before they return; and an action can wait behind the execution events delivered
 * before it (a marker queued behind them in the inbox).
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Engine } from "../engine/mod.ts";
import type { Inbox } from "../events/mod.ts";

// The owner of the runtime's timers.
const LIVE_OWNER = "@live";
// The tag of an action's timer.
const ACTION_TAG = "action";
// The tag of the marker that runs an action behind the execution events delivered before it.
const DELIVERED_TAG = "delivered";

/** Where the actions' markers go. */
export interface EngineActionsOptions {
  /** The inbox the markers queue in (and the execution lane is drained from). */
  readonly inbox: Inbox;
  /** The session clock (µs), the markers' time. */
  readonly now: () => Micros;
}

/** Runs the runtime's actions inside the engine (see the module doc). */
export class EngineActions {
  /** Whether the runner takes the inbox's events (else the actions drain them themselves). */
  looping = false;
  readonly #engine: Engine;
  readonly #inbox: Inbox;
  readonly #now: () => Micros;
  readonly #actions: (() => void)[] = [];
  // Actions waiting behind the execution events delivered before them (see afterDelivered).
  readonly #delivered: (() => void)[] = [];

  /** Takes the runtime's timers of `engine`; markers go into the inbox, stamped with `now`. */
  constructor(engine: Engine, { inbox, now }: EngineActionsOptions) {
    this.#engine = engine;
    this.#inbox = inbox;
    this.#now = now;
    engine.bus.subscribe("timer", (event) => {
      if (event.owner !== LIVE_OWNER) return;
      const action = event.tag === DELIVERED_TAG ? this.#delivered.shift() : this.#actions.shift();
      action?.();
    });
  }

  /**
   * Runs `action` inside the engine, as a handler: what it emits (order commands, signals) is
   * processed before it returns. From a handler it runs at once.
   */
  run(action: () => void): void {
    const engine = this.#engine;
    if (engine.processing) {
      action();
      return;
    }
    this.#actions.push(action);
    // Processed as an input of its own (a timer of the runtime), so the action runs as a
    // handler and what it emits settles before this returns.
    const now = this.#now();
    engine.process({ kind: "timer", ts: now, tsRecv: now, owner: LIVE_OWNER, tag: ACTION_TAG });
  }

  /**
   * Runs `action` in the engine once every event delivered so far has been handled: before the
   * runner starts by draining the execution lane; while it runs by a marker queued behind them.
   */
  async afterDelivered(action: () => void): Promise<void> {
    if (!this.looping || this.#inbox.closed) {
      await this.drainExecutionLane();
      this.run(action);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.#delivered.push(() => {
        try {
          action();
          resolve();
        } catch (error) {
          reject(error);
        }
      });
      const now = this.#now();
      this.#inbox.offer({
        kind: "timer",
        ts: now,
        tsRecv: now,
        owner: LIVE_OWNER,
        tag: DELIVERED_TAG,
      });
    });
  }

  /** Runs the actions still waiting behind markers the runner will no longer take. */
  runDelivered(): void {
    while (this.#delivered.length > 0) {
      const action = this.#delivered.shift();
      if (action !== undefined) this.run(action);
    }
  }

  /** Before the feeds start only the execution lane has events: handles them now. */
  async drainExecutionLane(): Promise<void> {
    while (this.#inbox.size > 0) {
      const event = await this.#inbox.take();
      if (event === undefined) return;
      this.#engine.process(event);
    }
  }
}
