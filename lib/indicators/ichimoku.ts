import { MonotonicDeque } from "./_monotonic_deque.ts";
import { RingBuffer } from "./_ring_buffer.ts";
import { requireFiniteBar, requireInteger } from "./_validate.ts";
import type { Bar, Indicator } from "./types.ts";

/** Options of {@linkcode Ichimoku}; the defaults are Hosoda's 9/26/52 with a 26-bar shift. */
export interface IchimokuOptions {
  /** Window of the conversion line (default 9). */
  readonly tenkanPeriod?: number;
  /** Window of the base line (default 26). */
  readonly kijunPeriod?: number;
  /** Window of leading span B (default 52). */
  readonly senkouBPeriod?: number;
  /** Bars by which the leading spans are shifted forward and the lagging span back (26). */
  readonly displacement?: number;
}

/** One output of {@linkcode Ichimoku}. The object is reused: the next `update` overwrites it. */
export interface IchimokuValue {
  /** Conversion line: midpoint of the last `tenkanPeriod` bars' range. */
  readonly tenkan: number;
  /** Base line: midpoint of the last `kijunPeriod` bars' range. */
  readonly kijun: number;
  /** Leading span A of the cloud at the current bar: `(tenkan + kijun) / 2` of `displacement` bars ago. */
  readonly senkouA: number;
  /** Leading span B of the cloud at the current bar: the `senkouBPeriod` midpoint of `displacement` bars ago. */
  readonly senkouB: number;
  /** Span A computed now, which the chart draws `displacement` bars ahead. */
  readonly futureSenkouA: number;
  /** Span B computed now, which the chart draws `displacement` bars ahead. */
  readonly futureSenkouB: number;
  /** Lagging span: the current close, which the chart draws `displacement` bars back. */
  readonly chikou: number;
}

/**
 * Ichimoku Kinkō Hyō (G. Hosoda, 1969; TA-Lib has no such function), with the displacement
 * made explicit for a streaming consumer.
 *
 * Lines (a "midpoint" is `(highest high + lowest low) / 2` over a window that includes the
 * current bar): tenkan = midpoint(9), kijun = midpoint(26), span A = `(tenkan + kijun) / 2`,
 * span B = midpoint(52). A chart plots both spans `displacement` bars to the right of the bar
 * they are computed on, and the close `displacement` bars to the left (chikou).
 *
 * A live strategy cannot look at a chart's future, so this class returns both readings of the
 * spans: `senkouA`/`senkouB` are the cloud **at the current bar** — the spans computed
 * `displacement` bars ago, i.e. what "price above the cloud" compares against — and
 * `futureSenkouA`/`futureSenkouB` are the spans computed now (the cloud drawn ahead). The shift
 * is by exactly `displacement` bars, as in Hosoda's definition and in e.g. Stock.Indicators
 * (`senkouOffset = 26`); charting tools that count the current bar as the first of the 26
 * (TradingView's built-in uses `offset = displacement − 1`) match `displacement: 25`.
 * `chikou` is the current close; compare it with the close of `displacement` bars ago.
 *
 * Warm-up: `senkouBPeriod − 1 + displacement` updates (77 with the defaults), the point from
 * which every field is defined. Six monotonic deques and two ring buffers keep each update
 * amortised O(1) without allocation; the returned {@linkcode IchimokuValue} is reused.
 *
 * @example
 * ```ts
 * import { Ichimoku } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const ichimoku = new Ichimoku({ tenkanPeriod: 1, kijunPeriod: 2, senkouBPeriod: 2, displacement: 1 });
 * ichimoku.update({ high: 10, low: 8, close: 9 });
 * ichimoku.update({ high: 12, low: 10, close: 11 }); // spans computed here: A 10.5, B 10
 * const lines = ichimoku.update({ high: 14, low: 12, close: 13 }) ?? assert.fail("warm");
 * assert.deepEqual([lines.senkouA, lines.senkouB], [10.5, 10]); // cloud at this bar
 * assert.deepEqual([lines.futureSenkouA, lines.futureSenkouB], [12.5, 12]); // drawn ahead
 * ```
 */
