import assert from "node:assert/strict";
import { reportToJson } from "../../../../lib/backtest/report.ts";
import { constantLatency } from "../../../../lib/venues/mod.ts";
import {
  runTickBacktest,
  type TickBacktestOptions,
  tickFileSource,
  type TickSource,
} from "../../../../lib/backtest/tick/mod.ts";
import { DataError, type JsonValue, type Order } from "../../../../lib/domain/mod.ts";
import type { TradeEvent } from "../../../../lib/events/mod.ts";
import { fixedQuantity } from "../../../../lib/execution/mod.ts";
import type {
  BookView,
  Strategy,
  StrategyContext,
  StrategySubscription,
} from "../../../../lib/strategies/mod.ts";
import { delta, quote, snapshot, trade, XBT, XBTUSD } from "../../venues/tick/_helpers.ts";

const DATA = new URL("../../../testdata/", import.meta.url).pathname;
const BOOK = `${DATA}data/bitmex_book_sample.csv.gz`;
const TRADES_SAMPLE = `${DATA}data/bitmex_trades_sample.csv.gz`;
const QUOTES_10M = `${DATA}tick/bitmex_xbtusd_quotes_10m.csv.gz`;
const TRADES_10M = `${DATA}tick/bitmex_xbtusd_trades_10m.csv.gz`;

/** Joins both sides of the touch once, 1 lot each, and records the books it saw. */
class TouchQuoter implements Strategy {
  readonly name = "TouchQuoter";
  readonly subscriptions: readonly StrategySubscription[] = [{ kind: "book", symbol: XBT }];
  placed = false;
  books = 0;
  lastTouch = "";
  fillTimes: number[] = [];

  onBook(book: BookView, ctx: StrategyContext): void {
    this.books++;
    this.lastTouch = `${book.bids.price(0)}x${book.bids.size(0)}/${book.asks.price(0)}x${
      book.asks.size(0)
    }`;
    if (this.placed || book.bids.depth === 0 || book.asks.depth === 0) return;
    this.placed = true;
    const bid = book.bids.price(0);
    const ask = book.asks.price(0);
    ctx.submitOrder({ symbol: XBT, side: "buy", type: "limit", quantity: 100, price: bid });
    ctx.submitOrder({ symbol: XBT, side: "sell", type: "limit", quantity: 100, price: ask });
  }

  onFill(_fill: unknown, ctx: StrategyContext): void {
    this.fillTimes.push(ctx.now);
  }

  snapshot(): JsonValue {
    return null;
  }

  restore(): void {}
}

function options(strategy: Strategy, sources: TickSource[]): TickBacktestOptions {
  return {
    strategy,
    instruments: [XBTUSD],
    sources,
    initialBalances: { XBT: 1 },
    reportingCurrency: "XBT",
    sizer: fixedQuantity(100),
  };
}

Deno.test("runTickBacktest rebuilds the real BitMEX book: the strategy sees the anchor BBO", async () => {
  const strategy = new TouchQuoter();
  const result = await runTickBacktest(
    options(strategy, [tickFileSource(BOOK), tickFileSource(TRADES_SAMPLE)]),
  );
  assert.equal(strategy.lastTouch, "64600x31800/64600.1x53800");
  assert.equal(strategy.books, 519);
  const diagnostics = result.report.diagnostics as Record<string, Record<string, JsonValue>>;
  assert.equal(diagnostics.events.marketData, 519 + 9);
  assert.equal(diagnostics.events.deltasBeforeSnapshot, 0);
  assert.equal(result.report.orders, 2);
});

Deno.test("runTickBacktest quotes on the real 10-minute sample, fills as maker and earns rebates", async () => {
  const strategy = new TouchQuoter();
  const result = await runTickBacktest({
    ...options(strategy, [tickFileSource(QUOTES_10M), tickFileSource(TRADES_10M)]),
    latency: constantLatency({ entry: 5_000, response: 5_000 }),
  });
  const report = result.report;
  assert.equal(report.fills >= 1, true);
  const diagnostics = report.diagnostics as Record<string, Record<string, JsonValue>>;
  assert.equal(diagnostics.volume.taker, 0);
  assert.equal((diagnostics.volume.maker as number) > 0, true);
  // Maker rebates: the fee total is negative, in XBT.
  assert.equal(report.fees.startsWith("-"), true);
  assert.equal(report.settings.tick !== undefined, true);
  assert.equal(report.bars, 10);
  // Every fill is reported at least the response latency after the venue event.
  for (const { ts } of result.bundle.fills) assert.equal(ts > 0, true);
  for (const seen of strategy.fillTimes) {
    assert.equal(result.bundle.fills.some(({ ts }) => seen >= ts + 5_000), true);
  }
});

