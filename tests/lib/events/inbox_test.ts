import assert from "node:assert/strict";
import type { Event } from "../../../lib/events/mod.ts";
import { Inbox } from "../../../lib/events/inbox.ts";
import { sampleEvent } from "./_fixtures.ts";

const BTC = "bybit:BTCUSDT";
const ETH = "bybit:ETHUSDT";

function trade(ts: number, symbol = BTC): Event {
  return { kind: "trade", ts, tsRecv: ts, trade: { symbol, price: ts, quantity: 1, side: "buy" } };
}

function quote(ts: number, symbol = BTC): Event {
  return {
    kind: "quote",
    ts,
    tsRecv: ts,
    quote: { symbol, bidPrice: ts, bidSize: 1, askPrice: ts + 1, askSize: 1 },
  };
}

function snapshot(ts: number, symbol = BTC): Event {
  return {
    kind: "book-snapshot",
    ts,
    tsRecv: ts,
    book: { symbol, bids: [{ price: ts, size: 1 }], asks: [{ price: ts + 1, size: 1 }] },
  };
}

function delta(ts: number, symbol = BTC): Event {
  return {
    kind: "book-delta",
    ts,
    tsRecv: ts,
    delta: { symbol, bids: [{ price: ts, size: 2 }], asks: [] },
  };
}

function candle(ts: number): Event {
  return { ...sampleEvent("candle", ts) };
}

/** A short description of an event: kind, ts and symbol where it has one. */
function tag(event: Event): string {
  switch (event.kind) {
    case "trade":
      return `trade@${event.ts}`;
    case "quote":
      return `quote:${event.quote.symbol}@${event.ts}`;
    case "book-snapshot":
      return `snapshot:${event.book.symbol}@${event.ts}`;
    case "book-delta":
      return `delta:${event.delta.symbol}@${event.ts}`;
    case "connectivity":
      return `connectivity:${event.symbol}:${event.state}`;
    case "alert":
      return `alert:${event.code}`;
    default:
      return `${event.kind}@${event.ts}`;
  }
}

/** Every event waiting, in the order the inbox gives them. */
async function takeEvents(inbox: Inbox): Promise<Event[]> {
  const out: Event[] = [];
  while (inbox.size > 0) {
    const event = await inbox.take();
    if (event !== undefined) out.push(event);
  }
  return out;
}

async function takeAll(inbox: Inbox): Promise<string[]> {
  return (await takeEvents(inbox)).map(tag);
}

const now = (): number => 1_000;

Deno.test("Inbox takes execution reports and commands before market data", async () => {
  const inbox = new Inbox({ marketCapacity: 10, now });
  inbox.offer(trade(1));
  inbox.offer(quote(2));
  inbox.offer(sampleEvent("fill", 3));
  inbox.offer(trade(4));
  inbox.offer(sampleEvent("order-update", 5));
  inbox.offer(sampleEvent("order-command", 6));
  assert.deepEqual(await takeAll(inbox), [
    "fill@3",
    "order-update@5",
    "order-command@6",
    "trade@1",
    `quote:${BTC}@2`,
    "trade@4",
  ]);
});

Deno.test("Inbox never drops or refuses execution events, however many", async () => {
  const inbox = new Inbox({ marketCapacity: 2, now });
  for (let i = 0; i < 5_000; i++) assert.equal(inbox.offer(sampleEvent("fill", i)), true);
  assert.equal(inbox.stats.priority, 5_000);
  let taken = 0;
  while (inbox.size > 0) {
    const event = await inbox.take();
    assert.equal(event?.ts, taken++);
  }
  assert.equal(taken, 5_000);
});

Deno.test("Inbox keeps every market event while there is room", async () => {
  const inbox = new Inbox({ marketCapacity: 8, now });
  for (const event of [quote(1), quote(2), snapshot(3), delta(4), trade(5), quote(6)]) {
    inbox.offer(event);
  }
  assert.deepEqual(await takeAll(inbox), [
    `quote:${BTC}@1`,
    `quote:${BTC}@2`,
    `snapshot:${BTC}@3`,
    `delta:${BTC}@4`,
    "trade@5",
    `quote:${BTC}@6`,
  ]);
  const stats = inbox.stats;
  assert.equal(stats.droppedTrades + stats.conflated + stats.discardedDeltas, 0);
  assert.equal(stats.overflowEpisodes, 0);
});

