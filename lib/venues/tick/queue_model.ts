/**
 * Queue-position models for resting limit orders in tick mode. A resting order remembers how
 * much displayed size is ahead of it at its price (`ahead`, in the data's size units). Trades
 * at the price always advance it; what a level *decrease* that is not explained by trades does
 * depends on the model:
 *
 * - `risk-averse`: cancellations are assumed to come from behind us, so only trades advance
 *   the order (the queue ahead is merely capped at the level's new size);
 * - `probabilistic`: the unexplained decrease is split between ahead and behind with the
 *   probability `p = f(back) / (f(back) + f(front))` (hftbacktest's `ProbQueueModel`, power
 *   or log `f`), so orders near the back benefit most from cancellations;
 * - `optimistic`: the order joins at the front of the queue (nothing is ever ahead).
 *
 * All arithmetic is float64: this runs on every book update at our price.
 *
 * @module
 */

/** The queue model names. */
export type QueueModelKind = "risk-averse" | "probabilistic" | "optimistic";

/** Every queue model name, for validation at the edge. */
export const QUEUE_MODELS: readonly QueueModelKind[] = [
  "risk-averse",
  "probabilistic",
  "optimistic",
];

/**
 * The probability function of the probabilistic model: `power` is `xⁿ` with
 * `p = f(back) / (f(back) + f(front))`, `power2` is `xⁿ` with `p = f(back) / f(back + front)`,
 * `log` is `ln(1 + x)` with the first form.
 */
export type QueueProbability = "power" | "power2" | "log";

/** Every probability function name. */
export const QUEUE_PROBABILITIES: readonly QueueProbability[] = ["power", "power2", "log"];

/** Options of {@linkcode makeQueueModel}. */
export interface QueueModelOptions {
  /** Model name. */
  readonly kind: QueueModelKind;
  /** Probability function of `probabilistic` (default `power`). */
  readonly probability?: QueueProbability;
  /** Exponent `n` of the power functions (default 2). */
  readonly exponent?: number;
}

/** The mutable queue state of one resting order. */
export interface QueueState {
  /** Displayed size ahead of the order at its price (≤ 0 means at the front). */
  ahead: number;
  /** Trade size seen at the price since the last depth change (probabilistic model). */
  tradedSinceDepth: number;
}

/** A queue-position model. */
export interface QueueModel {
  /** The options it was made from (for the report). */
  readonly options: Required<QueueModelOptions>;
  /** Size ahead of a new order that joins a level showing `displayed`. */
  initialAhead(displayed: number): number;
  /** A trade of `quantity` printed at the order's price. */
  onTrade(state: QueueState, quantity: number): void;
  /** The displayed size at the order's price changed from `previous` to `next`. */
  onDepthChange(state: QueueState, previous: number, next: number): void;
}

function probabilityFunction(
  kind: QueueProbability,
  n: number,
): (front: number, back: number) => number {
  switch (kind) {
    case "power":
      return (front, back) => {
        const b = back ** n;
        const sum = b + front ** n;
        return sum === 0 ? 1 : b / sum;
      };
    case "power2":
      return (front, back) => {
        const total = (back + front) ** n;
        return total === 0 ? 1 : back ** n / total;
      };
    case "log":
      return (front, back) => {
        const b = Math.log1p(back);
        const sum = b + Math.log1p(front);
        return sum === 0 ? 1 : b / sum;
      };
    default: {
      const never: never = kind;
      throw new TypeError(`Unknown queue probability ${String(never)}`);
    }
  }
}

/**
 * Builds a queue model.
 *
 * @example
 * ```ts
 * import { makeQueueModel } from "@tesser/tesser/venues";
 * import assert from "node:assert/strict";
 *
 * const model = makeQueueModel({ kind: "risk-averse" });
 * const state = { ahead: model.initialAhead(500), tradedSinceDepth: 0 };
 * model.onDepthChange(state, 500, 300); // a cancel: assumed behind us
 * model.onTrade(state, 200);
 * assert.equal(state.ahead, 100);
 * ```
 * @throws {RangeError} for a non-positive exponent.
 */
export function makeQueueModel(options: QueueModelOptions): QueueModel {
  const resolved: Required<QueueModelOptions> = {
    kind: options.kind,
    probability: options.probability ?? "power",
    exponent: options.exponent ?? 2,
  };
  if (!(resolved.exponent > 0) || !Number.isFinite(resolved.exponent)) {
    throw new RangeError(`queue model exponent must be positive, got ${resolved.exponent}`);
  }
  const trade = (state: QueueState, quantity: number): void => {
    state.ahead -= quantity;
    state.tradedSinceDepth += quantity;
  };
  switch (resolved.kind) {
    case "risk-averse":
      return {
        options: resolved,
        initialAhead: (displayed) => displayed,
        onTrade: trade,
        onDepthChange: (state, _previous, next) => {
          state.tradedSinceDepth = 0;
          if (state.ahead > next) state.ahead = next;
        },
      };
    case "optimistic":
      return {
        options: resolved,
        initialAhead: () => 0,
        onTrade: trade,
        onDepthChange: (state) => {
          state.tradedSinceDepth = 0;
          state.ahead = 0;
        },
      };
    case "probabilistic": {
      const p = probabilityFunction(resolved.probability, resolved.exponent);
      return {
        options: resolved,
        initialAhead: (displayed) => displayed,
        onTrade: trade,
        onDepthChange: (state, previous, next) => {
          // The decrease not explained by trades already counted is a cancellation.
          const change = previous - next - state.tradedSinceDepth;
          state.tradedSinceDepth = 0;
          let front = state.ahead;
          if (change > 0 && front > 0) {
            const back = Math.max(previous - front, 0);
            const behind = p(front, back);
            front = front - (1 - behind) * change + Math.min(back - behind * change, 0);
          }
          state.ahead = Math.min(front, next);
        },
      };
    }
    default: {
      const never: never = resolved.kind;
      throw new TypeError(`Unknown queue model ${String(never)}`);
    }
  }
}
