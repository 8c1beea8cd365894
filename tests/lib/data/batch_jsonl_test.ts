import assert from "node:assert/strict";
import {
  formatJsonlEvent,
  generateBook,
  generateTrades,
  type JsonlEvent,
  parseJsonlEvent,
  readJsonlEvents,
} from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";
import { JsonlFastParser } from "../../../lib/data/_batch_jsonl_fast.ts";
import { readJsonlBatches } from "../../../lib/data/_batch_jsonl.ts";

const encoder = new TextEncoder();

// What the reader makes of one line: the fast path's event, else the validating parser's.
function viaReader(parser: JsonlFastParser, line: string): JsonlEvent | string {
  const bytes = encoder.encode(`${line}\n{`); // bytes after the line must not be read
  const fast = parser.parse(bytes, 0, bytes.length - 2);
  if (fast !== undefined) return fast;
  try {
    return parseJsonlEvent(line);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

function reference(line: string): JsonlEvent | string {
  try {
    return parseJsonlEvent(line);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const LINES = [
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1.5,"quantity":2,"side":"buy","id":"7"}',
  '{"type":"trade","ts":1,"ts_recv":3,"symbol":"x:Y","price":1,"quantity":2,"side":"sell","id":9}',
  ' { "side" : "sell" , "quantity":0.1,"price":-0.0,"symbol":" x:Y ","ts":5 ,"type":"trade"}\r',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1e3,"quantity":2.5E-1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":0.30000000000000004,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":123456789012345678901234567890,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":9007199254740993.5,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy","note":"a","x":null,"y":true,"z":false}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy","nested":{"a":1}}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy","id":"\\u0041"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy","id":"é"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"hold"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":01,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1.,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1e999,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1.5,"symbol":"x:Y","price":1,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":9007199254740993,"symbol":"x:Y","price":1,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":"1","symbol":"x:Y","price":1,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"nocolon","price":1,"quantity":1,"side":"buy"}',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy"} x',
  '{"type":"trade","ts":1,"symbol":"x:Y","price":1,"quantity":1,"side":"buy"',
  '{"type":"trade","ts":1,"ts":2,"symbol":"x:Y","price":1,"quantity":1,"side":"buy","id":"a","id":3}',
  '{"type":"quote","ts":2,"symbol":"x:Y","bid_price":1,"bid_size":2,"ask_price":3,"ask_size":4}',
  '{"type":"quote","ts":2,"symbol":"x:Y","bid_price":1,"bid_size":2,"ask_price":3}',
  '{"type":"book_snapshot","ts":3,"symbol":"x:Y","bids":[[1,2],[0.5,3]],"asks":[ [ 2 , 1 ] ]}',
  '{"type":"book_delta","ts":3,"symbol":"x:Y","bids":[],"side":"bid"}',
  '{"type":"book_delta","ts":3,"symbol":"x:Y","bids":null}',
  '{"type":"book_delta","ts":3,"symbol":"x:Y","bids":[[1,-2]]}',
  '{"type":"book_delta","ts":3,"symbol":"x:Y","bids":[[1,2,3]]}',
  '{"type":"book_delta","ts":3,"symbol":"x:Y","bids":[[1,2],]}',
  '{"type":"book_deltas","ts":3,"symbol":"x:Y"}',
  '{"type":"ticker","ts":3,"symbol":"x:Y"}',
  "{}",
  "[]",
  "",
  "   ",
  "not json",
];

Deno.test("JsonlFastParser agrees with parseJsonlEvent on valid, odd and malformed lines", () => {
  const parser = new JsonlFastParser();
  for (const line of LINES) {
    const got = viaReader(parser, line.trim() === "" ? "{}" : line);
    const want = reference(line.trim() === "" ? "{}" : line);
    assert.deepEqual(got, want, line);
    if (typeof got !== "string") assert.equal(JSON.stringify(got), JSON.stringify(want), line);
  }
});

Deno.test("JsonlFastParser parses formatted synthetic data like parseJsonlEvent, bit for bit", () => {
  const parser = new JsonlFastParser();
  const events = [
    ...generateTrades({ count: 2000, seed: 3, tick: 0.1 }),
    ...generateBook({ updates: 2000, seed: 4, tick: 0.1 }),
  ];
  for (const event of events) {
    const line = formatJsonlEvent(event);
    const bytes = encoder.encode(line);
    const fast = parser.parse(bytes, 0, bytes.length);
    assert.notEqual(fast, undefined, line);
    assert.equal(JSON.stringify(fast), JSON.stringify(parseJsonlEvent(line)));
  }
});

Deno.test("JsonlFastParser numbers equal JSON.parse for random decimals", () => {
  const parser = new JsonlFastParser();
  let seed = 12345;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 20_000; i++) {
    const digits = Math.floor(next() * 20) + 1;
    let text = String(Math.floor(next() * 9) + 1);
    for (let d = 1; d < digits; d++) text += String(Math.floor(next() * 10));
    const point = Math.floor(next() * (digits + 1));
    const plain = point === 0 || point === digits
      ? text
      : `${text.slice(0, point)}.${text.slice(point)}`;
    const form = i % 4;
    const number = form === 0
      ? plain
      : form === 1
      ? `-${plain}`
      : form === 2
      ? `0.${text}`
      : `-0.00${text}`;
    const line =
      `{"type":"trade","ts":1,"symbol":"x:Y","price":${number},"quantity":1,"side":"buy"}`;
    const bytes = encoder.encode(line);
    const fast = parser.parse(bytes, 0, bytes.length);
    assert.ok(fast !== undefined && fast.kind === "trade", line);
    assert.equal(Object.is(fast.trade.price, JSON.parse(number)), true, number);
  }
});

