import assert from "node:assert/strict";
import { signedHeaders, signRest, wsAuthMessage } from "../../../connectors/bybit/signing.ts";
import { fixture } from "./_fixtures.ts";

interface Vectors {
  readonly bybit_rest_get: Record<string, string>;
  readonly bybit_rest_post: Record<string, string>;
  readonly bybit_ws_auth: { secret: string; expires: number; signature: string; message: unknown };
}
const vectors = fixture("crosscheck_signature_vectors_derived.json") as Vectors;

Deno.test("signRest: GET query string vector", () => {
  const v = vectors.bybit_rest_get;
  const sign = signRest(
    { apiKey: v.apiKey, apiSecret: v.secret },
    Number(v.timestamp),
    Number(v.recvWindow),
    v.queryString,
  );
  assert.equal(sign, v["X-BAPI-SIGN"]);
});

Deno.test("signedHeaders: POST body vector and header names", () => {
  const v = vectors.bybit_rest_post;
  const headers = signedHeaders(
    { apiKey: v.apiKey, apiSecret: v.secret },
    Number(v.timestamp),
    Number(v.recvWindow),
    v.body,
  );
  assert.deepEqual(headers, {
    "X-BAPI-API-KEY": "XXXXXXXXXX",
    "X-BAPI-TIMESTAMP": "1658385579423",
    "X-BAPI-RECV-WINDOW": "5000",
    "X-BAPI-SIGN": v["X-BAPI-SIGN"],
  });
  // One byte more in the body is another signature: the signer signs exactly what is sent.
  assert.notEqual(
    signRest({ apiKey: v.apiKey, apiSecret: v.secret }, 1658385579423, 5000, `${v.body} `),
    v["X-BAPI-SIGN"],
  );
});

Deno.test("wsAuthMessage: private stream auth vector", () => {
  const v = vectors.bybit_ws_auth;
  const message = wsAuthMessage({ apiKey: "XXXXXXXXXX", apiSecret: v.secret }, v.expires);
  assert.deepEqual(message.args, ["XXXXXXXXXX", v.expires, v.signature]);
  assert.equal(message.op, "auth");
});
