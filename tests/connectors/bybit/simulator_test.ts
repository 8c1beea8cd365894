/**
 * The Bybit connector against connectors/simulator (real Bybit v5 wire protocol on 127.0.0.1),
 * asserting on the simulator's own book and ledger.
 */

import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import type { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { BybitMarketStream } from "../../../connectors/bybit/market_stream.ts";
import { type Simulator, startSimulator } from "../../../connectors/simulator/simulator.ts";
import { mirrorBookEvent } from "./_book_mirror.ts";
import { simExecutionClient, simPrivateStream } from "./_sim_client.ts";
import { until } from "../../_until.ts";

const KEY = { apiKey: "key-a", apiSecret: "secret-a" };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fast = { initialMs: 1, factor: 1.5, maxMs: 5 };

async function withSim(
  body: (sim: Simulator, client: BybitExecutionClient) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 1], [49999.8, 3]], [[50000.1, 1], [50000.2, 2]]);
    await body(sim, simExecutionClient(sim, KEY, 1000));
  } finally {
    await sim.stop();
  }
}

const order = (id: string, price = "49000"): OrderRequest => ({
  clientOrderId: id,
  symbol: "bybit:BTCUSDT",
  side: "buy",
  type: "limit",
  quantity: decimal("0.01"),
  price: decimal(price),
  timeInForce: "gtc",
  reduceOnly: false,
});

Deno.test("simulator: place, amend, cancel land once each in the simulator's ledger", async () => {
  await withSim(async (sim, client) => {
    const placed = await client.placeOrder(order("tsr-sim-1"));
    assert.equal(placed.status, "accepted");
    const open = await client.openOrders("bybit:BTCUSDT");
    assert.deepEqual(open.map((o) => o.request.clientOrderId), ["tsr-sim-1"]);
    const amended = await client.amendOrder({
      symbol: "bybit:BTCUSDT",
      clientOrderId: "tsr-sim-1",
      price: decimal("49100"),
    });
    assert.equal(amended.request.price?.toString(), "49100");
    const canceled = await client.cancelOrder("bybit:BTCUSDT", "tsr-sim-1");
    assert.equal(canceled.status, "canceled");
    const records = sim.ledger.orders().filter((o) => o.clientId === "tsr-sim-1");
    assert.equal(records.length, 1);
    assert.match(String(records[0].status), /cancel/i);
    const [instrument] = (await client.instruments()).filter((i) => i.code === "BTCUSDT");
    assert.ok(instrument.tickSize.gt(0) && instrument.lotSize.gt(0));
  });
});

Deno.test("simulator: 429 → backoff, the order is placed once; timeout after placement → found by orderLinkId, not placed twice", async () => {
  await withSim(async (sim, client) => {
    sim.faults.inject({
      kind: "http-status",
      status: 429,
      retryAfterSeconds: 0,
      path: "/v5/order/create",
    });
    await client.placeOrder(order("tsr-sim-429"));
    assert.equal(sim.ledger.orders().filter((o) => o.clientId === "tsr-sim-429").length, 1);
    sim.faults.inject({ kind: "http-timeout", path: "/v5/order/create", count: 1 });
    const found = await client.placeOrder(order("tsr-sim-timeout"));
    assert.equal(found.request.clientOrderId, "tsr-sim-timeout");
    assert.equal(sim.ledger.orders().filter((o) => o.clientId === "tsr-sim-timeout").length, 1);
    assert.ok(sim.faults.log().some((f) => f.kind === "http-timeout"));
  });
});

Deno.test("simulator: 10002 from a skewed clock → resync and one retry", async () => {
  await withSim(async (sim, client) => {
    await client.openOrders(); // measures the offset
    sim.faults.inject({ kind: "clock-skew", ms: 20_000 });
    await client.placeOrder(order("tsr-sim-skew"));
    assert.ok(sim.faults.log().some((f) => f.kind === "clock-skew"));
    assert.equal(sim.ledger.orders().filter((o) => o.clientId === "tsr-sim-skew").length, 1);
  });
});

/** Follows the book events of `stream` the way a consumer would, for comparison with the simulator's. */
function followBook(stream: BybitMarketStream) {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const mirror = { bids, asks };
  const seen: Event[] = [];
  const state = { snapshots: 0 };
  const done = (async () => {
    for await (const event of stream.events()) {
      seen.push(event);
      if (event.kind === "book-snapshot") state.snapshots++;
      mirrorBookEvent(mirror, event);
    }
  })();
  /** Whether our book equals the simulator's. */
  const sameAs = (sim: Simulator): boolean => {
    const book = sim.exchange.book("BTCUSDT");
    if (book === undefined) return false;
    const side = (s: typeof book.bids): string => {
      const out: string[] = [];
      for (let i = 0; i < s.depth; i++) out.push(`${s.price(i)}:${s.size(i)}`);
      return out.sort().join(",");
    };
    const ours = (m: Map<number, number>): string =>
      [...m].map(([p, size]) => `${p}:${size}`).sort().join(",");
    return side(book.bids) === ours(bids) && side(book.asks) === ours(asks);
  };
  return { state, seen, done, sameAs };
}

