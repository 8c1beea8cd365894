import assert from "node:assert/strict";
import { DataError, decimal } from "../../../lib/domain/mod.ts";
import { wireFields } from "../../../lib/broker/mod.ts";
import * as binance from "../../../connectors/binance/_wire.ts";
import * as bybit from "../../../connectors/bybit/_wire.ts";

function throwsData(f: () => unknown, message: string): void {
  assert.throws(f, (error: unknown) => error instanceof DataError && error.message === message);
}

Deno.test("wireFields: values of the documented shapes are read, numbers and decimals from strings too", () => {
  const { obj, arr, str, optStr, num, dec, bool, parseJson } = wireFields("Acme");
  const wire = obj(
    parseJson('{"s":"BTC","p":"1.25","q":3,"d":"0.1","e":"","ok":true,"l":[1]}', "trade"),
    "trade",
  );
  assert.equal(str(wire, "s", "trade"), "BTC");
  assert.equal(optStr(wire, "missing", "none"), "none");
  assert.equal(optStr(wire, "q"), ""); // a number is not a string
  assert.equal(num(wire, "p", "trade"), 1.25);
  assert.equal(num(wire, "q", "trade"), 3);
  assert.ok(dec(wire, "d", "trade").eq(decimal("0.1")));
  assert.ok(dec(wire, "e", "trade", decimal(7)).eq(decimal(7)));
  assert.equal(bool(wire, "ok", false), true);
  assert.equal(bool(wire, "missing", false), false);
  assert.deepEqual(arr(wire.l, "trade.l"), [1]);
});

Deno.test("wireFields: every refusal is a DataError naming the venue, the message and the field", () => {
  const { obj, arr, str, num, dec, parseJson } = wireFields("Acme");
  const wire = obj({ s: 5, p: "", n: "abc", x: {} }, "order");
  throwsData(() => obj([], "order"), "Acme message: order is not an object");
  throwsData(() => arr({}, "order.fills"), "Acme message: order.fills is not an array");
  throwsData(() => str(wire, "s", "order"), "Acme message: order.s is not a string (5)");
  throwsData(() => num(wire, "p", "order"), 'Acme message: order.p is not a number ("")');
  throwsData(() => num(wire, "q", "order"), "Acme message: order.q is not a number (undefined)");
  throwsData(() => dec(wire, "n", "order"), 'Acme message: order.n is not a decimal ("abc")');
  throwsData(() => dec(wire, "x", "order"), "Acme message: order.x is not a decimal ({})");
  throwsData(() => parseJson("{oops", "order answer"), "Acme order answer: not JSON: {oops");
});

Deno.test("the connectors' bindings name their own venue", () => {
  throwsData(() => binance.obj(null, "depth"), "Binance message: depth is not an object");
  throwsData(() => bybit.obj(null, "orderbook"), "Bybit message: orderbook is not an object");
});