Deno.test("Inbox on overflow conflates quotes to the latest per symbol and says so", async () => {
  const inbox = new Inbox({ marketCapacity: 3, now });
  inbox.offer(quote(1, BTC));
  inbox.offer(quote(2, ETH));
  inbox.offer(quote(3, BTC));
  // Full: a fourth BTC quote replaces both waiting BTC quotes and goes to the back.
  assert.equal(inbox.offer(quote(4, BTC)), true);
  assert.equal(inbox.stats.conflated, 2);
  assert.equal(inbox.stats.market, 2);
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `quote:${ETH}@2`,
    `quote:${BTC}@4`,
    "alert:inbox-overflow-end",
  ]);
  assert.equal(inbox.stats.overflowEpisodes, 1);
});

Deno.test("Inbox on overflow drops the oldest trade first, and counts it", async () => {
  const inbox = new Inbox({ marketCapacity: 3, now });
  inbox.offer(trade(1));
  inbox.offer(candle(2));
  inbox.offer(trade(3));
  inbox.offer(trade(4));
  inbox.offer(quote(5));
  assert.equal(inbox.stats.droppedTrades, 2);
  const events = await takeEvents(inbox);
  assert.deepEqual(events.map(tag), [
    "alert:inbox-overflow",
    "candle@2",
    "trade@4",
    `quote:${BTC}@5`,
    "alert:inbox-overflow-end",
  ]);
  const end = events[4];
  assert.equal(end.kind, "alert");
  if (end.kind === "alert") {
    assert.equal(
      end.message,
      "market data lane drained: 2 trades dropped, 0 quotes/book updates conflated, " +
        "0 book deltas discarded, 0 book resyncs requested",
    );
    assert.equal(end.ts, 1_000, "stamped with the injected clock");
  }
});

Deno.test("Inbox makes room by dropping an older quote of a symbol that has a newer one", async () => {
  const inbox = new Inbox({ marketCapacity: 3, now });
  inbox.offer(quote(1, BTC));
  inbox.offer(quote(2, BTC));
  inbox.offer(candle(3));
  assert.equal(inbox.offer(candle(4)), true);
  assert.equal(inbox.stats.conflated, 1);
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `quote:${BTC}@2`,
    "candle@3",
    "candle@4",
    "alert:inbox-overflow-end",
  ]);
});

Deno.test("Inbox never drops candles or funding: a full lane makes their producer wait", async () => {
  const inbox = new Inbox({ marketCapacity: 2, now });
  inbox.offer(candle(1));
  inbox.offer(sampleEvent("funding", 2));
  assert.equal(inbox.offer(candle(3)), false, "offer refuses instead of dropping");
  assert.equal(inbox.stats.refused, 1);
  let pushed = false;
  const push = inbox.push(candle(4)).then(() => (pushed = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(pushed, false, "the push waits for room");
  assert.equal((await inbox.take())?.ts, 1);
  await push;
  assert.equal(pushed, true);
  assert.deepEqual(await takeAll(inbox), ["funding@2", "candle@4"]);
  assert.equal(inbox.stats.droppedTrades + inbox.stats.conflated, 0);
});

Deno.test("Inbox: a book delta that does not fit makes the book stale and asks for a resync", async () => {
  const resyncs: string[] = [];
  const inbox = new Inbox({ marketCapacity: 3, now, onResync: (symbol) => resyncs.push(symbol) });
  inbox.offer(snapshot(1));
  inbox.offer(delta(2));
  inbox.offer(delta(3));
  // Full of book events: the next delta cannot be kept, so BTC's book goes stale.
  assert.equal(inbox.offer(delta(4)), true);
  assert.deepEqual(resyncs, [BTC]);
  assert.deepEqual(inbox.stats.staleBooks, [BTC]);
  // Until a snapshot arrives, BTC deltas are not delivered; other symbols flow.
  inbox.offer(delta(5));
  inbox.offer(delta(6, ETH));
  const stats = inbox.stats;
  assert.equal(stats.discardedDeltas, 4, "two waiting, the one that did not fit, one later");
  assert.equal(stats.resyncsRequested, 1);
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `connectivity:${BTC}:stale`,
    `snapshot:${BTC}@1`,
    `delta:${ETH}@6`,
    "alert:inbox-overflow-end",
  ]);
  // The resync snapshot ends the stale period; deltas after it are delivered again.
  inbox.offer(snapshot(7));
  inbox.offer(delta(8));
  assert.deepEqual(inbox.stats.staleBooks, []);
  assert.deepEqual(await takeAll(inbox), [
    `snapshot:${BTC}@7`,
    `connectivity:${BTC}:up`,
    `delta:${BTC}@8`,
  ]);
  assert.equal(inbox.stats.resyncsCompleted, 1);
});

