/**
 * The fill path alone, for instruction counts (bench/README.md, "TWAP children and fills"): N
 * fills into one linear-perp Portfolio in round trips of five entry and five exit fills, as a
 * 5-slice TWAP books them. The first slice is larger than the others, so the average entry
 * price and the cost share a partial close takes are divisions that do not terminate (the
 * 40-digit rounding path), and the balance they feed becomes a long decimal. Single-threaded
 * and free of I/O: under cachegrind with `--v8-flags=--predictable` two sizes repeat their
 * counts, and their difference over the extra fills is the cost of one fill.
 *
 *   valgrind --tool=cachegrind --cache-sim=no deno run --v8-flags=--predictable -A \
 *     bench/_fill_path_probe.ts 40000
 *
 * @module
 */

import { decimal, makeInstrument } from "../lib/domain/mod.ts";
import { Portfolio } from "../lib/portfolio/mod.ts";

const fills = Number(Deno.args[0] ?? 20_000);
if (!Number.isSafeInteger(fills) || fills < 10) {
  console.error("usage: bench/_fill_path_probe.ts FILLS (at least 10)");
  Deno.exit(2);
}

const BTC = makeInstrument({
  symbol: "bybit:BTCUSDT",
  kind: "linear",
  base: "BTC",
  quote: "USDT",
  tickSize: "0.1",
  lotSize: "0.001",
});
const portfolio = new Portfolio({
  instruments: [BTC],
  initialBalances: { USDT: 100_000 },
  reportingCurrency: "USDT",
});
const SLICES = ["0.003", "0.002", "0.002", "0.002", "0.002"].map(decimal);
const FEE_RATE = decimal("0.00055");

let price = 20_000;
let n = 0;
const started = performance.now();
while (n + 10 <= fills) {
  for (const side of ["buy", "sell"] as const) {
    for (const quantity of SLICES) {
      // A seeded walk on the tick grid.
      price += ((n * 7919) % 13) - 6 + 0.1 * (n % 7);
      const fillPrice = decimal(price.toFixed(1));
      portfolio.applyFill({
        orderId: "o",
        clientOrderId: "c",
        symbol: BTC.symbol,
        side,
        price: fillPrice,
        quantity,
        fee: fillPrice.times(quantity).times(FEE_RATE),
        feeCurrency: "USDT",
        liquidity: "taker",
        tradeId: `t${n}`,
      }, n * 60_000_000);
      n++;
    }
  }
}
const us = ((performance.now() - started) * 1000) / n;
console.log(`${n} fills, ${us.toFixed(2)} µs a fill, equity ${portfolio.equity()}`);
