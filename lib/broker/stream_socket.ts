/**
 * What a connector's streams need of a WebSocket and of timers, so tests can run them on
 * 127.0.0.1 with virtual or shortened time; the defaults are the native ones. It lives here,
 * not in a connector, because every connector needs the same seam and connectors may not import
 * each other.
 *
 * @module
 */

/** The part of the native WebSocket the streams use. */
export interface StreamSocket {
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Called once open. */
  onopen: ((event: Event) => void) | null;
  /** Called per message. */
  onmessage: ((event: MessageEvent) => void) | null;
  /** Called once closed (Deno reports an abnormal close as code 0). */
  onclose: ((event: CloseEvent) => void) | null;
  /** Called on an error (a close follows). */
  onerror: ((event: Event) => void) | null;
}

/**
 * Lets go of a connection a stream gave up on: its handlers are detached (nothing it raises
 * after this reaches the stream) and it is closed with code 4000 and `reason` cut to 100
 * characters (a close reason over 123 bytes makes `close` throw). One already closing is left
 * to finish.
 */
export function dropSocket(socket: StreamSocket, reason: string): void {
  socket.onclose = null;
  socket.onmessage = null;
  socket.onopen = null;
  try {
    socket.close(4000, reason.slice(0, 100));
  } catch {
    // Already closing.
  }
}

/** Opens a socket to `url`. */
export type SocketFactory = (url: string) => StreamSocket;

/** A timer handle. */
export type TimerHandle = ReturnType<typeof setTimeout>;

/** Timers and clock the streams run on. */
export interface StreamTimers {
  /** Calls `fn` after `ms`. */
  readonly setTimeout: (fn: () => void, ms: number) => TimerHandle;
  /** Cancels a handle. */
  readonly clearTimeout: (handle: TimerHandle) => void;
  /** Wall clock, ms since the epoch. */
  readonly now: () => number;
  /** Uniform in [0, 1), for jitter. */
  readonly random: () => number;
}

/** The native WebSocket. */
export const nativeSocket: SocketFactory = (url: string): StreamSocket => new WebSocket(url);

/** The real timers and clock. */
export const realTimers: StreamTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** Reconnect pacing: `initialMs` × `factor`^attempt up to `maxMs`, jittered ±25 %. */
export interface Backoff {
  /** First delay (ms). */
  readonly initialMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /** Ceiling (ms). */
  readonly maxMs: number;
}

/** live.md §3: 2 s × 1.5 up to 30 s. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 2000, factor: 1.5, maxMs: 30_000 };

/** The delay of reconnect attempt `attempt` (0-based). */
export function backoffDelay(backoff: Backoff, attempt: number, random: () => number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
  return Math.round(base * (0.75 + 0.5 * random()));
}
