/**
 * A feed that hands its events over as it parses them (`MarketStream.deliverTo`): the runtime
 * puts them into the inbox inside the feed's handler, in order, and an event the market lane has
 * no room for waits (with every later one behind it) instead of being lost.
 */

import assert from "node:assert/strict";
import type { MarketSink, MarketStream } from "../../../lib/broker/mod.ts";
import type { Candle } from "../../../lib/domain/mod.ts";
import { BoundedQueue, type CandleEvent, type Event } from "../../../lib/events/mod.ts";
import type { LiveRuntime } from "../../../lib/live/mod.ts";
import { driveUntil, paperRuntime, START } from "./_paper.ts";

const MINUTE = 60e6;

function candleEvent(n: number): CandleEvent {
  const openTime = START + n * MINUTE;
  const candle: Candle = {
    symbol: "bybit:BTCUSDT",
    interval: "1m",
    openTime,
    open: 100 + n,
    high: 101 + n,
    low: 99 + n,
    close: 100 + n,
    volume: 1,
  };
  return { kind: "candle", ts: openTime + MINUTE, tsRecv: openTime + MINUTE, candle };
}

/** Emits one frame of candles while subscribing, and reports the inbox as the frame ends. */
class FrameFeed implements MarketStream {
  readonly venue = "bybit";
  readonly #queue = new BoundedQueue<Event>({ capacity: 1000, policy: "backpressure" });
  #sink: MarketSink | undefined;
  runtime: LiveRuntime | undefined;
  inboxAfterFrame: { size: number; waiting: number } | undefined;

  get sink(): MarketSink | undefined {
    return this.#sink;
  }

  deliverTo(sink: MarketSink): void {
    this.#sink = sink;
  }

  subscribe(): Promise<void> {
    for (let n = 0; n < 10; n++) {
      const event = candleEvent(n);
      if (this.#sink === undefined) this.#queue.offer(event);
      else this.#sink.push(event);
    }
    const inbox = this.runtime?.inbox;
    this.inboxAfterFrame = { size: inbox?.size ?? -1, waiting: inbox?.waitingPushes ?? -1 };
    return Promise.resolve();
  }

  events(): AsyncIterable<Event> {
    return this.#queue;
  }

  close(): Promise<void> {
    this.#queue.close();
    return Promise.resolve();
  }
}

Deno.test("feed with a sink: a frame's events are in the inbox as it ends, the lane's overflow waits, the strategy gets all in order", async () => {
  const feed = new FrameFeed();
  const { runtime, clock, candles } = await paperRuntime({
    feeds: [feed],
    buildCandles: false,
    marketCapacity: 2,
    maxEvents: 10,
  });
  feed.runtime = runtime;
  const summary = await driveUntil(clock, runtime.run(), 100);
  // Two candles fill the market lane; the other eight wait for room, none is lost.
  assert.deepEqual(feed.inboxAfterFrame, { size: 2, waiting: 8 });
  assert.equal(summary.ended, "bound");
  assert.deepEqual(
    candles.map((c) => c.openTime),
    Array.from({ length: 10 }, (_, n) => START + n * MINUTE),
  );
  assert.equal(runtime.inbox.stats.waited, 8);
  // A frame that arrives while the session shuts down is dropped, not thrown into the handler.
  assert.equal(runtime.inbox.closed, true);
  assert.doesNotThrow(() => feed.sink?.push(candleEvent(10)));
});