Deno.test("simulator: 50 public-stream drops → after every resync the book equals the simulator's", async () => {
  await withSim(async (sim) => {
    const stream = new BybitMarketStream({ url: sim.wsPublicUrl, backoff: fast });
    const book = followBook(stream);
    try {
      await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book"], depth: 50 }]);
      for (let round = 0; round < 50; round++) {
        const before = book.state.snapshots;
        sim.faults.inject({ kind: "ws-drop", stream: "public" });
        sim.market.updateBook("BTCUSDT", [[49990 - (round % 7), 1 + round]], []);
        await until(() => book.state.snapshots > before, `resync ${round}`);
        sim.market.updateBook("BTCUSDT", [], [[50010 + (round % 5), round % 2]]);
        await until(() => book.sameAs(sim), `book equal after round ${round}`);
      }
      assert.equal(stream.reconnects, 50);
    } finally {
      await stream.close();
      await book.done;
    }
  });
});

Deno.test("simulator: a sequence gap (ws-skip) → resync on the same connection; the book equals the simulator's, nothing emitted from the gapped book", async () => {
  await withSim(async (sim) => {
    const stream = new BybitMarketStream({ url: sim.wsPublicUrl, backoff: fast });
    const book = followBook(stream);
    try {
      await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book"], depth: 50 }]);
      await until(() => book.sameAs(sim), "the first snapshot");
      for (let round = 0; round < 10; round++) {
        const before = book.state.snapshots;
        const from = book.seen.length;
        // The next delta never reaches us: the one after it breaks the `u` sequence.
        sim.faults.inject({ kind: "ws-skip", stream: "public" });
        sim.market.updateBook("BTCUSDT", [[49980 - round, 2 + round]], []);
        sim.market.updateBook("BTCUSDT", [], [[50020 + round, 1 + round]]);
        await until(() => book.state.snapshots > before, `the resync of gap ${round}`);
        await until(() => book.sameAs(sim), `book equal after gap ${round}`);
        const after = book.seen.slice(from);
        const stale = after.findIndex((e) => e.kind === "connectivity" && e.state === "stale");
        const snapshot = after.findIndex((e) => e.kind === "book-snapshot");
        assert.ok(
          stale >= 0 && stale < snapshot,
          `gap ${round} reported stale before the snapshot`,
        );
        const reason = after[stale];
        assert.match(
          reason.kind === "connectivity" ? reason.reason ?? "" : "",
          /update id (\d+) after (\d+); resynchronising/,
        );
        // Between the gap and the new snapshot, no delta of the broken book got out.
        assert.ok(!after.slice(stale, snapshot).some((e) => e.kind === "book-delta"));
      }
      assert.equal(sim.faults.log().filter((f) => f.kind === "ws-skip").length, 10);
      assert.equal(stream.reconnects, 0, "a gap resyncs without a reconnect");
    } finally {
      await stream.close();
      await book.done;
    }
  });
});

