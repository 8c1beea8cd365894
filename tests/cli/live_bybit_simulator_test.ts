/**
 * `--exec live` on Bybit and Binance profiles, end to end against connectors/simulator on
 * 127.0.0.1: the CLI's venue wiring hands the connector (REST client through
 * `executionClientPort`, public kline stream, private stream) to the live runtime, SmaCross trades a replayed sine of 1m bars,
 * and at the end our fills, position and wallet equal the SIMULATOR's ledger and account.
 */

import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { ManualClock as SimClock } from "../../connectors/simulator/clock.ts";
import type { LiveLogRecord } from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";
import { until } from "../_until.ts";
import { liveRunArgs, simConfigDir, startSimAccount } from "../live/_live_cli.ts";
import { simRuntime, simWiring } from "../live/_live_session.ts";

/** SmaCross through the CLI's venue wiring against a simulator speaking `venueName`. */
async function smaCrossAgainst(venueName: "bybit" | "binance"): Promise<void> {
  const symbol = `${venueName}:BTCUSDT`;
  const simClock = new SimClock(Date.UTC(2026, 5, 1, 12));
  const sim = await startSimAccount(venueName, { clock: simClock });
  const logs: LiveLogRecord[] = [];
  try {
    const wiring = await simWiring(sim, symbol);
    const venue = wiring.venue();
    assert.equal(venue.buildCandles, false);
    assert.ok(venue.execution !== undefined && venue.execution.kind === "venue");
    await venue.prepare();
    const runtime = simRuntime(wiring, venue, venue.execution, {
      strategy: builtinStrategies.create("SmaCross", {
        symbol,
        interval: "1m",
        fast_period: 3,
        slow_period: 8,
        min_samples: 8,
      }),
      log: (record) => logs.push(record),
    });
    const { session } = runtime;
    let candles = 0;
    session.engine.bus.subscribe("candle", () => candles++);
    const done = runtime.run();
    await until(() => logs.some((l) => /live session started/.test(l.message)), "the start");
    // The start-up reconciliation adopted the venue's wallet.
    assert.equal(runtime.lastReconciliation?.mismatch, false);
    assert.equal(
      session.portfolio.balances().find((b) => b.currency === "USDT")?.total.toString(),
      "100000",
    );
    const account = sim.exchange.account(0);
    const bars = 64;
    for (let i = 0; i <= bars; i++) {
      const price = Math.round((50_000 + 600 * Math.sin(i / 2.5)) * 10) / 10;
      sim.market.setBook("BTCUSDT", [[price - 0.5, 5]], [[price + 0.5, 5]]);
      sim.market.trade("BTCUSDT", "buy", price, 0.01);
      simClock.advance(60_000);
      // The trade of bar i closes bar i - 1; then the orders it caused are answered and filled.
      await until(() => candles === i, `bar ${i}`);
      await until(
        () =>
          session.oms.openOrders().length === 0 &&
          session.fills.length === sim.ledger.fills({ accountId: 0 }).length,
        `the orders of bar ${i}`,
      );
    }
    runtime.stop("test done");
    const summary = await done;
    assert.equal(summary.ended, "stopped");
    const ledger = sim.ledger.fills({ accountId: 0 });
    assert.ok(
      ledger.length >= 6,
      `SmaCross should trade the sine (ledger fills: ${ledger.length})`,
    );
    assert.deepEqual(
      session.fills.map(({ fill }) => ({
        id: fill.tradeId,
        side: fill.side,
        price: fill.price.toString(),
        quantity: fill.quantity.toString(),
        fee: fill.fee.toString(),
      })),
      ledger.map((f) => ({
        id: f.execId,
        side: f.side,
        price: f.price.toString(),
        quantity: f.quantity.toString(),
        fee: f.fee.toString(),
      })),
    );
    // One venue order per client id we sent.
    const ids = sim.ledger.orders({ accountId: 0 }).map((o) => o.clientId);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, session.oms.submitted);
    assert.equal(
      session.portfolio.position(symbol).quantity.toString(),
      account.position("BTCUSDT", 0).size.toString(),
    );
    assert.equal(
      session.portfolio.balances().find((b) => b.currency === "USDT")?.total.toString(),
      account.wallet.toString(),
    );
  } catch (error) {
    console.log(logs.map((l) => `${l.level} ${l.component} ${l.message}`).join("\n"));
    console.log(
      JSON.stringify(sim.ledger.orders({ accountId: 0 }).map((o) => [o.clientId, o.status])),
    );
    throw error;
  } finally {
    await sim.stop();
  }
}

Deno.test("live run --exec live (bybit driver): SmaCross against the simulator ends with its ledger's fills, position and wallet", async () => {
  await smaCrossAgainst("bybit");
});

Deno.test("live run --exec live (binance driver): SmaCross against the simulator ends with its ledger's fills, position and wallet", async () => {
  await smaCrossAgainst("binance");
});

Deno.test("live run --exec live: the pre-trade account check refuses the simulator's leverage 10, or adopts it when configured", async () => {
  const sim = await startSimAccount("bybit", { market: { kind: "static" } });
  try {
    const args = (dir: string) =>
      liveRunArgs(
        dir,
        "--strategy-config",
        "examples/strategies/sma_cross.toml",
        "--duration",
        "1s",
      );
    const refuse = await simConfigDir(sim, "");
    const io = recordingIo();
    assert.equal(await main(args(refuse), io), 2);
    assert.match(
      io.err.join("\n"),
      /the account does not match the session: bybit:BTCUSDT: leverage 10 at the venue, 1 configured/,
    );
    assert.equal(sim.ledger.orders().length, 0);
    const adopt = await simConfigDir(sim, `\n[live.account]\non_mismatch = "adopt"\n`);
    const adopted = recordingIo();
    assert.equal(await main(args(adopt), adopted), 0, adopted.err.join("\n"));
    const text = adopted.err.join("\n");
    assert.match(
      text,
      /account check: bybit:BTCUSDT: leverage 10 at the venue, 1 configured: accounting with 10/,
    );
    assert.match(text, /reconciliation \(start\): 1 differences adopted, trading active/);
    assert.match(adopted.out.join("\n"), /ended: stopped/);
  } finally {
    await sim.stop();
  }
});
