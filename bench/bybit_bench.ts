/**
 * Bybit connector hot paths (issue 14): parse a `publicTrade` message, apply an `orderbook.50`
 * delta (parse + continuity check + level updates), sign and encode an order request.
 * `deno bench --no-prompt -A bench/bybit_bench.ts`.
 */

import { type BookMessage, BybitBook } from "../connectors/bybit/book.ts";
import { createOrderBody } from "../connectors/bybit/execution_client.ts";
import { parsePublic } from "../connectors/bybit/parse_public.ts";
import { signedHeaders } from "../connectors/bybit/signing.ts";
import { decimal, type OrderRequest } from "../lib/domain/mod.ts";

const TRADE = JSON.stringify({
  topic: "publicTrade.BTCUSDT",
  type: "snapshot",
  ts: 1672304486868,
  data: [{
    T: 1672304486865,
    s: "BTCUSDT",
    S: "Buy",
    v: "0.001",
    p: "16578.50",
    L: "PlusTick",
    i: "20f43950-d8dd-5b31-9112-a178eb6023af",
    BT: false,
    seq: 1783284617,
  }],
});

Deno.bench({
  name: "parse publicTrade (1 trade)",
  group: "bybit",
  fn(): void {
    parsePublic(TRADE, 1);
  },
});

// A 50-level book and a long chain of deltas (u + 1 each) touching 3 bids and 3 asks, the
// size of a typical orderbook.50 push.
const level = (
  price: number,
  size: number,
): [string, string] => [price.toFixed(1), size.toFixed(3)];
const SNAPSHOT: BookMessage = {
  type: "snapshot",
  u: 1_000,
  seq: 1_000,
  b: Array.from({ length: 50 }, (_, i) => level(30_000 - i * 0.5, 1 + i)),
  a: Array.from({ length: 50 }, (_, i) => level(30_000.5 + i * 0.5, 1 + i)),
};
const CHAIN = 10_000;
const DELTAS: string[] = [];
for (let k = 0; k < CHAIN; k++) {
  const u = SNAPSHOT.u + 1 + k;
  DELTAS.push(JSON.stringify({
    topic: "orderbook.50.BTCUSDT",
    type: "delta",
    ts: 1_700_000_000_000 + k,
    data: {
      s: "BTCUSDT",
      b: [
        level(30_000 - (k % 7) * 0.5, 2 + (k % 5)),
        level(29_990 - (k % 3), k % 2),
        level(29_995, 3),
      ],
      a: [
        level(30_000.5 + (k % 7) * 0.5, 2 + (k % 5)),
        level(30_010 + (k % 3), k % 2),
        level(30_005, 3),
      ],
      u,
      seq: u,
    },
    cts: 1_700_000_000_000 + k,
  }));
}
const book = new BybitBook();
book.apply(SNAPSHOT);
let next = 0;
Deno.bench({
  name: "apply orderbook.50 delta (parse + continuity + 6 levels)",
  group: "bybit",
  fn(): void {
    if (next === CHAIN) {
      book.apply(SNAPSHOT);
      next = 0;
    }
    const frame = parsePublic(DELTAS[next++], 1);
    if (frame.type !== "book" || book.apply(frame.message).kind !== "delta") {
      throw new Error("delta chain broke");
    }
  },
});

const REQUEST: OrderRequest = {
  clientOrderId: "tsr-0000000001",
  symbol: "bybit:BTCUSDT",
  side: "buy",
  type: "limit",
  quantity: decimal("0.001"),
  price: decimal("25000"),
  timeInForce: "gtc",
  reduceOnly: false,
};
const KEYS = { apiKey: "XXXXXXXXXX", apiSecret: "test-secret" };
let ts = 1_658_385_579_423;
Deno.bench({
  name: "sign + encode an order (body + 4 headers)",
  group: "bybit",
  fn(): void {
    const body = JSON.stringify(createOrderBody(REQUEST));
    signedHeaders(KEYS, ts++, 5000, body);
  },
});
