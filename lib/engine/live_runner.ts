/**
 * The live runner drives an {@linkcode Engine} on the wall clock from an async source (the
 * two-lane `Inbox`). Unlike {@linkcode runAsync} it does not wait only for the next event:
 * while it waits it also sleeps until the engine's next scheduled event, so a 50 ms timer
 * fires after 50 ms even when no trade arrives. Before each input it fires the timers already
 * due, so timers and events are processed in wall-clock order.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
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
  // The wait in progress, settled by whichever of its causes comes first; the others find it
  // gone. One listener on the signal for the whole run, not one per wait.
  let settle: ((wake: Wake) => void) | undefined;
  let fail: ((error: unknown) => void) | undefined;
  const wake = (cause: Wake): void => {
    const resolve = settle;
    settle = fail = undefined;
    resolve?.(cause);
  };
  const onAbort = (): void => wake({ kind: "aborted" });
  signal?.addEventListener("abort", onAbort, { once: true });
  // The take in flight: kept across timer wakes, so no event is taken twice or lost. Its
  // outcome goes straight to the wait (no promise in between), or waits for the next one.
  let taking = false;
  let taken: { readonly event: Event | undefined } | { readonly error: unknown } | undefined;
  const take = (): void => {
    taking = true;
    source.take().then((event) => {
      taking = false;
      if (settle !== undefined) wake({ kind: "event", event });
      else taken = { event };
    }, (error: unknown) => {
      taking = false;
      const reject = fail;
      settle = fail = undefined;
      if (reject !== undefined) reject(error);
      else taken = { error };
    });
  };
  // The sleep until the engine's next timer stays armed while that time stays the same: most
  // events schedule nothing, and re-arming a runtime timer per event costs more than the event.
  let armed: { readonly at: Micros; readonly stop: AbortController } | undefined;
  const disarm = (): void => {
    // A reason of our own: the default one is a DOMException, built with a stack each time.
    armed?.stop.abort(WOKE);
    armed = undefined;
  };
  const arm = (at: Micros | undefined): void => {
    if (armed?.at === at) return;
    disarm();
    if (at === undefined) return;
    const sleep = { at, stop: new AbortController() };
    armed = sleep;
    sleeper.sleepUntil(at, sleep.stop.signal).then(() => {
      if (armed !== sleep) return;
      armed = undefined;
      // Between two waits nobody listens: the next turn of the loop fires the timer anyway.
      wake({ kind: "timer" });
    });
  };
  try {
    while (true) {
      if (signal?.aborted) return { inputs, aborted: true, timerWakeups };
      engine.advanceTo(engine.now());
      // A timer handler may just have aborted the run.
      if (signal?.aborted) return { inputs, aborted: true, timerWakeups };
      if (!taking && taken === undefined) take();
      arm(engine.nextScheduledTime);
      let next: Wake;
      const ready = taken;
      if (ready !== undefined) {
        taken = undefined;
        if ("error" in ready) throw ready.error;
        next = { kind: "event", event: ready.event };
      } else {
        next = await new Promise<Wake>((resolve, reject) => {
          settle = resolve;
          fail = reject;
        });
      }
      switch (next.kind) {
        case "aborted":
          return { inputs, aborted: true, timerWakeups };
        case "timer":
          timerWakeups++;
          continue;
        case "event": {
          if (next.event === undefined) {
            ended = true;
            return { inputs, aborted: false, timerWakeups };
          }
          engine.advanceTo(engine.now());
          engine.process(next.event);
          inputs++;
          continue;
        }
        default: {
          const never: never = next;
          throw new TypeError(`Unknown wake ${JSON.stringify(never)}`);
        }
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    disarm();
    // Aborted or failed: end the source too, which also settles the take still in flight.
    if (!ended) source.close?.();
  }
}
