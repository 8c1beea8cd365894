/** The recorder, writer and line format: rotation, bounded buffering with counted drops, errors. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseLine } from "../../../connectors/recording/format.ts";
import { readRecordings, sniffRecording } from "../../../connectors/recording/reader.ts";
import { Recorder, type RecordingSink } from "../../../connectors/recording/recorder.ts";
import { partPath, RecordingWriter } from "../../../connectors/recording/writer.ts";
import { tapFetch } from "../../../connectors/recording/tap.ts";
import { DataError } from "../../../lib/domain/mod.ts";
import type { RecordedItem } from "../../../lib/backtest/tick/mod.ts";
import { gzipLines, writeGzipLines } from "./_helpers.ts";

const T0 = Date.UTC(2026, 11, 2, 0, 59, 59) * 1000;

async function items(path: string): Promise<RecordedItem[]> {
  const sniff = await sniffRecording(path);
  assert.ok(sniff !== undefined, `${path} is a recording`);
  const out: RecordedItem[] = [];
  for await (const chunk of readRecordings([sniff])) out.push(...chunk);
  return out;
}

Deno.test("Recorder: every item round-trips through the file, markers included", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.gz");
    let t = T0;
    const recorder = new Recorder({
      sink: RecordingWriter.open({ path, venue: "bybit", header: { profile: "p" } }),
      clock: () => t++,
    });
    recorder.connection("open", "ws://127.0.0.1:1/x");
    recorder.frame('{"topic":"publicTrade.BTCUSDT",\n"data":[]}');
    recorder.rest("GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000", '{"lastUpdateId":1}');
    recorder.timer("mark-1m");
    recorder.connection("close", "ws://127.0.0.1:1/x");
    assert.deepEqual(await recorder.close(), [path]);
    const lines = await gzipLines(path);
    assert.match(lines[0], /^\d{19} #meta \{.*"profile":"p".*"format":"tesser-recording"/);
    assert.equal(lines[2], `${T0 + 1}000 {"topic":"publicTrade.BTCUSDT", "data":[]}`);
    assert.deepEqual(await items(path), [
      { kind: "open", tsRecv: T0, url: "ws://127.0.0.1:1/x" },
      { kind: "frame", tsRecv: T0 + 1, text: '{"topic":"publicTrade.BTCUSDT", "data":[]}' },
      {
        kind: "rest",
        tsRecv: T0 + 2,
        target: "GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000",
        body: '{"lastUpdateId":1}',
      },
      { kind: "timer", tsRecv: T0 + 3, name: "mark-1m" },
      { kind: "close", tsRecv: T0 + 4, url: "ws://127.0.0.1:1/x" },
    ]);
    assert.deepEqual(recorder.stats.dropped, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RecordingWriter rotates at the UTC hour and by compressed size; each part has its header", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const hourly = join(dir, "h.gz");
    const writer = RecordingWriter.open({ path: hourly, venue: "bybit", rotateHourly: true });
    await writer.write([T0, T0 + 500_000, T0 + 1_000_000], ["1 {}", "2 {}", "3 {}"], 3);
    assert.deepEqual(await writer.close(), [hourly, partPath(hourly, 1)]);
    assert.equal(partPath(hourly, 1), join(dir, "h.1.gz"));
    const [a, b] = [await gzipLines(hourly), await gzipLines(join(dir, "h.1.gz"))];
    assert.equal(a.length, 3); // header + the two lines of 00:59:59
    assert.equal(b.length, 2); // header + the line of 01:00:00
    const metaA = JSON.parse(a[0].slice(a[0].indexOf("{")));
    const metaB = JSON.parse(b[0].slice(b[0].indexOf("{")));
    assert.equal(metaA.recording, metaB.recording);
    assert.deepEqual([metaA.part, metaB.part], [0, 1]);

    const sized = join(dir, "s.gz");
    const big = RecordingWriter.open({ path: sized, venue: "bybit", maxBytes: 1 });
    // Random text does not compress: each line passes the limit, so each starts a part.
    for (let i = 0; i < 3; i++) {
      const noise = crypto.getRandomValues(new Uint8Array(20_000));
      await big.write([T0 + i], [`${T0 + i}000 ${btoa(String.fromCharCode(...noise))}`], 1);
    }
    assert.deepEqual(await big.close(), [sized, join(dir, "s.1.gz"), join(dir, "s.2.gz")]);
    for (const file of big.files) assert.ok((await Deno.stat(file)).size > 10_000);
    assert.deepEqual([...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".partial")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Recorder never waits: a full buffer drops items, counts them and marks the hole with #drop", async () => {
  const written: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => release = resolve);
  const slow: RecordingSink = {
    async write(_times, lines, count) {
      await gate;
      for (let i = 0; i < count; i++) written.push(lines[i]);
    },
    close: () => Promise.resolve([]),
  };
  let t = T0;
  const recorder = new Recorder({ sink: slow, capacityBytes: 200, clock: () => t++ });
  const frame = '{"x":' + "1".repeat(40) + "}"; // a 67-byte line with its time
  for (let i = 0; i < 10; i++) recorder.frame(frame);
  assert.equal(recorder.stats.frames, 2);
  assert.equal(recorder.stats.dropped, 8);
  release();
  await new Promise((r) => setTimeout(r, 0));
  recorder.frame(frame);
  await recorder.close();
  assert.equal(written.length, 4);
  assert.equal(written[2], `${T0 + 2}000 #drop 8`);
  assert.equal(written[3], `${T0 + 10}000 ${frame}`);
});

Deno.test("Recorder: a write failure stops the recording, counts what was lost and is reported at close", async () => {
  const failing: RecordingSink = {
    write: () =>
      Promise.reject(new DataError("cannot write the recording: No space left on device")),
    close: () => Promise.resolve([]),
  };
  const recorder = new Recorder({ sink: failing });
  recorder.frame("{}");
  await new Promise((r) => setTimeout(r, 0));
  recorder.frame("{}");
  assert.equal(recorder.stats.dropped, 2);
  await assert.rejects(() => recorder.close(), /No space left on device/);
});

Deno.test("Recording reader: µs captures, unsorted files and malformed lines get clear errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const us = join(dir, "old.dat.gz");
    await writeGzipLines(us, ['1680652700423000 {"stream":"a","data":{}}']);
    assert.equal((await sniffRecording(us))?.unit, "us");
    assert.equal((await items(us))[0].tsRecv, 1680652700423000);

    const unsorted = join(dir, "u.gz");
    await writeGzipLines(unsorted, ["1723161255030000000 {}", "1723161255020000000 {}"]);
    await assert.rejects(
      () => items(unsorted),
      /u\.gz:2: receive times are not sorted: 1723161255020000 µs comes after 1723161255030000 µs/,
    );
    const csv = join(dir, "trades.csv");
    await Deno.writeTextFile(csv, "exchange,symbol,timestamp\n");
    assert.equal(await sniffRecording(csv), undefined);
    assert.throws(
      () => parseLine("1723161255030000000 #bogus x", "ns", "f.gz", 7),
      /f\.gz:7: not a recording line: unknown marker #bogus/,
    );
    assert.throws(
      () => parseLine("1723161255030000000 #drop many", "ns", "f.gz", 3),
      /#drop count "many" is not a whole number/,
    );
    assert.throws(
      () =>
        parseLine(
          '1723161255030000000 #meta {"format":"tesser-recording","version":9}',
          "ns",
          "f.gz",
          1,
        ),
      /recording format version 9 is not supported/,
    );
    assert.throws(
      () => RecordingWriter.open({ path: "x.jsonl", venue: "bybit" }),
      /must end in \.gz/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tapFetch records the body of successful GETs as #rest and hands the caller the same answer", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/missing") return new Response("nope", { status: 404 });
    return new Response(`{"lastUpdateId":7,"path":"${url.pathname}"}`, {
      headers: { "x-mbx-used-weight-1m": "20" },
    });
  });
  const base = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  const lines: string[] = [];
  const sink: RecordingSink = {
    write(_times, written, count) {
      for (let i = 0; i < count; i++) lines.push(written[i]);
      return Promise.resolve();
    },
    close: () => Promise.resolve([]),
  };
  let t = T0;
  const recorder = new Recorder({ sink, clock: () => t++ });
  try {
    const fetchTapped = tapFetch(fetch, recorder);
    const answer = await fetchTapped(`${base}/fapi/v1/depth?symbol=BTCUSDT&limit=1000`);
    assert.equal(answer.headers.get("x-mbx-used-weight-1m"), "20");
    assert.deepEqual(await answer.json(), { lastUpdateId: 7, path: "/fapi/v1/depth" });
    const missing = await fetchTapped(`${base}/missing`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const posted = await fetchTapped(`${base}/fapi/v1/order`, { method: "POST", body: "x=1" });
    await posted.body?.cancel();
    await recorder.close();
    assert.deepEqual(lines, [
      `${T0}000 #rest GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000 {"lastUpdateId":7,"path":"/fapi/v1/depth"}`,
    ]);
  } finally {
    await server.shutdown();
  }
});
