/**
 * File helpers shared by the writers: temp names next to the target and quiet removal, so
 * outputs appear atomically (write temp, then rename).
 *
 * @module
 */

/** A unique temp path in the same directory as `path` (so the rename stays on one disk). */
export function tempPathFor(path: string): string {
  const suffix = crypto.randomUUID().slice(0, 8);
  return `${path}.tmp-${suffix}`;
}

/** Removes `path`, ignoring a missing file. */
export async function removeQuietly(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
