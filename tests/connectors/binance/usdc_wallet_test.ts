/**
 * A USDC-margined contract on the Binance simulator books its fees, realized PnL and funding in
 * the USDC wallet only: the simulator's own accounts, `/fapi/v2/balance` and `/fapi/v2/account`
 * (a row per asset, as binance_rest_balance_v2_response.json lists them), and the user stream's
 * `ACCOUNT_UPDATE` (only the changed asset in `B`, "Only the changed assets and positions are
 * pushed", exchanges.md §2.6) — and so our client's view — leave USDT untouched.
 */

import assert from "node:assert/strict";
import { decimal, type OrderRequest } from "../../../lib/domain/mod.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { BinanceUserStream } from "../../../connectors/binance/user_stream.ts";
import { DEFAULT_INSTRUMENTS } from "../../../connectors/simulator/instruments.ts";
import { FAST, KEY, until, withBinanceSim } from "./_sim.ts";
import { signed } from "../simulator/_binance_client.ts";

const USDC_PERP = {
  code: "BTCUSDC",
  base: "BTC",
  quote: "USDC",
  tickSize: "0.1",
  lotSize: "0.001",
  minNotional: "5",
};

function market(side: "buy" | "sell", id: string): OrderRequest {
  return {
    clientOrderId: id,
    symbol: "binance:BTCUSDC",
    side,
    type: "market",
    quantity: decimal("0.01"),
    timeInForce: "ioc",
    reduceOnly: side === "sell",
  };
}

Deno.test("binance simulator: a USDC-margined order moves the USDC wallet only, in the ledger and in our client's view", async () => {
  await withBinanceSim(async ({ sim, client }) => {
    const events: Event[] = [];
    const user = new BinanceUserStream({
      url: sim.wsPrivateUrl,
      client,
      sink: (event) => events.push(event),
      backoff: FAST,
      symbols: ["binance:BTCUSDC"],
    });
    client.onOrderAccepted((order) => user.noteOrderAccepted(order));
    try {
      await user.start();
      sim.market.setBook("BTCUSDC", [[49_999.9, 5]], [[50_000.1, 5]]);
      const account = sim.exchange.account(0);
      await client.placeOrder(market("buy", "usdc-buy"));
      await client.placeOrder(market("sell", "usdc-sell"));
      await client.placeOrder(market("buy", "usdc-buy-2"));
      // Long 0.01 at the mid 50,000, rate 0.0001: pays 0.05 USDC.
      const [funding] = sim.exchange.settleFunding("BTCUSDC", "0.0001");
      assert.equal(funding.amount.toString(), "0.05");

      // The simulator's ledger: fees, the round trip's PnL and funding, all in USDC.
      const fills = sim.ledger.fills({ accountId: 0, code: "BTCUSDC" });
      assert.equal(fills.length, 3);
      const fees = fills.reduce((sum, f) => sum.plus(f.fee), decimal(0));
      const pnl = fills.reduce((sum, f) => sum.plus(f.realizedPnl), decimal(0));
      assert.equal(pnl.toString(), "-0.002");
      const usdc = decimal("20000").plus(pnl).minus(fees).minus("0.05");
      assert.equal(account.walletOf("USDC").toString(), usdc.toString());
      assert.equal(account.wallet.toString(), "100000");

      // Our client's REST view: a row per asset, USDT as it was.
      const balances = await client.balances();
      assert.deepEqual(
        balances.map((b) => [b.currency, b.total.toString()]),
        [["USDT", "100000"], ["USDC", usdc.toString()]],
      );
      const info = await signed(sim, "GET", "/fapi/v2/account", {});
      const assets = (info.body as { assets: { asset: string; walletBalance: string }[] }).assets;
      assert.deepEqual(
        assets.map((a) => [a.asset, a.walletBalance]),
        [["USDT", "100000"], ["USDC", usdc.toString()]],
      );
      const risk = await signed(sim, "GET", "/fapi/v3/positionRisk", { symbol: "BTCUSDC" });
      assert.equal((risk.body as { marginAsset: string }[])[0].marginAsset, "USDC");

      // The user stream: fills charged in USDC, funding in USDC, only USDC balances pushed.
      await until(() => events.filter((e) => e.kind === "fill").length === 3, "three fills");
      await until(() => events.some((e) => e.kind === "funding-payment"), "the funding payment");
      const delivered = events.flatMap((e) => e.kind === "fill" ? [e.fill.feeCurrency] : []);
      assert.deepEqual(delivered, ["USDC", "USDC", "USDC"]);
      const paid = events.flatMap((e) =>
        e.kind === "funding-payment" ? [[e.payment.currency, e.payment.amount.toString()]] : []
      );
      assert.deepEqual(paid, [["USDC", "0.05"]]);
      const pushed = events.flatMap((e) => e.kind === "account" ? e.balances : []);
      assert.ok(pushed.length > 0);
      assert.deepEqual([...new Set(pushed.map((b) => b.currency))], ["USDC"]);
      assert.equal(pushed.at(-1)?.total.toString(), usdc.toString());
    } finally {
      await user.close();
    }
  }, {
    instruments: [...DEFAULT_INSTRUMENTS, USDC_PERP],
    accounts: [{ ...KEY, balance: "100000", balances: { USDC: "20000" } }],
  });
});
