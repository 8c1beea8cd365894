/**
 * The real Binance USDⓈ-M captures of hftbacktest (tests/testdata/recording/, provenance in its
 * README) replayed through the Binance decoder: the 2024 capture's `pu` chain is unbroken and
 * the book synchronizes from its snapshot (both checked against an independent reading of the
 * raw lines), an order-book strategy trades on it in tick mode, and the 2023 captures (µs time)
 * follow the documented rule for a missing snapshot.
 */

import assert from "node:assert/strict";
import { binanceRecordingCodec } from "../../../connectors/binance/recording.ts";
import { readRecordings, sniffRecording } from "../../../connectors/recording/reader.ts";
import { splitRecordings } from "../../../connectors/recording/replay.ts";
import { main } from "../../../cli/main.ts";
import { recordingIo } from "../../../cli/io.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { gzipLines } from "./_helpers.ts";

const DATA = new URL("../../testdata/recording/", import.meta.url).pathname;
const CAPTURE = `${DATA}btcusdt_20240808.gz`;
const APR4 = `${DATA}btcusdt_20230404.dat.gz`;
const APR5 = `${DATA}btcusdt_20230405_first3000.dat.gz`;

async function decode(
  paths: readonly string[],
): Promise<{ events: Event[]; stats: Record<string, unknown> }> {
  const sniffs = [];
  for (const path of paths) {
    const sniff = await sniffRecording(path);
    assert.ok(sniff !== undefined, `${path} is a recording`);
    sniffs.push(sniff);
  }
  const decoder = binanceRecordingCodec.decoder();
  const events: Event[] = [];
  for await (const chunk of readRecordings(sniffs)) {
    for (const item of chunk) decoder.decode(item, events);
  }
  return { events, stats: decoder.stats() };
}

// The chain as the raw lines give it, read without any of the connector's code: every depth
// event from the one at the snapshot's lastUpdateId on (the documented rule), `pu` = previous `u`.
async function rawChain(path: string): Promise<{ depth: number; kept: number; breaks: number }> {
  const wires = (await gzipLines(path)).map((line) =>
    JSON.parse(line.slice(line.indexOf(" ") + 1))
  );
  const snapshotId: number = wires.find((w) => w.lastUpdateId !== undefined).lastUpdateId;
  let depth = 0;
  let kept = 0;
  let breaks = 0;
  let last: number | undefined;
  for (const wire of wires) {
    if (wire.data?.e !== "depthUpdate") continue;
    depth++;
    const { u, pu } = wire.data;
    if (u < snapshotId) continue;
    if (last !== undefined && pu !== last) breaks++;
    last = u;
    kept++;
  }
  return { depth, kept, breaks };
}

Deno.test("the real 2024 capture replays with an unbroken pu chain, synchronized from its snapshot, never crossed", async () => {
  const sniff = await sniffRecording(CAPTURE);
  assert.equal(sniff?.unit, "ns");
  assert.equal(sniff?.header, undefined);
  const { events, stats } = await decode([CAPTURE]);
  const raw = await rawChain(CAPTURE);
  assert.deepEqual(raw, { depth: 6551, kept: 6547, breaks: 0 });
  assert.equal(stats.frames, 93_954);
  assert.equal(stats.depthEvents, 6551);
  assert.equal(stats.snapshots, 1);
  assert.equal(stats.applied, raw.kept); // the chain length
  assert.equal(stats.staleEvents, 4); // u below the snapshot's lastUpdateId: dropped
  assert.equal(stats.gaps, 0);
  assert.equal(stats.depthWithoutSnapshot, 0);
  const kinds = new Map<string, number>();
  for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(kinds), {
    "book-snapshot": 1,
    // The two events buffered before the snapshot with u ≥ lastUpdateId are in the snapshot.
    "book-delta": 6545,
    connectivity: 1,
    quote: 66_089,
    trade: 21_313,
  });
  const snapshot = events.find((e) => e.kind === "book-snapshot");
  assert.ok(snapshot?.kind === "book-snapshot");
  // The 1000 levels of the REST snapshot plus those the two buffered events added.
  assert.ok(snapshot.book.bids.length >= 1000);
  assert.equal(snapshot.book.bids[0].price, 61800.2);
  // Receive time is the event time: the line's ns, to the µs.
  assert.equal(snapshot.tsRecv, 1723161255319702);
  // The book rebuilt from the snapshot and the chain never crosses.
  const bids = new Map(snapshot.book.bids.map((l) => [l.price, l.size]));
  const asks = new Map(snapshot.book.asks.map((l) => [l.price, l.size]));
  let crossed = 0;
  for (const e of events) {
    if (e.kind !== "book-delta") continue;
    for (const l of e.delta.bids) l.size === 0 ? bids.delete(l.price) : bids.set(l.price, l.size);
    for (const l of e.delta.asks) l.size === 0 ? asks.delete(l.price) : asks.set(l.price, l.size);
    if (Math.max(...bids.keys()) >= Math.min(...asks.keys())) crossed++;
  }
  assert.equal(crossed, 0);
});

