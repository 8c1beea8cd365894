/**
 * Binance's error codes and messages for the matching core's refusals [doc: USDⓈ-M error
 * codes].
 *
 * @module
 */

import type { Rejection } from "../exchange_types.ts";
import { BinanceError } from "./rest_types.ts";

/** The Binance error for a refusal; `action` picks the code of unknown orders. */
export function binanceError(
  rejection: Rejection,
  action: "place" | "query" | "cancel" | "amend" = "place",
): BinanceError {
  switch (rejection.reason) {
    case "unknown-symbol":
      return new BinanceError(-1121, "Invalid symbol.");
    case "invalid-request":
      return new BinanceError(-1106, `Parameter not required or invalid: ${rejection.message}.`);
    case "quantity":
      return rejection.rule === "lot"
        ? new BinanceError(-4023, "Quantity not increased by step size.")
        : rejection.rule === "min-quantity"
        ? new BinanceError(-4004, "Quantity less than min quantity.")
        : new BinanceError(-4003, "Quantity less than or equal to zero.");
    case "price":
      return rejection.rule === "tick"
        ? new BinanceError(-4014, "Price not increased by tick size.")
        : new BinanceError(-4001, "Price less than 0.");
    case "max-quantity":
      return new BinanceError(-4005, "Quantity greater than max quantity.");
    case "min-notional":
      return new BinanceError(
        -4164,
        "Order's notional must be no smaller than 5 (unless you choose reduce only).",
      );
    case "duplicate-client-id":
      return new BinanceError(-4116, "ClientOrderId is duplicated.");
    case "insufficient-margin":
      return new BinanceError(-2019, "Margin is insufficient.");
    case "reduce-only":
      return new BinanceError(-2022, "ReduceOnly Order is rejected.");
    case "post-only-would-take":
      return new BinanceError(
        -5022,
        "Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history",
      );
    case "fok-unfilled":
      return new BinanceError(
        -5021,
        "Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history",
      );
    case "order-not-found":
    case "order-closed":
      return action === "cancel"
        ? new BinanceError(-2011, "Unknown order sent.")
        : new BinanceError(-2013, "Order does not exist.");
    case "too-many-orders":
      return new BinanceError(-2025, "Reach max open order limit.");
    case "leverage":
      return new BinanceError(-4028, `Leverage is not valid: ${rejection.message}.`);
    default: {
      const never: never = rejection.reason;
      throw new TypeError(`Unknown reject reason ${String(never)}`);
    }
  }
}
