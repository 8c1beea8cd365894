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

/**
 * Like {@link until} for a session fed by hand: runs `pump` (which hands the queued events to
 * the session) before each look and once more at the end, so what arrived meanwhile is
 * processed; fails naming `what` after `ms`.
 */
export async function pumpUntil(
  predicate: () => boolean,
  pump: () => void,
  what: string,
  ms = 10_000,
): Promise<void> {
  await until(
    () => {
      pump();
      return predicate();
    },
    what,
    ms,
    5,
  );
  pump();
}
