/**
 * The live source's wait for the next bar close: while trades of one bar keep coming, the sleep
 * until that bar is due stays armed (one runtime timer per bar, not one per trade), the bar is
 * still closed on time when no later trade comes, and closing the source releases the sleep.
 */

import assert from "node:assert/strict";
import type { Trade } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../lib/engine/mod.ts";
import { type Event, Inbox } from "../../../lib/events/mod.ts";
import { LiveFeedSource } from "../../../lib/live/live_source.ts";
import type { TradingSession } from "../../../lib/trader/mod.ts";

const MINUTE = 60e6;
const START = 1_700_000_040 * 1e6; // a minute boundary
// The source asks the session only about the drawdown kill switch (off here).
const session = { watchesDrawdown: false } as unknown as TradingSession;

function trade(ts: number, price: number): Event {
  const t: Trade = { symbol: "bybit:BTCUSDT", price, quantity: 1, side: "buy" };
  return { kind: "trade", ts, tsRecv: ts, trade: t };
}

Deno.test("LiveFeedSource arms one sleep per bar while its trades come, closes it on time, and releases the sleep on close", async () => {
  const clock = new ManualClock(START);
  const inbox = new Inbox({ now: () => clock.now() });
  const armed: number[] = [];
  const sleeper = {
    sleepUntil: (at: number, signal: AbortSignal): Promise<void> => {
      armed.push((at - START) / 1e3);
      return clock.sleepUntil(at, signal);
    },
  };
  const source = new LiveFeedSource({
    session,
    inbox,
    clock,
    sleeper,
    dataInterval: "1m",
    buildCandles: true,
    closeGraceMs: 250,
  });
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const ts = START + (i + 1) * 1e6;
    clock.set(ts);
    const taking = source.take();
    inbox.offer(trade(ts, 100 + i));
    const event = await taking;
    seen.push(event?.kind ?? "end");
  }
  assert.deepEqual(seen, Array(20).fill("trade"));
  // The first trade opened the bar; every later wait for it reused the same sleep.
  assert.deepEqual(armed, [60_250], "one sleep until the bar's end plus the grace, in ms");
  assert.equal(clock.sleeping, 1);
  const closing = source.take();
  clock.set(START + MINUTE + 250e3);
  const candle = await closing;
  assert.equal(candle?.kind, "candle");
  assert.deepEqual(
    candle?.kind === "candle"
      ? [candle.candle.open, candle.candle.close, candle.candle.volume]
      : [],
    [100, 119, 20],
  );
  assert.deepEqual(armed, [60_250]);
  clock.set(START + MINUTE + 2e6);
  const next = source.take();
  inbox.offer(trade(START + MINUTE + 2e6, 200));
  assert.equal((await next)?.kind, "trade");
  // The wait after the next bar's first trade sleeps until that bar is due.
  const waiting = source.take();
  assert.deepEqual(armed, [60_250, 120_250], "the next bar's sleep");
  source.close();
  assert.equal(clock.sleeping, 0, "close released the sleep");
  inbox.close();
  assert.equal(await waiting, undefined);
});
