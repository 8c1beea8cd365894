/**
 * Iceberg: the parent rests at `price` showing only `displayQuantity` at a time. No venue this
 * project connects to offers a native iceberg order through its API (Bybit v5 and Binance
 * USD-M futures have none), so it is simulated on every venue: when the visible slice has
 * filled, the next one is sent as a new order, which joins the back of the queue at its price
 * (the tick venue queues it behind what rests there by then). A slice cancelled by anyone but
 * the parent ends the parent.
 *
 * @module
 */

import type { JsonValue, OrderStatus } from "../../domain/mod.ts";
import { type AlgorithmHint, type ChildState, ExecutionAlgorithm } from "./algorithm.ts";

/** The Iceberg algorithm. */
export class Iceberg extends ExecutionAlgorithm {
  /** The hint. */
  get hint(): AlgorithmHint<"iceberg"> {
    return this.parent.hint as AlgorithmHint<"iceberg">;
  }

  /** Lots shown per slice. */
  get displayLots(): number {
    return Math.max(1, Math.floor(this.hint.displayQuantity / this.parent.lotSize + 1e-9));
  }

  /** Sends the first visible slice. */
  begin(): void {
    this.#refill();
  }

  /** A child finished; the parent goes on. */
  protected override onChildDone(_child: ChildState, status: OrderStatus): void {
    if (status === "filled") {
      this.#refill();
      return;
    }
    this.finishWhenIdle(`a slice ended ${status}`);
  }

  /** This algorithm's own state. */
  protected extraState(): JsonValue {
    return null;
  }

  /** Takes back this algorithm's own state. */
  protected restoreExtra(): void {}

  #refill(): void {
    if (
      this.sendChild(this.displayLots, {
          type: "limit",
          price: this.hint.price,
          timeInForce: "gtc",
        }) === undefined && this.openChildren().length === 0
    ) {
      this.finishWhenIdle("the OMS refused the next slice");
    }
  }
}
