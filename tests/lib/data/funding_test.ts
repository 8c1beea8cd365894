import assert from "node:assert/strict";
import { readFundingCsv } from "../../../lib/data/mod.ts";
import { fromIso } from "../../../lib/domain/mod.ts";

const REAL = new URL("../../testdata/funding/bybit_btcusdt_2023-12.csv", import.meta.url).pathname;

async function withFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    return await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("readFundingCsv reads the real Bybit December 2023 funding history", async () => {
  const events = await readFundingCsv(REAL);
  assert.equal(events.length, 93);
  assert.deepEqual(events[0], {
    kind: "funding",
    ts: fromIso("2023-12-01T00:00:00Z"),
    tsRecv: fromIso("2023-12-01T00:00:00Z"),
    funding: { symbol: "bybit:BTCUSDT", rate: 0.0001 },
  });
  assert.equal(events[92].funding.rate, 0.00044151);
  assert.ok(events.every((e, i) => i === 0 || e.ts - events[i - 1].ts === 8 * 3600 * 1e6));
});

Deno.test("readFundingCsv accepts epoch ms, mark prices, any column order and bare codes", async () => {
  await withFile(
    "rate,mark_price,symbol,ts\n0.001,42000.5,BTCUSDT,1704067200000\n",
    async (path) => {
      const [event] = await readFundingCsv(path, { defaultVenue: "binance" });
      assert.deepEqual(event.funding, {
        symbol: "binance:BTCUSDT",
        rate: 0.001,
        markPrice: 42000.5,
      });
      assert.equal(event.ts, fromIso("2024-01-01T00:00:00Z"));
    },
  );
});

Deno.test("readFundingCsv reports bad rows with file and line", async () => {
  await withFile(
    "ts,symbol,rate\n2024-01-01T08:00:00Z,bybit:BTCUSDT,0.1\n2024-01-01T00:00:00Z,bybit:BTCUSDT,0.1\n",
    async (path) => {
      await assert.rejects(readFundingCsv(path), {
        name: "DataError",
        message: new RegExp(
          `^${path}:3: Cannot parse funding rate at line 3: time 2024-01-01T00:00:00Z is before`,
        ),
      });
    },
  );
  await withFile("ts,symbol,rate\n2024-01-01T00:00:00Z,bybit:BTCUSDT,abc\n", async (path) => {
    await assert.rejects(readFundingCsv(path), { message: /line 2: rate "abc" is not a number/ });
  });
  await withFile("time,symbol,rate\n", async (path) => {
    await assert.rejects(readFundingCsv(path), {
      message: /missing column ts \(hint: the header must name ts, symbol, rate/,
    });
  });
  await assert.rejects(readFundingCsv("/nonexistent/funding.csv"), {
    name: "DataError",
    message: /no such file/,
  });
});

Deno.test("readFundingCsv tells epoch seconds, ms, µs and ns apart by their digits", async () => {
  const at = fromIso("2024-01-01T00:00:00Z");
  const text = "ts,symbol,rate\n1704067200,bybit:BTCUSDT,0.1\n1704067200000,bybit:BTCUSDT,0.1\n" +
    "1704067200000000,bybit:BTCUSDT,0.1\n1704067200000000000,bybit:BTCUSDT,0.1\n";
  await withFile(text, async (path) => {
    const events = await readFundingCsv(path);
    assert.deepEqual(events.map((e) => e.ts), [at, at, at, at]);
  });
});