Deno.test("runTickBacktest is deterministic: the same inputs give the same report bytes", async () => {
  const run = async (): Promise<string> => {
    const result = await runTickBacktest({
      ...options(new TouchQuoter(), [tickFileSource(QUOTES_10M), tickFileSource(TRADES_10M)]),
      queueModel: { kind: "probabilistic" },
    });
    return reportToJson(result.report);
  };
  assert.equal(await run(), await run());
});

Deno.test("runTickBacktest names the source and event of unsorted local timestamps", async () => {
  const source: TickSource = {
    name: "mem.jsonl",
    events: [snapshot(10, [[100, 1]], [[101, 1]]), trade(5, 100, 1, "sell")],
  };
  await assert.rejects(() => runTickBacktest(options(new TouchQuoter(), [source])), (e) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /event 2 has local time 5, earlier than 10/);
    assert.equal(e.location?.file, "mem.jsonl");
    return true;
  });
});

Deno.test("runTickBacktest rejects data for a symbol without an instrument", async () => {
  const source: TickSource = {
    name: "mem",
    events: [{
      ...trade(1, 100, 1, "sell"),
      trade: { ...trade(1, 100, 1, "sell").trade, symbol: "bitmex:ETHUSD" },
    }],
  };
  await assert.rejects(
    () => runTickBacktest(options(new TouchQuoter(), [source])),
    /the data holds bitmex:ETHUSD, which has no instrument/,
  );
});

Deno.test("runTickBacktest skips and counts deltas before a snapshot, or fails with strict", async () => {
  const events = [
    delta(1, [[100, 5]]),
    snapshot(2, [[100, 1000]], [[100.1, 1000]]),
    quote(3, 100, 1, 100.1, 1),
  ];
  const lenient = await runTickBacktest(options(new TouchQuoter(), [{ name: "m", events }]));
  const diagnostics = lenient.report.diagnostics as Record<string, Record<string, JsonValue>>;
  assert.equal(diagnostics.events.deltasBeforeSnapshot, 1);
  await assert.rejects(
    () => runTickBacktest({ ...options(new TouchQuoter(), [{ name: "m", events }]), strict: true }),
    /book delta for bitmex:XBTUSD at local time 1 comes before any snapshot/,
  );
});

Deno.test("runTickBacktest fails clearly without data", async () => {
  await assert.rejects(
    () => runTickBacktest(options(new TouchQuoter(), [{ name: "empty", events: [] }])),
    /no market data to backtest/,
  );
});

/** Buys 100 at market on the first book it sees. */
class MarketBuyer implements Strategy {
  readonly name = "MarketBuyer";
  readonly subscriptions: readonly StrategySubscription[] = [{ kind: "book", symbol: XBT }];
  #sent = false;

