/**
 * Market-making diagnostics of a tick run, collected on the local side (what the strategy saw):
 *
 * - fill ratio: filled quantity over the quantity of accepted orders;
 * - inventory over time: the signed position at every equity mark, its largest absolute value
 *   and its time-weighted mean absolute value;
 * - spread captured: per fill, `side × (mid − price)` at the moment we learn of the fill
 *   (positive = bought below or sold above the mid), quantity-weighted, in price units and bps;
 * - adverse selection: per fill, how far the mid moved against us `h` later,
 *   `−side × (mid(t + h) − mid(t))`, quantity-weighted, for h = 1 s and 10 s (fills whose horizon
 *   passes the end of the data are left out and counted as `pending`).
 *
 * Strategies may add their own figures (calibration values) through
 * {@linkcode DiagnosticsSource}.
 *
 * @module
 */

import { type Fill, type JsonValue, type Micros, toIso } from "../../domain/mod.ts";

/** A strategy that reports its own diagnostics (e.g. calibrated A, κ, σ and sample counts). */
export interface DiagnosticsSource {
  /** JSON-safe figures for the report. */
  diagnostics(): Readonly<Record<string, JsonValue>>;
}

/** Whether `value` implements {@linkcode DiagnosticsSource}. */
export function isDiagnosticsSource(value: unknown): value is DiagnosticsSource {
  return typeof value === "object" && value !== null &&
    typeof (value as { diagnostics?: unknown }).diagnostics === "function";
}

/** Horizons of the adverse-selection markouts, µs. */
export const MARKOUT_HORIZONS: readonly Micros[] = [1_000_000, 10_000_000];

interface Markout {
  readonly due: Micros;
  readonly sign: number;
  readonly mid: number;
  readonly quantity: number;
}

class MarkoutTracker {
  readonly horizon: Micros;
  #queue: Markout[] = [];
  #head = 0;
  #sum = 0;
  #sumBps = 0;
  #weight = 0;
  samples = 0;

  constructor(horizon: Micros) {
    this.horizon = horizon;
  }

  add(ts: Micros, sign: number, mid: number, quantity: number): void {
    this.#queue.push({ due: ts + this.horizon, sign, mid, quantity });
  }

  onMid(ts: Micros, mid: number): void {
    const queue = this.#queue;
    while (this.#head < queue.length && queue[this.#head].due <= ts) {
      const m = queue[this.#head++];
      const adverse = -m.sign * (mid - m.mid);
      this.#sum += adverse * m.quantity;
      this.#sumBps += (adverse / m.mid) * 1e4 * m.quantity;
      this.#weight += m.quantity;
      this.samples++;
    }
    if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  result(): Record<string, JsonValue> {
    const w = this.#weight;
    return {
      mean: w > 0 ? this.#sum / w : null,
      meanBps: w > 0 ? this.#sumBps / w : null,
      samples: this.samples,
      pending: this.#queue.length - this.#head,
    };
  }
}

/** Collects the diagnostics during a run. */
export class MarketMakingDiagnostics {
  readonly #markouts = MARKOUT_HORIZONS.map((h) => new MarkoutTracker(h));
  #acceptedQuantity = 0;
  #filledQuantity = 0;
  #spreadSum = 0;
  #spreadBpsSum = 0;
  #spreadWeight = 0;
  #inventoryTs: number[] = [];
  #inventory: number[] = [];
  #maxAbs = 0;
  #lastTs: number | undefined;
  #lastAbs = 0;
  #absTime = 0;
  #time = 0;

  /** An order was accepted by the venue with this quantity. */
  onAccepted(quantity: number): void {
    this.#acceptedQuantity += quantity;
  }

  /** A fill reached us at local time `ts` while the mid was `mid` (NaN when unknown). */
  onFill(ts: Micros, fill: Fill, mid: number): void {
    const quantity = fill.quantity.toNumber();
    this.#filledQuantity += quantity;
    if (!Number.isFinite(mid)) return;
    const sign = fill.side === "buy" ? 1 : -1;
    const captured = sign * (mid - fill.price.toNumber());
    this.#spreadSum += captured * quantity;
    this.#spreadBpsSum += (captured / mid) * 1e4 * quantity;
    this.#spreadWeight += quantity;
    for (const tracker of this.#markouts) tracker.add(ts, sign, mid, quantity);
  }

  /** The mid at local time `ts` (call on every change; cheap when no markout is due). */
  onMid(ts: Micros, mid: number): void {
    for (const tracker of this.#markouts) tracker.onMid(ts, mid);
  }

  /** The position at an equity mark. */
  onInventory(ts: Micros, position: number): void {
    const abs = Math.abs(position);
    if (this.#lastTs !== undefined) {
      const dt = ts - this.#lastTs;
      this.#absTime += this.#lastAbs * dt;
      this.#time += dt;
    }
    this.#lastTs = ts;
    this.#lastAbs = abs;
    if (abs > this.#maxAbs) this.#maxAbs = abs;
    this.#inventoryTs.push(ts);
    this.#inventory.push(position);
  }

  /** The diagnostics as JSON-safe data. */
  result(): Record<string, JsonValue> {
    const w = this.#spreadWeight;
    const adverse: Record<string, JsonValue> = {};
    for (const tracker of this.#markouts) adverse[`${tracker.horizon / 1e6}s`] = tracker.result();
    const series: JsonValue[] = [];
    // At most ~500 points: a run of days keeps a readable curve.
    const step = Math.max(1, Math.ceil(this.#inventory.length / 500));
    for (let i = 0; i < this.#inventory.length; i += step) {
      series.push([toIso(this.#inventoryTs[i]), this.#inventory[i]]);
    }
    return {
      acceptedQuantity: this.#acceptedQuantity,
      filledQuantity: this.#filledQuantity,
      fillRatio: this.#acceptedQuantity > 0 ? this.#filledQuantity / this.#acceptedQuantity : null,
      spreadCaptured: {
        mean: w > 0 ? this.#spreadSum / w : null,
        meanBps: w > 0 ? this.#spreadBpsSum / w : null,
        quantity: w,
      },
      adverseSelection: adverse,
      inventory: {
        maxAbs: this.#maxAbs,
        meanAbs: this.#time > 0 ? this.#absTime / this.#time : this.#lastAbs,
        final: this.#inventory.at(-1) ?? 0,
        series,
      },
    };
  }
}
