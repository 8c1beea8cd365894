/**
 * Scripted misbehaviour. A test (or a seeded TOML schedule) injects faults; each waits until
 * it can happen — the next frame of a stream, the next request to a path, or at once for a
 * connection — and every fault that happened is written to the fault log with what it hit,
 * so a test can assert what the client did about it.
 *
 * @module
 */

import type { SimClock } from "./clock.ts";

/** Which WebSocket stream a fault targets; `any` matches every stream. */
export type StreamName = "public" | "private" | "market" | "any";

/** A fault to inject. `count` (default 1) is how many frames or requests it hits. */
export type FaultSpec =
  /** Close the stream's connections with a close frame. */
  | {
    readonly kind: "ws-close";
    readonly stream?: StreamName;
    readonly code?: number;
    readonly reason?: string;
  }
  /** Drop the stream's connections without a close frame (TCP reset). */
  | { readonly kind: "ws-drop"; readonly stream?: StreamName }
  /** Send a frame that is not valid (text with invalid UTF-8). */
  | { readonly kind: "ws-garbage"; readonly stream?: StreamName }
  /** Hold every frame of the stream for `ms`, then release them in order. */
  | { readonly kind: "ws-stall"; readonly stream?: StreamName; readonly ms: number }
  /** Delay the next `count` frames by `ms` each. */
  | {
    readonly kind: "ws-delay";
    readonly stream?: StreamName;
    readonly ms: number;
    readonly count?: number;
  }
  /** Drop the next `count` book deltas (a sequence gap). */
  | { readonly kind: "ws-skip"; readonly stream?: StreamName; readonly count?: number }
  /** Send the next `count` frames twice. */
  | { readonly kind: "ws-duplicate"; readonly stream?: StreamName; readonly count?: number }
  /** Swap the next two frames. */
  | { readonly kind: "ws-reorder"; readonly stream?: StreamName }
  /** Answer the next `count` requests (to `path`, if given) with an HTTP status. */
  | {
    readonly kind: "http-status";
    readonly status: number;
    readonly path?: string;
    readonly count?: number;
    readonly retryAfterSeconds?: number;
  }
  /** Carry out the next request (to `path`) but never answer it. */
  | { readonly kind: "http-timeout"; readonly path?: string; readonly count?: number }
  /** Carry out the next order request but answer Binance's 503 "unknown execution status". */
  | { readonly kind: "unknown-status"; readonly path?: string; readonly count?: number }
  /** Refuse the next request (to `path`) with the venue's error `code`. */
  | {
    readonly kind: "reject";
    readonly code: number;
    readonly message?: string;
    readonly path?: string;
    readonly count?: number;
  }
  /**
   * List the finished order of client id `clientId` as still open, in its last open state, in
   * the next `count` open-order lists (Bybit `/v5/order/realtime` asked without an order id,
   * Binance `/fapi/v1/openOrders`): a listing that lags the order's state. A query by its id
   * answers the truth.
   */
  | { readonly kind: "stale-listing"; readonly clientId: string; readonly count?: number }
  /** Shift the venue's clock by `ms` (timestamps and recv-window checks). */
  | { readonly kind: "clock-skew"; readonly ms: number }
  /** Expire every listenKey now (Binance): pushes listenKeyExpired and closes the streams. */
  | { readonly kind: "listen-key-expire" };

/** Every fault kind. */
export type FaultKind = FaultSpec["kind"];

/** One fault that happened. */
export interface FaultLogEntry {
  /** Venue time, ms. */
  readonly ts: number;
  /** Fault kind. */
  readonly kind: FaultKind;
  /** What it hit: `public#3` (stream and connection), `POST /v5/order/create`, … */
  readonly target: string;
  /** Details, e.g. the dropped frame's text or the status sent. */
  readonly detail: string;
}

interface Pending {
  readonly spec: FaultSpec;
  left: number;
}

/** The fault kinds that act on a connection at once rather than on a frame. */
const CONNECTION_KINDS: ReadonlySet<FaultKind> = new Set([
  "ws-close",
  "ws-drop",
  "ws-garbage",
  "ws-stall",
]);
/** The fault kinds that act on one outgoing frame. */
const FRAME_KINDS: ReadonlySet<FaultKind> = new Set([
  "ws-delay",
  "ws-skip",
  "ws-duplicate",
  "ws-reorder",
]);
/** The fault kinds that act on one HTTP request. */
const HTTP_KINDS: ReadonlySet<FaultKind> = new Set([
  "http-status",
  "http-timeout",
  "unknown-status",
  "reject",
]);

/** The fault control of one simulator. */
export class FaultController {
  readonly #clock: SimClock;
  readonly #pending: Pending[] = [];
  readonly #log: FaultLogEntry[] = [];
  readonly #listeners: ((spec: FaultSpec) => void)[] = [];

