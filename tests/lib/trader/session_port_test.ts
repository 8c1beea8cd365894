// The session over a live-style port: executionClientPort around a Promise client whose answers
// arrive later, through the session's inbox, while the engine is idle. An ambiguous failure
// leaves the order in flight and marked ambiguous (never rejected, never resent); a definitive
// refusal rejects it.
import assert from "node:assert/strict";
import { executionClientPort } from "../../../lib/broker/mod.ts";
import { ExchangeError, type Order, type OrderRequest, ZERO } from "../../../lib/domain/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { FakeExecutionClient } from "../broker/_fake_client.ts";
import { BTC, candleEvent as candle, M } from "./_fixtures.ts";

/** A client whose placeOrder answers with the given outcome once the test releases it. */
class LateClient extends FakeExecutionClient {
  readonly placed: string[] = [];
  constructor(readonly outcome: (request: OrderRequest) => Order | Error) {
    super();
  }
  placeOrder(request: OrderRequest): Promise<Order> {
    this.placed.push(request.clientOrderId);
    const outcome = this.outcome(request);
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  }
  cancelOrder(): Promise<Order> {
    return Promise.reject(new Error("not used"));
  }
  amendOrder(): Promise<Order> {
    return Promise.reject(new Error("not used"));
  }
}

/** Places one limit buy on its first candle; records what it sees of its open orders. */
class OneBid implements Strategy {
  readonly name = "one-bid";
  readonly subscriptions = [{
    kind: "candles" as const,
    symbol: BTC.symbol,
    interval: "1m" as const,
  }];
  readonly seen: string[] = [];
  #placed = false;
  onCandle(_candle: unknown, ctx: StrategyContext): void {
    this.seen.push(ctx.openOrders(BTC.symbol).map((o) => o.status).join(",") || "none");
    if (this.#placed) return;
    this.#placed = true;
    ctx.submitOrder({ symbol: BTC.symbol, side: "buy", type: "limit", quantity: 0.01, price: 90 });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

function session(client: LateClient, strategy: OneBid) {
  const s = new TradingSession({
    strategy,
    instruments: [BTC],
    initialBalances: { USDT: 10_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
  }, (link) => executionClientPort(client, link.inbox, { now: () => link.clock.now() }));
  s.host("1m");
  return s;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("a timeout through executionClientPort leaves the order in flight and ambiguous, not rejected", async () => {
  const client = new LateClient(() =>
    new ExchangeError("timeout", "no answer in 5 s", { venue: "bybit" })
  );
  const strategy = new OneBid();
  const s = session(client, strategy);
  s.engine.process(candle(0));
  await settle();
  s.engine.process(candle(M));
  assert.equal(client.placed.length, 1);
  assert.equal(s.reportParts().rejectedOrders, 0);
  assert.deepEqual(s.oms.ambiguousOrders().map((o) => o.request.clientOrderId), client.placed);
  // The strategy still sees its order (it must not quote twice), and nothing was resent.
  assert.deepEqual(strategy.seen, ["none", "pending-new"]);
});

Deno.test("a definitive refusal through executionClientPort rejects the order once", async () => {
  const client = new LateClient(() =>
    new ExchangeError("rejected", "insufficient balance", { venue: "bybit", code: "110007" })
  );
  const strategy = new OneBid();
  const s = session(client, strategy);
  s.engine.process(candle(0));
  await settle();
  s.engine.process(candle(M));
  assert.equal(s.reportParts().rejectedOrders, 1);
  assert.deepEqual(s.oms.ambiguousOrders(), []);
  assert.deepEqual(strategy.seen, ["none", "none"]);
  const [order] = s.tables().orders;
  assert.equal(order.status, "rejected");
  assert.equal(order.reason, "bybit rejected: insufficient balance");
});

Deno.test("an acknowledgement through executionClientPort opens the order", async () => {
  const client = new LateClient((request) => ({
    id: "v-1",
    request,
    status: "accepted",
    filledQuantity: ZERO,
    averagePrice: undefined,
    createdTs: M,
    updatedTs: M,
  }));
  const strategy = new OneBid();
  const s = session(client, strategy);
  s.engine.process(candle(0));
  await settle();
  s.engine.process(candle(M));
  assert.deepEqual(strategy.seen, ["none", "accepted"]);
  assert.equal(s.reportParts().rejectedOrders, 0);
});
