/**
 * The `depthUpdate` message of `<symbol>@depth[@100ms|@0ms]` and the REST depth snapshot, read
 * into flat `[price, size, price, size, …]` levels. `depthUpdate` is the hottest message of the
 * connector (hundreds per second per symbol on `@0ms`): {@linkcode DepthUpdateReader} reads it
 * with the byte scanner of depth_scan.ts into buffers it reuses, and falls back to `JSON.parse`
 * for any shape the scanner does not know, so the fast path is never a second dialect.
 *
 * @module
 */

import { DataError } from "../../lib/domain/mod.ts";
import { arr, num, obj, parseJson, str, type Wire } from "./_wire.ts";
import { DepthScanner } from "./depth_scan.ts";

/** One `depthUpdate` (exchanges.md §2.4); sizes are absolute, 0 removes the level. */
export interface DepthUpdate {
  /** Exchange code, e.g. `BTCUSDT`. */
  readonly code: string;
  /** Event time `E` (ms). */
  readonly eventTime: number;
  /** Transaction time `T` (ms); `E` when the message has none. */
  readonly transactionTime: number;
  /** First update id `U`. */
  readonly firstId: number;
  /** Final update id `u`. */
  readonly lastId: number;
  /** The previous event's final update id `pu`: the only link between events. */
  readonly prevId: number;
  /** Bid changes as flat pairs `[p0, q0, p1, q1, …]`. */
  readonly bids: ArrayLike<number>;
  /** Ask changes as flat pairs. */
  readonly asks: ArrayLike<number>;
}

/** A REST `GET /fapi/v1/depth` answer. */
export interface DepthSnapshot {
  /** The update id the image is current to. */
  readonly lastUpdateId: number;
  /** Event time `E` (ms), 0 when absent. */
  readonly eventTime: number;
  /** Bids as flat pairs, best first. */
  readonly bids: readonly number[];
  /** Asks as flat pairs, best first. */
  readonly asks: readonly number[];
}

/**
 * Reads `depthUpdate` texts one after the other without allocating per level: the update it
 * returns shares the reader's buffers and is valid until the next {@linkcode
 * DepthUpdateReader.read} (keep one with {@linkcode copyDepthUpdate}). The live stream and its
 * replays read every depth frame through one.
 */
export class DepthUpdateReader {
  readonly #scanner = new DepthScanner();

  /**
   * Parses one `depthUpdate` text (raw or in a combined-stream envelope).
   *
   * @throws {DataError} when it is not a `depthUpdate` with the documented fields.
   */
  read(text: string): DepthUpdate {
    return this.#scanner.scan(text) ?? depthUpdateFromJson(text);
  }
}

const shared = new DepthUpdateReader();

/**
 * Parses one `depthUpdate` text (raw or in a combined-stream envelope) into an update of its
 * own (see {@linkcode DepthUpdateReader} for the allocation-free reader).
 *
 * @throws {DataError} when it is not a `depthUpdate` with the documented fields.
 */
export function parseDepthUpdate(text: string): DepthUpdate {
  return copyDepthUpdate(shared.read(text));
}

/** An update whose levels are arrays of its own (for one read from a reused buffer). */
export function copyDepthUpdate(update: DepthUpdate): DepthUpdate {
  return { ...update, bids: Array.from(update.bids), asks: Array.from(update.asks) };
}

function depthUpdateFromJson(text: string): DepthUpdate {
  const outer = obj(parseJson(text, "depthUpdate"), "message");
  const wire = outer.data === undefined ? outer : obj(outer.data, "data");
  if (wire.e !== "depthUpdate") {
    throw new DataError(
      `Binance message: expected a depthUpdate, got e=${JSON.stringify(wire.e)}`,
    );
  }
  return depthUpdateOf(wire);
}

/** Flat pairs from `[["p","q"],…]`, checked. */
export function flatLevels(value: unknown, what: string): number[] {
  const list = arr(value, what);
  const out: number[] = new Array(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const level = list[i];
    if (!Array.isArray(level) || level.length < 2) {
      throw new DataError(`Binance message: ${what}[${i}] is not a [price, size] pair`);
    }
    const price = Number(level[0]);
    const size = Number(level[1]);
    if (!Number.isFinite(price) || !Number.isFinite(size) || size < 0) {
      throw new DataError(
        `Binance message: ${what}[${i}] is not a [price, size] pair of numbers (${
          JSON.stringify(level)
        })`,
      );
    }
    out[2 * i] = price;
    out[2 * i + 1] = size;
  }
  return out;
}

/** A `depthUpdate` from its parsed object (the `data` of a combined frame, or the raw one). */
export function depthUpdateOf(wire: Wire): DepthUpdate {
  const eventTime = num(wire, "E", "depthUpdate");
  return {
    code: str(wire, "s", "depthUpdate"),
    eventTime,
    transactionTime: wire.T === undefined ? eventTime : num(wire, "T", "depthUpdate"),
    firstId: num(wire, "U", "depthUpdate"),
    lastId: num(wire, "u", "depthUpdate"),
    prevId: num(wire, "pu", "depthUpdate"),
    bids: flatLevels(wire.b, "depthUpdate.b"),
    asks: flatLevels(wire.a, "depthUpdate.a"),
  };
}

/**
 * Parses a REST depth answer `{lastUpdateId, E, T, bids, asks}`.
 *
 * @throws {DataError} when a documented field is missing or malformed.
 */
export function parseDepthSnapshot(text: string): DepthSnapshot {
  return depthSnapshotOf(obj(parseJson(text, "depth snapshot"), "depth snapshot"));
}

/** A depth snapshot from its parsed object. */
export function depthSnapshotOf(wire: Wire): DepthSnapshot {
  return {
    lastUpdateId: num(wire, "lastUpdateId", "depth"),
    eventTime: typeof wire.E === "number" ? wire.E : 0,
    bids: flatLevels(wire.bids, "depth.bids"),
    asks: flatLevels(wire.asks, "depth.asks"),
  };
}
