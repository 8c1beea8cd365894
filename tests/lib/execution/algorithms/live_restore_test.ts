// Restart in the middle of a TWAP, live against the Bybit simulator (real v5 wire protocol on
// 127.0.0.1): the session's orders go through executionClientPort and the Bybit connector,
// fills come back on the private stream, and the process "dies" after the first slice. A new
// session restored from the OMS and algorithms snapshots finishes the parent: the simulator's
// ledger holds each slice exactly once.
import assert from "node:assert/strict";
import { executionClientPort } from "../../../../lib/broker/mod.ts";
import type { Event } from "../../../../lib/events/mod.ts";
import {
  type AlgorithmsSnapshot,
  fixedQuantity,
  type OmsSnapshot,
} from "../../../../lib/execution/mod.ts";
import { knownReport } from "../../../../lib/portfolio/mod.ts";
import { TradingSession } from "../../../../lib/trader/mod.ts";
import type { BybitExecutionClient } from "../../../../connectors/bybit/execution_client.ts";
import type { BybitPrivateStream } from "../../../../connectors/bybit/private_stream.ts";
import { startSimulator } from "../../../../connectors/simulator/simulator.ts";
import { BTC, TwapOnce } from "../../trader/_fixtures.ts";
import { pumpUntil } from "../../../_until.ts";
import { simExecutionClient, simPrivateStream } from "../../../connectors/bybit/_sim_client.ts";

const KEY = { apiKey: "key-a", apiSecret: "secret-a" };
const nowMicros = (): number => Date.now() * 1000;

/** A live-style session: reports and stream events queue up and are processed in a loop. */
function liveSession(client: BybitExecutionClient): {
  session: TradingSession;
  queue: Event[];
  pump: () => void;
} {
  const queue: Event[] = [];
  const session = new TradingSession({
    strategy: new TwapOnce("live_twap"),
    instruments: [BTC],
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.003),
    clientIdPrefix: "live_twap",
  }, () => executionClientPort(client, (e) => queue.push(e), { now: nowMicros }));
  session.host("1m");
  const pump = (): void => {
    while (queue.length > 0) {
      const event = queue.shift();
      if (event !== undefined) {
        session.engine.process({ ...event, ts: Math.max(event.ts, session.clock.now()) });
      }
    }
    session.engine.advanceTo(nowMicros());
  };
  return { session, queue, pump };
}

Deno.test("live against the simulator: restart mid-TWAP, the restored session sends each remaining slice once", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const streams: BybitPrivateStream[] = [];
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const client = simExecutionClient(sim, KEY);
    const connect = async (queue: Event[]): Promise<void> => {
      const stream = simPrivateStream(sim, KEY, client, (e) => queue.push(e), Date.now() - 60_000);
      streams.push(stream);
      await stream.start();
    };

    // The first process: the signal starts the TWAP, its first slice fills, then it "dies".
    const a = liveSession(client);
    await connect(a.queue);
    const t0 = nowMicros();
    a.session.engine.process({
      kind: "candle",
      ts: t0,
      tsRecv: t0,
      candle: {
        symbol: BTC.symbol,
        interval: "1m",
        openTime: t0 - 60_000_000,
        open: 50_000,
        high: 50_000,
        low: 50_000,
        close: 50_000,
        volume: 1,
      },
    });
    const [parentA] = a.session.algorithms.parents();
    await pumpUntil(() => parentA.filledLots >= 1, a.pump, "the first slice's fill");
    assert.equal(parentA.children, 1);
    const state = JSON.parse(JSON.stringify({
      oms: a.session.oms.snapshot(),
      algorithms: a.session.algorithms.snapshot(),
    })) as { oms: OmsSnapshot; algorithms: AlgorithmsSnapshot };
    await streams[0].close();

    // The restarted process: restore, adopt the venue's position, reconnect, carry on.
    const b = liveSession(client);
    b.session.oms.restore(state.oms);
    b.session.algorithms.restore(state.algorithms);
    const positions = await client.positions();
    const held = positions.find((p) => p.symbol === BTC.symbol);
    assert.ok(held !== undefined);
    b.session.reconcile(
      knownReport([{ symbol: BTC.symbol, quantity: held.quantity, entryPrice: held.entryPrice }]),
      knownReport(
        [...await client.balances()].map((x) => ({ currency: x.currency, total: x.total })),
      ),
    );
    await connect(b.queue);
    const [parentB] = b.session.algorithms.parents();
    await pumpUntil(() => parentB.status !== "working", b.pump, "the parent to finish");

    assert.equal(parentB.status, "completed");
    assert.equal(parentB.children, 3);
    const ledger = sim.ledger.orders().filter((o) => String(o.clientId).startsWith("live_twap"));
    const ids = ledger.map((o) => String(o.clientId));
    assert.equal(ids.length, 3, ids.join(" "));
    assert.equal(new Set(ids).size, 3);
    const filled = sim.ledger.fills().reduce((s, f) => s + f.quantity.toNumber(), 0);
    assert.ok(Math.abs(filled - 0.003) < 1e-12, `filled ${filled}`);
  } finally {
    for (const stream of streams) await stream.close().catch(() => {});
    await sim.stop();
  }
});
