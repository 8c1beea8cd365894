/**
 * Record a Binance session from connectors/simulator through the live market stream (frames
 * and the REST depth snapshots its synchronizer takes), replay the file with the Binance
 * decoder: the same events as live, through a `pu` gap and its resync.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { binanceFromProfile } from "../../../connectors/binance/profile.ts";
import { binanceRecordingCodec } from "../../../connectors/binance/recording.ts";
import { nativeSocket, realTimers } from "../../../lib/broker/mod.ts";
import { readRecordings, sniffRecording } from "../../../connectors/recording/reader.ts";
import { Recorder } from "../../../connectors/recording/recorder.ts";
import { tapFetch, tapSocket, tapTimers } from "../../../connectors/recording/tap.ts";
import { RecordingWriter } from "../../../connectors/recording/writer.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { gzipLines, sleep } from "./_helpers.ts";
import { scriptedMarketStep } from "./_scripted_market.ts";

Deno.test("Binance replay: a recorded simulator session decodes to the live stream's events, through a pu gap and its new snapshot", async () => {
  const sim = await startSimulator({ venue: "binance", market: { kind: "none" } });
  const dir = await Deno.makeTempDir();
  const path = join(dir, "binance.gz");
  const recorder = new Recorder({ sink: RecordingWriter.open({ path, venue: "binance" }) });
  const connector = binanceFromProfile("sim", {
    driver: "binance",
    rest_url: sim.restUrl,
    ws_url: sim.wsPublicUrl.replace(/\/public$/, ""),
  }, {
    fetch: tapFetch(fetch, recorder, (m, url) => m === "GET" && url.pathname === "/fapi/v1/depth"),
    socket: tapSocket(nativeSocket, recorder),
    timers: tapTimers(realTimers, recorder),
  });
  const stream = connector.marketStream();
  const live: Event[] = [];
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 1], [49999.8, 3]], [[50000.1, 1], [50000.2, 2]]);
    await stream.subscribe([{ symbol: "binance:BTCUSDT", channels: ["book", "trades", "quotes"] }]);
    const consume = (async () => {
      for await (const event of stream.events()) live.push(event);
    })();
    const snapshots = () => live.filter((e) => e.kind === "book-snapshot").length;
    const step = (i: number) => scriptedMarketStep(sim, i);
    let i = 0;
    // The first depth event makes the stream take its snapshot.
    while (snapshots() < 1) {
      await step(i++);
      if (i > 500) throw new Error("no snapshot");
    }
    for (const end = i + 20; i < end;) await step(i++);
    sim.faults.inject({ kind: "ws-skip", stream: "public" });
    while (snapshots() < 2) {
      await step(i++);
      if (i > 1000) throw new Error("no resync snapshot");
    }
    for (const end = i + 20; i < end;) await step(i++);
    await sleep(30);
    await stream.close();
    await consume;
  } finally {
    await stream.close();
    await recorder.close();
    await sim.stop();
  }
  try {
    const lines = await gzipLines(path);
    assert.equal(
      lines.filter((l) => / #rest GET \/fapi\/v1\/depth\?symbol=BTCUSDT/.test(l)).length,
      2,
    );
    assert.ok(live.some((e) => e.kind === "connectivity" && e.state === "stale"));

    const sniff = await sniffRecording(path);
    assert.ok(sniff !== undefined);
    const decoder = binanceRecordingCodec.decoder();
    const replayed: Event[] = [];
    for await (const chunk of readRecordings([sniff])) {
      for (const item of chunk) decoder.decode(item, replayed);
    }
    // The live stream stamps a snapshot when its REST answer is handled, a few µs after the
    // tap read the body (the time recorded): snapshots are compared without their tsRecv.
    const market = (events: readonly Event[]) =>
      events.filter((e) =>
        e.kind === "book-delta" || e.kind === "trade" || e.kind === "quote" ||
        e.kind === "book-snapshot"
      ).map((e) => e.kind === "book-snapshot" ? { ...e, tsRecv: 0 } : e);
    const want = market(live);
    assert.ok(want.filter((e) => e.kind === "book-delta").length > 30);
    assert.ok(want.filter((e) => e.kind === "trade").length > 20);
    assert.deepEqual(market(replayed), want);
    const stats = decoder.stats();
    assert.equal(stats.snapshots, 2);
    assert.ok(Number(stats.gaps) >= 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
