/**
 * Bybit's retCodes for the matching core's refusals [doc: docs/v5/error.mdx].
 *
 * @module
 */

import type { RejectReason } from "../exchange_types.ts";

/** The retCode Bybit answers for `reason`. */
export function bybitCode(reason: RejectReason): number {
  switch (reason) {
    case "unknown-symbol":
    case "invalid-request":
    case "max-quantity":
    case "leverage":
      return 10001;
    case "price":
      return 110003;
    case "quantity":
    case "reduce-only":
      return 110017;
    case "min-notional":
      return 110094;
    case "duplicate-client-id":
      return 110072;
    case "insufficient-margin":
      return 110007;
    case "order-not-found":
    case "order-closed":
      return 110001;
    case "too-many-orders":
      return 110020;
    case "post-only-would-take":
    case "fok-unfilled":
      // Bybit accepts these and cancels them; the core never refuses them with Bybit's rules.
      return 10001;
    default: {
      const never: never = reason;
      throw new TypeError(`Unknown reject reason ${String(never)}`);
    }
  }
}
