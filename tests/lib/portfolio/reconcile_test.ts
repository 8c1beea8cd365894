import assert from "node:assert/strict";
import { DataError, decimal } from "../../../lib/domain/mod.ts";
import {
  knownReport,
  Portfolio,
  unknownReport,
  type VenueBalance,
  type VenuePosition,
} from "../../../lib/portfolio/mod.ts";
import { fill, INVERSE, LINEAR, SPOT, strings } from "./_fixtures.ts";

const BTC = LINEAR.symbol;
const TS = 5_000_000;

function portfolio(): Portfolio {
  return new Portfolio({
    instruments: [LINEAR, INVERSE, SPOT],
    initialBalances: { USDT: "10000", BTC: "1" },
    reportingCurrency: "USDT",
  });
}

/** Long 0.1 BTCUSDT at 20000 after a 1.2 USDT fee: USDT 9998.8. */
function longTenth(): Portfolio {
  const p = portfolio();
  p.applyFill(fill(LINEAR, "buy", "0.1", "20000", "1.2"), 1);
  return p;
}

function position(symbol: string, quantity: string, entryPrice: string): VenuePosition {
  return { symbol, quantity: decimal(quantity), entryPrice: decimal(entryPrice) };
}

function balance(currency: string, total: string): VenueBalance {
  return { currency, total: decimal(total) };
}

Deno.test("reconcile adopts a position and balance the ledger missed, booked and explained", () => {
  const p = longTenth();
  // The venue also filled 0.05 at 20300 (fee 0.61) that never reached us.
  const event = p.reconcile(
    knownReport([position(BTC, "0.15", "20100")]),
    knownReport([balance("USDT", "9998.19"), balance("BTC", "1")]),
    TS,
  );
  assert.equal(event.kind, "reconciliation");
  assert.equal(event.ts, TS);
  assert.deepEqual(event.positions, { status: "compared" });
  assert.deepEqual(event.balances, { status: "compared" });
  assert.deepEqual(strings(event.differences), [
    {
      kind: "position",
      symbol: BTC,
      ledgerQuantity: "0.1",
      venueQuantity: "0.15",
      ledgerEntryPrice: "20000",
      venueEntryPrice: "20100",
      action: "adopted",
      adjustmentId: `reconcile:${TS}:${BTC}`,
      explanation: `ledger holds 0.1 ${BTC} at 20000, the venue 0.15 at 20100 (difference ` +
        `0.05): adopted the venue's position as adjustment reconcile:${TS}:${BTC} (no PnL ` +
        `booked; the venue's balances carry its cash effect)`,
    },
    {
      kind: "balance",
      currency: "USDT",
      ledgerTotal: "9998.8",
      venueTotal: "9998.19",
      action: "adopted",
      adjustmentId: `reconcile:${TS}:USDT`,
      explanation: "ledger balance 9998.8 USDT, venue 9998.19 (difference -0.61): adopted the " +
        `venue's balance as adjustment reconcile:${TS}:USDT`,
    },
  ]);
  assert.deepEqual(strings(p.position(BTC)), {
    symbol: BTC,
    quantity: "0.15",
    entryPrice: "20100",
    realizedPnl: "0",
  });
  assert.equal(p.balances()[0].total.toString(), "9998.19");
  assert.equal(p.realizedPnl().toString(), "0", "an adjustment realizes nothing");
  // Marked at 20200: 9998.19 USDT + 0.15 × (20200 − 20100) + 1 BTC at 20200.
  p.mark(BTC, 20200);
  p.mark(INVERSE.symbol, 20200);
  assert.equal(p.exactEquity().toString(), "30213.19");
  // Closing later realizes against the venue's entry, and the round trip agrees with it.
  p.applyFill(fill(LINEAR, "sell", "0.15", "20200", "0"), TS + 1);
  const [trip] = p.roundTrips();
  assert.equal(trip.quantity.toString(), "0.15");
  assert.equal(trip.entryPrice.toString(), "20100", "the missed fill was booked at 20300");
  assert.equal(trip.grossPnl.toString(), "15");
  assert.equal(p.balances()[0].total.toString(), "10013.19");
});

