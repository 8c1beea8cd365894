import assert from "node:assert/strict";
import { type BookMessage, BybitBook } from "../../../connectors/bybit/book.ts";
import { parsePublic } from "../../../connectors/bybit/parse_public.ts";
import { xrpCapture } from "./_fixtures.ts";

/** An independent rebuild: string-keyed sides straight from the wire, sorted at the end. */
function rebuild(lines: readonly string[]): { bids: [number, number][]; asks: [number, number][] } {
  const bids: Record<string, string> = {};
  const asks: Record<string, string> = {};
  for (const line of lines) {
    const message = JSON.parse(line);
    if (message.type === "snapshot") {
      for (const key of Object.keys(bids)) delete bids[key];
      for (const key of Object.keys(asks)) delete asks[key];
    }
    for (const [side, levels] of [[bids, message.data.b], [asks, message.data.a]] as const) {
      for (const [price, size] of levels as [string, string][]) {
        if (Number(size) === 0) delete side[Number(price).toString()];
        else side[Number(price).toString()] = size;
      }
    }
  }
  const toLevels = (side: Record<string, string>, descending: boolean): [number, number][] =>
    Object.entries(side).map(([p, s]): [number, number] => [Number(p), Number(s)])
      .sort((a, b) => descending ? b[0] - a[0] : a[0] - b[0]);
  return { bids: toLevels(bids, true), asks: toLevels(asks, false) };
}

Deno.test("BybitBook: after each of the 50 real XRPUSDT orderbook.500 messages the book equals an independent rebuild", () => {
  const lines = xrpCapture();
  assert.equal(lines.length, 50);
  const book = new BybitBook();
  let previousU = 0;
  lines.forEach((line, index) => {
    const frame = parsePublic(line, 1);
    assert.equal(frame.type, "book");
    if (frame.type !== "book") return;
    assert.equal(frame.symbol, "bybit:XRPUSDT");
    assert.equal(frame.depth, 500);
    const result = book.apply(frame.message);
    assert.equal(result.kind, index === 0 ? "snapshot" : "delta", `message ${index}`);
    if (index > 0) assert.equal(frame.message.u, previousU + 1);
    previousU = frame.message.u;
    const expected = rebuild(lines.slice(0, index + 1));
    assert.deepEqual(book.bids().map((l) => [l.price, l.size]), expected.bids, `bids ${index}`);
    assert.deepEqual(book.asks().map((l) => [l.price, l.size]), expected.asks, `asks ${index}`);
  });
  assert.equal(book.bids().length > 400, true);
  assert.ok(book.bids()[0].price < book.asks()[0].price);
});

const snap = (u: number, seq = u): BookMessage => ({
  type: "snapshot",
  u,
  seq,
  b: [["100", "1"], ["99", "2"]],
  a: [["101", "1"], ["102", "3"]],
});
const delta = (
  u: number,
  b: [string, string][],
  a: [string, string][] = [],
  seq = u,
): BookMessage => ({
  type: "delta",
  u,
  seq,
  b,
  a,
});

Deno.test("BybitBook: deltas before the first snapshot are not applied", () => {
  const book = new BybitBook();
  assert.deepEqual(book.apply(delta(5, [["100", "9"]])), { kind: "waiting" });
  assert.equal(book.synced, false);
  assert.deepEqual(book.bids(), []);
});

Deno.test("BybitBook: a skipped update id is a gap that empties the book until a snapshot", () => {
  const book = new BybitBook();
  book.apply(snap(10));
  assert.deepEqual(book.apply(delta(11, [["100", "5"]])), { kind: "delta" });
  const gap = book.apply(delta(13, [["99", "0"]]));
  assert.equal(gap.kind, "gap");
  assert.match(gap.kind === "gap" ? gap.reason : "", /update id 13 after 11/);
  assert.equal(book.synced, false);
  assert.deepEqual(book.apply(delta(14, [["98", "1"]])), { kind: "waiting" });
  book.apply(snap(20));
  assert.equal(book.synced, true);
  assert.deepEqual(book.bids(), [{ price: 100, size: 1 }, { price: 99, size: 2 }]);
});

Deno.test("BybitBook: a repeated update id is a no-op; u=1 overwrites the book (service restart)", () => {
  const book = new BybitBook();
  book.apply(snap(10));
  book.apply(delta(11, [["100", "5"]]));
  assert.deepEqual(book.apply(delta(11, [["100", "7"]])), { kind: "duplicate" });
  assert.equal(book.bids()[0].size, 5);
  assert.deepEqual(book.apply(delta(1, [["50", "1"]], [["60", "1"]])), { kind: "snapshot" });
  assert.deepEqual(book.bids(), [{ price: 50, size: 1 }]);
  assert.deepEqual(book.asks(), [{ price: 60, size: 1 }]);
  assert.deepEqual(book.apply(delta(2, [["51", "1"]])), { kind: "delta" });
});

Deno.test("BybitBook: a cross sequence going back or a crossed book is a gap; deleting an absent level is ignored", () => {
  const book = new BybitBook();
  book.apply(snap(10, 500));
  assert.deepEqual(book.apply(delta(11, [["97", "0"]], [], 501)), { kind: "delta" });
  assert.equal(book.apply(delta(12, [], [], 400)).kind, "gap");
  book.apply(snap(20, 600));
  assert.equal(book.apply(delta(21, [["101.5", "1"]], [], 601)).kind, "gap");
});

Deno.test("BybitBook: a later snapshot replaces the book", () => {
  const book = new BybitBook();
  book.apply(snap(10));
  book.apply(delta(11, [["98", "4"]]));
  book.apply({ type: "snapshot", u: 30, seq: 30, b: [["90", "1"]], a: [["95", "1"]] });
  assert.deepEqual(book.bids(), [{ price: 90, size: 1 }]);
  assert.equal(book.updateId, 30);
});

Deno.test("BybitBook: the best prices follow deletions of the best level (crossing judged against the new best)", () => {
  const book = new BybitBook();
  book.apply(snap(10));
  // Best ask 101 goes; 102 is the new best, so a bid at 101.5 does not cross.
  assert.deepEqual(book.apply(delta(11, [], [["101", "0"]])), { kind: "delta" });
  assert.deepEqual(book.apply(delta(12, [["101.5", "1"]], [])), { kind: "delta" });
  // Best bid 101.5 goes; 100 is best again; an ask at 100 crosses it.
  assert.deepEqual(book.apply(delta(13, [["101.5", "0"]], [])), { kind: "delta" });
  assert.equal(book.bids(1)[0].price, 100);
  assert.equal(book.apply(delta(14, [], [["100", "1"]])).kind, "gap");
});
