/**
 * The receive time of a REST answer, carried on the response itself. A recording `fetch`
 * (connectors/recording) stamps the body it records with its receive time and sets this header
 * on the response it hands on, so the connector that derives events from the body (a depth
 * snapshot, say) stamps them with that recorded time — the time a replay of the recording gives
 * them — instead of reading the clock again a few awaits later.
 *
 * @module
 */

/** Header holding the receive time, in µs since the epoch, that a recording gave this body. */
export const RECORDED_RECEIVE_HEADER = "x-tesser-recorded-receive-us";

/**
 * The receive time (ms) of a response: the recorded one when a recording tapped it, otherwise
 * `now()`, read when the caller has the body.
 */
export function receiveTimeMs(headers: Headers, now: () => number): number {
  const recorded = headers.get(RECORDED_RECEIVE_HEADER);
  if (recorded === null) return now();
  const us = Number(recorded);
  return Number.isFinite(us) ? us / 1000 : now();
}
