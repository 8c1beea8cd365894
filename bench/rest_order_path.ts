/**
 * An order's REST path alone, without a network (issue 16): `BybitExecutionClient.placeOrder` →
 * `BybitRest` (body, HMAC signature, headers, time limit) → `keepAliveFetch` → `Http1Client`
 * (serialising, the pooled connection) → the write, on an in-memory socket that answers each
 * request at once. Prints, over `--orders` market orders one after another (the first one, which
 * opens the connection, is not counted), the time from the call to the request's bytes handed to
 * the socket, and its two halves: the call to the REST layer's `fetch`, and that `fetch` to the
 * write. `--gap-ms N` waits N ms between orders (the core idles, and the code runs cold, as
 * between a live session's ticks); the default 0 runs them back to back.
 *
 * The same orders under `valgrind --tool=cachegrind` give instruction counts that do not depend
 * on how busy the machine is; two sizes cancel the start-up (bench/README.md, "Tick-to-order:
 * less code per tick (session 10)"):
 *
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     deno run -A --v8-flags=--predictable bench/rest_order_path.ts --orders 2000   # then 22000
 *
 * `deno run -A bench/rest_order_path.ts [--orders N] [--gap-ms N]`
 *
 * @module
 */

import { BybitExecutionClient } from "../connectors/bybit/execution_client.ts";
import { RateLimiter, type RequestPriority } from "../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../connectors/bybit/rest.ts";
import { type Http1Socket, keepAliveFetch } from "../lib/broker/mod.ts";
import { decimal, type OrderRequest } from "../lib/domain/mod.ts";
import { flag } from "./_flags.ts";

const ORDERS = Number(flag("orders", "20000"));
const GAP_MS = Number(flag("gap-ms", "0"));
const ANSWER_BODY = '{"retCode":0,"retMsg":"OK","result":{"orderId":"1","orderLinkId":"a"}}';
const ANSWER = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${ANSWER_BODY.length}\r\n\r\n${ANSWER_BODY}`,
);

/** The limiter with its limits lifted: the bench sends far more than 10 orders a second. */
class LiftedLimiter extends RateLimiter {
  override tryAcquire(_endpoint: string): boolean {
    return true;
  }
  override acquire(_endpoint: string, _priority: RequestPriority): Promise<void> {
    return Promise.resolve();
  }
}

/** A socket that answers every request it is written at once; `onWrite` sees each write. */
function answeringSocket(onWrite: () => void): Http1Socket {
  // A read waiting for the next answer, or answers owed to reads not made yet.
  let reader: { into: Uint8Array; resolve: (n: number) => void } | undefined;
  let owed = 0;
  const answer = (into: Uint8Array, resolve: (n: number) => void): void =>
    queueMicrotask(() => {
      into.set(ANSWER);
      resolve(ANSWER.length);
    });
  return {
    read(into: Uint8Array): Promise<number | null> {
      if (owed > 0) {
        owed--;
        return new Promise((resolve) => answer(into, resolve));
      }
      return new Promise((resolve) => reader = { into, resolve });
    },
    write(data: Uint8Array): Promise<number> {
      onWrite();
      const waiting = reader;
      reader = undefined;
      if (waiting === undefined) owed++;
      else answer(waiting.into, waiting.resolve);
      return Promise.resolve(data.length);
    },
    close(): void {},
  };
}

let calledAt = 0;
let fetchedAt = 0;
const toFetch: number[] = [];
const toWrite: number[] = [];
const socket = answeringSocket(() => {
  toFetch.push((fetchedAt - calledAt) * 1000);
  toWrite.push((performance.now() - fetchedAt) * 1000);
});
const transport = keepAliveFetch({ timeoutMs: Infinity, connect: () => Promise.resolve(socket) });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const rest = new BybitRest({
  baseUrl: "http://127.0.0.1:9",
  credentials: { apiKey: "bench-key", apiSecret: "bench-secret" },
  limiter: new LiftedLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
  now: () => Date.now(),
  sleep,
  fetch: (input, init) => {
    // The venue's clock is asked for once, before the first signed request.
    if (String(input).endsWith("/v5/market/time")) {
      const ms = Date.now();
      return Promise.resolve(
        Response.json({
          retCode: 0,
          result: { timeSecond: `${ms / 1000}`, timeNano: `${ms}000000` },
        }),
      );
    }
    fetchedAt = performance.now();
    return transport(input, init);
  },
});
const client = new BybitExecutionClient(rest, sleep);
const quantity = decimal("0.001");
const order = (n: number): OrderRequest => ({
  clientOrderId: `bench-${n}`,
  symbol: "bybit:BTCUSDT",
  side: n % 2 === 0 ? "buy" : "sell",
  type: "market",
  quantity,
  timeInForce: "ioc",
  reduceOnly: false,
});

await client.placeOrder(order(0)); // opens the connection
toFetch.length = 0;
toWrite.length = 0;
for (let n = 1; n <= ORDERS; n++) {
  if (GAP_MS > 0) await sleep(GAP_MS);
  calledAt = performance.now();
  await client.placeOrder(order(n));
}
const total = toFetch.map((v, i) => v + (toWrite[i] ?? NaN)).sort((a, b) => a - b);
const at = (sorted: readonly number[], q: number): string =>
  (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(1);
const median = (values: number[]): string => at(values.sort((a, b) => a - b), 0.5);
console.log(
  `${total.length} orders, ${
    GAP_MS > 0 ? `${GAP_MS} ms apart` : "back to back"
  }: call → written p50 ${at(total, 0.5)}, p90 ${at(total, 0.9)}, p99 ${
    at(total, 0.99)
  } µs; medians call → fetch ${median(toFetch)}, fetch → written ${median(toWrite)} µs`,
);
