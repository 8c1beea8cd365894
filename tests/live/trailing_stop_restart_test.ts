/**
 * Restart in the middle of a trailing stop, live against the Bybit simulator (issue 17; the
 * TWAP one is `tests/lib/execution/algorithms/live_restore_test.ts`): the session's orders go
 * through `executionClientPort` and the Bybit connector, fills come back on the private stream,
 * and the state a restart restores is the OMS and algorithms snapshot as the live store keeps
 * it (JSON). Two deaths:
 *
 * - while tracking: the restored parent keeps its high-water mark (the low since arming), so a
 *   rebound that only the restored mark makes a 1 % retrace triggers the exit — one market
 *   child, exactly once;
 * - right after the trigger sent the child, before its fill was seen: the restored parent
 *   knows its child is out (no second one), and the fill the private stream catches up on
 *   completes it.
 *
 * The simulator's ledger holds one child per parent.
 */

import assert from "node:assert/strict";
import { executionClientPort } from "../../lib/broker/mod.ts";
import type { Event } from "../../lib/events/mod.ts";
import {
  type AlgorithmsSnapshot,
  fixedQuantity,
  type OmsSnapshot,
} from "../../lib/execution/mod.ts";
import { TrailingStop } from "../../lib/execution/algorithms/trailing_stop.ts";
import { LiveBooks } from "../../lib/live/mod.ts";
import type { Strategy, StrategyContext } from "../../lib/strategies/mod.ts";
import { TradingSession } from "../../lib/trader/mod.ts";
import type { BybitPrivateStream } from "../../connectors/bybit/private_stream.ts";
import { type Simulator, startSimulator } from "../../connectors/simulator/simulator.ts";
import { BTC } from "../lib/trader/_fixtures.ts";
import { pumpUntil } from "../_until.ts";
import { simExecutionClient, simPrivateStream } from "../connectors/bybit/_sim_client.ts";

const KEY = { apiKey: "trail-key", apiSecret: "trail-secret" };
const nowMicros = (): number => Date.now() * 1000;

/** On its first bar, enters long by a trailing stop: buy once the price rebounds 1 %. */
class TrailOnce implements Strategy {
  readonly name = "live_trail";
  readonly subscriptions = [
    { kind: "candles" as const, symbol: BTC.symbol, interval: "1m" as const },
    { kind: "trades" as const, symbol: BTC.symbol },
  ];
  readonly executionHints = ["trailing-stop"] as const;
  #sent = false;
  onCandle(_c: unknown, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.signal({
      symbol: BTC.symbol,
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "trailing-stop", callbackRate: 1 },
    });
  }
  snapshot(): null {
    return null;
  }
  restore(): void {}
}

interface Process {
  readonly session: TradingSession;
  readonly pump: () => void;
  readonly stream: BybitPrivateStream;
}

/** Persisted the way the live store keeps it: plain JSON. */
function persisted(session: TradingSession): { oms: OmsSnapshot; algorithms: AlgorithmsSnapshot } {
  return JSON.parse(JSON.stringify({
    oms: session.oms.snapshot(),
    algorithms: session.algorithms.snapshot(),
  }));
}

async function withVenue(
  run: (
    sim: Simulator,
    start: (
      state?: { oms: OmsSnapshot; algorithms: AlgorithmsSnapshot },
    ) => Promise<Process>,
  ) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "none" },
    accounts: [{ ...KEY, balance: "100000" }],
  });
  const streams: BybitPrivateStream[] = [];
  const since = Date.now() - 1000;
  try {
    sim.market.setBook("BTCUSDT", [[49_999.9, 5]], [[50_000.1, 5]]);
    const client = simExecutionClient(sim, KEY);
    // One "process": a session (restored when `state` is given) and its private stream, which
    // catches up over REST from the start of the test.
    const start = async (
      state?: { oms: OmsSnapshot; algorithms: AlgorithmsSnapshot },
    ): Promise<Process> => {
      const queue: Event[] = [];
      const session = new TradingSession({
        strategy: new TrailOnce(),
        instruments: [BTC],
        initialBalances: { USDT: 100_000 },
        reportingCurrency: "USDT",
        sizer: fixedQuantity(0.002),
        clientIdPrefix: "live_trail",
        // As the live runtime does for a strategy that asks for trades.
        books: new LiveBooks(),
      }, () => executionClientPort(client, (e) => queue.push(e), { now: nowMicros }));
      session.host("1m");
      if (state !== undefined) {
        session.oms.restore(state.oms);
        session.algorithms.restore(state.algorithms);
      }
      const pump = (): void => {
        while (queue.length > 0) {
          const event = queue.shift();
          if (event !== undefined) {
            session.engine.process({ ...event, ts: Math.max(event.ts, session.clock.now()) });
          }
        }
        session.engine.advanceTo(nowMicros());
      };
      const stream = simPrivateStream(sim, KEY, client, (e) => queue.push(e), since);
      streams.push(stream);
      await stream.start();
      return { session, pump, stream };
    };
    await run(sim, start);
  } finally {
    for (const stream of streams) await stream.close().catch(() => {});
    await sim.stop();
  }
}

