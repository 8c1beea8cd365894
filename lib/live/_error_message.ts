/**
 * What a thrown value says, for a log line or a difference's reason: a venue's, the network's
 * or the store's error is an `Error`, but anything may be thrown, and a log line must not fail.
 *
 * @module
 */

/** `error`'s message when it is an `Error`, else its text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
