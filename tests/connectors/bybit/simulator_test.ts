/**
 * The Bybit connector against connectors/simulator (real Bybit v5 wire protocol on 127.0.0.1),
 * asserting on the simulator's own book and ledger.
 */

import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { BybitMarketStream } from "../../../connectors/bybit/market_stream.ts";
import { BybitPrivateStream } from "../../../connectors/bybit/private_stream.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { type Simulator, startSimulator } from "../../../connectors/simulator/simulator.ts";

const KEY = { apiKey: "key-a", apiSecret: "secret-a" };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fast = { initialMs: 1, factor: 1.5, maxMs: 5 };

async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

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
    const clock = { now: () => Date.now(), sleep };
    const rest = new BybitRest({
      baseUrl: sim.restUrl,
      credentials: KEY,
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
      timeoutMs: 1000,
    });
    await body(sim, new BybitExecutionClient(rest, sleep, { lookupDelayMs: 20 }));
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

Deno.test("simulator: 50 public-stream drops → after every resync the book equals the simulator's", async () => {
  await withSim(async (sim) => {
    const stream = new BybitMarketStream({ url: sim.wsPublicUrl, backoff: fast });
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    let snapshots = 0;
    const done = (async () => {
      for await (const event of stream.events()) {
        if (event.kind === "book-snapshot") {
          snapshots++;
          bids.clear();
          asks.clear();
          for (const l of event.book.bids) bids.set(l.price, l.size);
          for (const l of event.book.asks) asks.set(l.price, l.size);
        } else if (event.kind === "book-delta") {
          for (
            const [side, levels] of [[bids, event.delta.bids], [asks, event.delta.asks]] as const
          ) {
            for (const l of levels) l.size === 0 ? side.delete(l.price) : side.set(l.price, l.size);
          }
        }
      }
    })();
    const same = (): boolean => {
      const book = sim.exchange.book("BTCUSDT");
      if (book === undefined) return false;
      const side = (s: typeof book.bids): string => {
        const out: string[] = [];
        for (let i = 0; i < s.depth; i++) out.push(`${s.price(i)}:${s.size(i)}`);
        return out.sort().join(",");
      };
      const ours = (m: Map<number, number>): string =>
        [...m].map(([p, s]) => `${p}:${s}`).sort().join(",");
      return side(book.bids) === ours(bids) && side(book.asks) === ours(asks);
    };
    try {
      await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book"], depth: 50 }]);
      for (let round = 0; round < 50; round++) {
        const before = snapshots;
        sim.faults.inject({ kind: "ws-drop", stream: "public" });
        sim.market.updateBook("BTCUSDT", [[49990 - (round % 7), 1 + round]], []);
        await until(() => snapshots > before, `resync ${round}`);
        sim.market.updateBook("BTCUSDT", [], [[50010 + (round % 5), round % 2]]);
        await until(same, `book equal after round ${round}`);
      }
      assert.equal(stream.reconnects, 50);
    } finally {
      await stream.close();
      await done;
    }
  });
});

Deno.test("simulator: private stream across 20 drops → every ledger fill exactly once", async () => {
  await withSim(async (sim, client) => {
    const events: Event[] = [];
    const stream = new BybitPrivateStream({
      url: sim.wsPrivateUrl,
      credentials: KEY,
      client,
      sink: (e) => events.push(e),
      sinceMs: Date.now() - 60_000,
      backoff: fast,
    });
    try {
      await stream.start();
      const fills = (): string[] =>
        events.flatMap((e) => e.kind === "fill" ? [e.fill.tradeId] : []);
      for (let round = 0; round < 20; round++) {
        await client.placeOrder(order(`tsr-fill-${round}`, "49999"));
        if (round % 2 === 1) sim.faults.inject({ kind: "ws-drop", stream: "private" });
        sim.market.trade("BTCUSDT", "sell", 49999, 0.01);
        await until(
          () =>
            fills().length === sim.ledger.fills().length && sim.ledger.fills().length === round + 1,
          `fill ${round}`,
        );
      }
      const ledger = sim.ledger.fills().map((f) => f.execId);
      assert.equal(ledger.length, 20);
      assert.deepEqual(new Set(fills()), new Set(ledger));
      assert.equal(fills().length, 20);
    } finally {
      await stream.close();
    }
  });
});
