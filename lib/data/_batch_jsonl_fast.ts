/**
 * The fast path of the JSONL reader: parses one line straight from its bytes into an event, with
 * no intermediate `JSON.parse` object and no string per line. It accepts only what it can parse
 * exactly like `JSON.parse` plus the checks of `parseJsonlEvent` (ASCII, no escapes, the known
 * keys, scalar values of unknown keys); for anything else — including every malformed line — it
 * returns `undefined` and the caller re-parses the line with `parseJsonlEvent`, which gives the
 * same event or the precise error. Numbers are read by `_batch_json_number.ts`.
 *
 * @module
 */

import { type SymbolId, symbolId } from "../domain/mod.ts";
import type { JsonlEvent } from "./jsonl.ts";
import { JsonNumberScanner } from "./_batch_json_number.ts";

type Level = { price: number; size: number };

const ascii = new TextDecoder("latin1");
const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

const enum Key {
  Unknown,
  Type,
  Ts,
  TsRecv,
  Symbol,
  Side,
  Price,
  Quantity,
  Id,
  BidPrice,
  BidSize,
  AskPrice,
  AskSize,
  Bids,
  Asks,
}

// Indexed by Key; each literal includes its closing quote.
const KEY_BYTES: readonly Uint8Array[] = [
  "",
  "type",
  "ts",
  "ts_recv",
  "symbol",
  "side",
  "price",
  "quantity",
  "id",
  "bid_price",
  "bid_size",
  "ask_price",
  "ask_size",
  "bids",
  "asks",
].map((key) => bytesOf(`${key}"`));
const TRADE = bytesOf('trade"');
const QUOTE = bytesOf('quote"');
const SNAPSHOT = bytesOf('book_snapshot"');
const DELTA = bytesOf('book_delta"');
const BUY = bytesOf('buy"');
const SELL = bytesOf('sell"');
const LITERALS = [bytesOf("true"), bytesOf("false"), bytesOf("null")];

/** Whether `literal` is at `bytes[p]` before `end`. */
function at(bytes: Uint8Array, p: number, end: number, literal: Uint8Array): boolean {
  const n = literal.length;
  if (p + n > end) return false;
  for (let i = 0; i < n; i++) if (bytes[p + i] !== literal[i]) return false;
  return true;
}

// JSON whitespace except `\n`, which ends the line: the parser never crosses into the next one.
function skipWhitespace(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p];
    if (c !== 32 && c !== 9 && c !== 13) return p;
    p++;
  }
  return p;
}

/** After an opening quote: the index of the closing one, or -1 unless plain printable ASCII. */
function stringEnd(b: Uint8Array, p: number, end: number): number {
  while (p < end) {
    const c = b[p];
    if (c === 34) return p;
    if (c === 92 || c < 32 || c > 126) return -1;
    p++;
  }
  return -1;
}

/** After the opening quote of a key: which known key starts there (closing quote included). */
function keyAt(b: Uint8Array, p: number, end: number): Key {
  let key: Key;
  switch (b[p]) {
    case 116: // t
      key = b[p + 1] === 121 ? Key.Type : b[p + 2] === 95 ? Key.TsRecv : Key.Ts;
      break;
    case 115: // s
      key = b[p + 1] === 121 ? Key.Symbol : Key.Side;
      break;
    case 112: // p
      key = Key.Price;
      break;
    case 113: // q
      key = Key.Quantity;
      break;
    case 105: // i
      key = Key.Id;
      break;
    case 98: // b
      key = b[p + 3] === 115 ? Key.Bids : b[p + 4] === 112 ? Key.BidPrice : Key.BidSize;
      break;
    case 97: // a
      key = b[p + 3] === 115 ? Key.Asks : b[p + 4] === 112 ? Key.AskPrice : Key.AskSize;
      break;
    default:
      return Key.Unknown;
  }
  return at(b, p, end, KEY_BYTES[key]) ? key : Key.Unknown;
}

/** Text of ASCII bytes (the scanner has checked they are ASCII). */
function text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 16) return ascii.decode(bytes.subarray(start, end));
  let out = "";
  for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** A reusable line parser; it caches the canonical id of each raw symbol it has seen. */
