/**
 * `tesser live run --exec live` on a Binance profile runs the pre-trade account check on the
 * facts the venue reports (here the simulator's): it refuses hedge mode, an isolated symbol,
 * another leverage and other commission rates with one message and exits 2 before any order,
 * or adopts the leverage and fees when configured.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import type { Simulator } from "../../connectors/simulator/simulator.ts";
import { liveRunArgs, simConfigDir, startSimAccount } from "../live/_live_cli.ts";

/** The simulator's config folder with `extra` TOML, plus a SmaCross strategy file. */
async function config(sim: Simulator, extra: string): Promise<string> {
  const dir = await simConfigDir(sim, extra);
  await Deno.writeTextFile(
    join(dir, "strategy.toml"),
    `strategy_name = "SmaCross"\n\n[params]\nsymbol = "binance:BTCUSDT"\n`,
  );
  return dir;
}

const args = (dir: string): string[] =>
  liveRunArgs(dir, "--strategy-config", join(dir, "strategy.toml"), "--duration", "1s");

Deno.test("live run --exec live (binance): the account check refuses every difference at once, before any order", async () => {
  const sim = await startSimAccount("binance", { market: { kind: "static" } });
  try {
    sim.exchange.account(0).hedgeMode = true;
    sim.exchange.account(0).isolated.add("BTCUSDT");
    const io = recordingIo();
    assert.equal(await main(args(await config(sim, "")), io), 2);
    const text = io.err.join("\n");
    assert.match(text, /the account does not match the session: /);
    assert.match(
      text,
      /the account is in hedge position mode; the engine trades one-way positions/,
    );
    assert.match(
      text,
      /binance:BTCUSDT: margin mode isolated at the venue, the session expects cross/,
    );
    assert.match(text, /binance:BTCUSDT: leverage 10 at the venue, 1 configured/);
    assert.match(
      text,
      /binance:BTCUSDT: fee rates maker 0\.0002 \/ taker 0\.00055 at the venue, 0\.0002 \/ 0\.0005 in the markets file/,
    );
    assert.equal(sim.ledger.orders().length, 0);
  } finally {
    await sim.stop();
  }
});

Deno.test("live run --exec live (binance): leverage and fees are adopted when configured, and the session runs", async () => {
  const sim = await startSimAccount("binance", { market: { kind: "static" } });
  try {
    const io = recordingIo();
    const dir = await config(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
    assert.equal(await main(args(dir), io), 0, io.err.join("\n"));
    const text = io.err.join("\n");
    assert.match(
      text,
      /account check: binance:BTCUSDT: leverage 10 at the venue, 1 configured: accounting with 10/,
    );
    assert.match(text, /account check: binance:BTCUSDT: fee rates .*: using the venue's/);
    assert.match(io.out.join("\n"), /ended: stopped/);
  } finally {
    await sim.stop();
  }
});

Deno.test("live run --exec live (binance): a countdownCancelAll the venue refuses at the start stops the session with the venue's message", async () => {
  const sim = await startSimAccount("binance", { market: { kind: "static" } });
  try {
    sim.faults.inject({
      kind: "reject",
      code: -2015,
      message: "Invalid API-key, IP, or permissions for action.",
      path: "/fapi/v1/countdownCancelAll",
      count: 1,
    });
    const dir = await config(
      sim,
      `countdown_cancel_all_secs = 60\n\n[live.account]\non_mismatch = "adopt"\n`,
    );
    const io = recordingIo();
    const code = await main(args(dir), io);
    const text = io.err.join("\n");
    assert.equal(code, 1, text);
    assert.match(
      text,
      /error: binance auth: \/fapi\/v1\/countdownCancelAll: Invalid API-key, IP, or permissions for action\. \(hint: /,
    );
    assert.match(text, /live session stopped/);
    assert.equal(sim.ledger.orders().length, 0);
  } finally {
    await sim.stop();
  }
});
