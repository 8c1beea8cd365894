import assert from "node:assert/strict";
import { ExchangeError } from "../../../lib/domain/mod.ts";
import { encodeParams, signPayload, signRequest } from "../../../connectors/binance/signing.ts";
import { codeError, codeKind, httpStatusError } from "../../../connectors/binance/errors.ts";
import { isDefinitiveRefusal } from "../../../lib/broker/mod.ts";
import { fixture } from "./_fixtures.ts";

interface Vector {
  readonly apiKey: string;
  readonly secretKey: string;
  readonly example1_query_string: { readonly totalParams: string; readonly signature: string };
  readonly example2_request_body: { readonly requestBody: string; readonly signature: string };
  readonly example3_mixed: {
    readonly queryString: string;
    readonly requestBody: string;
    readonly documented_hmac_input: string;
    readonly signature: string;
  };
}

const VECTOR = fixture("binance_usdm_signing_vector.json") as Vector;

Deno.test("signPayload: the documented HMAC-SHA256 vectors (query string and body give the same)", () => {
  assert.equal(
    signPayload(VECTOR.secretKey, VECTOR.example1_query_string.totalParams),
    VECTOR.example1_query_string.signature,
  );
  assert.equal(
    signPayload(VECTOR.secretKey, VECTOR.example2_request_body.requestBody),
    VECTOR.example2_request_body.signature,
  );
  // Example 3 joins query and body with nothing between; the doc's value has its typo'd input.
  const mixed = VECTOR.example3_mixed;
  assert.equal(signPayload(VECTOR.secretKey, mixed.documented_hmac_input), mixed.signature);
  assert.equal(
    signPayload(VECTOR.secretKey, mixed.queryString + mixed.requestBody),
    "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4",
  );
});

Deno.test("signRequest: POST puts everything, signature last, in the body; GET in the query", () => {
  const credentials = { apiKey: VECTOR.apiKey, apiSecret: VECTOR.secretKey };
  const params = {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: 1,
    price: 9000,
    timeInForce: "GTC",
    reduceOnly: undefined,
  };
  const post = signRequest(credentials, "POST", params, 1591702613943, 5000);
  assert.equal(post.query, "");
  assert.equal(
    post.body,
    `${VECTOR.example1_query_string.totalParams}&signature=${VECTOR.example1_query_string.signature}`,
  );
  const get = signRequest(credentials, "GET", params, 1591702613943, 5000);
  assert.equal(get.body, "");
  assert.equal(get.query, post.body);
  assert.equal(
    signRequest(credentials, "DELETE", {}, 7, 5000).query.startsWith(
      "recvWindow=5000&timestamp=7&signature=",
    ),
    true,
  );
  assert.equal(encodeParams({ a: "x y", b: undefined, c: true }), "a=x%20y&c=true");
});

Deno.test("codeKind: gateway refusals are definitive, unknown-status and server errors are not", () => {
  const cases: [number, string, boolean][] = [
    [-1021, "auth", true],
    [-1022, "auth", true],
    [-2015, "auth", true],
    [-1003, "rate-limit", true],
    [-1015, "rate-limit", true],
    [-1121, "invalid-request", true],
    [-4014, "invalid-request", true],
    [-4164, "invalid-request", true],
    [-2019, "rejected", true],
    [-2022, "rejected", true],
    [-5022, "rejected", true],
    [-1007, "unknown", false],
    [-1001, "unavailable", false],
    [-1000, "unknown", false],
  ];
  for (const [code, kind, definitive] of cases) {
    assert.equal(codeKind(code), kind, String(code));
    assert.equal(isDefinitiveRefusal(codeKind(code)), definitive, String(code));
  }
  assert.equal(httpStatusError(503, "", "/fapi/v1/order").kind, "unknown");
  assert.equal(httpStatusError(502, "", "/fapi/v1/order").kind, "unavailable");
  assert.equal(httpStatusError(418, "", "/fapi/v1/order").kind, "rate-limit");
});

Deno.test("codeError: the message names the endpoint, the venue's text, and a hint for the user", () => {
  const error = codeError(
    -1021,
    "Timestamp for this request is outside of the recvWindow.",
    "/fapi/v1/order",
  );
  assert.ok(error instanceof ExchangeError);
  assert.equal(error.code, "-1021");
  assert.equal(
    error.message,
    "binance auth: /fapi/v1/order: Timestamp for this request is outside of the recvWindow. (hint: the local clock is off from Binance's; check NTP (the client resyncs once by itself))",
  );
  assert.match(
    codeError(-4164, "Order's notional must be no smaller than 5", "/fapi/v1/order").message,
    /below the instrument's MIN_NOTIONAL/,
  );
  assert.match(
    codeError(-2015, "Invalid API-key, IP, or permissions for action.", "/fapi/v2/balance").message,
    /testnet key on mainnet\?/,
  );
});
