// The live book (lib/data OrderBook) and the tick backtest's book (lib/venues SimBook, applied
// by the tick runner's LocalBooks) are one BookView: for the same snapshot and deltas a strategy
// reads the same levels and emits the same signals from either.
import assert from "node:assert/strict";
import { OrderBook, readTardisCsv } from "../../../lib/data/mod.ts";
import type { BookView, Signal } from "../../../lib/domain/mod.ts";
import { LocalBooks } from "../../../lib/backtest/tick/_local_books.ts";
import type { Strategy, StrategyContext } from "../../../lib/strategies/mod.ts";
import { orderBookImbalanceDefinition } from "../../../lib/strategies/order_book_imbalance.ts";

const BOOK = "tests/testdata/data/bitmex_book_sample.csv.gz";
const SYMBOL = "bitmex:XBTUSD";

/** Everything a strategy can read from a view: every level, plus reads past the depth. */
function read(view: BookView, depth: number): string {
  const side = (s: BookView["bids"]): string => {
    const levels: string[] = [`${s.depth}`];
    for (let i = 0; i < Math.min(depth, s.depth) + 2; i++) {
      levels.push(`${s.price(i)}x${s.size(i)}`);
    }
    return levels.join(" ");
  };
  return `${view.symbol} | ${side(view.bids)} | ${side(view.asks)}`;
}

function recordingContext(signals: string[], now: () => number): StrategyContext {
  return {
    get now() {
      return now();
    },
    position: () => 0,
    openOrders: () => [],
    instrument: () => undefined,
    signal: (signal: Signal) => signals.push(`${now()} ${signal.kind}`),
    setTimer: () => {},
    submitOrder: () => undefined,
    cancelOrder: () => {},
    amendOrder: () => {},
    pushFeatures: () => {},
  };
}

function imbalance(): Strategy {
  return orderBookImbalanceDefinition.create({
    symbol: SYMBOL,
    depth: 5,
    level_decay: 0.5,
    enter_threshold: 0.3,
    exit_threshold: 0.1,
    quantity: 100,
    cooldown_ms: 0,
  });
}

Deno.test("OrderBook and SimBook give a strategy identical answers for the same snapshot and deltas", async () => {
  const live = new OrderBook(SYMBOL);
  const simulated = new LocalBooks();
  const liveSignals: string[] = [];
  const simSignals: string[] = [];
  let now = 0;
  const liveStrategy = imbalance();
  const simStrategy = imbalance();
  const liveCtx = recordingContext(liveSignals, () => now);
  const simCtx = recordingContext(simSignals, () => now);
  let events = 0;
  for await (const event of readTardisCsv(BOOK)) {
    if (event.kind !== "book-snapshot" && event.kind !== "book-delta") continue;
    now = event.ts;
    live.apply(event);
    const book = simulated.apply(event);
    assert.ok(book !== undefined);
    assert.equal(read(live, 25), read(book, 25), `after event ${events} at ${event.ts}`);
    liveStrategy.onBook?.(live, liveCtx);
    simStrategy.onBook?.(book, simCtx);
    events++;
  }
  assert.equal(events, 519);
  assert.ok(liveSignals.length > 0, "the strategy traded on the sample");
  assert.deepEqual(liveSignals, simSignals);
  // The full final books agree level by level, not only the top 25.
  const book = simulated.book(SYMBOL);
  assert.equal(read(live, Infinity), read(book, Infinity));
});

Deno.test("OrderBook reads NaN and 0 past its depth, as the simulated book does", () => {
  const live = new OrderBook(SYMBOL);
  live.applySnapshot({ symbol: SYMBOL, bids: [{ price: 100, size: 2 }], asks: [] });
  const view: BookView = live;
  assert.equal(view.bids.depth, 1);
  assert.equal(view.bids.price(0), 100);
  assert.equal(view.bids.size(0), 2);
  assert.ok(Number.isNaN(view.bids.price(1)));
  assert.equal(view.bids.size(1), 0);
  assert.equal(view.asks.depth, 0);
  assert.ok(Number.isNaN(view.asks.price(0)));
  assert.equal(view.asks.size(0), 0);
});
