/**
 * A state commit that fails (disk full, a read-only file system) while a live venue's request
 * waits for it: the request must not leave (the venue would hold an order the state does not
 * know), and the run must end with the commit's error, through its normal shutdown — not as an
 * uncaught exception from the microtask that released the request. Against the Bybit simulator on
 * 127.0.0.1; the venue's ledger is the judge of what left.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { startSimulator } from "../../connectors/simulator/simulator.ts";
import { WallClock } from "../../lib/engine/mod.ts";
import { fixedQuantity } from "../../lib/execution/mod.ts";
import { LiveRuntime } from "../../lib/live/mod.ts";
import { type LiveStore, SqliteLiveStore } from "../../lib/live/state/mod.ts";
import type { Strategy, StrategyContext } from "../../lib/strategies/mod.ts";
import { BTC } from "../lib/trader/_fixtures.ts";
import { ScriptedFeed } from "../lib/live/_scripted_feed.ts";
import { simExecutionClient } from "../connectors/bybit/_sim_client.ts";

const KEY = { apiKey: "key-a", apiSecret: "secret-a" };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Enters long on the first trade it sees. */
class EnterOnFirstTrade implements Strategy {
  readonly name = "commit_fail";
  readonly subscriptions = [{ kind: "trades" as const, symbol: BTC.symbol }];
  #sent = false;
  onTrade(_trade: unknown, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.signal({ symbol: BTC.symbol, kind: "enter-long", confidence: 1 });
  }
  snapshot(): boolean {
    return this.#sent;
  }
  restore(sent: unknown): void {
    this.#sent = sent === true;
  }
}

/** `store` whose commits fail once `failing.now` is set. */
function failingCommits(store: LiveStore, failing: { now: boolean }): LiveStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === "commit" && failing.now) {
        return () => {
          throw new Error("database or disk is full");
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("live runtime: a state commit that fails before a request leaves sends nothing and ends the run with the commit's error", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const dir = await Deno.makeTempDir();
  const sqlite = SqliteLiveStore.open({ path: join(dir, "state.db"), lockKey: "bybit:t:BTCUSDT" });
  const failing = { now: false };
  try {
    sim.market.setBook("BTCUSDT", [[49999.9, 5]], [[50000.1, 5]]);
    const client = simExecutionClient(sim, KEY);
    const feed = new ScriptedFeed("bybit");
    const runtime = new LiveRuntime({
      strategy: new EnterOnFirstTrade(),
      instruments: [BTC],
      initialBalances: { USDT: 100_000 },
      reportingCurrency: "USDT",
      sizer: fixedQuantity(0.003),
      clock: new WallClock(),
      dataInterval: "1m",
      feeds: [feed],
      buildCandles: true,
      store: failingCommits(sqlite, failing),
      orderVenue: { kind: "venue", client },
    });
    const running = runtime.run();
    const deadline = Date.now() + 10_000;
    while (runtime.session.oms.tradingState !== "active" && Date.now() < deadline) await sleep(5);
    failing.now = true;
    const now = Date.now() * 1000;
    feed.emit([{
      kind: "trade",
      ts: now,
      tsRecv: now,
      trade: { symbol: BTC.symbol, price: 50_000, quantity: 0.001, side: "buy", tradeId: "t1" },
    }]);
    await assert.rejects(running, /database or disk is full/);
    // Give a request that did leave the time to reach the venue.
    await sleep(200);
    assert.deepEqual(sim.ledger.orders().map((o) => String(o.clientId)), []);
  } finally {
    sqlite.close();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
