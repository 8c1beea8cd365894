/**
 * A restart while the private stream is down: the process goes on committing its state (here
 * the shutdown's commit), so the commit time runs ahead of the last private event delivered.
 * The restarted stream must catch up from when the stream went down, not from the last commit
 * (here that of a resting order sent during the outage):
 * from the commit it skipped what the venue booked during the outage (a funding payment here)
 * for good. Checked against connectors/simulator's ledger on 127.0.0.1 (Bybit driver, a short
 * catch-up overlap so that the outage can outlast it in a test).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { liveVenue } from "../../cli/_live_venue.ts";
import { BybitExecutionClient, BybitPrivateStream } from "../../connectors/bybit/mod.ts";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { loadMarkets } from "../../lib/backtest/markets.ts";
import { decimal, ZERO } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import { WallClock, WallSleeper } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import {
  type LiveExecution,
  type LiveLogRecord,
  LiveRuntime,
  openLiveStore,
} from "../../lib/live/mod.ts";
import { builtinStrategies } from "../../lib/strategies/mod.ts";

const KEY = { apiKey: "outage-key", apiSecret: "outage-secret" };
const SYMBOL = "bybit:BTCUSDT";

async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("live (bybit): restarted while the private stream was down, the funding booked during the outage is caught up, once", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const logs: LiveLogRecord[] = [];
  const statePath = join(await Deno.makeTempDir({ prefix: "tesser-live-outage-" }), "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const instruments = await loadMarkets("config/markets.toml");
    const clock = new WallClock();
    const sleeper = new WallSleeper(clock);
    const wsBase = sim.wsPublicUrl.replace(/\/v5\/public\/linear$/, "");
    const venue = () =>
      liveVenue({
        profile: "sim",
        exchange: {
          driver: "bybit",
          rest_url: sim.restUrl,
          ws_url: wsBase,
          api_key: KEY.apiKey,
          api_secret: KEY.apiSecret,
        },
        live: true,
        instruments,
        symbols: [SYMBOL],
        clock,
        sleeper,
        seed: 1,
      });
    let started = 0;
    const session = async () => {
      const live = venue();
      await live.prepare();
      assert.ok(live.execution?.kind === "venue");
      const client = live.execution.client;
      assert.ok(client instanceof BybitExecutionClient);
      // The CLI's channel, with a 200 ms catch-up overlap instead of 60 s.
      const execution: LiveExecution = {
        kind: "venue",
        client,
        privateChannel: (sink: (event: Event) => void, resume?: { readonly sinceMs: number }) => {
          const stream = new BybitPrivateStream({
            url: `${wsBase}/v5/private`,
            credentials: KEY,
            client,
            sink,
            overlapMs: 200,
            backoff: { initialMs: 50, maxMs: 100, factor: 2 },
            ...(resume === undefined ? {} : { sinceMs: resume.sinceMs }),
          });
          return {
            start: () => stream.start(),
            stop: () => stream.close(),
            catchUp: () => stream.catchUp(),
          };
        },
      };
      const store = await openLiveStore({ engine: "sqlite", path: statePath, lockKey: SYMBOL });
      const runtime = new LiveRuntime({
        strategy: builtinStrategies.create("SmaCross", { symbol: SYMBOL, interval: "1m" }),
        instruments,
        initialBalances: { USDT: 0 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.01),
        clock,
        sleeper,
        dataInterval: "1m",
        feeds: live.feeds,
        buildCandles: false,
        orderVenue: execution,
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
    // A long position before the session (adopted at the start).
    sim.exchange.place({
      accountId: 0,
      code: "BTCUSDT",
      side: "buy",
      type: "market",
      tif: "ioc",
      quantity: decimal("0.2"),
      clientId: "outage-open-1",
    });
    const ledgerFunding = () =>
      sim.ledger.fundings({ accountId: 0 }).reduce((sum, f) => sum.plus(f.amount), ZERO);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const first = await session();
    assert.equal(first.runtime.session.portfolio.position(SYMBOL).quantity.toString(), "0.2");
    // The private stream goes down and stays down: every catch-up fails.
    sim.faults.inject({
      kind: "http-status",
      status: 500,
      path: "/v5/execution/list",
      count: 10_000,
    });
    sim.faults.inject({ kind: "ws-drop", stream: "private" });
    await until(
      () => logs.some((l) => /execution down/.test(l.message)),
      "the private stream down",
    );
    sim.exchange.settleFunding("BTCUSDT", "0.0001");
    // The outage outlasts the overlap; the session goes on (a resting order, sent over REST
    // once its state is committed), then the process stops.
    await new Promise((resolve) => setTimeout(resolve, 600));
    first.runtime.inEngine(() => {
      first.runtime.session.oms.submitIntent({
        symbol: SYMBOL,
        side: "buy",
        type: "limit",
        price: 40_000,
        quantity: 0.01,
      });
    });
    await until(() => sim.ledger.orders({ accountId: 0 }).length === 2, "the resting order");
    first.runtime.stop("test: restart while the private stream is down");
    await first.done;
    assert.equal(first.runtime.session.portfolio.fundingPaid().toString(), "0");
    sim.faults.clear();

    const second = await session();
    const portfolio = second.runtime.session.portfolio;
    assert.equal(sim.ledger.fundings({ accountId: 0 }).length, 1);
    assert.equal(portfolio.fundingPaid().toString(), ledgerFunding().toString());
    assert.equal(
      portfolio.balances().find((b) => b.currency === "USDT")?.total.toString(),
      sim.exchange.account(0).wallet.toString(),
    );
    second.runtime.stop("test done");
    await second.done;
  } catch (error) {
    console.log(logs.map((l) => `${l.level} ${l.component} ${l.message}`).join("\n"));
    throw error;
  } finally {
    await sim.stop();
  }
});