  /** Makes the controller; `clock` stamps the log. */
  constructor(clock: SimClock) {
    this.#clock = clock;
  }

  /** Schedules a fault; connection and venue faults act at once on what is connected. */
  inject(spec: FaultSpec): void {
    validateFault(spec);
    this.#pending.push({
      spec,
      left: "count" in spec && spec.count !== undefined ? spec.count : 1,
    });
    for (const listener of [...this.#listeners]) listener(spec);
  }

  /** Forgets every fault that has not happened yet. */
  clear(): void {
    this.#pending.length = 0;
  }

  /** Faults injected but not (fully) happened yet. */
  pending(): readonly FaultSpec[] {
    return this.#pending.map((p) => p.spec);
  }

  /** The faults that happened, oldest first. */
  log(): readonly FaultLogEntry[] {
    return [...this.#log];
  }

  /** Records a fault that happened. */
  record(kind: FaultKind, target: string, detail: string): void {
    this.#log.push({ ts: this.#clock.now(), kind, target, detail });
  }

  /** Calls `listener` whenever a fault is injected (the servers apply connection faults). */
  onInject(listener: (spec: FaultSpec) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /** Takes the next connection fault for `stream`, if one is pending. */
  takeConnectionFault(stream: StreamName): FaultSpec | undefined {
    return this.#take((spec) => CONNECTION_KINDS.has(spec.kind) && matchesStream(spec, stream));
  }

  /** Takes the fault for the next frame of `stream` (skips apply to book deltas only). */
  takeFrameFault(stream: StreamName, bookDelta: boolean): FaultSpec | undefined {
    return this.#take((spec) =>
      FRAME_KINDS.has(spec.kind) && matchesStream(spec, stream) &&
      (spec.kind !== "ws-skip" || bookDelta)
    );
  }

  /** Takes the fault for a request to `path` (`order` says whether it places an order). */
  takeHttpFault(path: string, order: boolean): FaultSpec | undefined {
    return this.#take((spec) => {
      if (!HTTP_KINDS.has(spec.kind)) return false;
      const wanted = "path" in spec ? spec.path : undefined;
      if (wanted !== undefined && wanted !== path) return false;
      return spec.kind !== "unknown-status" || order;
    });
  }

  /** Takes one hit of every pending stale listing: the client ids an open-order list shows. */
  takeStaleListings(): readonly string[] {
    const ids: string[] = [];
    const seen = new Set<FaultSpec>();
    for (;;) {
      const spec = this.#take((s) => s.kind === "stale-listing" && !seen.has(s));
      if (spec === undefined || spec.kind !== "stale-listing") return ids;
      seen.add(spec);
      ids.push(spec.clientId);
    }
  }

  /** Takes a pending venue fault of `kind` (clock skew, listenKey expiry). */
  takeVenueFault(kind: "clock-skew" | "listen-key-expire"): FaultSpec | undefined {
    return this.#take((spec) => spec.kind === kind);
  }

  #take(match: (spec: FaultSpec) => boolean): FaultSpec | undefined {
    const at = this.#pending.findIndex((p) => match(p.spec));
    if (at < 0) return undefined;
    const pending = this.#pending[at];
    pending.left -= 1;
    if (pending.left <= 0) this.#pending.splice(at, 1);
    return pending.spec;
  }
}

function matchesStream(spec: FaultSpec, stream: StreamName): boolean {
  const wanted = "stream" in spec ? spec.stream ?? "any" : "any";
  return wanted === "any" || stream === "any" || wanted === stream;
}

/** Every fault kind, for validation at the edge. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "ws-close",
  "ws-drop",
  "ws-garbage",
  "ws-stall",
  "ws-delay",
  "ws-skip",
  "ws-duplicate",
  "ws-reorder",
  "http-status",
  "http-timeout",
  "unknown-status",
  "reject",
  "stale-listing",
  "clock-skew",
  "listen-key-expire",
];

/** Checks the numbers of a fault spec. @throws {RangeError} naming the bad field. */
export function validateFault(spec: FaultSpec): void {
  if (!FAULT_KINDS.includes(spec.kind)) {
    throw new RangeError(
      `Unknown fault kind "${String(spec.kind)}" (known: ${FAULT_KINDS.join(", ")})`,
    );
  }
  if (
    "count" in spec && spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)
  ) {
    throw new RangeError(`Fault ${spec.kind}: count must be a positive integer, got ${spec.count}`);
  }
  if ((spec.kind === "ws-stall" || spec.kind === "ws-delay") && !(spec.ms >= 0)) {
    throw new RangeError(`Fault ${spec.kind}: ms must be ≥ 0, got ${spec.ms}`);
  }
  if (spec.kind === "http-status" && !(spec.status >= 400 && spec.status <= 599)) {
    throw new RangeError(`Fault http-status: status must be 400..599, got ${spec.status}`);
  }
}
