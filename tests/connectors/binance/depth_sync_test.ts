import assert from "node:assert/strict";
import { DepthSync } from "../../../connectors/binance/depth_sync.ts";
import {
  type DepthSnapshot,
  type DepthUpdate,
  parseDepthSnapshot,
} from "../../../connectors/binance/depth_update.ts";
import { parseMarket } from "../../../connectors/binance/parse_public.ts";
import { btcCapture } from "./_fixtures.ts";

function update(
  firstId: number,
  lastId: number,
  prevId: number,
  bids: number[] = [],
  asks: number[] = [],
): DepthUpdate {
  return { code: "BTCUSDT", eventTime: 1, transactionTime: 1, firstId, lastId, prevId, bids, asks };
}

function snapshot(lastUpdateId: number, bids: number[], asks: number[]): DepthSnapshot {
  return { lastUpdateId, eventTime: 1, bids, asks };
}

Deno.test("DepthSync: the real capture synchronises from its snapshot and keeps an unbroken pu chain", async () => {
  const sync = new DepthSync();
  const steps = new Map<string, number>();
  let snapshotStep;
  let lastU = 0;
  for (const line of await btcCapture()) {
    if (line.text.startsWith('{"lastUpdateId"')) {
      snapshotStep = sync.snapshot(parseDepthSnapshot(line.text));
      continue;
    }
    const frame = parseMarket(line.text, 0);
    if (frame.type !== "depth") continue;
    const step = sync.push(frame.update);
    steps.set(step.kind, (steps.get(step.kind) ?? 0) + 1);
    lastU = frame.update.lastId;
    if (sync.synced) assert.ok(sync.book.bestBid < sync.book.bestAsk, "book never crosses");
  }
  // Six events came before the snapshot; four of them ended below lastUpdateId and were dropped,
  // the fifth spans it, and the chain continues unbroken to the end of the excerpt.
  assert.deepEqual(snapshotStep, { kind: "synced", applied: 2 });
  assert.deepEqual(Object.fromEntries(steps), { buffered: 6, applied: 42 });
  assert.equal(sync.resyncs, 0);
  assert.equal(sync.updateId, lastU);
  // The excerpt's last bookTicker (u 5123108032076, just after the book's last u) shows the
  // same best prices and best bid size.
  assert.equal(sync.book.bestBid, 61807.9);
  assert.equal(sync.book.bestAsk, 61808);
  assert.equal(sync.book.size("bid", 61807.9), 3.598);
});

Deno.test("DepthSync: events ending below lastUpdateId are dropped; the spanning one is applied first", () => {
  const sync = new DepthSync();
  sync.push(update(1, 5, 0, [100, 9]));
  sync.push(update(6, 8, 5, [100, 8]));
  sync.push(update(9, 12, 8, [100, 7], [101, 1]));
  sync.push(update(13, 15, 12, [99, 2]));
  const step = sync.snapshot(snapshot(10, [100, 1], [101, 3]));
  assert.deepEqual(step, { kind: "synced", applied: 2 });
  assert.deepEqual(sync.book.bids(), [{ price: 100, size: 7 }, { price: 99, size: 2 }]);
  assert.deepEqual(sync.book.asks(), [{ price: 101, size: 1 }]);
  assert.equal(sync.updateId, 15);
});

Deno.test("DepthSync: an event continuing the snapshot directly (pu = lastUpdateId) is accepted", () => {
  const sync = new DepthSync();
  sync.snapshot(snapshot(10, [100, 1], [101, 1]));
  assert.deepEqual(sync.push(update(14, 16, 10, [100, 0, 99, 4])), { kind: "applied" });
  assert.deepEqual(sync.book.bids(), [{ price: 99, size: 4 }]);
});

