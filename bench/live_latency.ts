/**
 * Tick-to-order latency of a live session against the simulator (issue 16): from a market-data
 * frame read off the simulator's WebSocket to the order request written to its REST socket.
 *
 * The simulator (Bybit protocol, rate limits lifted) runs on 127.0.0.1 away from the session's
 * thread (a venue is another machine, and in this thread its work would run inside the measured
 * window): `--simulator process` (default) in a child process, `worker` in a worker of this
 * process (the only way before 2026-12-03), `pinned` in a child process on `--sim-cpus`
 * (default `1`) with this process's threads on `--bench-cpus` (default `0`), by `taskset`. On
 * 127.0.0.1 the write of the order's request wakes the simulator inside the write call, and when
 * the kernel runs it on our CPU it preempts us there: the write call then returns only after
 * the simulator's turn, a few hundred µs that are the venue's, not ours (always so in a worker,
 * often in an unpinned process; bench/README.md, "Tick-to-order: where the REST call's time
 * went"). A
 * `LiveRuntime` with live execution runs the Bybit connector's public stream, private stream
 * and REST client, and a strategy that sends a market order (sides alternating, so the position
 * stays within one lot) on every trade of a marker size. The bench prints one such trade every
 * `--interval-ms`. Timestamps are taken at the transport seams, not in the strategy: when the
 * marker trade's frame reaches our WebSocket handler (a wrapper around the native socket), and
 * when the `/v5/order/create` request has been written — by the keep-alive HTTP/1.1 client's
 * write hook (`http1`), or, for `fetch`, when the request is handed to `fetch` (which writes
 * later, inside its own machinery: that figure flatters fetch). For both, the time until the
 * REST answer is back is printed too, which compares the two transports on equal terms.
 * Orders are matched to frames in sequence; a run whose counts differ is refused. Each sample
 * also goes into the runtime's `tesser_tick_to_order_seconds` histogram, whose buckets are
 * printed.
 *
 * `--store sqlite` gives the session a SQLite state store in a temporary directory, as `live run`
 * has with `--state-path`: each order's intent is then committed (the outbox) before its request
 * leaves, inside the measured window. Without it (`none`, the default) nothing is persisted.
 *
 * The client-side limiter is lifted with the simulator's (its check when a token is free is a
 * synchronous `tryAcquire`): at Bybit's 10 orders/s thousands of samples would take minutes.
 *
 * `deno run -A bench/live_latency.ts [--samples N] [--warmup N] [--interval-ms N]
 * [--transport http1|fetch|both] [--simulator worker|process|pinned] [--sim-cpus LIST]
 * [--bench-cpus LIST] [--store none|sqlite]`
 *
 * @module
 */

import { BybitMarketStream } from "../connectors/bybit/market_stream.ts";
import { RateLimiter, type RequestPriority } from "../connectors/bybit/rate_limit.ts";
import { Http1Client, type SocketFactory, type StreamSocket } from "../lib/broker/mod.ts";
import type { JsonValue, Trade } from "../lib/domain/mod.ts";
import { WallClock } from "../lib/engine/mod.ts";
import { fixedQuantity } from "../lib/execution/mod.ts";
import { LiveMetrics } from "../lib/live/ops/mod.ts";
import { LiveRuntime } from "../lib/live/mod.ts";
import { openLiveStore } from "../lib/live/state/mod.ts";
import {
  bybitLive,
  type SimulatorHost,
  SimulatorProcess,
  SimulatorWorker,
} from "./_live_simulator_client.ts";
import type { Strategy, StrategyContext } from "../lib/strategies/mod.ts";

import { flag } from "./_flags.ts";

const SAMPLES = Number(flag("samples", "3000"));
const WARMUP = Number(flag("warmup", "300"));
const INTERVAL_MS = Number(flag("interval-ms", "4"));
const TRANSPORT = flag("transport", "both");
const SIMULATOR = flag("simulator", "process");
const SIM_CPUS = flag("sim-cpus", "1");
const BENCH_CPUS = flag("bench-cpus", "0");
const STORE = flag("store", "none");
if (STORE !== "none" && STORE !== "sqlite") {
  throw new Error(`--store ${STORE}: use none or sqlite`);
}
const SYMBOL = "bybit:BTCUSDT";
// Trades of this size are the bench's; the strategy answers only these.
const MARK_QTY = 0.007;
const MARK_TEXT = '"v":"0.007"';
const KEY = { apiKey: "latency", apiSecret: "latency-secret" };

/** The limiter with its limits lifted (the simulator's are lifted too). */
class LiftedLimiter extends RateLimiter {
  override tryAcquire(_endpoint: string): boolean {
    return true;
  }
  override acquire(_endpoint: string, _priority: RequestPriority): Promise<void> {
    return Promise.resolve();
  }
}

