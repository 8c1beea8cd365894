import assert from "node:assert/strict";
import { formatSymbol, parseSymbol, symbolId } from "../../../lib/domain/symbol.ts";

Deno.test("parseSymbol splits venue and code", () => {
  assert.deepEqual(parseSymbol("bybit:BTCUSDT"), { venue: "bybit", code: "BTCUSDT" });
  assert.deepEqual(parseSymbol("binance_perp:ETH-USD/1.5"), {
    venue: "binance_perp",
    code: "ETH-USD/1.5",
  });
});

Deno.test("parseSymbol folds the venue to lower case and keeps the code's case", () => {
  assert.deepEqual(parseSymbol("ByBit:BtcUsdt"), { venue: "bybit", code: "BtcUsdt" });
});

Deno.test("parseSymbol trims surrounding whitespace", () => {
  assert.deepEqual(parseSymbol("  bybit:BTCUSDT \n"), { venue: "bybit", code: "BTCUSDT" });
});

Deno.test("parseSymbol puts a bare code on the default venue, folded to lower case", () => {
  assert.deepEqual(parseSymbol("BTCUSDT", { defaultVenue: "Bybit" }), {
    venue: "bybit",
    code: "BTCUSDT",
  });
  // An explicit venue wins over the default.
  assert.deepEqual(parseSymbol("binance:BTCUSDT", { defaultVenue: "bybit" }), {
    venue: "binance",
    code: "BTCUSDT",
  });
});

Deno.test("parseSymbol rejects a bare code without a default venue", () => {
  assert.throws(
    () => parseSymbol("BTCUSDT"),
    {
      name: "RangeError",
      message: 'Cannot parse symbol "BTCUSDT": expected "venue:CODE" such as "bybit:BTCUSDT"',
    },
  );
});

Deno.test("parseSymbol rejects a missing code", () => {
  assert.throws(
    () => parseSymbol("bybit:"),
    {
      name: "RangeError",
      message: 'Cannot parse symbol "bybit:": code "" must be letters, digits or ". _ - /"',
    },
  );
});

Deno.test("parseSymbol rejects a missing venue", () => {
  assert.throws(
    () => parseSymbol(":BTC"),
    {
      name: "RangeError",
      message:
        'Cannot parse symbol ":BTC": venue "" must be letters, digits or "_", starting with a letter',
    },
  );
});

Deno.test("parseSymbol rejects a venue that starts with a digit or holds a dash", () => {
  assert.throws(() => parseSymbol("1bit:BTC"), /venue "1bit" must be letters/);
  assert.throws(() => parseSymbol("by-bit:BTC"), /venue "by-bit" must be letters/);
});

Deno.test("parseSymbol rejects spaces and colons inside the code", () => {
  assert.throws(
    () => parseSymbol("bybit:BTC USDT"),
    {
      name: "RangeError",
      message:
        'Cannot parse symbol "bybit:BTC USDT": code "BTC USDT" must be letters, digits or ". _ - /"',
    },
  );
  assert.throws(
    () => parseSymbol("bybit:BTC:USDT"),
    { name: "RangeError", message: /code "BTC:USDT" must be letters, digits/ },
  );
  assert.throws(
    () => parseSymbol("BTC USDT", { defaultVenue: "bybit" }),
    { name: "RangeError", message: /code "BTC USDT" must be letters/ },
  );
});

Deno.test("parseSymbol rejects the empty string", () => {
  assert.throws(() => parseSymbol(""), RangeError);
  assert.throws(() => parseSymbol("", { defaultVenue: "bybit" }), /code "" must be/);
});

Deno.test("formatSymbol joins venue and code with a colon", () => {
  assert.equal(formatSymbol({ venue: "bybit", code: "BTCUSDT" }), "bybit:BTCUSDT");
});

Deno.test("symbolId canonicalises user input and round-trips through parseSymbol", () => {
  assert.equal(symbolId(" BYBIT:BTCUSDT "), "bybit:BTCUSDT");
  assert.equal(symbolId("ETHUSDT", { defaultVenue: "Binance" }), "binance:ETHUSDT");
  for (const id of ["bybit:BTCUSDT", "binance_perp:ETH-PERP", "okx:BTC/USDT", "x1:a.b_c"]) {
    assert.equal(formatSymbol(parseSymbol(id)), id);
  }
});
