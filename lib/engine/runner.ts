/**
 * Runners drive an {@linkcode Engine} from a source of input events: {@linkcode runSync} over an
 * `Iterable` (backtests) and {@linkcode runAsync} over an `AsyncIterable` (live feeds). Both
 * call the same `process`, so the same inputs give the same audit stream. A source may also
 * yield a bare time ({@linkcode RunInput}): the engine then advances to it, firing the scheduled
 * events due by then, with no input event (a data loop whose venue acts between two inputs).
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Event } from "../events/mod.ts";
import type { Engine } from "./engine.ts";

/** What a source gives a runner: an input event, or a time to advance the engine to. */
export type RunInput = Event | Micros;

/**
 * A pull source of runner inputs for {@linkcode runSync} that allocates nothing per input: a
 * data loop implements {@linkcode InputSource.take} (the next input, or undefined at its end)
 * and does its own work (a venue walking a bar, equity marks) between two calls, which always
 * come between two `process` calls.
 *
 * @example
 * ```ts
 * import { Engine, EventClock, InputSource, type RunInput, runSync } from "@tesser/tesser/engine";
 * import assert from "node:assert/strict";
 *
 * class Ticks extends InputSource {
 *   #left = 3;
 *   take(): RunInput | undefined {
 *     return this.#left-- > 0 ? { kind: "timer", ts: 1, tsRecv: 1, owner: "me", tag: "t" } : undefined;
 *   }
 * }
 * assert.equal(runSync(new Engine({ clock: new EventClock() }), new Ticks()).inputs, 3);
 * ```
 */
export abstract class InputSource implements Iterator<RunInput>, Iterable<RunInput> {
  // One result object for the whole run: the runner reads it before asking again.
  readonly #result: { done: boolean; value: RunInput } = { done: false, value: 0 };

  /** The next input, or undefined when the source has no more for now. */
  abstract take(): RunInput | undefined;

  /** The iterator protocol over {@linkcode InputSource.take}. */
  next(): IteratorResult<RunInput> {
    const input = this.take();
    const result = this.#result;
    if (input === undefined) {
      result.done = true;
      result.value = 0;
    } else {
      result.done = false;
      result.value = input;
    }
    return result;
  }

  /** The source itself. */
  [Symbol.iterator](): this {
    return this;
  }
}

/** What a run did. */
export interface RunSummary {
  /** Input events taken from the source. */
  readonly inputs: number;
  /** Whether the run stopped because its signal was aborted. */
  readonly aborted: boolean;
}

/** Options shared by the runners. */
export interface RunOptions {
  /** Process the scheduled events left at the end (default true: a backtest's tail). */
  readonly drainScheduled?: boolean;
  /** Stops the run between two events. */
  readonly signal?: AbortSignal;
}

/** Drives `engine` with every input of `events`, synchronously. */
export function runSync(
  engine: Engine,
  events: Iterable<RunInput>,
  options: RunOptions = {},
): RunSummary {
  let inputs = 0;
  const signal = options.signal;
  for (const input of events) {
    if (signal?.aborted) return { inputs, aborted: true };
    feed(engine, input);
    inputs++;
  }
  if (options.drainScheduled ?? true) engine.drain();
  return { inputs, aborted: false };
}

/**
 * Drives `engine` with the events of an async source until it ends or `signal` aborts; an
 * abort also interrupts the wait for the next event. On an abort or a handler error the source
 * is closed (`return()`).
 */
export async function runAsync(
  engine: Engine,
  events: AsyncIterable<RunInput>,
  options: RunOptions = {},
): Promise<RunSummary> {
  const { signal } = options;
  const iterator = events[Symbol.asyncIterator]();
  const aborted = new Promise<"aborted">((resolve) => {
    if (signal?.aborted) resolve("aborted");
    signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  let inputs = 0;
  let exhausted = false;
  try {
    while (true) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === "aborted") return { inputs, aborted: true };
      if (next.done === true) {
        exhausted = true;
        break;
      }
      feed(engine, next.value);
      inputs++;
    }
  } finally {
    // Aborted or failed: close the source (a live feed) too. Not awaited, because a pending
    // next() would make return() wait for the source.
    if (!exhausted) iterator.return?.()?.catch(() => {});
  }
  if (options.drainScheduled ?? true) engine.drain();
  return { inputs, aborted: false };
}

function feed(engine: Engine, input: RunInput): void {
  if (typeof input === "number") engine.advanceTo(input);
  else engine.process(input);
}
