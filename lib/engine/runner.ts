/**
 * Runners drive an {@linkcode Engine} from a source of input events: {@linkcode runSync} over an
 * `Iterable` (backtests) and {@linkcode runAsync} over an `AsyncIterable` (live feeds). Both
 * call the same `process`, so the same inputs give the same audit stream.
 *
 * @module
 */

import type { Event } from "../events/mod.ts";
import type { Engine } from "./engine.ts";

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

/** Drives `engine` with every event of `events`, synchronously. */
export function runSync(
  engine: Engine,
  events: Iterable<Event>,
  options: RunOptions = {},
): RunSummary {
  let inputs = 0;
  for (const event of events) {
    if (options.signal?.aborted) return { inputs, aborted: true };
    engine.process(event);
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
  events: AsyncIterable<Event>,
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
      engine.process(next.value);
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
