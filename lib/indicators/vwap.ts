import { ExactSum } from "./_exact_sum.ts";
import { RingBuffer } from "./_ring_buffer.ts";
import { invalidInput, requireFiniteBar, requireInteger } from "./_validate.ts";
import type { Indicator, VolumeBar } from "./types.ts";

/** One microsecond-stamped bar as {@linkcode Vwap} reads it. */
export interface VwapBar extends VolumeBar {
  /** Bar time in microseconds since the Unix epoch (UTC); required in `"session"` mode. */
  readonly time?: number;
}

/** Options of a session-anchored {@linkcode Vwap}. */
export interface VwapSessionOptions {
  /** Cumulative VWAP since the start of the current session. */
  readonly mode: "session";
  /** Session length in microseconds (default one day: 86 400 000 000). */
  readonly sessionLength?: number;
  /** Session start relative to the Unix epoch, in microseconds (default 0: 00:00 UTC). */
  readonly sessionOffset?: number;
}

/** Options of a rolling-window {@linkcode Vwap}. */
export interface VwapRollingOptions {
  /** VWAP of the last `period` bars. */
  readonly mode: "rolling";
  /** Number of bars in the window (a positive integer). */
  readonly period: number;
}

/** Options of {@linkcode Vwap}: session-anchored or rolling. */
export type VwapOptions = VwapSessionOptions | VwapRollingOptions;

const DAY_US = 86_400_000_000;

/**
 * Volume-weighted average price over bars: `Σ(typical · volume) / Σ volume` with the typical
 * price `(high + low + close) / 3`. TA-Lib has no VWAP; this is the common bar-based
 * definition (e.g. TradingView's built-in VWAP with source `hlc3`).
 *
 * - `mode: "session"` accumulates from the first bar of the current session and restarts when
 *   a bar's `time` falls into a new session (sessions are `[offset + k·length, offset +
 *   (k+1)·length)` in µs since the epoch; by default UTC days). Bars must carry `time`.
 * - `mode: "rolling"` covers the last `period` bars.
 *
 * The output is `undefined` until the session or window has traded volume (Σ volume > 0).
 * Sums are exact, so a long session does not drift.
 *
 * @example
 * ```ts
 * import { Vwap } from "@tesser/tesser/indicators";
 * import assert from "node:assert/strict";
 *
 * const vwap = new Vwap({ mode: "rolling", period: 2 });
 * vwap.update({ high: 11, low: 9, close: 10, volume: 1 }); // typical 10
 * assert.equal(vwap.update({ high: 21, low: 19, close: 20, volume: 3 }), 17.5);
 * ```
 */
export class Vwap implements Indicator<VwapBar, number> {
  readonly #session: boolean;
  readonly #sessionLength: number;
  readonly #sessionOffset: number;
  readonly #prices: RingBuffer | undefined;
  readonly #volumes: RingBuffer | undefined;
  readonly #notional = new ExactSum();
  readonly #volume = new ExactSum();
  #sessionIndex = NaN;
  #value: number | undefined = undefined;

  /** Creates the indicator; throws a `RangeError` for a bad option. */
  constructor(options: VwapOptions) {
    const mode = options.mode;
    switch (mode) {
      case "session": {
        this.#session = true;
        this.#sessionLength = requireInteger(
          "Vwap",
          "sessionLength",
          options.sessionLength ?? DAY_US,
        );
        this.#sessionOffset = requireInteger(
          "Vwap",
          "sessionOffset",
          options.sessionOffset ?? 0,
          0,
        );
        this.#prices = undefined;
        this.#volumes = undefined;
        break;
      }
      case "rolling": {
        const period = requireInteger("Vwap", "period", options.period);
        this.#session = false;
        this.#sessionLength = 0;
        this.#sessionOffset = 0;
        this.#prices = new RingBuffer(period);
        this.#volumes = new RingBuffer(period);
        break;
      }
      default: {
        const never: never = mode;
        throw new RangeError(`Vwap: option "mode" must be "session" or "rolling", got ${never}`);
      }
    }
  }

  /** Adds `bar`; returns the VWAP, or `undefined` until some volume has traded. */
  update(bar: VwapBar): number | undefined {
    requireFiniteBar("Vwap", bar);
    const volume = bar.volume;
    if (!Number.isFinite(volume)) invalidInput("Vwap", "bar.volume", volume);
    const notional = this.#notional;
    const total = this.#volume;
    const typical = (bar.high + bar.low + bar.close) / 3;
    if (this.#session) {
      const time = bar.time;
      if (time === undefined || !Number.isFinite(time)) invalidInput("Vwap", "bar.time", time);
      const session = Math.floor((time - this.#sessionOffset) / this.#sessionLength);
      if (session !== this.#sessionIndex) {
        this.#sessionIndex = session;
        notional.clear();
        total.clear();
        this.#value = undefined;
      }
    } else if (this.#prices !== undefined && this.#volumes !== undefined) {
      if (this.#prices.isFull) {
        const oldVolume = this.#volumes.push(volume);
        notional.subtractProduct(this.#prices.push(typical), oldVolume);
        total.add(-oldVolume);
      } else {
        this.#prices.push(typical);
        this.#volumes.push(volume);
      }
    }
    notional.addProduct(typical, volume);
    total.add(volume);
    notional.normalize();
    total.normalize();
    const volumeSum = total.value;
    this.#value = volumeSum > 0 ? notional.value / volumeSum : undefined;
    return this.#value;
  }

  /** The last output, or `undefined` before any volume. */
  get value(): number | undefined {
    return this.#value;
  }

  /** Whether the session or window has traded volume. */
  get isReady(): boolean {
    return this.#value !== undefined;
  }

  /** Forgets every bar (and the current session). */
  reset(): void {
    this.#notional.clear();
    this.#volume.clear();
    this.#prices?.clear();
    this.#volumes?.clear();
    this.#sessionIndex = NaN;
    this.#value = undefined;
  }
}
