/**
 * The recorder a live stream writes into: every call is synchronous and never waits for the
 * disk. Items go into a bounded in-memory buffer that a background pump drains into a
 * {@linkcode RecordingWriter}; when the buffer is full an item is dropped and counted, and the
 * next item that fits is preceded by a `#drop` marker, so a replay knows where the hole is. A
 * write failure (disk full) stops the recording: later items are dropped and counted, and
 * {@linkcode Recorder.close} reports the failure.
 *
 * Receive times come from a monotonic clock anchored at the wall clock (µs), so they never run
 * backwards within a recording, even when the system clock is stepped.
 *
 * @module
 */

import type { Micros } from "../../lib/domain/mod.ts";
import { type RecordedItem, SESSION_END_TIMER } from "../../lib/backtest/tick/mod.ts";
import { formatItem } from "./format.ts";

/** Where the recorder's pump writes (a {@linkcode RecordingWriter}, or a test double). */
export interface RecordingSink {
  /** Writes `count` lines received at `times[i]`. */
  write(times: readonly Micros[], lines: readonly string[], count: number): Promise<void>;
  /** Finishes; returns the files written. */
  close(): Promise<readonly string[]>;
}

/** Options of {@linkcode Recorder}. */
export interface RecorderOptions {
  /** Where lines go. */
  readonly sink: RecordingSink;
  /** Bytes of lines held in memory at most before items are dropped (default 64 MiB). */
  readonly capacityBytes?: number;
  /** The receive-time clock, µs since the epoch (default: monotonic, anchored at the wall clock). */
  readonly clock?: () => Micros;
}

/** What a recorder has done so far. */
export interface RecorderStats {
  /** Frames accepted. */
  readonly frames: number;
  /** REST responses accepted. */
  readonly rest: number;
  /** Markers accepted (open, close, timer, drop). */
  readonly markers: number;
  /** Bytes of lines accepted. */
  readonly bytes: number;
  /** Items dropped (buffer full, or after a write failure). */
  readonly dropped: number;
  /** Bytes held now. */
  readonly pendingBytes: number;
  /** The most bytes held at once. */
  readonly peakPendingBytes: number;
}

/** The default receive-time clock: monotonic µs, anchored at the wall clock at start-up. */
export function monotonicMicros(): Micros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/** The non-blocking front of a recording. */
export class Recorder {
  readonly #sink: RecordingSink;
  readonly #capacity: number;
  readonly #clock: () => Micros;
  #times: Micros[] = [];
  #lines: string[] = [];
  #pendingBytes = 0;
  #peak = 0;
  #pump: Promise<void> | undefined;
  #error: unknown;
  #closed = false;
  #ended: Micros | undefined;
  #droppedSinceMarker = 0;
  #firstDropAt = 0;
  #last = -Infinity;
  #frames = 0;
  #rest = 0;
  #markers = 0;
  #bytes = 0;
  #dropped = 0;
  #dispatchingMs: number | undefined;

