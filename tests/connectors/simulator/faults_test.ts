import {
  deepStrictEqual as assertEquals,
  ok as assert,
  throws as assertThrows,
} from "node:assert/strict";
import type { ManualClock } from "../../../connectors/simulator/clock.ts";
import { parseFaultSchedule } from "../../../connectors/simulator/fault_schedule.ts";
import type { Simulator } from "../../../connectors/simulator/simulator.ts";
import { ConfigError } from "../../../lib/domain/mod.ts";
import { get, post, publicGet } from "./_bybit_client.ts";
import { withSim } from "./_sim.ts";
import { WsClient } from "./_ws_client.ts";
// @ts-types="@types/ws"
import NodeWebSocket from "ws";

type Body = Record<string, unknown>;

function withBybit(run: (sim: Simulator, clock: ManualClock) => Promise<void>): Promise<void> {
  return withSim({ venue: "bybit" }, run, { bids: [[49999.9, 1]], asks: [[50000.1, 1]] });
}

async function bookClient(sim: Simulator): Promise<WsClient> {
  const client = await WsClient.connect(sim.wsPublicUrl);
  client.send({ op: "subscribe", args: ["orderbook.50.BTCUSDT"] });
  await client.next((m) => m.type === "snapshot");
  return client;
}

function deltas(client: WsClient): number[] {
  return client.all((m) => m.type === "delta").map((m) => (m.data as Body).u as number);
}

let size = 1;

/** Publishes `n` book changes (each a new size at the best bid). */
function bump(sim: Simulator, n: number): void {
  for (let i = 0; i < n; i++) sim.market.updateBook("BTCUSDT", [[49999.9, ++size]], []);
}

Deno.test("fault ws-close closes the stream with a close frame and the code given", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-close", stream: "public", code: 4000, reason: "maintenance" });
    await client.until(() => client.closed !== undefined, 2000, "close");
    assertEquals(client.closed, { code: 4000, reason: "maintenance" });
    assertEquals(sim.faults.log().map((e) => [e.kind, e.detail]), [["ws-close", "code 4000"]]);
  });
});

Deno.test("fault ws-drop ends the connection with no close frame (abnormal close)", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-drop", stream: "public" });
    await client.until(() => client.closed !== undefined, 2000, "close");
    // Deno reports a close without a close frame as code 0 (1006 in browsers).
    assert(
      client.closed?.code === 0 || client.closed?.code === 1006,
      `code ${client.closed?.code}`,
    );
    assertEquals(sim.faults.log()[0].kind, "ws-drop");
  });
});

Deno.test("fault ws-garbage sends a frame the client must reject", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-garbage", stream: "public" });
    await client.until(() => client.errored || client.closed !== undefined, 2000, "error");
    assert(client.errored);
    assertEquals(sim.faults.log()[0].kind, "ws-garbage");
  });
});

Deno.test("fault ws-skip drops one book delta: the client sees a gap in u", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-skip", stream: "public" });
    bump(sim, 3);
    await client.until(() => deltas(client).length === 2, 2000, "2 deltas");
    assertEquals(deltas(client), [3, 4]);
    assertEquals(sim.faults.log().map((e) => e.kind), ["ws-skip"]);
    await client.close();
  });
});

Deno.test("faults ws-duplicate and ws-reorder repeat and swap frames", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-duplicate", stream: "public" });
    bump(sim, 1);
    sim.faults.inject({ kind: "ws-reorder", stream: "public" });
    bump(sim, 2);
    await client.until(() => deltas(client).length === 4, 2000, "4 deltas");
    assertEquals(deltas(client), [2, 2, 4, 3]);
    assertEquals(sim.faults.log().map((e) => e.kind), ["ws-duplicate", "ws-reorder"]);
    await client.close();
  });
});

