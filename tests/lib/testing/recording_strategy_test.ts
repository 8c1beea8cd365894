import assert from "node:assert/strict";
import type { ConnectivityEvent } from "../../../lib/events/mod.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { RecordingStrategy } from "../../../lib/testing/mod.ts";

Deno.test("RecordingStrategy forwards connectivity changes to the wrapped strategy", () => {
  const seen: string[] = [];
  const inner: Strategy = {
    name: "inner",
    subscriptions: [],
    onConnectivity: (event, ctx) => {
      seen.push(`${event.channel} ${event.state} @${ctx.now}`);
      ctx.signal({ symbol: "bybit:BTCUSDT", kind: "flatten", confidence: 1 });
    },
    snapshot: () => null,
    restore: () => {},
  };
  const recorder = new RecordingStrategy(inner);
  const ctx = { now: 42, signal: () => {} } as unknown as StrategyContext;
  const event: ConnectivityEvent = {
    kind: "connectivity",
    ts: 42,
    tsRecv: 42,
    channel: "execution",
    venue: "bybit",
    state: "down",
  };
  recorder.onConnectivity(event, ctx);
  assert.deepEqual(seen, ["execution down @42"]);
  assert.deepEqual(recorder.signals.map((s) => [s.ts, s.signal.kind]), [[42, "flatten"]]);
});
