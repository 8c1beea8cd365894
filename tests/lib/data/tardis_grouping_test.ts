import assert from "node:assert/strict";
import { readTardisCsv } from "../../../lib/data/mod.ts";

async function read(text: string) {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    const out: string[] = [];
    for await (const event of readTardisCsv(path)) {
      switch (event.kind) {
        case "book-snapshot":
          out.push(
            `snapshot ${event.tsRecv} ${event.book.symbol} ${event.book.bids.length}+${event.book.asks.length}`,
          );
          break;
        case "book-delta":
          out.push(
            `delta ${event.tsRecv} ${event.delta.symbol} ${event.delta.bids.length}+${event.delta.asks.length}`,
          );
          break;
        case "trade":
          out.push(`trade ${event.tsRecv} ${event.trade.side}`);
          break;
        default:
          out.push(event.kind);
      }
    }
    return out;
  } finally {
    await Deno.remove(path);
  }
}

const L2 = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n";

Deno.test("Tardis L2: a snapshot continuing into a new timestamp is one delta per timestamp", async () => {
  const rows = [
    "bitmex,XBTUSD,10,10,true,bid,100,1",
    "bitmex,XBTUSD,10,10,true,ask,101,1",
    "bitmex,XBTUSD,11,11,true,bid,99,1",
    "bitmex,XBTUSD,11,11,true,bid,98,1",
    "bitmex,XBTUSD,11,11,true,ask,102,1",
    "bitmex,XBTUSD,12,12,false,bid,100,0",
  ];
  assert.deepEqual(await read(L2 + rows.join("\n") + "\n"), [
    "snapshot 10 bitmex:XBTUSD 1+1",
    "delta 11 bitmex:XBTUSD 2+1",
    "delta 12 bitmex:XBTUSD 1+0",
  ]);
});

Deno.test("Tardis L2: the snapshot flip is tracked per symbol", async () => {
  const rows = [
    "deribit,A,10,10,true,bid,100,1",
    "deribit,B,11,11,true,bid,200,1",
    "deribit,A,12,12,false,bid,100,0",
  ];
  assert.deepEqual(await read(L2 + rows.join("\n") + "\n"), [
    "snapshot 10 deribit:A 1+0",
    "snapshot 11 deribit:B 1+0",
    "delta 12 deribit:A 1+0",
  ]);
});

Deno.test("Tardis trades: unknown-side trades are skipped, other sides still checked", async () => {
  const header = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n";
  assert.deepEqual(
    await read(
      header +
        "deribit,X,1,1,a,buy,100,1\nderibit,X,2,2,b,unknown,100,1\nderibit,X,3,3,c,sell,99,1\n",
    ),
    ["trade 1 buy", "trade 3 sell"],
  );
  await assert.rejects(
    read(header + "deribit,X,1,1,a,up,100,1\n"),
    /side "up" is not buy, sell or unknown/,
  );
});