Deno.test("DepthSync: a pu break resets the book, counts a resync, and the next snapshot rebuilds it", () => {
  const sync = new DepthSync();
  sync.snapshot(snapshot(10, [100, 1], [101, 1]));
  assert.equal(sync.push(update(9, 12, 8)).kind, "applied");
  assert.equal(sync.push(update(13, 14, 12)).kind, "applied");
  const gap = sync.push(update(20, 22, 17, [98, 1]));
  assert.deepEqual(gap, { kind: "gap", reason: "pu 17 after u 14" });
  assert.equal(sync.synced, false);
  assert.equal(sync.needsSnapshot, true);
  assert.equal(sync.resyncs, 1);
  assert.equal(sync.lastGap, "pu 17 after u 14");
  assert.deepEqual(sync.book.bids(), []);
  // The breaking event heads the new buffer: a snapshot at 21 is spanned by it.
  assert.equal(sync.buffered, 1);
  assert.equal(sync.push(update(23, 25, 22, [97, 1])).kind, "buffered");
  assert.deepEqual(sync.snapshot(snapshot(21, [99, 5], [101, 2])), { kind: "synced", applied: 2 });
  assert.deepEqual(sync.book.bids(), [{ price: 99, size: 5 }, { price: 98, size: 1 }, {
    price: 97,
    size: 1,
  }]);
  assert.equal(sync.resyncs, 1);
});

Deno.test("DepthSync: a snapshot older than the buffered stream is a gap that keeps the buffer", () => {
  const sync = new DepthSync();
  sync.push(update(50, 55, 49, [100, 2]));
  sync.push(update(56, 60, 55, [100, 3]));
  const step = sync.snapshot(snapshot(40, [100, 1], [101, 1]));
  assert.equal(step.kind, "gap");
  assert.match(
    step.kind === "gap" ? step.reason : "",
    /snapshot 40 is older than the first buffered event \(U=50, pu=49\)/,
  );
  assert.equal(sync.synced, false);
  assert.equal(sync.buffered, 2);
  assert.deepEqual(sync.snapshot(snapshot(57, [100, 9], [101, 1])), { kind: "synced", applied: 1 });
  assert.deepEqual(sync.book.bids(), [{ price: 100, size: 3 }]);
});

Deno.test("DepthSync: a first event after the snapshot that skips past it is a gap, not applied", () => {
  const sync = new DepthSync();
  sync.snapshot(snapshot(10, [100, 1], [101, 1]));
  assert.equal(sync.push(update(3, 8, 2)).kind, "stale");
  const step = sync.push(update(12, 14, 11, [99, 1]));
  assert.equal(step.kind, "gap");
  assert.equal(sync.resyncs, 1);
  assert.deepEqual(sync.book.bids(), []);
});

Deno.test("DepthSync: an event already applied (a replayed frame) is stale and leaves the book alone", () => {
  const sync = new DepthSync();
  sync.snapshot(snapshot(10, [100, 1], [101, 1]));
  sync.push(update(9, 12, 8, [100, 2]));
  sync.push(update(13, 14, 12, [100, 3]));
  assert.deepEqual(sync.push(update(9, 12, 8, [100, 2])), { kind: "stale" });
  assert.equal(sync.book.size("bid", 100), 3);
  assert.equal(sync.resyncs, 0);
});

Deno.test("DepthSync: the buffer holds at most maxBuffer events, dropping the oldest", () => {
  const sync = new DepthSync({ maxBuffer: 3 });
  for (let i = 1; i <= 5; i++) sync.push(update(i * 10, i * 10 + 5, (i - 1) * 10 + 5));
  assert.equal(sync.buffered, 3);
  // The kept events start at U=30: a snapshot at 32 is spanned, one at 12 is too old.
  assert.equal(sync.snapshot(snapshot(12, [], [])).kind, "gap");
  assert.deepEqual(sync.snapshot(snapshot(32, [1, 1], [2, 1])), { kind: "synced", applied: 3 });
});

Deno.test("DepthSync.reset forgets the book and the buffer and counts a resync", () => {
  const sync = new DepthSync();
  sync.snapshot(snapshot(10, [100, 1], [101, 1]));
  sync.reset("reconnected");
  assert.equal(sync.synced, false);
  assert.equal(sync.resyncs, 1);
  assert.equal(sync.lastGap, "reconnected");
  assert.equal(sync.buffered, 0);
  assert.equal(sync.book.depth.bids, 0);
});
