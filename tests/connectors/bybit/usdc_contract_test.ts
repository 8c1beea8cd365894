/**
 * A USDC-settled linear contract on the Bybit simulator (a `BTCPERP`-style listing): its fill and
 * funding are charged in USDC, the wallet's USDC coin moves and USDT does not, and our client's
 * stream and REST view say the same as the simulator's ledger.
 */

import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { DEFAULT_INSTRUMENTS } from "../../../connectors/simulator/instruments.ts";
import { simExecutionClient, simPrivateStream } from "./_sim_client.ts";
import { until } from "../../_until.ts";

const KEY = { apiKey: "key-c", apiSecret: "secret-c" };

Deno.test("Bybit simulator: a USDC contract's fill and funding move the USDC coin only, as our client sees it", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    instruments: [...DEFAULT_INSTRUMENTS, {
      code: "BTCPERP",
      base: "BTC",
      quote: "USDC",
      tickSize: "0.1",
      lotSize: "0.001",
    }],
    accounts: [{ ...KEY, balance: "10000", balances: { USDC: "20000" } }],
  });
  const events: Event[] = [];
  const client = simExecutionClient(sim, KEY);
  const stream = simPrivateStream(sim, KEY, client, (event) => events.push(event));
  try {
    sim.market.setBook("BTCPERP", [[49_999.5, 5]], [[50_000.5, 5]]);
    await stream.start();
    await client.placeOrder({
      clientOrderId: "perp-1",
      symbol: "bybit:BTCPERP",
      side: "buy",
      type: "market",
      quantity: decimal("0.01"),
      timeInForce: "ioc",
      reduceOnly: false,
    });
    // Long 0.01 at the mid 50,000, rate 0.0001: pays 0.05 USDC.
    const [funding] = sim.exchange.settleFunding("BTCPERP", "0.0001");
    await until(() => events.some((e) => e.kind === "funding-payment"), "the funding payment");
    await until(() => events.some((e) => e.kind === "fill"), "the fill");

    const [fill] = sim.ledger.fills({ accountId: 0, code: "BTCPERP" });
    const usdc = decimal("20000").minus(fill.fee).minus(funding.amount);
    const account = sim.exchange.account(0);
    assert.equal(account.walletOf("USDC").toString(), usdc.toString());
    assert.equal(account.wallet.toString(), "10000");

    const fills = events.flatMap((e) => e.kind === "fill" ? [e.fill] : []);
    assert.deepEqual(fills.map((f) => [f.feeCurrency, f.fee.toString()]), [
      ["USDC", fill.fee.toString()],
    ]);
    const payments = events.flatMap((e) => e.kind === "funding-payment" ? [e.payment] : []);
    assert.deepEqual(payments.map((p) => [p.currency, p.amount.toString()]), [["USDC", "0.05"]]);
    const balances = await client.balances();
    assert.deepEqual(
      balances.map((b) => [b.currency, b.total.toString()]),
      [["USDT", "10000"], ["USDC", usdc.toString()]],
    );
  } finally {
    await stream.close();
    await sim.stop();
  }
});
