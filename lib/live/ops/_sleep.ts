/**
 * Waiting on a {@linkcode Sleeper} that also ends when a signal aborts: a Sleeper's cancelled
 * wait never settles, and a loop that must wind down on shutdown cannot await one forever.
 *
 * @module
 */

import type { Micros } from "../../domain/mod.ts";
import type { Sleeper } from "../../engine/mod.ts";

/** Resolves when the sleeper reaches `at` or when `signal` aborts, whichever comes first. */
export function sleepUnlessAborted(
  sleeper: Sleeper,
  at: Micros,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void sleeper.sleepUntil(at, signal).then(done);
  });
}
