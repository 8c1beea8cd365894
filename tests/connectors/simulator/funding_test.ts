/**
 * Funding settled by the simulator: booked on the wallet to 8 decimals, recorded in the
 * ledger, pushed on the private streams and listed by the history endpoints the connectors
 * catch up from (Bybit `/v5/execution/list` execType Funding, Binance `/fapi/v1/income`).
 */

import assert from "node:assert/strict";
import { get, post } from "./_bybit_client.ts";
import { signed } from "./_binance_client.ts";
import { withSim } from "./_sim.ts";

const accounts = [{ apiKey: "key-a", apiSecret: "secret-a", balance: "10000" }];

Deno.test("bybit: funding on a long is paid from the wallet and listed as a Funding execution, newest first with the fills", async () => {
  await withSim({ venue: "bybit", accounts }, async (sim, clock) => {
    const placed = await post(sim, "/v5/order/create", {
      category: "linear",
      symbol: "BTCUSDT",
      side: "Buy",
      orderType: "Market",
      qty: "0.1",
    });
    assert.equal(placed.body.retCode, 0);
    const walletBefore = sim.exchange.account(0).wallet;
    clock.advance(60_000);
    // Long 0.1 at the mark 50000 (the book's mid), rate 0.0001: pays 0.5.
    const [funding] = sim.exchange.settleFunding("BTCUSDT", "0.0001");
    assert.equal(funding.amount.toString(), "0.5");
    assert.equal(sim.exchange.account(0).wallet.toString(), walletBefore.minus("0.5").toString());
    assert.deepEqual(sim.ledger.fundings({ accountId: 0 }).map((f) => f.id), [funding.id]);
    const listed = await get(sim, "/v5/execution/list", "category=linear&symbol=BTCUSDT");
    const list = (listed.body.result as { list: Record<string, unknown>[] }).list;
    assert.deepEqual(list.map((e) => e.execType), ["Funding", "Trade"]);
    assert.equal(list[0].execId, funding.id);
    assert.equal(list[0].execFee, "0.5");
    assert.equal(list[0].feeRate, "0.0001");
    assert.equal(list[0].execTime, String(clock.now()));
    const onlyFunding = await get(
      sim,
      "/v5/execution/list",
      `category=linear&execType=Funding&startTime=${clock.now()}`,
    );
    assert.deepEqual(
      (onlyFunding.body.result as { list: Record<string, unknown>[] }).list.map((e) => e.execId),
      [funding.id],
    );
  });
});

Deno.test("binance: funding on a short is received and listed by /fapi/v1/income as FUNDING_FEE", async () => {
  await withSim({ venue: "binance", accounts }, async (sim, clock) => {
    const placed = await signed(sim, "POST", "/fapi/v1/order", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.1",
    });
    assert.equal(placed.status, 200);
    const walletBefore = sim.exchange.account(0).wallet;
    clock.advance(60_000);
    const [funding] = sim.exchange.settleFunding("BTCUSDT", "0.0001");
    assert.equal(funding.amount.toString(), "-0.5");
    assert.equal(sim.exchange.account(0).wallet.toString(), walletBefore.plus("0.5").toString());
    const since = clock.now();
    const income = await signed(sim, "GET", "/fapi/v1/income", {
      incomeType: "FUNDING_FEE",
      startTime: String(since),
    });
    assert.deepEqual(income.body, [{
      symbol: "BTCUSDT",
      incomeType: "FUNDING_FEE",
      income: "0.5",
      asset: "USDT",
      info: "FUNDING_FEE",
      time: since,
      tranId: Number(funding.id),
      tradeId: "",
    }]);
    const later = await signed(sim, "GET", "/fapi/v1/income", {
      incomeType: "FUNDING_FEE",
      startTime: String(since + 1),
    });
    assert.deepEqual(later.body, []);
    const other = await signed(sim, "GET", "/fapi/v1/income", { incomeType: "COMMISSION" });
    assert.deepEqual(other.body, []);
  });
});
