/**
 * Binance USDⓈ-M connector hot path (issue 15): parse a real `depthUpdate` and apply it through
 * the depth synchroniser (`pu` check + level updates). The messages are the 48 real
 * `depthUpdate@0ms` lines of tests/testdata/binance/ (median 0.9 kB; 13 to 332 levels, mean 60), replayed
 * as one long chain: each copy gets fresh `U`/`u`/`pu` ids of the same width, so every push is
 * a real apply, never a stale drop. `deno bench --no-prompt -A bench/binance_bench.ts`.
 */

import { DepthSync } from "../connectors/binance/depth_sync.ts";
import { parseDepthUpdate } from "../connectors/binance/depth_update.ts";

const capture = new URL(
  "../tests/testdata/binance/btcusdt_20240808_head600.txt.gz",
  import.meta.url,
);
const text = await new Response(
  new Blob([Deno.readFileSync(capture)]).stream().pipeThrough(new DecompressionStream("gzip")),
).text();
const REAL: string[] = [];
let snapshotText = "";
for (const line of text.split("\n")) {
  const json = line.slice(line.indexOf(" ") + 1);
  if (json.includes('"depthUpdate"')) REAL.push(json);
  else if (json.startsWith('{"lastUpdateId"')) snapshotText = json;
}

function levelCount(json: string): number {
  const data = (JSON.parse(json) as { data: { b: unknown[]; a: unknown[] } }).data;
  return data.b.length + data.a.length;
}
const SMALL = REAL.filter((json) => levelCount(json) <= 30);

// A chain of CHAIN messages cycling through `source` with consecutive ids. The texts are made
// flat (sequential) strings, as a WebSocket delivers them, not the cons strings replace() makes.
const CHAIN = 20_000;
const BASE = 6_000_000_000_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
function chain(source: readonly string[]): string[] {
  const out: string[] = new Array(CHAIN);
  for (let k = 0; k < CHAIN; k++) {
    const first = BASE + 10 * k + 1;
    const json = source[k % source.length]
      .replace(/"U":\d+/, `"U":${first}`)
      .replace(/"u":\d+/, `"u":${first + 9}`)
      .replace(/"pu":\d+/, `"pu":${first - 1}`);
    out[k] = decoder.decode(encoder.encode(json));
  }
  return out;
}
const MESSAGES = chain(REAL);
const SMALL_MESSAGES = chain(SMALL);
const snapshot = JSON.parse(snapshotText) as Record<string, unknown>;
const SNAPSHOT = {
  lastUpdateId: BASE,
  eventTime: 0,
  bids: (snapshot.bids as [string, string][]).flatMap(([p, q]) => [+p, +q]),
  asks: (snapshot.asks as [string, string][]).flatMap(([p, q]) => [+p, +q]),
};

function parseAndApply(name: string, messages: readonly string[]): void {
  const sync = new DepthSync();
  sync.snapshot(SNAPSHOT);
  let next = 0;
  Deno.bench({
    name,
    group: "binance",
    fn(b): void {
      if (next === CHAIN) {
        // Start the chain again from a fresh snapshot, outside the measured part.
        sync.reset("bench wrap");
        sync.snapshot(SNAPSHOT);
        next = 0;
      }
      b.start();
      sync.push(parseDepthUpdate(messages[next++]));
      b.end();
    },
  });
}

parseAndApply(`parse + apply a real depthUpdate, all ${REAL.length} (mean 60 levels)`, MESSAGES);
parseAndApply(
  `parse + apply a real depthUpdate of ≤ 30 levels (${SMALL.length} of them)`,
  SMALL_MESSAGES,
);

let parsed = 0;
Deno.bench({
  name: "parse a real depthUpdate only",
  group: "binance",
  fn(): void {
    parseDepthUpdate(MESSAGES[parsed++ % CHAIN]);
  },
});

Deno.bench({
  name: "JSON.parse of the same text (reference)",
  group: "binance",
  fn(): void {
    JSON.parse(MESSAGES[parsed++ % CHAIN]);
  },
});
