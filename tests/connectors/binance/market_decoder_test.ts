/**
 * BinanceMarketDecoder: the live stream's state machine, replayable. The real capture decodes
 * with its in-stream snapshot and an unbroken chain; frames recorded from a live session against
 * the simulator (with a pu gap and its resync) decode to the events the live stream emitted.
 */

import assert from "node:assert/strict";
import type { Event } from "../../../lib/events/mod.ts";
import { BinanceMarketDecoder } from "../../../connectors/binance/market_decoder.ts";
import { BinanceMarketStream } from "../../../connectors/binance/market_stream.ts";
import { BinanceRest } from "../../../connectors/binance/rest.ts";
import { WeightLimiter } from "../../../connectors/binance/rate_limit.ts";
import { parseDepthSnapshot } from "../../../connectors/binance/depth_update.ts";
import { nativeSocket, type StreamSocket } from "../../../lib/broker/mod.ts";
import { btcCapture } from "./_fixtures.ts";
import { FAST, sleep, until, withBinanceSim } from "./_sim.ts";

Deno.test("BinanceMarketDecoder: the real capture synchronises from the snapshot among its frames", async () => {
  const decoder = new BinanceMarketDecoder({ snapshotDepth: 20 });
  const out: Event[] = [];
  for (const line of await btcCapture()) {
    decoder.frame(line.text, Number(line.local / 1_000_000n), out);
  }
  assert.deepEqual(decoder.counters, {
    frames: 600,
    depthEvents: 48,
    snapshots: 1,
    deltas: 44,
    resyncs: 0,
    buffered: 6,
    stale: 0,
    badFrames: 0,
  });
  const snapshot = out.find((e) => e.kind === "book-snapshot");
  assert.ok(snapshot !== undefined && snapshot.kind === "book-snapshot");
  assert.equal(snapshot.book.bids.length, 20);
  assert.equal(out.filter((e) => e.kind === "book-delta").length, 42);
  assert.ok(out.some((e) => e.kind === "connectivity" && e.state === "up"));
  assert.equal(decoder.synced("BTCUSDT"), true);
});

Deno.test("BinanceMarketDecoder: a lost connection resets the books; a stale snapshot asks for another", () => {
  const decoder = new BinanceMarketDecoder();
  const out: Event[] = [];
  const depth = (U: number, u: number, pu: number): string =>
    JSON.stringify({
      stream: "btcusdt@depth@100ms",
      data: { e: "depthUpdate", E: 1, T: 1, s: "BTCUSDT", U, u, pu, b: [["100", "1"]], a: [] },
    });
  decoder.frame(depth(50, 55, 49), 1, out);
  assert.deepEqual(decoder.needsSnapshot(), ["BTCUSDT"]);
  assert.equal(
    decoder.snapshot("BTCUSDT", { lastUpdateId: 10, eventTime: 0, bids: [], asks: [] }, 2, out),
    false,
  );
  assert.equal(
    decoder.snapshot(
      "BTCUSDT",
      { lastUpdateId: 52, eventTime: 0, bids: [99, 1], asks: [101, 1] },
      3,
      out,
    ),
    true,
  );
  decoder.reset("connection lost", 4, out);
  assert.equal(decoder.synced("BTCUSDT"), false);
  const stale = out.filter((e) => e.kind === "connectivity" && e.state === "stale");
  assert.equal(stale.length, 1);
  assert.match(
    stale[0].kind === "connectivity" ? stale[0].reason ?? "" : "",
    /connection lost; resync #2/,
  );
  decoder.frame("{not json", 5, out);
  assert.equal(decoder.counters.badFrames, 1);
  assert.ok(out.some((e) => e.kind === "alert" && e.code === "binance-bad-message"));
});

interface Recorded {
  readonly ms: number;
  readonly kind: "frame" | "rest";
  readonly text: string;
}

const MARKET = new Set(["book-snapshot", "book-delta", "quote", "trade"]);

function marketData(events: readonly Event[]): unknown[] {
  return events.filter((e) => MARKET.has(e.kind)).map((e) => ({ ...e, tsRecv: 0 }));
}

