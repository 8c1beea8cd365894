import assert from "node:assert/strict";
import type { Event } from "../../../lib/events/mod.ts";
import { BybitMarketStream, topicsOf } from "../../../connectors/bybit/market_stream.ts";
import { backoffDelay, type MarketSink, type StreamSocket } from "../../../lib/broker/mod.ts";
import { mirrorBookEvent } from "./_book_mirror.ts";
import { type FakePublicWs, startFakePublicWs } from "./_fake_public_ws.ts";

/** Collects events and rebuilds the consumer's book from them. */
function consume(stream: BybitMarketStream): {
  events: Event[];
  bids: Map<number, number>;
  asks: Map<number, number>;
  done: Promise<void>;
} {
  const events: Event[] = [];
  const book = { bids: new Map<number, number>(), asks: new Map<number, number>() };
  const done = (async () => {
    for await (const event of stream.events()) {
      events.push(event);
      mirrorBookEvent(book, event);
    }
  })();
  return { events, bids: book.bids, asks: book.asks, done };
}

function sameBook(
  fake: FakePublicWs,
  code: string,
  bids: Map<number, number>,
  asks: Map<number, number>,
): boolean {
  const server = fake.book(code);
  const norm = (m: Map<string, string>) =>
    [...m].map(([p, s]) => `${Number(p)}:${Number(s)}`).sort().join(",");
  const ours = (m: Map<number, number>) => [...m].map(([p, s]) => `${p}:${s}`).sort().join(",");
  return norm(server.bids) === ours(bids) && norm(server.asks) === ours(asks);
}

const fastBackoff = { initialMs: 1, factor: 1.5, maxMs: 5 };

type Consumer = ReturnType<typeof consume>;

/**
 * Runs `body` with a stream on a fake venue, subscribed to BTCUSDT trades, pinging every 20 ms and
 * stale after 120 ms of silence; closes the stream and the fake afterwards.
 */
async function withSilenceableStream(
  body: (fake: FakePublicWs, stream: BybitMarketStream, view: Consumer) => Promise<void>,
): Promise<void> {
  const fake = startFakePublicWs();
  const stream = new BybitMarketStream({
    url: fake.url,
    pingIntervalMs: 20,
    staleAfterMs: 120,
    backoff: fastBackoff,
  });
  const view = consume(stream);
  try {
    await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["trades"] }]);
    await body(fake, stream, view);
  } finally {
    await stream.close();
    await view.done;
    await fake.close();
  }
}

Deno.test("topicsOf: channels → Bybit topics; an unoffered depth is refused", () => {
  assert.deepEqual(
    topicsOf({
      symbol: "bybit:BTCUSDT",
      channels: ["trades", "candles", "book", "quotes"],
      interval: "5m",
      depth: 200,
    }),
    ["publicTrade.BTCUSDT", "kline.5.BTCUSDT", "orderbook.200.BTCUSDT", "orderbook.1.BTCUSDT"],
  );
  assert.throws(
    () => topicsOf({ symbol: "bybit:BTCUSDT", channels: ["book"], depth: 500 }),
    /depth 500 is not offered: use one of 1, 50, 200, 1000/,
  );
});

Deno.test("backoffDelay: exponential, capped, ±25% jitter", () => {
  const b = { initialMs: 2000, factor: 1.5, maxMs: 30_000 };
  assert.equal(backoffDelay(b, 0, () => 0.5), 2000);
  assert.equal(backoffDelay(b, 2, () => 0.5), 4500);
  assert.equal(backoffDelay(b, 20, () => 0.5), 30_000);
  assert.equal(backoffDelay(b, 0, () => 0), 1500);
  assert.equal(backoffDelay(b, 0, () => 0.999999), 2500);
});

