import assert from "node:assert/strict";
import { EVENT_KINDS, type EventKind, isMarketData } from "../../../lib/events/event.ts";
import { sampleEvent } from "./_fixtures.ts";

// Written out so that adding a kind to the union without deciding its class fails to compile.
const MARKET_DATA: { readonly [K in EventKind]: boolean } = {
  "candle": true,
  "trade": true,
  "quote": true,
  "book-snapshot": true,
  "book-delta": true,
  "funding": true,
  "timer": false,
  "signal": false,
  "order-command": false,
  "order-update": false,
  "fill": false,
  "funding-payment": false,
  "position": false,
  "account": false,
  "alert": false,
  "connectivity": false,
  "reconciliation": false,
  "refusal": false,
  "inference": false,
};

Deno.test("EVENT_KINDS lists every kind of the union exactly once", () => {
  assert.deepEqual([...EVENT_KINDS].sort(), Object.keys(MARKET_DATA).sort());
  assert.equal(new Set(EVENT_KINDS).size, EVENT_KINDS.length);
});

Deno.test("isMarketData is true for market data kinds and false for the rest", () => {
  for (const kind of EVENT_KINDS) {
    const event = sampleEvent(kind);
    assert.equal(event.kind, kind);
    assert.equal(isMarketData(event), MARKET_DATA[kind], kind);
  }
});

Deno.test("isMarketData throws a TypeError for an event outside the union", () => {
  const bogus = { kind: "bogus", ts: 1, tsRecv: 1 } as unknown as Parameters<
    typeof isMarketData
  >[0];
  assert.throws(() => isMarketData(bogus), { name: "TypeError", message: /Unknown event .*bogus/ });
});
