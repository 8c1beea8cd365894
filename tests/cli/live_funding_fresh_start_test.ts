/**
 * A fresh live session (no state restored) books no funding payment from before its start:
 * the start's reconciliation adopts the wallet that payment already left, and the private
 * stream's catch-up overlap delivers it again. Booked, it was counted in the funding paid on
 * top of the adopted wallet (and the wallet's difference adopted back); nor is it after a
 * restart whose catch-up overlap delivers it again. A payment after the start is booked once. Checked against the simulator's ledger, both drivers.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { liveVenue } from "../../cli/_live_venue.ts";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { loadMarkets } from "../../lib/backtest/markets.ts";
import { decimal } from "../../lib/domain/mod.ts";
import { WallClock, WallSleeper } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { type LiveLogRecord, LiveRuntime, openLiveStore } from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";

const KEY = { apiKey: "fund-key", apiSecret: "fund-secret" };

async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function freshStartAfterFunding(venueName: "bybit" | "binance"): Promise<void> {
  const symbol = `${venueName}:BTCUSDT`;
  const sim = await startSimulator({
    venue: venueName,
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const logs: LiveLogRecord[] = [];
  const statePath = join(await Deno.makeTempDir({ prefix: "tesser-live-funding-" }), "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const instruments = await loadMarkets("config/markets.toml");
    const clock = new WallClock();
    const sleeper = new WallSleeper(clock);
    const exchange = venueName === "bybit"
      ? {
        driver: "bybit" as const,
        rest_url: sim.restUrl,
        ws_url: sim.wsPublicUrl.replace(/\/v5\/public\/linear$/, ""),
        api_key: KEY.apiKey,
        api_secret: KEY.apiSecret,
      }
      : {
        driver: "binance" as const,
        rest_url: sim.restUrl,
        ws_url: sim.wsPublicUrl.replace(/\/public$/, ""),
        api_key: KEY.apiKey,
        api_secret: KEY.apiSecret,
      };
    const venue = () =>
      liveVenue({
        profile: "sim",
        exchange,
        live: true,
        instruments,
        symbols: [symbol],
        clock,
        sleeper,
        seed: 1,
      });
    // The account holds a long position and paid funding on it seconds before the session.
    const opener = venue();
    await opener.prepare();
    assert.ok(opener.execution?.kind === "venue");
    await opener.execution.client.placeOrder({
      clientOrderId: "fund-open-1",
      symbol,
      side: "buy",
      type: "market",
      quantity: decimal("0.2"),
      timeInForce: "ioc",
      reduceOnly: false,
    });
    await until(() => sim.ledger.fills({ accountId: 0 }).length === 1, "the opening fill");
    const [before] = sim.exchange.settleFunding("BTCUSDT", "0.0001");
    assert.ok(before.amount.gt(0));

    let started = 0;
    const session = async () => {
      const live = venue();
      assert.ok(live.execution !== undefined);
      await live.prepare();
      const store = await openLiveStore({ engine: "sqlite", path: statePath, lockKey: symbol });
      const runtime = new LiveRuntime({
        strategy: builtinStrategies.create("SmaCross", { symbol, interval: "1m" }),
        instruments,
        initialBalances: { USDT: 0 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.01),
        clock,
        sleeper,
        dataInterval: "1m",
        feeds: live.feeds,
        buildCandles: false,
        orderVenue: live.execution,
        ackTimeoutMs: 5_000,
        reconcileIntervalMs: 3_600_000,
        store,
        log: (record) => logs.push(record),
      });
      const done = runtime.run();
      await until(
        () => logs.filter((l) => /live session started/.test(l.message)).length > started,
        "the start",
      );
      started++;
      return { runtime, done };
    };
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
