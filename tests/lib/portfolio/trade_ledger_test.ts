import assert from "node:assert/strict";
import { decimal, ZERO } from "../../../lib/domain/mod.ts";
import { TradeLedger } from "../../../lib/portfolio/mod.ts";

const base = { symbol: "bybit:BTCUSDT", kind: "linear", settle: "USDT" } as const;

Deno.test("TradeLedger splits a reversal fee pro rata and the shares add up exactly", () => {
  const ledger = new TradeLedger();
  ledger.record({
    ...base,
    ts: 1,
    openDirection: "long",
    price: decimal(100),
    closedQuantity: ZERO,
    openedQuantity: decimal(1),
    realizedPnl: ZERO,
    fee: ZERO,
  });
  const closed = ledger.record({
    ...base,
    ts: 2,
    openDirection: "short",
    price: decimal(110),
    closedQuantity: decimal(1),
    openedQuantity: decimal(2),
    realizedPnl: decimal(10),
    fee: decimal(1),
  });
  const open = ledger.openTrip(base.symbol);
  assert.ok(closed && open);
  assert.equal(closed.fees.toString(), "0.3333333333333333333333333333333333333333");
  assert.equal(open.fees.toString(), "0.6666666666666666666666666666666666666667");
  assert.equal(closed.fees.plus(open.fees).toString(), "1");
  assert.equal(open.direction, "short");
  assert.equal(open.entryQuantity.toString(), "2");
  assert.equal(closed.fills, 1 + 1);
  assert.equal(open.fills, 1);
});

Deno.test("TradeLedger refuses to close a symbol with no open round trip", () => {
  assert.throws(
    () =>
      new TradeLedger().record({
        ...base,
        ts: 1,
        openDirection: "long",
        price: decimal(1),
        closedQuantity: decimal(1),
        openedQuantity: ZERO,
        realizedPnl: ZERO,
        fee: ZERO,
      }),
    /TradeLedger: bybit:BTCUSDT has no open round trip to close/,
  );
});
