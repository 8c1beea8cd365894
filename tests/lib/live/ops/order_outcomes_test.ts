import assert from "node:assert/strict";
import { decimal, type Order } from "../../../../lib/domain/mod.ts";
import type { Event } from "../../../../lib/events/mod.ts";
import { OrderOutcomes } from "../../../../lib/live/ops/order_outcomes.ts";

const update = (id: string, status: Order["status"], reason?: string): Event => ({
  kind: "order-update",
  ts: 0,
  tsRecv: 0,
  order: {
    id: "",
    request: {
      clientOrderId: id,
      symbol: "bybit:BTCUSDT",
      side: "buy",
      type: "market",
      quantity: decimal("0.01"),
      timeInForce: "ioc",
      reduceOnly: false,
    },
    status,
    filledQuantity: decimal(status === "filled" ? "0.01" : "0"),
    averagePrice: undefined,
    createdTs: 0,
    updatedTs: 0,
    ...(reason === undefined ? {} : { reason }),
  },
});

function counter() {
  const seen: string[] = [];
  const errors: string[] = [];
  const outcomes = new OrderOutcomes({
    alerter: {
      orderFailed: (kind) => seen.push(kind),
      orderSucceeded: () => seen.push("ok"),
    },
    metrics: { orderError: (kind) => errors.push(kind) },
  });
  return { outcomes, seen, errors };
}

Deno.test("OrderOutcomes: each request counts once — a late acknowledgement of a settled request does not end a failure streak", () => {
  const { outcomes, seen, errors } = counter();
  outcomes.observe(update("a", "accepted"));
  outcomes.observe(update("a", "filled")); // the same request: no second success
  outcomes.observe(update("b", "rejected", "HTTP 429"));
  outcomes.observe(update("a", "filled")); // the late REST answer of a
  outcomes.observe(update("c", "rejected", "HTTP 429"));
  assert.deepEqual(seen, ["ok", "rejected", "rejected"]);
  assert.deepEqual(errors, ["rejected", "rejected"]);
});

Deno.test("OrderOutcomes: unknown outcomes and acknowledgement timeouts are failures; other venue alerts are not", () => {
  const { outcomes, seen, errors } = counter();
  const alert = (code: string, id: string): Event => ({
    kind: "alert",
    ts: 0,
    tsRecv: 0,
    severity: "critical",
    code,
    message: code,
    clientOrderId: id,
  });
  outcomes.observe(alert("order-outcome-unknown", "x"));
  outcomes.observe(alert("order-ambiguous", "y"));
  outcomes.observe(alert("cancel-refused", "z"));
  outcomes.observe(update("y", "filled")); // resolved later: already counted as a failure
  assert.deepEqual(seen, ["unknown", "timeout"]);
  assert.deepEqual(errors, ["unknown", "timeout"]);
});