Deno.test("BinanceMarketDecoder: frames recorded from a live session (with a pu gap) replay to the live events", async () => {
  await withBinanceSim(async ({ sim }) => {
    const recorded: Recorded[] = [];
    // A socket that records every frame before the stream sees it (what a recorder does).
    const tap = (url: string): StreamSocket => {
      const inner = nativeSocket(url);
      const outer: StreamSocket = {
        send: (data) => inner.send(data),
        close: (code, reason) => inner.close(code, reason),
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
      inner.onopen = (event) => outer.onopen?.(event);
      inner.onclose = (event) => outer.onclose?.(event);
      inner.onerror = (event) => outer.onerror?.(event);
      inner.onmessage = (event) => {
        recorded.push({ ms: Date.now(), kind: "frame", text: String(event.data) });
        outer.onmessage?.(event);
      };
      return outer;
    };
    const rest = new BinanceRest({
      baseUrl: sim.restUrl,
      limiter: new WeightLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
      now: () => Date.now(),
      sleep,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const text = await response.text();
        if (String(input).includes("/fapi/v1/depth")) {
          recorded.push({ ms: Date.now(), kind: "rest", text });
        }
        return new Response(text, { status: response.status, headers: response.headers });
      },
    });
    const market = new BinanceMarketStream({
      publicUrl: sim.wsPublicUrl,
      marketUrl: sim.wsMarketUrl ?? "",
      rest,
      backoff: FAST,
      socket: tap,
    });
    const live: Event[] = [];
    void (async () => {
      for await (const event of market.events()) live.push(event);
    })();
    try {
      await market.subscribe([{
        symbol: "binance:BTCUSDT",
        channels: ["book", "quotes", "trades"],
      }]);
      for (let k = 0; k < 30; k++) {
        if (k === 12) sim.faults.inject({ kind: "ws-skip", stream: "public", count: 1 });
        sim.market.updateBook("BTCUSDT", [[49999.9 - (k % 5) / 10, 1 + k]], [[
          50000.1 + (k % 4) / 10,
          2 + k,
        ]]);
        if (k % 7 === 0) sim.market.trade("BTCUSDT", "buy", 50000.1, 0.1);
        await sleep(4);
      }
      await until(
        () => market.resyncs === 1 && market.book("binance:BTCUSDT")?.synced === true,
        "resynced",
      );
      await sleep(30);
    } finally {
      await market.close();
    }
    const decoder = new BinanceMarketDecoder();
    const replayed: Event[] = [];
    for (const item of recorded) {
      if (item.kind === "frame") decoder.frame(item.text, item.ms, replayed);
      else decoder.snapshot("BTCUSDT", parseDepthSnapshot(item.text), item.ms, replayed);
    }
    assert.ok(live.filter((e) => e.kind === "book-delta").length > 10);
    assert.equal(decoder.counters.resyncs, 1);
    assert.deepEqual(marketData(replayed), marketData(live));
  });
});

Deno.test("BinanceMarketDecoder as the recording decoder: a capture snapshot goes to the one waiting book, never to a guess", () => {
  const depth = (s: string, U: number): string =>
    `{"stream":"${s.toLowerCase()}@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"${s}","U":${U},"u":${
      U + 1
    },"pu":${U - 1},"b":[["100.0","1"]],"a":[]}}`;
  const snapshot = '{"lastUpdateId":5,"E":1,"T":1,"bids":[["99.0","2"]],"asks":[["101.0","3"]]}';
  const frame = (text: string, tsRecv: number) => ({ kind: "frame" as const, tsRecv, text });
  // Before any depth event the snapshot waits, and the first book that starts waiting takes it.
  const one = new BinanceMarketDecoder();
  const out: Event[] = [];
  one.decode(frame(snapshot, 1_000), out);
  one.decode(frame(depth("BTCUSDT", 5), 2_000), out);
  assert.equal(one.synced("BTCUSDT"), true);
  assert.deepEqual(one.stats(), {
    frames: 2,
    depthEvents: 1,
    applied: 1,
    staleEvents: 0,
    snapshots: 1,
    gaps: 0,
    depthWithoutSnapshot: 0,
    unmatchedSnapshots: 0,
    badFrames: 0,
  });
  // Two books waiting: a snapshot without a symbol belongs to neither; it is counted, not applied.
  const two = new BinanceMarketDecoder();
  two.decode(frame(depth("BTCUSDT", 5), 1_000), out);
  two.decode(frame(depth("ETHUSDT", 5), 1_000), out);
  two.decode(frame(snapshot, 2_000), out);
  assert.equal(two.synced("BTCUSDT"), false);
  assert.equal(two.synced("ETHUSDT"), false);
  assert.equal(two.stats().unmatchedSnapshots, 1);
  assert.equal(two.stats().depthWithoutSnapshot, 2);
  // A recorded REST answer names its symbol.
  two.decode({
    kind: "rest",
    tsRecv: 3_000,
    target: "GET /fapi/v1/depth?symbol=ETHUSDT&limit=1000",
    body: snapshot,
  }, out);
  assert.equal(two.synced("ETHUSDT"), true);
  assert.equal(two.counters.snapshots, 1);
});
