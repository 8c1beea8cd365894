import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import { SimAccount } from "../../../connectors/simulator/account.ts";
import { ManualClock } from "../../../connectors/simulator/clock.ts";
import { SimExchange } from "../../../connectors/simulator/exchange.ts";
import type { CoreEvent, PlaceRequest } from "../../../connectors/simulator/exchange_types.ts";
import {
  DEFAULT_INSTRUMENTS,
  makeSimInstruments,
} from "../../../connectors/simulator/instruments.ts";
import type { SimOrder } from "../../../connectors/simulator/order.ts";

function setup(
  rules: Partial<ConstructorParameters<typeof SimExchange>[2]["rules"]> = {},
  balance = "100000",
): { core: SimExchange; events: CoreEvent[]; clock: ManualClock } {
  const clock = new ManualClock();
  const accounts = [new SimAccount(0, { apiKey: "k", apiSecret: "s", balance })];
  const core = new SimExchange(makeSimInstruments("bybit", DEFAULT_INSTRUMENTS), accounts, {
    clock,
    rules: {
      clientIdScope: "all",
      postOnlyCross: "cancel",
      fokUnfilled: "cancel",
      keepQueueOnShrink: true,
      orderId: (n) => `o${n}`,
      execId: (n) => `e${n}`,
      maxOpenOrders: 500,
      reduceOnlyOrphans: "keep",
      ...rules,
    },
  });
  // Asks 50000.5 × 1, 50001 × 2; bids 49999.5 × 1, 49999 × 3.
  core.applyBook("BTCUSDT", [[49999.5, 1], [49999, 3]], [[50000.5, 1], [50001, 2]], true);
  const events: CoreEvent[] = [];
  core.listen((event) => events.push(event));
  return { core, events, clock };
}

function request(changes: Partial<PlaceRequest>): PlaceRequest {
  return {
    accountId: 0,
    code: "BTCUSDT",
    side: "buy",
    type: "limit",
    tif: "gtc",
    quantity: decimal("0.5"),
    ...changes,
  };
}

function place(core: SimExchange, changes: Partial<PlaceRequest>): SimOrder {
  const result = core.place(request(changes));
  if (!result.ok) throw new Error(`rejected: ${result.message}`);
  return result.value;
}

function rejection(core: SimExchange, changes: Partial<PlaceRequest>): string {
  const result = core.place(request(changes));
  if (result.ok) throw new Error("accepted");
  return result.reason;
}

Deno.test("a market buy sweeps the asks at their prices and pays the taker fee", () => {
  const { core } = setup();
  const order = place(core, { type: "market", quantity: decimal("1.5") });
  assertEquals(order.status, "filled");
  const fills = core.ledger.fills();
  assertEquals(fills.map((f) => [f.price.toString(), f.quantity.toString(), f.maker]), [
    ["50000.5", "1", false],
    ["50001", "0.5", false],
  ]);
  assertEquals(fills[0].fee.toString(), "27.500275"); // 50000.5 × 0.00055
  const position = core.account(0).position("BTCUSDT", 0);
  assertEquals(position.size.toString(), "1.5");
  assertEquals(position.entryPrice.toFixed(4), "50000.6667");
  assertEquals(
    core.account(0).wallet.toString(),
    decimal("100000").minus(fills[0].fee).minus(fills[1].fee).toString(),
  );
});

Deno.test("a fee finer than the wire's 8 decimals is charged as reported: rounded to 8 decimals", () => {
  const { core } = setup();
  // 50000.7 × 0.001 × 0.00055 = 0.027500385: nine decimals (the wire rounds half to even).
  core.applyBook("BTCUSDT", [[49999.5, 1]], [[50000.7, 1]], true);
  place(core, { type: "market", quantity: decimal("0.001") });
  const [fill] = core.ledger.fills();
  // The execution report prints the fee with at most 8 decimals; the wallet must move by that.
  assertEquals(fill.fee.toString(), "0.02750038");
  assertEquals(core.account(0).wallet.toString(), "99999.97249962");
});

Deno.test("realized PnL at an average entry with endless decimals is booked to 8 decimals", () => {
  const { core } = setup();
  core.applyBook("BTCUSDT", [[49999.5, 1]], [[50000.5, 0.001], [50001, 1]], true);
  // Entry (50000.5 + 2 × 50001) / 3 = 50000.8333…; closing 0.001 at 49999.5 realizes −0.00133…
  place(core, { type: "market", quantity: decimal("0.003") });
  place(core, { type: "market", side: "sell", quantity: decimal("0.001") });
  const [, , close] = core.ledger.fills();
  assertEquals(close.realizedPnl.toString(), "-0.00133333");
  const wallet = core.account(0).wallet.toString();
  assert(wallet.split(".")[1].length <= 8, `wallet ${wallet} has more than 8 decimals`);
});

