/**
 * The market feeds of a live session: what each is subscribed to, and how its events reach the
 * inbox (handed over as they are parsed, or pumped from its stream).
 *
 * @module
 */

import type { MarketSink, MarketStream, MarketSubscription } from "../broker/mod.ts";
import type { Interval, SymbolId } from "../domain/mod.ts";
import type { Inbox } from "../events/mod.ts";
import type { StrategySubscription } from "../strategies/mod.ts";
import type { LiveLogRecord } from "./live_runtime_options.ts";
import { errorMessage } from "./_error_message.ts";

/** How the session consumes market data. */
export interface FeedNeeds {
  /** Paper tick matching (books and trades, no bars). */
  readonly tickMatching: boolean;
  /** The data bars are built from trades. */
  readonly buildCandles: boolean;
  /** Interval of the data bars. */
  readonly dataInterval: Interval;
}

/** One subscription per symbol the strategy wants, on the channels the session needs. */
export function marketSubscriptions(
  wanted: readonly StrategySubscription[],
  needs: FeedNeeds,
): MarketSubscription[] {
  const symbols = new Set<SymbolId>();
  for (const s of wanted) symbols.add(s.symbol);
  const wantsBooks = wanted.some((s) => s.kind !== "candles");
  const wantsQuotes = wanted.some((s) => s.kind === "quotes");
  // Tick matching needs books and trades, and takes what tick backtests replay (no bars).
  const tick: MarketSubscription["channels"] = wantsQuotes
    ? ["trades", "book", "quotes"]
    : ["trades", "book"];
  return [...symbols].map((symbol) => ({
    symbol,
    channels: needs.tickMatching
      ? tick
      : needs.buildCandles
      ? ["trades"]
      : wantsBooks
      ? ["candles", "trades", "book"]
      : ["candles", "trades"],
    interval: needs.dataInterval,
  }));
}

/**
 * For feeds that can hand their events over as they parse them: each goes into the inbox
 * inside the socket's message handler, with no promise hop before the runner is woken.
 * `Inbox.push` keeps the pump's semantics: an event the market lane has no room for waits, and
 * every later one waits behind it; the feed bounds how many wait.
 */
export function inboxSink(inbox: Inbox, stopped: () => boolean): MarketSink {
  return {
    push: (event) => {
      if (stopped() || inbox.closed) return;
      // Never rejects: the promise only says when a waiting event got its room.
      void inbox.push(event);
    },
    get waiting() {
      return inbox.waitingPushes;
    },
  };
}

/** Where a pump delivers. */
export interface PumpOptions {
  /** The inbox. */
  readonly inbox: Inbox;
  /** Whether the session stopped (the pump then ends). */
  readonly stopped: () => boolean;
  /** Receives the failure of a stream. */
  readonly log: (record: LiveLogRecord) => void;
}

/**
 * Pushes `feed`'s events into the inbox until it ends or the session stopped; a stream that
 * fails is logged. Feeds with a sink deliver nothing here; their events() still ends when they
 * close.
 */
export async function pumpFeed(
  feed: MarketStream,
  { inbox, stopped, log }: PumpOptions,
): Promise<void> {
  try {
    for await (const event of feed.events()) {
      if (stopped()) return;
      await inbox.push(event);
    }
  } catch (error) {
    if (stopped()) return;
    log({
      level: "error",
      component: "feed",
      message: `${feed.venue} market stream failed: ${errorMessage(error)}`,
    });
  }
}
