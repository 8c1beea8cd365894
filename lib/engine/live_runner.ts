/**
 * The live runner drives an {@linkcode Engine} on the wall clock from an async source (the
 * two-lane `Inbox`). Unlike {@linkcode runAsync} it does not wait only for the next event:
 * while it waits it also sleeps until the engine's next scheduled event, so a 50 ms timer
 * fires after 50 ms even when no trade arrives. Before each input it fires the timers already
 * due, so timers and events are processed in wall-clock order.
 *
 * @module
 */

import type { Event } from "../events/mod.ts";
import { EventClock } from "./clock.ts";
import type { Engine } from "./engine.ts";
import type { RunSummary } from "./runner.ts";
import { type Sleeper, WallSleeper } from "./sleeper.ts";

/** Where a live runner takes its events from (an `Inbox` is one). */
export interface LiveSource {
  /** The next event, waiting for one; `undefined` once the source has ended. */
  take(): Promise<Event | undefined>;
  /** Ends the source (called when the run is aborted or fails). */
  close?(): void;
}

/** Options of {@linkcode runLive}. */
export interface LiveRunOptions {
  /** Stops the run, also while it waits for an event or a timer. */
  readonly signal?: AbortSignal;
  /** How to wait for the next timer; the runtime's timers against the engine clock by default. */
  readonly sleeper?: Sleeper;
}

/** What a live run did. */
export interface LiveRunSummary extends RunSummary {
  /** Times the runner woke for a timer rather than an event. */
  readonly timerWakeups: number;
}

// The reason a wait's sleep is released with.
const WOKE = "woke";

type Wake =
  | { readonly kind: "event"; readonly event: Event | undefined }
  | { readonly kind: "timer" }
  | { readonly kind: "aborted" };

/**
 * Runs `engine` on events from `source` until the source ends or `signal` aborts. The engine's
 * clock must be a wall clock (or a {@linkcode ManualClock} in tests): timers are due by its
 * `now()`. Scheduled events are not drained at the end: in live trading a timer that has not
 * come due did not happen. An error in a handler (or a failing `take`) rejects the returned
 * promise; on an abort or an error the source is closed.
 *
 * @throws {TypeError} (rejects) when the engine's clock is an {@linkcode EventClock}.
 *
 * Timers are looked up after each event and each timer, so schedule them from handlers (as
 * strategies and the OMS do); a timer scheduled from outside is noticed at the next wake.
 *
 * @example
 * ```ts
 * import { Engine, runLive, WallClock } from "@tesser/tesser/engine";
 * import { Inbox } from "@tesser/tesser/events";
 * import assert from "node:assert/strict";
 *
 * const clock = new WallClock();
 * const engine = new Engine({ clock });
 * const inbox = new Inbox({ now: () => clock.now() });
 * let fired = 0;
 * engine.bus.subscribe("timer", () => {
 *   fired++;
 *   inbox.close();
 * });
 * engine.schedule(clock.now() + 1_000, {
 *   kind: "timer", ts: clock.now() + 1_000, tsRecv: clock.now() + 1_000, owner: "me", tag: "t",
 * });
 * await runLive(engine, inbox); // ends when the timer closes the inbox
 * assert.equal(fired, 1);
 * ```
 */
export async function runLive(
  engine: Engine,
  source: LiveSource,
  options: LiveRunOptions = {},
): Promise<LiveRunSummary> {
  if (engine.clock instanceof EventClock) {
    // Event time stands still between events: no timer would ever come due.
    throw new TypeError(
      "runLive: the engine runs on an EventClock (event time); a live run needs a WallClock " +
        "(or a ManualClock in tests)",
    );
  }
  const { signal } = options;
  const sleeper = options.sleeper ?? new WallSleeper(engine.clock);
  let inputs = 0;
  let timerWakeups = 0;
  let ended = false;
  // The take in flight: kept across timer wakes, so no event is taken twice or lost.
  let next: Promise<Wake> | undefined;
  try {
    while (true) {
      if (signal?.aborted) return { inputs, aborted: true, timerWakeups };
      engine.advanceTo(engine.now());
      const taking = next ??= source.take().then((event): Wake => ({ kind: "event", event }));
      const due = engine.nextScheduledTime;
      // Everything this wait listens to is released when it ends: a promise that outlives the
      // run (the abort signal) would otherwise collect one reaction per event.
      const stopSleep = new AbortController();
      let onAbort = (): void => {};
      const wake = await new Promise<Wake>((resolve, reject) => {
        onAbort = () => resolve({ kind: "aborted" });
        signal?.addEventListener("abort", onAbort, { once: true });
        // A timer handler may just have aborted the run.
        if (signal?.aborted) onAbort();
        taking.then(resolve, reject);
        if (due !== undefined) {
          sleeper.sleepUntil(due, stopSleep.signal).then(() => resolve({ kind: "timer" }));
        }
      });
      signal?.removeEventListener("abort", onAbort);
      // A reason of our own: the default one is a DOMException, built with a stack per event.
      stopSleep.abort(WOKE);
      switch (wake.kind) {
        case "aborted":
          return { inputs, aborted: true, timerWakeups };
        case "timer":
          timerWakeups++;
          continue;
        case "event": {
          next = undefined;
          if (wake.event === undefined) {
            ended = true;
            return { inputs, aborted: false, timerWakeups };
          }
          engine.advanceTo(engine.now());
          engine.process(wake.event);
          inputs++;
          continue;
        }
        default: {
          const never: never = wake;
          throw new TypeError(`Unknown wake ${JSON.stringify(never)}`);
        }
      }
    }
  } finally {
    // Aborted or failed: end the source too, which also settles the take still in flight.
    if (!ended) source.close?.();
  }
}
