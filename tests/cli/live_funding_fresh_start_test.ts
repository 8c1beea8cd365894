/**
 * A fresh live session (no state restored) books no funding payment from before its start:
 * the start's reconciliation adopts the wallet that payment already left, and the private
 * stream's catch-up overlap delivers it again. Booked, it was counted in the funding paid on
 * top of the adopted wallet (and the wallet's difference adopted back); nor is it after a
 * restart whose catch-up overlap delivers it again. A payment after the start is booked once. Checked against the simulator's ledger, both drivers.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { LiveLogRecord, LiveRuntime } from "../../lib/live/mod.ts";
import { until } from "../_until.ts";
import { startSimAccount } from "../live/_live_cli.ts";
import { openLong, restartableSessions, simWiring } from "../live/_live_session.ts";

async function freshStartAfterFunding(venueName: "bybit" | "binance"): Promise<void> {
  const symbol = `${venueName}:BTCUSDT`;
  const sim = await startSimAccount(venueName);
  const logs: LiveLogRecord[] = [];
  const statePath = join(await Deno.makeTempDir({ prefix: "tesser-live-funding-" }), "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const wiring = await simWiring(sim, symbol);
    // The account holds a long position and paid funding on it seconds before the session.
    await openLong(sim, wiring, "0.2", "fund-open-1");
    const [before] = sim.exchange.settleFunding("BTCUSDT", "0.0001");
    assert.ok(before.amount.gt(0));

    const session = restartableSessions(wiring, { statePath, logs });
    const wallet = () => sim.exchange.account(0).wallet.toString();
    const usdt = (runtime: LiveRuntime) =>
      runtime.session.portfolio.balances().find((b) => b.currency === "USDT")?.total.toString();
    const first = await session();
    assert.equal(usdt(first.runtime), wallet());
    // The payment before the start is in the adopted wallet, not in the funding paid.
    assert.equal(first.runtime.session.portfolio.fundingPaid().toString(), "0");
    first.runtime.stop("test: restart");
    await first.done;
    // Restarted within the catch-up's overlap of that payment: still not booked.
    const second = await session();
    const portfolio = second.runtime.session.portfolio;
    assert.equal(portfolio.fundingPaid().toString(), "0");
    assert.equal(usdt(second.runtime), wallet());
    // One after the start is booked, once.
    const [after] = sim.exchange.settleFunding("BTCUSDT", "0.0002");
    await until(() => !portfolio.fundingPaid().isZero(), "the funding after the start");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(portfolio.fundingPaid().toString(), after.amount.toString());
    assert.equal(usdt(second.runtime), wallet());
    second.runtime.stop("test done");
    await second.done;
  } catch (error) {
    console.log(logs.map((l) => `${l.level} ${l.component} ${l.message}`).join("\n"));
    throw error;
  } finally {
    await sim.stop();
  }
}

Deno.test("live (bybit driver), fresh start: a funding payment from before the start is not booked, nor after a restart; one after it is, once", async () => {
  await freshStartAfterFunding("bybit");
});

Deno.test("live (binance driver), fresh start: a funding payment from before the start is not booked, nor after a restart; one after it is, once", async () => {
  await freshStartAfterFunding("binance");
});
