import assert from "node:assert/strict";
import { DataError } from "../../../lib/domain/mod.ts";
import {
  parseExecution,
  parseOrder,
  parsePosition,
  parseWallet,
} from "../../../connectors/bybit/parse_private.ts";
import { fixture } from "./_fixtures.ts";

const USDT = (): string => "USDT";

interface Envelope {
  readonly data: unknown[];
}
interface Rest {
  readonly result: { readonly list: unknown[] };
}

Deno.test("parseOrder: a canceled linear limit order from the private stream", () => {
  const order = parseOrder((fixture("nautilus_ws_account_order.json") as Envelope).data[0]);
  assert.equal(order.id, "abcdef123456");
  assert.equal(order.request.clientOrderId, "client-1");
  assert.equal(order.request.symbol, "bybit:BTCUSDT");
  assert.equal(order.request.side, "buy");
  assert.equal(order.request.type, "limit");
  assert.equal(order.request.timeInForce, "gtc");
  assert.equal(order.request.quantity.toString(), "0.01");
  assert.equal(order.request.price?.toString(), "30000");
  assert.equal(order.status, "canceled");
  assert.equal(order.filledQuantity.toString(), "0");
  assert.equal(order.averagePrice, undefined);
  assert.equal(order.createdTs, 1700000000000000);
  assert.equal(order.updatedTs, 1700000005000000);
  assert.equal(order.reason, "CancelByUser");
});

Deno.test("parseOrder: Rejected after a partial fill is a cancel of the rest with the fills kept, never a rejection", () => {
  const order = parseOrder(
    (fixture("bybit_ws_order_rejected_after_partial_fill.json") as Envelope).data[0],
  );
  // A rejected order has no fills for the OMS: it would drop the position the 0.02 made.
  assert.equal(order.status, "canceled");
  assert.equal(order.filledQuantity.toString(), "0.02");
  assert.equal(order.averagePrice?.toString(), "61320");
  assert.equal(order.request.quantity.toString(), "0.05");
  assert.equal(order.request.clientOrderId, "tsr-rej-after-fill");
  assert.equal(order.reason, "EC_ReachRiskPriceLimit");
  // With nothing filled, Rejected stays a rejection.
  const untouched = parseOrder({
    ...(fixture("bybit_ws_order_rejected_after_partial_fill.json") as Envelope).data[0] as Record<
      string,
      unknown
    >,
    cumExecQty: "0",
    cumExecValue: "0",
    avgPrice: "",
  });
  assert.equal(untouched.status, "rejected");
  assert.equal(untouched.filledQuantity.toString(), "0");
  assert.equal(untouched.reason, "EC_ReachRiskPriceLimit");
});

Deno.test("parseOrder: a filled order carries the average price; REST realtime items parse too", () => {
  const filled = parseOrder((fixture("nautilus_ws_account_order_filled.json") as Envelope).data[0]);
  assert.equal(filled.status, "filled");
  assert.ok(filled.filledQuantity.gt(0));
  assert.ok(filled.averagePrice !== undefined && filled.averagePrice.gt(0));
  const open = (fixture("bybit_rest_order_realtime_response.json") as Rest).result.list.map(
    parseOrder,
  );
  assert.ok(open.length >= 1);
  const history = (fixture("nautilus_http_get_orders_history.json") as Rest).result.list.map(
    parseOrder,
  );
  assert.equal(history[0].status, "canceled");
});

Deno.test("parseExecution: a fill with fee, liquidity and trade id", () => {
  const execution = parseExecution(
    (fixture("bybit_ws_private_execution_doc.json") as Envelope).data[0],
    USDT,
  );
  assert.equal(execution.type, "fill");
  if (execution.type !== "fill") return;
  assert.equal(execution.ts, 1746270400353000);
  assert.equal(execution.seq, 140612148849382);
  const fill = execution.fill;
  assert.equal(fill.tradeId, "0ab1bdf7-4219-438b-b30a-32ec863018f7");
  assert.equal(fill.side, "sell");
  assert.equal(fill.price.toString(), "95900.1");
  assert.equal(fill.quantity.toString(), "0.5");
  assert.equal(fill.fee.toString(), "26.3725275");
  assert.equal(fill.feeCurrency, "USDT");
  assert.equal(fill.liquidity, "taker");
  const rest = parseExecution(
    (fixture("nautilus_http_get_executions.json") as Rest).result.list[0],
    USDT,
  );
  assert.equal(rest.type === "fill" ? rest.fill.liquidity : "", "maker");
  assert.equal(rest.type === "fill" ? rest.fill.clientOrderId : "", "test-order-001");
});

Deno.test("parseExecution: a Funding execution is a funding payment, not a fill", () => {
  const item = {
    ...(fixture("bybit_ws_private_execution_doc.json") as Envelope).data[0] as object,
    execType: "Funding",
    execFee: "-0.12",
    feeRate: "0.0001",
  };
  const execution = parseExecution(item, USDT);
  assert.equal(execution.type, "funding");
  if (execution.type !== "funding") return;
  assert.equal(execution.funding.amount.toString(), "-0.12");
  assert.equal(execution.funding.currency, "USDT");
  assert.equal(execution.rate.toString(), "0.0001");
  assert.equal(execution.funding.symbol, "bybit:BTCUSDT");
});

Deno.test("parsePosition: a short is a negative quantity; REST positions parse", () => {
  const position = parsePosition(
    (fixture("nautilus_ws_account_position.json") as Envelope).data[0],
  );
  assert.equal(position.symbol, "bybit:ETHUSDT");
  assert.equal(position.quantity.toString(), "-0.01");
  assert.equal(position.entryPrice.toString(), "3641.075");
  assert.equal(position.realizedPnl.toString(), "-25.06579337");
  const rest = (fixture("nautilus_http_get_positions.json") as Rest).result.list.map(parsePosition);
  assert.ok(rest.length >= 1);
});

Deno.test("parseWallet: coins → balances", () => {
  const balances = parseWallet((fixture("nautilus_ws_account_wallet.json") as Envelope).data[0]);
  assert.deepEqual(
    balances.map((b) => [b.currency, b.total.toString(), b.available.toString()]),
    [["BTC", "0.00102964", "0.00092964"], ["USDT", "9647.75537647", "9519.89806037"]],
  );
  const rest = (fixture("bybit_rest_wallet_balance_response.json") as Rest).result.list[0];
  assert.ok(parseWallet(rest).length >= 1);
});

Deno.test("parsers: unknown statuses and sides are DataErrors naming them", () => {
  const item = (fixture("nautilus_ws_account_order.json") as Envelope).data[0] as object;
  assert.throws(() => parseOrder({ ...item, orderStatus: "Weird" }), DataError);
  assert.throws(() => parseOrder({ ...item, orderStatus: "Weird" }), /unknown orderStatus "Weird"/);
  assert.throws(() => parseOrder({ ...item, side: "Up" }), /order.side is "Up"/);
});
