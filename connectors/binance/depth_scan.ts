/**
 * The fast path of `depthUpdate` parsing: a scanner over the message's bytes that reads the
 * documented flat shape (`{"stream":…,"data":{"e":"depthUpdate",…,"b":[["p","q"],…],"a":[…]}}`
 * or the raw event) without building the JSON tree and writes the levels into buffers it keeps
 * from one message to the next, so a message costs no allocation per level. Anything it does
 * not expect (whitespace, escapes, exponents, a nested field, a non-ASCII character, more than
 * 15 digits) makes it answer `undefined`, and the caller falls back to `JSON.parse`: a fast
 * path, never a second dialect.
 *
 * Numbers are read as an integer mantissa over 10^scale: both are exact doubles for up to 15
 * digits, so the one correctly rounded division gives the double `Number(text)` gives.
 *
 * @module
 */

import type { DepthUpdate } from "./depth_update.ts";

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

const QUOTE = 34; // "
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const BACKSLASH = 92;
const PREFIX_STREAM = '{"stream":"';
const DATA_KEY = ',"data":';
const DEPTH_UPDATE = '"depthUpdate"';

// Results of the helpers below (a position is their return value): one scanner runs at a time.
let scannedNumber = 0;
let scannedCount = 0;

/**
 * Reads `[["p","q"],…]` from `start` into `out` (flat pairs, from index 0); returns the index
 * after the closing `]` (the pair count × 2 in `scannedCount`), or -1 when the bytes are not
 * that shape. `out` holds at least one number per 4 bytes of the message, the most it can need.
 * One tight loop over locals: this is the hot path (two numbers per level, about 68 levels in
 * a real `@0ms` BTCUSDT update).
 */
function scanLevels(bytes: Uint8Array, start: number, out: Float64Array): number {
  let pos = start;
  let n = 0;
  if (bytes[pos++] !== LBRACKET) return -1;
  if (bytes[pos] === RBRACKET) {
    scannedCount = 0;
    return pos + 1;
  }
  for (;;) {
    if (bytes[pos++] !== LBRACKET) return -1;
    for (let field = 0; field < 2; field++) {
      if (bytes[pos++] !== QUOTE) return -1;
      const first = pos;
      let mantissa = 0;
      let c = bytes[pos];
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        c = bytes[++pos];
      }
      let digits = pos - first;
      let scale = 0;
      if (c === DOT) {
        const fraction = ++pos;
        c = bytes[pos];
        while (c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          c = bytes[++pos];
        }
        scale = pos - fraction;
        digits += scale;
      }
      if (c !== QUOTE || digits === 0 || digits > 15) return -1;
      pos++;
      out[n++] = scale > 0 ? mantissa / POW10[scale] : mantissa;
      if (field === 0 && bytes[pos++] !== COMMA) return -1;
    }
    if (bytes[pos++] !== RBRACKET) return -1;
    const c = bytes[pos++];
    if (c === RBRACKET) {
      scannedCount = n;
      return pos;
    }
    if (c !== COMMA) return -1;
  }
}

/** A plain non-negative decimal or integer, optionally quoted, into `scannedNumber`; -1 if not. */
function scanNumber(bytes: Uint8Array, start: number): number {
  let pos = start;
  const quoted = bytes[pos] === QUOTE;
  if (quoted) pos++;
  const first = pos;
  let mantissa = 0;
  let scale = -1;
  for (;;) {
    const c = bytes[pos];
    if (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      if (scale >= 0) scale++;
    } else if (c === DOT && scale < 0) scale = 0;
    else break;
    pos++;
  }
  const digits = pos - first - (scale >= 0 ? 1 : 0);
  if (digits <= 0 || digits > 15) return -1;
  if (quoted && bytes[pos++] !== QUOTE) return -1;
  scannedNumber = scale > 0 ? mantissa / POW10[scale] : mantissa;
  return pos;
}

/** The index after the closing quote of the string starting at `start` (no escapes); -1 if not. */
function skipString(bytes: Uint8Array, start: number, end: number): number {
  if (bytes[start] !== QUOTE) return -1;
  for (let pos = start + 1; pos < end; pos++) {
    const c = bytes[pos];
    if (c === QUOTE) return pos + 1;
    if (c === BACKSLASH) return -1;
  }
  return -1;
}

/** A scalar the book does not need (`ps`, `st` …): its end, or -1 at a nested value. */
function skipScalar(bytes: Uint8Array, start: number, end: number): number {
  if (bytes[start] === QUOTE) return skipString(bytes, start, end);
  for (let pos = start; pos < end; pos++) {
    const c = bytes[pos];
    if (c === COMMA || c === RBRACE) return pos;
    if (c === LBRACE || c === LBRACKET || c === QUOTE) return -1;
  }
  return -1;
}

const encoder = new TextEncoder();

