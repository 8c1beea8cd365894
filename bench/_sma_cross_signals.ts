/**
 * A bench-only strategy module (`--strategy-module bench/_sma_cross_signals.ts`): SmaCross,
 * computing exactly the built-in's signals, with one extra param `emit_signals`. With `true` the
 * signals go to the session; with `false` they are computed and dropped. Both runs go through
 * the same wrapper, so comparing them isolates what a signal costs after the strategy made it
 * (the OMS, sizing, risk and, under a limit no order meets, the refusal).
 *
 * @module
 */

import { field, type Infer } from "../lib/config/mod.ts";
import type { Signal } from "../lib/domain/mod.ts";
import type { Strategy, StrategyContext, StrategyDefinition } from "../lib/strategies/mod.ts";
import { smaCrossDefinition } from "../lib/strategies/sma_cross.ts";

const params = field.table({
  ...smaCrossDefinition.params.fields,
  emit_signals: field.boolean({
    default: true,
    description: "hand the signals to the session (false: compute them and drop them)",
  }),
});

/** The module's strategy: SmaCross with `emit_signals`. */
export const strategy: StrategyDefinition<typeof params> = {
  name: "SmaCrossSignals",
  description: "SmaCross whose signals can be computed and dropped (bench only)",
  params,
  create(values: Infer<typeof params>): Strategy {
    const { emit_signals: emit, ...rest } = values;
    const inner = smaCrossDefinition.create(rest);
    // One wrapped context per host context (the host keeps one), made once.
    let host: StrategyContext | undefined;
    let wrapped: StrategyContext | undefined;
    const contextOf = (ctx: StrategyContext): StrategyContext => {
      if (ctx !== host || wrapped === undefined) {
        host = ctx;
        wrapped = Object.create(ctx, {
          signal: {
            value: emit ? (signal: Signal) => ctx.signal(signal) : (_signal: Signal) => {},
          },
        }) as StrategyContext;
      }
      return wrapped;
    };
    return {
      name: inner.name,
      subscriptions: inner.subscriptions,
      onCandle: (candle, ctx) => inner.onCandle?.(candle, contextOf(ctx)),
      snapshot: () => inner.snapshot(),
      restore: (state) => inner.restore(state),
    };
  },
};
