/**
 * Waiting in tests for something another task brings about (a simulator, a live session, a
 * child process): polls `predicate` until it holds, and fails naming `what` after `ms`, so no
 * test waits without bound.
 *
 * @module
 */

/** Resolves once `predicate()` holds; rejects with `timed out waiting for <what>` after `ms`. */
export async function until(
  predicate: () => boolean,
  what: string,
  ms = 5000,
  pollMs = 10,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
