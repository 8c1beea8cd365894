/**
 * `live.reconciliation_threshold` end to end: `tesser live run --exec live` against the
 * simulator, whose wallet then changes without a fill (a deposit). The next pass adopts it; a
 * change beyond the threshold reaches the webhook as `reconciliation-adopted`, one below it is only
 * logged. The fresh start's own adoption (the whole wallet) is its baseline and raises nothing.
 */

import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { decimal } from "../../lib/domain/mod.ts";
import { liveRunArgs, simConfigDir, startSimAccount } from "../live/_live_cli.ts";
import { startReceiver } from "../lib/live/ops/_receiver.ts";
import { until } from "../_until.ts";

const SMA_CROSS = new URL("../../examples/strategies/sma_cross.toml", import.meta.url).pathname;

Deno.test("live.reconciliation_threshold: a wallet change beyond it reaches the webhook as reconciliation-adopted; one below it is only logged", async () => {
  const sim = await startSimAccount("bybit");
  const receiver = startReceiver([200]);
  const dir = await simConfigDir(
    sim,
    `\n[live]\nreconciliation_interval_secs = 1\nreconciliation_threshold = 0.004\n` +
      `\n[live.account]\non_mismatch = "adopt"\n`,
  );
  try {
    const io = recordingIo();
    const run = main(
      liveRunArgs(
        dir,
        "--strategy-config",
        SMA_CROSS,
        "--duration",
        "8s",
        "--webhook-url",
        receiver.url,
      ),
      io,
    );
    const adopted = (total: string) =>
      io.err.some((l) => l.includes(`venue ${total} (`) && /adopted the venue's balance/.test(l));
    await until(() => adopted("100000"), "the start's adoption", 20_000);
    const account = sim.exchange.account(0);
    // 300 USDT on 100,000: 0.3%, under the configured 0.4% (the default 0.1% would alert).
    account.wallet = decimal("100300");
    await until(() => adopted("100300"), "the small adoption", 10_000);
    // 600 USDT more: 0.59%, beyond it.
    account.wallet = decimal("100900");
    await until(() => adopted("100900"), "the large adoption", 10_000);
    await receiver.received(1);
    assert.equal(await run, 0, io.err.join("\n"));
    const hooks = receiver.bodies.filter((b) => b.code === "reconciliation-adopted");
    assert.equal(hooks.length, 1, JSON.stringify(receiver.bodies));
    assert.match(
      String(hooks[0].text),
      /reconciliation \(periodic\) adopted .*threshold 0\.4%: USDT balance 100300 → 100900 \(0\.59%\)/,
    );
    assert.equal(hooks[0].severity, "warning");
  } finally {
    await receiver.close();
    await sim.stop();
  }
});