Deno.test("stream: snapshot + deltas give the server's book; trades and pings flow", async () => {
  const fake = startFakePublicWs();
  const stream = new BybitMarketStream({ url: fake.url, pingIntervalMs: 30, backoff: fastBackoff });
  const view = consume(stream);
  try {
    await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book", "trades"], depth: 50 }]);
    fake.delta("BTCUSDT", [["100", "0"], ["98", "5"]], [["101", "2"]]);
    fake.delta("BTCUSDT", [["99.5", "1"]], [["102", "0"]]);
    fake.broadcast(
      JSON.stringify({
        topic: "publicTrade.BTCUSDT",
        type: "snapshot",
        ts: 1,
        data: [{ T: 1700000000000, s: "BTCUSDT", S: "Sell", v: "0.5", p: "100.5", i: "t1" }],
      }),
    );
    await fake.until(() => view.events.some((e) => e.kind === "trade"), "the trade");
    assert.ok(sameBook(fake, "BTCUSDT", view.bids, view.asks));
    const trade = view.events.find((e) => e.kind === "trade");
    assert.equal(trade?.kind === "trade" ? trade.trade.side : "", "sell");
    await fake.until(() => fake.received.some((t) => JSON.parse(t).op === "ping"), "a ping");
    const first = view.events.slice(0, 3).map((e) =>
      e.kind === "connectivity" ? `${e.state}:${e.symbol ?? "connection"}` : e.kind
    );
    // Connected, then the book is consistent (and only then is it emitted).
    assert.deepEqual(first, ["up:connection", "up:bybit:BTCUSDT", "book-snapshot"]);
  } finally {
    await stream.close();
    await view.done;
    await fake.close();
  }
});

Deno.test("stream: a skipped update id → stale for the symbol, no delta from the broken book, resubscribe, fresh snapshot, up", async () => {
  const fake = startFakePublicWs();
  const stream = new BybitMarketStream({ url: fake.url, backoff: fastBackoff });
  const view = consume(stream);
  try {
    await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book"] }]);
    await fake.until(() => view.events.some((e) => e.kind === "book-snapshot"), "snapshot");
    const book = fake.book("BTCUSDT");
    // Skip an update id: the server book moves twice, only the second delta is sent.
    book.u++;
    book.bids.set("97", "7");
    fake.delta("BTCUSDT", [["96", "1"]], []);
    await fake.until(
      () => view.events.filter((e) => e.kind === "book-snapshot").length === 2,
      "the resync snapshot",
    );
    const afterFirst = view.events.slice(
      view.events.findIndex((e) => e.kind === "book-snapshot") + 1,
    );
    assert.deepEqual(afterFirst.map((e) => e.kind === "connectivity" ? `${e.state}` : e.kind), [
      "stale",
      "up",
      "book-snapshot",
    ]);
    assert.ok(sameBook(fake, "BTCUSDT", view.bids, view.asks));
    const ops = fake.received.map((t) => JSON.parse(t)).filter((m) => m.op !== "ping").map((m) =>
      `${m.op}:${m.args.join()}`
    );
    assert.deepEqual(ops, [
      "subscribe:orderbook.50.BTCUSDT",
      "unsubscribe:orderbook.50.BTCUSDT",
      "subscribe:orderbook.50.BTCUSDT",
    ]);
  } finally {
    await stream.close();
    await view.done;
    await fake.close();
  }
});