Deno.test("simulator: private stream across 50 drops → every ledger fill and order update exactly once", async () => {
  await withSim(async (sim, client) => {
    const events: Event[] = [];
    const stream = simPrivateStream(sim, KEY, client, (e) => events.push(e), Date.now() - 60_000);
    const rounds = 50;
    try {
      await stream.start();
      const fills = (): string[] =>
        events.flatMap((e) => e.kind === "fill" ? [e.fill.tradeId] : []);
      for (let round = 0; round < rounds; round++) {
        await client.placeOrder(order(`tsr-fill-${round}`, "49999"));
        // Every round loses the connection, half of them before the fill: that fill and its
        // order update come from the REST catch-up, the others from the stream.
        const dropFirst = round % 2 === 0;
        if (dropFirst) sim.faults.inject({ kind: "ws-drop", stream: "private" });
        sim.market.trade("BTCUSDT", "sell", 49999, 0.01);
        if (!dropFirst) sim.faults.inject({ kind: "ws-drop", stream: "private" });
        await until(
          () =>
            fills().length === sim.ledger.fills().length &&
            sim.ledger.fills().length === round + 1,
          `fill ${round}`,
        );
      }
      await until(() => stream.reconnects >= rounds, "every reconnect");
      const ledger = sim.ledger.fills().map((f) => f.execId);
      assert.equal(ledger.length, rounds);
      assert.deepEqual(new Set(fills()), new Set(ledger));
      assert.equal(fills().length, rounds, "a fill was delivered twice");
      assert.equal(sim.faults.log().filter((f) => f.kind === "ws-drop").length, rounds);
      // Order updates: each order ends filled as in the ledger, and no update came twice.
      const updates = events.flatMap((e) => e.kind === "order-update" ? [e.order] : []);
      const seen = new Set<string>();
      for (const update of updates) {
        const key = `${update.request.clientOrderId}:${update.status}:${update.filledQuantity}`;
        assert.ok(!seen.has(key), `order update ${key} delivered twice`);
        seen.add(key);
      }
      for (const record of sim.ledger.orders()) {
        const last = updates.filter((u) => u.request.clientOrderId === record.clientId).at(-1);
        assert.equal(
          last?.status,
          "filled",
          `last update of ${record.clientId}: ${
            JSON.stringify(
              updates.filter((u) => u.request.clientOrderId === record.clientId).map((
                u,
              ) => [u.status, String(u.filledQuantity), u.updatedTs]),
            )
          }`,
        );
        assert.match(String(record.status), /filled/i);
      }
      assert.equal(new Set(updates.map((u) => u.request.clientOrderId)).size, rounds);
    } finally {
      await stream.close();
    }
  });
});

Deno.test("simulator: private catch-up runs on the venue's clock: a local clock 5 min ahead still gets the fill made while disconnected, once", async () => {
  await withSim(async (sim, client) => {
    // The venue's clock is 5 minutes behind ours (the same as ours being 5 minutes ahead):
    // a catch-up asked from our wall clock would start after the missed fill.
    sim.clock.skew = -300_000;
    const events: Event[] = [];
    const stream = simPrivateStream(sim, KEY, client, (e) => events.push(e));
    const fills = (): string[] => events.flatMap((e) => e.kind === "fill" ? [e.fill.tradeId] : []);
    try {
      await stream.start();
      await client.placeOrder(order("tsr-skew-1", "49999"));
      sim.market.trade("BTCUSDT", "sell", 49999, 0.01);
      await until(() => fills().length === 1, "the streamed fill");
      await client.placeOrder(order("tsr-skew-2", "49999"));
      sim.faults.inject({ kind: "ws-drop", stream: "private" });
      sim.market.trade("BTCUSDT", "sell", 49999, 0.01);
      await until(() => stream.reconnects >= 1, "the reconnect");
      await until(() => fills().length === 2, "the fill made while disconnected", 3000);
      await sleep(50);
      const ledger = sim.ledger.fills().map((f) => f.execId);
      assert.equal(ledger.length, 2);
      assert.deepEqual(fills(), ledger, "every ledger fill exactly once, in order");
      const last = events.flatMap((e) =>
        e.kind === "order-update" && e.order.request.clientOrderId === "tsr-skew-2" ? [e.order] : []
      ).at(-1);
      assert.equal(last?.status, "filled");
    } finally {
      await stream.close();
    }
  });
});

Deno.test("simulator: funding the venue booked reaches the sink as funding-payment events, each once, the one made while disconnected from the catch-up", async () => {
  await withSim(async (sim, client) => {
    const events: Event[] = [];
    const stream = simPrivateStream(sim, KEY, client, (e) => events.push(e));
    const payments = () =>
      events.flatMap((e) => e.kind === "funding-payment" ? [{ ...e.payment, ts: e.ts }] : []);
    try {
      await stream.start();
      await client.placeOrder(order("tsr-fund-1", "50000.1"));
      await until(() => events.some((e) => e.kind === "fill"), "the opening fill");
      sim.exchange.settleFunding("BTCUSDT", "0.0001");
      await until(() => payments().length === 1, "the streamed funding");
      sim.faults.inject({ kind: "ws-drop", stream: "private" });
      sim.exchange.settleFunding("BTCUSDT", "-0.0003");
      await until(() => stream.reconnects >= 1, "the reconnect");
      await until(() => payments().length === 2, "the funding made while disconnected");
      await stream.catchUp();
      await sleep(50);
      const ledger = sim.ledger.fundings({ accountId: 0 });
      assert.equal(ledger.length, 2);
      assert.deepEqual(
        payments().map((p) => [p.id, p.symbol, p.amount.toString(), p.currency, p.ts]),
        ledger.map((f) => [f.id, "bybit:BTCUSDT", f.amount.toString(), "USDT", f.ts * 1000]),
      );
    } finally {
      await stream.close();
    }
  });
});
