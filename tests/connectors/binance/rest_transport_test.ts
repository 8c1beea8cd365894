// The Binance REST layer over its default transport (keep-alive HTTP/1.1): a connection lost
// after an order left is a network failure, sent once.
import assert from "node:assert/strict";
import { WeightLimiter } from "../../../connectors/binance/rate_limit.ts";
import { BinanceRest } from "../../../connectors/binance/rest.ts";
import { ExchangeError } from "../../../lib/domain/mod.ts";
import { startRawServer } from "../../lib/broker/_raw_http_server.ts";

Deno.test("Binance REST: a connection lost after the order left is a network failure, sent once", async () => {
  const server = startRawServer(async (connection) => {
    while (true) {
      const request = await connection.readRequest();
      if (request === undefined) return;
      if (request.line.startsWith("GET /fapi/v1/time")) {
        const text = JSON.stringify({ serverTime: Date.now() });
        await connection.write(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
        );
      } else {
        connection.close();
        return;
      }
    }
  });
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const rest = new BinanceRest({
    baseUrl: server.origin,
    credentials: { apiKey: "transport-key", apiSecret: "transport-secret" },
    limiter: new WeightLimiter({ share: 1, clock: { now: () => Date.now(), sleep } }),
    now: () => Date.now(),
    sleep,
    timeoutMs: 2000,
  });
  try {
    const error = await rest.call({
      method: "POST",
      path: "/fapi/v1/order",
      params: { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.001" },
      security: "signed",
      weight: 1,
      order: true,
      priority: "order",
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "network");
    assert.match(error.message, /\/fapi\/v1\/order: .*closed before any answer/);
    assert.equal(server.requests.filter((r) => r.line.startsWith("POST /fapi/v1/order")).length, 1);
    assert.match(server.requests.at(-1)?.body ?? "", /&signature=[0-9a-f]{64}$/);
  } finally {
    await server.stop();
  }
});
