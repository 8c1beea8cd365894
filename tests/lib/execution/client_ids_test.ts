import assert from "node:assert/strict";
import {
  clientIdPrefix,
  ClientIds,
  isOurClientId,
  MAX_CLIENT_ID_LENGTH,
} from "../../../lib/execution/mod.ts";

Deno.test("client ids are <prefix>-<epoch ms base 36>-<counter base 36>, the epoch read once", () => {
  let reads = 0;
  const ids = new ClientIds("SmaCross", () => {
    reads++;
    return 1_704_067_200_000_000; // 2024-01-01 in µs
  });
  assert.equal(ids.next(), `SmaCross-${(1_704_067_200_000).toString(36)}-1`);
  assert.equal(ids.next(), `SmaCross-${(1_704_067_200_000).toString(36)}-2`);
  assert.equal(reads, 1);
});

Deno.test("the longest id fits Bybit's orderLinkId and Binance's newClientOrderId", () => {
  const ids = new ClientIds(clientIdPrefix("a-very-long strategy id/with:odd chars"), () =>
    // Year 2200 in µs, and a counter restored near 36^10.
    7_258_118_400_000_000);
  ids.restore({ prefix: ids.prefix, epochMs: 7_258_118_400_000, counter: 36 ** 10 - 2 });
  const id = ids.next();
  assert.ok(id.length <= MAX_CLIENT_ID_LENGTH, `${id} has ${id.length} characters`);
  assert.match(id, /^[A-Za-z0-9_-]+$/);
  assert.equal(ids.prefix, "a_very_long_str");
});

Deno.test("clientIdPrefix keeps [A-Za-z0-9_], and an empty id becomes t", () => {
  assert.equal(clientIdPrefix("mm.btc-1"), "mm_btc_1");
  assert.equal(clientIdPrefix(""), "t");
  assert.throws(() => new ClientIds("a-b", () => 0), /\[A-Za-z0-9_\], got "a-b"/);
});

Deno.test("isOurs tells our ids (this or an earlier process) from anyone else's", () => {
  const ids = new ClientIds("mm", () => 0);
  assert.equal(ids.isOurs(ids.next()), true);
  assert.equal(ids.isOurs("mm-lqu5ncyo-7"), true);
  assert.equal(ids.isOurs("mm2-lqu5ncyo-7"), false);
  assert.equal(ids.isOurs("mm-web"), false);
  assert.equal(ids.isOurs("autoclose-123"), false);
  assert.equal(isOurClientId("mm", "liquidation-1"), false);
});

Deno.test("a restored generator continues its series; a snapshot of another prefix is refused", () => {
  const first = new ClientIds("mm", () => 5_000);
  first.next();
  first.next();
  const again = new ClientIds("mm", () => 9_000_000);
  again.restore(first.state());
  assert.equal(again.next(), "mm-5-3");
  assert.throws(() => again.restore({ prefix: "x", epochMs: 1, counter: 1 }), /prefix "x"/);
});