Deno.test("reconcile with matching figures finds nothing and changes nothing", () => {
  const p = longTenth();
  const before = JSON.stringify(p.toJSON());
  const event = p.reconcile(
    // Entry within half a tick (0.05) of ours: venue rounding, not a difference.
    knownReport([position(BTC, "0.1", "20000.04")]),
    knownReport([balance("USDT", "9998.8"), balance("BTC", "1")]),
    TS,
  );
  assert.deepEqual(event.differences, []);
  assert.equal(JSON.stringify(p.toJSON()), before);
});

Deno.test("reconcile adopts an entry price that differs by more than half a tick", () => {
  const p = longTenth();
  const event = p.reconcile(
    knownReport([position(BTC, "0.1", "20000.06")]),
    unknownReport("wallet query failed"),
    TS,
  );
  assert.equal(event.differences.length, 1);
  assert.equal(
    event.differences[0].explanation,
    `entry price of 0.1 ${BTC} differs: ledger 20000, venue 20000.06: adopted the venue's ` +
      `position as adjustment reconcile:${TS}:${BTC} (no PnL booked; the venue's balances ` +
      "carry its cash effect)",
  );
  assert.equal(p.position(BTC).entryPrice.toString(), "20000.06");
  assert.equal(p.position(BTC).quantity.toString(), "0.1");
});

Deno.test("reconcile never takes an unknown venue answer as flat or zero", () => {
  const p = longTenth();
  const before = JSON.stringify(p.toJSON());
  const event = p.reconcile(
    unknownReport("GET /v5/position/list timed out"),
    unknownReport("GET /v5/account/wallet-balance: 503"),
    TS,
  );
  assert.deepEqual(event.positions, {
    status: "unknown",
    reason: "GET /v5/position/list timed out",
  });
  assert.deepEqual(event.balances, {
    status: "unknown",
    reason: "GET /v5/account/wallet-balance: 503",
  });
  assert.deepEqual(event.differences, []);
  assert.equal(JSON.stringify(p.toJSON()), before, "the position is kept, not flattened");
  assert.equal(p.position(BTC).quantity.toString(), "0.1");
});

Deno.test("reconcile: a known report without the symbol means flat at the venue, and is adopted", () => {
  const p = longTenth();
  const event = p.reconcile(knownReport([]), unknownReport("not asked"), TS);
  assert.deepEqual(strings(event.differences.map((d) => [d.kind, d.action, d.explanation])), [
    [
      "position",
      "adopted",
      `ledger holds 0.1 ${BTC} at 20000, the venue 0 (difference -0.1): adopted the venue's ` +
      `position as adjustment reconcile:${TS}:${BTC} (no PnL booked; the venue's balances ` +
      "carry its cash effect)",
    ],
  ]);
  assert.equal(p.position(BTC).quantity.toString(), "0");
  const [trip] = p.roundTrips();
  assert.equal(trip.grossPnl.toString(), "0", "closed at our own entry: no invented PnL");
  assert.equal(trip.exitPrice.toString(), "20000");
  assert.equal(p.balances()[0].total.toString(), "9998.8", "balances untouched (unknown)");
});

Deno.test("reconcile adopts a reversal: long in the ledger, short at the venue", () => {
  const p = longTenth();
  p.reconcile(knownReport([position(BTC, "-0.2", "21000")]), unknownReport("x"), TS);
  assert.deepEqual(strings(p.position(BTC)), {
    symbol: BTC,
    quantity: "-0.2",
    entryPrice: "21000",
    realizedPnl: "0",
  });
  assert.equal(p.roundTrips().length, 1, "the long trip closed");
  // Buying back at 20900 realizes 0.2 × 100 on the short the venue holds.
  const effect = p.applyFill(fill(LINEAR, "buy", "0.2", "20900", "0"), TS + 1);
  assert.equal(effect.realizedPnl.toString(), "20");
  const trips = p.roundTrips();
  assert.equal(trips[1].direction, "short");
  assert.equal(trips[1].entryPrice.toString(), "21000");
  assert.equal(trips[1].grossPnl.toString(), "20");
});

