/**
 * The floor under bench/live_latency.ts (issue 16): the same seams with nothing of ours in
 * between. A peer process (bench/_latency_floor_server.ts, pinned to `--sim-cpus` like the live
 * bench's simulator) sends a trade-sized WebSocket text frame every `--interval-ms`; this
 * process (every thread pinned to `--bench-cpus`) receives it with the native `WebSocket` and,
 * in the message handler, writes an order-sized HTTP/1.1 request to a `Deno.connect` socket on
 * the peer, which reads and discards it. `bare` writes fixed bytes; `json` first parses the
 * frame and builds the request from it (`JSON.parse`, `JSON.stringify`, encoding), the least a
 * real path does. The stamps are those of the live bench: when the frame reaches our handler,
 * and when the write call returns (Deno writes inside the call). What remains is the runtime's
 * and the kernel's: the write syscall on loopback (which also runs the peer's TCP receive and
 * wakes it on the other CPU) and a core that idled for `--interval-ms` running cold.
 *
 * `deno run -A bench/live_latency_floor.ts [--samples N] [--warmup N] [--interval-ms N]
 * [--mode bare|json|both] [--sim-cpus LIST] [--bench-cpus LIST]`
 *
 * @module
 */

import { flag } from "./_flags.ts";

const SAMPLES = Number(flag("samples", "3000"));
const WARMUP = Number(flag("warmup", "300"));
const INTERVAL_MS = Number(flag("interval-ms", "4"));
const MODE = flag("mode", "both");
const SIM_CPUS = flag("sim-cpus", "1");
const BENCH_CPUS = flag("bench-cpus", "0");

type Mode = "bare" | "json";

const encoder = new TextEncoder();

// An order-create request the size of the Bybit connector's (headers signed, JSON body).
function request(body: string): Uint8Array {
  return encoder.encode(
    "POST /v5/order/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
      "X-BAPI-API-KEY: latency\r\nX-BAPI-TIMESTAMP: 1764800000000\r\nX-BAPI-RECV-WINDOW: 5000\r\n" +
      "X-BAPI-SIGN: 3f1c0e5a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f\r\n" +
      `Connection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

const FIXED = request(
  '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.001",' +
    '"orderLinkId":"latency-000001"}',
);

function fromFrame(text: string, sequence: number): Uint8Array {
  const frame = JSON.parse(text) as { data: { s: string; S: string }[] };
  const trade = frame.data[0];
  return request(JSON.stringify({
    category: "linear",
    symbol: trade?.s,
    side: trade?.S === "Buy" ? "Sell" : "Buy",
    orderType: "Market",
    qty: "0.001",
    orderLinkId: `latency-${sequence}`,
  }));
}

interface Peer {
  readonly child: Deno.ChildProcess;
  readonly ws: number;
  readonly tcp: number;
}

async function startPeer(): Promise<Peer> {
  const script = new URL("./_latency_floor_server.ts", import.meta.url).pathname;
  const child = new Deno.Command("taskset", {
    args: ["-c", SIM_CPUS, Deno.execPath(), "run", "--no-prompt", "--allow-net=127.0.0.1", script],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("latency floor: the peer ended before printing its ports");
    line += value;
  }
  reader.releaseLock();
  const ports = JSON.parse(line) as { ws: number; tcp: number };
  return { child, ...ports };
}

interface Figures {
  readonly written: number[];
  readonly writeCall: number[];
}

async function measure(mode: Mode): Promise<Figures> {
  const peer = await startPeer();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: peer.tcp });
  conn.setNoDelay(true);
  const socket = new WebSocket(`ws://127.0.0.1:${peer.ws}/`);
  const written: number[] = [];
  const writeCall: number[] = [];
  let sequence = 0;
  const done = Promise.withResolvers<void>();
  socket.onopen = () => socket.send(`go ${WARMUP + SAMPLES} ${INTERVAL_MS}`);
  socket.onmessage = (event) => {
    const at = performance.now();
    const text = String(event.data);
    if (text === "done") return done.resolve();
    const bytes = mode === "bare" ? FIXED : fromFrame(text, sequence);
    const before = performance.now();
    const writing = conn.write(bytes);
    const after = performance.now();
    writing.then((n) => {
      if (n !== bytes.length) done.reject(new Error(`latency floor: short write ${n}`));
    }, done.reject);
    if (sequence++ >= WARMUP) {
      written.push((after - at) * 1000);
      writeCall.push((after - before) * 1000);
    }
  };
  socket.onerror = () => done.reject(new Error("latency floor: the WebSocket failed"));
  await done.promise;
  socket.close();
  conn.close();
  await peer.child.stdin.close();
  await peer.child.status;
  await peer.child.stdout.cancel().catch(() => {});
  if (written.length !== SAMPLES) {
    throw new Error(`latency floor: ${written.length} samples, expected ${SAMPLES}`);
  }
  return { written, writeCall };
}

function percentiles(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const us = (v: number): string => `${v.toFixed(1)} µs`;
  return `p50 ${us(at(0.5))}, p90 ${us(at(0.9))}, p99 ${us(at(0.99))}, max ${
    us(sorted.at(-1) ?? NaN)
  }`;
}

const modes: Mode[] = MODE === "both"
  ? ["bare", "json"]
  : MODE === "bare" || MODE === "json"
  ? [MODE]
  : [];
if (modes.length === 0) {
  console.error(`--mode must be bare, json or both, not "${MODE}"`);
  Deno.exit(2);
}
// Every thread of this process, as bench/live_latency.ts --simulator pinned does.
const pin = await new Deno.Command("taskset", {
  args: ["-a", "-cp", BENCH_CPUS, String(Deno.pid)],
  stdout: "null",
}).output();
if (!pin.success) {
  console.error(`taskset could not pin this process to CPUs ${BENCH_CPUS}`);
  Deno.exit(2);
}
const load = Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(
  `latency floor: ${SAMPLES} frames after ${WARMUP} warm-up, one every ${INTERVAL_MS} ms, peer on CPU ${SIM_CPUS}, the bench on CPU ${BENCH_CPUS}, load average ${load}`,
);
for (const mode of modes) {
  const figures = await measure(mode);
  console.log(`${mode}: frame → request written: ${percentiles(figures.written)}`);
  console.log(`${mode}: the write call alone: ${percentiles(figures.writeCall)}`);
}
