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
import { BybitExecutionClient, BybitPrivateStream } from "../../connectors/bybit/mod.ts";
import { decimal, ZERO } from "../../lib/domain/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import type { LiveExecution, LiveLogRecord } from "../../lib/live/mod.ts";
import { until } from "../_until.ts";
import { SIM_KEY, simWsBase, startSimAccount } from "./_live_cli.ts";
import { restartableSessions, simWiring } from "./_live_session.ts";

const SYMBOL = "bybit:BTCUSDT";

Deno.test("live (bybit): restarted while the private stream was down, the funding booked during the outage is caught up, once", async () => {
  const sim = await startSimAccount("bybit");
  const logs: LiveLogRecord[] = [];
  const statePath = join(await Deno.makeTempDir({ prefix: "tesser-live-outage-" }), "state.db");
  try {
    sim.market.setBook("BTCUSDT", [[49_999.5, 5]], [[50_000.5, 5]]);
    const wsBase = simWsBase(sim);
    const wiring = await simWiring(sim, SYMBOL);
    const session = restartableSessions(wiring, {
      statePath,
      logs,
      // The CLI's channel, with a 200 ms catch-up overlap instead of 60 s.
      execution: (live): LiveExecution => {
        assert.ok(live.execution?.kind === "venue");
        const client = live.execution.client;
        assert.ok(client instanceof BybitExecutionClient);
        return {
          kind: "venue",
          client,
          privateChannel: (
            sink: (event: Event) => void,
            resume?: { readonly sinceMs: number },
          ) => {
            const stream = new BybitPrivateStream({
              url: `${wsBase}/v5/private`,
              credentials: SIM_KEY,
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
      },
    });
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
