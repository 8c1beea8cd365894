/**
 * The clocks of a live session. Live execution and candle paper run the session on the
 * caller's clock (the wall clock live); paper tick matching runs it on the frames' receive
 * times instead, so that a replay of its recording, which has only those times, gives the same
 * fills.
 *
 * @module
 */

import type { Micros } from "../domain/mod.ts";
import type { Clock } from "../engine/mod.ts";
import type { PaperTickSettings } from "./live_execution.ts";
import type { LiveRuntimeOptions } from "./live_runtime_options.ts";
import { PaperTickClock } from "./paper_tick_clock.ts";

/** Paper tick matching: its settings and its receive-time clock. */
export interface TickPaper {
  /** The tick venue's settings. */
  readonly settings: PaperTickSettings;
  /** The session clock on the frames' receive times. */
  readonly clock: PaperTickClock;
}

/** The clocks of a session. */
export interface SessionClocks {
  /** The session clock. */
  readonly clock: Clock;
  /** The clock the feeds stamp frames with (µs). */
  readonly receiveClock: () => Micros;
  /** With paper tick matching: its settings and clock. */
  readonly tick: TickPaper | undefined;
}

/** The clocks of the session `options` describe (see the module doc). */
export function sessionClocks(options: LiveRuntimeOptions): SessionClocks {
  const execution = options.orderVenue;
  const receiveClock = options.receiveClock ?? (() => options.clock.now());
  if (execution.kind !== "paper" || execution.matching !== "tick") {
    return { clock: options.clock, receiveClock, tick: undefined };
  }
  const clock = new PaperTickClock(receiveClock());
  return { clock, receiveClock, tick: { settings: execution.tick ?? {}, clock } };
}
