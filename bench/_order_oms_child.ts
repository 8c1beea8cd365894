/**
 * Child of the order-path instruction counts (bench/README.md): the OMS alone over N round
 * trips (an entry and an exit market order, each acknowledged, filled and reported filled),
 * through an account view of constants and a port that records the last command, with no event
 * loop, venue or accounting: the difference of two sizes under cachegrind is what one order
 * costs inside the OMS and its tracker (plan, checks, id, tracking, reports, fill memory).
 *
 *   valgrind --tool=cachegrind --cache-sim=no deno run --v8-flags=--predictable -A \
 *     bench/_order_oms_child.ts 100000
 *
 * @module
 */

import { type Decimal, decimal, type Order, type OrderRequest, ZERO } from "../lib/domain/mod.ts";
import type { OrderCommand } from "../lib/events/mod.ts";
import { benchOms, BTC } from "./_oms_harness.ts";

const PRICE = decimal("50000");
let position: Decimal = ZERO;
let last: OrderCommand | undefined;
const oms = benchOms({
  maxOrderQuantity: 1,
  position: () => position,
  send: (command) => void (last = command),
});

const report = (request: OrderRequest, status: Order["status"]): Order => ({
  id: `o-${request.clientOrderId}`,
  request,
  status,
  filledQuantity: status === "filled" ? request.quantity : ZERO,
  averagePrice: status === "filled" ? PRICE : undefined,
  createdTs: 1,
  updatedTs: 1,
});

let trade = 0;
function work(kind: "enter-long" | "exit-long"): void {
  oms.onSignal({ symbol: BTC.symbol, kind, confidence: 1 });
  if (last?.type !== "submit") throw new Error(`${kind}: no order sent`);
  const request = last.request;
  oms.onOrderUpdate(report(request, "accepted"));
  const fill = {
    orderId: `o-${request.clientOrderId}`,
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    price: PRICE,
    quantity: request.quantity,
    fee: ZERO,
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId: `T${++trade}`,
  } as const;
  if (!oms.recordFill(fill)) throw new Error(`${kind}: fill not booked`);
  position = request.side === "buy" ? position.plus(request.quantity) : ZERO;
  oms.onFill(fill);
  oms.onOrderUpdate(report(request, "filled"));
}

const trips = Number(Deno.args[0] ?? 1000);
for (let i = 0; i < trips; i++) {
  work("enter-long");
  work("exit-long");
}
console.log(`orders ${oms.submitted} refused ${oms.rejectedCount}`);
