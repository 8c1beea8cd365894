/**
 * PeggedBest: rests a child at the touch — the best bid for a buy, the best ask for a sell —
 * `offsetTicks` behind it, in clips of at most `clipSize`, and re-checks the peg every
 * `refreshSecs`. The child moves only once the peg is `minChaseDistance` (default one tick)
 * away: by a price amend where the venue amends (the venue decides what that costs in queue
 * position: Bybit and Binance both re-queue on a price change, see `AmendQueueRule`), by
 * cancel and replace where it cannot. A filled clip is followed by the next. Without a book
 * (candle mode) the touch is the last price.
 *
 * @module
 */

import type { JsonValue, OrderStatus } from "../../domain/mod.ts";
import { type AlgorithmHint, type ChildState, ExecutionAlgorithm } from "./algorithm.ts";

/** Default peg refresh (s). */
export const PEG_REFRESH_SECS = 1;

/** The PeggedBest algorithm. */
export class PeggedBest extends ExecutionAlgorithm {
  #moves = 0;
  #replacing = false;

  /** The hint. */
  get hint(): AlgorithmHint<"pegged-best"> {
    return this.parent.hint as AlgorithmHint<"pegged-best">;
  }

  /** Times the child was moved (amended or replaced). */
  get moves(): number {
    return this.#moves;
  }

  /** The price the peg asks for now, or undefined without a touch. */
  pegPrice(): number | undefined {
    const touch = this.ctx.touch();
    if (touch === undefined) return undefined;
    const buy = this.parent.side === "buy";
    const best = buy ? touch.bid : touch.ask;
    if (!(best > 0)) return undefined;
    return this.ticksFrom(best, buy ? -this.hint.offsetTicks : this.hint.offsetTicks);
  }

  /** Rests the first clip and starts the refresh. */
  begin(): void {
    this.#place();
    this.#schedule();
  }

  /** A timer of this algorithm fell due. */
  protected override onAlarm(name: string): void {
    if (name !== "refresh") return;
    this.#refresh();
    this.#schedule();
  }

  /** A child finished; the parent goes on. */
  protected override onChildDone(_child: ChildState, status: OrderStatus): void {
    if (status === "filled" || this.#replacing) {
      this.#replacing = false;
      this.#place();
      return;
    }
    this.finishWhenIdle(`the pegged child ended ${status}`);
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return { moves: this.#moves, replacing: this.#replacing };
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(extra: JsonValue): void {
    const data = extra as { moves: number; replacing: boolean };
    this.#moves = data.moves;
    this.#replacing = data.replacing;
  }

  #clipLots(): number {
    const clip = this.hint.clipSize;
    if (clip === undefined) return this.remainingLots;
    return Math.max(1, Math.floor(clip / this.parent.lotSize + 1e-9));
  }

  #schedule(): void {
    const every = (this.hint.refreshSecs ?? PEG_REFRESH_SECS) * 1_000_000;
    this.arm("refresh", this.ctx.now() + Math.max(1, Math.round(every)));
  }

  #place(): void {
    if (this.openChildren().length > 0) return;
    const price = this.pegPrice();
    if (price === undefined) return;
    this.sendChild(this.#clipLots(), { type: "limit", price, timeInForce: "gtc" });
  }

  #refresh(): void {
    const open = this.openChildren();
    if (open.length === 0) {
      if (!this.#replacing) this.#place();
      return;
    }
    const price = this.pegPrice();
    const child = open[0];
    if (price === undefined || child.price === undefined) return;
    const chase = this.hint.minChaseDistance ?? this.parent.tickSize;
    if (Math.abs(price - child.price) < chase - 1e-12) return;
    this.#moves++;
    if (this.ctx.canAmend) {
      this.ctx.amend(child.id, { price });
      return;
    }
    this.#replacing = true;
    this.ctx.cancel(child.id);
  }
}
