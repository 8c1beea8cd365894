/**
 * Binance's dead-man switch (`POST /fapi/v1/countdownCancelAll`) as a heartbeat: while a live
 * session runs, each traded symbol's countdown is re-armed every quarter of its length (the
 * documented example re-arms a 120 s countdown every 30 s), so that if this process dies, hangs
 * or loses the network, Binance cancels the symbol's open orders once the countdown runs out.
 * A clean stop disarms it (`countdownTime=0`), so orders left working on purpose stay.
 *
 * The countdown cancels the orders of `/fapi/v1/openOrders`; conditional (algo) orders — our
 * resting protective stops — are kept by Binance's algo service [inf], which is what makes
 * the two protections compose: working entries and quotes go, the stop that protects the
 * position stays.
 *
 * @module
 */

import type { StreamTimers, TimerHandle } from "../../lib/broker/mod.ts";
import type { SymbolId } from "../../lib/domain/mod.ts";
import type { BinanceRest } from "./rest.ts";
import { binanceCode } from "./symbols.ts";

/** Options of {@linkcode CountdownHeartbeat}. */
export interface CountdownHeartbeatOptions {
  /** The signed REST transport. */
  readonly rest: BinanceRest;
  /** The symbols whose countdown is armed. */
  readonly symbols: readonly SymbolId[];
  /** The countdown (ms): orders are cancelled this long after the last heartbeat. */
  readonly countdownMs: number;
  /** How often it is re-armed (ms); default a quarter of the countdown, at least 250 ms. */
  readonly intervalMs?: number;
  /** Timers (tests pass their own). */
  readonly timers: StreamTimers;
  /** Told of a heartbeat that failed (the next one is still sent; the venue may cancel). */
  readonly onFailure?: (symbol: SymbolId, message: string) => void;
}

/** Re-arms Binance's countdownCancelAll for every traded symbol while running. */
export class CountdownHeartbeat {
  readonly #options: CountdownHeartbeatOptions;
  readonly #intervalMs: number;
  #timer: TimerHandle | undefined;
  #running = false;
  #beats = 0;
  #lastBeatMs: number | undefined;
  #inFlight: Promise<unknown> | undefined;

  /**
   * A heartbeat for `options.symbols`.
   *
   * @throws {RangeError} for a countdown that is not a positive whole number of ms.
   */
  constructor(options: CountdownHeartbeatOptions) {
    if (!Number.isInteger(options.countdownMs) || options.countdownMs <= 0) {
      throw new RangeError(
        `countdownCancelAll needs a positive whole countdown in ms, got ${options.countdownMs}`,
      );
    }
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? Math.max(250, Math.floor(options.countdownMs / 4));
  }

  /** Heartbeats sent and answered so far (every symbol's counts). */
  get beats(): number {
    return this.#beats;
  }

  /** When the last heartbeat was answered (ms, the timers' clock), if one was. */
  get lastBeatMs(): number | undefined {
    return this.#lastBeatMs;
  }

  /** The re-arm period (ms). */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /**
   * Arms every symbol's countdown, then keeps re-arming it.
   *
   * @throws the venue's error when the first arming fails (the session should not trade
   * believing it is protected).
   */
  async start(): Promise<void> {
    if (this.#running) return;
    await Promise.all(this.#options.symbols.map((symbol) => this.#arm(symbol)));
    this.#running = true;
    this.#schedule();
  }

  /**
   * Stops re-arming. With `disarm` (a clean stop) the countdowns are cleared at the venue, so
   * the orders left working stay; without it they run out as if the process had died.
   */
  async stop(disarm: boolean): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!disarm) return;
    // A beat still on its way would re-arm the countdown after the disarm.
    await this.#inFlight;
    await Promise.all(this.#options.symbols.map(async (symbol) => {
      try {
        await this.#send(symbol, 0);
      } catch (error) {
        this.#options.onFailure?.(symbol, `disarming the countdown failed: ${text(error)}`);
      }
    }));
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = Promise.all(this.#options.symbols.map(async (symbol) => {
        try {
          await this.#arm(symbol);
        } catch (error) {
          this.#options.onFailure?.(symbol, `countdownCancelAll heartbeat failed: ${text(error)}`);
        }
      })).then(() => {
        this.#inFlight = undefined;
        this.#schedule();
      });
    }, this.#intervalMs);
  }

  async #arm(symbol: SymbolId): Promise<void> {
    const sent = this.#options.timers.now();
    await this.#send(symbol, this.#options.countdownMs);
    this.#beats++;
    // The venue's countdown started when it took the request, no earlier than this.
    this.#lastBeatMs = sent;
  }

  async #send(symbol: SymbolId, countdownMs: number): Promise<void> {
    await this.#options.rest.call({
      method: "POST",
      path: "/fapi/v1/countdownCancelAll",
      params: { symbol: binanceCode(symbol), countdownTime: countdownMs },
      security: "signed",
      weight: 10,
      // It keeps orders alive or takes them away: it goes before new orders and queries.
      priority: "cancel",
    });
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
