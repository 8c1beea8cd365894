/**
 * BitmexMarketStream against a fake BitMEX endpoint on 127.0.0.1, recorded through the taps:
 * books by id through a desync and a dropped connection, the ping heartbeat, and a replay of
 * the recording equal to what the stream emitted.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { BitmexMarketStream, bitmexTopics } from "../../../connectors/bitmex/market_stream.ts";
import { bitmexRecordingCodec } from "../../../connectors/bitmex/recording.ts";
import { readRecordings, sniffRecording } from "../../../connectors/recording/reader.ts";
import { Recorder } from "../../../connectors/recording/recorder.ts";
import { tapSocket, tapTimers } from "../../../connectors/recording/tap.ts";
import { RecordingWriter } from "../../../connectors/recording/writer.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { startFakeBitmex } from "./_fake_bitmex.ts";
import { until } from "../../_until.ts";

const TIMERS = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: ReturnType<typeof setTimeout>) => clearTimeout(h),
  now: () => Date.now(),
  random: () => 0.5,
};

const row = (id: number, side: "Buy" | "Sell", size: number, price?: number) => ({
  symbol: "XBTUSD",
  id,
  side,
  size,
  ...(price === undefined ? {} : { price }),
  timestamp: "2026-06-01T11:59:30.000Z",
});

Deno.test("bitmexTopics: book (full or 25), trades, quotes, bins, and always the instrument", () => {
  assert.deepEqual(
    bitmexTopics({ symbol: "bitmex:XBTUSD", channels: ["book", "trades", "quotes", "candles"] }),
    [
      "orderBookL2:XBTUSD",
      "trade:XBTUSD",
      "quote:XBTUSD",
      "tradeBin1m:XBTUSD",
      "instrument:XBTUSD",
    ],
  );
  assert.deepEqual(bitmexTopics({ symbol: "bitmex:XBTUSD", channels: ["book"], depth: 25 }), [
    "orderBookL2_25:XBTUSD",
    "instrument:XBTUSD",
  ]);
  assert.throws(
    () => bitmexTopics({ symbol: "bitmex:XBTUSD", channels: ["book"], depth: 50 }),
    /BitMEX book depth 50 is not offered: omit it for the full book or use 25/,
  );
  assert.throws(
    () => bitmexTopics({ symbol: "bitmex:XBTUSD", channels: ["candles"], interval: "15m" }),
    /BitMEX has no 15m trade bins: use 1m, 5m, 1h or 1d/,
  );
});

Deno.test("BitmexMarketStream: books through a desync, a drop and a silent connection; the recording replays to the same events", async () => {
  const fake = startFakeBitmex();
  const dir = await Deno.makeTempDir();
  const path = join(dir, "bitmex.gz");
  const recorder = new Recorder({ sink: RecordingWriter.open({ path, venue: "bitmex" }) });
  const stream = new BitmexMarketStream({
    url: fake.url,
    socket: tapSocket((url) => new WebSocket(url), recorder),
    timers: tapTimers(TIMERS, recorder),
    pingAfterMs: 150,
    pongTimeoutMs: 100,
    reconnectMs: 5,
  });
  const live: Event[] = [];
  try {
    fake.book = [row(1, "Buy", 100, 49999.5), row(2, "Sell", 200, 50000)];
    await stream.subscribe([{ symbol: "bitmex:XBTUSD", channels: ["book", "trades", "quotes"] }]);
    const consume = (async () => {
      for await (const event of stream.events()) live.push(event);
    })();
    const snapshots = () => live.filter((e) => e.kind === "book-snapshot").length;
    await until(() => snapshots() === 1, "the partial");
    fake.push({ table: "orderBookL2", action: "update", data: [row(1, "Buy", 150)] });
    fake.push({ table: "orderBookL2", action: "insert", data: [row(3, "Buy", 10, 49999)] });
    fake.push({
      table: "orderBookL2",
      action: "delete",
      data: [{ symbol: "XBTUSD", id: 2, side: "Sell" }],
    });
    fake.push({
      table: "trade",
      action: "insert",
      data: [{
        timestamp: "2026-06-01T11:59:31.000Z",
        symbol: "XBTUSD",
        side: "Buy",
        size: 300,
        price: 50000,
        trdMatchID: "t-1",
      }],
    });
    fake.push({
      table: "quote",
      action: "insert",
      data: [{
        timestamp: "2026-06-01T11:59:31.000Z",
        symbol: "XBTUSD",
        bidSize: 150,
        bidPrice: 49999.5,
        askPrice: 50001,
        askSize: 5,
      }],
    });
    // An update of an id the book never had: the stream asks for a fresh partial.
    fake.book = [row(1, "Buy", 150, 49999.5), row(4, "Sell", 50, 50001)];
    fake.push({ table: "orderBookL2", action: "update", data: [row(9, "Sell", 1)] });
    await until(() => snapshots() === 2, "the partial after the desync");
    assert.ok(
      fake.received.some((t) => t === '{"op":"unsubscribe","args":["orderBookL2:XBTUSD"]}'),
    );
    // A dropped connection: reconnect, resubscribe every topic, fresh partials.
    fake.drop();
    await until(() => stream.reconnects === 1 && snapshots() === 3, "the reconnect");
    // A connection that goes silent and does not answer the ping is lost too.
    fake.answerPings = false;
    await until(() => stream.reconnects === 2, "the heartbeat reconnect");
    fake.answerPings = true;
    await until(() => snapshots() === 4, "the partial after the heartbeat reconnect");
    assert.ok(fake.received.includes("ping"));
    await stream.close();
    await consume;
  } finally {
    await stream.close();
    await recorder.close();
    await fake.stop();
  }
  try {
    const deltas = live.filter((e) => e.kind === "book-delta").map((e) =>
      e.kind === "book-delta" ? [e.delta.bids, e.delta.asks] : []
    );
    assert.deepEqual(deltas, [
      [[{ price: 49999.5, size: 150 }], []],
      [[{ price: 49999, size: 10 }], []],
      [[], [{ price: 50000, size: 0 }]],
    ]);
    assert.ok(live.some((e) => e.kind === "connectivity" && e.state === "stale"));
    assert.equal(live.filter((e) => e.kind === "trade").length, 1);

    const sniff = await sniffRecording(path);
    assert.ok(sniff !== undefined);
    const decoder = bitmexRecordingCodec.decoder();
    const replayed: Event[] = [];
    for await (const chunk of readRecordings([sniff])) {
      for (const item of chunk) decoder.decode(item, replayed);
    }
    const keep = (e: Event) =>
      e.kind === "book-snapshot" || e.kind === "book-delta" || e.kind === "trade" ||
      e.kind === "quote" || e.kind === "funding" ||
      (e.kind === "connectivity" && e.symbol !== undefined);
    assert.deepEqual(replayed.filter(keep), live.filter(keep));
    assert.equal(decoder.stats().gaps, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
