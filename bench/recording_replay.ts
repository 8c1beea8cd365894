/**
 * End-to-end replay of the real Binance USDⓈ-M capture (hftbacktest's btcusdt_20240808.gz in
 * tests/testdata/recording/: 345 s, 93,954 messages): (1) read and decode only — gunzip, line
 * split, the connector's parser and depth synchronizer — and (2) the whole tick backtest with
 * OrderBookImbalance on it, as `tesser backtest run --mode tick --lob-data FILE` runs it. Prints
 * one line per figure, best of `--runs N` (default 3): `deno run -A bench/recording_replay.ts`.
 *
 * @module
 */

import { main } from "../cli/main.ts";
import { recordingIo } from "../cli/io.ts";
import { binanceRecordingCodec } from "../connectors/binance/recording.ts";
import { readRecordings, sniffRecording } from "../connectors/recording/reader.ts";
import type { Event } from "../lib/events/mod.ts";

const root = new URL("..", import.meta.url).pathname;
const FILE = `${root}tests/testdata/recording/btcusdt_20240808.gz`;
const STRATEGY = `${root}examples/strategies/order_book_imbalance_binance.toml`;
const arg = Deno.args.indexOf("--runs");
const RUNS = arg >= 0 ? Number(Deno.args[arg + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error("usage: --runs N takes a whole number of at least 1");
  Deno.exit(2);
}

interface Run {
  readonly messages: number;
  readonly events: number;
  readonly seconds: number;
}

async function decodeOnly(): Promise<Run> {
  const start = performance.now();
  const sniff = await sniffRecording(FILE);
  if (sniff === undefined) throw new Error(`${FILE} is not a recording`);
  const decoder = binanceRecordingCodec.decoder();
  const out: Event[] = [];
  let messages = 0;
  let events = 0;
  for await (const chunk of readRecordings([sniff])) {
    for (const item of chunk) {
      messages++;
      decoder.decode(item, out);
      events += out.length;
      out.length = 0;
    }
  }
  return { messages, events, seconds: (performance.now() - start) / 1000 };
}

async function backtest(): Promise<Run> {
  const io = recordingIo();
  const start = performance.now();
  const code = await main([
    "backtest",
    "run",
    "--mode",
    "tick",
    "--strategy-config",
    STRATEGY,
    "--lob-data",
    FILE,
    "--json",
  ], io);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(io.err.join("\n"));
  const report = JSON.parse(io.out.join("\n"));
  return {
    messages: report.diagnostics.recordings[0].items,
    events: report.diagnostics.events.marketData,
    seconds,
  };
}

async function best(run: () => Promise<Run>): Promise<Run> {
  let fastest: Run | undefined;
  for (let i = 0; i < RUNS; i++) {
    const result = await run();
    if (fastest === undefined || result.seconds < fastest.seconds) fastest = result;
  }
  if (fastest === undefined) throw new RangeError("no run");
  return fastest;
}

function line(label: string, run: Run): void {
  const rate = (n: number) => Math.round(n / run.seconds).toLocaleString("en");
  console.log(
    `${label}: ${rate(run.events)} events/s, ${rate(run.messages)} messages/s (${
      run.events.toLocaleString("en")
    } events from ${run.messages.toLocaleString("en")} messages, ${run.seconds.toFixed(2)} s)`,
  );
}

line("decode only (gunzip, parse, depth sync)", await best(decodeOnly));
line("tick backtest end to end (OrderBookImbalance)", await best(backtest));
