/**
 * The fresh-start fence (lib/live/_pre_start_fills.ts) with the venue's clock off ours: fill
 * times are the venue's, so the start they are compared with must be the venue's time of it
 * too. With the venue 5 min behind, a fill made after the start carries a time before our start
 * (it was dropped: never booked); with the venue 5 min ahead, the pre-start fills of the
 * catch-up's overlap carry times after it (they were booked). Checked against the simulator's
 * ledger and the state file.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { fillAtMarket } from "../_sim_orders.ts";
import { until } from "../_until.ts";
import { liveRunArgs, simConfigDir, startSimAccount, storedFills } from "../live/_live_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function freshStartWithSkew(skewMs: number): Promise<void> {
  const sim = await startSimAccount("bybit");
  sim.clock.skew = skewMs;
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  const statePath = join(dir, "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    // Before the session, within the catch-up's overlap.
    fillAtMarket(sim, "buy", "0.03", "manual-1");
    fillAtMarket(sim, "sell", "0.01", "manual-2");
    const io = recordingIo();
    const run = main(
      liveRunArgs(
        dir,
        "--strategy-config",
        join(ROOT, "examples/strategies/sma_cross.toml"),
        "--duration",
        "6s",
      ),
      io,
    );
    await until(() => io.err.some((l) => /live session started/.test(l)), "the start", 20_000);
    // After the start: a manual order fills; the session must book it (once).
    fillAtMarket(sim, "buy", "0.01", "manual-3");
    assert.equal(await run, 0, io.err.join("\n"));
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.equal(ledger.length, 3);
    // Exactly the fill after the start is in the state: not dropped, no pre-start fill booked.
    assert.deepEqual(
      storedFills(statePath).map((f) => [f.tradeId, f.side, f.quantity]),
      [[ledger[2].execId, "buy", "0.01"]],
      io.err.join("\n"),
    );
  } finally {
    await sim.stop();
  }
}

Deno.test("live run --exec live, fresh, the venue's clock 5 min behind ours: a fill after the start is booked", async () => {
  await freshStartWithSkew(-300_000);
});

Deno.test("live run --exec live, fresh, the venue's clock 5 min ahead of ours: the pre-start fills are not booked", async () => {
  await freshStartWithSkew(300_000);
});
