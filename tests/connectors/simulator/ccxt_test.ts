/**
 * Faithfulness: ccxt (an independent client of the real Bybit and Binance APIs), pointed at the
 * simulator's URLs and otherwise unchanged, loads markets, places, queries, amends and cancels
 * orders and reads positions and balances — and the simulator's ledger agrees with it.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import ccxt from "ccxt";
import { type Simulator, startSimulator } from "../../../connectors/simulator/simulator.ts";

const SYMBOL = "BTC/USDT:USDT";

/** Points every ccxt API URL of the venue's host at the simulator. */
function pointAt(urls: Record<string, unknown>, host: RegExp, base: string): void {
  for (const [key, value] of Object.entries(urls)) {
    if (typeof value === "string" && host.test(value)) urls[key] = value.replace(host, base);
  }
}

function id(order: { id?: string }): string {
  if (order.id === undefined) throw new Error("ccxt returned an order without an id");
  return order.id;
}

/** What ccxt reports as the USDT total: Bybit's wallet balance, Binance's margin balance (with unrealized PnL). */
type Total = "wallet" | "equity";

async function lifeCycle(
  sim: Simulator,
  exchange: InstanceType<typeof ccxt.Exchange>,
  total: Total,
): Promise<void> {
  const markets = await exchange.loadMarkets();
  assertEquals(Object.keys(markets).sort(), ["BTC/USDT:USDT", "ETH/USDT:USDT"]);
  assertEquals(markets[SYMBOL]?.precision.price, 0.1);
  const order = await exchange.createOrder(SYMBOL, "limit", "buy", 0.01, 49000, {
    clientOrderId: "ccxt-1",
  });
  const orderId = id(order);
  assertEquals(sim.ledger.order(orderId)?.clientId, "ccxt-1");
  // Bybit's amend answers only the ids, so the ledger tells what changed.
  await exchange.editOrder(orderId, SYMBOL, "limit", "buy", 0.02, 49100);
  assertEquals(sim.ledger.order(orderId)?.quantity.toString(), "0.02");
  assertEquals(sim.ledger.order(orderId)?.price?.toString(), "49100");
  const cancelled = await exchange.cancelOrder(orderId, SYMBOL);
  assertEquals(id(cancelled), orderId);
  assertEquals(sim.ledger.order(orderId)?.status, "cancelled");
  const market = await exchange.createOrder(SYMBOL, "market", "buy", 0.5);
  assertEquals(sim.ledger.order(id(market))?.status, "filled");
  const [position] = await exchange.fetchPositions([SYMBOL]);
  assertEquals([position.side, position.contracts], ["long", 0.5]);
  const balance = await exchange.fetchBalance();
  const wallet = sim.exchange.account(0).wallet;
  const expected = total === "wallet" ? wallet : wallet.plus(sim.exchange.unrealized(0, "USDT"));
  // The venues print money to 8 decimals.
  assertEquals(
    (balance.total as unknown as Record<string, number>).USDT,
    Number(expected.toFixed(8)),
  );
}

Deno.test("ccxt bybit runs an order life cycle against the simulator unchanged", async () => {
  const sim = await startSimulator({ venue: "bybit" });
  try {
    const exchange = new ccxt.bybit({
      apiKey: sim.accounts[0].apiKey,
      secret: sim.accounts[0].apiSecret,
      options: { defaultType: "swap", fetchMarkets: { types: ["linear"] } },
    });
    pointAt(
      exchange.urls.api as Record<string, unknown>,
      /^https:\/\/api\.\{hostname\}/,
      sim.restUrl,
    );
    pointAt(
      exchange.urls.api as Record<string, unknown>,
      /^https:\/\/api\.bybit\.com/,
      sim.restUrl,
    );
    await lifeCycle(sim, exchange, "wallet");
    const open = await exchange.createOrder(SYMBOL, "limit", "sell", 0.01, 51000);
    assertEquals((await exchange.fetchOpenOrder(id(open), SYMBOL)).status, "open");
  } finally {
    await sim.stop();
  }
});

Deno.test("ccxt binanceusdm runs an order life cycle against the simulator unchanged", async () => {
  const sim = await startSimulator({ venue: "binance" });
  try {
    const exchange = new ccxt.binanceusdm({
      apiKey: sim.accounts[0].apiKey,
      secret: sim.accounts[0].apiSecret,
      options: { fetchCurrencies: false },
    });
    pointAt(
      exchange.urls.api as Record<string, unknown>,
      /^https:\/\/fapi\.binance\.com/,
      sim.restUrl,
    );
    await lifeCycle(sim, exchange, "equity");
    const open = await exchange.createOrder(SYMBOL, "limit", "sell", 0.01, 51000);
    assertEquals((await exchange.fetchOrder(id(open), SYMBOL)).status, "open");
  } finally {
    await sim.stop();
  }
});
