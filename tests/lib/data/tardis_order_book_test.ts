import assert from "node:assert/strict";
import { OrderBook, readTardisCsv, type TardisEvent } from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";

const BOOK = "tests/testdata/data/bitmex_book_sample.csv.gz";

Deno.test("replaying the BitMEX book sample gives the documented final book", async () => {
  const book = new OrderBook("bitmex:XBTUSD");
  let groups = 0;
  let snapshots = 0;
  let lastRecv = 0;
  for await (const event of readTardisCsv(BOOK)) {
    assert.ok(event.kind === "book-snapshot" || event.kind === "book-delta");
    assert.ok(event.tsRecv >= lastRecv, "events come in local_timestamp order");
    lastRecv = event.tsRecv;
    if (event.kind === "book-snapshot") snapshots++;
    book.apply(event);
    groups++;
  }
  assert.equal(groups, 519);
  assert.equal(snapshots, 1);
  assert.deepEqual(book.bestBid(), { price: 64600, size: 31800 });
  assert.deepEqual(book.bestAsk(), { price: 64600.1, size: 53800 });
  assert.equal(book.bids.depth, 3416);
  assert.equal(book.asks.depth, 2034);
});

Deno.test("the first event is the snapshot: 3422 bids and 2043 asks, best first, symbol qualified", async () => {
  const first = (await readTardisCsv(BOOK).next()).value as TardisEvent;
  assert.equal(first.kind, "book-snapshot");
  if (first.kind !== "book-snapshot") return;
  assert.equal(first.book.symbol, "bitmex:XBTUSD");
  assert.equal(first.ts, 1722470400150000);
  assert.equal(first.tsRecv, 1722470400229046);
  assert.equal(first.book.bids.length, 3422);
  assert.equal(first.book.asks.length, 2043);
  assert.deepEqual(first.book.bids[0], { price: 64600, size: 35500 });
  assert.deepEqual(first.book.asks[0], { price: 64600.1, size: 6800 });
});

Deno.test("the rebuilt BBO equals the Tardis quote at all 12 shared local timestamps", async () => {
  const book = new OrderBook("bitmex:XBTUSD");
  const bbo = new Map<number, string>();
  for await (const event of readTardisCsv(BOOK)) {
    if (event.kind !== "book-snapshot" && event.kind !== "book-delta") continue;
    book.apply(event);
    const bid = book.bestBid();
    const ask = book.bestAsk();
    bbo.set(event.tsRecv, `${bid?.price}x${bid?.size}/${ask?.price}x${ask?.size}`);
  }
  let matched = 0;
  for await (const event of readTardisCsv("tests/testdata/data/bitmex_quotes_first12.csv")) {
    assert.equal(event.kind, "quote");
    if (event.kind !== "quote") continue;
    const q = event.quote;
    assert.equal(bbo.get(event.tsRecv), `${q.bidPrice}x${q.bidSize}/${q.askPrice}x${q.askSize}`);
    matched++;
  }
  assert.equal(matched, 12);
});

Deno.test("Tardis trades become venue-qualified TradeEvents with exchange and local times", async () => {
  const trades = await Array.fromAsync(
    readTardisCsv("tests/testdata/data/bitmex_trades_sample.csv.gz"),
  );
  assert.equal(trades.length, 9);
  const first = trades[0];
  assert.ok(first?.kind === "trade");
  assert.equal(first.trade.symbol, "bitmex:XBTUSD");
  assert.equal(first.tsRecv, 1722470401376168);
  assert.ok(first.trade.side === "buy" || first.trade.side === "sell");
});

Deno.test("an is_snapshot flip false→true resets the book", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/book.csv`;
  await Deno.writeTextFile(
    path,
    "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n" +
      "bitmex,XBTUSD,1,1,true,bid,10,1\nbitmex,XBTUSD,1,1,true,ask,11,1\n" +
      "bitmex,XBTUSD,2,2,false,bid,9,5\n" +
      "bitmex,XBTUSD,3,3,true,bid,20,1\nbitmex,XBTUSD,3,3,true,ask,21,2\n",
  );
  const events = await Array.fromAsync(readTardisCsv(path));
  assert.deepEqual(events.map((e) => e.kind), ["book-snapshot", "book-delta", "book-snapshot"]);
  const book = new OrderBook("bitmex:XBTUSD");
  for (const e of events) if (e.kind === "book-snapshot" || e.kind === "book-delta") book.apply(e);
  assert.deepEqual(book.bids.levels(), [{ price: 20, size: 1 }]);
  assert.deepEqual(book.asks.levels(), [{ price: 21, size: 2 }]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a malformed Tardis row and a truncated gzip give file:line errors", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/t.csv`;
  await Deno.writeTextFile(
    path,
    "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbitmex,XBTUSD,1,1,a,buy,x,1\n",
  );
  await assert.rejects(
    Array.fromAsync(readTardisCsv(path)),
    (error: Error) =>
      error instanceof DataError &&
      error.message === `${path}:2: Cannot parse Tardis trades row: price "x" is not a number`,
  );
  const gz = `${dir}/b.csv.gz`;
  const bytes = await Deno.readFile(BOOK);
  await Deno.writeFile(gz, bytes.subarray(0, 20_000));
  await assert.rejects(
    Array.fromAsync(readTardisCsv(gz)),
    (error: Error) =>
      error instanceof DataError && error.message.startsWith(`${gz}:`) &&
      error.message.includes("gzip data is corrupt or truncated"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("OrderBook depth queries: levels best first and size within a price", () => {
  const book = new OrderBook("x:Y");
  book.applySnapshot({
    symbol: "x:Y",
    bids: [{ price: 99, size: 1 }, { price: 100, size: 2 }, { price: 98, size: 3 }],
    asks: [{ price: 102, size: 5 }, { price: 101, size: 4 }],
  });
  assert.deepEqual(book.bids.levels(2), [{ price: 100, size: 2 }, { price: 99, size: 1 }]);
  assert.equal(book.sizeWithin("bid", 99), 3);
  assert.equal(book.sizeWithin("ask", 101.5), 4);
  assert.equal(book.spread(), 1);
  book.applyDelta({
    symbol: "x:Y",
    bids: [{ price: 100, size: 0 }],
    asks: [{ price: 100.5, size: 1 }],
  });
  assert.deepEqual(book.bestBid(), { price: 99, size: 1 });
  assert.deepEqual(book.bestAsk(), { price: 100.5, size: 1 });
  assert.equal(book.mid(), 99.75);
});
