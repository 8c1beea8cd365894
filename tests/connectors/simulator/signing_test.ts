import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { hmacSha256Hex, signatureMatches } from "../../../connectors/simulator/signing.ts";
import { ManualClock } from "../../../connectors/simulator/clock.ts";
import { startSimulator } from "../../../connectors/simulator/simulator.ts";
import { binanceSign } from "./_binance_client.ts";
import { bybitSign } from "./_bybit_client.ts";
import { fixture } from "./_shape.ts";

type Vectors = Record<string, Record<string, string>>;

const BINANCE = fixture("binance_usdm_signing_vector.json") as {
  secretKey: string;
  example1_query_string: { totalParams: string; signature: string };
  example2_request_body: { requestBody: string; signature: string };
};
const DERIVED = fixture("crosscheck_signature_vectors_derived.json") as Vectors;

Deno.test("the simulator's HMAC and the tests' node:crypto signers reproduce Binance's documented vector", () => {
  const { secretKey, example1_query_string: one, example2_request_body: two } = BINANCE;
  assertEquals(hmacSha256Hex(secretKey, one.totalParams), one.signature);
  assertEquals(binanceSign(secretKey, one.totalParams), one.signature);
  assertEquals(hmacSha256Hex(secretKey, two.requestBody), two.signature);
  const post = DERIVED.binance_ccxt_order_post;
  assertEquals(hmacSha256Hex(post.secret, post.totalParams), post.signature);
  const get = DERIVED.binance_ccxt_openOrders_get;
  assertEquals(binanceSign(get.secret, get.queryString), get.signature);
});

Deno.test("the simulator's HMAC and the tests' signers reproduce the derived Bybit vectors", () => {
  const get = DERIVED.bybit_rest_get;
  assertEquals(hmacSha256Hex(get.secret, get.stringToSign), get["X-BAPI-SIGN"]);
  assertEquals(
    bybitSign(get.secret, get.timestamp, get.apiKey, get.recvWindow, get.queryString),
    get["X-BAPI-SIGN"],
  );
  const post = DERIVED.bybit_rest_post;
  assertEquals(
    bybitSign(post.secret, post.timestamp, post.apiKey, post.recvWindow, post.body),
    post["X-BAPI-SIGN"],
  );
  assertEquals(
    hmacSha256Hex(post.secret, `${post.timestamp}${post.apiKey}${post.recvWindow}${post.body}`),
    post["X-BAPI-SIGN"],
  );
  const ws = DERIVED.bybit_ws_auth as unknown as {
    secret: string;
    stringToSign: string;
    signature: string;
  };
  assertEquals(hmacSha256Hex(ws.secret, ws.stringToSign), ws.signature);
});

Deno.test("signature comparison ignores case and refuses other lengths", () => {
  assert(signatureMatches("abcdef", "ABCDEF"));
  assert(!signatureMatches("abcdef", "abcde"));
  assert(!signatureMatches("abcdef", "abcdeg"));
});

Deno.test("the simulator accepts a request signed exactly like the Bybit doc example", async () => {
  const vector = DERIVED.bybit_rest_get;
  const clock = new ManualClock(Number(vector.timestamp));
  const sim = await startSimulator({
    venue: "bybit",
    clock,
    accounts: [{ apiKey: vector.apiKey, apiSecret: vector.secret }],
  });
  try {
    // The doc's query names an option; the signature passes, so the answer is the category error.
    const response = await fetch(`${sim.restUrl}/v5/order/realtime?${vector.queryString}`, {
      headers: {
        "X-BAPI-API-KEY": vector.apiKey,
        "X-BAPI-TIMESTAMP": vector.timestamp,
        "X-BAPI-RECV-WINDOW": vector.recvWindow,
        "X-BAPI-SIGN": vector["X-BAPI-SIGN"],
      },
    });
    const body = await response.json();
    assertEquals(body.retCode, 10001);
    assert(body.retMsg.includes("category option is not supported"), body.retMsg);
  } finally {
    await sim.stop();
  }
});

Deno.test("the simulator accepts Binance's documented request (example 1) with its key and secret", async () => {
  const clock = new ManualClock(1591702613943);
  const sim = await startSimulator({
    venue: "binance",
    clock,
    accounts: [{
      apiKey: (fixture("binance_usdm_signing_vector.json") as { apiKey: string }).apiKey,
      apiSecret: BINANCE.secretKey,
    }],
    instruments: [{
      code: "BTCUSDT",
      base: "BTC",
      tickSize: "0.1",
      lotSize: "0.001",
      startPrice: 9500,
    }],
  });
  try {
    const { totalParams, signature } = BINANCE.example1_query_string;
    const response = await fetch(
      `${sim.restUrl}/fapi/v1/order?${totalParams}&signature=${signature}`,
      {
        method: "POST",
        headers: { "X-MBX-APIKEY": sim.accounts[0].apiKey },
      },
    );
    const body = await response.json();
    assertEquals(response.status, 200, JSON.stringify(body));
    assertEquals([body.status, body.origQty, body.price], ["NEW", "1.000", "9000.0"]);
  } finally {
    await sim.stop();
  }
});
