import assert from "node:assert/strict";
import { decimal, ExchangeError, type OrderRequest } from "../../../lib/domain/mod.ts";
import {
  executionClientPort,
  isDefinitiveRefusal,
  type VenueEvent,
} from "../../../lib/broker/mod.ts";
import { BybitExecutionClient } from "../../../connectors/bybit/execution_client.ts";
import { RateLimiter } from "../../../connectors/bybit/rate_limit.ts";
import { BybitRest } from "../../../connectors/bybit/rest.ts";
import { fixture } from "./_fixtures.ts";
import { fail, type FakeBybit, ok, startFakeBybit, TEST_KEY, TEST_SECRET } from "./_fake_bybit.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function client(
  fake: FakeBybit,
  timeoutMs = 2000,
): { rest: BybitRest; client: BybitExecutionClient } {
  const clock = { now: () => Date.now(), sleep };
  const rest = new BybitRest({
    baseUrl: fake.url,
    credentials: { apiKey: TEST_KEY, apiSecret: TEST_SECRET },
    limiter: new RateLimiter({ share: 1, clock }),
    now: clock.now,
    sleep,
    timeoutMs,
  });
  return { rest, client: new BybitExecutionClient(rest, sleep, { lookupDelayMs: 10 }) };
}

const REQUEST: OrderRequest = {
  clientOrderId: "tsr-abc_1",
  symbol: "bybit:BTCUSDT",
  side: "buy",
  type: "limit",
  quantity: decimal("0.001"),
  price: decimal("25000"),
  timeInForce: "gtc",
  reduceOnly: false,
};

function orderItem(linkId: string, status: string, cum = "0"): Record<string, unknown> {
  return {
    orderId: "oid-1",
    orderLinkId: linkId,
    symbol: "BTCUSDT",
    price: "25000",
    qty: "0.001",
    side: "Buy",
    orderStatus: status,
    cancelType: "UNKNOWN",
    rejectReason: "EC_NoError",
    avgPrice: cum === "0" ? "" : "25000",
    cumExecQty: cum,
    timeInForce: "GTC",
    orderType: "Limit",
    triggerPrice: "",
    reduceOnly: false,
    createdTime: "1700000000000",
    updatedTime: "1700000001000",
  };
}

async function withFake(body: (fake: FakeBybit) => Promise<void>): Promise<void> {
  const fake = startFakeBybit();
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("placeOrder: signed body in a fixed order, signature verified by the venue, accepted with the venue id", async () => {
  await withFake(async (fake) => {
    fake.route(
      "/v5/order/create",
      () => ok({ orderId: "1321003749386327552", orderLinkId: "tsr-abc_1" }),
    );
    const order = await client(fake).client.placeOrder(REQUEST);
    assert.equal(order.id, "1321003749386327552");
    assert.equal(order.status, "accepted");
    const create = fake.seen.filter((r) => r.path === "/v5/order/create");
    assert.equal(create.length, 1);
    assert.equal(create[0].signatureOk, true);
    assert.equal(create[0].headers.get("X-BAPI-API-KEY"), TEST_KEY);
    assert.equal(create[0].headers.get("X-BAPI-RECV-WINDOW"), "5000");
    assert.equal(
      create[0].body,
      '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"25000","timeInForce":"GTC","orderLinkId":"tsr-abc_1","reduceOnly":false}',
    );
    // The clock was measured before the first signed request.
    assert.equal(fake.seen[0].path, "/v5/market/time");
  });
});

Deno.test("10002 → the clock is resynced and the request sent once more; a second 10002 is an auth error with a hint", async () => {
  await withFake(async (fake) => {
    let creates = 0;
    fake.route("/v5/order/create", () => {
      creates++;
      return creates === 1
        ? fail(10002, "invalid request, please check your server timestamp or recv_window param")
        : ok({ orderId: "o2", orderLinkId: "tsr-abc_1" });
    });
    const order = await client(fake).client.placeOrder(REQUEST);
    assert.equal(order.id, "o2");
    assert.equal(creates, 2);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/market/time").length, 2);
  });
  await withFake(async (fake) => {
    fake.route("/v5/order/create", () => fail(10002, "timestamp outside recv_window"));
    const error = await client(fake).client.placeOrder(REQUEST).catch((e) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "auth");
    assert.equal(error.code, "10002");
    assert.match(error.message, /bybit auth: \/v5\/order\/create: timestamp outside recv_window/);
    assert.match(error.message, /check NTP/);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/create").length, 2);
  });
});

Deno.test("10006 → nothing is sent before the reset time, then the order goes out once", async () => {
  await withFake(async (fake) => {
    let resetAt = 0;
    let creates = 0;
    fake.route("/v5/order/create", () => {
      creates++;
      if (creates === 1) {
        resetAt = Date.now() + 300;
        return fail(10006, "Too many visits!", {
          "X-Bapi-Limit": "10",
          "X-Bapi-Limit-Status": "0",
          "X-Bapi-Limit-Reset-Timestamp": String(resetAt),
        });
      }
      return ok({ orderId: "o3", orderLinkId: "tsr-abc_1" });
    });
    const order = await client(fake).client.placeOrder(REQUEST);
    assert.equal(order.id, "o3");
    const create = fake.seen.filter((r) => r.path === "/v5/order/create");
    assert.equal(create.length, 2);
    assert.ok(create[1].at >= resetAt, `resent at ${create[1].at}, reset ${resetAt}`);
  });
});

Deno.test("timeout after placement → found by orderLinkId, not placed twice", async () => {
  await withFake(async (fake) => {
    let release = (): void => {};
    const released = new Promise<void>((r) => release = r);
    let placed = false;
    fake.route("/v5/order/create", async () => {
      placed = true; // the venue took it; its answer is lost
      await released;
      return ok({ orderId: "late", orderLinkId: "tsr-abc_1" });
    });
    fake.route("/v5/order/realtime", (request) => {
      assert.match(request.query, /orderLinkId=tsr-abc_1/);
      return ok({ list: placed ? [orderItem("tsr-abc_1", "New")] : [], nextPageCursor: "" });
    });
    try {
      const order = await client(fake, 150).client.placeOrder(REQUEST);
      assert.equal(order.status, "accepted");
      assert.equal(order.id, "oid-1");
      assert.equal(order.request.clientOrderId, "tsr-abc_1");
      assert.equal(fake.seen.filter((r) => r.path === "/v5/order/create").length, 1);
    } finally {
      release();
    }
  });
});

Deno.test("5xx on placement with no order found → an unknown outcome (not a refusal), never resent", async () => {
  await withFake(async (fake) => {
    fake.route("/v5/order/create", () => new Response("Bad Gateway", { status: 502 }));
    fake.route("/v5/order/realtime", () => ok({ list: [], nextPageCursor: "" }));
    fake.route("/v5/order/history", () => ok({ list: [], nextPageCursor: "" }));
    const error = await client(fake).client.placeOrder(REQUEST).catch((e) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "unavailable");
    assert.equal(isDefinitiveRefusal(error.kind), false);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/create").length, 1);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/realtime").length, 3);
  });
});

