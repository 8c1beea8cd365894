import assert from "node:assert/strict";
import { decimal, makeInstrument, type OrderRequest, ZERO } from "../../../lib/domain/mod.ts";
import { checkBuyingPower, PreTradeRisk } from "../../../lib/execution/mod.ts";

const PERP = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});
const SPOT = makeInstrument({
  symbol: "binance:BTCUSDT",
  kind: "spot",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.01",
  lotSize: "0.0001",
});

function order(
  symbol: string,
  side: "buy" | "sell",
  quantity: string,
  reduceOnly = false,
): OrderRequest {
  return {
    clientOrderId: "x",
    symbol,
    side,
    type: "market",
    quantity: decimal(quantity),
    timeInForce: "ioc",
    reduceOnly,
  };
}

Deno.test("checkBuyingPower refuses perp exposure whose initial margin exceeds the free margin", () => {
  const free = () => 1_000;
  // 0.1 BTC × 50,000 = 5,000 notional at 10× = 500 margin: fits.
  assert.equal(
    checkBuyingPower({
      request: order(PERP.symbol, "buy", "0.1"),
      instrument: PERP,
      price: 50_000,
      position: ZERO,
      leverage: 10,
      free,
    }),
    undefined,
  );
  const refused = checkBuyingPower({
    request: order(PERP.symbol, "buy", "0.3"),
    instrument: PERP,
    price: 50_000,
    position: ZERO,
    leverage: 10,
    free,
  });
  assert.deepEqual(refused, {
    rule: "insufficient-margin",
    message: "bybit:BTCUSDT: order needs 1500 USDT of initial margin, 1000 free",
  });
});

Deno.test("checkBuyingPower charges a reversal only for the part that opens", () => {
  // Long 0.2, sell 0.3: 0.2 closes, 0.1 opens → 5,000 notional at 5× = 1,000 margin.
  const input = { instrument: PERP, price: 50_000, position: decimal("0.2"), leverage: 5 };
  assert.equal(
    checkBuyingPower({ ...input, request: order(PERP.symbol, "sell", "0.3"), free: () => 1_000 }),
    undefined,
  );
  assert.equal(
    checkBuyingPower({ ...input, request: order(PERP.symbol, "sell", "0.3"), free: () => 999 })
      ?.rule,
    "insufficient-margin",
  );
  // Reducing orders always pass, even with nothing free.
  assert.equal(
    checkBuyingPower({ ...input, request: order(PERP.symbol, "sell", "0.2"), free: () => -5 }),
    undefined,
  );
  assert.equal(
    checkBuyingPower({ ...input, request: order(PERP.symbol, "buy", "1", true), free: () => -5 }),
    undefined,
  );
});

Deno.test("checkBuyingPower keeps spot buys within the quote balance and sells within the base", () => {
  const free = (currency: string) => (currency === "USDT" ? 1_000 : 0.01);
  const base = { instrument: SPOT, price: 50_000, position: decimal("0.01"), leverage: 1, free };
  assert.equal(
    checkBuyingPower({ ...base, request: order(SPOT.symbol, "buy", "0.02") }),
    undefined,
  );
  assert.deepEqual(checkBuyingPower({ ...base, request: order(SPOT.symbol, "buy", "0.03") }), {
    rule: "insufficient-balance",
    message: "binance:BTCUSDT: buy needs 1500 USDT, 1000 available",
  });
  assert.equal(
    checkBuyingPower({ ...base, request: order(SPOT.symbol, "sell", "0.01") }),
    undefined,
  );
});

Deno.test("a drawdown limit of 0 is refused: it would trip at the first mark", () => {
  assert.throws(() => new PreTradeRisk({ maxDrawdown: 0 }), /maxDrawdown must be above 0/);
});
