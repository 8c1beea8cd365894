/**
 * End-to-end tick-mode benchmark: synthetic L2 deltas + trades (seeded generators), replayed
 * (1) in memory through the matching engine's book rebuild alone, (2) parsed from JSONL files
 * plus book rebuild, and (3, 4) through `runTickBacktest` with a two-sided market maker
 * (GueantMarketMaker) and the probabilistic queue model, from memory and from the files.
 * Prints one line per figure: `deno run -A bench/tick_replay.ts [--updates N] [--only FIGURES]`,
 * where FIGURES is a comma-separated subset of `rebuild,parse,mm,mm-jsonl` (for profiling one).
 *
 * @module
 */

import {
  constantLatency,
  runTickBacktest,
  tickFileSource,
  type TickSource,
  TickVenue,
} from "../lib/backtest/tick/mod.ts";
import { mergeTickBatches } from "../lib/backtest/tick/_source_batches.ts";
import { formatJsonlEvent, generateBook, generateTrades } from "../lib/data/mod.ts";
import { makeInstrument } from "../lib/domain/mod.ts";
import type { BookDeltaEvent, BookSnapshotEvent, TradeEvent } from "../lib/events/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { GueantMarketMaker } from "../lib/strategies/mod.ts";

const arg = Deno.args.indexOf("--updates");
const UPDATES = arg >= 0 ? Number(Deno.args[arg + 1]) : 2_000_000;
const TRADES = Math.round(UPDATES / 4);
const onlyArg = Deno.args.indexOf("--only");
const ONLY = onlyArg >= 0 ? new Set((Deno.args[onlyArg + 1] ?? "").split(",")) : undefined;
const wanted = (figure: string): boolean => ONLY === undefined || ONLY.has(figure);
const SYMBOL = "synth:BTCUSDT";
const instrument = makeInstrument({
  symbol: SYMBOL,
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.5",
  lotSize: "0.001",
  makerFee: "-0.0001",
  takerFee: "0.0005",
});

const book: (BookSnapshotEvent | BookDeltaEvent)[] = [
  ...generateBook({ updates: UPDATES, seed: 7, meanGap: 20_000 }),
];
const trades: TradeEvent[] = [
  ...generateTrades({ count: TRADES, seed: 8, tick: 0.5, meanGap: 80_000 }),
];
const total = book.length + trades.length;

function line(label: string, events: number, seconds: number): void {
  const rate = (events / seconds / 1e6).toFixed(2);
  console.log(
    `${label}: ${rate} M events/s (${events.toLocaleString("en")} events, ${seconds.toFixed(2)} s)`,
  );
}

// 1. Book rebuild alone (the venue's book, no orders), events already in memory.
if (wanted("rebuild")) {
  const venue = new TickVenue({
    instruments: new Map([[SYMBOL, instrument]]),
    latency: constantLatency(),
  }, { fill: () => {}, orderUpdate: () => {} });
  const start = performance.now();
  for (let i = 0; i < book.length; i++) venue.onMarketData(book[i], book[i].ts);
  line("book rebuild only, in memory (L2 deltas)", book.length, (performance.now() - start) / 1e3);
}

const dir = await Deno.makeTempDir({ prefix: "tick_bench_" });
const bookFile = `${dir}/book.jsonl`;
const tradeFile = `${dir}/trades.jsonl`;
if (wanted("parse") || wanted("mm-jsonl")) {
  await Deno.writeTextFile(bookFile, book.map(formatJsonlEvent).join("\n") + "\n");
  await Deno.writeTextFile(tradeFile, trades.map(formatJsonlEvent).join("\n") + "\n");
}

// 2. Parse (JSONL) + merge + book rebuild.
if (wanted("parse")) {
  const venue = new TickVenue({
    instruments: new Map([[SYMBOL, instrument]]),
    latency: constantLatency(),
  }, { fill: () => {}, orderUpdate: () => {} });
  const start = performance.now();
  let n = 0;
  // The runner's replay path: batched reading, order check and merge.
  for await (
    const batch of mergeTickBatches([tickFileSource(bookFile), tickFileSource(tradeFile)])
  ) {
    for (let i = 0; i < batch.length; i++) venue.onMarketData(batch[i], batch[i].ts);
    n += batch.length;
  }
  line("parse JSONL + merge + book rebuild (L2 + trades)", n, (performance.now() - start) / 1e3);
}

function maker(): GueantMarketMaker {
  return new GueantMarketMaker({
    symbol: SYMBOL,
    gamma: 0.01,
    order_quantity: 0.01,
    max_inventory: 0.05,
    refresh_ms: 100,
    min_spread_ticks: 1,
    sample_ms: 100,
    volatility_half_life: 600,
    intensity_window: 3000,
    depth_ticks: 20,
    min_samples: 100,
  });
}

async function endToEnd(label: string, sources: TickSource[]): Promise<void> {
  const start = performance.now();
  const result = await runTickBacktest({
    strategy: maker(),
    instruments: [instrument],
    sources,
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.01),
    queueModel: { kind: "probabilistic" },
    latency: constantLatency({ entry: 2_000, response: 2_000 }),
  });
  const seconds = (performance.now() - start) / 1e3;
  line(label, result.marketEvents, seconds);
  console.log(
    `  ${label}: ${result.report.orders} orders, ${result.report.fills} fills, ${
      result.events.toLocaleString("en")
    } engine events`,
  );
}

// 3. and 4. The whole runner with a two-sided market maker and the probabilistic queue.
if (wanted("mm")) {
  await endToEnd("end to end, MM + probabilistic queue, in memory", [
    { name: "book", events: book },
    { name: "trades", events: trades },
  ]);
}
if (wanted("mm-jsonl")) {
  await endToEnd("end to end, MM + probabilistic queue, from JSONL", [
    tickFileSource(bookFile),
    tickFileSource(tradeFile),
  ]);
}
await Deno.remove(dir, { recursive: true });
console.log(
  `inputs: ${total.toLocaleString("en")} events (${UPDATES.toLocaleString("en")} deltas + ${
    TRADES.toLocaleString("en")
  } trades)`,
);
