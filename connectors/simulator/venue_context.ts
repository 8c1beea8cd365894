/**
 * What a venue's REST and WebSocket layers share: the matching core, the market feed, the
 * fault control, the venue clock (which the clock-skew fault shifts) and the rate limiter.
 *
 * @module
 */

import type { SkewedClock } from "./clock.ts";
import type { SimExchange } from "./exchange.ts";
import type { FaultController } from "./faults.ts";
import type { MarketFeed } from "./market_feed.ts";
import type { RateLimiter } from "./rate_limit.ts";

/** The shared state of one simulated venue. */
export interface VenueContext {
  /** Matching core, accounts and ledger. */
  readonly core: SimExchange;
  /** The market. */
  readonly feed: MarketFeed;
  /** Fault control and log. */
  readonly faults: FaultController;
  /** The venue's clock. */
  readonly clock: SkewedClock;
  /** Rate limits. */
  readonly limits: RateLimiter;
  /** When the venue started, ms (instrument launch times). */
  readonly startedAt: number;
}

/** The account whose API key is `apiKey`, if any. */
export function accountByKey(context: VenueContext, apiKey: string): number | undefined {
  const found = context.core.accounts().find((account) => account.apiKey === apiKey);
  return found?.id;
}