export class JsonlFastParser {
  /** After a successful {@linkcode JsonlFastParser.parse}: where the next line starts. */
  next = 0;
  readonly #numbers = new JsonNumberScanner();
  // The last levels scanned by #levels.
  readonly #scratch: Level[] = [];
  #count = 0;
  readonly #symbols: { readonly raw: Uint8Array; readonly id: SymbolId }[] = [];

  /**
   * The event of the line at `start` (it ends at a `\n` or at `end`), or `undefined` when the
   * line needs `parseJsonlEvent`; on success {@linkcode JsonlFastParser.next} is set.
   */
  parse(b: Uint8Array, start: number, end: number): JsonlEvent | undefined {
    this.#numbers.use(b);
    let p = skipWhitespace(b, start, end);
    if (b[p] !== 123 || p >= end) return undefined; // {
    p++;
    let type = 0;
    let ts = NaN;
    let tsRecv = NaN;
    let symbol: SymbolId | undefined;
    let side: "buy" | "sell" | undefined;
    let price = NaN;
    let quantity = NaN;
    let idStart = -1;
    let idEnd = -1;
    let bidPrice = NaN;
    let bidSize = NaN;
    let askPrice = NaN;
    let askSize = NaN;
    let bids: Level[] | undefined;
    let asks: Level[] | undefined;
    while (true) {
      if (b[p] !== 34) {
        p = skipWhitespace(b, p, end);
        if (b[p] !== 34 || p >= end) return undefined;
      }
      p++;
      let key = keyAt(b, p, end);
      if (key === Key.Unknown) {
        const close = stringEnd(b, p, end);
        if (close < 0) return undefined;
        p = close + 1;
      } else p += KEY_BYTES[key].length;
      if (b[p] !== 58) {
        p = skipWhitespace(b, p, end);
        if (b[p] !== 58 || p >= end) return undefined;
      }
      p = skipWhitespace(b, p + 1, end);
      if (p >= end) return undefined;
      switch (key) {
        case Key.Type: {
          if (b[p] !== 34) return undefined;
          p++;
          const literal = b[p] === 98
            ? (b[p + 5] === 100 ? DELTA : SNAPSHOT)
            : b[p] === 116
            ? TRADE
            : QUOTE;
          // Another type (or a known one misspelt) is the validating parser's to report.
          if (!at(b, p, end, literal)) return undefined;
          type = literal === TRADE ? 1 : literal === QUOTE ? 2 : literal === SNAPSHOT ? 3 : 4;
          p += literal.length;
          break;
        }
        case Key.Symbol: {
          if (b[p] !== 34) return undefined;
          p++;
          const close = this.#symbolAt(b, p, end);
          if (close < 0) return undefined;
          symbol = this.#symbol;
          p = close + 1;
          break;
        }
        case Key.Side:
          if (b[p] !== 34) return undefined;
          p++;
          if (at(b, p, end, BUY)) {
            side = "buy";
            p += BUY.length;
          } else if (at(b, p, end, SELL)) {
            side = "sell";
            p += SELL.length;
          } else return undefined;
          break;
        case Key.Id:
          if (b[p] === 34) {
            idStart = p + 1;
            idEnd = stringEnd(b, idStart, end);
            if (idEnd < 0) return undefined;
            p = idEnd + 1;
          } else {
            p = this.#numbers.scan(b, p, end);
            if (p < 0) return undefined;
            idStart = -1; // a number id is not a trade id
          }
          break;
        case Key.Bids:
        case Key.Asks: {
          p = this.#levels(b, p, end);
          if (p < 0) return undefined;
          // Exact-size arrays: most deltas carry one or two levels.
          const n = this.#count;
          const s = this.#scratch;
          const levels = n === 0 ? [] : n === 1 ? [s[0]] : n === 2 ? [s[0], s[1]] : s.slice(0, n);
          if (key === Key.Bids) bids = levels;
          else asks = levels;
          break;
        }
        case Key.Unknown:
          p = this.#skipScalar(b, p, end);
          if (p < 0) return undefined;
          break;
        default: {
          p = this.#numbers.scan(b, p, end);
          if (p < 0) return undefined;
          const v = this.#numbers.value;
          if (key === Key.Ts) ts = v;
          else if (key === Key.TsRecv) tsRecv = v;
          else if (key === Key.Price) price = v;
          else if (key === Key.Quantity) quantity = v;
          else if (key === Key.BidPrice) bidPrice = v;
          else if (key === Key.BidSize) bidSize = v;
          else if (key === Key.AskPrice) askPrice = v;
          else askSize = v;
          key = Key.Unknown;
        }
      }
      p = skipWhitespace(b, p, end);
      if (p >= end) return undefined;
      const c = b[p++];
      if (c === 125) break; // }
      if (c !== 44) return undefined; // ,
    }
    p = skipWhitespace(b, p, end);
    if (p < end && b[p] !== 10) return undefined;
    if (symbol === undefined) return undefined;
    this.next = p < end ? p + 1 : p;
    if (!Number.isSafeInteger(ts)) return undefined;
    if (tsRecv !== tsRecv) tsRecv = ts;
    else if (!Number.isSafeInteger(tsRecv)) return undefined;
    switch (type) {
      case 1: {
        if (side === undefined || price !== price || quantity !== quantity) return undefined;
        return {
          kind: "trade",
          ts,
          tsRecv,
          trade: idStart < 0 ? { symbol, price, quantity, side } : {
            symbol,
            price,
            quantity,
            side,
            tradeId: text(b, idStart, idEnd),
          },
        };
      }
      case 2:
        if (bidPrice !== bidPrice || bidSize !== bidSize) return undefined;
        if (askPrice !== askPrice || askSize !== askSize) return undefined;
        return {
          kind: "quote",
          ts,
          tsRecv,
          quote: { symbol, bidPrice, bidSize, askPrice, askSize },
        };
      case 3:
        return {
          kind: "book-snapshot",
          ts,
          tsRecv,
          book: { symbol, bids: bids ?? [], asks: asks ?? [] },
        };
      case 4:
        return {
          kind: "book-delta",
          ts,
          tsRecv,
          delta: { symbol, bids: bids ?? [], asks: asks ?? [] },
        };
      default:
        return undefined;
    }
  }

