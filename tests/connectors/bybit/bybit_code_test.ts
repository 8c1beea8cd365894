// The Bybit code of a symbol id, as every order body asks for it (cached after the first).
import assert from "node:assert/strict";
import { bybitCode } from "../../../connectors/bybit/execution_client.ts";

Deno.test("bybitCode: the code of a bybit symbol, again from its cache; other venues refused every time", () => {
  assert.equal(bybitCode("bybit:BTCUSDT"), "BTCUSDT");
  assert.equal(bybitCode("bybit:BTCUSDT"), "BTCUSDT");
  for (let i = 0; i < 2; i++) {
    assert.throws(() => bybitCode("binance:BTCUSDT"), /binance:BTCUSDT is not a Bybit symbol/);
  }
});
