/**
 * The `depthUpdate` message of `<symbol>@depth[@100ms|@0ms]` and the REST depth snapshot, read
 * into flat `[price, size, price, size, …]` number arrays. `depthUpdate` is the hottest message
 * of the connector (hundreds per second per symbol on `@0ms`), so it has a hand-written scanner
 * that reads the documented flat shape without building the JSON tree; anything it does not
 * expect (a new nested field, escapes, exponents) falls back to `JSON.parse`, so it is a fast
 * path, never a second dialect.
 *
 * @module
 */

import { DataError } from "../../lib/domain/mod.ts";
import { arr, num, obj, parseJson, str, type Wire } from "./_wire.ts";

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
  readonly bids: readonly number[];
  /** Ask changes as flat pairs. */
  readonly asks: readonly number[];
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

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

const QUOTE = 34; // "
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const BACKSLASH = 92;

/** Thrown inside the scanner when the text leaves the shape it knows; caught by the caller. */
class Unexpected extends Error {}
const UNEXPECTED = new Unexpected("unexpected depthUpdate shape");

/**
 * A hand scanner over one message. Numbers are read as integer mantissa / 10^scale: both are
 * exact doubles for up to 15 digits, so the single correctly rounded division gives the same
 * double as `Number(text)`.
 */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  expect(code: number): void {
    if (this.text.charCodeAt(this.pos) !== code) throw UNEXPECTED;
    this.pos++;
  }

  /** A string without escapes, returned as a slice. */
  string(): string {
    const text = this.text;
    this.expect(QUOTE);
    const start = this.pos;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) break;
      if (c === BACKSLASH || Number.isNaN(c)) throw UNEXPECTED;
      this.pos++;
    }
    const value = text.slice(start, this.pos);
    this.pos++;
    return value;
  }

  /** A plain decimal between `pos` and the first non-digit; no exponent. */
  decimal(): number {
    const text = this.text;
    let negative = false;
    if (text.charCodeAt(this.pos) === MINUS) {
      negative = true;
      this.pos++;
    }
    let mantissa = 0;
    let digits = 0;
    let scale = -1;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        if (scale >= 0) scale++;
      } else if (c === DOT && scale < 0) {
        scale = 0;
      } else break;
      this.pos++;
    }
    if (digits === 0 || digits > 15) throw UNEXPECTED;
    const value = scale > 0 ? mantissa / POW10[scale] : mantissa;
    return negative ? -value : value;
  }

  /** A JSON number or a quoted decimal. */
  number(): number {
    if (this.text.charCodeAt(this.pos) !== QUOTE) return this.decimal();
    this.pos++;
    const value = this.decimal();
    this.expect(QUOTE);
    return value;
  }

  /** `[["p","q"],…]` as a flat array. */
  levels(): number[] {
    const out: number[] = [];
    const end = scanLevels(this.text, this.pos, out);
    if (end < 0) throw UNEXPECTED;
    this.pos = end;
    return out;
  }

  /** Skips a string or number value (fields the book does not need, e.g. `ps`, `st`). */
  skipScalar(): void {
    if (this.text.charCodeAt(this.pos) === QUOTE) {
      this.string();
      return;
    }
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === COMMA || c === RBRACE || Number.isNaN(c)) return;
      if (c === LBRACE || c === LBRACKET) throw UNEXPECTED;
      this.pos++;
    }
  }
}

/**
 * Reads `[["p","q"],…]` from `start` into `out`; returns the index after the closing `]`, or
 * -1 when the text is not that shape. One tight loop with locals: this is the hot path (two
 * numbers per level, about 60 levels in a real `@0ms` update).
 */