Deno.test("stream: 50 disconnects → down, reconnect, resubscribe, up; the book equals the server's after every resync", async () => {
  const fake = startFakePublicWs();
  const stream = new BybitMarketStream({ url: fake.url, backoff: fastBackoff });
  const view = consume(stream);
  try {
    await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["book"] }]);
    for (let round = 0; round < 50; round++) {
      const snapshots = view.events.filter((e) => e.kind === "book-snapshot").length;
      fake.dropAll();
      // While disconnected the market moves on.
      fake.delta("BTCUSDT", [[String(90 + (round % 9)), String(round + 1)]], [[
        String(103 + (round % 5)),
        String(round % 3),
      ]]);
      await fake.until(
        () => view.events.filter((e) => e.kind === "book-snapshot").length > snapshots,
        `resync ${round}`,
      );
      fake.delta("BTCUSDT", [["95.5", String(round % 2)]], []);
      await fake.until(
        () => sameBook(fake, "BTCUSDT", view.bids, view.asks),
        `book equal after round ${round}`,
      );
    }
    assert.equal(stream.reconnects, 50);
    assert.equal(fake.connections, 51);
    const states = view.events.filter((e) => e.kind === "connectivity" && e.symbol === undefined)
      .map((e) => e.kind === "connectivity" ? e.state : "");
    assert.equal(states.filter((s) => s === "down").length, 50);
    assert.equal(states.filter((s) => s === "up").length, 51);
  } finally {
    await stream.close();
    await view.done;
    await fake.close();
  }
});

Deno.test("stream: a silent connection is declared stale and replaced", () =>
  withSilenceableStream(async (fake, stream, view) => {
    fake.silence(true);
    await fake.until(
      () => view.events.some((e) => e.kind === "connectivity" && e.state === "stale"),
      "stale",
    );
    fake.silence(false);
    await fake.until(
      () =>
        stream.reconnects >= 1 &&
        view.events.filter((e) => e.kind === "connectivity" && e.state === "up").length >= 2,
      "reconnect",
    );
    const stale = view.events.find((e) => e.kind === "connectivity" && e.state === "stale");
    assert.match(stale?.kind === "connectivity" ? stale.reason ?? "" : "", /no message for \d+ ms/);
  }));

// Failed before: the stream reconnected while the venue was still silent, its resubscribe answer
// was lost, and the pongs that followed kept the connection "alive" — no data forever.
Deno.test("stream: a subscription answer lost while reconnecting is noticed and the stream recovers", () =>
  withSilenceableStream(async (fake, stream, view) => {
    fake.silence(true);
    await fake.until(() => stream.reconnects >= 1, "a reconnect while silent");
    await new Promise((resolve) => setTimeout(resolve, 40));
    fake.silence(false);
    await fake.until(
      () =>
        view.events.some((e) =>
          e.kind === "connectivity" && e.state === "up" &&
          e.reason === "resubscribed after reconnect"
        ),
      "a resubscription that is answered",
    );
    assert.ok(
      view.events.some((e) =>
        e.kind === "connectivity" && e.state === "stale" &&
        /no answer to a subscription/.test(e.reason ?? "")
      ),
    );
  }));

Deno.test("stream: a refused subscription rejects with the venue's message", async () => {
  const fake = startFakePublicWs();
  const stream = new BybitMarketStream({ url: fake.url, backoff: fastBackoff });
  const view = consume(stream);
  try {
    await stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["trades"] }]);
    fake.silence(true);
    const pending = stream.subscribe([{ symbol: "bybit:NOPEUSDT", channels: ["trades"] }]);
    await fake.until(() => fake.received.some((t) => t.includes("NOPEUSDT")), "the subscribe");
    const req = JSON.parse(fake.received.filter((t) => t.includes("NOPEUSDT"))[0]).req_id;
    fake.broadcast(
      JSON.stringify({
        success: false,
        ret_msg: "Invalid symbol :[publicTrade.NOPEUSDT]",
        conn_id: "c",
        req_id: req,
        op: "subscribe",
      }),
    );
    await assert.rejects(
      pending,
      /bybit invalid-request: subscribe refused: Invalid symbol :\[publicTrade.NOPEUSDT\]/,
    );
  } finally {
    await stream.close();
    await view.done;
    await fake.close();
  }
});

