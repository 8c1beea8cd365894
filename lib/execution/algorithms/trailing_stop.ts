/**
 * TrailingStop: arms once the price reaches `activationPrice` (at once without one) — at or
 * above it for a sell, at or below for a buy — then tracks the best price since (the highest
 * for a sell, the lowest for a buy) and, once the price has retraced `callbackRate` percent
 * from it, sends the whole rest as one market order. In candle mode it follows each bar along
 * the candle venue's OHLC path (open, the extreme nearer the open first, the other, close) and
 * the exit goes out at the bar's close.
 *
 * @module
 */

import type { JsonValue } from "../../domain/mod.ts";
import { type AlgorithmHint, ExecutionAlgorithm, type MarketObservation } from "./algorithm.ts";

/** The TrailingStop algorithm. */
export class TrailingStop extends ExecutionAlgorithm {
  #armed = false;
  #best = Number.NaN;
  #triggered = false;

  /** The hint. */
  get hint(): AlgorithmHint<"trailing-stop"> {
    return this.parent.hint as AlgorithmHint<"trailing-stop">;
  }

  /** Whether the activation price was reached. */
  get armed(): boolean {
    return this.#armed;
  }

  /** The best price since arming (the high-water mark; NaN before). */
  get highWater(): number {
    return this.#best;
  }

  /** The price at which it fires now (NaN before arming). */
  get stopPrice(): number {
    const rate = this.hint.callbackRate / 100;
    return this.parent.side === "sell" ? this.#best * (1 - rate) : this.#best * (1 + rate);
  }

  /** Arms at once without an activation price, at the arrival price. */
  begin(): void {
    if (this.hint.activationPrice === undefined) {
      this.#armed = true;
      this.#best = this.parent.arrivalPrice;
    }
  }

  /** A market event of the parent's symbol. */
  protected override onObservation(observation: MarketObservation): void {
    if (this.#triggered) return;
    const sell = this.parent.side === "sell";
    for (const price of observation.path) {
      if (!(price > 0)) continue;
      if (!this.#armed) {
        const activation = this.hint.activationPrice ?? price;
        if (sell ? price < activation : price > activation) continue;
        this.#armed = true;
        this.#best = price;
      }
      if (sell ? price > this.#best : price < this.#best) this.#best = price;
      if (sell ? price <= this.stopPrice : price >= this.stopPrice) {
        this.#triggered = true;
        if (this.sendChild(this.remainingLots, this.marketChild()) === undefined) {
          this.finishWhenIdle("the OMS refused the exit order");
        }
        return;
      }
    }
  }

  /** A child finished; the parent goes on. */
  protected override onChildDone(): void {
    // An entry's IOC that the market only part-filled leaves the rest as the shortfall.
    this.finishWhenIdle("the exit order did not fill completely");
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return {
      armed: this.#armed,
      best: Number.isNaN(this.#best) ? null : this.#best,
      triggered: this.#triggered,
    };
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(extra: JsonValue): void {
    const data = extra as { armed: boolean; best: number | null; triggered: boolean };
    this.#armed = data.armed;
    this.#best = data.best ?? Number.NaN;
    this.#triggered = data.triggered;
  }
}