Deno.test("liquidity our fills took is not taken twice until the feed changes the level", () => {
  const { core } = setup();
  place(core, { type: "market", quantity: decimal("1") });
  place(core, { type: "market", quantity: decimal("1") });
  assertEquals(core.ledger.fills().map((f) => f.price.toString()), ["50000.5", "50001"]);
});

Deno.test("an unfilled market remainder is cancelled", () => {
  const { core } = setup();
  const order = place(core, { type: "market", quantity: decimal("5") });
  assertEquals(order.status, "cancelled");
  assertEquals(order.cancelReason, "market-unfilled");
  assertEquals(order.filled.toString(), "3");
});

Deno.test("a GTC limit crossing takes within its price and rests the rest", () => {
  const { core } = setup();
  const order = place(core, { price: decimal("50000.5"), quantity: decimal("1.5") });
  assertEquals(order.status, "partially-filled");
  assertEquals(order.filled.toString(), "1");
  assertEquals(core.openOrders(0).length, 1);
});

Deno.test("IOC cancels its remainder, FOK fills all or nothing", () => {
  const { core } = setup();
  const ioc = place(core, { price: decimal("50000.5"), quantity: decimal("1.5"), tif: "ioc" });
  assertEquals([ioc.status, ioc.filled.toString(), ioc.cancelReason], ["cancelled", "1", "ioc"]);
  const fok = place(core, { price: decimal("50001"), quantity: decimal("5"), tif: "fok" });
  assertEquals([fok.status, fok.filled.toString(), fok.cancelReason], ["cancelled", "0", "fok"]);
  const { core: binance } = setup({ fokUnfilled: "reject" });
  assertEquals(
    rejection(binance, { price: decimal("50001"), quantity: decimal("5"), tif: "fok" }),
    "fok-unfilled",
  );
});

Deno.test("a crossing post-only order is cancelled (Bybit) or refused (Binance)", () => {
  const { core } = setup();
  const order = place(core, { price: decimal("50001"), tif: "post-only" });
  assertEquals([order.status, order.cancelReason], ["cancelled", "post-only"]);
  assertEquals(core.ledger.fills().length, 0);
  const { core: binance } = setup({ postOnlyCross: "reject" });
  assertEquals(
    rejection(binance, { price: decimal("50001"), tif: "post-only" }),
    "post-only-would-take",
  );
  const resting = place(binance, { price: decimal("49999"), tif: "post-only" });
  assertEquals(resting.status, "new");
});

Deno.test("a resting bid fills as maker when trades print through it, after the queue at its price", () => {
  const { core } = setup();
  const order = place(core, { price: decimal("49999"), quantity: decimal("1") });
  assertEquals(order.queueAhead, 3);
  core.applyTrade("BTCUSDT", 49999, 2.5, "sell");
  assertEquals(order.filled.toString(), "0");
  core.applyTrade("BTCUSDT", 49999, 1, "sell");
  assertEquals(order.filled.toString(), "0.5");
  core.applyTrade("BTCUSDT", 49998, 4, "sell");
  assertEquals(order.status, "filled");
  const fills = core.ledger.fills();
  assert(fills.every((f) => f.maker && f.price.eq(49999)));
  assertEquals(fills[0].fee.toString(), "4.9999"); // 0.5 × 49999 × 0.0002
});

Deno.test("a resting order fills when the book moves through it", () => {
  const { core } = setup();
  const order = place(core, { price: decimal("49999.5"), quantity: decimal("0.4") });
  core.applyBook("BTCUSDT", [], [[49999.5, 1]], false);
  assertEquals([order.status, order.filled.toString()], ["filled", "0.4"]);
  assertEquals(core.ledger.fills()[0].maker, true);
});

Deno.test("a stop-market order waits for the last price to cross its trigger", () => {
  const { core } = setup();
  const stop = place(core, {
    type: "market",
    triggerPrice: decimal("50100"),
    quantity: decimal("1"),
  });
  assertEquals(stop.status, "untriggered");
  core.applyTrade("BTCUSDT", 50050, 0.1, "buy");
  assertEquals(stop.status, "untriggered");
  core.applyTrade("BTCUSDT", 50100, 0.1, "buy");
  assertEquals(stop.status, "filled");
  assertEquals(stop.filled.toString(), "1");
});

Deno.test("reduce-only needs an opposite position and is capped at its size", () => {
  const { core } = setup();
  assertEquals(rejection(core, { side: "sell", type: "market", reduceOnly: true }), "reduce-only");
  place(core, { type: "market", quantity: decimal("0.3") });
  const close = place(core, {
    side: "sell",
    type: "market",
    quantity: decimal("1"),
    reduceOnly: true,
  });
  assertEquals(close.quantity.toString(), "0.3");
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "0");
  const fill = core.ledger.fills().at(-1);
  assertEquals(fill?.closedSize.toString(), "0.3");
  assertEquals(fill?.realizedPnl.toString(), "-0.3"); // bought 50000.5, sold 49999.5
});

