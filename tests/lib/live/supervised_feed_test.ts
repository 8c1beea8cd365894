import assert from "node:assert/strict";
import type { MarketStream, MarketSubscription } from "../../../lib/broker/mod.ts";
import { ExchangeError } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import { BoundedQueue, type ConnectivityEvent, type Event } from "../../../lib/events/mod.ts";
import { SupervisedMarketStream } from "../../../lib/live/supervised_feed.ts";
import { Supervisor } from "../../../lib/live/ops/supervisor.ts";
import { recordingLog } from "./ops/_log.ts";

/** A scripted connector stream: the test pushes its events and ends it. */
class ScriptedStream implements MarketStream {
  readonly venue = "bybit";
  readonly queue = new BoundedQueue<Event>({ capacity: 100, policy: "backpressure" });
  subscribed: MarketSubscription[] = [];
  closed = false;
  refuse: Error | undefined;

  subscribe(subscriptions: readonly MarketSubscription[]): Promise<void> {
    this.subscribed.push(...subscriptions);
    return this.refuse === undefined ? Promise.resolve() : Promise.reject(this.refuse);
  }

  events(): AsyncIterable<Event> {
    return this.queue;
  }

  close(): Promise<void> {
    this.closed = true;
    this.queue.close();
    return Promise.resolve();
  }

  trade(tsRecv: number): void {
    this.queue.offer({
      kind: "trade",
      ts: tsRecv,
      tsRecv,
      trade: { symbol: "bybit:BTCUSDT", price: 1, quantity: 1, side: "buy" },
    });
  }

  link(state: "up" | "down"): void {
    this.queue.offer({
      kind: "connectivity",
      ts: 0,
      tsRecv: 0,
      channel: "market",
      venue: "bybit",
      state,
      reason: state === "down" ? "socket closed" : "resubscribed",
    });
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function setUp() {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({
    clock,
    sleeper: clock,
    random: () => 0.5,
    log: recordingLog().log,
  });
  const streams: ScriptedStream[] = [];
  const data: [string, number][] = [];
  const links: ConnectivityEvent[] = [];
  let subscribedCalls = 0;
  const feed = new SupervisedMarketStream({
    supervisor,
    venue: "bybit",
    create: () => {
      const stream = new ScriptedStream();
      streams.push(stream);
      return stream;
    },
    onData: (symbol, at) => data.push([symbol, at]),
    onConnectivity: (event) => links.push(event),
    onSubscribed: () => subscribedCalls++,
  });
  const seen: Event[] = [];
  const consumer = (async () => {
    for await (const event of feed.events()) seen.push(event);
  })();
  return {
    clock,
    supervisor,
    streams,
    data,
    links,
    feed,
    seen,
    consumer,
    subscribed: () => subscribedCalls,
  };
}

const SUBSCRIPTION: MarketSubscription = { symbol: "bybit:BTCUSDT", channels: ["trades"] };

Deno.test("SupervisedMarketStream: subscribes a stream from the factory, passes its events on and reports data and links", async () => {
  const { supervisor, streams, data, links, feed, seen, consumer, subscribed } = setUp();
  await feed.subscribe([SUBSCRIPTION]);
  assert.equal(streams.length, 1);
  assert.deepEqual(streams[0].subscribed, [SUBSCRIPTION]);
  assert.equal(subscribed(), 1);
  assert.equal(supervisor.status()[0].name, "market:bybit");
  assert.equal(supervisor.status()[0].state, "up");
  streams[0].trade(7);
  streams[0].link("down");
  await settle();
  assert.deepEqual(data, [["bybit:BTCUSDT", 7]]);
  assert.equal(links.length, 1);
  assert.equal(supervisor.status()[0].state, "down", "the connector reconnects by itself");
  streams[0].link("up");
  await settle();
  assert.equal(supervisor.status()[0].state, "up");
  assert.equal(supervisor.status()[0].recentFailures, 0, "back within its backoff");
  assert.deepEqual(seen.map((e) => e.kind), ["trade", "connectivity", "connectivity"]);
  await feed.close();
  await consumer;
  assert.equal(streams[0].closed, true);
  assert.equal(supervisor.status()[0].state, "stopped");
  await supervisor.stop();
});

Deno.test("SupervisedMarketStream: a stream that ends by itself is replaced by a new one after the backoff, subscribed again", async () => {
  const { clock, supervisor, streams, feed, seen, consumer } = setUp();
  await feed.subscribe([SUBSCRIPTION]);
  streams[0].trade(1);
  await streams[0].close(); // the connector gave up
  await settle();
  assert.equal(supervisor.status()[0].state, "down");
  assert.equal(streams.length, 1, "not before the backoff");
  clock.advance(100_000); // 100 ms
  await settle();
  assert.equal(streams.length, 2);
  assert.deepEqual(streams[1].subscribed, [SUBSCRIPTION]);
  assert.equal(supervisor.status()[0].state, "up");
  assert.equal(supervisor.status()[0].recentFailures, 0, "it was up before: no failure");
  streams[1].trade(2);
  await settle();
  assert.deepEqual(seen.map((e) => e.kind === "trade" ? e.tsRecv : e.kind), [1, 2]);
  await feed.close();
  await consumer;
  await supervisor.stop();
});

Deno.test("SupervisedMarketStream: a subscription the venue refuses fails the start with the venue's error", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({ clock, sleeper: clock, log: recordingLog().log });
  const refused = new ExchangeError("invalid-request", "subscribe refused: no topic", {
    venue: "bybit",
  });
  const feed = new SupervisedMarketStream({
    supervisor,
    venue: "bybit",
    create: () => {
      const stream = new ScriptedStream();
      stream.refuse = refused;
      return stream;
    },
  });
  const consumer = (async () => {
    for await (const _ of feed.events()) { /* drain */ }
  })();
  await assert.rejects(feed.subscribe([SUBSCRIPTION]), /subscribe refused: no topic/);
  await feed.close();
  await consumer;
  await supervisor.stop();
});

Deno.test("SupervisedMarketStream: subscribe after close is a TypeError", async () => {
  const clock = new ManualClock(0);
  const supervisor = new Supervisor({ clock, sleeper: clock, log: recordingLog().log });
  const feed = new SupervisedMarketStream({
    supervisor,
    venue: "bybit",
    create: () => new ScriptedStream(),
  });
  await feed.close();
  await assert.rejects(feed.subscribe([SUBSCRIPTION]), TypeError);
  await supervisor.stop();
});