Deno.test("a duplicate orderLinkId (110072) is resolved by lookup; an insufficient balance is a definitive rejection", async () => {
  await withFake(async (fake) => {
    fake.route("/v5/order/create", () => fail(110072, "OrderLinkedID is duplicate"));
    fake.route(
      "/v5/order/realtime",
      () => ok({ list: [orderItem("tsr-abc_1", "PartiallyFilled", "0.0005")] }),
    );
    const order = await client(fake).client.placeOrder(REQUEST);
    assert.equal(order.status, "partially-filled");
    assert.equal(order.filledQuantity.toString(), "0.0005");
  });
  await withFake(async (fake) => {
    fake.route("/v5/order/create", () => fail(110007, "ab not enough for new order"));
    const error = await client(fake).client.placeOrder(REQUEST).catch((e) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "rejected");
    assert.equal(isDefinitiveRefusal(error.kind), true);
    assert.match(error.message, /not enough available balance/);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/realtime").length, 0);
  });
});

Deno.test("a duplicate orderLinkId (110072) with no order found → an unknown outcome for the OMS, not a rejection", async () => {
  await withFake(async (fake) => {
    fake.route("/v5/order/create", () => fail(110072, "OrderLinkedID is duplicate"));
    fake.route("/v5/order/realtime", () => ok({ list: [], nextPageCursor: "" }));
    fake.route("/v5/order/history", () => ok({ list: [], nextPageCursor: "" }));
    const { client: bybit } = client(fake);
    const reports: VenueEvent[] = [];
    const port = executionClientPort(bybit, (report) => reports.push(report), {
      now: () => Date.now() * 1000,
    });
    port.send({ type: "submit", request: REQUEST });
    const deadline = Date.now() + 5000;
    while (reports.length === 0 && Date.now() < deadline) await sleep(5);
    // The first request landed: the order may be live (still in flight at the venue, or
    // filled and gone from the open list), so it must stay in flight for reconciliation.
    assert.equal(reports.length, 1);
    const report = reports[0];
    assert.equal(report.kind, "alert");
    assert.equal(report.kind === "alert" ? report.code : "", "order-outcome-unknown");
    assert.match(report.kind === "alert" ? report.message : "", /tsr-abc_1.*duplicate/s);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/create").length, 1);
    assert.equal(fake.seen.filter((r) => r.path === "/v5/order/realtime").length, 3);
  });
});