/** A socket the test drives by hand: every frame arrives by a direct call of its handler. */
function handSocket(): { socket: StreamSocket; sent: string[]; receive: (wire: unknown) => void } {
  const sent: string[] = [];
  const socket: StreamSocket = {
    send: (data) => void sent.push(data),
    close: () => {},
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  const receive = (wire: unknown): void =>
    socket.onmessage?.(new MessageEvent("message", { data: JSON.stringify(wire) }));
  return { socket, sent, receive };
}

function tradeFrame(ids: readonly string[]): unknown {
  return {
    topic: "publicTrade.BTCUSDT",
    type: "snapshot",
    ts: 1,
    data: ids.map((i, n) => ({
      T: 1700000000000 + n,
      s: "BTCUSDT",
      S: "Buy",
      v: "1",
      p: `${100 + n}`,
      i,
    })),
  };
}

async function subscribedByHand(
  capacity: number,
  sink: MarketSink,
): Promise<{ stream: BybitMarketStream; hand: ReturnType<typeof handSocket> }> {
  const hand = handSocket();
  const stream = new BybitMarketStream({ url: "ws://unused", socket: () => hand.socket, capacity });
  stream.deliverTo(sink);
  const subscribing = stream.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["trades", "book"] }]);
  hand.socket.onopen?.(new Event("open"));
  await Promise.resolve();
  const request = JSON.parse(hand.sent.at(-1) ?? "{}");
  hand.receive({ op: "subscribe", success: true, ret_msg: "", req_id: request.req_id });
  await subscribing;
  hand.receive({
    topic: "orderbook.50.BTCUSDT",
    type: "snapshot",
    ts: 1,
    data: { s: "BTCUSDT", b: [["99", "1"]], a: [["101", "1"]], u: 1, seq: 1 },
  });
  return { stream, hand };
}

Deno.test("stream with a sink: a frame's events are in the sink when its handler returns, in order, and events() only ends", async () => {
  const got: Event[] = [];
  const { stream, hand } = await subscribedByHand(10, {
    push: (event) => void got.push(event),
    waiting: 0,
  });
  const queued: Event[] = [];
  const draining = (async () => {
    for await (const event of stream.events()) queued.push(event);
  })();
  got.length = 0;
  hand.receive(tradeFrame(["a", "b", "c"]));
  // No await since the frame: the events were handed over inside the message handler.
  assert.deepEqual(
    got.map((e) => e.kind === "trade" ? e.trade.tradeId : e.kind),
    ["a", "b", "c"],
  );
  await stream.close();
  await draining;
  assert.deepEqual(queued, [], "nothing goes through events() once a sink is attached");
});

Deno.test("stream with a sink: a sink holding its capacity of waiting events gets no more; the books resynchronise", async () => {
  const got: Event[] = [];
  const sink = { push: (event: Event) => void got.push(event), waiting: 0 };
  const { stream, hand } = await subscribedByHand(2, sink);
  try {
    got.length = 0;
    sink.waiting = 2;
    hand.sent.length = 0;
    hand.receive(tradeFrame(["a"]));
    // Refused, as a full queue refuses (the stale report too): the book is asked for afresh.
    assert.equal(got.length, 0);
    assert.deepEqual(hand.sent.map((t) => JSON.parse(t).op), ["unsubscribe", "subscribe"]);
    sink.waiting = 1;
    hand.receive(tradeFrame(["b"]));
    assert.deepEqual(got.map((e) => e.kind === "trade" ? e.trade.tradeId : e.kind), ["b"]);
  } finally {
    await stream.close();
  }
});

Deno.test("stream: a sink attached after subscribing is refused (queued events would be overtaken)", async () => {
  const late = new BybitMarketStream({ url: "ws://unused", socket: () => handSocket().socket });
  try {
    const subscribing = late.subscribe([{ symbol: "bybit:BTCUSDT", channels: ["trades"] }]);
    assert.throws(
      () => late.deliverTo({ push: () => {}, waiting: 0 }),
      (e: unknown) =>
        e instanceof TypeError && /attach the sink before the first subscribe/.test(e.message),
    );
    subscribing.catch(() => {});
  } finally {
    await late.close();
  }
});
