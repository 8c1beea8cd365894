import assert from "node:assert/strict";
import {
  decimal,
  ExchangeError,
  type ExchangeErrorKind,
  type Order,
  type OrderRequest,
  ZERO,
} from "../../../lib/domain/mod.ts";
import {
  type AmendRequest,
  executionClientPort,
  isDefinitiveRefusal,
  type VenueEvent,
} from "../../../lib/broker/mod.ts";
import { FakeExecutionClient } from "./_fake_client.ts";

const SYMBOL = "bybit:BTCUSDT";
const NOW = 5_000_000;

const REQUEST: OrderRequest = {
  clientOrderId: "c-1",
  symbol: SYMBOL,
  side: "buy",
  type: "limit",
  quantity: decimal("0.01"),
  price: decimal("100"),
  timeInForce: "gtc",
  reduceOnly: false,
};

function order(status: Order["status"], changes: Partial<Order> = {}): Order {
  return {
    id: "v-1",
    request: REQUEST,
    status,
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: 4_000_000,
    updatedTs: 4_500_000,
    ...changes,
  };
}

type Outcome = Order | Error | "throw";

/** A REST client whose every call answers with the outcome queued for it. */
class FakeClient extends FakeExecutionClient {
  readonly calls: string[] = [];
  readonly #outcomes: Outcome[];

  constructor(...outcomes: Outcome[]) {
    super();
    this.#outcomes = outcomes;
  }

  #answer(call: string): Promise<Order> {
    this.calls.push(call);
    const outcome = this.#outcomes.shift();
    if (outcome === undefined) throw new Error(`no outcome queued for ${call}`);
    if (outcome === "throw") throw new TypeError("connector bug");
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  }

  placeOrder(request: OrderRequest): Promise<Order> {
    return this.#answer(`place ${request.clientOrderId}`);
  }
  cancelOrder(symbol: string, clientOrderId: string): Promise<Order> {
    return this.#answer(`cancel ${symbol} ${clientOrderId}`);
  }
  amendOrder(request: AmendRequest): Promise<Order> {
    return this.#answer(
      `amend ${request.clientOrderId} price=${request.price} quantity=${request.quantity}`,
    );
  }
}

function exchangeError(kind: ExchangeErrorKind, reason: string): ExchangeError {
  return new ExchangeError(kind, reason, { venue: "bybit", code: "110007" });
}

/** Sends each command through a port over `client` and returns the reports once all settled. */
async function run(
  client: FakeClient,
  send: (port: ReturnType<typeof executionClientPort>) => void,
): Promise<VenueEvent[]> {
  const reports: VenueEvent[] = [];
  const port = executionClientPort(client, (report) => reports.push(report), { now: () => NOW });
  send(port);
  // Nothing is reported from inside send: the results arrive later, through the inbox.
  assert.equal(reports.length, 0);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return reports;
}

Deno.test("executionClientPort reports an acknowledged submit as an order update", async () => {
  const client = new FakeClient(order("accepted"));
  const reports = await run(client, (port) => port.send({ type: "submit", request: REQUEST }));
  assert.deepEqual(client.calls, ["place c-1"]);
  assert.equal(reports.length, 1);
  const [report] = reports;
  assert.equal(report.kind, "order-update");
  if (report.kind !== "order-update") return;
  assert.equal(report.order.status, "accepted");
  assert.equal(report.ts, 4_500_000);
  assert.equal(report.tsRecv, NOW);
});

Deno.test("executionClientPort turns a definitive refusal of a submit into a rejection", async () => {
  for (const kind of ["rejected", "invalid-request", "auth", "rate-limit"] as const) {
    const client = new FakeClient(exchangeError(kind, "insufficient balance"));
    const reports = await run(client, (port) => port.send({ type: "submit", request: REQUEST }));
    assert.equal(reports.length, 1, kind);
    const [report] = reports;
    assert.equal(report.kind, "order-update", kind);
    if (report.kind !== "order-update") return;
    assert.equal(report.order.status, "rejected");
    assert.equal(report.order.request, REQUEST);
    assert.equal(report.order.reason, `bybit ${kind}: insufficient balance`);
    assert.equal(report.ts, NOW);
  }
});

