/**
 * What BitMEX frames mean, as one synchronous state machine shared by the live stream and the
 * replay of its recordings (so a replay is exactly what the stream emitted): books per symbol
 * from `orderBookL2[_25]` (a partial → `book-snapshot`, insert/update/delete → `book-delta`,
 * a desync → the book waits for a fresh partial and the topic is handed back for a resubscribe),
 * trades, quotes, closed trade bins as candles, and funding from the `instrument` table: the
 * rate BitMEX shows is the one charged at `fundingTimestamp`, so when that timestamp moves on,
 * a `funding` event is emitted for the instant that passed, with the rate and mark price then.
 * The partial of `trade` holds trades from before the subscription and is not emitted.
 *
 * @module
 */

import {
  type Candle,
  type Interval,
  intervalMicros,
  type JsonValue,
  type Micros,
  type SymbolId,
} from "../../lib/domain/mod.ts";
import { badFrameEvent, connectivityEvent, type Event } from "../../lib/events/mod.ts";
import { BitmexBook } from "./book.ts";
import { type BitmexMessage, type BookRow, parseBitmex, VENUE } from "./parse.ts";

/** The candle interval of each trade-bin table. */
export const BIN_INTERVALS: Readonly<Record<string, Interval>> = {
  tradeBin1m: "1m",
  tradeBin5m: "5m",
  tradeBin1h: "1h",
  tradeBin1d: "1d",
};

interface BookTopic {
  readonly topic: string;
  readonly symbol: SymbolId;
  readonly book: BitmexBook;
  stale: boolean;
}

interface FundingState {
  rate?: number;
  time?: Micros;
  mark?: number;
}

/** What the feed needs the stream to do about a frame. */
export type FeedAction =
  | { readonly kind: "none" }
  | { readonly kind: "resubscribe"; readonly topic: string }
  | {
    readonly kind: "ack";
    readonly topic: string;
    readonly success: boolean;
    readonly error: string;
  }
  | { readonly kind: "pong" };

/** Counters of a feed. */
export interface BitmexFeedStats {
  /** Frames handled. */
  frames: number;
  /** Book partials applied. */
  snapshots: number;
  /** Book inserts/updates/deletes applied. */
  deltas: number;
  /** Desyncs (each waits for a new partial). */
  gaps: number;
  /** Book rows dropped before their table's partial. */
  waiting: number;
  /** Funding instants passed. */
  fundings: number;
  /** Frames that did not parse. */
  badFrames: number;
}

const NONE: FeedAction = { kind: "none" };

