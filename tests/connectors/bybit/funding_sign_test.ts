/**
 * The sign of a Bybit Funding execution's `execFee`: positive = the account paid funding,
 * negative = it received (Bybit's v5 transaction-log doc: its `funding`, positive = received, is
 * "opposite to the execFee from Get Trade History"; exchanges.md and the fixtures do not say).
 * Both signs against connectors/simulator: what the private stream and the REST history deliver
 * equals the simulator's ledger, and booked by our portfolio it moves the balance as the
 * simulator's wallet moved.
 */

import assert from "node:assert/strict";
import {
  type Decimal,
  decimal,
  type FundingPayment,
  makeInstrument,
} from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { Portfolio } from "../../../lib/portfolio/mod.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { simExecutionClient, simPrivateStream } from "./_sim_client.ts";

const KEY = { apiKey: "key-f", apiSecret: "secret-f" };
const BTCUSDT = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});

async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), `timed out waiting for ${what}`);
}

Deno.test("Bybit Funding execFee: positive is paid, negative received, as the simulator's ledger and wallet book it", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "10000" }],
  });
  const events: Event[] = [];
  const client = simExecutionClient(sim, KEY);
  const stream = simPrivateStream(sim, KEY, client, (event) => events.push(event));
  try {
    // Mid 50,000 is the mark the funding is charged at.
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    await stream.start();
    await client.placeOrder({
      clientOrderId: "long-1",
      symbol: "bybit:BTCUSDT",
      side: "buy",
      type: "market",
      quantity: decimal("0.1"),
      timeInForce: "ioc",
      reduceOnly: false,
    });
    await until("the fill", () => events.some((e) => e.kind === "fill"));
    const walletAfterFill = sim.exchange.account(0).wallet;
    // Long 0.1 × 50,000: a rate of +0.0001 makes it pay 0.5, one of −0.0002 receive 1.
    const [paid] = sim.exchange.settleFunding("BTCUSDT", "0.0001");
    const [received] = sim.exchange.settleFunding("BTCUSDT", "-0.0002");
    assert.equal(paid.amount.toString(), "0.5");
    assert.equal(received.amount.toString(), "-1");
    assert.equal(sim.exchange.account(0).wallet.toString(), walletAfterFill.plus("0.5").toString());

    const payments = (): FundingPayment[] =>
      events.flatMap((e) => e.kind === "funding-payment" ? [e.payment] : []);
    await until("both funding payments", () => payments().length === 2);
    const ledger = sim.ledger.fundings({ accountId: 0 });
    assert.deepEqual(
      payments().map((p) => [p.id, p.amount.toString(), p.currency]),
      ledger.map((f) => [f.id, f.amount.toString(), "USDT"]),
    );
    assert.deepEqual(payments().map((p) => p.amount.toString()), ["0.5", "-1"]);

    // The REST history (the catch-up's source) carries the same signs.
    const history = await client.executions(sim.clock.now() - 60_000);
    assert.deepEqual(
      history.flatMap((e) => e.type === "funding" ? [e.funding.amount.toString()] : []),
      ["0.5", "-1"],
    );

    // Booked by our portfolio, the payments move USDT as they moved the simulator's wallet.
    const portfolio = new Portfolio({
      instruments: [BTCUSDT],
      initialBalances: { USDT: walletAfterFill.toString() },
      reportingCurrency: "USDT",
    });
    const fundingTs = events.flatMap((e) => e.kind === "funding-payment" ? [e.ts] : []);
    payments().forEach((payment, i) => portfolio.bookFundingPayment(payment, fundingTs[i] + i));
    const usdt = (): Decimal | undefined =>
      portfolio.balances().find((b) => b.currency === "USDT")?.total;
    assert.equal(usdt()?.toString(), sim.exchange.account(0).wallet.toString());
    assert.equal(portfolio.fundingPaid().toString(), "-0.5");
  } finally {
    await stream.close();
    await sim.stop();
  }
});
