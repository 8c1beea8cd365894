/**
 * The feed loop the runner takes its events from: the live feed source on the session clock
 * (candle paper or live execution), or, with paper tick matching, the source that keeps the
 * receive-time timeline of tick backtests.
 *
 * @module
 */

import { ConfigError, type Micros } from "../domain/mod.ts";
import { type Clock, type Sleeper, type TimeQueue, WallSleeper } from "../engine/mod.ts";
import type { Event, Inbox } from "../events/mod.ts";
import type { TradingSession } from "../trader/mod.ts";
import type { CandleVenue, TickVenue } from "../venues/mod.ts";
import { watchLiquidations } from "./_paper_venues.ts";
import type { LiveRuntimeOptions } from "./live_runtime_options.ts";
import { LiveFeedSource } from "./live_source.ts";
import type { PaperTickClock } from "./paper_tick_clock.ts";
import { PaperTickSource } from "./paper_tick_source.ts";

/** The runner's source of a live session. */
export type FeedLoop = LiveFeedSource | PaperTickSource;

/** Paper tick matching's parts: the venue, its reports and the receive-time clocks. */
export interface TickLoopParts {
  /** The tick venue. */
  readonly venue: TickVenue;
  /** Its reports, by receive time. */
  readonly reports: TimeQueue<Event>;
  /** The session clock on the frames' receive times. */
  readonly clock: PaperTickClock;
  /** The clock the feeds stamp frames with (µs). */
  readonly receiveClock: () => Micros;
}

/** What the feed loop is built from. */
export interface FeedLoopParts {
  /** The trading session. */
  readonly session: TradingSession;
  /** The inbox the feeds deliver to. */
  readonly inbox: Inbox;
  /** The session clock. */
  readonly clock: Clock;
  /** Waits on the session clock. */
  readonly sleeper: Sleeper;
  /** The candle paper venue, with candle matching. */
  readonly paper: CandleVenue | undefined;
  /** Paper tick matching's parts, with tick matching. */
  readonly tick: TickLoopParts | undefined;
  /** The strategy takes ticks (the session marks on them, not on the closes). */
  readonly marksOnTicks: boolean;
  /** Called once each event has settled (the runtime commits). */
  readonly onSettled: () => void;
}

/**
 * Builds the feed loop.
 *
 * @throws {ConfigError} paper tick matching on a feed that builds its bars from trades.
 */
export function feedLoop(options: LiveRuntimeOptions, parts: FeedLoopParts): FeedLoop {
  const { session, inbox, tick } = parts;
  const bound = options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents };
  if (tick === undefined) {
    return new LiveFeedSource({
      session,
      inbox,
      clock: parts.clock,
      sleeper: parts.sleeper,
      dataInterval: options.dataInterval,
      buildCandles: options.buildCandles,
      ...(parts.paper === undefined ? {} : { paper: parts.paper }),
      onSettled: parts.onSettled,
      marksOnTicks: parts.marksOnTicks,
      ...bound,
    });
  }
  if (options.buildCandles) {
    throw new ConfigError("paper tick matching needs a feed with order books", {
      hint: "this feed sends trades only (bars are built from them): use candle matching",
    });
  }
  watchLiquidations(session, tick.venue);
  const { receiveClock } = tick;
  return new PaperTickSource({
    session,
    venue: tick.venue,
    reports: tick.reports,
    inbox,
    clock: tick.clock,
    receiveClock,
    sleeper: options.sleeper ?? new WallSleeper({ now: receiveClock, observe: () => {} }),
    onSettled: parts.onSettled,
    ...bound,
    ...(options.paperEndAt === undefined ? {} : { endAt: options.paperEndAt }),
  });
}