Deno.test("faults ws-delay and ws-stall hold frames for the time given", async () => {
  await withBybit(async (sim) => {
    const client = await bookClient(sim);
    sim.faults.inject({ kind: "ws-delay", stream: "public", ms: 150 });
    const started = performance.now();
    bump(sim, 1);
    await client.until(() => deltas(client).length === 1, 2000, "the delayed delta");
    assert(performance.now() - started >= 140, "delayed");
    sim.faults.inject({ kind: "ws-stall", stream: "public", ms: 150 });
    const stalled = performance.now();
    bump(sim, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assertEquals(deltas(client).length, 1, "nothing during the stall");
    await client.until(() => deltas(client).length === 3, 2000, "the held deltas");
    assert(performance.now() - stalled >= 140);
    assertEquals(deltas(client), [2, 3, 4]);
    assertEquals(sim.faults.log().map((e) => e.kind), ["ws-delay", "ws-stall"]);
    await client.close();
  });
});

Deno.test("fault http-status answers 429 with Retry-After, then the venue answers again", async () => {
  await withBybit(async (sim) => {
    sim.faults.inject({
      kind: "http-status",
      status: 429,
      retryAfterSeconds: 2,
      path: "/v5/market/time",
    });
    const limited = await fetch(`${sim.restUrl}/v5/market/time`);
    await limited.body?.cancel();
    assertEquals([limited.status, limited.headers.get("retry-after")], [429, "2"]);
    assertEquals((await publicGet(sim, "/v5/market/time")).status, 200);
    sim.faults.inject({ kind: "http-status", status: 502, count: 2 });
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${sim.restUrl}/v5/market/time`);
      await response.body?.cancel();
      assertEquals(response.status, 502);
    }
    assertEquals(sim.faults.log().map((e) => e.detail), ["HTTP 429", "HTTP 502", "HTTP 502"]);
  });
});

Deno.test("fault http-timeout places the order but never answers", async () => {
  await withBybit(async (sim) => {
    sim.faults.inject({ kind: "http-timeout", path: "/v5/order/create" });
    const body = {
      category: "linear",
      symbol: "BTCUSDT",
      side: "Buy",
      orderType: "Limit",
      qty: "0.010",
      price: "49000.0",
      orderLinkId: "lost-1",
    };
    const outcome = await Promise.race([
      post(sim, "/v5/order/create", body).then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("no answer"), 200)),
    ]);
    assertEquals(outcome, "no answer");
    assertEquals(sim.ledger.order("lost-1")?.status, "new");
    const query = await get(
      sim,
      "/v5/order/realtime",
      "category=linear&symbol=BTCUSDT&orderLinkId=lost-1",
    );
    assertEquals((query.body.result as { list: Body[] }).list[0].orderLinkId, "lost-1");
    assertEquals(sim.faults.log()[0].kind, "http-timeout");
  });
});

Deno.test("fault reject answers the venue's own error code without acting", async () => {
  await withBybit(async (sim) => {
    sim.faults.inject({
      kind: "reject",
      code: 10016,
      message: "Server error",
      path: "/v5/order/create",
    });
    const { body } = await post(sim, "/v5/order/create", {
      category: "linear",
      symbol: "BTCUSDT",
      side: "Buy",
      orderType: "Market",
      qty: "0.010",
    });
    assertEquals([body.retCode, body.retMsg], [10016, "Server error"]);
    assertEquals(sim.ledger.orders().length, 0);
  });
});

Deno.test("fault clock-skew shifts the venue time: an honest client's timestamps fail 10002", async () => {
  await withBybit(async (sim, clock) => {
    sim.faults.inject({ kind: "clock-skew", ms: 10_000 });
    const time = await publicGet(sim, "/v5/market/time");
    assertEquals(time.body.time, clock.now() + 10_000);
    const stale = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: clock.now(),
    });
    assertEquals(stale.body.retCode, 10002);
    const synced = await get(sim, "/v5/position/list", "category=linear&symbol=BTCUSDT", {
      timestamp: sim.clock.now(),
    });
    assertEquals(synced.body.retCode, 0);
    assertEquals(sim.faults.log(), [{
      ts: clock.now() + 10_000,
      kind: "clock-skew",
      target: "clock",
      detail: "10000 ms",
    }]);
  });
});

Deno.test("a connection fault injected with nothing connected hits the next connection", async () => {
  await withBybit(async (sim) => {
    sim.faults.inject({ kind: "ws-close", stream: "private", code: 4001 });
    assertEquals(sim.faults.pending().length, 1);
    const client = await WsClient.connect(sim.wsPrivateUrl);
    await client.until(() => client.closed !== undefined, 2000, "close");
    assertEquals(client.closed?.code, 4001);
    assertEquals(sim.faults.pending().length, 0);
  });
});

Deno.test("fault schedules are seeded: the same file gives the same times", () => {
  const text = `seed = 7
[[fault]]
kind = "http-status"
status = 429
retry_after_seconds = 1
at_ms = 1000
every_ms = 1000
times = 3
jitter_ms = 200
[[fault]]
kind = "ws-drop"
stream = "public"
at_ms = 1500
`;
  const first = parseFaultSchedule(text, "faults.toml");
  assertEquals(first, parseFaultSchedule(text, "faults.toml"));
  assertEquals(first.length, 4);
  assertEquals(first.map((f) => f.fault.kind).sort(), [
    "http-status",
    "http-status",
    "http-status",
    "ws-drop",
  ]);
  assert(first.every((f, i) => i === 0 || f.atMs >= first[i - 1].atMs));
  assertEquals(first.find((f) => f.fault.kind === "ws-drop")?.atMs, 1500);
  assertEquals(first.filter((f) => f.fault.kind === "http-status")[0].fault, {
    kind: "http-status",
    status: 429,
    retryAfterSeconds: 1,
  });
});

Deno.test("fault schedule errors name the file, line and the valid choices", () => {
  assertThrows(
    () => parseFaultSchedule('[[fault]]\nkind = "ws-explode"\n', "f.toml"),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.startsWith("f.toml:2: fault 1: kind must be one of ws-close"),
  );
  assertThrows(
    () => parseFaultSchedule('[[fault]]\nkind = "ws-drop"\nsteam = "public"\n', "f.toml"),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes('f.toml:3: fault 1: unknown key "steam"'),
  );
  assertThrows(
    () => parseFaultSchedule('[[fault]]\nkind = "ws-delay"\nms = -1\n', "f.toml"),
    (error: unknown) => error instanceof ConfigError && error.message.includes("ms must be ≥ 0"),
  );
});

Deno.test("Bybit closes a connection that sends nothing for the idle timeout; pings keep it open", async () => {
  await withSim({ venue: "bybit", idleTimeoutMs: 150 }, async (sim) => {
    const silent = await WsClient.connect(sim.wsPublicUrl);
    const pinging = await WsClient.connect(sim.wsPublicUrl);
    const timer = setInterval(() => pinging.send({ op: "ping" }), 40);
    try {
      await silent.until(() => silent.closed !== undefined, 2000, "the idle close");
      assertEquals(silent.closed, { code: 1000, reason: "idle timeout" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assertEquals(pinging.closed, undefined);
      assert(sim.faults.log().some((e) => e.detail === "idle for 150 ms"));
    } finally {
      clearInterval(timer);
      await pinging.close();
    }
  });
});

Deno.test("Binance drops a connection that leaves the server's ping unanswered", async () => {
  await withSim({ venue: "binance", pingIntervalMs: 30, pongTimeoutMs: 100 }, async (sim) => {
    // npm ws as the client: unlike Deno's WebSocket it can be told not to answer pings.
    const client = new NodeWebSocket(`${sim.wsPublicUrl}/ws/btcusdt@depth`, { autoPong: false });
    const closed = new Promise<number>((resolve) =>
      client.on("close", (code: number) => resolve(code))
    );
    const code = await closed;
    assertEquals(code, 1006);
    assert(
      sim.faults.log().some((e) => e.kind === "ws-drop" && e.detail.startsWith("no pong for")),
    );
  });
});
