import assert from "node:assert/strict";
import {
  batchToCandles,
  BINANCE_KLINE_CONFIG,
  CsvCandleReader,
  resolveEtlConfig,
} from "../../../lib/data/mod.ts";

const ROWS = [
  "1700000000000,42064.700000000004,42100,42000.5,42050,1.5,x",
  "1700000060000, 42050 ,42100,42000,42060,+2,x", // white space: the string path
  "1700000120000,4.2e4,42100,42000,42060,1.6e1,x", // exponents: Number()
  "1700000180000,.5,1.,0.25,0.5,0,é", // bare points; non-ASCII after the cells read
  "1700000240000,00042000,42100,42000,42060,3,x",
];

async function read(text: string, skipBadRows = false) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/in.csv`, text);
    const reader = new CsvCandleReader(
      resolveEtlConfig({
        csv: { has_header: false },
        fields: {
          timestamp: { col: 0, format: "epoch_ms" },
          open: { col: 1 },
          high: { col: 2 },
          low: { col: 3 },
          close: { col: 4 },
          volume: { col: 5 },
        },
      }),
      { symbol: "binance:X", interval: "1m", skipBadRows, batchSize: 2 },
    );
    const candles = (await Array.fromAsync(reader.read(`${dir}/in.csv`))).flatMap(batchToCandles);
    return { candles, problems: reader.problems.map((p) => `${p.line}: ${p.reason}`) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function quoted(line: string): string {
  return line.split(",").map((cell) => `"${cell}"`).join(",");
}

Deno.test("the byte scanner gives the same candles as the quoted (string) path", async () => {
  const plain = await read(ROWS.join("\n") + "\n");
  const viaStrings = await read(ROWS.map(quoted).join("\n") + "\n");
  assert.equal(plain.candles.length, ROWS.length);
  assert.deepEqual(plain.candles, viaStrings.candles);
  assert.equal(plain.candles[0]?.open, 42064.700000000004);
  assert.equal(plain.candles[2]?.volume, 16);
  assert.equal(plain.candles[3]?.high, 1);
});

Deno.test("hex, binary and Infinity cells are not numbers on either path", async () => {
  for (const cell of ["0x10", "0b1", "Infinity"]) {
    const line = `1700000000000,10,11,9,10,${cell}`;
    const plain = await read(line + "\n", true);
    const viaStrings = await read(quoted(line) + "\n", true);
    assert.deepEqual(plain.problems, [`1: Cannot parse candle: volume "${cell}" is not a number`]);
    assert.deepEqual(viaStrings.problems, plain.problems);
  }
});

Deno.test("CRLF, a byte order mark, blank lines and no final newline read like LF", async () => {
  const lf = await read(ROWS.join("\n") + "\n");
  const crlf = await read("\ufeff" + ROWS.join("\r\n\r\n  \r\n"));
  assert.deepEqual(crlf.candles, lf.candles);
});

Deno.test("bad rows keep their file line numbers and reasons on the byte path", async () => {
  const text = [
    "1700000000000,10,11,9,10,1",
    "1700000060000,10,8,9,10,1",
    "",
    "1700000120000,10,11,9,,1",
    "1700000180000,10,11,9,abc,1",
    "1700000240000,10,11,9",
    "1700000000000,10,11,9,10,1",
    "1700000300000,10,11,9,10,1",
  ].join("\n");
  const { candles, problems } = await read(text, true);
  assert.equal(candles.length, 2);
  assert.deepEqual(problems, [
    "2: Cannot parse candle: high 8 is below low 9",
    "4: Cannot parse candle: close is empty",
    '5: Cannot parse candle: close "abc" is not a number',
    "6: Cannot parse candle: expected at least 6 cells, got 4",
    "7: Cannot parse candle: time 2023-11-14T22:13:20Z is not after the previous row's 2023-11-14T22:13:20Z",
  ]);
});

Deno.test("the Binance config reads klines through the byte path in batches", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `${1700000000000 + i * 60000},1.1,2.2,0.5,1.5,10.25,0,0,1,0,0,0`,
    );
    await Deno.writeTextFile(`${dir}/k.csv`, lines.join("\n"));
    const reader = new CsvCandleReader(BINANCE_KLINE_CONFIG, {
      symbol: "binance:X",
      interval: "1m",
      batchSize: 300,
    });
    const batches = await Array.fromAsync(reader.read(`${dir}/k.csv`));
    assert.deepEqual(batches.map((b) => b.length), [300, 300, 300, 100]);
    assert.equal(batches[3]?.ts[99], (1700000000000 + 999 * 60000) * 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
