/**
 * A scripted Bybit session on connectors/simulator recorded through the live stream: sizes
 * change on five levels a side, trades print at the touch, and a skipped delta, two duplicated
 * frames and a dropped connection happen on the way.
 */

import { join } from "node:path";
import { BybitMarketStream } from "../../../connectors/bybit/market_stream.ts";
import { nativeSocket, realTimers } from "../../../lib/broker/mod.ts";
import { Recorder } from "../../../connectors/recording/recorder.ts";
import { tapSocket, tapTimers } from "../../../connectors/recording/tap.ts";
import { RecordingWriter } from "../../../connectors/recording/writer.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { sleep, until } from "./_helpers.ts";
import { scriptedMarketStep } from "./_scripted_market.ts";

/** Records a scripted simulator session; returns the file and what the live stream emitted. */
export async function recordBybitSession(dir: string): Promise<{ path: string; live: Event[] }> {
  const sim = await startSimulator({ venue: "bybit", market: { kind: "none" } });
  const path = join(dir, "bybit.gz");
  const recorder = new Recorder({ sink: RecordingWriter.open({ path, venue: "bybit" }) });
  const stream = new BybitMarketStream({
    url: sim.wsPublicUrl,
    socket: tapSocket(nativeSocket, recorder),
    timers: tapTimers(realTimers, recorder),
    backoff: { initialMs: 5, factor: 1, maxMs: 5 },
  });
  const live: Event[] = [];
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 1], [49999.8, 3]], [[50000.1, 1], [50000.2, 2]]);
    await stream.subscribe([
      { symbol: "bybit:BTCUSDT", channels: ["book", "trades", "quotes"], depth: 50 },
    ]);
    const consume = (async () => {
      for await (const event of stream.events()) live.push(event);
    })();
    const books = () => live.filter((e) => e.kind === "book-snapshot").length;
    await until(() => books() >= 1, "the first snapshot");
    // Sizes change on five levels a side; trades print at the touch.
    const step = (i: number) => scriptedMarketStep(sim, i);
    for (let i = 0; i < 20; i++) await step(i);
    sim.faults.inject({ kind: "ws-skip", stream: "public" });
    for (let i = 20; i < 30; i++) await step(i);
    sim.faults.inject({ kind: "ws-duplicate", stream: "public", count: 2 });
    for (let i = 30; i < 40; i++) await step(i);
    const before = books();
    sim.faults.inject({ kind: "ws-drop", stream: "public" });
    await until(() => stream.reconnects > 0 && books() > before, "resubscribed snapshots");
    for (let i = 40; i < 60; i++) await step(i);
    await sleep(50);
    await stream.close();
    await consume;
  } finally {
    await stream.close();
    await recorder.close();
    await sim.stop();
  }
  return { path, live };
}
