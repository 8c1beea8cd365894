/**
 * Replay of Binance USDⓈ-M recordings for `backtest run --mode tick`:
 * {@linkcode BinanceRecordingDecoder} hands recorded items to the {@linkcode BinanceMarketDecoder}
 * the live {@linkcode BinanceMarketStream} runs on (the same parser, the same `DepthSync` per
 * symbol), so a replay emits what the live stream emitted. Frames go in as frames; a recorded
 * `#rest GET /fapi/v1/depth?symbol=…` answer is that symbol's snapshot; a capture's snapshot line
 * (hftbacktest stores it among the frames, without a symbol) goes to the book waiting for it, or,
 * when it comes before any depth event (the 2023 captures), to the first book that starts
 * waiting; a recorded close of the `/public` socket and its reopening reset the books, as live.
 *
 * Missing snapshot (the documented rule for captures without one, like hftbacktest's 2023
 * `…0405` file): a depth stream never becomes a book without a snapshot. Its events stay
 * buffered and are counted (`depthWithoutSnapshot`); quotes (`bookTicker`) and trades still
 * replay, so the tick venue matches against the one-level book of the quotes. Passing the
 * capture's previous file too (`--lob-data …0404.dat.gz --lob-data …0405.dat.gz`) continues the
 * chain from that file's snapshot: one venue's recordings are decoded as one stream.
 *
 * @module
 */

import type { JsonValue } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import type { RecordedItem, RecordingDecoder } from "../../lib/backtest/tick/mod.ts";
import { parseDepthSnapshot } from "./depth_update.ts";
import { BinanceMarketDecoder } from "./market_decoder.ts";
import { VENUE } from "./symbols.ts";

const DEPTH = "GET /fapi/v1/depth?";
const PUBLIC = /\/public(\/|\?|$)/;

/** Decodes a Binance recording as the live market stream would have. */
export class BinanceRecordingDecoder implements RecordingDecoder {
  /** Always `binance`. */
  readonly venue = VENUE;
  /** The live stream's state machine. */
  readonly market: BinanceMarketDecoder = new BinanceMarketDecoder();
  #opened = false;
  #pending: string | undefined;
  #frames = 0;
  #depthEvents = 0;
  #unmatched = 0;

  /** Appends the events of `item`. */
  decode(item: RecordedItem, out: Event[]): void {
    const ms = item.tsRecv / 1000;
    switch (item.kind) {
      case "frame":
        this.#frame(item.text, ms, out);
        return;
      case "rest": {
        if (!item.target.startsWith(DEPTH)) return;
        const code = new URLSearchParams(item.target.slice(DEPTH.length)).get("symbol");
        if (code === null) {
          this.#unmatched++;
          return;
        }
        this.market.snapshot(code, parseDepthSnapshot(item.body), ms, out);
        return;
      }
      case "close":
        // Only `/public` carries depth: the live stream resets its books when it drops …
        if (PUBLIC.test(item.url)) this.market.reset("connection lost: connection closed", ms, out);
        return;
      case "open":
        // … and again when it is back, since depth events are not replayed.
        if (!PUBLIC.test(item.url)) return;
        if (this.#opened) this.market.reset("reconnected", ms, out);
        this.#opened = true;
        return;
      case "drop":
      case "timer":
        // A drop shows as a `pu` break, which the synchronizer catches.
        return;
      default: {
        const never: never = item;
        throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
      }
    }
  }

  /** The counters; `depthWithoutSnapshot` counts the depth events still waiting for one. */
  stats(): Readonly<Record<string, JsonValue>> {
    const s = this.market.stats;
    let waiting = 0;
    for (const code of this.market.needsSnapshot()) {
      waiting += this.market.book(code)?.buffered ?? 0;
    }
    return {
      frames: this.#frames,
      depthEvents: this.#depthEvents,
      applied: s.deltas,
      // Neither applied nor waiting: below a snapshot's lastUpdateId, or already applied.
      staleEvents: this.#depthEvents - s.deltas - waiting,
      snapshots: s.snapshots,
      gaps: s.resyncs,
      depthWithoutSnapshot: waiting,
      unmatchedSnapshots: this.#unmatched + (this.#pending === undefined ? 0 : 1),
      badFrames: s.badFrames,
    };
  }

  #frame(text: string, ms: number, out: Event[]): void {
    this.#frames++;
    const depth = text.includes('"depthUpdate"');
    if (depth) this.#depthEvents++;
    else if (text.startsWith('{"lastUpdateId"') && this.market.needsSnapshot().length === 0) {
      // A capture's snapshot taken before its first depth event: it waits for that event.
      if (this.#pending !== undefined) this.#unmatched++;
      this.#pending = text;
      return;
    }
    this.market.frame(text, ms, out);
    const pending = this.#pending;
    if (!depth || pending === undefined) return;
    const waiting = this.market.needsSnapshot();
    if (waiting.length !== 1) return;
    this.#pending = undefined;
    this.market.snapshot(waiting[0], parseDepthSnapshot(pending), ms, out);
  }
}

/** The Binance codec of the tick replay. */
export const binanceRecordingCodec: {
  readonly venue: string;
  recognizes(frame: string): boolean;
  decoder(): RecordingDecoder;
} = {
  venue: VENUE,
  recognizes(frame: string): boolean {
    // Combined-stream frames (`{"stream":"btcusdt@…","data":…}`) or raw events (`{"e":…}`).
    return /^\{"stream":"[a-z0-9]+@/.test(frame) || /^\{"e":"[A-Za-z]+"/.test(frame);
  },
  decoder: () => new BinanceRecordingDecoder(),
};
