import assert from "node:assert/strict";
import { DataError, decimal } from "../../../lib/domain/mod.ts";
import {
  parseAccountUpdate,
  parseAlgoUpdate,
  parseBalance,
  parseFundingIncome,
  parseOrderTradeUpdate,
  parsePositionRisk,
  parseRestOrder,
  parseUserTrade,
  timeInForce,
} from "../../../connectors/binance/parse_private.ts";
import { parseRateLimits, parseSymbolInfo } from "../../../connectors/binance/instruments.ts";
import { fixture } from "./_fixtures.ts";

type Json = Record<string, unknown>;

Deno.test("parseOrderTradeUpdate: the documented EXPIRED_IN_MATCH trailing stop → an expired stop-market, no fill", () => {
  const update = parseOrderTradeUpdate(fixture("binance_ws_ORDER_TRADE_UPDATE_doc.json") as Json);
  assert.equal(update.execution, "EXPIRED");
  assert.equal(update.fill, undefined);
  assert.equal(update.order.id, "8886774");
  assert.equal(update.order.status, "expired");
  assert.equal(update.order.request.clientOrderId, "TEST");
  assert.equal(update.order.request.type, "stop-market");
  assert.equal(update.order.request.side, "sell");
  assert.equal(update.order.request.triggerPrice?.toString(), "7103.04");
  assert.equal(update.order.updatedTs, 1568879465650000);
});

Deno.test("parseOrderTradeUpdate: a TRADE → the fill with price, quantity, fee, maker liquidity and realized PnL", () => {
  const doc = fixture("binance_ws_ORDER_TRADE_UPDATE_doc.json") as { o: Json };
  const trade = {
    ...doc,
    o: {
      ...doc.o,
      o: "LIMIT",
      ot: "LIMIT",
      x: "TRADE",
      X: "PARTIALLY_FILLED",
      p: "7100",
      l: "0.0004",
      z: "0.0004",
      L: "7100.5",
      ap: "7100.5",
      n: "0.00056",
      N: "USDT",
      m: true,
      t: 77,
      rp: "1.25",
    },
  };
  const update = parseOrderTradeUpdate(trade);
  assert.equal(update.order.status, "partially-filled");
  assert.equal(update.order.filledQuantity.toString(), "0.0004");
  assert.equal(update.order.averagePrice?.toString(), "7100.5");
  assert.deepEqual(update.fill?.fill, {
    orderId: "8886774",
    clientOrderId: "TEST",
    symbol: "binance:BTCUSDT",
    side: "sell",
    price: decimal("7100.5"),
    quantity: decimal("0.0004"),
    fee: decimal("0.00056"),
    feeCurrency: "USDT",
    liquidity: "maker",
    tradeId: "77",
  });
  assert.equal(update.fill?.realizedPnl.toString(), "1.25");
  // Without N/n (no commission) the fee is zero, not a parse error.
  const { n: _n, N: _N, ...free } = trade.o;
  assert.equal(parseOrderTradeUpdate({ ...trade, o: free }).fill?.fill.fee.toString(), "0");
  // Its currency is then the contract's settle currency (USDC perpetuals: no maker fee), not a
  // USDT a USDC-only portfolio does not hold.
  const usdc = parseOrderTradeUpdate({ ...trade, o: { ...free, s: "BTCUSDC" } }).fill?.fill;
  assert.equal(usdc?.feeCurrency, "USDC");
  const { commissionAsset: _, ...row } = {
    symbol: "ETHUSDC",
    id: 5,
    orderId: 9,
    side: "BUY",
    price: "3000",
    qty: "0.01",
    commission: "0",
    commissionAsset: "USDC",
    maker: true,
    time: 1764720000000,
  };
  assert.equal(parseUserTrade(row, "c-1").fill.feeCurrency, "USDC");
  assert.equal(parseUserTrade({ ...row, symbol: "ETHUSDT" }, "c-1").fill.feeCurrency, "USDT");
});

