import {
  deepStrictEqual as assertEquals,
  ok as assert,
  rejects as assertRejects,
} from "node:assert/strict";
import { formatJsonlEvent, type JsonlEvent } from "../../../lib/data/mod.ts";
import { DataError } from "../../../lib/domain/mod.ts";
import { ManualClock } from "../../../connectors/simulator/clock.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";

const EVENTS: JsonlEvent[] = [
  {
    kind: "book-snapshot",
    ts: 1_000_000,
    tsRecv: 1_000_000,
    book: {
      symbol: "bybit:BTCUSDT",
      bids: [{ price: 60000, size: 1 }],
      asks: [{ price: 60000.5, size: 2 }],
    },
  },
  {
    kind: "book-delta",
    ts: 1_100_000,
    tsRecv: 1_100_000,
    delta: { symbol: "bybit:BTCUSDT", bids: [{ price: 60000.2, size: 0.5 }], asks: [] },
  },
  {
    kind: "trade",
    ts: 1_200_000,
    tsRecv: 1_200_000,
    trade: { symbol: "bybit:BTCUSDT", price: 60000.5, quantity: 0.3, side: "buy" },
  },
];

async function jsonl(events: readonly JsonlEvent[]): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  await Deno.writeTextFile(path, `${events.map(formatJsonlEvent).join("\n")}\n`);
  return path;
}

Deno.test("a replayed JSONL file builds the simulator's book, trades and klines", async () => {
  const path = await jsonl(EVENTS);
  const sim = await startSimulator({
    venue: "bybit",
    clock: new ManualClock(),
    market: { kind: "replay", files: [path], speed: 1000 },
  });
  try {
    await sim.marketDone;
    const book = sim.exchange.book("BTCUSDT");
    assertEquals([book?.bids.best, book?.asks.best, book?.bids.depth], [60000.2, 60000.5, 2]);
    assertEquals(sim.exchange.lastPrice("BTCUSDT"), 60000.5);
    assertEquals(sim.market.sequence("BTCUSDT"), 2);
    assertEquals(sim.market.klines.query("BTCUSDT", { minutes: 1 }, { limit: 10 })[0].volume, 0.3);
  } finally {
    await sim.stop();
    await Deno.remove(path);
  }
});

Deno.test("replaying an unlisted symbol fails with a DataError that names it", async () => {
  const path = await jsonl([{
    kind: "trade",
    ts: 1,
    tsRecv: 1,
    trade: { symbol: "bitmex:XBTUSD", price: 60000, quantity: 1, side: "buy" },
  }]);
  const sim = await startSimulator({
    venue: "bybit",
    market: { kind: "replay", files: [path], speed: 1000 },
  });
  try {
    await assertRejects(sim.marketDone, (error: unknown) =>
      error instanceof DataError &&
      error.message.startsWith(
        "Cannot replay event 1: Symbol XBTUSD is not listed on the simulator (listed: BTCUSDT, ETHUSDT)",
      ));
  } finally {
    await sim.stop();
    await Deno.remove(path);
  }
});

Deno.test("seeded books are the same for the same seed; the synthetic market steps", async () => {
  const first = await startSimulator({ venue: "bybit", clock: new ManualClock(), seed: 5 });
  const second = await startSimulator({ venue: "bybit", clock: new ManualClock(), seed: 5 });
  const other = await startSimulator({ venue: "bybit", clock: new ManualClock(), seed: 6 });
  try {
    const image = (s: typeof first): number[] => {
      const book = s.exchange.book("BTCUSDT");
      return book === undefined
        ? []
        : [book.bids.size(0), book.bids.size(5), book.asks.size(3), book.asks.best];
    };
    assertEquals(image(first), image(second));
    assert(image(first)[0] !== image(other)[0] || image(first)[1] !== image(other)[1]);
    assertEquals(image(first)[3], 50000.1);
    const stop = first.market.startSynthetic({ seed: 5, intervalMs: 1 });
    const before = first.market.sequence("BTCUSDT");
    // Poll (bounded) rather than sleep a fixed 30 ms: on a loaded machine the 1 ms timer may
    // not have fired twice by then.
    const deadline = Date.now() + 2000;
    while (first.market.sequence("BTCUSDT") <= before + 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stop();
    assert(first.market.sequence("BTCUSDT") > before + 1, "it stepped");
    const book = first.exchange.book("BTCUSDT");
    assert(book !== undefined && book.bids.best < book.asks.best, "never crossed");
  } finally {
    await first.stop();
    await second.stop();
    await other.stop();
  }
});

Deno.test("the control endpoint moves the market, injects faults and refuses bad input clearly", async () => {
  const sim = await startSimulator({
    venue: "bybit",
    clock: new ManualClock(),
    market: { kind: "none" },
  });
  try {
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${sim.restUrl}/__sim/${path}`, { method: "POST", body: JSON.stringify(body) });
    assertEquals(
      await (await post("book", {
        code: "BTCUSDT",
        bids: [[100, 1]],
        asks: [[101, 1]],
        snapshot: true,
      })).json(),
      { ok: true },
    );
    assertEquals(sim.exchange.book("BTCUSDT")?.asks.best, 101);
    assertEquals(
      (await post("trade", { code: "BTCUSDT", side: "buy", price: 101, quantity: 0.5 })).status,
      200,
    );
    assertEquals(sim.exchange.lastPrice("BTCUSDT"), 101);
    await (await post("faults", { kind: "http-status", status: 503 })).body?.cancel();
    assertEquals(sim.faults.pending().length, 1);
    const bad = await post("trade", { code: "BTCUSDT", side: "up", price: 1, quantity: 1 });
    assertEquals([bad.status, await bad.json()], [400, {
      error: 'side must be buy or sell, got "up"',
    }]);
    const badFault = await post("faults", { kind: "explode" });
    assertEquals(badFault.status, 400);
    assert(((await badFault.json()).error as string).startsWith('Unknown fault kind "explode"'));
    const unknown = await fetch(`${sim.restUrl}/__sim/nothing`);
    assertEquals(unknown.status, 404);
    await unknown.body?.cancel();
  } finally {
    await sim.stop();
  }
});
