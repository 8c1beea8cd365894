import assert from "node:assert/strict";
import { field, type Infer } from "../../../lib/config/mod.ts";
import {
  describeParams,
  paramError,
  type StrategyDefinition,
  StrategyRegistry,
} from "../../../lib/strategies/registry.ts";
import type { Strategy } from "../../../lib/strategies/strategy.ts";

const PARAMS = field.table({
  symbol: field.string({ required: true, description: "venue:CODE" }),
  fast: field.number({ integer: true, min: 1, default: 5, description: "fast period" }),
  slow: field.number({ integer: true, min: 2, default: 20 }),
  mode: field.enum(["long", "short"]),
});

type Params = Infer<typeof PARAMS>;

/** A tiny fake strategy that remembers the params it was built with. */
interface FakeStrategy extends Strategy {
  readonly params: Params;
}

function definition(
  name: string,
  aliases: readonly string[] = [],
): StrategyDefinition<typeof PARAMS> {
  return {
    name,
    aliases,
    description: `the ${name} strategy`,
    params: PARAMS,
    create(params): FakeStrategy {
      if (params.fast >= params.slow) throw paramError(name, "fast", "must be below slow");
      return { name, params, subscriptions: [], snapshot: () => null, restore: () => {} };
    },
  };
}

function registry(): StrategyRegistry {
  const result = new StrategyRegistry();
  result.register(definition("SmaCross", ["sma_cross", "sma"]));
  result.register(definition("Breakout"));
  return result;
}

function paramsOf(strategy: Strategy): Params {
  return (strategy as FakeStrategy).params;
}

Deno.test("StrategyRegistry.find is case-insensitive and knows the aliases", () => {
  const strategies = registry();
  for (const name of ["SmaCross", "smacross", "SMACROSS", "sma_cross", "SMA"]) {
    assert.equal(strategies.find(name)?.name, "SmaCross", name);
  }
  assert.equal(strategies.find("breakout")?.name, "Breakout");
  assert.equal(strategies.find("nope"), undefined);
});

Deno.test("StrategyRegistry.list is sorted by name", () => {
  assert.deepEqual(registry().list().map((d) => d.name), ["Breakout", "SmaCross"]);
  assert.deepEqual(new StrategyRegistry().list(), []);
});

Deno.test("register rejects a name or alias that is taken, in any case", () => {
  const strategies = registry();
  assert.throws(
    () => strategies.register(definition("smacross")),
    { name: "RangeError", message: 'Strategy name "smacross" is already registered' },
  );
  assert.throws(
    () => strategies.register(definition("Other", ["SMA_CROSS"])),
    { name: "RangeError", message: 'Strategy name "SMA_CROSS" is already registered' },
  );
});

Deno.test({
  // BUG: register() adds the names one by one and throws at the first taken one, so a failed
  // registration leaves its earlier names behind: find("Other") returns a definition that
  // list() does not show. Fix in lib/strategies/registry.ts register(): check every name and
  // alias first, then add them.
  ignore: false,
  name: "a failed register leaves the registry unchanged",
  fn() {
    const strategies = registry();
    assert.throws(() => strategies.register(definition("Other", ["sma"])), RangeError);
    assert.equal(strategies.find("Other"), undefined);
  },
});

Deno.test("create applies defaults and passes the params to the definition", () => {
  const strategy = registry().create("sma_cross", { symbol: "bybit:BTCUSDT" });
  assert.equal(strategy.name, "SmaCross");
  assert.deepEqual(paramsOf(strategy), { symbol: "bybit:BTCUSDT", fast: 5, slow: 20 });
});

Deno.test("create keeps given params over defaults", () => {
  const strategy = registry().create("SmaCross", {
    symbol: "bybit:ETHUSDT",
    fast: 3,
    mode: "short",
  });
  assert.deepEqual(paramsOf(strategy), {
    symbol: "bybit:ETHUSDT",
    fast: 3,
    slow: 20,
    mode: "short",
  });
});

Deno.test("create with an unknown strategy lists the known ones", () => {
  assert.throws(
    () => registry().create("Momentum", {}, { file: "strategy.toml", line: 2 }),
    {
      name: "ConfigError",
      message:
        'strategy.toml:2: unknown strategy "Momentum" (hint: known strategies: Breakout, SmaCross)',
    },
  );
  assert.throws(
    () => new StrategyRegistry().create("x", {}),
    { message: 'unknown strategy "x" (hint: known strategies: none registered)' },
  );
});

Deno.test("create with an unknown param names the valid ones", () => {
  assert.throws(
    () => registry().create("SmaCross", { symbol: "bybit:BTCUSDT", fats: 3 }, { file: "s.toml" }),
    {
      name: "ConfigError",
      message:
        "s.toml: strategy SmaCross: params.fats: unknown key (hint: valid keys in [params]: symbol, fast, slow, mode)",
    },
  );
});

Deno.test("create with a param of the wrong type or out of bounds names it", () => {
  const strategies = registry();
  assert.throws(
    () => strategies.create("SmaCross", { symbol: "bybit:BTCUSDT", fast: "3" }),
    {
      name: "ConfigError",
      message: 'strategy SmaCross: params.fast: expected an integer, got "3"',
    },
  );
  assert.throws(
    () => strategies.create("SmaCross", { symbol: "bybit:BTCUSDT", fast: 0 }),
    { name: "ConfigError", message: "strategy SmaCross: params.fast: must be at least 1, got 0" },
  );
  assert.throws(
    () => strategies.create("SmaCross", { symbol: "bybit:BTCUSDT", mode: "both" }),
    { message: /params\.mode: expected one of "long", "short", got "both"/ },
  );
});

Deno.test("create with a missing required param names it and its type", () => {
  assert.throws(
    () => registry().create("SmaCross", { fast: 3 }, { file: "s.toml", line: 4 }),
    {
      name: "ConfigError",
      message:
        "s.toml:4: strategy SmaCross: missing required parameter symbol (hint: symbol is a string)",
    },
  );
});

Deno.test("create passes on the definition's own ConfigError for inconsistent params", () => {
  assert.throws(
    () => registry().create("SmaCross", { symbol: "bybit:BTCUSDT", fast: 30 }),
    { name: "ConfigError", message: "strategy SmaCross: parameter fast must be below slow" },
  );
});

Deno.test("describeParams lists name, type, default, required and description", () => {
  const found = registry().find("SmaCross");
  assert.ok(found !== undefined);
  assert.deepEqual(describeParams(found), [
    {
      name: "symbol",
      type: "string",
      default: undefined,
      required: true,
      description: "venue:CODE",
    },
    { name: "fast", type: "integer", default: 5, required: false, description: "fast period" },
    { name: "slow", type: "integer", default: 20, required: false, description: "" },
    {
      name: "mode",
      type: 'one of "long", "short"',
      default: undefined,
      required: false,
      description: "",
    },
  ]);
});
