/**
 * The live session's hop from the inbox to the strategy (issue 16), alone: trades offered to an
 * `Inbox` one every `--gap-ms` (default 1), each timed from `offer` to the handler the engine
 * calls for it, with `runLive` taking from the inbox directly (`--mode inbox`), the same with a
 * timer scheduled far away (`timer`: the runner sleeps on it between trades), or through the live
 * source building bars from the trades (`bars`). The bench's path from the inbox on, with no
 * socket, no parsing and no order; for A/B, copy this file into a `git archive` of the baseline
 * and run both in turn.
 *
 * `deno run -A bench/live_inbox_hop.ts [--mode inbox|timer|bars] [--samples N] [--warmup N]
 * [--gap-ms N]`
 *
 * @module
 */

import { Engine, runLive, WallClock, WallSleeper } from "../lib/engine/mod.ts";
import { Inbox } from "../lib/events/mod.ts";
import { LiveFeedSource } from "../lib/live/live_source.ts";
import type { TradingSession } from "../lib/trader/mod.ts";

import { flag } from "./_flags.ts";

const MODE = flag("mode", "inbox");
const SAMPLES = Number(flag("samples", "2700"));
const WARMUP = Number(flag("warmup", "300"));
const GAP_MS = Number(flag("gap-ms", "1"));
if (MODE !== "inbox" && MODE !== "timer" && MODE !== "bars") {
  console.error(`--mode must be inbox, timer or bars, not "${MODE}"`);
  Deno.exit(2);
}

const clock = new WallClock();
const engine = new Engine({ clock });
const inbox = new Inbox({ now: () => clock.now() });
// The live source asks the session only about the drawdown kill switch (off here).
const session = { watchesDrawdown: false } as unknown as TradingSession;
const source = MODE === "bars"
  ? new LiveFeedSource({
    session,
    inbox,
    clock,
    sleeper: new WallSleeper(clock),
    dataInterval: "1m",
    buildCandles: true,
  })
  : inbox;
if (MODE === "timer") {
  const far = clock.now() + 3_600e6;
  engine.schedule(far, { kind: "timer", ts: far, tsRecv: far, owner: "bench", tag: "far" });
}
let offeredAt = 0;
const micros: number[] = [];
// The next timer is armed only once the trade was handled: armed right after the offer, it
// would run before the runner's promise reactions and be timed with them.
let handled = Promise.withResolvers<void>();
engine.bus.subscribe("trade", () => {
  micros.push((performance.now() - offeredAt) * 1000);
  handled.resolve();
});
const stop = new AbortController();
const run = runLive(engine, source, { signal: stop.signal });
for (let i = 0; i < WARMUP + SAMPLES; i++) {
  await new Promise((resolve) => setTimeout(resolve, GAP_MS));
  offeredAt = performance.now();
  const now = clock.now();
  inbox.offer({
    kind: "trade",
    ts: now,
    tsRecv: now,
    trade: { symbol: "bybit:BTCUSDT", price: 100, quantity: 1, side: "buy" },
  });
  await handled.promise;
  handled = Promise.withResolvers<void>();
}
await new Promise((resolve) => setTimeout(resolve, 10));
stop.abort();
await run;
if (micros.length !== WARMUP + SAMPLES) {
  throw new Error(`${micros.length} trades reached the handler, ${WARMUP + SAMPLES} offered`);
}
const sorted = micros.slice(WARMUP).sort((a, b) => a - b);
const at = (q: number): string => (sorted[Math.floor(q * sorted.length)] ?? NaN).toFixed(1);
console.log(
  `${MODE}: offer → handler p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${
    at(0.99)
  } µs (${SAMPLES} trades ${GAP_MS} ms apart, load average ${
    Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
  })`,
);
