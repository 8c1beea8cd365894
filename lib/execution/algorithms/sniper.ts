/**
 * Sniper: waits until the market offers `price` or better — the best ask at or below it for a
 * buy, the best bid at or above it for a sell (the last price without a book: a bar's close in
 * candle mode) — then sweeps what is there up to the parent's quantity with an IOC limit at
 * `price`, again each time the market comes back while anything is left, until `timeoutSecs`
 * after the start. What is left then is the shortfall.
 *
 * @module
 */

import type { JsonValue } from "../../domain/mod.ts";
import { type AlgorithmHint, ExecutionAlgorithm, type MarketObservation } from "./algorithm.ts";

/** The Sniper algorithm. */
export class Sniper extends ExecutionAlgorithm {
  #shots = 0;

  /** The hint. */
  get hint(): AlgorithmHint<"sniper"> {
    return this.parent.hint as AlgorithmHint<"sniper">;
  }

  /** Sweeps sent so far. */
  get shots(): number {
    return this.#shots;
  }

  /** Arms the timeout; the first sweep waits for the price. */
  begin(): void {
    this.arm("timeout", this.parent.startTs + Math.round(this.hint.timeoutSecs * 1_000_000));
    const touch = this.ctx.touch();
    if (touch !== undefined) this.#take(touch.bid, touch.ask);
  }

  /** A market event of the parent's symbol. */
  protected override onObservation(observation: MarketObservation): void {
    this.#take(observation.bid, observation.ask);
  }

  /** A timer of this algorithm fell due. */
  protected override onAlarm(name: string): void {
    if (name !== "timeout") return;
    this.cancelOpenChildren();
    this.finishWhenIdle(
      `the target ${this.hint.price} was not reached in ${this.hint.timeoutSecs} s`,
    );
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return { shots: this.#shots };
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(extra: JsonValue): void {
    this.#shots = (extra as { shots: number }).shots;
  }

  #take(bid: number, ask: number): void {
    if (this.openChildren().length > 0) return;
    const target = this.hint.price;
    const reached = this.parent.side === "buy" ? ask > 0 && ask <= target : bid >= target;
    if (!reached) return;
    if (this.sendChild(this.remainingLots, { type: "limit", price: target, timeInForce: "ioc" })) {
      this.#shots++;
    }
  }
}
