/**
 * Binance USDⓈ-M connector hot path (issue 15): parse a real `depthUpdate` and apply it through
 * the depth synchroniser (`pu` check + level updates), over EVERY depthUpdate of the real capture
 * tests/testdata/recording/btcusdt_20240808.gz (6,551 messages of 1 to 1,226 levels, mean 67.7,
 * 1.6 kB), in the capture's order from its own snapshot: the book evolves as it really did, and
 * the chain is the real one (4 events below the snapshot, then 6,547 applied).
 *
 * `deno run --no-prompt -A bench/binance_bench.ts [--passes N] [--only parse+apply|parse|apply]`
 *
 * Each pass rebuilds the book from the snapshot (not timed) and times the whole sequence; the
 * figure is the pass time divided by the 6,551 messages (median and best of the passes). Every
 * pass checks the chain (6,547 applied, no resync) and the final best prices, so a faster variant
 * cannot be a wrong one. `--only parse+apply` (or `parse`, `apply`) runs the passes of that one
 * figure (for instruction counts under cachegrind; see bench/README.md "Binance connector").
 *
 * @module
 */

import { DepthSync } from "../connectors/binance/depth_sync.ts";
import {
  type DepthUpdate,
  DepthUpdateReader,
  parseDepthSnapshot,
  parseDepthUpdate,
} from "../connectors/binance/depth_update.ts";

const FILE = new URL("../tests/testdata/recording/btcusdt_20240808.gz", import.meta.url);
const passesAt = Deno.args.indexOf("--passes");
const PASSES = passesAt >= 0 ? Number(Deno.args[passesAt + 1]) : 30;
if (!Number.isInteger(PASSES) || PASSES < 1) {
  console.error("usage: --passes N takes a whole number of at least 1");
  Deno.exit(2);
}
const onlyAt = Deno.args.indexOf("--only");
const ONLY = onlyAt >= 0 ? Deno.args[onlyAt + 1] : "";
if (!["", "parse+apply", "parse", "apply"].includes(ONLY)) {
  console.error("usage: --only takes parse+apply, parse or apply");
  Deno.exit(2);
}

const text = await new Response(
  new Blob([Deno.readFileSync(FILE)]).stream().pipeThrough(new DecompressionStream("gzip")),
).text();
// Flat (sequential) strings, as a WebSocket delivers them, not slices of the whole file.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MESSAGES: string[] = [];
let snapshotText = "";
for (const line of text.split("\n")) {
  const json = line.slice(line.indexOf(" ") + 1);
  if (json.includes('"depthUpdate"')) MESSAGES.push(decoder.decode(encoder.encode(json)));
  else if (json.startsWith('{"lastUpdateId"')) snapshotText = json;
}
const SNAPSHOT = parseDepthSnapshot(snapshotText);
const COUNT = MESSAGES.length;
let levels = 0;
for (const json of MESSAGES) {
  const update = parseDepthUpdate(json);
  levels += (update.bids.length + update.asks.length) / 2;
}

/** The book after the whole chain, to check every pass against the first. */
let expected = "";
function check(sync: DepthSync, applied: number): void {
  const got =
    `${applied} applied, ${sync.resyncs} resyncs, best ${sync.book.bestBid} / ${sync.book.bestAsk}`;
  if (applied !== COUNT - 4 || sync.resyncs !== 0) throw new Error(`broken chain: ${got}`);
  if (expected === "") expected = got;
  else if (got !== expected) throw new Error(`pass differs: ${got}, first ${expected}`);
}

/** Times `PASSES` passes of `step` over the messages; µs per message, sorted. */
function passes(step: (sync: DepthSync, i: number) => boolean): number[] {
  const out: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const sync = new DepthSync();
    sync.snapshot(SNAPSHOT);
    let applied = 0;
    const start = performance.now();
    for (let i = 0; i < COUNT; i++) if (step(sync, i)) applied++;
    const elapsed = performance.now() - start;
    check(sync, applied);
    out.push((elapsed * 1000) / COUNT);
  }
  return out.sort((a, b) => a - b);
}

function row(name: string, sorted: readonly number[]): string {
  const median = sorted[Math.floor(sorted.length / 2)];
  return `| ${name.padEnd(52)} | ${median.toFixed(2).padStart(6)} µs | ${
    sorted[0].toFixed(2).padStart(6)
  } µs |`;
}

// What the live stream and its replays run per depth frame: the reusing reader, then the sync.
const reader = new DepthUpdateReader();
console.log(
  `${COUNT} depthUpdates, mean ${(levels / COUNT).toFixed(1)} levels, ${PASSES} passes`,
);
console.log(`| ${"figure".padEnd(52)} | median    | best      |`);
console.log(`| ${"-".repeat(52)} | --------- | --------- |`);
if (ONLY === "" || ONLY === "parse+apply") {
  const parseAndApply = passes((sync, i) => sync.push(reader.read(MESSAGES[i])).kind === "applied");
  console.log(row("parse + apply (target ≤ 4 µs)", parseAndApply));
}
if (ONLY === "" || ONLY === "apply") {
  const parsed: DepthUpdate[] = MESSAGES.map(parseDepthUpdate);
  const applyOnly = passes((sync, i) => sync.push(parsed[i]).kind === "applied");
  console.log(row("apply only (pre-parsed, through DepthSync)", applyOnly));
}
if (ONLY === "" || ONLY === "parse") {
  let sink = 0;
  const parseOnly: number[] = [];
  const jsonParse: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    let start = performance.now();
    for (let i = 0; i < COUNT; i++) sink += reader.read(MESSAGES[i]).lastId;
    parseOnly.push(((performance.now() - start) * 1000) / COUNT);
    if (ONLY === "") {
      start = performance.now();
      for (let i = 0; i < COUNT; i++) {
        sink += (JSON.parse(MESSAGES[i]) as { data: { u: number } }).data.u;
      }
      jsonParse.push(((performance.now() - start) * 1000) / COUNT);
    }
  }
  if (sink === 0) throw new Error("unreachable: ids are positive");
  console.log(row("parse only", parseOnly.sort((a, b) => a - b)));
  if (ONLY === "") {
    console.log(row("JSON.parse of the same texts (reference)", jsonParse.sort((a, b) => a - b)));
  }
}
