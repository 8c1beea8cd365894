/**
 * The Binance market stream against connectors/simulator: /public depth synchronised from a
 * REST snapshot and chained by `pu`, equal to the simulator's own book after every resync
 * (a skipped delta, a dropped connection); /market trades, candles and mark prices.
 */

import assert from "node:assert/strict";
import type { Event } from "../../../lib/events/mod.ts";
import { BinanceMarketStream } from "../../../connectors/binance/market_stream.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import type { BinanceRest } from "../../../connectors/binance/rest.ts";
import { FAST, sleep, until, withBinanceSim } from "./_sim.ts";

function stream(sim: Simulator, rest: BinanceRest): BinanceMarketStream {
  return new BinanceMarketStream({
    publicUrl: sim.wsPublicUrl,
    marketUrl: sim.wsMarketUrl ?? "",
    rest,
    backoff: FAST,
    staleAfterMs: 2000,
  });
}

function collect(market: BinanceMarketStream): Event[] {
  const events: Event[] = [];
  void (async () => {
    for await (const event of market.events()) events.push(event);
  })();
  return events;
}

/**
 * The simulator's top `n` levels of BTCUSDT as [price, size] pairs; prices on the 0.1 tick as
 * the venue prints them (the test's own arithmetic leaves float tails in the simulator's book).
 */
function simBook(sim: Simulator, n = 1000): { bids: number[][]; asks: number[][] } {
  const book = sim.exchange.book("BTCUSDT");
  assert.ok(book !== undefined);
  const side = (s: typeof book.bids): number[][] => {
    const out: number[][] = [];
    for (let i = 0; i < Math.min(n, s.depth); i++) {
      out.push([Math.round(s.price(i) * 10) / 10, s.size(i)]);
    }
    return out;
  };
  return { bids: side(book.bids), asks: side(book.asks) };
}

function ourBook(market: BinanceMarketStream): { bids: number[][]; asks: number[][] } {
  const sync = market.book("binance:BTCUSDT");
  assert.ok(sync !== undefined);
  return {
    bids: sync.book.bids().map((l) => [l.price, l.size]),
    asks: sync.book.asks().map((l) => [l.price, l.size]),
  };
}

/** Moves the simulator's book one step (a level changes on each side). */
function tick(sim: Simulator, k: number): void {
  sim.market.updateBook("BTCUSDT", [[49999.9 - (k % 5) * 0.1, 1 + k]], [[
    50000.1 + (k % 4) * 0.1,
    2 + k,
  ]]);
}

/** Three book steps 5 ms apart (the first depth events), then waits for the synced book. */
async function firstSync(sim: Simulator, market: BinanceMarketStream): Promise<void> {
  for (let k = 0; k < 3; k++) {
    tick(sim, k);
    await sleep(5);
  }
  await until(() => market.book("binance:BTCUSDT")?.synced === true, "synced book");
}

Deno.test("market stream: the book synchronises from a REST snapshot and equals the simulator's", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    const market = stream(sim, rest);
    const events = collect(market);
    try {
      await market.subscribe([{ symbol: "binance:BTCUSDT", channels: ["book"] }]);
      await firstSync(sim, market);
      for (let k = 3; k < 20; k++) {
        tick(sim, k);
        await sleep(2);
      }
      await until(
        () => JSON.stringify(ourBook(market)) === JSON.stringify(simBook(sim)),
        "equal books",
      );
      assert.equal(market.resyncs, 0);
      assert.ok(events.some((e) => e.kind === "book-snapshot"));
      assert.ok(events.some((e) => e.kind === "book-delta"));
      assert.ok(
        events.some((e) =>
          e.kind === "connectivity" && e.state === "up" && e.symbol === "binance:BTCUSDT" &&
          /book synchronised/.test(e.reason ?? "")
        ),
      );
    } finally {
      await market.close();
    }
  });
});