Deno.test("Inbox: the stale and up connectivity events name the venue, symbol and reason", async () => {
  const inbox = new Inbox({
    marketCapacity: 1,
    now,
    onResync: (symbol) => inbox.offer(snapshot(9, symbol)),
  });
  inbox.offer(delta(1));
  inbox.offer(delta(2)); // stale; the callback offers the snapshot at once
  const events = await takeEvents(inbox);
  const connectivity = events.filter((event) => event.kind === "connectivity");
  assert.deepEqual(connectivity, [
    {
      kind: "connectivity",
      ts: 1_000,
      tsRecv: 1_000,
      channel: "market",
      venue: "bybit",
      symbol: BTC,
      state: "stale",
      reason: "inbox overflow: book deltas lost; resynchronizing from a snapshot",
    },
    {
      kind: "connectivity",
      ts: 1_000,
      tsRecv: 1_000,
      channel: "market",
      venue: "bybit",
      symbol: BTC,
      state: "up",
      reason: "book resynchronized from a snapshot",
    },
  ]);
  assert.deepEqual(
    events.filter((event) => event.kind === "book-snapshot" || event.kind === "book-delta")
      .map(tag),
    [`snapshot:${BTC}@9`],
  );
});

Deno.test("Inbox on overflow: a snapshot replaces the waiting book events of its symbol", async () => {
  const inbox = new Inbox({ marketCapacity: 4, now });
  inbox.offer(snapshot(1));
  inbox.offer(delta(2));
  inbox.offer(delta(3, ETH));
  inbox.offer(delta(4));
  // The new BTC snapshot supersedes the old one and both deltas applied on top of it.
  assert.equal(inbox.offer(snapshot(5)), true);
  assert.equal(inbox.stats.conflated, 3);
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `delta:${ETH}@3`,
    `snapshot:${BTC}@5`,
    "alert:inbox-overflow-end",
  ]);
});

Deno.test("Inbox: a snapshot that replaces a waiting resync snapshot still ends the stale period", async () => {
  const inbox = new Inbox({ marketCapacity: 2, now });
  inbox.offer(delta(1));
  inbox.offer(delta(2));
  inbox.offer(delta(3)); // stale
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `connectivity:${BTC}:stale`,
    "alert:inbox-overflow-end",
  ]);
  inbox.offer(trade(4));
  inbox.offer(snapshot(5)); // the resync
  inbox.offer(snapshot(6)); // full: conflates the resync snapshot (a second episode)
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    "trade@4",
    `snapshot:${BTC}@6`,
    `connectivity:${BTC}:up`,
    "alert:inbox-overflow-end",
  ]);
  assert.deepEqual(inbox.stats.staleBooks, []);
});