/** Sends a market order on every marker trade, sides alternating; `seen` gets when (breakdown). */
function orderOnTrade(seen: number[]): Strategy {
  let sent = 0;
  return {
    name: "OrderOnTrade",
    subscriptions: [{ kind: "trades", symbol: SYMBOL }],
    onTrade(trade: Trade, ctx: StrategyContext): void {
      if (trade.symbol !== SYMBOL || trade.quantity !== MARK_QTY) return;
      seen.push(performance.now());
      ctx.submitOrder({
        symbol: SYMBOL,
        side: sent++ % 2 === 0 ? "buy" : "sell",
        type: "market",
        quantity: 0.001,
      });
    },
    snapshot: (): JsonValue => ({ sent }),
    restore(state: JsonValue): void {
      sent = (state as { sent: number }).sent;
    },
  };
}

/** The native WebSocket, with the arrival time of every marker frame recorded. */
function stampingSocket(arrivals: number[]): SocketFactory {
  return (url: string): StreamSocket => {
    const socket = new WebSocket(url);
    const wrapper: StreamSocket = {
      send: (data) => socket.send(data),
      close: (code, reason) => socket.close(code, reason),
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    socket.onopen = (event) => wrapper.onopen?.(event);
    socket.onmessage = (event) => {
      const at = performance.now();
      if (typeof event.data === "string" && event.data.includes(MARK_TEXT)) arrivals.push(at);
      wrapper.onmessage?.(event);
    };
    socket.onclose = (event) => wrapper.onclose?.(event);
    socket.onerror = (event) => wrapper.onerror?.(event);
    return wrapper;
  };
}

interface Figures {
  readonly written: readonly number[];
  readonly answered: readonly number[];
  readonly fills: number;
  readonly venueOrders: number;
  readonly breakdown: string;
  readonly connections: string;
  readonly histogram: string;
}

async function measure(transport: "http1" | "fetch"): Promise<Figures> {
  const worker = simulatorHost();
  const sim = await worker.start(KEY);
  const arrivals: number[] = [];
  const writes: number[] = [];
  const answers: number[] = [];
  // For the breakdown only: when the strategy saw the trade, when the REST layer called fetch.
  const seen: number[] = [];
  const calls: number[] = [];
  const isCreate = (url: string): boolean => url.endsWith("/v5/order/create");
  const http1 = new Http1Client({
    origin: sim.restUrl,
    // The REST layer's timer is the time limit, as with its default transport.
    timeoutMs: Infinity,
    onWrite: (method, target) => {
      if (method === "POST" && target === "/v5/order/create") writes.push(performance.now());
    },
  });
  const inner: typeof fetch = transport === "http1" ? http1.fetch : fetch;
  const seam: typeof fetch = async (input, init) => {
    const url = String(input);
    if (isCreate(url)) calls.push(performance.now());
    if (transport === "fetch" && isCreate(url)) writes.push(performance.now());
    const response = await inner(input, init);
    if (isCreate(url)) answers.push(performance.now());
    return response;
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const { client, execution } = await bybitLive(sim, KEY, {
    limiter: (clock) => new LiftedLimiter({ share: 1, clock }),
    fetch: seam,
  });
  const instruments = (await client.instruments()).filter((i) => i.symbol === SYMBOL);
  const clock = new WallClock();
  const stateDir = STORE === "sqlite" ? await Deno.makeTempDir({ prefix: "tesser-latency-" }) : "";
  const store = STORE === "sqlite"
    ? await openLiveStore({
      engine: "sqlite",
      path: `${stateDir}/state.sqlite`,
      lockKey: "bybit:latency:BTCUSDT",
    })
    : undefined;
  const runtime = new LiveRuntime({
    store,
    strategy: orderOnTrade(seen),
    instruments,
    initialBalances: { USDT: 100_000 },
    reportingCurrency: "USDT",
    sizer: fixedQuantity(0.001),
    clock,
    dataInterval: "1m",
    feeds: [new BybitMarketStream({ url: sim.wsPublicUrl, socket: stampingSocket(arrivals) })],
    buildCandles: false,
    orderVenue: execution,
  });
  const running = runtime.run();
  // The strategy is subscribed once the first book snapshot is in.
  for (let i = 0; i < 500 && runtime.counts.events === 0; i++) await sleep(10);
  await worker.trades(WARMUP + SAMPLES, INTERVAL_MS, MARK_QTY);
  const expected = WARMUP + SAMPLES;
  // A loaded machine may leave the session behind the market: let it drain (30 s at most).
  for (let i = 0; i < 3000 && answers.length < expected; i++) await sleep(10);
  runtime.stop("bench done");
  const summary = await running;
  store?.close();
  if (stateDir !== "") await Deno.remove(stateDir, { recursive: true });
  const connections = transport === "http1"
    ? `${http1.stats.connections} connection(s), ${http1.stats.reused} reuses, ${http1.stats.cold} requests found no idle connection`
    : "fetch's pool";
  http1.close();
  const ledger = await worker.stop();
  if (arrivals.length !== expected || writes.length !== expected || answers.length !== expected) {
    throw new Error(
      `${transport}: ${arrivals.length} marker frames, ${writes.length} orders written, ${answers.length} answered; expected ${expected} each (refused or lost orders make the pairing meaningless)`,
    );
  }
  const median = (values: number[]): number =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const stage = (to: readonly number[], from: readonly number[]): number =>
    median(to.slice(WARMUP).map((t, i) => (t - (from[WARMUP + i] ?? NaN)) * 1000));
  const breakdown = `frame → strategy ${
    Math.round(stage(seen, arrivals))
  } µs, strategy → REST call ${Math.round(stage(calls, seen))} µs, REST call → ${
    transport === "http1" ? "written" : "handed to fetch"
  } ${Math.round(stage(writes, calls))} µs`;
  const metrics = new LiveMetrics({ strategy: "latency-bench" });
  const written: number[] = [];
  const answered: number[] = [];
  for (let i = WARMUP; i < expected; i++) {
    const arrival = arrivals[i] ?? Number.NaN;
    const micros = ((writes[i] ?? Number.NaN) - arrival) * 1000;
    written.push(micros);
    answered.push(((answers[i] ?? Number.NaN) - arrival) * 1000);
    metrics.tickToOrder(micros);
  }
  const histogram = (await metrics.text()).split("\n")
    .filter((line) => line.startsWith("tesser_tick_to_order_seconds_bucket"))
    .map((line) => line.replace(/.*le="([^"]+)".* (\d+)$/, "≤$1 s: $2"))
    .join(", ");
  return {
    written,
    answered,
    fills: summary.fills,
    venueOrders: ledger.orders,
    breakdown,
    connections,
    histogram,
  };
}

function simulatorHost(): SimulatorHost {
  switch (SIMULATOR) {
    case "worker":
      return new SimulatorWorker();
    case "process":
      return new SimulatorProcess();
    case "pinned":
      return new SimulatorProcess(SIM_CPUS);
    default:
      console.error(`--simulator must be worker, process or pinned, not "${SIMULATOR}"`);
      Deno.exit(2);
  }
}

function percentiles(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const us = (v: number): string => `${Math.round(v)} µs`;
  return `p50 ${us(at(0.5))}, p90 ${us(at(0.9))}, p99 ${us(at(0.99))}, max ${
    us(sorted.at(-1) ?? NaN)
  }`;
}

const transports: ("http1" | "fetch")[] = TRANSPORT === "both"
  ? ["http1", "fetch"]
  : TRANSPORT === "http1" || TRANSPORT === "fetch"
  ? [TRANSPORT]
  : [];
if (transports.length === 0) {
  console.error(`--transport must be http1, fetch or both, not "${TRANSPORT}"`);
  Deno.exit(2);
}
if (SIMULATOR === "pinned") {
  // Every thread of this process (V8's and the runtime's too), not only the main one.
  const pin = await new Deno.Command("taskset", {
    args: ["-a", "-cp", BENCH_CPUS, String(Deno.pid)],
    stdout: "null",
  }).output();
  if (!pin.success) {
    console.error(`taskset could not pin this process to CPUs ${BENCH_CPUS}`);
    Deno.exit(2);
  }
}
const load = Deno.loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(
  `tick-to-order against the simulator: ${SAMPLES} samples after ${WARMUP} warm-up, one marker trade every ${INTERVAL_MS} ms, simulator: ${SIMULATOR}${
    SIMULATOR === "pinned" ? ` on CPU ${SIM_CPUS}, the bench on CPU ${BENCH_CPUS}` : ""
  }, load average ${load}`,
);
for (const transport of transports) {
  const figures = await measure(transport);
  const seam = transport === "http1" ? "request written" : "request handed to fetch";
  console.log(`${transport}: frame → ${seam}: ${percentiles(figures.written)}`);
  console.log(`${transport}: frame → REST answer back: ${percentiles(figures.answered)}`);
  console.log(`${transport}: medians by stage: ${figures.breakdown}`);
  console.log(
    `${transport}: ${figures.venueOrders} orders in the simulator's ledger, ${figures.fills} fills booked, ${figures.connections}; histogram ${figures.histogram}`,
  );
}