Deno.test("market stream: a skipped delta (pu gap) → counted resync, stale, then the simulator's book again", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    const market = stream(sim, rest);
    const events = collect(market);
    try {
      await market.subscribe([{ symbol: "binance:BTCUSDT", channels: ["book"] }]);
      await firstSync(sim, market);
      for (let round = 1; round <= 3; round++) {
        sim.faults.inject({ kind: "ws-skip", stream: "public", count: 1 });
        for (let k = 0; k < 4; k++) {
          tick(sim, round * 10 + k);
          await sleep(5);
        }
        await until(() => market.resyncs === round, `resync ${round}`);
        for (let k = 4; k < 8; k++) {
          tick(sim, round * 10 + k);
          await sleep(5);
        }
        await until(
          () =>
            market.book("binance:BTCUSDT")?.synced === true &&
            JSON.stringify(ourBook(market)) === JSON.stringify(simBook(sim)),
          `equal books after resync ${round}`,
        );
      }
      const stale = events.filter((e) => e.kind === "connectivity" && e.state === "stale");
      assert.equal(stale.length, 3);
      assert.ok(
        stale.every((e) =>
          e.kind === "connectivity" && /pu \d+ after u \d+; resync #\d/.test(e.reason ?? "")
        ),
      );
      assert.equal(market.book("binance:BTCUSDT")?.resyncs, 3);
    } finally {
      await market.close();
    }
  });
});

Deno.test("market stream: a dropped /public connection → reconnect, resync, the simulator's book again", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    const market = stream(sim, rest);
    const events = collect(market);
    try {
      await market.subscribe([{ symbol: "binance:BTCUSDT", channels: ["book", "quotes"] }]);
      await firstSync(sim, market);
      sim.faults.inject({ kind: "ws-drop", stream: "public" });
      await until(() => market.reconnects >= 1, "reconnect");
      for (let k = 3; k < 12; k++) {
        tick(sim, k);
        await sleep(5);
      }
      await until(
        () =>
          market.book("binance:BTCUSDT")?.synced === true &&
          JSON.stringify(ourBook(market)) === JSON.stringify(simBook(sim)),
        "equal books after reconnect",
      );
      assert.ok(events.some((e) => e.kind === "connectivity" && e.state === "down"));
      assert.ok(
        events.some((e) =>
          e.kind === "connectivity" && e.state === "up" && /reconnected/.test(e.reason ?? "")
        ),
      );
      const quotes = events.filter((e) => e.kind === "quote");
      assert.ok(quotes.length > 0);
      const last = quotes[quotes.length - 1];
      const top = simBook(sim, 1);
      assert.ok(
        last.kind === "quote" && last.quote.bidPrice === top.bids[0][0] &&
          last.quote.askPrice === top.asks[0][0],
      );
    } finally {
      await market.close();
    }
  });
});

Deno.test("market stream: /market aggTrades and mark prices (next funding rate and time)", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    const marks: number[] = [];
    const market = new BinanceMarketStream({
      publicUrl: sim.wsPublicUrl,
      marketUrl: sim.wsMarketUrl ?? "",
      rest,
      backoff: FAST,
      markPrices: true,
      onMarkPrice: (mark) => marks.push(mark.markPrice),
    });
    const events = collect(market);
    try {
      await market.subscribe([{ symbol: "binance:BTCUSDT", channels: ["trades"] }]);
      sim.market.trade("BTCUSDT", "sell", 49999.9, 0.5);
      await until(() => events.some((e) => e.kind === "trade"), "a trade");
      const trade = events.find((e) => e.kind === "trade");
      assert.ok(trade !== undefined && trade.kind === "trade");
      assert.deepEqual(
        [trade.trade.symbol, trade.trade.price, trade.trade.quantity, trade.trade.side],
        ["binance:BTCUSDT", 49999.9, 0.5, "sell"],
      );
      await until(() => market.markPrice("binance:BTCUSDT") !== undefined, "a mark price", 3000);
      const mark = market.markPrice("binance:BTCUSDT");
      assert.ok(mark !== undefined);
      // The simulator's mark is the book's mid; funding is every 8 h.
      assert.equal(mark.markPrice, 50000);
      assert.equal(mark.fundingRate, 0.0001);
      assert.equal(mark.nextFundingTime % (8 * 3600 * 1_000_000), 0);
      assert.ok(marks.length >= 1);
      // A mark price is information, never an event the portfolio would book as funding.
      assert.ok(!events.some((e) => e.kind === "funding"));
    } finally {
      await market.close();
    }
  });
});

Deno.test("market stream: an unknown snapshot limit is refused with the allowed ones", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    const market = new BinanceMarketStream({
      publicUrl: sim.wsPublicUrl,
      marketUrl: sim.wsMarketUrl ?? "",
      rest,
      snapshotLimit: 300,
    });
    await assert.rejects(
      () => market.subscribe([{ symbol: "binance:BTCUSDT", channels: ["book"] }]),
      /depth snapshot limit 300 is not offered: use one of 5, 10, 20, 50, 100, 500, 1000/,
    );
    await market.close();
  });
});
