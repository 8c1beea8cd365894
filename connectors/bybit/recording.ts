/**
 * Replay of Bybit recordings: {@linkcode BybitRecordingDecoder} turns recorded public-stream
 * frames into the events {@linkcode BybitMarketStream} emitted live, through the same parser
 * (`parsePublic`) and the same book rules (`BybitBook`): a book topic is stale until its
 * snapshot, a gap resets it until the next snapshot, `orderbook.1` topics become quotes, and a
 * closed connection resets every book, as the live stream does on a lost connection.
 * {@linkcode bybitRecordingCodec} is what `backtest run --mode tick` is handed for Bybit.
 *
 * @module
 */

import type { JsonValue, Micros, SymbolId } from "../../lib/domain/mod.ts";
import { badFrameEvent, connectivityEvent, type Event } from "../../lib/events/mod.ts";
import type { RecordedItem, RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { BybitBook } from "./book.ts";
import { bookFrameEvent } from "./book_events.ts";
import { VENUE } from "./errors.ts";
import { type BookFrame, parsePublic } from "./parse_public.ts";

interface ReplayTopic {
  readonly symbol: SymbolId;
  readonly book: BybitBook;
  readonly quotes: boolean;
  stale: boolean;
}

/** Counters of a Bybit replay. */
export interface BybitReplayStats {
  /** Frames decoded. */
  frames: number;
  /** Book snapshots applied. */
  snapshots: number;
  /** Book deltas applied. */
  deltas: number;
  /** Chain breaks (each resets the book until the next snapshot). */
  gaps: number;
  /** Repeated update ids (no-ops). */
  duplicates: number;
  /** Deltas skipped while a book waited for its snapshot. */
  waiting: number;
  /** Frames that did not parse (an alert each, as live). */
  badFrames: number;
}

/** Decodes a Bybit recording as the live public stream would have. */
export class BybitRecordingDecoder implements RecordingDecoder {
  /** Always `bybit`. */
  readonly venue = VENUE;
  readonly #topics = new Map<string, ReplayTopic>();
  readonly #stats: BybitReplayStats = {
    frames: 0,
    snapshots: 0,
    deltas: 0,
    gaps: 0,
    duplicates: 0,
    waiting: 0,
    badFrames: 0,
  };

  /** Appends the events of `item`. */
  decode(item: RecordedItem, out: Event[]): void {
    switch (item.kind) {
      case "frame":
        this.#frame(item.text, item.tsRecv, out);
        return;
      case "close":
        // The live stream resets every book when its connection is lost.
        for (const topic of this.#topics.values()) {
          topic.book.reset();
          topic.stale = true;
        }
        out.push(connectivity(item.tsRecv, "down", "connection closed"));
        return;
      case "open":
      case "rest":
      case "drop":
      case "timer":
        // A drop shows as a gap in the update ids, which the book rules catch.
        return;
      default: {
        const never: never = item;
        throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
      }
    }
  }

  /** The counters. */
  stats(): Readonly<Record<string, JsonValue>> {
    return { ...this.#stats };
  }

  #frame(text: string, tsRecv: Micros, out: Event[]): void {
    this.#stats.frames++;
    let frame;
    try {
      frame = parsePublic(text, tsRecv);
    } catch (error) {
      this.#stats.badFrames++;
      out.push(badFrameEvent(tsRecv, "bybit-bad-message", error));
      return;
    }
    switch (frame.type) {
      case "trades":
      case "candles":
        for (const event of frame.events) out.push(event);
        return;
      case "book":
        this.#book(frame, tsRecv, out);
        return;
      case "control":
      case "other":
        return;
      default: {
        const never: never = frame;
        throw new TypeError(`Unknown frame ${JSON.stringify(never)}`);
      }
    }
  }

  #book(frame: BookFrame, tsRecv: Micros, out: Event[]): void {
    let topic = this.#topics.get(frame.topic);
    if (topic === undefined) {
      topic = {
        symbol: frame.symbol,
        book: new BybitBook(),
        quotes: frame.topic.startsWith("orderbook.1."),
        stale: true,
      };
      this.#topics.set(frame.topic, topic);
    }
    const book = topic.book;
    const result = book.apply(frame.message);
    switch (result.kind) {
      case "waiting":
        this.#stats.waiting++;
        return;
      case "duplicate":
        this.#stats.duplicates++;
        return;
      case "gap":
        this.#stats.gaps++;
        book.reset();
        if (!topic.stale) {
          topic.stale = true;
          out.push(
            connectivity(
              tsRecv,
              "stale",
              `${frame.topic}: ${result.reason}; resynchronising`,
              topic.symbol,
            ),
          );
        }
        return;
      case "snapshot": {
        this.#stats.snapshots++;
        if (topic.stale) {
          topic.stale = false;
          out.push(connectivity(tsRecv, "up", "book synchronised", topic.symbol));
        }
        const event = bookFrameEvent("snapshot", frame, topic.symbol, book, topic.quotes, tsRecv);
        if (event !== undefined) out.push(event);
        return;
      }
      case "delta": {
        this.#stats.deltas++;
        const event = bookFrameEvent("delta", frame, topic.symbol, book, topic.quotes, tsRecv);
        if (event !== undefined) out.push(event);
        return;
      }
      default: {
        const never: never = result;
        throw new TypeError(`Unknown book result ${JSON.stringify(never)}`);
      }
    }
  }
}

function connectivity(
  at: Micros,
  state: "up" | "down" | "stale",
  reason: string,
  symbol?: SymbolId,
): Event {
  return connectivityEvent(at, "market", VENUE, state, reason, symbol);
}

const TOPIC = /^(orderbook|publicTrade|kline)\./;

/** The Bybit codec of the tick replay. */
export const bybitRecordingCodec: {
  readonly venue: string;
  recognizes(frame: string): boolean;
  decoder(): RecordingDecoder;
} = {
  venue: VENUE,
  recognizes(frame: string): boolean {
    try {
      const wire = JSON.parse(frame) as { topic?: unknown; stream?: unknown };
      return typeof wire.topic === "string" && TOPIC.test(wire.topic) && wire.stream === undefined;
    } catch {
      return false;
    }
  },
  decoder: () => new BybitRecordingDecoder(),
};