/** The BitMEX public feed state. */
export class BitmexFeed {
  readonly #books = new Map<SymbolId, BookTopic>();
  readonly #funding = new Map<SymbolId, FundingState>();
  readonly #stats: BitmexFeedStats = {
    frames: 0,
    snapshots: 0,
    deltas: 0,
    gaps: 0,
    waiting: 0,
    fundings: 0,
    badFrames: 0,
  };

  /** Counters. */
  stats(): Readonly<Record<string, JsonValue>> {
    return { ...this.#stats };
  }

  /** Handles one frame received at `tsRecv`; appends its events to `out`. */
  frame(text: string, tsRecv: Micros, out: Event[]): FeedAction {
    this.#stats.frames++;
    let message: BitmexMessage;
    try {
      message = parseBitmex(text);
    } catch (error) {
      this.#stats.badFrames++;
      out.push(badFrameEvent(tsRecv, "bitmex-bad-message", error));
      return NONE;
    }
    switch (message.type) {
      case "book":
        return this.#book(
          message.table,
          message.action,
          message.filterSymbol,
          message.rows,
          tsRecv,
          out,
        );
      case "trades":
        if (message.action === "partial") return NONE;
        for (const row of message.rows) {
          out.push({
            kind: "trade",
            ts: row.ts,
            tsRecv,
            trade: {
              symbol: row.symbol,
              price: row.price,
              quantity: row.size,
              side: row.side,
              ...(row.tradeId === undefined ? {} : { tradeId: row.tradeId }),
            },
          });
        }
        return NONE;
      case "quotes":
        for (const row of message.rows) {
          out.push({
            kind: "quote",
            ts: row.ts,
            tsRecv,
            quote: {
              symbol: row.symbol,
              bidPrice: row.bidPrice,
              bidSize: row.bidSize,
              askPrice: row.askPrice,
              askSize: row.askSize,
            },
          });
        }
        return NONE;
      case "instrument":
        for (const row of message.rows) {
          const state = this.#funding.get(row.symbol) ?? {};
          this.#funding.set(row.symbol, state);
          if (row.markPrice !== undefined) state.mark = row.markPrice;
          const next = row.fundingTime;
          if (
            next !== undefined && state.time !== undefined && next > state.time &&
            state.rate !== undefined
          ) {
            this.#stats.fundings++;
            out.push({
              kind: "funding",
              ts: state.time,
              tsRecv,
              funding: {
                symbol: row.symbol,
                rate: state.rate,
                ...(state.mark === undefined ? {} : { markPrice: state.mark }),
              },
            });
          }
          if (next !== undefined) state.time = next;
          if (row.fundingRate !== undefined) state.rate = row.fundingRate;
        }
        return NONE;
      case "bins": {
        const interval = BIN_INTERVALS[message.table];
        if (interval === undefined || message.action !== "insert") return NONE;
        for (const row of message.rows) {
          const candle: Candle = {
            symbol: row.symbol,
            interval,
            openTime: row.end - intervalMicros(interval),
            open: row.open,
            high: row.high,
            low: row.low,
            close: row.close,
            volume: row.volume,
          };
          out.push({ kind: "candle", ts: row.end, tsRecv, candle });
        }
        return NONE;
      }
      case "subscribed":
        return {
          kind: "ack",
          topic: message.topic,
          success: message.success,
          error: message.error,
        };
      case "error":
        return {
          kind: "ack",
          topic: message.topics[0] ?? "",
          success: false,
          error: message.error,
        };
      case "pong":
        return { kind: "pong" };
      case "welcome":
      case "other":
        return NONE;
      default: {
        const never: never = message;
        throw new TypeError(`unknown BitMEX message ${JSON.stringify(never)}`);
      }
    }
  }

  /** The connection was lost: every book waits for a new partial. */
  lost(tsRecv: Micros, out: Event[], reason: string): void {
    for (const topic of this.#books.values()) {
      topic.book.reset();
      topic.stale = true;
    }
    out.push(connectivity(tsRecv, "down", reason));
  }

  #book(
    table: string,
    action: "partial" | "insert" | "update" | "delete",
    filterSymbol: SymbolId | undefined,
    rows: readonly BookRow[],
    tsRecv: Micros,
    out: Event[],
  ): FeedAction {
    // One message may hold rows of several symbols; an empty partial names its symbol in `filter`.
    const bySymbol = new Map<SymbolId, BookRow[]>();
    if (filterSymbol !== undefined) bySymbol.set(filterSymbol, []);
    for (const row of rows) {
      const list = bySymbol.get(row.symbol);
      if (list === undefined) bySymbol.set(row.symbol, [row]);
      else list.push(row);
    }
    let resync: FeedAction = NONE;
    for (const [symbol, symbolRows] of bySymbol) {
      let topic = this.#books.get(symbol);
      if (topic === undefined) {
        topic = {
          topic: `${table}:${symbol.slice(VENUE.length + 1)}`,
          symbol,
          book: new BitmexBook(),
          stale: true,
        };
        this.#books.set(symbol, topic);
      }
      const ts = rowTime(symbolRows, tsRecv);
      const result = topic.book.apply(action, symbolRows);
      switch (result.kind) {
        case "waiting":
          this.#stats.waiting += symbolRows.length;
          break;
        case "gap":
          this.#stats.gaps++;
          if (!topic.stale) {
            topic.stale = true;
            out.push(
              connectivity(
                tsRecv,
                "stale",
                `${topic.topic}: ${result.reason}; resynchronising`,
                symbol,
              ),
            );
          }
          resync = { kind: "resubscribe", topic: topic.topic };
          break;
        case "snapshot":
          this.#stats.snapshots++;
          if (topic.stale) {
            topic.stale = false;
            out.push(connectivity(tsRecv, "up", "book synchronised", symbol));
          }
          out.push({
            kind: "book-snapshot",
            ts,
            tsRecv,
            book: { symbol, bids: topic.book.bids(), asks: topic.book.asks() },
          });
          break;
        case "delta":
          this.#stats.deltas++;
          out.push({
            kind: "book-delta",
            ts,
            tsRecv,
            delta: { symbol, bids: result.bids, asks: result.asks },
          });
          break;
        default: {
          const never: never = result;
          throw new TypeError(`unknown book result ${JSON.stringify(never)}`);
        }
      }
    }
    return resync;
  }
}

// The latest row time of a book message, or its receive time (older captures stamp no rows).
function rowTime(rows: readonly BookRow[], tsRecv: Micros): Micros {
  let ts: Micros | undefined;
  for (const row of rows) {
    if (row.ts !== undefined && (ts === undefined || row.ts > ts)) ts = row.ts;
  }
  return ts ?? tsRecv;
}

function connectivity(
  at: Micros,
  state: "up" | "down" | "stale",
  reason: string,
  symbol?: SymbolId,
): Event {
  return connectivityEvent(at, "market", VENUE, state, reason, symbol);
}
