/**
 * Binance account facts for the pre-trade check, read from connectors/simulator (venue
 * binance) over the real endpoints, and the check's refusal for each kind of difference.
 */

import assert from "node:assert/strict";
import { binanceAccountFacts } from "../../../connectors/binance/account_facts.ts";
import { loadMarkets } from "../../../lib/backtest/markets.ts";
import { checkAccount } from "../../../lib/live/mod.ts";
import { DEFAULT_INSTRUMENTS } from "../../../connectors/simulator/instruments.ts";
import { withBinanceSim } from "./_sim.ts";

const SYMBOL = "binance:BTCUSDT";

/** The simulator's BTCUSDT with these fee rates. */
function btcWithFees(makerFee: string, takerFee: string) {
  const btc = DEFAULT_INSTRUMENTS.filter((i) => i.code === "BTCUSDT");
  return { instruments: btc.map((i) => ({ ...i, makerFee, takerFee })) };
}

async function traded() {
  return (await loadMarkets("config/markets.toml")).filter((i) => i.symbol === SYMBOL);
}

Deno.test("Binance account facts: one-way mode, cross margin, leverage and commission rates from the venue", async () => {
  await withBinanceSim(async ({ rest }) => {
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    assert.equal(facts.positionMode, "one-way");
    assert.deepEqual([...facts.marginModes ?? []], [[SYMBOL, "cross"]]);
    assert.deepEqual([...facts.leverage ?? []], [[SYMBOL, 10]]);
    const fees = facts.fees?.get(SYMBOL);
    assert.deepEqual([fees?.maker.toString(), fees?.taker.toString()], ["0.0002", "0.0005"]);
    // The markets file's fees match; the simulator's default leverage 10 does not match 1.
    const ok = checkAccount(facts, {
      marginMode: "cross",
      leverage: 10,
      instruments: await traded(),
    });
    assert.deepEqual(ok.adopted, []);
  }, btcWithFees("0.0002", "0.0005"));
});

Deno.test("Binance account check refuses hedge mode (dualSidePosition), naming it with the fix", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    sim.exchange.account(0).hedgeMode = true;
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    assert.equal(facts.positionMode, "hedge");
    assert.throws(
      () => checkAccount(facts, { marginMode: "cross", leverage: 10, instruments: [] }),
      (error: Error) => {
        assert.match(
          error.message,
          /^the account does not match the session: the account is in hedge position mode; the engine trades one-way positions \(hint: set the account up at the venue \(one-way mode/,
        );
        return true;
      },
    );
  });
});

Deno.test("Binance account check refuses a symbol whose margin type is not the configured one", async () => {
  await withBinanceSim(async ({ sim, rest }) => {
    sim.exchange.account(0).isolated.add("BTCUSDT");
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    assert.throws(
      () =>
        checkAccount(facts, {
          marginMode: "cross",
          leverage: 10,
          instruments: [],
          onMismatch: "adopt", // margin modes are never adopted
        }),
      /binance:BTCUSDT: margin mode isolated at the venue, the session expects cross/,
    );
    assert.deepEqual(
      checkAccount(facts, { marginMode: "isolated", leverage: 10, instruments: [] }).adopted,
      [],
    );
  });
});

Deno.test("Binance account check refuses a leverage other than the configured one, or adopts it", async () => {
  await withBinanceSim(async ({ rest, client }) => {
    await client.setLeverage(SYMBOL, 5);
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    assert.throws(
      () => checkAccount(facts, { marginMode: "cross", leverage: 1, instruments: [] }),
      /binance:BTCUSDT: leverage 5 at the venue, 1 configured/,
    );
    const adopted = checkAccount(facts, {
      marginMode: "cross",
      leverage: 1,
      instruments: [],
      onMismatch: "adopt",
    });
    assert.equal(adopted.leverage, 5);
    assert.deepEqual(adopted.adopted, [
      "binance:BTCUSDT: leverage 5 at the venue, 1 configured: accounting with 5",
    ]);
  });
});

Deno.test("Binance account check refuses commission rates that differ from markets.toml, or adopts them", async () => {
  await withBinanceSim(async ({ rest }) => {
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    const expected = { marginMode: "cross" as const, leverage: 10, instruments: await traded() };
    assert.throws(
      () => checkAccount(facts, expected),
      /binance:BTCUSDT: fee rates maker 0\.0001 \/ taker 0\.0004 at the venue, 0\.0002 \/ 0\.0005 in the markets file/,
    );
    const adopted = checkAccount(facts, { ...expected, onMismatch: "adopt" });
    assert.deepEqual(
      [adopted.instruments[0]?.makerFee.toString(), adopted.instruments[0]?.takerFee.toString()],
      ["0.0001", "0.0004"],
    );
  }, btcWithFees("0.0001", "0.0004"));
});

Deno.test("the simulator's Binance configuration routes: position mode and margin type change as documented", async () => {
  await withBinanceSim(async ({ rest }) => {
    const call = (path: string, params: Record<string, string>) =>
      rest.call({ method: "POST", path, params, security: "signed", weight: 1, priority: "order" });
    await call("/fapi/v1/positionSide/dual", { dualSidePosition: "true" });
    assert.equal((await binanceAccountFacts(rest, [SYMBOL])).positionMode, "hedge");
    await assert.rejects(
      () => call("/fapi/v1/positionSide/dual", { dualSidePosition: "true" }),
      /No need to change position side/,
    );
    await call("/fapi/v1/marginType", { symbol: "BTCUSDT", marginType: "ISOLATED" });
    const facts = await binanceAccountFacts(rest, [SYMBOL]);
    assert.deepEqual([...facts.marginModes ?? []], [[SYMBOL, "isolated"]]);
    await assert.rejects(
      () => call("/fapi/v1/marginType", { symbol: "BTCUSDT", marginType: "ISOLATED" }),
      /No need to change margin type/,
    );
  });
});
