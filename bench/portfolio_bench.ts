import { decimal, type Fill, makeInstrument } from "../lib/domain/mod.ts";
import { Portfolio } from "../lib/portfolio/mod.ts";

const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
  takerFee: "0.0006",
});

function fillOf(side: "buy" | "sell", quantity: string, price: string, fee: string): Fill {
  return {
    orderId: "o",
    clientOrderId: "c",
    symbol: BTC.symbol,
    side,
    price: decimal(price),
    quantity: decimal(quantity),
    fee: decimal(fee),
    feeCurrency: "USDT",
    liquidity: "taker",
    tradeId: "t",
  };
}

function openPortfolio(): Portfolio {
  const portfolio = new Portfolio({
    instruments: [BTC],
    initialBalances: { USDT: "100000" },
    reportingCurrency: "USDT",
    leverage: 10,
  });
  portfolio.applyFill(fillOf("buy", "0.5", "20000", "6"), 0);
  return portfolio;
}

const marked = openPortfolio();
const prices = Float64Array.from({ length: 1024 }, (_, i) => 20000 + Math.sin(i) * 500);
let bar = 0;
let sink = 0;

Deno.bench({
  name: "mark() + equity(), 1 open position",
  group: "per bar",
  baseline: true,
  fn(): void {
    marked.mark(BTC.symbol, prices[bar++ & 1023]);
    sink += marked.equity();
  },
});

Deno.bench({
  name: "mark() + checkLiquidation(), 1 open position",
  group: "per bar",
  fn(): void {
    const price = prices[bar++ & 1023];
    marked.mark(BTC.symbol, price);
    if (marked.checkLiquidation(BTC.symbol, price - 100, price + 100) !== undefined) sink++;
  },
});

const trading = openPortfolio();
const add = fillOf("buy", "0.1", "20100.5", "1.2063");
const reduce = fillOf("sell", "0.1", "20200.5", "1.2123");
let step = 0;

Deno.bench({
  name: "applyFill (add or partial close, round-trip ledger)",
  group: "per fill",
  baseline: true,
  fn(): void {
    trading.applyFill(step++ % 2 === 0 ? add : reduce, step);
  },
});

const roundTripping = new Portfolio({
  instruments: [BTC],
  initialBalances: { USDT: "100000" },
  reportingCurrency: "USDT",
  leverage: 10,
});
let turn = 0;

Deno.bench({
  name: "applyFill open from flat, then close to flat (completes a round trip)",
  group: "per fill",
  fn(): void {
    roundTripping.applyFill(turn % 2 === 0 ? add : reduce, turn++);
  },
});

globalThis.addEventListener("unload", () => {
  if (Number.isNaN(sink)) console.log(sink);
});
