/**
 * Taps that make any connector record what it receives without knowing about recording: a
 * socket factory whose sockets write every text frame (and the connection's open and close)
 * into a {@linkcode Recorder} before the stream sees it, stream timers whose clock reads the
 * recorded receive time while that frame is handled (so the live events carry exactly the
 * times a replay gives them), and a `fetch` that records the bodies of chosen REST responses
 * (the depth snapshots a book synchronizer takes). Connectors take these through their usual
 * `socket` / `timers` / `fetch` seams.
 *
 * @module
 */

import { RECORDED_RECEIVE_HEADER } from "../../lib/broker/received_at.ts";
import type { Recorder } from "./recorder.ts";

/** The part of a WebSocket the connectors' streams use (structurally theirs). */
export interface TapSocket {
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Called once open. */
  onopen: ((event: Event) => void) | null;
  /** Called per message. */
  onmessage: ((event: MessageEvent) => void) | null;
  /** Called once closed. */
  onclose: ((event: CloseEvent) => void) | null;
  /** Called on an error. */
  onerror: ((event: Event) => void) | null;
}

/** Opens a socket to `url`. */
export type TapSocketFactory = (url: string) => TapSocket;

/** The timers a connector stream schedules on (structurally theirs). */
export interface TapTimers {
  /** Calls `fn` after `ms`. */
  readonly setTimeout: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  /** Cancels a handle. */
  readonly clearTimeout: (handle: ReturnType<typeof setTimeout>) => void;
  /** Wall clock, ms. */
  readonly now: () => number;
  /** Uniform random in [0, 1). */
  readonly random: () => number;
}

/** A socket that records what it receives, wrapping `inner`. */
class RecordingSocket implements TapSocket {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly #inner: TapSocket;
  readonly #url: string;
  readonly #recorder: Recorder;
  #closeRecorded = false;

  constructor(inner: TapSocket, url: string, recorder: Recorder, onBinary: () => void) {
    this.#inner = inner;
    this.#url = url;
    this.#recorder = recorder;
    // Opens and closes are handled on the recorded clock too: a reconnect's book reset is
    // stamped as the replay of its `#open`/`#close` line stamps it.
    inner.onopen = (event) => {
      const at = recorder.connection("open", url);
      recorder.dispatch(at, () => this.onopen?.(event));
    };
    inner.onmessage = (event) => {
      const data = event.data;
      if (typeof data !== "string") {
        // No venue we record sends binary market data; such a frame is counted, not written.
        onBinary();
        this.onmessage?.(event);
        return;
      }
      const at = recorder.frame(data);
      recorder.dispatch(at, () => this.onmessage?.(event));
    };
    inner.onclose = (event) => {
      const at = this.#recordClose();
      if (at === undefined) this.onclose?.(event);
      else recorder.dispatch(at, () => this.onclose?.(event));
    };
    inner.onerror = (event) => this.onerror?.(event);
  }

  send(data: string): void {
    this.#inner.send(data);
  }

  close(code?: number, reason?: string): void {
    // A close we ask for is recorded now: the stream stops listening to this socket at once.
    this.#recordClose();
    this.#inner.close(code, reason);
  }

  /** Records the close once; returns its time, or undefined when it was recorded before. */
  #recordClose(): number | undefined {
    if (this.#closeRecorded) return undefined;
    this.#closeRecorded = true;
    return this.#recorder.connection("close", this.#url);
  }
}

/** Counts of what a tap saw but did not record. */
export interface TapStats {
  /** Binary frames (not recorded). */
  binaryFrames: number;
}

/**
 * A socket factory whose sockets record into `recorder`; sockets whose URL `record` refuses
 * (a private stream's, say) are opened untouched.
 */
export function tapSocket(
  factory: TapSocketFactory,
  recorder: Recorder,
  stats: TapStats = { binaryFrames: 0 },
  record: (url: string) => boolean = () => true,
): TapSocketFactory {
  return (url) =>
    record(url)
      ? new RecordingSocket(factory(url), url, recorder, () => stats.binaryFrames++)
      : factory(url);
}

/** Timers whose clock reads the recorded receive time while a tapped frame is handled. */
export function tapTimers(timers: TapTimers, recorder: Recorder): TapTimers {
  return {
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    now: () => recorder.dispatchingMs ?? timers.now(),
    random: timers.random,
  };
}

/**
 * A fetch that records the body of every successful response whose request `record` selects
 * (by default every GET), as `#rest GET /path?query <body>`, stamped when the body was read; the
 * response handed on carries that stamp (`RECORDED_RECEIVE_HEADER`).
 */
export function tapFetch(
  inner: typeof fetch,
  recorder: Recorder,
  record: (method: string, url: URL) => boolean = (method) => method === "GET",
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const response = await inner(request);
    if (!response.ok || !record(request.method, url)) return response;
    const body = await response.text();
    const at = recorder.rest(`${request.method} ${url.pathname}${url.search}`, body);
    // The recorded time travels with the body, so what the connector derives from it carries
    // the time a replay gives it (see lib/broker/received_at.ts).
    const headers = new Headers(response.headers);
    headers.set(RECORDED_RECEIVE_HEADER, String(at));
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