Deno.test("orders beyond the available margin are refused with the numbers", () => {
  const { core } = setup({}, "1000");
  const result = core.place(request({ quantity: decimal("1"), price: decimal("49000") }));
  if (result.ok) throw new Error("accepted");
  assertEquals(result.reason, "insufficient-margin");
  assertEquals(
    result.message,
    "the order needs 4926.9500 USDT of margin, 1000.0000 is available",
  );
});

Deno.test("grid violations name the rule: lot, tick, minimum notional", () => {
  const { core } = setup();
  assertEquals(
    rejection(core, { quantity: decimal("0.0005"), price: decimal("49000") }),
    "quantity",
  );
  assertEquals(rejection(core, { price: decimal("49000.05") }), "price");
  assertEquals(
    rejection(core, { quantity: decimal("0.001"), price: decimal("100") }),
    "min-notional",
  );
  assertEquals(rejection(core, { price: undefined }), "invalid-request");
});

Deno.test("client ids: Bybit refuses any reuse, Binance only among open orders", () => {
  const { core } = setup();
  const first = place(core, { price: decimal("49000"), clientId: "a" });
  core.cancel(0, { clientId: "a" });
  assertEquals(first.status, "cancelled");
  assertEquals(rejection(core, { price: decimal("49000"), clientId: "a" }), "duplicate-client-id");
  const { core: binance } = setup({ clientIdScope: "open" });
  place(binance, { price: decimal("49000"), clientId: "a" });
  assertEquals(
    rejection(binance, { price: decimal("49000"), clientId: "a" }),
    "duplicate-client-id",
  );
  binance.cancel(0, { clientId: "a" });
  assertEquals(place(binance, { price: decimal("49000"), clientId: "a" }).status, "new");
});

Deno.test("amend: shrinking keeps the queue place on Bybit, a new price loses it", () => {
  const { core } = setup();
  const order = place(core, { price: decimal("49999"), quantity: decimal("1") });
  core.applyTrade("BTCUSDT", 49999, 2, "sell");
  assertEquals(order.queueAhead, 1);
  const shrink = core.amend(0, { orderId: order.orderId }, { quantity: decimal("0.5") });
  assert(shrink.ok);
  assertEquals(order.queueAhead, 1);
  core.amend(0, { orderId: order.orderId }, { price: decimal("49999.5") });
  assertEquals(order.queueAhead, 1); // the displayed size at 49999.5
  const { core: binance } = setup({ keepQueueOnShrink: false });
  const other = place(binance, { price: decimal("49999"), quantity: decimal("1") });
  binance.applyTrade("BTCUSDT", 49999, 2, "sell");
  binance.amend(0, { orderId: other.orderId }, { quantity: decimal("0.5") });
  assertEquals(other.queueAhead, 3);
});

Deno.test("amend and cancel of unknown or closed orders are refused", () => {
  const { core } = setup();
  const amend = core.amend(0, { orderId: "nope" }, { quantity: decimal("1") });
  assertEquals(amend.ok ? "ok" : amend.reason, "order-not-found");
  const filled = place(core, { type: "market", quantity: decimal("0.1") });
  const cancel = core.cancel(0, { orderId: filled.orderId });
  assertEquals(cancel.ok ? "ok" : cancel.reason, "order-closed");
  const below = place(core, { price: decimal("50000.5"), quantity: decimal("1.5") });
  assertEquals(below.filled.toString(), "0.9");
  const shrink = core.amend(0, { orderId: below.orderId }, { quantity: decimal("0.5") });
  assertEquals(shrink.ok ? "ok" : shrink.reason, "quantity");
});

Deno.test("the ledger and listeners see every order state and fill in order", () => {
  const { core, events } = setup();
  const order = place(core, { price: decimal("49000"), clientId: "c1" });
  core.cancel(0, { orderId: order.orderId });
  place(core, { type: "market", quantity: decimal("0.1") });
  assertEquals(core.ledger.history(order.orderId).map((o) => o.status), ["new", "cancelled"]);
  assertEquals(core.ledger.order("c1")?.status, "cancelled");
  assertEquals(events.map((e) => e.kind), [
    "order",
    "order",
    "order",
    "fill",
    "order",
    "position",
    "wallet",
  ]);
});