Deno.test("parseAccountUpdate: balances and signed positions; FUNDING_FEE is a funding payment from bc", () => {
  const sample = parseAccountUpdate(fixture("binance_ws_ACCOUNT_UPDATE_sample.json") as Json);
  assert.equal(sample.reason, "ORDER");
  assert.deepEqual(sample.balances.map((b) => [b.currency, b.total.toString()]), [[
    "USDT",
    "19063.47171448",
  ]]);
  assert.deepEqual(
    sample.positions.map((p) => [p.symbol, p.quantity.toString(), p.entryPrice.toString()]),
    [
      ["binance:INJUSDT", "2.1", "23.364"],
    ],
  );
  assert.deepEqual(sample.funding, []);
  const funding = parseAccountUpdate({
    e: "ACCOUNT_UPDATE",
    E: 1700000000000,
    T: 1700000000000,
    a: { m: "FUNDING_FEE", B: [{ a: "USDT", wb: "100.5", cw: "100.5", bc: "-0.42" }] },
  });
  assert.deepEqual(funding.funding.map((f) => [f.currency, f.amount.toString(), f.ts]), [
    ["USDT", "-0.42", 1700000000000000],
  ]);
  assert.deepEqual(funding.positions, []);
  const deposit = parseAccountUpdate(
    fixture("binance_ws_ACCOUNT_UPDATE_deposit_after_upgrade_doc.json") as Json,
  );
  assert.equal(deposit.reason, "DEPOSIT");
  assert.equal(deposit.balances[0].currency, "BNB");
});

Deno.test("parseRestOrder: documented order objects (GET, DELETE, openOrders)", () => {
  const get = parseRestOrder(fixture("binance_rest_order_get_response.json"));
  assert.equal(get.id, "1573346959");
  assert.equal(get.status, "accepted");
  assert.equal(get.request.type, "stop-market");
  assert.equal(get.request.quantity.toString(), "0.4");
  assert.equal(get.averagePrice, undefined);
  const deleted = parseRestOrder(fixture("binance_rest_order_delete_response.json"));
  assert.equal(deleted.status, "canceled");
  assert.equal(deleted.request.clientOrderId, "myOrder1");
  const open = (fixture("binance_rest_openOrders_response.json") as unknown[]).map(parseRestOrder);
  assert.equal(open.length, 1);
  // GTD reads as GTC (we never send GTD).
  assert.equal(
    parseRestOrder(fixture("binance_rest_order_post_response_doc.json")).request.timeInForce,
    "gtc",
  );
  assert.throws(
    () =>
      parseRestOrder({
        ...(fixture("binance_rest_order_get_response.json") as Json),
        status: "WEIRD",
      }),
    (error: unknown) =>
      error instanceof DataError && /unknown order status "WEIRD"/.test(error.message),
  );
});

Deno.test("parseAlgoUpdate: NEW → accepted with the trigger; CANCELED → canceled", () => {
  const wire = (status: string): Json => ({
    e: "ALGO_UPDATE",
    T: 1750515742297,
    E: 1750515742303,
    o: {
      caid: "bn-stop",
      aid: 2148719,
      at: "CONDITIONAL",
      o: "STOP_MARKET",
      s: "BTCUSDT",
      S: "BUY",
      ps: "BOTH",
      f: "GTC",
      q: "0.01",
      X: status,
      ai: "",
      ap: "0",
      aq: "0",
      act: "MARKET",
      tp: "51000",
      p: "0",
      R: false,
    },
  });
  const created = parseAlgoUpdate(wire("NEW"));
  assert.equal(created.status, "accepted");
  assert.equal(created.request.clientOrderId, "bn-stop");
  assert.equal(created.request.triggerPrice?.toString(), "51000");
  assert.equal(parseAlgoUpdate(wire("CANCELED")).status, "canceled");
  assert.equal(parseAlgoUpdate(wire("EXPIRED")).status, "expired");
});

Deno.test("GTE_GTC (closePosition / protective orders) parses as GTC in ORDER_TRADE_UPDATE, ALGO_UPDATE and REST orders", () => {
  const doc = fixture("binance_closeposition_gte_gtc.json") as {
    ORDER_TRADE_UPDATE: Json;
    ALGO_UPDATE: Json;
    order: Json;
  };
  const streamed = parseOrderTradeUpdate(doc.ORDER_TRADE_UPDATE);
  assert.equal(streamed.order.request.timeInForce, "gtc");
  assert.equal(streamed.order.request.type, "stop-market");
  assert.equal(streamed.order.request.triggerPrice?.toString(), "88250.5");
  assert.equal(streamed.order.status, "accepted");
  assert.equal(streamed.fill, undefined);
  const algo = parseAlgoUpdate(doc.ALGO_UPDATE);
  assert.equal(algo.request.timeInForce, "gtc");
  assert.equal(algo.request.clientOrderId, "tsr-close-8");
  assert.equal(algo.status, "accepted");
  const rest = parseRestOrder(doc.order);
  assert.equal(rest.request.timeInForce, "gtc");
  assert.equal(rest.request.clientOrderId, "tsr-close-7");
  assert.equal(rest.status, "accepted");
  // Only the names Binance documents or sends are accepted; others are still refused.
  assert.throws(
    () => timeInForce("GTE"),
    (error: unknown) =>
      error instanceof DataError && /unknown timeInForce "GTE"/.test(error.message),
  );
});