  /** Makes a recorder over `options.sink`. */
  constructor(options: RecorderOptions) {
    this.#sink = options.sink;
    this.#capacity = options.capacityBytes ?? 64 * 1024 * 1024;
    this.#clock = options.clock ?? monotonicMicros;
    if (!(this.#capacity > 0)) {
      throw new RangeError(`capacityBytes must be positive, got ${this.#capacity}`);
    }
  }

  /** The current receive time (µs), never before the last recorded one. */
  now(): Micros {
    const t = this.#clock();
    return t < this.#last ? this.#last : t;
  }

  /**
   * While a tapped socket hands a recorded frame to its stream: that frame's receive time in
   * ms, so the stream's clock reads exactly the recorded time (a replay then stamps the events
   * as the live stream did). Undefined otherwise.
   */
  get dispatchingMs(): number | undefined {
    return this.#dispatchingMs;
  }

  /** Runs `fn` with the clock of tapped timers pinned at `us` (see `dispatchingMs`). */
  dispatch(us: Micros, fn: () => void): void {
    const before = this.#dispatchingMs;
    this.#dispatchingMs = us / 1000;
    try {
      fn();
    } finally {
      this.#dispatchingMs = before;
    }
  }

  /** Records a received frame; returns its receive time (µs). */
  frame(text: string, at: Micros = this.now()): Micros {
    if (this.#offer({ kind: "frame", tsRecv: at, text })) this.#frames++;
    return at;
  }

  /** Records a REST response (`target` is `METHOD /path?query`). */
  rest(target: string, body: string, at: Micros = this.now()): Micros {
    if (this.#offer({ kind: "rest", tsRecv: at, target, body })) this.#rest++;
    return at;
  }

  /** Records a connection opening or closing; returns its time (µs). */
  connection(kind: "open" | "close", url: string, at: Micros = this.now()): Micros {
    if (this.#offer({ kind, tsRecv: at, url })) this.#markers++;
    return at;
  }

  /** Records that a live-session timer fired. */
  timer(name: string, at: Micros = this.now()): void {
    if (this.#offer({ kind: "timer", tsRecv: at, name })) this.#markers++;
  }

  /**
   * Ends the recording of a live session: writes the `#timer @live/end` line at the current
   * receive time and records nothing after it (later frames are stamped after it, so the line
   * divides what the session handled from what it did not). Returns that time; a second call
   * returns the first one's.
   */
  endSession(): Micros {
    if (this.#ended !== undefined) return this.#ended;
    const at = this.now();
    this.timer(SESSION_END_TIMER, at);
    this.#ended = at;
    // A frame received in the same microsecond is after the end: it must not share its time.
    this.#last = at + 1;
    return at;
  }

  /** Counters so far. */
  get stats(): RecorderStats {
    return {
      frames: this.#frames,
      rest: this.#rest,
      markers: this.#markers,
      bytes: this.#bytes,
      dropped: this.#dropped,
      pendingBytes: this.#pendingBytes,
      peakPendingBytes: this.#peak,
    };
  }

  /**
   * Writes what is buffered and closes the sink; returns the files written.
   *
   * @throws the write failure that stopped the recording, if one did.
   */
  async close(): Promise<readonly string[]> {
    this.#closed = true;
    while (this.#pump !== undefined) await this.#pump;
    const files = await this.#sink.close();
    if (this.#error !== undefined) throw this.#error;
    return files;
  }

  #offer(item: RecordedItem): boolean {
    // A frame or close event can still arrive while a stream shuts down: it is not recorded.
    if (this.#closed || this.#ended !== undefined) return false;
    if (item.tsRecv > this.#last) this.#last = item.tsRecv;
    if (this.#error !== undefined) {
      this.#dropped++;
      return false;
    }
    const line = formatItem(item);
    // UTF-16 length: close enough to bytes for a bound on memory.
    const size = line.length + 1;
    const marker = this.#droppedSinceMarker > 0 ? 32 : 0;
    if (this.#pendingBytes + size + marker > this.#capacity) {
      if (this.#droppedSinceMarker === 0) this.#firstDropAt = item.tsRecv;
      this.#droppedSinceMarker++;
      this.#dropped++;
      return false;
    }
    if (this.#droppedSinceMarker > 0) {
      this.#push(
        this.#firstDropAt,
        formatItem({ kind: "drop", tsRecv: this.#firstDropAt, frames: this.#droppedSinceMarker }),
      );
      this.#markers++;
      this.#droppedSinceMarker = 0;
    }
    this.#push(item.tsRecv, line);
    this.#bytes += size;
    return true;
  }

  #push(at: Micros, line: string): void {
    this.#times.push(at);
    this.#lines.push(line);
    this.#pendingBytes += line.length + 1;
    if (this.#pendingBytes > this.#peak) this.#peak = this.#pendingBytes;
    if (this.#pump === undefined) this.#pump = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#lines.length > 0) {
        const times = this.#times;
        const lines = this.#lines;
        this.#times = [];
        this.#lines = [];
        let bytes = 0;
        for (let i = 0; i < lines.length; i++) bytes += lines[i].length + 1;
        try {
          await this.#sink.write(times, lines, lines.length);
        } catch (error) {
          this.#error = error;
          this.#dropped += lines.length + this.#lines.length;
          this.#times = [];
          this.#lines = [];
          this.#pendingBytes = 0;
          return;
        }
        this.#pendingBytes -= bytes;
      }
    } finally {
      this.#pump = undefined;
    }
  }
}
