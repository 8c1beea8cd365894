/**
 * Binance sends one ACCOUNT_UPDATE (reason FUNDING_FEE) per symbol at a funding time, and each
 * only says "funding happened": the payments come from `GET /fapi/v1/income` (weight 30). The
 * updates of one funding time must share their queries (one in flight, one pending), and every
 * payment must still arrive exactly once. Against connectors/simulator, counting the income
 * requests the venue received.
 */

import assert from "node:assert/strict";
import { fillAtMarket } from "../../_sim_orders.ts";
import type { Event } from "../../../lib/events/mod.ts";
import { BinanceUserStream } from "../../../connectors/binance/user_stream.ts";
import { DEFAULT_INSTRUMENTS } from "../../../connectors/simulator/instruments.ts";
import { FAST, sleep, until, withBinanceSim } from "./_sim.ts";

const CODES = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT", "FFFUSDT"];

Deno.test("user stream: the funding updates of six symbols at one funding time → at most two income queries, each payment once", async () => {
  await withBinanceSim(async ({ sim, client }) => {
    const events: Event[] = [];
    const user = new BinanceUserStream({
      url: sim.wsPrivateUrl,
      client,
      sink: (event) => events.push(event),
      backoff: FAST,
      symbols: CODES.map((code) => `binance:${code}`),
    });
    try {
      await user.start();
      for (const code of CODES) {
        sim.market.setBook(code, [[99.9, 100]], [[100.1, 100]]);
        fillAtMarket(sim, "buy", "1", `open-${code}`, code);
      }
      const route = "GET /fapi/v1/income";
      const before = sim.ledger.requests(route);
      for (const code of CODES) sim.exchange.settleFunding(code, "0.0001");
      const payments = () => events.flatMap((e) => e.kind === "funding-payment" ? [e] : []);
      await until(() => payments().length >= CODES.length, "every symbol's payment");
      await sleep(200);
      const queries = sim.ledger.requests(route) - before;
      assert.ok(queries >= 1 && queries <= 2, `${queries} income queries for one funding time`);
      const ledger = sim.ledger.fundings({ accountId: 0 });
      assert.equal(ledger.length, CODES.length);
      assert.deepEqual(
        payments().map((e) => [e.payment.id, e.payment.symbol, e.payment.amount.toString()]),
        ledger.map((f) => [f.id, `binance:${f.code}`, f.amount.toString()]),
      );
    } finally {
      await user.close();
    }
  }, {
    instruments: [
      ...DEFAULT_INSTRUMENTS,
      ...CODES.map((code) => ({
        code,
        base: code.slice(0, 3),
        tickSize: "0.1",
        lotSize: "0.001",
        maxQuantity: "100000",
        minNotional: "5",
        startPrice: 100,
      })),
    ],
  });
});
