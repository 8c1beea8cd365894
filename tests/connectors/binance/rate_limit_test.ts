import assert from "node:assert/strict";
import { ExchangeError } from "../../../lib/domain/mod.ts";
import { WeightLimiter } from "../../../connectors/binance/rate_limit.ts";

/** A virtual clock: sleeping moves time. */
function virtualClock(
  start = 60_000 * 1000,
): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let now = start;
  return {
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

const query = { weight: 1, order: false, priority: "query" } as const;

Deno.test("WeightLimiter: this process spends at most its share of the minute's weight, then waits for the next minute", async () => {
  const clock = virtualClock();
  const limiter = new WeightLimiter({
    share: 0.25,
    clock,
    limits: { weight1m: 400, orders10s: 300, orders1m: 1200 },
  });
  const start = clock.now();
  for (let i = 0; i < 100; i++) await limiter.acquire(query);
  assert.equal(clock.now(), start, "100 of 100 fit");
  await limiter.acquire(query);
  assert.ok(clock.now() >= start + 60_000, "the 101st waited for the next window");
});

Deno.test("WeightLimiter: the venue's X-MBX-USED-WEIGHT-1M (every process on the IP) stops us before the limit", async () => {
  const clock = virtualClock();
  const limiter = new WeightLimiter({ share: 1, clock });
  // Other processes on this IP used 2150 of 2400; 90 % = 2160 is as far as we go.
  limiter.observe(new Headers({ "X-MBX-USED-WEIGHT-1M": "2150" }));
  const start = clock.now();
  await limiter.acquire({ ...query, weight: 10 });
  assert.equal(clock.now(), start);
  await limiter.acquire({ ...query, weight: 5 });
  assert.ok(clock.now() >= start + 60_000, "held back before the 2400 that would bring a 429");
  assert.ok(limiter.usage() < 0.01, "a new minute starts empty");
});

Deno.test("WeightLimiter: order counts per 10 s from X-MBX-ORDER-COUNT-10S", async () => {
  const clock = virtualClock();
  const limiter = new WeightLimiter({ share: 1, clock });
  limiter.observe(new Headers({ "X-MBX-ORDER-COUNT-10S": "270" }));
  const start = clock.now();
  await limiter.acquire({ weight: 1, order: true, priority: "order" });
  assert.ok(clock.now() >= start + 10_000 - 1, "270 + 1 > 90 % of 300: wait for the next 10 s");
  // Queries are not orders: the order count does not hold them.
  const before = clock.now();
  await limiter.acquire(query);
  assert.equal(clock.now(), before);
});

Deno.test("WeightLimiter: a 429 blocks until Retry-After; a 418 ban rejects at once, without waiting", async () => {
  const clock = virtualClock();
  const limiter = new WeightLimiter({ share: 1, clock });
  limiter.block(clock.now() + 5_000);
  const start = clock.now();
  await limiter.acquire(query);
  assert.ok(clock.now() >= start + 5_000);
  limiter.ban(clock.now() + 120_000);
  await assert.rejects(
    () => limiter.acquire({ weight: 1, order: false, priority: "cancel" }),
    (error: unknown) =>
      error instanceof ExchangeError && error.kind === "rate-limit" && error.code === "http-418" &&
      /Binance banned this IP \(HTTP 418\) until .* nothing is sent until the ban lifts/.test(
        error.message,
      ),
  );
  await clock.sleep(120_001);
  await limiter.acquire(query);
});

Deno.test("WeightLimiter: cancels are served before queries waiting in the same window", async () => {
  const clock = virtualClock();
  const limiter = new WeightLimiter({
    share: 1,
    clock,
    limits: { weight1m: 10, orders10s: 300, orders1m: 1200 },
  });
  for (let i = 0; i < 9; i++) await limiter.acquire(query);
  const order: string[] = [];
  const waits = [
    limiter.acquire(query).then(() => order.push("query")),
    limiter.acquire({ weight: 1, order: false, priority: "cancel" }).then(() =>
      order.push("cancel")
    ),
  ];
  await Promise.all(waits);
  assert.deepEqual(order, ["cancel", "query"]);
  assert.throws(
    () => new WeightLimiter({ share: 0, clock }),
    /rate_limit_share must be in \(0, 1\], got 0/,
  );
});
