/**
 * The bracket's protective stop as Bybit receives it: a conditional order resting at the venue
 * (`triggerPrice`, `triggerDirection`), reduce-only and close-on-trigger. That it rests and
 * fills at the venue on the venue's price, with our process killed, is shown against the
 * simulator in tests/cli/protective_stop_test.ts.
 */

import assert from "node:assert/strict";
import { createOrderBody } from "../../../connectors/bybit/execution_client.ts";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";

const STOP: OrderRequest = {
  clientOrderId: "oms-1-2",
  symbol: "bybit:BTCUSDT",
  side: "sell",
  type: "stop-market",
  quantity: decimal("0.01"),
  triggerPrice: decimal("49000.4"),
  timeInForce: "gtc",
  reduceOnly: true,
};

Deno.test("Bybit: a sell stop leg is a reduce-only, close-on-trigger market order triggered on a fall", () => {
  const body = createOrderBody(STOP);
  assert.deepEqual(JSON.parse(JSON.stringify(body)), {
    category: "linear",
    symbol: "BTCUSDT",
    side: "Sell",
    orderType: "Market",
    qty: "0.01",
    triggerPrice: "49000.4",
    triggerDirection: 2,
    timeInForce: "IOC",
    orderLinkId: "oms-1-2",
    reduceOnly: true,
    closeOnTrigger: true,
  });
});

Deno.test("Bybit: a buy stop (protecting a short) triggers on a rise; a stop-limit keeps its price", () => {
  const body = createOrderBody({
    ...STOP,
    side: "buy",
    type: "stop-limit",
    price: decimal("51010"),
    triggerPrice: decimal("51000"),
  });
  assert.deepEqual(
    [body.orderType, body.price, body.triggerPrice, body.triggerDirection, body.closeOnTrigger],
    ["Limit", "51010", "51000", 1, true],
  );
});

Deno.test("Bybit: an entry stop (not reduce-only) is not close-on-trigger; plain orders carry no trigger", () => {
  assert.equal(createOrderBody({ ...STOP, reduceOnly: false }).closeOnTrigger, undefined);
  const limit = createOrderBody({
    ...STOP,
    type: "limit",
    price: decimal("51000.6"),
    triggerPrice: undefined,
  });
  assert.deepEqual(
    [limit.triggerPrice, limit.triggerDirection, limit.closeOnTrigger, limit.reduceOnly],
    [undefined, undefined, undefined, true],
  );
});
