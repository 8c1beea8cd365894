/**
 * The Bybit connector wired to an in-process simulator (127.0.0.1), as the simulator tests of
 * tests/connectors/bybit and tests/live use it: wall-clock time, one rate-limit share, a short
 * lookup delay, and a private stream that reconnects within milliseconds.
 *
 * @module
 */

import type { BybitCredentials } from "../../../connectors/bybit/signing.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { BybitPrivateStream } from "../../../connectors/bybit/private_stream.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import type { Event } from "../../../lib/events/mod.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The simulator's REST API, signed with `credentials`; each request gives up after `timeoutMs`. */
export function simRest(
  sim: Simulator,
  credentials: BybitCredentials,
  timeoutMs = 2000,
): BybitRest {
  const clock = { now: () => Date.now(), sleep };
  return new BybitRest({
    baseUrl: sim.restUrl,
    credentials,
    limiter: new RateLimiter({ share: 1, clock }),
    now: clock.now,
    sleep,
    timeoutMs,
  });
}

/** An execution client on `rest` (a test that also asks the transport itself passes its own). */
export function simExecutionClientOn(rest: BybitRest): BybitExecutionClient {
  return new BybitExecutionClient(rest, sleep, { lookupDelayMs: 20 });
}

/** An execution client on the simulator's REST API; each request gives up after `timeoutMs`. */
export function simExecutionClient(
  sim: Simulator,
  credentials: BybitCredentials,
  timeoutMs = 2000,
): BybitExecutionClient {
  return simExecutionClientOn(simRest(sim, credentials, timeoutMs));
}

/**
 * A private stream of the simulator to `sink`, not started; its catch-up asks from `sinceMs`
 * (the stream's own default when undefined). Reconnects after 1–5 ms, so tests that drop it
 * many times stay fast.
 */
export function simPrivateStream(
  sim: Simulator,
  credentials: BybitCredentials,
  client: BybitExecutionClient,
  sink: (event: Event) => void,
  sinceMs?: number,
): BybitPrivateStream {
  return new BybitPrivateStream({
    url: sim.wsPrivateUrl,
    credentials,
    client,
    sink,
    sinceMs,
    backoff: { initialMs: 1, factor: 1.5, maxMs: 5 },
  });
}