Deno.test("cancel: success reports the order's state; 'order does not exist' on a filled order reports it filled", async () => {
  await withFake(async (fake) => {
    fake.route("/v5/order/cancel", (request) => {
      assert.equal(
        request.body,
        '{"category":"linear","symbol":"BTCUSDT","orderLinkId":"tsr-abc_1"}',
      );
      return ok({ orderId: "oid-1", orderLinkId: "tsr-abc_1" });
    });
    fake.route("/v5/order/realtime", () => ok({ list: [orderItem("tsr-abc_1", "Cancelled")] }));
    const order = await client(fake).client.cancelOrder("bybit:BTCUSDT", "tsr-abc_1");
    assert.equal(order.status, "canceled");
  });
  await withFake(async (fake) => {
    fake.route("/v5/order/cancel", () => fail(110001, "order not exists or too late to cancel"));
    fake.route(
      "/v5/order/realtime",
      () => ok({ list: [orderItem("tsr-abc_1", "Filled", "0.001")] }),
    );
    const order = await client(fake).client.cancelOrder("bybit:BTCUSDT", "tsr-abc_1");
    assert.equal(order.status, "filled");
  });
});

Deno.test("amend sends only the changed fields; leverage 'not modified' counts as done", async () => {
  await withFake(async (fake) => {
    fake.route("/v5/order/amend", (request) => {
      assert.equal(
        request.body,
        '{"category":"linear","symbol":"BTCUSDT","orderLinkId":"tsr-abc_1","price":"25100"}',
      );
      return ok({});
    });
    fake.route("/v5/order/realtime", () => ok({ list: [orderItem("tsr-abc_1", "New")] }));
    fake.route("/v5/position/set-leverage", () => fail(110043, "leverage not modified"));
    const { client: c } = client(fake);
    const order = await c.amendOrder({
      symbol: "bybit:BTCUSDT",
      clientOrderId: "tsr-abc_1",
      price: decimal("25100"),
    });
    assert.equal(order.status, "accepted");
    await c.setLeverage("bybit:BTCUSDT", 5);
  });
});

Deno.test("queries: instruments, positions, wallet, open orders (paged), executions from the documented answers", async () => {
  await withFake(async (fake) => {
    fake.route(
      "/v5/market/instruments-info",
      () => Response.json(fixture("bybit_rest_instruments_info_linear_response.json")),
    );
    fake.route(
      "/v5/position/list",
      () => Response.json(fixture("nautilus_http_get_positions.json")),
    );
    fake.route(
      "/v5/account/wallet-balance",
      () => Response.json(fixture("nautilus_http_get_wallet_balance.json")),
    );
    fake.route("/v5/execution/list", (request) => {
      const page = fixture("nautilus_http_get_executions.json") as {
        result: Record<string, unknown>;
      };
      // Second page: the cursor echoes; the list ends there.
      if (request.query.includes("cursor=")) return ok({ list: [], nextPageCursor: "" });
      return Response.json(page);
    });
    let pages = 0;
    fake.route("/v5/order/realtime", (request) => {
      pages++;
      return request.query.includes("cursor=p2")
        ? ok({ list: [orderItem("b", "PartiallyFilled", "0.0001")], nextPageCursor: "" })
        : ok({ list: [orderItem("a", "New")], nextPageCursor: "p2" });
    });
    const { client: c } = client(fake);
    const [instrument] = await c.instruments();
    assert.equal(instrument.symbol, "bybit:BTCUSDT");
    assert.equal(instrument.tickSize.toString(), "0.1");
    assert.equal(instrument.lotSize.toString(), "0.001");
    assert.equal(instrument.minQuantity.toString(), "0.001");
    assert.equal(instrument.minNotional.toString(), "5");
    assert.equal(instrument.fundingIntervalHours, 8);
    assert.equal(instrument.settle, "USDT");
    const positions = await c.positions();
    assert.ok(positions.length >= 1);
    const balances = await c.balances();
    assert.ok(balances.some((b) => b.currency === "USDT"));
    const open = await c.openOrders();
    assert.deepEqual(open.map((o) => o.request.clientOrderId), ["a", "b"]);
    assert.equal(pages, 2);
    const executions = await c.executions(0);
    assert.ok(executions.length >= 1);
    assert.equal(executions[0].type, "fill");
  });
});

Deno.test("secrets never appear in errors: a venue message echoing the key and secret is redacted; no key is a clear auth error", async () => {
  await withFake(async (fake) => {
    fake.route(
      "/v5/order/create",
      () => fail(10004, `error sign! origin_string[${TEST_KEY}${TEST_SECRET}]`),
    );
    const error = await client(fake).client.placeOrder(REQUEST).catch((e) => e);
    assert.ok(error instanceof ExchangeError);
    assert.equal(error.kind, "auth");
    assert.ok(!error.message.includes(TEST_SECRET));
    assert.ok(!error.message.includes(TEST_KEY));
    assert.match(error.message, /\[redacted\]/);
    assert.match(error.message, /secret does not match/);
  });
  await withFake(async (fake) => {
    const clock = { now: () => Date.now(), sleep };
    const rest = new BybitRest({
      baseUrl: fake.url,
      limiter: new RateLimiter({ share: 1, clock }),
      now: clock.now,
      sleep,
    });
    const error = await new BybitExecutionClient(rest, sleep).positions().catch((e) => e);
    assert.ok(error instanceof ExchangeError);
    assert.match(error.message, /needs an API key and secret/);
    assert.match(error.message, /TESSER_EXCHANGE__<PROFILE>__API_KEY/);
  });
});