async function withFile(
  content: string | Uint8Array,
  suffix: string,
  run: (path: string) => Promise<void>,
): Promise<void> {
  const path = await Deno.makeTempFile({ suffix });
  try {
    await Deno.writeFile(path, typeof content === "string" ? encoder.encode(content) : content);
    await run(path);
  } finally {
    await Deno.remove(path);
  }
}

const T = (ts: number): string =>
  `{"type":"trade","ts":${ts},"symbol":"x:Y","price":1,"quantity":1,"side":"buy"}`;

Deno.test("readJsonlBatches handles a BOM, CRLF, blank lines and a missing final newline", async () => {
  const text = `\uFEFF${T(1)}\r\n\r\n  \n${T(2)}\n\u00a0\n${T(3)}`;
  await withFile(text, ".jsonl", async (path) => {
    const events = (await Array.fromAsync(readJsonlBatches(path))).flat();
    assert.deepEqual(events.map((e) => e.ts), [1, 2, 3]);
  });
});

Deno.test("readJsonlBatches reads plain and gzip files across chunk boundaries, lines longer than a read", async () => {
  const lines = Array.from({ length: 30_000 }, (_, i) => T(i + 1));
  // One very long line (longer than a read) in the middle.
  lines[15_000] = `{"type":"book_snapshot","ts":15001,"symbol":"x:Y","bids":[${
    Array.from({ length: 150_000 }, (_, i) => `[${i + 1},1]`).join(",")
  }],"asks":[]}`;
  const text = lines.join("\n") + "\n";
  const gz = new Uint8Array(
    await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  for (const [content, suffix] of [[text, ".jsonl"], [gz, ".jsonl.gz"]] as const) {
    await withFile(content, suffix, async (path) => {
      const events = (await Array.fromAsync(readJsonlBatches(path))).flat();
      assert.equal(events.length, 30_000);
      assert.deepEqual(events.map((e) => e.ts), lines.map((_, i) => i + 1));
      const snapshot = events[15_000];
      assert.ok(snapshot.kind === "book-snapshot");
      assert.equal(snapshot.book.bids.length, 150_000);
    });
  }
});

Deno.test("readJsonlEvents yields the events before a malformed line, then names its line", async () => {
  const text = `${T(1)}\n${T(2)}\n{"type":"trade"}\n${T(4)}\n`;
  await withFile(text, ".jsonl", async (path) => {
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const event of readJsonlEvents(path)) seen.push(event.ts);
      },
      (error) => {
        assert.ok(error instanceof DataError);
        assert.equal(error.location?.line, 3);
        assert.match(error.message, /Cannot parse event: "ts" must be/);
        return true;
      },
    );
    assert.deepEqual(seen, [1, 2]);
  });
});
