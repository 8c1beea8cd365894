import assert from "node:assert/strict";
import { readTardisCsv } from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";
import { readTardisBatches } from "../../../lib/data/_batch_tardis.ts";

const DATA = new URL("../../testdata/", import.meta.url).pathname;

Deno.test("readTardisBatches yields readTardisCsv's events, in order, for every real sample", async () => {
  for (
    const file of [
      "data/bitmex_book_sample.csv.gz",
      "data/bitmex_trades_sample.csv.gz",
      "data/bitmex_quotes_first12.csv",
      "tick/bitmex_xbtusd_quotes_10m.csv.gz",
    ]
  ) {
    const batches = await Array.fromAsync(readTardisBatches(`${DATA}${file}`));
    assert.deepEqual(batches.flat(), await Array.fromAsync(readTardisCsv(`${DATA}${file}`)), file);
  }
});

Deno.test("readTardisBatches yields the rows before a malformed one, then names its line", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(
      path,
      "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n" +
        "bitmex,XBTUSD,1,1,a,buy,10,1\nbitmex,XBTUSD,2,2,b,buy,10,1\nbitmex,XBTUSD,3,x,c,buy,10,1\n",
    );
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const batch of readTardisBatches(path)) for (const e of batch) seen.push(e.ts);
      },
      (error) => {
        assert.ok(error instanceof DataError);
        assert.equal(error.location?.line, 4);
        return true;
      },
    );
    assert.deepEqual(seen, [1, 2]);
  } finally {
    await Deno.remove(path);
  }
});
