/**
 * A fresh `tesser live run --exec live` (no state file) on an account that traded before: the
 * venue's execution history from before the start (within the stream's catch-up overlap) is not
 * booked — those fills happened before the session existed, and the start's reconciliation adopts
 * the position and wallet they left instead — while a fill after the start is booked once. Checked
 * against the simulator's ledger.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { fillAtMarket } from "../_sim_orders.ts";
import { until } from "../_until.ts";
import { liveRunArgs, simConfigDir, startSimAccount, storedFills } from "../live/_live_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function freshStartOn(venue: "bybit" | "binance"): Promise<void> {
  const sim = await startSimAccount(venue);
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  const statePath = join(dir, "state.db");
  const strategyFile = join(dir, "strategy.toml");
  await Deno.writeTextFile(
    strategyFile,
    (await Deno.readTextFile(join(ROOT, "examples/strategies/sma_cross.toml")))
      .replace("bybit:BTCUSDT", `${venue}:BTCUSDT`),
  );
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    // Before the session: bought 0.03 and sold 0.01 by hand, seconds ago (inside the overlap
    // the private stream's catch-up asks the venue's history for).
    fillAtMarket(sim, "buy", "0.03", "manual-1");
    fillAtMarket(sim, "sell", "0.01", "manual-2");
    const before = sim.ledger.fills({ accountId: 0 }).length;
    assert.equal(before, 2);
    const io = recordingIo();
    const run = main(
      liveRunArgs(dir, "--strategy-config", strategyFile, "--duration", "6s"),
      io,
    );
    await until(() => io.err.some((l) => /live session started/.test(l)), "the start", 20_000);
    // After the start: another manual order fills; the session books it.
    fillAtMarket(sim, "buy", "0.01", "manual-3");
    await until(
      () => io.err.some((l) => /fill: buy 0\.01/.test(l)),
      "the fill after the start",
      10_000,
    );
    assert.equal(await run, 0, io.err.join("\n"));
    // The fresh start's adoption is its baseline: no reconciliation-adopted alert.
    assert.ok(!io.err.some((l) => /adopted the venue's figures beyond/.test(l)));
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 3);
    // Only the fill after the start is in the state.
    assert.deepEqual(
      storedFills(statePath).map((f) => [f.tradeId, f.side, f.quantity]),
      [[ledger[2].execId, "buy", "0.01"]],
    );
    const inspect = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", statePath, "--json"], inspect), 0);
    const state = JSON.parse(inspect.out.join("\n"));
    const position = state.state.portfolio.positions.find(
      (p: { symbol: string }) => p.symbol === `${venue}:BTCUSDT`,
    );
    const atVenue = sim.exchange.account(0).position("BTCUSDT", 0).size.toString();
    assert.equal(atVenue, "0.03");
    assert.equal(position?.quantity, atVenue);
  } finally {
    await sim.stop();
  }
}

Deno.test("live run --exec live, fresh (bybit driver): the venue's pre-start fills are not booked (the position is adopted); a fill after the start is", async () => {
  await freshStartOn("bybit");
});

Deno.test("live run --exec live, fresh (binance driver): the venue's pre-start fills are not booked (the position is adopted); a fill after the start is", async () => {
  await freshStartOn("binance");
});