  #symbol: SymbolId = "";

  // After the opening quote of a symbol: sets #symbol and returns the closing quote's index.
  #symbolAt(b: Uint8Array, p: number, end: number): number {
    const symbols = this.#symbols;
    for (let k = 0; k < symbols.length; k++) {
      const raw = symbols[k].raw;
      if (at(b, p, end, raw)) {
        this.#symbol = symbols[k].id;
        return p + raw.length - 1;
      }
    }
    const close = stringEnd(b, p, end);
    if (close < 0) return -1;
    try {
      this.#symbol = symbolId(text(b, p, close));
    } catch {
      return -1;
    }
    if (symbols.length < 64) symbols.push({ raw: b.slice(p, close + 1), id: this.#symbol });
    return close;
  }

  // `[[price, size], …]` with non-negative sizes into #scratch[0, #count); the index after it,
  // or -1.
  #levels(b: Uint8Array, p: number, end: number): number {
    const levels = this.#scratch;
    let count = 0;
    this.#count = 0;
    if (b[p] !== 91) return -1;
    p = skipWhitespace(b, p + 1, end);
    if (p < end && b[p] === 93) return p + 1;
    while (true) {
      if (p >= end || b[p] !== 91) return -1;
      p = skipWhitespace(b, p + 1, end);
      if (p >= end || (p = this.#numbers.scan(b, p, end)) < 0) return -1;
      const price = this.#numbers.value;
      p = skipWhitespace(b, p, end);
      if (p >= end || b[p] !== 44) return -1;
      p = skipWhitespace(b, p + 1, end);
      if (p >= end || (p = this.#numbers.scan(b, p, end)) < 0) return -1;
      const size = this.#numbers.value;
      p = skipWhitespace(b, p, end);
      if (size < 0 || p >= end || b[p] !== 93) return -1;
      levels[count++] = { price, size };
      p = skipWhitespace(b, p + 1, end);
      if (p >= end) return -1;
      const c = b[p++];
      if (c === 93) {
        this.#count = count;
        return p;
      }
      if (c !== 44) return -1;
      p = skipWhitespace(b, p, end);
    }
  }

  // The value of a key the reader ignores: a plain string, a number, true, false or null.
  #skipScalar(b: Uint8Array, p: number, end: number): number {
    const c = b[p];
    if (c === 34) {
      const close = stringEnd(b, p + 1, end);
      return close < 0 ? -1 : close + 1;
    }
    for (const literal of LITERALS) {
      if (c === literal[0]) return at(b, p, end, literal) ? p + literal.length : -1;
    }
    return this.#numbers.scan(b, p, end);
  }
}
