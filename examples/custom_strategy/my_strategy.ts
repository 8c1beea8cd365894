/**
 * An example user strategy, MomentumBurst: enter long when the close has risen more than
 * `threshold_pct` percent over the last `lookback` bars, exit when the move over the same
 * window turns negative. Run it with
 *
 * ```sh
 * deno run -A cli/main.ts backtest run \
 *   --strategy-module examples/custom_strategy/my_strategy.ts \
 *   --strategy-config examples/custom_strategy/my_strategy.toml
 * ```
 *
 * and test it with `deno test examples/custom_strategy/`. In your own project import from
 * `@tesser/tesser/config` and `@tesser/tesser/strategies` instead of the relative paths.
 *
 * @module
 */

import { field } from "../../lib/config/mod.ts";
import { type Candle, type JsonValue, symbolId } from "../../lib/domain/mod.ts";
import {
  paramError,
  type Strategy,
  type StrategyContext,
  type StrategyDefinition,
  type StrategySubscription,
} from "../../lib/strategies/mod.ts";

const params = field.table({
  symbol: field.string({ required: true, description: "venue-qualified symbol" }),
  lookback: field.number({ integer: true, min: 1, default: 10, description: "bars of the move" }),
  threshold_pct: field.number({
    min: 0,
    default: 0.5,
    description: "enter when the close rose more than this percent over lookback bars",
  }),
});

/** MomentumBurst parameters. */
export interface MomentumBurstParams {
  /** Venue-qualified symbol. */
  readonly symbol: string;
  /** Bars of the move. */
  readonly lookback: number;
  /** Entry threshold in percent. */
  readonly threshold_pct: number;
}

/** The example strategy. */
export class MomentumBurst implements Strategy {
  readonly name = "MomentumBurst";
  readonly subscriptions: readonly StrategySubscription[];
  readonly #params: MomentumBurstParams;
  readonly #symbol: string;
  // The last lookback + 1 closes: the whole state, so snapshot/restore is exact.
  #closes: number[] = [];
  #long = false;

  /** Builds the strategy; throws a `ConfigError` for a bad symbol. */
  constructor(params: MomentumBurstParams) {
    try {
      this.#symbol = symbolId(params.symbol);
    } catch (error) {
      throw paramError("MomentumBurst", "symbol", (error as Error).message);
    }
    this.#params = params;
    this.subscriptions = [{ kind: "candles", symbol: this.#symbol, interval: "1m" }];
  }

  /** Signals on the move over the last `lookback` bars. */
  onCandle(candle: Candle, ctx: StrategyContext): void {
    this.#closes.push(candle.close);
    if (this.#closes.length > this.#params.lookback + 1) this.#closes.shift();
    if (this.#closes.length <= this.#params.lookback) return;
    const first = this.#closes[0] as number;
    const movePct = ((candle.close - first) / first) * 100;
    if (!this.#long && movePct > this.#params.threshold_pct) {
      this.#long = true;
      ctx.signal({ symbol: this.#symbol, kind: "enter-long", confidence: 1 });
    } else if (this.#long && movePct < 0) {
      this.#long = false;
      ctx.signal({ symbol: this.#symbol, kind: "exit-long", confidence: 1 });
    }
  }

  /** The closes and whether it is long. */
  snapshot(): JsonValue {
    return { closes: [...this.#closes], long: this.#long };
  }

  /** Restores {@linkcode MomentumBurst.snapshot}. */
  restore(state: JsonValue): void {
    const record = state as { closes?: unknown; long?: unknown } | null;
    if (!Array.isArray(record?.closes) || typeof record?.long !== "boolean") {
      throw new TypeError("MomentumBurst.restore: expected the object made by snapshot()");
    }
    this.#closes = record.closes.filter((v): v is number => typeof v === "number");
    this.#long = record.long;
  }
}

/** The export `--strategy-module` looks for. */
export const strategy: StrategyDefinition<typeof params> = {
  name: "MomentumBurst",
  aliases: ["momentum_burst"],
  description: "long after a fast rise, out when the move turns negative",
  params,
  create: (values) => new MomentumBurst(values),
};
