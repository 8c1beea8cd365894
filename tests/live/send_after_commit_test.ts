/**
 * A request reaches the venue only once the state that made it is committed (issue 16, the
 * kill -9 test's seed 20261202: a TWAP child at the venue its restored parent did not count).
 * A live runtime on a state file works a 3-slice TWAP against the Bybit simulator
 * (127.0.0.1); the second and third slices are sent by the algorithm's timers, with no market
 * event after them. At the moment the simulator places each child, a fresh session is restored
 * from the state file, as a process killed right then would be on its restart: its parent must
 * already count that child as working, else the restart would send its lots again or finish
 * short of the venue's fills.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { BybitPrivateStream } from "../../connectors/bybit/private_stream.ts";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { WallClock } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { LiveRuntime } from "../../lib/live/mod.ts";
import { restoreSession, SqliteLiveStore } from "../../lib/live/state/mod.ts";
import { TradingSession } from "../../lib/trader/mod.ts";
import type { Strategy, StrategyContext } from "../../lib/strategies/mod.ts";
import { BTC } from "../lib/trader/_fixtures.ts";
import { simExecutionClient, simPrivateStream } from "../connectors/bybit/_sim_client.ts";
import { ScriptedFeed } from "../lib/live/_scripted_feed.ts";

const KEY = { apiKey: "key-a", apiSecret: "secret-a" };
const PREFIX = "commit_twap";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Buys 0.003 BTC by a 3-slice TWAP over 1.5 s on the first trade it sees. */
class TwapOnFirstTrade implements Strategy {
  readonly name = PREFIX;
  readonly subscriptions = [{ kind: "trades" as const, symbol: BTC.symbol }];
  readonly executionHints = ["twap"] as const;
  #sent = false;
  onTrade(_trade: unknown, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.signal({
      symbol: BTC.symbol,
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "twap", durationSecs: 1.5, slices: 3 },
    });
  }
  snapshot(): boolean {
    return this.#sent;
  }
  restore(sent: unknown): void {
    this.#sent = sent === true;
  }
}

Deno.test("live runtime: each TWAP child reaches the venue only after the state counting it is committed (a restart at the placement knows it)", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const dir = await Deno.makeTempDir();
  const store = SqliteLiveStore.open({ path: join(dir, "state.db"), lockKey: "bybit:t:BTCUSDT" });
  const stream: { current?: BybitPrivateStream } = {};
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const session = (): TradingSession =>
      new TradingSession({
        strategy: new TwapOnFirstTrade(),
        instruments: [BTC],
        initialBalances: { USDT: 100_000 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.003),
      }, () => ({ venue: "bybit", send: () => {} }));
    // What a process killed at each placement restores: the count of its parent.
    const seen: string[] = [];
    const place = sim.exchange.place.bind(sim.exchange);
    sim.exchange.place = (request) => {
      const id = String(request.clientId);
      const restarted = session();
      restoreSession(store, { session: restarted, strategy: new TwapOnFirstTrade() });
      const [parent] = restarted.algorithms.parents();
      seen.push(
        `${id}: ${
          parent === undefined
            ? "no parent"
            : `${parent.workingIds().includes(id) ? "working" : "unknown"}, ${parent.children} sent`
        }`,
      );
      return place(request);
    };
    const client = simExecutionClient(sim, KEY);
    const feed = new ScriptedFeed("bybit");
    const runtime = new LiveRuntime({
      strategy: new TwapOnFirstTrade(),
      instruments: [BTC],
      initialBalances: { USDT: 100_000 },
      reportingCurrency: "USDT",
      sizer: fixedQuantity(0.003),
      clock: new WallClock(),
      dataInterval: "1m",
      feeds: [feed],
      buildCandles: true,
      store,
      orderVenue: {
        kind: "venue",
        client,
        privateChannel: (sink) => {
          const s = simPrivateStream(sim, KEY, client, sink, Date.now() - 60_000);
          stream.current = s;
          return { start: () => s.start(), stop: () => s.close(), catchUp: () => s.catchUp() };
        },
      },
    });
    const running = runtime.run();
    const deadline = Date.now() + 10_000;
    while (runtime.session.oms.tradingState !== "active" && Date.now() < deadline) await sleep(5);
    // One trade starts the TWAP; its later slices are the algorithm's timers alone.
    const now = Date.now() * 1000;
    feed.emit([{
      kind: "trade",
      ts: now,
      tsRecv: now,
      trade: { symbol: BTC.symbol, price: 50_000, quantity: 0.001, side: "buy", tradeId: "t1" },
    }]);
    const finished = (): boolean =>
      runtime.session.algorithms.parents().some((p) => p.status !== "working");
    while (!finished() && Date.now() < deadline) await sleep(10);
    runtime.stop();
    await running;

    const [parent] = runtime.session.algorithms.parents();
    assert.equal(parent?.status, "completed");
    const ids = sim.ledger.orders().map((o) => String(o.clientId));
    assert.equal(ids.length, 3, ids.join(" "));
    assert.deepEqual(seen, ids.map((id, i) => `${id}: working, ${i + 1} sent`));
  } finally {
    await stream.current?.close().catch(() => {});
    store.close();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