Deno.test("leverage outside the symbol's range is refused and changes order margin", () => {
  const { core } = setup({}, "1000");
  const bad = core.setLeverage(0, "BTCUSDT", decimal("101"));
  assertEquals(bad.ok ? "ok" : bad.reason, "leverage");
  assert(core.setLeverage(0, "BTCUSDT", decimal("100")).ok);
  place(core, { price: decimal("49000"), quantity: decimal("1") });
  assertEquals(core.orderMargin(0, "USDT").toString(), "490");
});

Deno.test("a position is liquidated at its liquidation price when the mark crosses it", () => {
  const { core } = setup({ liquidationClientId: (n) => `autoclose-${n}` });
  place(core, { type: "market", quantity: decimal("1") }); // long 1 at 50000.5, 10×
  const resting = place(core, { price: decimal("40000"), quantity: decimal("0.1") });
  const wallet = core.account(0).wallet;
  // E·(1 − 1/L + m) = 50000.5 × 0.905 = 45250.4525, rounded up to the tick: 45250.5.
  core.applyBook("BTCUSDT", [[45300, 1]], [[45310, 1]], true);
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "1");
  core.applyBook("BTCUSDT", [[45200, 1]], [[45210, 1]], true);
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "0");
  const fill = core.ledger.fills().at(-1);
  assertEquals([fill?.price.toString(), fill?.quantity.toString(), fill?.liquidation], [
    "45250.5",
    "1",
    true,
  ]);
  assertEquals(fill?.clientId?.startsWith("autoclose-"), true);
  assertEquals([resting.status, resting.cancelReason], ["cancelled", "liquidation"]);
  const loss = decimal("45250.5").minus("50000.5");
  assertEquals(
    core.account(0).wallet.toString(),
    wallet.plus(loss).minus(fill?.fee ?? 0).toString(),
  );
});

// A protective stop and a take-profit rest as reduce-only orders on one long position: once
// one of them has closed it, the other must never open a position the other way.
function protectedLong(
  rules: Partial<ConstructorParameters<typeof SimExchange>[2]["rules"]> = {},
): { core: SimExchange; stop: SimOrder; takeProfit: SimOrder } {
  const { core } = setup(rules);
  place(core, { type: "market", quantity: decimal("0.5") });
  const stop = place(core, {
    side: "sell",
    type: "market",
    triggerPrice: decimal("49000"),
    quantity: decimal("0.5"),
    reduceOnly: true,
  });
  const takeProfit = place(core, {
    side: "sell",
    price: decimal("51000"),
    quantity: decimal("0.5"),
    reduceOnly: true,
  });
  return { core, stop, takeProfit };
}

Deno.test("a triggered reduce-only stop with no position left to reduce is cancelled, not filled", () => {
  const { core, stop, takeProfit } = protectedLong({ reduceOnlyOrphans: "keep" });
  core.applyTrade("BTCUSDT", 51000.5, 1, "buy"); // the take-profit closes the long
  assertEquals(takeProfit.status, "filled");
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "0");
  assertEquals(stop.status, "untriggered"); // the venue keeps it (Binance)
  core.applyBook("BTCUSDT", [[48900, 5]], [[48901, 5]], true);
  core.applyTrade("BTCUSDT", 48900, 0.1, "sell"); // through the stop
  assertEquals([stop.status, stop.cancelReason, stop.filled.toString()], [
    "cancelled",
    "reduce-only",
    "0",
  ]);
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "0");
});

Deno.test("a resting reduce-only limit never fills beyond the position it reduces", () => {
  const { core, stop, takeProfit } = protectedLong({ reduceOnlyOrphans: "keep" });
  core.applyBook("BTCUSDT", [[48900, 5]], [[48901, 5]], true);
  core.applyTrade("BTCUSDT", 48900, 0.1, "sell"); // the stop closes the long
  assertEquals(stop.status, "filled");
  assertEquals(takeProfit.status, "new");
  core.applyTrade("BTCUSDT", 51000.5, 1, "buy"); // through the orphaned take-profit
  assertEquals([takeProfit.status, takeProfit.cancelReason, takeProfit.filled.toString()], [
    "cancelled",
    "reduce-only",
    "0",
  ]);
  assertEquals(core.account(0).position("BTCUSDT", 0).size.toString(), "0");
});

Deno.test("Bybit cancels the reduce-only orders a closed position leaves behind (CancelByReduceOnly)", () => {
  const { core, stop, takeProfit } = protectedLong({ reduceOnlyOrphans: "cancel" });
  core.applyBook("BTCUSDT", [[48900, 5]], [[48901, 5]], true);
  core.applyTrade("BTCUSDT", 48900, 0.1, "sell");
  assertEquals(stop.status, "filled");
  assertEquals([takeProfit.status, takeProfit.cancelReason], ["cancelled", "reduce-only"]);
  assertEquals(core.openOrders(0).length, 0);
});
