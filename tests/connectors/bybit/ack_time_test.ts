/**
 * The time a Bybit REST acknowledgement carries. The create answer holds no venue time of the
 * order, and a market order is often filled before the answer is back: an acknowledgement
 * stamped with the time the answer arrived is "newer" than the venue's own Filled report, so
 * the OMS took the Filled report for a stale one and kept a filled order open (found by the
 * 50-fault `live run` test: a private-stream reconnect delivered the Filled report after the
 * REST answer, and the reconciliation then halted trading on the "missing" order for good).
 */

import assert from "node:assert/strict";
import { decimal, type Order, type OrderRequest } from "../../../lib/domain/mod.ts";
import { OrderTracker } from "../../../lib/execution/order_tracker.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { ok, startFakeBybit, TEST_KEY, TEST_SECRET } from "./_fake_bybit.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const REQUEST: OrderRequest = {
  clientOrderId: "tsr-ack_1",
  symbol: "bybit:BTCUSDT",
  side: "buy",
  type: "market",
  quantity: decimal("0.01"),
  timeInForce: "ioc",
  reduceOnly: false,
};

Deno.test("Bybit placeOrder stamps its acknowledgement with the time the request left, so the venue's Filled report made meanwhile is not taken for a stale one", async () => {
  const fake = startFakeBybit();
  try {
    // One clock for us and the venue (offset 0), moved by the test: the answer takes 1 s.
    let nowMs = 1_700_000_000_000;
    const sentMs = nowMs;
    const filledAtMs = sentMs + 10;
    fake.route(
      "/v5/market/time",
      () => ok({ timeSecond: String(Math.floor(nowMs / 1000)), timeNano: `${nowMs}000000` }),
    );
    fake.route("/v5/order/create", () => {
      nowMs = sentMs + 1000;
      return ok({ orderId: "42", orderLinkId: REQUEST.clientOrderId });
    });
    const clock = { now: () => nowMs, sleep };
    const rest = new BybitRest({
      baseUrl: fake.url,
      credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    });
    await rest.syncTime();
    assert.equal(rest.offsetMs, 0);
    const ack = await new BybitExecutionClient(rest, sleep).placeOrder(REQUEST);
    assert.equal(ack.status, "accepted");
    assert.equal(ack.updatedTs, sentMs * 1000, "stamped when the request left");
    // The venue's Filled report carries the time of the fill, before the answer was back.
    const filled: Order = {
      ...ack,
      status: "filled",
      filledQuantity: decimal("0.01"),
      averagePrice: decimal("50000"),
      updatedTs: filledAtMs * 1000,
    };
    const tracker = new OrderTracker();
    tracker.sent(REQUEST, 0);
    assert.equal(tracker.report(ack).kind, "applied");
    assert.equal(tracker.report(filled).kind, "finished", "the Filled report finishes the order");
  } finally {
    await fake.close();
  }
});
