/**
 * The tick runner's hook for connector recordings: the items a recording holds (raw frames as
 * received, REST responses, connection changes, drops, timer firings), the decoder a connector
 * provides to turn them into the events its live stream emitted, and
 * {@linkcode recordingTickSource}, which runs items through a decoder into a
 * {@linkcode TickSource}. `lib/` never imports `connectors/`: the CLI reads the file with
 * `connectors/recording` and hands the connector's decoder in. Format: docs/recording.md.
 *
 * @module
 */

import type { JsonValue, Micros } from "../../domain/mod.ts";
import type { Event } from "../../events/mod.ts";
import type { MarketDataEvent } from "../../venues/tick/_venue_book.ts";
import type { TickSource } from "./tick_sources.ts";

/** One item of a recording, with the local time it was received or happened (µs). */
export type RecordedItem =
  | {
    /** A WebSocket text frame exactly as received. */
    readonly kind: "frame";
    readonly tsRecv: Micros;
    /** The frame's text. */
    readonly text: string;
  }
  | {
    /** A REST response the session used (a depth snapshot, say). */
    readonly kind: "rest";
    readonly tsRecv: Micros;
    /** `METHOD /path?query`, e.g. `GET /fapi/v1/depth?symbol=BTCUSDT&limit=1000`. */
    readonly target: string;
    /** The response body exactly as received. */
    readonly body: string;
  }
  | {
    /** A connection opened (`open`) or closed (`close`). */
    readonly kind: "open" | "close";
    readonly tsRecv: Micros;
    /** The socket's URL. */
    readonly url: string;
  }
  | {
    /** Frames the recorder had to drop (its buffer was full): the data has a hole here. */
    readonly kind: "drop";
    readonly tsRecv: Micros;
    /** How many frames were lost. */
    readonly frames: number;
  }
  | {
    /** A live-session timer fired. */
    readonly kind: "timer";
    readonly tsRecv: Micros;
    /** The timer's name. */
    readonly name: string;
  };

/** Turns one connector's recorded items into the events its live stream produced. */
export interface RecordingDecoder {
  /** The venue, e.g. `bybit`. */
  readonly venue: string;
  /** Appends the events `item` produces to `out`. */
  decode(item: RecordedItem, out: Event[]): void;
  /** Counters for the report (messages, snapshots, gaps, resyncs …). */
  stats(): Readonly<Record<string, JsonValue>>;
}

/**
 * The name of the `#timer` line that ends the recording of a live paper session: the session
 * handled every item received up to that line's time, and nothing after (docs/recording.md).
 */
export const SESSION_END_TIMER = "@live/end";

/** What a replay of a recording counted beyond the decoder's own figures. */
export interface RecordingReplayStats {
  /** Items read. */
  items: number;
  /** Events decoded that tick mode does not replay (candles, funding, connectivity …). */
  otherEvents: number;
  /** Frames the recorder reported dropped. */
  droppedFrames: number;
  /** `#timer` lines: the live session's timers that fired, and its end. */
  timers: number;
}

/** A tick source over a recording, with the decoder's figures. */
export interface RecordingTickSource extends TickSource {
  /** The decoder's counters and the replay's, for the report. */
  diagnostics(): Readonly<Record<string, JsonValue>>;
  /**
   * Where the live session that recorded it stopped ({@linkcode SESSION_END_TIMER}), once the
   * events have been read; `undefined` for other recordings.
   */
  sessionEnd(): Micros | undefined;
  /** The session timers the recording says fired (`owner/tag due-µs`), once read. */
  sessionTimers(): readonly string[];
}

const BATCH = 4096;

function isMarketData(event: Event): event is MarketDataEvent {
  return event.kind === "trade" || event.kind === "quote" || event.kind === "book-snapshot" ||
    event.kind === "book-delta";
}

/**
 * The market data of `items` (in chunks) as decoded by `decoder`, at their receive times. The
 * items must be in receive-time order (the reader of the recording checks it).
 */
export function recordingTickSource(
  name: string,
  items: AsyncIterable<readonly RecordedItem[]>,
  decoder: RecordingDecoder,
): RecordingTickSource {
  const stats: RecordingReplayStats = { items: 0, otherEvents: 0, droppedFrames: 0, timers: 0 };
  let end: Micros | undefined;
  const timers: string[] = [];
  async function* batches(): AsyncGenerator<readonly MarketDataEvent[]> {
    const decoded: Event[] = [];
    let batch: MarketDataEvent[] = [];
    for await (const chunk of items) {
      for (let k = 0; k < chunk.length; k++) {
        const item = chunk[k];
        stats.items++;
        if (item.kind === "drop") stats.droppedFrames += item.frames;
        else if (item.kind === "timer") {
          stats.timers++;
          if (item.name === SESSION_END_TIMER) end = item.tsRecv;
          else timers.push(item.name);
        }
        decoder.decode(item, decoded);
        for (let i = 0; i < decoded.length; i++) {
          const event = decoded[i];
          if (isMarketData(event)) batch.push(event);
          else stats.otherEvents++;
        }
        decoded.length = 0;
      }
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  async function* events(): AsyncGenerator<MarketDataEvent> {
    for await (const batch of batches()) yield* batch;
  }
  return {
    name,
    events: events(),
    batches: batches(),
    diagnostics: () => ({
      venue: decoder.venue,
      ...stats,
      ...(end === undefined ? {} : { sessionEnd: end }),
      ...decoder.stats(),
    }),
    sessionEnd: () => end,
    sessionTimers: () => timers,
  };
}

/** Whether `source` is a recording source (it carries decoder diagnostics). */
export function isRecordingTickSource(source: TickSource): source is RecordingTickSource {
  return typeof (source as Partial<RecordingTickSource>).diagnostics === "function";
}
