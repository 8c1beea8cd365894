/**
 * Replay of BitMEX recordings: {@linkcode BitmexRecordingDecoder} runs recorded frames through
 * the same {@linkcode BitmexFeed} the live stream uses, so a replay yields what the stream
 * emitted; a recorded close resets every book, as the stream does when its connection is lost.
 * {@linkcode bitmexRecordingCodec} is what `backtest run --mode tick` is handed for BitMEX.
 *
 * @module
 */

import type { JsonValue } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import type { RecordedItem, RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { BitmexFeed } from "./feed.ts";
import { VENUE } from "./parse.ts";

/** Decodes a BitMEX recording as the live stream would have. */
export class BitmexRecordingDecoder implements RecordingDecoder {
  /** Always `bitmex`. */
  readonly venue = VENUE;
  readonly #feed = new BitmexFeed();

  /** Appends the events of `item`. */
  decode(item: RecordedItem, out: Event[]): void {
    switch (item.kind) {
      case "frame":
        this.#feed.frame(item.text, item.tsRecv, out);
        return;
      case "close":
        this.#feed.lost(item.tsRecv, out, "connection closed");
        return;
      case "open":
      case "rest":
      case "drop":
      case "timer":
        // BitMEX has no sequence numbers: a drop is only seen when an update of a missing id
        // follows, which the feed's book rules catch.
        return;
      default: {
        const never: never = item;
        throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
      }
    }
  }

  /** The feed's counters. */
  stats(): Readonly<Record<string, JsonValue>> {
    return this.#feed.stats();
  }
}

const TABLES = /^(orderBookL2(_25)?|trade|quote|instrument|tradeBin\w+)$/;

/** The BitMEX codec of the tick replay. */
export const bitmexRecordingCodec: {
  readonly venue: string;
  recognizes(frame: string): boolean;
  decoder(): RecordingDecoder;
} = {
  venue: VENUE,
  recognizes(frame: string): boolean {
    try {
      const wire = JSON.parse(frame) as { table?: unknown; info?: unknown };
      return (typeof wire.table === "string" && TABLES.test(wire.table)) ||
        (typeof wire.info === "string" && wire.info.includes("BitMEX"));
    } catch {
      return false;
    }
  },
  decoder: () => new BitmexRecordingDecoder(),
};