Deno.test("executionClientPort never turns an ambiguous failure into a rejection", async () => {
  const failures: (Error | "throw")[] = [
    exchangeError("timeout", "no answer in 5 s"),
    exchangeError("unavailable", "503 Unknown error, please check your request"),
    exchangeError("network", "connection reset"),
    exchangeError("unknown", "unparseable body"),
    new Error("socket hang up"),
    "throw",
  ];
  for (const failure of failures) {
    const client = new FakeClient(failure);
    const reports = await run(client, (port) => port.send({ type: "submit", request: REQUEST }));
    assert.equal(reports.length, 1);
    const [report] = reports;
    assert.equal(report.kind, "alert", String(failure));
    if (report.kind !== "alert") return;
    assert.equal(report.code, "order-outcome-unknown");
    assert.equal(report.severity, "critical");
    assert.equal(report.clientOrderId, "c-1");
    assert.equal(report.symbol, SYMBOL);
    assert.match(report.message, /c-1: outcome unknown .*not resent/);
    // One call: an order whose outcome is unknown is never sent twice.
    assert.equal(client.calls.length, 1);
  }
});

Deno.test("executionClientPort reports cancels and amends, and refusals of them", async () => {
  const client = new FakeClient(
    order("canceled", { reason: "canceled by user" }),
    order("accepted", { request: { ...REQUEST, price: decimal("99") } }),
    exchangeError("rejected", "order not exists or too late to cancel"),
    exchangeError("invalid-request", "qty below filled"),
    exchangeError("timeout", "no answer"),
  );
  const reports = await run(client, (port) => {
    port.send({ type: "cancel", symbol: SYMBOL, clientOrderId: "c-1" });
    port.send({ type: "amend", symbol: SYMBOL, clientOrderId: "c-1", price: decimal("99") });
    port.send({ type: "cancel", symbol: SYMBOL, clientOrderId: "c-2" });
    port.send({ type: "amend", symbol: SYMBOL, clientOrderId: "c-3", quantity: decimal("1") });
    port.send({ type: "cancel", symbol: SYMBOL, clientOrderId: "c-4" });
  });
  assert.deepEqual(client.calls, [
    `cancel ${SYMBOL} c-1`,
    "amend c-1 price=99 quantity=undefined",
    `cancel ${SYMBOL} c-2`,
    "amend c-3 price=undefined quantity=1",
    `cancel ${SYMBOL} c-4`,
  ]);
  const summary = reports.map((r) =>
    r.kind === "order-update"
      ? `update ${r.order.status} ${r.order.request.price}`
      : r.kind === "alert"
      ? `${r.code} ${r.clientOrderId}: ${r.message}`
      : r.kind
  );
  assert.deepEqual(summary, [
    "update canceled 100",
    "update accepted 99",
    "cancel-refused c-2: bybit refused to cancel c-2: bybit rejected: order not exists or too late to cancel",
    "amend-refused c-3: bybit refused to amend c-3: bybit invalid-request: qty below filled",
    "order-outcome-unknown c-4: bybit cancel of c-4: outcome unknown (bybit timeout: no answer); left in flight for reconciliation, not resent",
  ]);
});

Deno.test("isDefinitiveRefusal: only refusals before processing are definitive", () => {
  const definitive = (
    [
      "network",
      "timeout",
      "auth",
      "rate-limit",
      "rejected",
      "invalid-request",
      "unavailable",
      "unknown",
    ] as const
  ).filter(isDefinitiveRefusal);
  assert.deepEqual(definitive, ["auth", "rate-limit", "rejected", "invalid-request"]);
});