function candle(p: Process, close: number): void {
  const ts = Math.max(nowMicros(), p.session.clock.now());
  p.session.engine.process({
    kind: "candle",
    ts,
    tsRecv: ts,
    candle: {
      symbol: BTC.symbol,
      interval: "1m",
      openTime: ts - 60_000_000,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    },
  });
}

function trade(p: Process, price: number): void {
  const ts = Math.max(nowMicros(), p.session.clock.now());
  p.session.engine.process({
    kind: "trade",
    ts,
    tsRecv: ts,
    trade: { symbol: BTC.symbol, price, quantity: 0.01, side: "sell" },
  });
}

function children(sim: Simulator): string[] {
  return sim.ledger.orders().map((o) => String(o.clientId)).filter((id) =>
    id.startsWith("live_trail")
  );
}

Deno.test("live against the simulator: restart while a trailing stop tracks, the restored high-water mark triggers the one exit child", async () => {
  await withVenue(async (sim, start) => {
    const a = await start();
    candle(a, 50_000);
    const [parentA] = a.session.algorithms.parents();
    assert.ok(parentA instanceof TrailingStop);
    // Armed at the arrival price, it tracks the low: 49,800, then 49,500 (stop 49,995).
    trade(a, 49_800);
    trade(a, 49_500);
    assert.equal(parentA.highWater, 49_500);
    assert.equal(parentA.children, 0);
    const state = persisted(a.session);
    await a.stream.close();

    // The restart: 49,900 is a 0.8 % rebound from the restored low (a fresh parent armed at
    // 49,900 would wait for 50,399); 50,000 is past 1 % and fires.
    const b = await start(state);
    const [parentB] = b.session.algorithms.parents();
    assert.ok(parentB instanceof TrailingStop);
    assert.equal(parentB.highWater, 49_500);
    trade(b, 49_900);
    b.pump();
    assert.equal(parentB.children, 0, "fired before the 1 % rebound");
    trade(b, 50_000);
    await pumpUntil(() => parentB.status !== "working", b.pump, "the exit child's fill");
    assert.equal(parentB.status, "completed");
    assert.equal(parentB.children, 1);
    assert.equal(children(sim).length, 1, children(sim).join(" "));
    const filled = sim.ledger.fills().reduce((s, f) => s + f.quantity.toNumber(), 0);
    assert.ok(Math.abs(filled - 0.002) < 1e-12, `filled ${filled}`);
    assert.equal(b.session.portfolio.position(BTC.symbol).quantity.toString(), "0.002");
  });
});

Deno.test("live against the simulator: restart after a trailing stop sent its exit child, before the fill: no second child, the caught-up fill completes it", async () => {
  await withVenue(async (sim, start) => {
    const a = await start();
    candle(a, 50_000);
    const [parentA] = a.session.algorithms.parents();
    trade(a, 49_500);
    // The rebound fires: the child is sent; the process dies before any report is handled.
    trade(a, 50_000);
    assert.equal(parentA.children, 1);
    const state = persisted(a.session);
    await a.stream.close();
    await pumpUntil(() => sim.ledger.fills().length === 1, () => {}, "the venue's fill");

    const b = await start(state);
    const [parentB] = b.session.algorithms.parents();
    // More rebound after the restart must not send another child.
    trade(b, 50_200);
    await pumpUntil(() => parentB.status !== "working", b.pump, "the caught-up fill");
    assert.equal(parentB.status, "completed");
    assert.equal(parentB.children, 1);
    assert.equal(children(sim).length, 1, children(sim).join(" "));
    assert.equal(b.session.portfolio.position(BTC.symbol).quantity.toString(), "0.002");
  });
});
