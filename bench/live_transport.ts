/**
 * The REST transport alone: serial round trips of an order-sized signed POST (the headers and
 * body of a Bybit `/v5/order/create`) to a `Deno.serve` server on 127.0.0.1 in this process,
 * through the global `fetch`, through the keep-alive HTTP/1.1 client's `fetch`
 * (`keepAliveFetch`, what the connectors use) and through its `request`. Prints p50/p99 per
 * transport: `deno run -A bench/live_transport.ts [--requests N]`.
 *
 * @module
 */

import { Http1Client } from "../lib/broker/mod.ts";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const REQUESTS = flag("requests", 5000);
const WARMUP = 500;

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
  const body = await request.text();
  return new Response(`{"retCode":0,"retMsg":"OK","result":{"orderLinkId":"${body.length}"}}`, {
    headers: { "Content-Type": "application/json", "X-Bapi-Limit-Status": "9" },
  });
});
const origin = `http://127.0.0.1:${server.addr.port}`;
const client = new Http1Client({ origin });
const body = JSON.stringify({
  category: "linear",
  symbol: "BTCUSDT",
  side: "Buy",
  orderType: "Market",
  qty: "0.001",
  timeInForce: "IOC",
  orderLinkId: "tesser-1-000123",
});
const headers = {
  "Content-Type": "application/json",
  "X-BAPI-API-KEY": "bench-key",
  "X-BAPI-TIMESTAMP": "1796186962589",
  "X-BAPI-RECV-WINDOW": "5000",
  "X-BAPI-SIGN": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
};
const url = `${origin}/v5/order/create`;

async function measure(name: string, once: () => Promise<void>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await once();
  const took: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await once();
    took.push((performance.now() - started) * 1000);
  }
  took.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(took[Math.floor(q * took.length)] ?? NaN);
  console.log(`${name}: round trip p50 ${at(0.5)} µs, p99 ${at(0.99)} µs (${REQUESTS} serial)`);
}

console.log(`load average ${Deno.loadavg().map((v) => v.toFixed(2)).join(" ")}`);
await measure("global fetch", async () => {
  await (await fetch(url, { method: "POST", headers, body })).text();
});
await measure("Http1Client.fetch", async () => {
  await (await client.fetch(url, { method: "POST", headers, body })).text();
});
await measure("Http1Client.request", async () => {
  (await client.request({ method: "POST", target: "/v5/order/create", headers, body })).text();
});
client.close();
await server.shutdown();
