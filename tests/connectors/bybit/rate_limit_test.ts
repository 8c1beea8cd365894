import assert from "node:assert/strict";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { retCodeError, retCodeKind } from "../../../connectors/bybit/errors.ts";
import { isDefinitiveRefusal } from "../../../lib/broker/mod.ts";

/** A virtual clock: sleeps advance time at once, in call order. */
function virtualClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let time = 1_000_000;
  return {
    now: () => time,
    sleep: async (ms: number) => {
      await Promise.resolve();
      time += ms;
    },
  };
}

Deno.test("RateLimiter: a share of 0.5 allows 5 creates per second; the 6th waits for a refill", async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter({ share: 0.5, clock });
  const start = clock.now();
  for (let i = 0; i < 5; i++) await limiter.acquire("/v5/order/create", "order");
  assert.equal(clock.now(), start);
  await limiter.acquire("/v5/order/create", "order");
  assert.ok(clock.now() - start >= 200, `waited ${clock.now() - start} ms`);
});

Deno.test("RateLimiter: waiting cancels go before waiting orders, orders before queries", async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter({ share: 0.1, clock });
  await limiter.acquire("/v5/order/cancel", "query"); // uses the one token
  const order: string[] = [];
  const waits = [
    limiter.acquire("/v5/order/cancel", "query").then(() => order.push("query")),
    limiter.acquire("/v5/order/cancel", "order").then(() => order.push("order")),
    limiter.acquire("/v5/order/cancel", "cancel").then(() => order.push("cancel")),
  ];
  await Promise.all(waits);
  assert.deepEqual(order, ["cancel", "order", "query"]);
});

Deno.test("RateLimiter: a 0 remaining header blocks the endpoint until the reset time", async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter({ share: 1, clock });
  const reset = clock.now() + 750;
  limiter.observe("/v5/order/create", 0, reset);
  assert.equal(limiter.blockedUntil("/v5/order/create"), reset);
  await limiter.acquire("/v5/order/create", "order");
  assert.ok(clock.now() >= reset);
  // Other endpoints are not held.
  assert.equal(limiter.blockedUntil("/v5/order/realtime"), 0);
});

Deno.test("RateLimiter: a share outside (0, 1] is refused with its name", () => {
  assert.throws(
    () => new RateLimiter({ share: 0, clock: virtualClock() }),
    /rate_limit_share must be in \(0, 1\]/,
  );
  assert.throws(() => new RateLimiter({ share: 1.5, clock: virtualClock() }), RangeError);
});

Deno.test("retCode kinds: refusals before processing are definitive, server trouble is not", () => {
  const table: [number, string, boolean][] = [
    [10001, "invalid-request", true],
    [10002, "auth", true],
    [10003, "auth", true],
    [10004, "auth", true],
    [10006, "rate-limit", true],
    [10000, "timeout", false],
    [10016, "unavailable", false],
    [110007, "rejected", true],
    [110017, "invalid-request", true],
    [110094, "invalid-request", true],
    [110001, "rejected", true],
    [110079, "unavailable", false],
    [99999, "unknown", false],
  ];
  for (const [code, kind, definitive] of table) {
    const k = retCodeKind(code);
    assert.equal(k, kind, `retCode ${code}`);
    assert.equal(isDefinitiveRefusal(k), definitive, `retCode ${code}`);
  }
  const error = retCodeError(
    110094,
    "Order does not meet minimum order value 5USDT",
    "/v5/order/create",
  );
  assert.equal(
    error.message,
    "bybit invalid-request: /v5/order/create: Order does not meet minimum order value 5USDT (hint: the order's notional is below the instrument's minNotionalValue)",
  );
  assert.equal(error.code, "110094");
});

Deno.test("RateLimiter: tryAcquire takes a token of the endpoint and of the IP, or neither", async () => {
  const clock = virtualClock();
  // A share of 0.1: 12 IP tokens (1.2 more each 100 ms), one token per endpoint (1 a second).
  const limiter = new RateLimiter({ share: 0.1, clock });
  assert.equal(limiter.tryAcquire("/v5/order/create"), true);
  assert.equal(limiter.tryAcquire("/v5/order/create"), false);
  for (let i = 0; i < 11; i++) assert.equal(limiter.tryAcquire(`/x/${i}`), true);
  // The IP is spent: refused, and the endpoint's own token is left where it was.
  assert.equal(limiter.tryAcquire("/v5/order/cancel"), false);
  await clock.sleep(100);
  // The IP has a token again; the cancel endpoint's would be at 0.1 had the refusal taken it.
  assert.equal(limiter.tryAcquire("/v5/order/cancel"), true);
  assert.equal(limiter.tryAcquire("/v5/order/create"), false);
});

Deno.test("RateLimiter: tryAcquire never overtakes a request already waiting", async () => {
  const clock = virtualClock();
  const limiter = new RateLimiter({ share: 0.1, clock });
  assert.equal(limiter.tryAcquire("/v5/order/cancel"), true);
  const order: string[] = [];
  const waiting = limiter.acquire("/v5/order/cancel", "query").then(() => order.push("query"));
  // Refused even by a higher priority: the waiter is served by the refill, then the refusal
  // goes the waiting way behind it.
  assert.equal(limiter.tryAcquire("/v5/order/cancel"), false);
  await waiting;
  assert.deepEqual(order, ["query"]);
});
