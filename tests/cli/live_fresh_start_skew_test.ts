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
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { decimal } from "../../lib/domain/mod.ts";
import { SIM_KEY, simConfigDir, storedFills } from "../live/_live_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function until(predicate: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freshStartWithSkew(skewMs: number): Promise<void> {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...SIM_KEY, balance: "100000" }],
  });
  sim.clock.skew = skewMs;
  const dir = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
  const statePath = join(dir, "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const market = (side: "buy" | "sell", quantity: string, clientId: string) => {
      const placed = sim.exchange.place({
        accountId: 0,
        code: "BTCUSDT",
        side,
        type: "market",
        tif: "ioc",
        quantity: decimal(quantity),
        clientId,
      });
      assert.ok(placed.ok, `the ${clientId} order should fill`);
    };
    // Before the session, within the catch-up's overlap.
    market("buy", "0.03", "manual-1");
    market("sell", "0.01", "manual-2");
    const io = recordingIo();
    const run = main([
      "--config-dir",
      dir,
      "live",
      "run",
      "--strategy-config",
      join(ROOT, "examples/strategies/sma_cross.toml"),
      "--markets-file",
      join(ROOT, "config/markets.toml"),
      "--exchange",
      "sim",
      "--exec",
      "live",
      "--duration",
      "6s",
      "--log-path",
      join(dir, "live.json"),
      "--state-path",
      statePath,
      "--metrics-addr",
      "127.0.0.1:0",
    ], io);
    await until(() => io.err.some((l) => /live session started/.test(l)), "the start", 20_000);
    // After the start: a manual order fills; the session must book it (once).
    market("buy", "0.01", "manual-3");
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