function scanLevels(text: string, start: number, out: number[]): number {
  let pos = start;
  if (text.charCodeAt(pos++) !== LBRACKET) return -1;
  if (text.charCodeAt(pos) === RBRACKET) return pos + 1;
  for (;;) {
    if (text.charCodeAt(pos++) !== LBRACKET) return -1;
    for (let field = 0; field < 2; field++) {
      if (text.charCodeAt(pos++) !== QUOTE) return -1;
      let mantissa = 0;
      let digits = 0;
      let scale = -1;
      let c = text.charCodeAt(pos);
      while (true) {
        if (c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          if (scale >= 0) scale++;
        } else if (c === DOT && scale < 0) scale = 0;
        else break;
        c = text.charCodeAt(++pos);
      }
      if (c !== QUOTE || digits === 0 || digits > 15) return -1;
      pos++;
      out.push(scale > 0 ? mantissa / POW10[scale] : mantissa);
      if (field === 0 && text.charCodeAt(pos++) !== COMMA) return -1;
    }
    if (text.charCodeAt(pos++) !== RBRACKET) return -1;
    const c = text.charCodeAt(pos++);
    if (c === RBRACKET) return pos;
    if (c !== COMMA) return -1;
  }
}

interface MutableUpdate {
  code: string;
  eventTime: number;
  transactionTime: number;
  firstId: number;
  lastId: number;
  prevId: number;
  bids: number[];
  asks: number[];
  kind: string;
}

function scanUpdate(s: Scanner): MutableUpdate {
  const update: MutableUpdate = {
    code: "",
    eventTime: NaN,
    transactionTime: NaN,
    firstId: NaN,
    lastId: NaN,
    prevId: NaN,
    bids: [],
    asks: [],
    kind: "",
  };
  s.expect(LBRACE);
  for (;;) {
    const key = s.string();
    s.expect(COLON);
    switch (key) {
      case "e":
        update.kind = s.string();
        break;
      case "s":
        update.code = s.string();
        break;
      case "E":
        update.eventTime = s.number();
        break;
      case "T":
        update.transactionTime = s.number();
        break;
      case "U":
        update.firstId = s.number();
        break;
      case "u":
        update.lastId = s.number();
        break;
      case "pu":
        update.prevId = s.number();
        break;
      case "b":
        update.bids = s.levels();
        break;
      case "a":
        update.asks = s.levels();
        break;
      default:
        s.skipScalar();
    }
    const c = s.text.charCodeAt(s.pos++);
    if (c === RBRACE) return update;
    if (c !== COMMA) throw UNEXPECTED;
  }
}

/** The fast path: `{"e":"depthUpdate",…}` or `{"stream":…,"data":{…}}`; undefined when unsure. */
function scanDepthUpdate(text: string): DepthUpdate | undefined {
  const s = new Scanner(text);
  try {
    if (text.startsWith('{"stream":')) {
      s.pos = 10;
      s.string();
      s.expect(COMMA);
      if (s.string() !== "data") return undefined;
      s.expect(COLON);
      const update = scanUpdate(s);
      s.expect(RBRACE);
      return checked(update);
    }
    return checked(scanUpdate(s));
  } catch (error) {
    if (error instanceof Unexpected) return undefined;
    throw error;
  }
}

function checked(update: MutableUpdate): DepthUpdate | undefined {
  if (
    update.kind !== "depthUpdate" || update.code === "" || Number.isNaN(update.eventTime) ||
    Number.isNaN(update.firstId) || Number.isNaN(update.lastId) || Number.isNaN(update.prevId)
  ) return undefined;
  return {
    code: update.code,
    eventTime: update.eventTime,
    transactionTime: Number.isNaN(update.transactionTime)
      ? update.eventTime
      : update.transactionTime,
    firstId: update.firstId,
    lastId: update.lastId,
    prevId: update.prevId,
    bids: update.bids,
    asks: update.asks,
  };
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
 * Parses one `depthUpdate` text (raw or in a combined-stream envelope).
 *
 * @throws {DataError} when it is not a `depthUpdate` with the documented fields.
 */
export function parseDepthUpdate(text: string): DepthUpdate {
  const fast = scanDepthUpdate(text);
  if (fast !== undefined) return fast;
  const outer = obj(parseJson(text, "depthUpdate"), "message");
  const wire = outer.data === undefined ? outer : obj(outer.data, "data");
  if (wire.e !== "depthUpdate") {
    throw new DataError(
      `Binance message: expected a depthUpdate, got e=${JSON.stringify(wire.e)}`,
    );
  }
  return depthUpdateOf(wire);
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