Deno.test("parseFundingIncome: a FUNDING_FEE income row → the payment per symbol, paid positive, keyed by tranId", () => {
  // The documented row shape of GET /fapi/v1/income (values ours).
  const row = {
    symbol: "BTCUSDT",
    incomeType: "FUNDING_FEE",
    income: "-0.01234567",
    asset: "USDT",
    info: "FUNDING_FEE",
    time: 1764720000000,
    tranId: 9689322392,
    tradeId: "",
  };
  const { payment, ts } = parseFundingIncome(row);
  assert.deepEqual([payment.id, payment.symbol, payment.amount.toString(), payment.currency], [
    "9689322392",
    "binance:BTCUSDT",
    "0.01234567",
    "USDT",
  ]);
  assert.equal(ts, 1764720000000000);
  // The currency is the row's own (a USDC perpetual pays in USDC), never a default.
  assert.equal(
    parseFundingIncome({ ...row, symbol: "BTCUSDC", asset: "USDC" }).payment.currency,
    "USDC",
  );
  const { asset: _, ...noAsset } = row;
  assert.throws(() => parseFundingIncome(noAsset), DataError);
  assert.throws(
    () => parseFundingIncome({ ...row, incomeType: "COMMISSION" }),
    (error: unknown) =>
      error instanceof DataError && /COMMISSION is not a funding fee/.test(error.message),
  );
});

Deno.test("parsePositionRisk and parseBalance: documented v2/v3 rows", () => {
  const flat = parsePositionRisk(
    (fixture("binance_rest_positionRisk_v2_response.json") as unknown[])[0],
  );
  assert.ok(flat !== undefined && flat.quantity.isZero() && flat.entryPrice.isZero());
  const long = parsePositionRisk(
    (fixture("binance_rest_positionRisk_v3_response.json") as unknown[])[0],
  );
  assert.deepEqual([long?.symbol, long?.quantity.toString(), long?.entryPrice.toString()], [
    "binance:ADAUSDT",
    "30",
    "0.385",
  ]);
  assert.equal(
    parsePositionRisk({ symbol: "X", positionSide: "LONG", positionAmt: "1" }),
    undefined,
  );
  const balance = parseBalance((fixture("binance_rest_balance_v2_response.json") as unknown[])[0]);
  assert.deepEqual([balance.currency, balance.total.toString(), balance.available.toString()], [
    "USDT",
    "122607.35137903",
    "23.72469206",
  ]);
});

Deno.test("parseSymbolInfo: exchangeInfo filters → tick, step, minimum quantity and notional", () => {
  const info = fixture("binance_rest_exchangeInfo_response_doc.json") as {
    symbols: unknown[];
    rateLimits: unknown;
  };
  const blz = parseSymbolInfo(info.symbols[0]);
  assert.equal(blz.instrument.symbol, "binance:BLZUSDT");
  assert.equal(blz.instrument.tickSize.toString(), "0.0001");
  assert.equal(blz.instrument.lotSize.toString(), "1");
  assert.equal(blz.instrument.minQuantity.toString(), "1");
  assert.equal(blz.instrument.minNotional.toString(), "5");
  assert.equal(blz.instrument.settle, "USDT");
  assert.deepEqual(blz.marketLot, { step: "1", min: "1", max: "590119" });
  assert.equal(blz.status, "TRADING");
  assert.deepEqual(parseRateLimits(info.rateLimits), { weight1m: 2400, orders1m: 1200 });
  const noLot = {
    ...(info.symbols[0] as Json),
    filters: [{ filterType: "PRICE_FILTER", tickSize: "0.1" }],
  };
  assert.throws(
    () => parseSymbolInfo(noLot),
    (error: unknown) =>
      error instanceof DataError && /BLZUSDT has no LOT_SIZE filter/.test(error.message),
  );
});
