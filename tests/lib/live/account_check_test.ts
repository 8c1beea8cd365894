import assert from "node:assert/strict";
import { decimal } from "../../../lib/domain/mod.ts";
import { checkAccount } from "../../../lib/live/mod.ts";
import { instruments } from "./_paper.ts";

const SYMBOL = "bybit:BTCUSDT";

async function btc() {
  return (await instruments()).filter((i) => i.symbol === SYMBOL);
}

Deno.test("account check: a matching account passes unchanged", async () => {
  const traded = await btc();
  const result = checkAccount({
    positionMode: "one-way",
    marginMode: "cross",
    leverage: new Map([[SYMBOL, 1]]),
    fees: new Map([[SYMBOL, { maker: decimal("0.0002"), taker: decimal("0.00055") }]]),
  }, { marginMode: "cross", leverage: 1, instruments: traded });
  assert.equal(result.leverage, 1);
  assert.deepEqual(result.adopted, []);
  assert.equal(result.instruments[0], traded[0]);
});

Deno.test("account check: every difference is listed in one refusal with the fix", async () => {
  assert.throws(
    () =>
      checkAccount({
        positionMode: "hedge",
        marginMode: "isolated",
        leverage: new Map([[SYMBOL, 10]]),
        fees: new Map([[SYMBOL, { maker: decimal("0.0001"), taker: decimal("0.0006") }]]),
      }, { marginMode: "cross", leverage: 1, instruments: [] }),
    (error: Error) => {
      assert.match(error.message, /the account is in hedge position mode/);
      assert.match(error.message, /margin mode is isolated, the session expects cross/);
      assert.match(error.message, /bybit:BTCUSDT: leverage 10 at the venue, 1 configured/);
      assert.match(error.message, /on_mismatch = "adopt"/);
      return true;
    },
  );
  await assert.rejects(
    async () =>
      checkAccount({
        fees: new Map([[SYMBOL, { maker: decimal("0.0001"), taker: decimal("0.0006") }]]),
      }, { marginMode: "cross", leverage: 1, instruments: await btc() }),
    /fee rates maker 0\.0001 \/ taker 0\.0006 at the venue, 0\.0002 \/ 0\.00055 in the markets file/,
  );
});

Deno.test("account check: adopt takes the venue's leverage and fees, never the position mode", async () => {
  const traded = await btc();
  const result = checkAccount({
    marginMode: "cross",
    leverage: new Map([[SYMBOL, 10]]),
    fees: new Map([[SYMBOL, { maker: decimal("0.0001"), taker: decimal("0.0006") }]]),
  }, { marginMode: "cross", leverage: 1, instruments: traded, onMismatch: "adopt" });
  assert.equal(result.leverage, 10);
  assert.equal(result.instruments[0].takerFee.toString(), "0.0006");
  assert.equal(result.instruments[0].makerFee.toString(), "0.0001");
  assert.equal(result.adopted.length, 2);
  assert.throws(
    () =>
      checkAccount({ positionMode: "hedge" }, {
        marginMode: "cross",
        leverage: 1,
        instruments: traded,
        onMismatch: "adopt",
      }),
    /hedge position mode/,
  );
});
