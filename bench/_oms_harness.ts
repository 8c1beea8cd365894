/**
 * The OMS the order-path and refusal children count (`_order_oms_child.ts`,
 * `_refusal_oms_child.ts`): one BTCUSDT perpetual, a fixed 0.01 BTC sizer and an account view
 * of constants with no event loop, so the difference of two sizes under cachegrind is the OMS's
 * own cost and nothing of the portfolio or the engine.
 *
 * @module
 */

import { type Decimal, makeInstrument, ZERO } from "../lib/domain/mod.ts";
import type { OrderCommand } from "../lib/events/mod.ts";
import { ClientIds, fixedQuantity, OrderManager, PreTradeRisk } from "../lib/execution/mod.ts";

/** The one instrument the OMS and order-path children trade. */
export const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
  takerFee: "0.00055",
});

/** What a child varies: the order-size limit, the position it reports, where commands go. */
export interface BenchOmsOptions {
  /** Pre-trade risk's `maxOrderQuantity` (BTC): below 0.01 every entry is refused. */
  readonly maxOrderQuantity: number;
  /** The account's position (default flat). */
  readonly position?: () => Decimal;
  /** Receives every command (default: dropped). */
  readonly send?: (command: OrderCommand) => void;
}

/** An OMS over constants: equity and margin 1e9, price 50,000, leverage 1, no volatility. */
export function benchOms(options: BenchOmsOptions): OrderManager {
  const position = options.position ?? (() => ZERO);
  return new OrderManager({
    instruments: new Map([[BTC.symbol, BTC]]),
    sizer: fixedQuantity(0.01),
    risk: new PreTradeRisk({ maxOrderQuantity: options.maxOrderQuantity }),
    clientIds: new ClientIds("flip", () => 0),
    clock: { now: () => 1, setTimer: () => {} },
  }, {
    position,
    equity: () => 1e9,
    rateOf: () => 1,
    freeMargin: () => 1e9,
    leverage: () => 1,
    lastPrice: () => 50_000,
    volatility: () => undefined,
  }, { send: options.send ?? (() => {}) });
}
