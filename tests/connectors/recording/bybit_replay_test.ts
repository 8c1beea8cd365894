/**
 * Record a Bybit session from connectors/simulator through the live stream, replay the file
 * with the Bybit decoder: the replay yields exactly the events the live stream emitted (same
 * values, same exchange and receive times), through a skipped delta, a duplicated frame and a
 * dropped connection; the tick source carries the market data of it.
 */

import assert from "node:assert/strict";
import { bybitRecordingCodec } from "../../../connectors/bybit/recording.ts";
import { splitRecordings } from "../../../connectors/recording/replay.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { readRecordings, sniffRecording } from "../../../connectors/recording/reader.ts";
import { recordBybitSession } from "./_bybit_session.ts";
import { main } from "../../../cli/main.ts";
import { recordingIo } from "../../../cli/io.ts";
import { join } from "node:path";

const REPLAYED = new Set(["trade", "quote", "book-snapshot", "book-delta", "candle"]);

const strip = (events: readonly Event[]): Event[] =>
  events.filter((e) =>
    REPLAYED.has(e.kind) || (e.kind === "connectivity" && e.symbol !== undefined)
  );

Deno.test("Bybit replay: the recording decodes to exactly the live stream's events, through a gap, duplicates and a reconnect", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { path, live } = await recordBybitSession(dir);
    const { sources, others } = await splitRecordings([path], [bybitRecordingCodec]);
    assert.deepEqual(others, []);
    assert.equal(sources.length, 1);
    const replayed: Event[] = [];
    const decoder = bybitRecordingCodec.decoder();
    // Decode every item (not only market data) to compare the book resync signals too.
    const sniff = await sniffRecording(path);
    assert.ok(sniff !== undefined);
    for await (const chunk of readRecordings([sniff])) {
      for (const item of chunk) decoder.decode(item, replayed);
    }
    const want = strip(live);
    const got = strip(replayed);
    assert.ok(want.filter((e) => e.kind === "book-delta").length > 30);
    assert.ok(want.filter((e) => e.kind === "trade").length > 20);
    assert.ok(want.filter((e) => e.kind === "quote").length > 8);
    assert.ok(
      want.some((e) => e.kind === "connectivity" && e.state === "stale"),
      "the skipped delta made the live book resync",
    );
    assert.deepEqual(got, want);
    const stats = decoder.stats();
    assert.ok(Number(stats.gaps) >= 1);
    assert.ok(Number(stats.duplicates) >= 1);
    assert.ok(Number(stats.snapshots) >= 3);

    // The same file through the tick source: only the market data, in order.
    const events = [];
    for await (const batch of sources[0].batches ?? []) events.push(...batch);
    assert.deepEqual(events, want.filter((e) => e.kind !== "connectivity" && e.kind !== "candle"));
    const diagnostics = sources[0].diagnostics();
    assert.equal(diagnostics.venue, "bybit");
    assert.equal(diagnostics.droppedFrames, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backtest run --mode tick --lob-data FILE.gz replays a Bybit recording through the connector's decoder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { path, live } = await recordBybitSession(dir);
    const strategy = join(dir, "obi.toml");
    await Deno.writeTextFile(
      strategy,
      [
        'strategy_name = "OrderBookImbalance"',
        "[params]",
        'symbol = "bybit:BTCUSDT"',
        "depth = 5",
        "enter_threshold = 0.2",
        "exit_threshold = 0.05",
        "quantity = 0.01",
        "cooldown_ms = 10",
      ].join("\n"),
    );
    const io = recordingIo();
    const args = ["backtest", "run", "--mode", "tick", "--strategy-config", strategy];
    const code = await main([...args, "--lob-data", path, "--json"], io);
    assert.equal(code, 0, io.err.join("\n"));
    const report = JSON.parse(io.out.join("\n"));
    const market = live.filter((e) =>
      e.kind === "trade" || e.kind === "quote" || e.kind === "book-snapshot" ||
      e.kind === "book-delta"
    );
    assert.equal(report.diagnostics.events.marketData, market.length);
    const [recording] = report.diagnostics.recordings;
    assert.equal(recording.venue, "bybit");
    assert.equal(recording.source, path);
    assert.ok(recording.gaps >= 1);
    assert.equal(report.settings.data[0], path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
