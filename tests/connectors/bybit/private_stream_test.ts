import assert from "node:assert/strict";
import type { Event } from "../../../lib/events/mod.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import {
  BybitPrivateStream,
  type BybitPrivateStreamOptions,
} from "../../../connectors/bybit/private_stream.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { hmacHex } from "../../../connectors/bybit/signing.ts";
import { ok, startFakeBybit, TEST_KEY, TEST_SECRET } from "./_fake_bybit.ts";
import { until } from "../../_until.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Ledger {
  executions: Record<string, unknown>[];
  orders: Record<string, unknown>[];
}

function execution(id: number): Record<string, unknown> {
  return {
    category: "linear",
    symbol: "BTCUSDT",
    execId: `exec-${id}`,
    orderId: `oid-${id}`,
    orderLinkId: `tsr-${id}`,
    side: id % 2 === 0 ? "Buy" : "Sell",
    execPrice: "25000",
    execQty: "0.001",
    execFee: "0.01",
    feeCurrency: "USDT",
    execType: "Trade",
    isMaker: id % 3 === 0,
    execTime: String(Date.now()),
    seq: id,
  };
}

/** A Bybit `order` topic item: a 0.002 BTCUSDT limit buy at 25000, `filled` of it done. */
function orderMessage(
  linkId: string,
  status: string,
  filled: string,
  updated: number,
): Record<string, unknown> {
  return {
    category: "linear",
    symbol: "BTCUSDT",
    orderId: `o-${linkId}`,
    orderLinkId: linkId,
    side: "Buy",
    orderType: "Limit",
    price: "25000",
    qty: "0.002",
    timeInForce: "GTC",
    orderStatus: status,
    cumExecQty: filled,
    avgPrice: "25000",
    createdTime: "1700000000000",
    updatedTime: String(updated),
    reduceOnly: false,
    cancelType: "UNKNOWN",
    rejectReason: "EC_NoError",
  };
}

