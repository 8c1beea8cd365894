/**
 * The JSONL fast path's number scanner: reads a JSON number straight from bytes exactly as
 * `JSON.parse` would. A decimal without exponent whose digits, read as an integer, stay below
 * 2^53 is `digits / 10^k`: both operands are exact doubles (k ≤ 22), so the one division rounds
 * correctly, as `JSON.parse` does. Any other number goes through `Number`, which parses JSON
 * numbers the same way.
 *
 * @module
 */

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const TWO_53 = 9007199254740992;
const ascii = new TextDecoder("latin1");

/** Scans numbers in one buffer at a time; the last value is in {@linkcode JsonNumberScanner.value}. */
export class JsonNumberScanner {
  /** The last number scanned. */
  value = NaN;
  #bytes: Uint8Array = new Uint8Array(0);
  #view: DataView = new DataView(new ArrayBuffer(0));

  /** Points the scanner at `bytes` (cheap when it already is). */
  use(bytes: Uint8Array): void {
    if (bytes !== this.#bytes) {
      this.#bytes = bytes;
      this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  }

  /**
   * The JSON number at `p` of the buffer in use into `value`: the index after it, or -1 when
   * there is none there (or it is not finite).
   */
  scan(b: Uint8Array, p: number, end: number): number {
    const start = p;
    const negative = b[p] === 45;
    if (negative) p++;
    let c = p < end ? b[p] : -1;
    let m = 0;
    if (c === 48) {
      p++;
    } else if (c >= 49 && c <= 57) {
      p = this.#digits(b, p, end);
      m = this.value;
    } else return -1;
    let decimals = 0;
    if (p < end && b[p] === 46) {
      const first = p + 1;
      p = this.#digits(b, first, end, m);
      m = this.value;
      decimals = p - first;
      if (decimals === 0) return -1;
    }
    // Below 2^53 every step was exact (rounding is monotonic, so an inexact step never brings
    // the total back below 2^53).
    let exact = m < TWO_53 && decimals <= 22;
    if (p < end && (b[p] === 101 || b[p] === 69)) {
      exact = false;
      p++;
      if (p < end && (b[p] === 43 || b[p] === 45)) p++;
      const first = p;
      while (p < end && (c = b[p]) >= 48 && c <= 57) p++;
      if (p === first) return -1;
    }
    // "01" is not JSON; the validating parser reports it.
    if (p < end && (c = b[p]) >= 48 && c <= 57) return -1;
    if (exact) {
      const value = decimals === 0 ? m : m / POW10[decimals];
      this.value = negative ? -value : value;
      return p;
    }
    const value = Number(ascii.decode(b.subarray(start, p)));
    this.value = value;
    return Number.isFinite(value) ? p : -1;
  }

  // Appends the decimal digits at `p` to `m` into `value`; the index after them. Four digits at a
  // time where it can (SWAR on a little-endian 32-bit load): fewer dependent multiply-adds.
  #digits(b: Uint8Array, p: number, end: number, m = 0): number {
    const view = this.#view;
    while (p + 4 <= end) {
      const x = view.getUint32(p, true);
      // Every byte in '0'..'9': high nibble 3, and adding 6 keeps it 3.
      if (((x & 0xf0f0f0f0) | (((x + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) break;
      let d = x - 0x30303030;
      d = (d * 10 + (d >>> 8)) & 0x00ff00ff;
      d = (d * 100 + (d >>> 16)) & 0x3fff;
      m = m * 1e4 + d;
      p += 4;
    }
    let c: number;
    while (p < end && (c = b[p]) >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      p++;
    }
    this.value = m;
    return p;
  }
}
