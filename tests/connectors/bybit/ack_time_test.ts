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
    let filledAtMs = 0;
    fake.route("/v5/order/create", async () => {
      // The venue fills the order, then its answer takes a while.
      filledAtMs = Date.now();
      await sleep(60);
      return ok({ orderId: "42", orderLinkId: REQUEST.clientOrderId });
    });
    const clock = { now: () => Date.now(), sleep };
    const rest = new BybitRest({
      baseUrl: fake.url,
      credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    });
    await rest.syncTime();
    const ack = await new BybitExecutionClient(rest, sleep).placeOrder(REQUEST);
    assert.equal(ack.status, "accepted");
    // The Filled report carries the venue's time of the fill; the clock offset to the fake is
    // measured to about a millisecond, the answer took 60.
    const filled: Order = {
      ...ack,
      status: "filled",
      filledQuantity: decimal("0.01"),
      averagePrice: decimal("50000"),
      updatedTs: (filledAtMs + 5) * 1000,
    };
    assert.ok(
      ack.updatedTs < filled.updatedTs,
      `the ack (${ack.updatedTs}) must not be newer than the venue's fill (${filled.updatedTs})`,
    );
    const tracker = new OrderTracker();
    tracker.sent(REQUEST, 0);
    assert.equal(tracker.report(ack).kind, "applied");
    assert.equal(tracker.report(filled).kind, "finished", "the Filled report finishes the order");
  } finally {
    await fake.close();
  }
});
