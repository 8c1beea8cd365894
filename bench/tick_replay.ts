/**
 * End-to-end tick-mode benchmark: synthetic L2 deltas + trades (seeded generators), replayed
 * (1) in memory through the matching engine's book rebuild alone, (2) parsed from JSONL files
 * plus book rebuild, and (3, 4) through `runTickBacktest` with a two-sided market maker
 * (GueantMarketMaker) and the probabilistic queue model, from memory and from the files.
 * Prints one line per figure: `deno run -A bench/tick_replay.ts [--updates N] [--only FIGURES]`,
 * where FIGURES is a comma-separated subset of `rebuild,parse,mm,mm-jsonl` (for profiling one).
 *
 * The files are written straight from the generators, and the figures that read them (2, 4) run
 * before the in-memory copies of the events exist: a run from files never holds a second copy
 * of the data, and a heap of 2.5 M live events slows every young-generation collection.
 *
 * @module
 */

import { runTickBacktest, tickFileSource, type TickSource } from "../lib/backtest/tick/mod.ts";
import { constantLatency, TickVenue } from "../lib/venues/mod.ts";
import { mergeTickBatches } from "../lib/backtest/tick/_source_batches.ts";
import {
  formatJsonlEvent,
  generateBook,
  generateTrades,
  type JsonlEvent,
} from "../lib/data/mod.ts";
import { makeInstrument } from "../lib/domain/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { GueantMarketMaker } from "../lib/strategies/mod.ts";

const arg = Deno.args.indexOf("--updates");
const UPDATES = arg >= 0 ? Number(Deno.args[arg + 1]) : 2_000_000;
if (!Number.isSafeInteger(UPDATES) || UPDATES < 4) {
  console.error("usage: --updates N takes an integer of at least 4 (deltas; trades are N/4)");
  Deno.exit(2);
}
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

const bookEvents = () => generateBook({ updates: UPDATES, seed: 7, meanGap: 20_000 });
const tradeEvents = () => generateTrades({ count: TRADES, seed: 8, tick: 0.5, meanGap: 80_000 });

// Figure lines, printed in figure order at the end.
const lines = new Map<number, string[]>();
function line(figure: number, label: string, events: number, seconds: number): void {
  const rate = (events / seconds / 1e6).toFixed(2);
  const text = `${label}: ${rate} M events/s (${events.toLocaleString("en")} events, ${
    seconds.toFixed(2)
  } s)`;
  lines.set(figure, [text]);
}

async function writeJsonl(path: string, events: Iterable<JsonlEvent>): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let chunk: string[] = [];
  try {
    for (const event of events) {
      chunk.push(formatJsonlEvent(event));
      if (chunk.length === 10_000) {
        await file.write(encoder.encode(chunk.join("\n") + "\n"));
        chunk = [];
      }
    }
    if (chunk.length > 0) await file.write(encoder.encode(chunk.join("\n") + "\n"));
  } finally {
    file.close();
  }
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

async function endToEnd(figure: number, label: string, sources: TickSource[]): Promise<void> {
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
  line(figure, label, result.marketEvents, seconds);
  lines.get(figure)?.push(
    `  ${label}: ${result.report.orders} orders, ${result.report.fills} fills, ${
      result.events.toLocaleString("en")
    } engine events`,
  );
}

const dir = await Deno.makeTempDir({ prefix: "tick_bench_" });
const bookFile = `${dir}/book.jsonl`;
const tradeFile = `${dir}/trades.jsonl`;
if (wanted("parse") || wanted("mm-jsonl")) {
  await writeJsonl(bookFile, bookEvents());
  await writeJsonl(tradeFile, tradeEvents());
}

// 2. Parse (JSONL) + merge + book rebuild, through the runner's replay path (batched reading,
// order check and merge).
if (wanted("parse")) {
  const venue = new TickVenue({
    instruments: new Map([[SYMBOL, instrument]]),
    latency: constantLatency(),
  }, () => {});
  const start = performance.now();
  let n = 0;
  for await (
    const batch of mergeTickBatches([tickFileSource(bookFile), tickFileSource(tradeFile)])
  ) {
    for (let i = 0; i < batch.length; i++) venue.onMarketData(batch[i], batch[i].ts);
    n += batch.length;
  }
  line(2, "parse JSONL + merge + book rebuild (L2 + trades)", n, (performance.now() - start) / 1e3);
}

// 4. The whole runner from the files.
if (wanted("mm-jsonl")) {
  await endToEnd(4, "end to end, MM + probabilistic queue, from JSONL", [
    tickFileSource(bookFile),
    tickFileSource(tradeFile),
  ]);
}
await Deno.remove(dir, { recursive: true });

const book = [...bookEvents()];
const trades = [...tradeEvents()];

// 1. Book rebuild alone (the venue's book, no orders), events already in memory.
if (wanted("rebuild")) {
  const venue = new TickVenue({
    instruments: new Map([[SYMBOL, instrument]]),
    latency: constantLatency(),
  }, () => {});
  const start = performance.now();
  for (let i = 0; i < book.length; i++) venue.onMarketData(book[i], book[i].ts);
  line(
    1,
    "book rebuild only, in memory (L2 deltas)",
    book.length,
    (performance.now() - start) / 1e3,
  );
}

// 3. The whole runner with a two-sided market maker and the probabilistic queue, in memory.
if (wanted("mm")) {
  await endToEnd(3, "end to end, MM + probabilistic queue, in memory", [
    { name: "book", events: book },
    { name: "trades", events: trades },
  ]);
}

for (const figure of [1, 2, 3, 4]) for (const text of lines.get(figure) ?? []) console.log(text);
console.log(
  `inputs: ${(book.length + trades.length).toLocaleString("en")} events (${
    UPDATES.toLocaleString("en")
  } deltas + ${TRADES.toLocaleString("en")} trades)`,
);