  onBook(_book: BookView, ctx: StrategyContext): void {
    if (this.#sent) return;
    this.#sent = true;
    ctx.submitOrder({ symbol: XBT, side: "buy", type: "market", quantity: 100 });
  }

  snapshot(): JsonValue {
    return null;
  }

  restore(): void {}
}

Deno.test("runTickBacktest: data stamped t reaches the book before an order arriving at t", async () => {
  // The order is sent at 10 and arrives at 15 (5 µs entry latency); the delta stamped 15
  // removes the 101 ask, so the order meets the book as it is at 15 and buys at 102.
  const source: TickSource = {
    name: "mem",
    events: [
      snapshot(10, [[100, 100]], [[101, 100], [102, 100]]),
      delta(15, [], [[101, 0]]),
      delta(20, [[99, 100]]),
    ],
  };
  const result = await runTickBacktest({
    ...options(new MarketBuyer(), [source]),
    latency: constantLatency({ entry: 5, response: 0 }),
  });
  assert.deepEqual(
    result.bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`),
    ["buy 100@102"],
  );
});

/** Buys at market on the first book, and logs the books and fills it sees with their times. */
class LoggingBuyer implements Strategy {
  readonly name = "LoggingBuyer";
  readonly subscriptions: readonly StrategySubscription[] = [{ kind: "book", symbol: XBT }];
  readonly log: string[] = [];

  onBook(_book: BookView, ctx: StrategyContext): void {
    this.log.push(`book@${ctx.now}`);
    if (this.log.length > 1) return;
    ctx.submitOrder({ symbol: XBT, side: "buy", type: "market", quantity: 100 });
  }

  onFill(_fill: unknown, ctx: StrategyContext): void {
    this.log.push(`fill@${ctx.now}`);
  }

  snapshot(): JsonValue {
    return null;
  }

  restore(): void {}
}

Deno.test("runTickBacktest: the venue runs ahead of a delayed feed, so reports keep their time", async () => {
  // The order is sent at 10 and fills on arrival at 15. The next event happened at the
  // exchange at 12 but reaches us only at 40 (feed latency): the fill (venue time 15, no
  // response latency) must reach the strategy at 15, before that book, not at 40 after it.
  const delayed = { ...delta(12, [[99, 100]]), tsRecv: 40 };
  const strategy = new LoggingBuyer();
  await runTickBacktest({
    ...options(strategy, [{
      name: "mem",
      events: [snapshot(10, [[100, 100]], [[101, 100]]), delayed, delta(50, [[98, 100]])],
    }]),
    latency: constantLatency({ entry: 5, response: 0 }),
  });
  assert.deepEqual(strategy.log, ["book@10", "fill@15", "book@40", "book@50"]);
});

/** Logs books, timers and order updates with the strategy's clock; rests a bid on the first book. */
class ClockLogger implements Strategy {
  readonly name = "ClockLogger";
  readonly subscriptions: readonly StrategySubscription[] = [{ kind: "book", symbol: XBT }];
  readonly log: string[] = [];

  onBook(_book: BookView, ctx: StrategyContext): void {
    this.log.push(`book@${ctx.now}`);
    if (this.log.length > 1) return;
    ctx.setTimer(20, "t");
    ctx.submitOrder({ symbol: XBT, side: "buy", type: "limit", quantity: 100, price: 100 });
  }

  onTimer(_tag: string, ctx: StrategyContext): void {
    this.log.push(`timer@${ctx.now}`);
  }

  onOrderUpdate(order: Order, ctx: StrategyContext): void {
    this.log.push(`${order.status}@${ctx.now} (venue ${order.updatedTs})`);
  }

  snapshot(): JsonValue {
    return null;
  }

  restore(): void {}
}

Deno.test("runTickBacktest: an exchange clock ahead of the local one does not move the strategy's clock", async () => {
  // The second event is stamped 30 at the exchange but received at 16 (the recorder's clock is
  // behind): the strategy must see it at 16, its ack (venue 15 + 2) at 17, its timer at 20.
  const strategy = new ClockLogger();
  await runTickBacktest({
    ...options(strategy, [{
      name: "mem",
      events: [
        snapshot(10, [[100, 100]], [[101, 100]]),
        { ...delta(30, [[99, 100]]), tsRecv: 16 },
        { ...delta(18, [[98, 100]]), tsRecv: 18 },
        delta(40, [[97, 100]]),
      ],
    }]),
    latency: constantLatency({ entry: 5, response: 2 }),
    // 100 contracts at 100 are 1 XBT of exposure: with the taker fee they need more than 1 XBT.
    initialBalances: { XBT: 2 },
  });
  assert.deepEqual(strategy.log, [
    "book@10",
    "book@16",
    "accepted@17 (venue 15)",
    "book@18",
    "timer@20",
    "book@40",
  ]);
});

Deno.test("runTickBacktest: a mark holds the state at its interval's end, not fills after it", async () => {
  // Minute one ends at 60 s; the market buy fills at 60 s + 5 µs, before the next data event
  // (60 s + 10 µs). The inventory at 00:01:00 is still flat; at 00:02:00 it holds the buy.
  const MINUTE = 60_000_000;
  const result = await runTickBacktest({
    ...options(new MarketBuyer(), [{
      name: "mem",
      events: [
        snapshot(10, [[100, 1000]], [[101, 1000]]),
        delta(MINUTE + 10, [[99, 1000]]),
        delta(3 * MINUTE, [[98, 1000]]),
      ],
    }]),
    latency: constantLatency({ entry: MINUTE - 5, response: 0 }),
    markInterval: "1m",
  });
  const diagnostics = result.report.diagnostics as Record<string, Record<string, JsonValue>>;
  assert.deepEqual((diagnostics.inventory.series as JsonValue[]).slice(0, 2), [
    ["1970-01-01T00:01:00Z", 0],
    ["1970-01-01T00:02:00Z", 100],
  ]);
});

Deno.test("runTickBacktest stops with a clear error when exchange times lag local times by far too much", async () => {
  // Exchange times stuck at 1 µs (as with a unit mix-up): every event waits between the venue
  // and us, and the run must fail rather than hold the whole file in memory.
  function* stale(): Generator<TradeEvent> {
    for (let i = 1; i <= 1_000_002; i++) {
      yield {
        kind: "trade",
        ts: 1,
        tsRecv: i,
        trade: { symbol: XBT, price: 100, quantity: 1, side: "buy" },
      };
    }
  }
  await assert.rejects(
    () => runTickBacktest(options(new MarketBuyer(), [{ name: "stale.csv", events: stale() }])),
    (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, /stale\.csv/);
      assert.match(error.message, /exchange timestamps lag local timestamps by 1000000 µs/);
      assert.match(error.message, /same unit/);
      return true;
    },
  );
});

Deno.test("runTickBacktest with --from starts on the book rebuilt from the snapshot before it", async () => {
  // The only snapshot comes before the window: the deltas inside it still update a full book.
  const strategy = new TouchQuoter();
  const result = await runTickBacktest({
    ...options(strategy, [{
      name: "mem",
      events: [
        snapshot(10, [[100, 100]], [[101, 100]]),
        delta(20, [[100.5, 200]]),
        delta(30, [], [[101, 300]]),
      ],
    }]),
    from: 25,
  });
  assert.equal(strategy.books, 1);
  assert.equal(strategy.lastTouch, "100.5x200/101x300");
  assert.equal(result.marketEvents, 1);
});

Deno.test("runTickBacktest with --to still applies data that happened at the exchange before the last local time", async () => {
  // The buy is sent at 10 and arrives at 25. The delta removing the 101 ask happened at 20 at
  // the exchange but reaches us at 40, after the window (to = 30): the order must still meet
  // the book without it and buy at 102.
  const result = await runTickBacktest({
    ...options(new MarketBuyer(), [{
      name: "mem",
      events: [
        snapshot(10, [[100, 100]], [[101, 100], [102, 100]]),
        { ...delta(12, [[99, 100]]), tsRecv: 28 },
        { ...delta(20, [], [[101, 0]]), tsRecv: 40 },
      ],
    }]),
    latency: constantLatency({ entry: 15, response: 0 }),
    to: 30,
  });
  assert.deepEqual(
    result.bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`),
    ["buy 100@102"],
  );
  assert.equal(result.marketEvents, 2);
});

Deno.test("runTickBacktest trips the drawdown kill switch and flattens, as candle mode does", async () => {
  // 100 contracts bought at 101 are ~1 XBT of exposure on a 1 XBT account; the bid falling to 80
  // is a ~26% drawdown, past the 10% limit: the OMS sells the position at the new bid.
  const result = await runTickBacktest({
    ...options(new MarketBuyer(), [{
      name: "mem",
      events: [
        snapshot(10, [[100, 1000]], [[101, 1000]]),
        delta(20, [[100, 0], [80, 1000]], [[101, 0], [81, 1000]]),
        delta(30, [[79, 1000]]),
      ],
    }]),
    risk: { maxDrawdown: 0.1 },
  });
  assert.deepEqual(
    result.bundle.fills.map(({ fill }) => `${fill.side} ${fill.quantity}@${fill.price}`),
    ["buy 100@101", "sell 100@80"],
  );
});
