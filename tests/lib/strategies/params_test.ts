import assert from "node:assert/strict";
import { join } from "node:path";
import { parseToml } from "../../../lib/config/mod.ts";
import { builtinStrategies } from "../../../lib/strategies/mod.ts";

const EXAMPLES = new URL("../../../examples/strategies/", import.meta.url).pathname;

Deno.test("every sample TOML in examples/strategies builds its strategy", async () => {
  const built = new Set<string>();
  for await (const entry of Deno.readDir(EXAMPLES)) {
    if (!entry.name.endsWith(".toml")) continue;
    const path = join(EXAMPLES, entry.name);
    const data = parseToml(await Deno.readTextFile(path), path);
    const strategy = builtinStrategies.create(
      data.strategy_name as string,
      data.params as Record<string, unknown>,
      { file: path },
    );
    built.add(strategy.name);
  }
  for (
    const name of [
      "SmaCross",
      "RsiReversion",
      "BollingerBreakout",
      "PairsTradingArbitrage",
      "CrossExchangeArb",
      "VolatilitySkew",
      "Breakout",
      "MeanReversionZScore",
    ]
  ) assert.ok(built.has(name), `no sample TOML for ${name}`);
});

Deno.test("an unknown param is a ConfigError that names the valid ones", () => {
  assert.throws(
    () => builtinStrategies.create("RsiReversion", { symbol: "bybit:BTCUSDT", perod: 14 }),
    (error: Error) => {
      assert.equal(error.name, "ConfigError");
      assert.match(error.message, /perod/);
      for (const key of ["symbol", "period", "oversold", "overbought", "lookback"]) {
        assert.match(error.message, new RegExp(key));
      }
      return true;
    },
  );
});

Deno.test("wrong types and out-of-range values are ConfigErrors naming the param", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["MeanReversionZScore", { symbol: "bybit:BTCUSDT", period: "20" }, /period/],
    ["MeanReversionZScore", { symbol: "bybit:BTCUSDT", period: 2.5 }, /period/],
    ["Breakout", { symbol: "bybit:BTCUSDT", atr_multiplier: -1 }, /atr_multiplier/],
    ["BollingerBreakout", { symbol: "bybit:BTCUSDT", allow_short: "yes" }, /allow_short/],
    ["PairsTradingArbitrage", { symbols: "bybit:BTCUSDT" }, /symbols/],
    [
      "CrossExchangeArb",
      { symbols: ["bybit:BTCUSDT", "binance:BTCUSDT"], quantity: 0 },
      /quantity/,
    ],
    ["SmaCross", { symbol: "bybit:BTCUSDT", fast_period: 30, slow_period: 30 }, /fast_period/],
    ["RsiReversion", { symbol: "BTCUSDT" }, /symbol.*venue:CODE/],
    ["RsiReversion", { symbol: "bybit:BTCUSDT", interval: "7x" }, /interval/],
    [
      "VolatilitySkew",
      { symbol: "bybit:BTCUSDT", iv_symbol: "deribit:DVOL", premium: -0.1 },
      /premium/,
    ],
  ];
  for (const [name, params, message] of cases) {
    assert.throws(
      () => builtinStrategies.create(name, params),
      { name: "ConfigError", message },
      name,
    );
  }
});

Deno.test("every built-in strategy documents each param with a description", () => {
  for (const definition of builtinStrategies.list()) {
    assert.ok(definition.description.length > 10, definition.name);
    for (const [key, node] of Object.entries(definition.params.fields)) {
      const description = "description" in node ? node.description : undefined;
      assert.ok((description ?? "").length > 0, `${definition.name}.${key}`);
    }
  }
});
