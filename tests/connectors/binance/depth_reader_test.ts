/**
 * DepthUpdateReader (the allocation-free depth path of the live stream and its replays): the
 * values of every real message of the whole capture equal JSON.parse + Number(); an update shares
 * the reader's buffers until the next read, so whatever keeps one (DepthSync's buffer) copies it;
 * every shape the byte scanner does not know falls back to JSON.parse with the same answer or a
 * clear error.
 */

import assert from "node:assert/strict";
import { DataError } from "../../../lib/domain/mod.ts";
import { DepthSync } from "../../../connectors/binance/depth_sync.ts";
import {
  copyDepthUpdate,
  type DepthUpdate,
  depthUpdateOf,
  DepthUpdateReader,
} from "../../../connectors/binance/depth_update.ts";
import { gzipText } from "./_fixtures.ts";

function plain(update: DepthUpdate): DepthUpdate {
  return { ...update, bids: Array.from(update.bids), asks: Array.from(update.asks) };
}

Deno.test("DepthUpdateReader: every depthUpdate of the whole real capture reads as JSON.parse + Number() reads it", async () => {
  const reader = new DepthUpdateReader();
  let compared = 0;
  for (const line of (await gzipText("../../testdata/recording/btcusdt_20240808.gz")).split("\n")) {
    const text = line.slice(line.indexOf(" ") + 1);
    if (!text.includes('"depthUpdate"')) continue;
    const slow = depthUpdateOf((JSON.parse(text) as { data: Record<string, unknown> }).data);
    assert.deepEqual(plain(reader.read(text)), slow);
    compared++;
  }
  assert.equal(compared, 6551);
});

const message = (u: number, bid: string, symbol = "BTCUSDT"): string =>
  `{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"${symbol}","U":${u},"u":${u},"pu":${
    u - 1
  },"b":[["${bid}","1.5"]],"a":[["200.0","2"]]}}`;

Deno.test("DepthUpdateReader: an update is valid until the next read; copies and DepthSync's buffer keep theirs", () => {
  const reader = new DepthUpdateReader();
  const first = reader.read(message(11, "100.1"));
  const kept = copyDepthUpdate(first);
  reader.read(message(12, "100.2"));
  assert.equal(first.bids[0], 100.2, "the first update's view now shows the second message");
  assert.equal(kept.bids[0], 100.1);
  // Buffered before a snapshot, then read over: the synchroniser must have copied each one.
  const sync = new DepthSync();
  for (let u = 11; u <= 13; u++) sync.push(reader.read(message(u, `10${u - 10}.0`)));
  reader.read(message(99, "1.0"));
  sync.snapshot({ lastUpdateId: 10, eventTime: 0, bids: [], asks: [] });
  assert.equal(sync.updateId, 13);
  assert.deepEqual(sync.book.bids(), [
    { price: 103, size: 1.5 },
    { price: 102, size: 1.5 },
    { price: 101, size: 1.5 },
  ]);
});

Deno.test("DepthUpdateReader: shapes the byte scanner does not take fall back to JSON.parse", () => {
  const reader = new DepthUpdateReader();
  // A symbol beyond ASCII, 16 significant digits, a raw (not enveloped) event: same values.
  assert.equal(reader.read(message(5, "100.1", "BTCÜSDT")).code, "BTCÜSDT");
  assert.equal(reader.read(message(5, "1234567890.1234567")).bids[0], 1234567890.1234567);
  const raw =
    '{"e":"depthUpdate","E":3,"s":"ETHUSDT","U":1,"u":2,"pu":0,"ps":"ETHUSDT","b":[],"a":[["2500.60","0.000"]]}';
  assert.deepEqual(plain(reader.read(raw)), {
    code: "ETHUSDT",
    eventTime: 3,
    transactionTime: 3,
    firstId: 1,
    lastId: 2,
    prevId: 0,
    bids: [],
    asks: [2500.6, 0],
  });
  // Bytes after the object are not a message: JSON.parse refuses them, and so does the reader.
  assert.throws(
    () => reader.read(`${message(5, "100.1")}}`),
    (error: unknown) => error instanceof DataError && /depthUpdate/.test(error.message),
  );
  // A negative size is not a level: the scanner leaves it to the checked reader.
  assert.throws(
    () => reader.read(message(5, "100.1").replace('"1.5"', '"-1.5"')),
    (error: unknown) =>
      error instanceof DataError && /depthUpdate\.b\[0\] is not a \[price, size\] pair/.test(
        error.message,
      ),
  );
  // After a fallback the scanner still serves the next message.
  assert.equal(reader.read(message(6, "100.3")).bids[0], 100.3);
});
