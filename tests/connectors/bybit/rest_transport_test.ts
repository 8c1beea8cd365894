// The Bybit REST layer over its default transport (keep-alive HTTP/1.1): a connection lost after
// an order left is a network failure whose outcome is looked up, never a resend; silence is a
// timeout.
import assert from "node:assert/strict";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { decimal, ExchangeError } from "../../../lib/domain/mod.ts";
import { type RawConnection, startRawServer } from "../../lib/broker/_raw_http_server.ts";

const json = (body: unknown): string => {
  const text = JSON.stringify(body);
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`;
};

// Answers the time and order lookups; a create is read and then the connection is dropped.
async function venue(connection: RawConnection, silent: boolean): Promise<void> {
  while (true) {
    const request = await connection.readRequest();
    if (request === undefined) return;
    if (request.line.startsWith("GET /v5/market/time")) {
      const now = Date.now();
      await connection.write(json({
        retCode: 0,
        retMsg: "OK",
        result: { timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` },
      }));
    } else if (request.line.startsWith("GET /v5/order/realtime")) {
      await connection.write(json({ retCode: 0, retMsg: "OK", result: { list: [] } }));
    } else if (request.line.startsWith("POST /v5/order/create")) {
      if (silent) continue;
      connection.close();
      return;
    }
  }
}

function rest(origin: string, timeoutMs = 2000): BybitRest {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  return new BybitRest({
    baseUrl: origin,
    credentials: { apiKey: "transport-key", apiSecret: "transport-secret" },
    limiter: new RateLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
    now: () => Date.now(),
    sleep,
    timeoutMs,
  });
}

const ORDER = {
  symbol: "bybit:BTCUSDT",
  side: "buy",
  type: "market",
  quantity: decimal("0.001"),
  timeInForce: "ioc",
  reduceOnly: false,
  clientOrderId: "transport-1",
} as const;

Deno.test("Bybit REST: a connection lost after the order left is a network failure, looked up and never resent", async () => {
  const server = startRawServer((connection) => venue(connection, false));
  try {
    const client = new BybitExecutionClient(
      rest(server.origin),
      (ms) => new Promise((r) => setTimeout(r, ms)),
      {
        lookupAttempts: 2,
        lookupDelayMs: 10,
      },
    );
    const error = await client.placeOrder(ORDER).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "network");
    assert.match(error.message, /\/v5\/order\/create: .*closed before any answer/);
    const lines = server.requests.map((r) => r.line.split("?")[0]);
    assert.equal(
      lines.filter((l) => l === "POST /v5/order/create HTTP/1.1").length,
      1,
      "sent once",
    );
    assert.equal(lines.filter((l) => l === "GET /v5/order/realtime").length, 2, "looked up twice");
  } finally {
    await server.stop();
  }
});

Deno.test("Bybit REST: a venue that never answers an order is a timeout", async () => {
  const server = startRawServer((connection) => venue(connection, true));
  try {
    const transport = rest(server.origin, 150);
    const error = await transport.call({
      method: "POST",
      path: "/v5/order/create",
      params: { category: "linear", symbol: "BTCUSDT" },
      signed: true,
      priority: "order",
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "timeout");
    assert.match(error.message, /\/v5\/order\/create: no answer within 150 ms/);
    assert.equal(server.requests.filter((r) => r.line.startsWith("POST")).length, 1);
  } finally {
    await server.stop();
  }
});

Deno.test("Bybit REST over its default transport arms one time-limit timer for requests in a row", async () => {
  const server = startRawServer(async (connection) => {
    while (true) {
      const request = await connection.readRequest();
      if (request === undefined) return;
      await connection.write(json({ retCode: 0, retMsg: "OK", result: { list: [] } }));
    }
  });
  const realSetTimeout = globalThis.setTimeout;
  const delays: number[] = [];
  try {
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout;
    const transport = rest(server.origin);
    const query = {
      method: "GET",
      path: "/v5/order/realtime",
      params: { category: "linear" },
      signed: false,
      priority: "query",
    } as const;
    for (let i = 0; i < 3; i++) await transport.call(query);
    globalThis.setTimeout = realSetTimeout;
    // The REST layer's shared limit only: none of the HTTP client's, none per later request.
    assert.deepEqual(delays, [2000]);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    await server.stop();
  }
});
