/**
 * A venue query as a pass takes it: its value, or why it is unknown. A query that failed is
 * never read as an empty answer (an empty position list would be adopted as flat), so every
 * answer says which of the two it is.
 *
 * @module
 */

import { knownReport, unknownReport, type VenueAnswer } from "../portfolio/mod.ts";
import { errorMessage } from "./_error_message.ts";

/** `query`'s value, or an unknown answer naming `what` failed and why. */
export async function answer<T>(what: string, query: () => Promise<T>): Promise<VenueAnswer<T>> {
  try {
    return knownReport(await query());
  } catch (error) {
    return unknownReport(`${what}: ${errorMessage(error)}`);
  }
}

/** `venue`'s value through `map`; an unknown answer stays unknown, with its reason. */
export function mapAnswer<T, U>(venue: VenueAnswer<T>, map: (value: T) => U): VenueAnswer<U> {
  return venue.status === "known" ? knownReport(map(venue.value)) : venue;
}
