// The Bybit REST layer hands a signed order to its transport inside the call when the limiter
// has a token (no await, so no microtask queued before it can delay it), and still waits for the
// limiter when it has none.
import assert from "node:assert/strict";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";

const answer = (result: unknown): Response =>
  new Response(JSON.stringify({ retCode: 0, retMsg: "OK", result }), { status: 200 });

function fixture(
  share: number,
): { rest: BybitRest; sent: string[]; advance: (ms: number) => void } {
  let time = 1_700_000_000_000;
  const sleeps: { at: number; resolve: () => void }[] = [];
  const clock = {
    now: () => time,
    sleep: (ms: number) => new Promise<void>((resolve) => sleeps.push({ at: time + ms, resolve })),
  };
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = (input) => {
    const url = String(input);
    sent.push(new URL(url).pathname);
    return Promise.resolve(
      url.includes("/v5/market/time")
        ? answer({ timeSecond: String(Math.floor(time / 1000)), timeNano: `${time}000000` })
        : answer({ orderId: "o-1", orderLinkId: "c-1" }),
    );
  };
  const rest = new BybitRest({
    baseUrl: "http://127.0.0.1:9",
    credentials: { apiKey: "path-key", apiSecret: "path-secret" },
    limiter: new RateLimiter({ share, clock }),
    now: clock.now,
    sleep: clock.sleep,
    fetch,
  });
  const advance = (ms: number): void => {
    time += ms;
    for (const sleep of sleeps.splice(0)) {
      if (sleep.at <= time) sleep.resolve();
      else sleeps.push(sleep);
    }
  };
  return { rest, sent, advance };
}

const CREATE = {
  method: "POST",
  path: "/v5/order/create",
  params: { category: "linear", symbol: "BTCUSDT", side: "Buy", orderType: "Market", qty: "0.001" },
  signed: true,
  priority: "order",
} as const;

Deno.test("Bybit REST: with a token free, a signed order reaches the transport inside the call", async () => {
  const { rest, sent } = fixture(1);
  await rest.syncTime();
  sent.length = 0;
  const pending = rest.call(CREATE);
  assert.deepEqual(sent, ["/v5/order/create"]);
  assert.equal((await pending).orderId, "o-1");
});

Deno.test("Bybit REST: with no token free, the order waits for the limiter's refill", async () => {
  // A share of 0.1: one create a second.
  const { rest, sent, advance } = fixture(0.1);
  await rest.syncTime();
  sent.length = 0;
  await rest.call(CREATE);
  const second = rest.call(CREATE);
  for (let i = 0; i < 10; i++) await Promise.resolve();
  assert.deepEqual(sent, ["/v5/order/create"]);
  advance(1000);
  assert.equal((await second).orderId, "o-1");
  assert.deepEqual(sent, ["/v5/order/create", "/v5/order/create"]);
});