Deno.test("Inbox stays bounded and in order under sustained overflow with a stalled consumer", async () => {
  const inbox = new Inbox({ marketCapacity: 100, now });
  inbox.offer(candle(0));
  for (let i = 1; i <= 50_000; i++) inbox.offer(trade(i));
  assert.equal(inbox.stats.market, 100);
  assert.equal(inbox.stats.droppedTrades, 50_000 - 99);
  const events = await takeAll(inbox);
  assert.equal(events[0], "alert:inbox-overflow");
  assert.equal(events[1], "candle@0");
  assert.equal(events[2], `trade@${50_000 - 98}`);
  assert.equal(events[100], "trade@50000");
  assert.equal(events[101], "alert:inbox-overflow-end");
});

Deno.test("Inbox rejects a market capacity that is not a positive integer", () => {
  assert.throws(() => new Inbox({ marketCapacity: 0, now }), {
    name: "RangeError",
    message: 'Inbox: option "marketCapacity" must be a positive integer, got 0',
  });
});

Deno.test("Inbox hands an event to a waiting taker and ends on close", async () => {
  const inbox = new Inbox({ now });
  const waiting = inbox.take();
  inbox.offer(trade(1));
  assert.equal((await waiting)?.kind, "trade");
  inbox.close();
  assert.equal(await inbox.take(), undefined);
  assert.throws(() => inbox.offer(trade(2)), {
    name: "RangeError",
    message: "Inbox: cannot add to a closed queue",
  });
});

Deno.test("Inbox: candles that had to wait go in in their order, before later ones", async () => {
  const inbox = new Inbox({ marketCapacity: 1, now });
  inbox.offer(candle(1));
  const second = inbox.push(candle(2));
  const third = inbox.push(candle(3));
  assert.equal(inbox.waitingPushes, 2);
  assert.equal((await inbox.take())?.ts, 1);
  await second;
  assert.equal(inbox.offer(candle(4)), false, "an offer does not overtake the waiting push");
  const order: (number | undefined)[] = [];
  for (let i = 0; i < 2; i++) order.push((await inbox.take())?.ts);
  await third;
  assert.deepEqual(order, [2, 3]);
  assert.equal(inbox.stats.refused, 1, "only the offer of candle 4");
  assert.equal(inbox.stats.waited, 2, "the pushes of candles 2 and 3");
});

Deno.test("Inbox: a resync snapshot that must wait for room keeps the book stale until it is in", async () => {
  const inbox = new Inbox({ marketCapacity: 2, now });
  inbox.offer(candle(1));
  inbox.offer(candle(2));
  inbox.offer(delta(3)); // no room and nothing to drop: BTC goes stale
  assert.deepEqual(inbox.stats.staleBooks, [BTC]);
  const resync = inbox.push(snapshot(4));
  assert.equal(inbox.offer(delta(5)), true);
  assert.deepEqual(inbox.stats.staleBooks, [BTC], "still stale while the snapshot waits");
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `connectivity:${BTC}:stale`,
    "candle@1",
    "candle@2",
    `snapshot:${BTC}@4`,
    `connectivity:${BTC}:up`,
    "alert:inbox-overflow-end",
  ]);
  await resync;
  assert.deepEqual(inbox.stats.staleBooks, []);
  assert.equal(inbox.stats.discardedDeltas, 2);
});

Deno.test("Inbox: deltas discarded while a book waits for its snapshot raise no further alerts", async () => {
  const inbox = new Inbox({ marketCapacity: 1, now });
  inbox.offer(delta(1));
  inbox.offer(delta(2)); // stale
  // The stale book's waiting delta went with it, which drained the lane: the episode is over.
  assert.deepEqual(await takeAll(inbox), [
    "alert:inbox-overflow",
    `connectivity:${BTC}:stale`,
    "alert:inbox-overflow-end",
  ]);
  for (let i = 3; i < 100; i++) {
    inbox.offer(delta(i));
    inbox.offer(trade(i));
    assert.deepEqual(await takeAll(inbox), [`trade@${i}`]);
  }
  assert.equal(inbox.stats.discardedDeltas, 2 + 97, "counted all the same");
  assert.equal(inbox.stats.overflowEpisodes, 1);
});
