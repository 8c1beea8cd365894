/**
 * Child of the refusal instruction counts (bench/README.md, "Refusals by instruction count"):
 * the OMS alone, N entry signals each refused by pre-trade risk's `maxOrderQuantity`, over an
 * account view of constants and no event loop, so the difference of two sizes under cachegrind
 * is what one refusal costs inside the OMS (plan, size, grid check, risk, the counted refusal).
 * Like a backtest's, its refusals have no listener: they are only counted.
 *
 *   valgrind --tool=cachegrind --cache-sim=no deno run --v8-flags=--predictable -A \
 *     bench/_refusal_oms_child.ts 100000
 *
 * @module
 */

import { benchOms, BTC } from "./_oms_harness.ts";

const oms = benchOms({ maxOrderQuantity: 0.001 });
const n = Number(Deno.args[0]);
const signal = { symbol: BTC.symbol, kind: "enter-long", confidence: 1 } as const;
for (let i = 0; i < n; i++) oms.onSignal(signal);
console.log(`signals ${n} refused ${oms.rejectedCount}`);
