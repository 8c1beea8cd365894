// The live pieces together: an Inbox feeding runLive on a (manual) wall clock, and a strategy
// hosted by the StrategyHost whose timers fire on time and who hears of a stale book.
import assert from "node:assert/strict";
import { Engine, ManualClock, runLive } from "../../../lib/engine/mod.ts";
import { Inbox } from "../../../lib/events/mod.ts";
import type { Strategy } from "../../../lib/strategies/mod.ts";
import { StrategyHost } from "../../../lib/trader/mod.ts";

const SYMBOL = "bybit:BTCUSDT";
const MS = 1_000;

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("a hosted strategy's 50 ms timer fires on time in a live run, and it hears of a stale book", async () => {
  const start = 1_700_000_000_000_000;
  const clock = new ManualClock(start);
  const engine = new Engine({ clock });
  const resyncs: string[] = [];
  const inbox = new Inbox({
    marketCapacity: 2,
    now: () => clock.now(),
    onResync: (symbol) => resyncs.push(symbol),
  });
  const log: string[] = [];
  const strategy: Strategy = {
    name: "quoter",
    subscriptions: [{ kind: "trades", symbol: SYMBOL }, { kind: "book", symbol: SYMBOL }],
    onTrade(trade, ctx) {
      log.push(`trade ${trade.price} @${ctx.now - start}`);
      ctx.setTimer(ctx.now + 50 * MS, "requote");
    },
    onTimer(tag, ctx) {
      log.push(`timer ${tag} @${ctx.now - start}`);
    },
    onConnectivity(event, ctx) {
      log.push(`${event.symbol} ${event.state} @${ctx.now - start}`);
    },
    snapshot: () => null,
    restore: () => {},
  };
  const host = new StrategyHost(strategy, {
    now: () => clock.now(),
    position: () => 0,
    openOrders: () => [],
    instrument: () => undefined,
    signal: () => {},
    setTimer: (at, tag) =>
      engine.schedule(at, { kind: "timer", ts: at, tsRecv: at, owner: "quoter", tag }),
    submitOrder: () => undefined,
    cancelOrder: () => {},
    amendOrder: () => {},
    pushFeatures: () => {},
  });
  engine.bus.subscribe("trade", (event) => host.onTrade(event.trade));
  engine.bus.subscribe("timer", (event) => host.onTimer(event.tag));
  engine.bus.subscribe("connectivity", (event) => host.onConnectivity(event));

  const stop = new AbortController();
  const run = runLive(engine, inbox, { signal: stop.signal, sleeper: clock });
  clock.advance(10 * MS);
  inbox.offer({
    kind: "trade",
    ts: clock.now(),
    tsRecv: clock.now(),
    trade: { symbol: SYMBOL, price: 100, quantity: 1, side: "buy" },
  });
  await settle();
  // No more input: the timer still fires 50 ms after the trade.
  clock.advance(49 * MS);
  await settle();
  assert.deepEqual(log, ["trade 100 @10000"]);
  clock.advance(1 * MS);
  await settle();
  assert.deepEqual(log, ["trade 100 @10000", "timer requote @60000"]);

  // Book deltas that do not fit make the book stale; the strategy hears it at once.
  const delta = (ts: number) => ({
    kind: "book-delta" as const,
    ts,
    tsRecv: ts,
    delta: { symbol: SYMBOL, bids: [{ price: 99, size: ts }], asks: [] },
  });
  // A burst of four (the runner's pending take gets only the first) overflows the 2-event lane.
  for (let i = 1; i <= 4; i++) inbox.offer(delta(i));
  await settle();
  assert.deepEqual(resyncs, [SYMBOL]);
  assert.ok(log.includes(`${SYMBOL} stale @60000`), log.join("; "));
  stop.abort();
  assert.equal((await run).aborted, true);
});
