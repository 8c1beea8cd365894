/**
 * Funding in live sessions, end to end against connectors/simulator on 127.0.0.1: the CLI's
 * venue wiring (cli/_live_venue.ts) delivers what the venue booked to the session, whose
 * portfolio books it — while connected, while the private stream is down (the catch-up), and
 * while the process is down (the restart's catch-up) — so the funding booked equals the
 * SIMULATOR's ledger and the wallet equals the simulator's, each payment once.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ZERO } from "../../lib/domain/mod.ts";
import type { LiveLogRecord } from "../../lib/live/mod.ts";
import { until } from "../_until.ts";
import { startSimAccount } from "../live/_live_cli.ts";
import { openLong, restartableSessions, simWiring } from "../live/_live_session.ts";

async function fundingAcrossRestart(venueName: "bybit" | "binance", skewMs = 0): Promise<void> {
  const symbol = `${venueName}:BTCUSDT`;
  const sim = await startSimAccount(venueName);
  const logs: LiveLogRecord[] = [];
  // The venue's clock behind ours: a restart must ask the venue's history from the venue's
  // time of its last commit, not from our clock's.
  sim.clock.skew = skewMs;
  const statePath = join(await Deno.makeTempDir({ prefix: "tesser-live-funding-" }), "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    // The CLI's venue wiring of a `[exchange.sim]` profile, once per process.
    const wiring = await simWiring(sim, symbol);
    const session = restartableSessions(wiring, { statePath, logs });
    // A long position the account holds before the session starts (adopted at the start).
    await openLong(sim, wiring, "0.2", "fund-open-1");
    const ledgerFunding = () =>
      sim.ledger.fundings({ accountId: 0 }).reduce((sum, f) => sum.plus(f.amount), ZERO);
    const wallet = () => sim.exchange.account(0).wallet.toString();

    const first = await session();
    const portfolio = () => first.runtime.session.portfolio;
    assert.equal(portfolio().position(symbol).quantity.toString(), "0.2");
    const usdt = (p: typeof first.runtime.session.portfolio) =>
      p.balances().find((b) => b.currency === "USDT")?.total.toString();
    assert.equal(usdt(portfolio()), wallet());
    // While connected.
    sim.exchange.settleFunding("BTCUSDT", "0.0001");
    await until(
      () => portfolio().fundingPaid().eq(ledgerFunding()),
      "the streamed funding booked",
    );
    // While the private stream is down: from the reconnect's catch-up.
    sim.faults.inject({ kind: "ws-drop", stream: "private" });
    sim.exchange.settleFunding("BTCUSDT", "-0.00037");
    await until(
      () => portfolio().fundingPaid().eq(ledgerFunding()),
      "the funding made while disconnected booked",
    );
    assert.equal(usdt(portfolio()), wallet());
    first.runtime.stop("test: restart");
    await first.done;

    // While the process is down: from the restarted session's catch-up, before its start-up
    // reconciliation (which then finds nothing to adopt).
    sim.exchange.settleFunding("BTCUSDT", "0.00021");
    const second = await session();
    const restored = second.runtime.session.portfolio;
    assert.equal(sim.ledger.fundings({ accountId: 0 }).length, 3);
    assert.equal(restored.fundingPaid().toString(), ledgerFunding().toString());
    assert.equal(usdt(restored), wallet());
    assert.deepEqual(second.runtime.lastReconciliation?.event.differences, []);
    // Nothing more arrives later (no payment twice).
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(restored.fundingPaid().toString(), ledgerFunding().toString());
    second.runtime.stop("test done");
    await second.done;
  } catch (error) {
    console.log(logs.map((l) => `${l.level} ${l.component} ${l.message}`).join("\n"));
    throw error;
  } finally {
    await sim.stop();
  }
}

Deno.test("live (bybit driver): funding booked while connected, while disconnected and across a restart equals the simulator's ledger, once each", async () => {
  await fundingAcrossRestart("bybit");
});

Deno.test("live (binance driver): funding booked while connected, while disconnected and across a restart equals the simulator's ledger, once each", async () => {
  await fundingAcrossRestart("binance");
});

Deno.test("live (bybit driver): with our clock 5 min ahead of the venue's, the funding made while the process was down is still booked once", async () => {
  await fundingAcrossRestart("bybit", -300_000);
});

Deno.test("live (binance driver): with our clock 5 min ahead of the venue's, the funding made while the process was down is still booked once", async () => {
  await fundingAcrossRestart("binance", -300_000);
});
