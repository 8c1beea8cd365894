/**
 * Binance's auto-cancel (POST /fapi/v1/countdownCancelAll): when a symbol's countdown runs
 * out on the venue clock, every open order of the account in that symbol is cancelled — the
 * orders of `/fapi/v1/openOrders`; the conditional (algo) orders, which Binance keeps in a
 * service of their own, stay [inf], so a protective stop outlives the client's heartbeat.
 * Checked on every request, every market update and by a timer.
 *
 * @module
 */

import type { VenueContext } from "../venue_context.ts";

/** The countdowns of one simulated Binance. */
export class Countdowns {
  readonly #context: VenueContext;
  readonly #deadlines = new Map<string, { accountId: number; code: string; at: number }>();

  /** Watches `context`'s accounts. */
  constructor(context: VenueContext) {
    this.#context = context;
  }

  /** Sets (or with 0 ms, clears) the countdown of an account's symbol. */
  set(accountId: number, code: string, ms: number): void {
    const key = `${accountId}:${code}`;
    if (ms === 0) this.#deadlines.delete(key);
    else this.#deadlines.set(key, { accountId, code, at: this.#context.clock.now() + ms });
  }

  /** Cancels the orders of every countdown that ran out. */
  check(): void {
    if (this.#deadlines.size === 0) return;
    const now = this.#context.clock.now();
    for (const [key, entry] of this.#deadlines) {
      if (entry.at > now) continue;
      this.#deadlines.delete(key);
      this.#context.core.cancelAll(entry.accountId, entry.code, {
        reason: "countdown",
        conditional: false,
      });
    }
  }
}