Deno.test("backtest run --mode tick on the real capture: OrderBookImbalance trades on the synchronized book", async () => {
  const io = recordingIo();
  const code = await main([
    "backtest",
    "run",
    "--mode",
    "tick",
    "--strategy-config",
    "examples/strategies/order_book_imbalance_binance.toml",
    "--lob-data",
    CAPTURE,
    "--json",
  ], io);
  assert.equal(code, 0, io.err.join("\n"));
  const report = JSON.parse(io.out.join("\n"));
  // Pinned: a faster parser or book must not change what the strategy saw.
  assert.equal(report.trades, 40);
  assert.equal(report.fills, 75);
  assert.deepEqual(report.symbols, ["binance:BTCUSDT"]);
  assert.equal(report.diagnostics.events.crossedBooks, 0);
  assert.equal(report.diagnostics.events.marketData, 1 + 6545 + 66_089 + 21_313);
  assert.equal(report.diagnostics.events.deltasBeforeSnapshot, 0);
  const [recording] = report.diagnostics.recordings;
  assert.equal(recording.venue, "binance");
  assert.equal(recording.gaps, 0);
  assert.equal(recording.applied, 6547);
  assert.equal(recording.snapshots, 1);
});

Deno.test("2023 captures (µs time): without a snapshot the depth never becomes a book; with the previous file the chain continues", async () => {
  assert.equal((await sniffRecording(APR5))?.unit, "us");
  // Alone, the 0405 prefix has no snapshot: depth events wait, quotes and trades replay.
  const alone = await decode([APR5]);
  assert.equal(alone.stats.snapshots, 0);
  assert.equal(alone.stats.applied, 0);
  assert.equal(alone.stats.depthEvents, 347);
  assert.equal(alone.stats.depthWithoutSnapshot, 347);
  assert.ok(!alone.events.some((e) => e.kind === "book-snapshot" || e.kind === "book-delta"));
  assert.ok(alone.events.filter((e) => e.kind === "quote").length > 1000);
  assert.ok(alone.events.some((e) => e.kind === "trade"));

  // With the 0404 file (which has a snapshot) before it, one stream: the chain runs on into 0405.
  const raw = await rawChain(APR4);
  const both = await decode([APR5, APR4]); // merged by receive time, whatever the order given
  assert.equal(both.stats.snapshots, 1);
  assert.equal(both.stats.gaps, 0);
  assert.equal(both.stats.applied, raw.kept + 347);
  assert.equal(both.stats.depthWithoutSnapshot, 0);
  const first0405 = both.events.find((e) =>
    e.kind === "book-delta" && e.tsRecv >= 1680652800005184
  );
  assert.equal(first0405?.tsRecv, 1680652800005184);

  // As a tick source the lone file is its quotes and trades only.
  const { sources } = await splitRecordings([APR5], [binanceRecordingCodec]);
  const replayed: Event[] = [];
  for await (const batch of sources[0].batches ?? []) replayed.push(...batch);
  assert.deepEqual(replayed, alone.events.filter((e) => e.kind === "quote" || e.kind === "trade"));
  assert.equal(sources[0].diagnostics().depthWithoutSnapshot, 347);
});
