/**
 * Child of the refusal instruction counts (bench/README.md, "Refusals by instruction count"):
 * the OMS alone, N entry signals each refused by pre-trade risk's `maxOrderQuantity`, over an
 * account view of constants and no event loop, so the difference of two sizes under cachegrind
 * is what one refusal costs inside the OMS (plan, size, grid check, risk, the counted refusal).
 *
 *   valgrind --tool=cachegrind --cache-sim=no deno run --v8-flags=--predictable -A \
 *     bench/_refusal_oms_child.ts 100000
 *
 * @module
 */

import { makeInstrument, ZERO } from "../lib/domain/mod.ts";
import { ClientIds, fixedQuantity, OrderManager, PreTradeRisk } from "../lib/execution/mod.ts";
const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
  takerFee: "0.00055",
});
let refusals = 0;
const oms = new OrderManager({
  instruments: new Map([[BTC.symbol, BTC]]),
  sizer: fixedQuantity(0.01),
  risk: new PreTradeRisk({ maxOrderQuantity: 0.001 }),
  clientIds: new ClientIds("flip", () => 0),
  clock: { now: () => 1, setTimer: () => {} },
  onRefusal: () => {
    refusals++;
  },
}, {
  position: () => ZERO,
  equity: () => 1e9,
  rateOf: () => 1,
  freeMargin: () => 1e9,
  leverage: () => 1,
  lastPrice: () => 50_000,
  volatility: () => undefined,
}, { send: () => {} });
const n = Number(Deno.args[0]);
const signal = { symbol: BTC.symbol, kind: "enter-long", confidence: 1 } as const;
for (let i = 0; i < n; i++) oms.onSignal(signal);
console.log(`signals ${n} refused ${refusals}`);
