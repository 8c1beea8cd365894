import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/decimal.ts";
import {
  canTransition,
  isTerminal,
  type Order,
  ORDER_STATUSES,
  type OrderStatus,
  transitionOrder,
} from "../../../lib/domain/order.ts";

const STATUSES: readonly OrderStatus[] = ORDER_STATUSES;

const ORDER: Order = {
  id: "v-1",
  request: {
    clientOrderId: "c-42",
    symbol: "bybit:BTCUSDT",
    side: "buy",
    type: "limit",
    quantity: decimal("0.01"),
    price: decimal("50000"),
    timeInForce: "gtc",
    reduceOnly: false,
  },
  status: "pending-new",
  filledQuantity: decimal(0),
  averagePrice: undefined,
  createdTs: 100,
  updatedTs: 100,
};

Deno.test("isTerminal is true exactly for filled, canceled, rejected and expired", () => {
  assert.deepEqual(STATUSES.filter(isTerminal), ["filled", "canceled", "rejected", "expired"]);
});

Deno.test("canTransition allows exactly the lifecycle moves", () => {
  const allowed = STATUSES.flatMap((from) =>
    STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`)
  );
  assert.deepEqual(allowed, [
    "pending-new→pending-cancel",
    "pending-new→accepted",
    "pending-new→partially-filled",
    "pending-new→filled",
    "pending-new→canceled",
    "pending-new→rejected",
    "pending-new→expired",
    // The OMS's in-flight steps: a cancel ends in a final state or, proven open, where it was.
    "pending-cancel→pending-cancel",
    "pending-cancel→accepted",
    "pending-cancel→partially-filled",
    "pending-cancel→filled",
    "pending-cancel→canceled",
    "pending-cancel→expired",
    "pending-amend→pending-cancel",
    "pending-amend→pending-amend",
    "pending-amend→accepted",
    "pending-amend→partially-filled",
    "pending-amend→filled",
    "pending-amend→canceled",
    "pending-amend→expired",
    "accepted→pending-cancel",
    "accepted→pending-amend",
    "accepted→accepted",
    "accepted→partially-filled",
    "accepted→filled",
    "accepted→canceled",
    "accepted→expired",
    "partially-filled→pending-cancel",
    "partially-filled→pending-amend",
    "partially-filled→partially-filled",
    "partially-filled→filled",
    "partially-filled→canceled",
    "partially-filled→expired",
  ]);
});

Deno.test("canTransition forbids going back and leaving a terminal state", () => {
  assert.equal(canTransition("accepted", "pending-new"), false);
  assert.equal(canTransition("partially-filled", "accepted"), false);
  assert.equal(canTransition("accepted", "rejected"), false);
  assert.equal(canTransition("filled", "canceled"), false);
  assert.equal(canTransition("canceled", "filled"), false);
  assert.equal(canTransition("pending-new", "pending-new"), false);
  assert.equal(canTransition("pending-cancel", "pending-amend"), false);
  assert.equal(canTransition("pending-cancel", "rejected"), false);
});

Deno.test("transitionOrder returns a new order with the status, time and changes", () => {
  const accepted = transitionOrder(ORDER, "accepted", 200);
  assert.equal(accepted.status, "accepted");
  assert.equal(accepted.updatedTs, 200);
  assert.equal(accepted.createdTs, 100);
  assert.equal(ORDER.status, "pending-new", "the input is not mutated");
  const partial = transitionOrder(accepted, "partially-filled", 300, {
    filledQuantity: decimal("0.004"),
    averagePrice: decimal("49999.5"),
  });
  assert.equal(partial.filledQuantity.toString(), "0.004");
  assert.equal(partial.averagePrice?.toString(), "49999.5");
  assert.equal(partial.request, ORDER.request);
  const canceled = transitionOrder(partial, "canceled", 400, { reason: "user" });
  assert.equal(canceled.reason, "user");
  assert.equal(canceled.filledQuantity.toString(), "0.004");
  assert.equal(isTerminal(canceled.status), true);
});

Deno.test("transitionOrder throws naming the order and both states", () => {
  const filled = transitionOrder(ORDER, "filled", 200);
  assert.throws(
    () => transitionOrder(filled, "canceled", 300),
    { name: "RangeError", message: "Order c-42 cannot go from filled to canceled" },
  );
  assert.throws(
    () => transitionOrder(transitionOrder(ORDER, "accepted", 200), "rejected", 300),
    { name: "RangeError", message: "Order c-42 cannot go from accepted to rejected" },
  );
});