export class Ichimoku implements Indicator<Bar, IchimokuValue> {
  readonly #warmUp: number;
  readonly #displacement: number;
  readonly #tenkanHigh: MonotonicDeque;
  readonly #tenkanLow: MonotonicDeque;
  readonly #kijunHigh: MonotonicDeque;
  readonly #kijunLow: MonotonicDeque;
  readonly #spanBHigh: MonotonicDeque;
  readonly #spanBLow: MonotonicDeque;
  /** Spans computed on the last `displacement` bars, oldest first. */
  readonly #pendingA: RingBuffer;
  readonly #pendingB: RingBuffer;
  readonly #result = {
    tenkan: 0,
    kijun: 0,
    senkouA: 0,
    senkouB: 0,
    futureSenkouA: 0,
    futureSenkouB: 0,
    chikou: 0,
  };
  #count = 0;
  #ready = false;

  /** Creates the indicator; throws a `RangeError` for an option that is not a positive integer. */
  constructor(options: IchimokuOptions = {}) {
    const tenkan = requireInteger("Ichimoku", "tenkanPeriod", options.tenkanPeriod ?? 9);
    const kijun = requireInteger("Ichimoku", "kijunPeriod", options.kijunPeriod ?? 26);
    const spanB = requireInteger("Ichimoku", "senkouBPeriod", options.senkouBPeriod ?? 52);
    this.#displacement = requireInteger("Ichimoku", "displacement", options.displacement ?? 26);
    this.#warmUp = Math.max(tenkan, kijun, spanB) - 1 + this.#displacement;
    this.#tenkanHigh = new MonotonicDeque(tenkan, "max");
    this.#tenkanLow = new MonotonicDeque(tenkan, "min");
    this.#kijunHigh = new MonotonicDeque(kijun, "max");
    this.#kijunLow = new MonotonicDeque(kijun, "min");
    this.#spanBHigh = new MonotonicDeque(spanB, "max");
    this.#spanBLow = new MonotonicDeque(spanB, "min");
    this.#pendingA = new RingBuffer(this.#displacement);
    this.#pendingB = new RingBuffer(this.#displacement);
  }

  /** Adds `bar`; returns the reused lines object or `undefined` while warming up. */
  update(bar: Bar): IchimokuValue | undefined {
    requireFiniteBar("Ichimoku", bar);
    const { high, low } = bar;
    const tenkan = (this.#tenkanHigh.push(high) + this.#tenkanLow.push(low)) / 2;
    const kijun = (this.#kijunHigh.push(high) + this.#kijunLow.push(low)) / 2;
    const spanA = (tenkan + kijun) / 2;
    const spanB = (this.#spanBHigh.push(high) + this.#spanBLow.push(low)) / 2;
    // Spans from displacement bars ago leave the queue exactly as today's enter it.
    const cloudA = this.#pendingA.push(spanA);
    const cloudB = this.#pendingB.push(spanB);
    const index = this.#count;
    if (index < this.#warmUp) {
      this.#count = index + 1;
      return undefined;
    }
    const result = this.#result;
    result.tenkan = tenkan;
    result.kijun = kijun;
    // warmUp >= displacement, so the queues were full and cloudA/cloudB are real spans.
    result.senkouA = cloudA;
    result.senkouB = cloudB;
    result.futureSenkouA = spanA;
    result.futureSenkouB = spanB;
    result.chikou = bar.close;
    this.#ready = true;
    return result;
  }

  /** The last output (the reused object), or `undefined` while warming up. */
  get value(): IchimokuValue | undefined {
    return this.#ready ? this.#result : undefined;
  }

  /** Whether every line is defined. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Forgets every bar. */
  reset(): void {
    this.#tenkanHigh.clear();
    this.#tenkanLow.clear();
    this.#kijunHigh.clear();
    this.#kijunLow.clear();
    this.#spanBHigh.clear();
    this.#spanBLow.clear();
    this.#pendingA.clear();
    this.#pendingB.clear();
    this.#count = 0;
    this.#ready = false;
  }
}