Deno.test("reconcile adopts an inverse position with its entry", () => {
  const p = portfolio();
  p.mark(BTC, 20000); // values the BTC the inverse contract settles in
  p.applyFill(fill(INVERSE, "buy", "100", "20000", "0", { feeCurrency: "BTC" }), 1);
  // 100 more contracts at 21250 would make 200 at the harmonic mean 20606.06…; the venue
  // says 150 at 20400 (100 @ 20000 + 50 @ 21250).
  p.reconcile(knownReport([position(INVERSE.symbol, "150", "20400")]), unknownReport("x"), TS);
  const adopted = p.position(INVERSE.symbol);
  assert.equal(adopted.quantity.toString(), "150");
  assert.equal(adopted.entryPrice.toFixed(8), "20400.00000000");
  p.applyFill(fill(INVERSE, "sell", "150", "20400", "0", { feeCurrency: "BTC" }), TS + 1);
  const [trip] = p.roundTrips();
  assert.equal(trip.entryPrice.toFixed(8), "20400.00000000");
  assert.equal(trip.grossPnl.toFixed(12), "0.000000000000");
});

Deno.test("reconcile lists but does not adopt what this portfolio cannot hold", () => {
  const p = longTenth();
  const event = p.reconcile(
    knownReport([position(BTC, "0.1", "20000"), position("bybit:ETHUSDT", "2", "3000")]),
    knownReport([balance("USDT", "9998.8"), balance("BTC", "1"), balance("ETH", "0.5")]),
    TS,
  );
  assert.deepEqual(strings(event.differences.map((d) => [d.kind, d.action, d.explanation])), [
    [
      "position",
      "ignored",
      "the venue holds 2 bybit:ETHUSDT at 3000, which has no instrument here: not adopted " +
      "(add it to the markets file to manage it)",
    ],
    [
      "balance",
      "ignored",
      "the venue holds 0.5 ETH, a currency this portfolio does not account in: not adopted",
    ],
  ]);
});

Deno.test("reconcile leaves spot holdings to the balances", () => {
  const p = portfolio();
  p.applyFill(fill(SPOT, "buy", "0.5", "20000", "0"), 1);
  // Venues report no spot "position": the BTC wallet balance carries it.
  const event = p.reconcile(
    knownReport([]),
    knownReport([balance("USDT", "0"), balance("BTC", "1.4")]),
    TS,
  );
  assert.deepEqual(event.differences.map((d) => [d.kind, d.action, d.explanation]), [
    [
      "balance",
      "adopted",
      `ledger balance 1.5 BTC, venue 1.4 (difference -0.1): adopted the venue's balance as ` +
      `adjustment reconcile:${TS}:BTC`,
    ],
  ]);
  assert.equal(p.position(SPOT.symbol).quantity.toString(), "0.5");
  assert.deepEqual(p.balances().map((b) => `${b.currency} ${b.total}`), ["USDT 0", "BTC 1.4"]);
});

Deno.test("reconcile refuses a report that lists a symbol twice or an open position without entry", () => {
  const p = longTenth();
  const before = JSON.stringify(p.toJSON());
  assert.throws(
    () =>
      p.reconcile(
        knownReport([position(BTC, "0.1", "20000"), position(BTC, "-0.1", "20000")]),
        knownReport([]),
        TS,
      ),
    (error: unknown) =>
      error instanceof DataError &&
      error.message === `the venue reported symbol ${BTC} twice ` +
          "(hint: pass one netted figure per symbol (one-way position mode))",
  );
  assert.throws(
    () => p.reconcile(knownReport([position(BTC, "0.1", "0")]), knownReport([]), TS),
    (error: unknown) =>
      error instanceof DataError &&
      error.message === `the venue reported 0.1 ${BTC} at entry price 0; an open position ` +
          "needs a positive entry price (hint: check the venue adapter's position mapping)",
  );
  assert.equal(JSON.stringify(p.toJSON()), before, "nothing changed");
});

Deno.test("reconcile ids are deterministic: the same reconciliation names the same adjustments", () => {
  const run = (): readonly string[] => {
    const p = longTenth();
    return p.reconcile(
      knownReport([position(BTC, "0.2", "20000")]),
      knownReport([balance("USDT", "1"), balance("BTC", "1")]),
      TS,
    ).differences.map((d) => d.adjustmentId ?? "");
  };
  assert.deepEqual(run(), [`reconcile:${TS}:${BTC}`, `reconcile:${TS}:USDT`]);
  assert.deepEqual(run(), run());
});
