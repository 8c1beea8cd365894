/**
 * DepthBook / DepthSide (the hash-table book of the connector): the same answers as a plain
 * price → size map under heavy insert/remove churn (probe runs, backward-shift deletion, growth,
 * the lazily kept best price), and on the whole real capture the book the synchroniser builds
 * from the stream equals one rebuilt independently from the raw JSON.
 */

import assert from "node:assert/strict";
import type { DepthBook } from "../../../connectors/binance/depth_book.ts";
import { DepthSide } from "../../../connectors/binance/depth_side.ts";
import { DepthSync } from "../../../connectors/binance/depth_sync.ts";
import { DepthUpdateReader, parseDepthSnapshot } from "../../../connectors/binance/depth_update.ts";
import { Random } from "../../../lib/data/mod.ts";
import { gzipText } from "./_fixtures.ts";

function reference(side: ReadonlyMap<number, number>, highest: boolean): [number, number][] {
  return [...side].sort((a, b) => highest ? b[0] - a[0] : a[0] - b[0]);
}

Deno.test("DepthSide: equals a Map through 200,000 random sets and removals, growth included", () => {
  for (const highest of [true, false]) {
    const random = new Random(highest ? 7 : 11);
    const next = (): number => random.next();
    const side = new DepthSide(highest, 16); // small, so it grows many times
    const map = new Map<number, number>();
    for (let step = 0; step < 200_000; step++) {
      // 3,000 distinct prices on a 0.1 tick: long probe runs and many removals of absent levels.
      const price = Math.round(50_000 + next() * 3_000) / 10 + 60_000;
      const size = next() < 0.45 ? 0 : Math.round(next() * 1000) / 1000;
      const again = Math.round(50_000 + next() * 3_000) / 10 + 60_000;
      // Both entries: one level through set(), or a pair through apply() (the second removed).
      const levels = step % 3 === 0 ? [] : step % 3 === 1 ? [price, size, again, 0] : [price, size];
      if (levels.length === 0) side.set(price, size);
      else side.apply(levels);
      for (let k = 0; k < Math.max(levels.length, 2); k += 2) {
        const [p, q] = levels.length === 0 ? [price, size] : [levels[k], levels[k + 1]];
        if (q === 0) map.delete(p);
        else map.set(p, q);
      }
      if (step % 997 === 0) {
        assert.equal(side.count, map.size);
        const want = reference(map, highest);
        assert.equal(side.best, want.length === 0 ? NaN : want[0][0]);
      }
    }
    const want = reference(map, highest);
    assert.deepEqual(side.levels().map((l) => [l.price, l.size]), want);
    assert.deepEqual(side.levels(5).map((l) => [l.price, l.size]), want.slice(0, 5));
    for (let p = 65_000; p < 65_300; p += 0.1) {
      const price = Math.round(p * 10) / 10;
      assert.equal(side.size(price), map.get(price) ?? 0);
    }
    side.clear();
    assert.equal(side.count, 0);
    assert.ok(Number.isNaN(side.best));
    assert.deepEqual(side.levels(), []);
  }
});

Deno.test("DepthSide: the best price follows removals of the best level and better inserts", () => {
  const bids = new DepthSide(true);
  bids.apply([100, 1, 99, 2, 98, 3]);
  assert.equal(bids.best, 100);
  bids.set(100, 0);
  assert.equal(bids.best, 99);
  bids.set(99, 0);
  bids.set(101, 4);
  assert.equal(bids.best, 101);
  bids.set(101, 0);
  bids.set(98, 0);
  assert.ok(Number.isNaN(bids.best));
  const asks = new DepthSide(false);
  asks.apply([101, 1, 102, 2]);
  asks.set(101, 0);
  assert.equal(asks.best, 102);
  assert.equal(asks.size(101), 0);
  // -0 and 0 are one price (a hash of the bits would split them).
  asks.set(0, 5);
  assert.equal(asks.size(-0), 5);
});

Deno.test("DepthBook: the whole real capture through DepthSync equals the book rebuilt from the raw JSON", async () => {
  const lines = (await gzipText("../../testdata/recording/btcusdt_20240808.gz")).split("\n");
  const frames = lines.filter((l) => l !== "").map((l) => l.slice(l.indexOf(" ") + 1));
  const snapshotText = frames.find((f) => f.startsWith('{"lastUpdateId"'));
  assert.ok(snapshotText !== undefined);
  const snapshot = parseDepthSnapshot(snapshotText);
  const sync = new DepthSync();
  sync.snapshot(snapshot);
  const reader = new DepthUpdateReader();
  // Independent: JSON.parse, Number(), a Map per side, the documented drop of u < lastUpdateId.
  const raw = JSON.parse(snapshotText) as { bids: string[][]; asks: string[][] };
  const bids = new Map(raw.bids.map(([p, q]) => [Number(p), Number(q)]));
  const asks = new Map(raw.asks.map(([p, q]) => [Number(p), Number(q)]));
  let applied = 0;
  let k = 0;
  for (const frame of frames) {
    if (!frame.includes('"depthUpdate"')) continue;
    if (sync.push(reader.read(frame)).kind === "applied") applied++;
    const data = (JSON.parse(frame) as { data: { u: number; b: string[][]; a: string[][] } }).data;
    if (data.u < snapshot.lastUpdateId) continue;
    for (const [levels, side] of [[data.b, bids], [data.a, asks]] as const) {
      for (const [p, q] of levels) {
        if (Number(q) === 0) side.delete(Number(p));
        else side.set(Number(p), Number(q));
      }
    }
    if (++k % 500 === 0) assert.ok(sync.book.bestBid < sync.book.bestAsk, "never crossed");
  }
  assert.equal(applied, 6547);
  assert.equal(sync.resyncs, 0);
  const book: DepthBook = sync.book;
  assert.deepEqual(book.depth, { bids: bids.size, asks: asks.size });
  assert.deepEqual(book.bids().map((l) => [l.price, l.size]), reference(bids, true));
  assert.deepEqual(book.asks().map((l) => [l.price, l.size]), reference(asks, false));
});
