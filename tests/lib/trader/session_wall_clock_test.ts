/**
 * On the wall clock, time moves while a handler runs: an algorithm that arms a timer "at `at`,
 * not before now" from its own reading of the clock must not be refused by the engine because
 * the clock moved on a millisecond before the timer was scheduled (the kill -9 test's restart
 * died on it: `Engine.schedule: time … is not at or after now`).
 */

import assert from "node:assert/strict";
import type { Micros } from "../../../lib/domain/mod.ts";
import type { Clock } from "../../../lib/engine/mod.ts";
import { fixedQuantity } from "../../../lib/execution/mod.ts";
import { TradingSession } from "../../../lib/trader/mod.ts";
import { BTC, candleEvent, TwapOnce } from "./_fixtures.ts";

/** A wall clock that moves 1 ms every time it is read. */
class MovingClock implements Clock {
  #now: Micros;
  constructor(start: Micros) {
    this.#now = start;
  }
  now(): Micros {
    this.#now += 1000;
    return this.#now;
  }
  observe(_ts: Micros): void {}
}

function session(clock: Clock, sent: string[]): TradingSession {
  const trading = new TradingSession({
    strategy: new TwapOnce("wall_twap"),
    instruments: [BTC],
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.003),
    clock,
  }, () => ({ venue: "bybit", send: (command) => sent.push(command.type) }));
  trading.host("1m");
  return trading;
}

Deno.test("a TWAP restored after its next slice fell due, on a moving wall clock: the slice is scheduled for now, not refused as past", () => {
  const start = 1_800_000_000_000_000;
  const before: string[] = [];
  const first = session(new MovingClock(start), before);
  first.engine.process(candleEvent(start - 60_000_000, 100));
  assert.ok(before.includes("submit"), `the first slice goes out (sent: ${before.join(", ")})`);
  const state = { oms: first.oms.snapshot(), algorithms: first.algorithms.snapshot() };
  // The process comes back 10 s later: the next two slices are past due.
  const sent: string[] = [];
  const second = session(new MovingClock(start + 10_000_000), sent);
  second.oms.restore(state.oms);
  second.algorithms.restore(state.algorithms);
  second.engine.advanceTo(second.clock.now());
  assert.ok(
    sent.includes("submit"),
    `a due slice goes out after the restore (sent: ${sent.join(", ")})`,
  );
});