/** A private WS double: verifies auth, acks subscribe, pushes to authenticated sockets. */
function startPrivateWs(): {
  url: string;
  push: (topic: string, data: unknown[]) => void;
  dropAll: () => void;
  silence: (on: boolean) => void;
  authed: number;
  close: () => Promise<void>;
} {
  const sockets = new Set<WebSocket>();
  let silent = false;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.op === "auth") {
        const [key, expires, sign] = message.args;
        const good = key === TEST_KEY && sign === hmacHex(TEST_SECRET, `GET/realtime${expires}`) &&
          expires > Date.now();
        socket.send(
          JSON.stringify({
            success: good,
            ret_msg: good ? "" : "Invalid sign",
            op: "auth",
            conn_id: "p",
          }),
        );
        if (good) {
          sockets.add(socket);
          fake.authed++;
        }
      } else if (message.op === "subscribe") {
        socket.send(
          JSON.stringify({
            success: true,
            ret_msg: "",
            op: "subscribe",
            conn_id: "p",
            req_id: message.req_id,
          }),
        );
      } else if (message.op === "ping" && !silent) {
        socket.send(
          JSON.stringify({
            req_id: message.req_id,
            op: "pong",
            args: [String(Date.now())],
            conn_id: "p",
          }),
        );
      }
    };
    socket.onclose = () => sockets.delete(socket);
    socket.onerror = () => {};
    return response;
  });
  const fake = {
    url: `ws://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    authed: 0,
    push(topic: string, data: unknown[]) {
      const text = JSON.stringify({ id: "x", topic, creationTime: Date.now(), data });
      for (const s of sockets) if (s.readyState === WebSocket.OPEN) s.send(text);
    },
    dropAll() {
      for (const s of sockets) s.close(4002, "dropped");
      sockets.clear();
    },
    silence(on: boolean) {
      silent = on;
    },
    async close() {
      for (const s of sockets) s.close();
      await server.shutdown();
    },
  };
  return fake;
}

function setUp(ledger: Ledger) {
  const rest = startFakeBybit();
  const since = (query: string): number => Number(new URLSearchParams(query).get("startTime"));
  rest.route(
    "/v5/execution/list",
    (r) =>
      ok({
        list: ledger.executions.filter((e) => Number(e.execTime) >= since(r.query)),
        nextPageCursor: "",
      }),
  );
  rest.route(
    "/v5/order/history",
    (r) =>
      ok({
        list: ledger.orders.filter((o) => Number(o.updatedTime) >= since(r.query)),
        nextPageCursor: "",
      }),
  );
  const clock = { now: () => Date.now(), sleep };
  const client = new BybitExecutionClient(
    new BybitRest({
      baseUrl: rest.url,
      credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    }),
    sleep,
  );
  return { rest, client };
}

type PrivateWs = ReturnType<typeof startPrivateWs>;

interface PrivateContext {
  readonly ledger: Ledger;
  readonly ws: PrivateWs;
  readonly events: Event[];
  readonly stream: BybitPrivateStream;
}

/** One private stream on the doubles; everything it opened is closed afterwards. */
async function withPrivate(
  extra: Partial<BybitPrivateStreamOptions>,
  body: (context: PrivateContext) => Promise<void>,
): Promise<void> {
  const ledger: Ledger = { executions: [], orders: [] };
  const { rest, client } = setUp(ledger);
  const ws = startPrivateWs();
  const events: Event[] = [];
  const stream = new BybitPrivateStream({
    url: ws.url,
    credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
    client,
    sink: (e) => events.push(e),
    ...extra,
  });
  try {
    await body({ ledger, ws, events, stream });
  } finally {
    await stream.close();
    await ws.close();
    await rest.close();
  }
}

Deno.test("private stream: 50 disconnects with fills while away → every fill exactly once (the ledger's), REST catch-up after each reconnect", async () => {
  await withPrivate(
    { sinceMs: Date.now() - 1000, backoff: { initialMs: 1, factor: 1.5, maxMs: 5 } },
    async ({ ledger, ws, events, stream }) => {
      await stream.start();
      let id = 0;
      const fills = (): number => events.filter((e) => e.kind === "fill").length;
      for (let round = 0; round < 50; round++) {
        // One fill seen live (and in the ledger).
        const live = execution(id++);
        ledger.executions.push(live);
        ws.push("execution", [live]);
        await until(() => fills() === id, `live fill ${round}`);
        ws.dropAll();
        // Two fills happen while the stream is down: only REST knows them.
        ledger.executions.push(execution(id++), execution(id++));
        await until(() => fills() === id, `caught-up fills ${round}`);
      }
      const tradeIds = events.flatMap((e) => e.kind === "fill" ? [e.fill.tradeId] : []);
      assert.equal(tradeIds.length, ledger.executions.length);
      assert.deepEqual(new Set(tradeIds), new Set(ledger.executions.map((e) => e.execId)));
      assert.equal(stream.reconnects, 50);
      assert.equal(ws.authed, 51);
      const states = events.flatMap((e) => e.kind === "connectivity" ? [e.state] : []);
      assert.equal(states.filter((state) => state === "up").length, 51);
      assert.equal(states.filter((state) => state === "down").length, 50);
      const first = events.find((e) => e.kind === "fill");
      assert.equal(first?.kind === "fill" ? first.fill.liquidity : "", "maker");
    },
  );
});

Deno.test("private stream: order updates, positions, wallet; a replayed older order update is not delivered again", async () => {
  await withPrivate({}, async ({ ws, events, stream }) => {
    await stream.start();
    const order = (status: string, updated: number) =>
      orderMessage("tsr-1", status, status === "New" ? "0" : "0.001", updated);
    ws.push("order", [order("New", 1700000000000)]);
    ws.push("order", [order("PartiallyFilled", 1700000001000)]);
    ws.push("order", [order("New", 1700000000000)]); // late duplicate
    ws.push("order", [{ ...order("New", 1700000000500), category: "option" }]); // not ours
    ws.push("position", [{
      symbol: "BTCUSDT",
      side: "Buy",
      size: "0.001",
      entryPrice: "25000",
      cumRealisedPnl: "0",
      category: "linear",
    }]);
    ws.push("wallet", [{
      coin: [{ coin: "USDT", walletBalance: "1000", availableToWithdraw: "900" }],
    }]);
    await until(() => events.some((e) => e.kind === "account"), "the wallet");
    const updates = events.flatMap((e) => e.kind === "order-update" ? [e.order.status] : []);
    assert.deepEqual(updates, ["accepted", "partially-filled"]);
    const position = events.find((e) => e.kind === "position");
    assert.equal(
      position?.kind === "position" ? position.position.quantity.toString() : "",
      "0.001",
    );
  });
});

Deno.test("private stream: updates of one order within one millisecond are all delivered; the same one twice is not", async () => {
  await withPrivate({}, async ({ ws, events, stream }) => {
    await stream.start();
    // Bybit stamps updatedTime in ms: an order placed and filled at once has two updates with
    // the same time, and the second one is no stale replay.
    const order = (status: string, filled: string) =>
      orderMessage("tsr-2", status, filled, 1700000000000);
    ws.push("order", [order("New", "0")]);
    ws.push("order", [order("PartiallyFilled", "0.001")]);
    ws.push("order", [order("Filled", "0.002")]);
    ws.push("order", [order("PartiallyFilled", "0.001")]); // replayed by a catch-up
    ws.push("order", [order("Filled", "0.002")]); // the same update twice
    ws.push("wallet", [{ coin: [{ coin: "USDT", walletBalance: "1", availableToWithdraw: "1" }] }]);
    await until(() => events.some((e) => e.kind === "account"), "the wallet");
    const updates = events.flatMap((e) => e.kind === "order-update" ? [e.order.status] : []);
    assert.deepEqual(updates, ["accepted", "partially-filled", "filled"]);
  });
});

Deno.test("private stream: New then Filled of one order in the same millisecond → both delivered (the fill ends the order)", async () => {
  await withPrivate({}, async ({ ws, events, stream }) => {
    await stream.start();
    const order = (status: string, cum: string) => ({
      category: "linear",
      symbol: "BTCUSDT",
      orderId: "o2",
      orderLinkId: "tsr-2",
      side: "Buy",
      orderType: "Market",
      price: "0",
      qty: "0.002",
      timeInForce: "IOC",
      orderStatus: status,
      cumExecQty: cum,
      avgPrice: "25000",
      createdTime: "1700000000000",
      updatedTime: "1700000000000",
      reduceOnly: false,
      cancelType: "UNKNOWN",
      rejectReason: "EC_NoError",
    });
    // A market order is often New and Filled within one millisecond at Bybit.
    ws.push("order", [order("New", "0")]);
    ws.push("order", [order("Filled", "0.002")]);
    ws.push("order", [order("New", "0")]); // a replay of the first: stale
    ws.push("wallet", [{ coin: [{ coin: "USDT", walletBalance: "1", availableToWithdraw: "1" }] }]);
    await until(() => events.some((e) => e.kind === "account"), "the wallet");
    const updates = events.flatMap((e) => e.kind === "order-update" ? [e.order.status] : []);
    assert.deepEqual(updates, ["accepted", "filled"]);
  });
});

Deno.test("private stream: silent after an accepted order → treated as lost, reconnected and caught up", async () => {
  await withPrivate(
    { livenessMs: 60, pingIntervalMs: 10, backoff: { initialMs: 1, factor: 1.5, maxMs: 5 } },
    async ({ ledger, events, stream }) => {
      await stream.start();
      stream.noteOrderAccepted();
      ledger.executions.push(execution(7)); // the venue filled it but the stream said nothing
      await until(() => events.some((e) => e.kind === "fill"), "the fill via catch-up");
      const down = events.find((e) => e.kind === "connectivity" && e.state === "down");
      assert.match(
        down?.kind === "connectivity" ? down.reason ?? "" : "",
        /no private event \d+ ms after an accepted order/,
      );
    },
  );
});

Deno.test("private stream: a refused auth rejects start with a clear auth error", async () => {
  await withPrivate(
    { credentials: { apiKey: TEST_KEY, apiSecret: "wrong-secret" } },
    async ({ stream }) => {
      await assert.rejects(stream.start(), /bybit auth: private stream auth refused: Invalid sign/);
    },
  );
});