/**
 * The reusable fast `depthUpdate` scanner. {@linkcode DepthScanner.scan} returns an update whose
 * `bids` and `asks` are views of the scanner's own buffers, valid until its next `scan`: copy
 * them to keep them (the depth synchroniser copies what it buffers).
 *
 * @example
 * ```ts
 * import { DepthScanner } from "./depth_scan.ts";
 * const scanner = new DepthScanner();
 * const update = scanner.scan(
 *   '{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":9,"pu":4,"b":[["100.5","1"]],"a":[]}',
 * );
 * update?.bids[0]; // 100.5
 * ```
 */
export class DepthScanner {
  #bytes = new Uint8Array(4096);
  #bids = new Float64Array(1024);
  #asks = new Float64Array(1024);
  // The last symbol code read, reused while the next message carries the same one.
  #code = "";

  /** The update in `text`, or undefined when the text is not the shape this scanner knows. */
  scan(text: string): DepthUpdate | undefined {
    const length = text.length;
    // One byte more than the text for a 0 after it: every loop stops there, never in the stale
    // bytes of a longer earlier message.
    if (this.#bytes.length <= length) this.#bytes = new Uint8Array(capacity(length + 1));
    // Every level takes at least 4 bytes per number (`"1",` or `"1"]`).
    const most = (length >> 2) + 2;
    if (this.#bids.length < most) {
      this.#bids = new Float64Array(capacity(most));
      this.#asks = new Float64Array(capacity(most));
    }
    const bytes = this.#bytes;
    const { read, written } = encoder.encodeInto(text, bytes);
    // Only pure ASCII keeps byte and character positions equal (the symbol is sliced from text).
    if (read !== length || written !== length) return undefined;
    bytes[length] = 0;
    let pos = 0;
    let enveloped = false;
    if (text.startsWith(PREFIX_STREAM)) {
      pos = skipString(bytes, PREFIX_STREAM.length - 1, length);
      if (pos < 0 || !text.startsWith(DATA_KEY, pos)) return undefined;
      pos += DATA_KEY.length;
      enveloped = true;
    }
    if (bytes[pos++] !== LBRACE) return undefined;
    let kind = false;
    let code = "";
    let eventTime = NaN;
    let transactionTime = NaN;
    let firstId = NaN;
    let lastId = NaN;
    let prevId = NaN;
    let bidCount = 0;
    let askCount = 0;
    for (;;) {
      // A key: one or two ASCII letters for every field the book reads.
      if (bytes[pos] !== QUOTE) return undefined;
      const k0 = bytes[pos + 1];
      const k1 = bytes[pos + 2];
      let field = 0;
      if (k1 === QUOTE && bytes[pos + 3] === COLON) {
        field = k0;
        pos += 4;
      } else if (k0 === 112 && k1 === 117 && bytes[pos + 3] === QUOTE && bytes[pos + 4] === COLON) {
        field = 1; // "pu"
        pos += 5;
      } else {
        pos = skipString(bytes, pos, length);
        if (pos < 0 || bytes[pos++] !== COLON) return undefined;
      }
      switch (field) {
        case 101: // "e"
          if (!text.startsWith(DEPTH_UPDATE, pos)) return undefined;
          kind = true;
          pos += DEPTH_UPDATE.length;
          break;
        case 115: { // "s"
          const end = skipString(bytes, pos, length);
          if (end < 0) return undefined;
          const size = end - pos - 2;
          code = this.#code.length === size && text.startsWith(this.#code, pos + 1)
            ? this.#code
            : (this.#code = text.slice(pos + 1, end - 1));
          pos = end;
          break;
        }
        case 69: // "E"
          pos = scanNumber(bytes, pos);
          eventTime = scannedNumber;
          break;
        case 84: // "T"
          pos = scanNumber(bytes, pos);
          transactionTime = scannedNumber;
          break;
        case 85: // "U"
          pos = scanNumber(bytes, pos);
          firstId = scannedNumber;
          break;
        case 117: // "u"
          pos = scanNumber(bytes, pos);
          lastId = scannedNumber;
          break;
        case 1: // "pu"
          pos = scanNumber(bytes, pos);
          prevId = scannedNumber;
          break;
        case 98: // "b"
          pos = scanLevels(bytes, pos, this.#bids);
          bidCount = scannedCount;
          break;
        case 97: // "a"
          pos = scanLevels(bytes, pos, this.#asks);
          askCount = scannedCount;
          break;
        default:
          pos = skipScalar(bytes, pos, length);
      }
      if (pos < 0) return undefined;
      const c = bytes[pos++];
      if (c === RBRACE) break;
      if (c !== COMMA) return undefined;
    }
    if (enveloped && bytes[pos++] !== RBRACE) return undefined;
    if (
      pos !== length || !kind || code === "" || eventTime !== eventTime ||
      firstId !== firstId || lastId !== lastId || prevId !== prevId
    ) return undefined;
    return {
      code,
      eventTime,
      transactionTime: transactionTime === transactionTime ? transactionTime : eventTime,
      firstId,
      lastId,
      prevId,
      bids: this.#bids.subarray(0, bidCount),
      asks: this.#asks.subarray(0, askCount),
    };
  }
}

function capacity(at: number): number {
  let size = 1024;
  while (size < at) size *= 2;
  return size;
}
