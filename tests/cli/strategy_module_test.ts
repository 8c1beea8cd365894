import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { moduleRunArgs } from "./_module_run_args.ts";
import { loadStrategyModule } from "../../lib/strategies/user_module.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLE = join(ROOT, "examples/custom_strategy/my_strategy.ts");
const EXAMPLE_TOML = join(ROOT, "examples/custom_strategy/my_strategy.toml");

function runArgs(module: string, config = EXAMPLE_TOML): string[] {
  return moduleRunArgs(module, config, "--rows", "3000");
}

async function tempModule(source: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tesser_module_" });
  const path = join(dir, "strategy.ts");
  await Deno.writeTextFile(path, source);
  return path;
}

Deno.test("backtest run --strategy-module runs the example user strategy on synthetic candles", async () => {
  const io = recordingIo();
  assert.equal(await main(runArgs(EXAMPLE), io), 0, io.err.join("\n"));
  const report = JSON.parse(io.out.join("\n")) as { strategy: string; bars: number; fills: number };
  assert.equal(report.strategy, "MomentumBurst");
  assert.equal(report.bars, 3000);
  assert.ok(report.fills > 0);
});

Deno.test("--strategy-module validates the TOML's params against the module's schema", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tesser_toml_" });
  const toml = join(dir, "bad.toml");
  await Deno.writeTextFile(
    toml,
    'strategy_name = "momentum_burst"\n[params]\nsymbol = "bybit:BTCUSDT"\nlookbak = 3\n',
  );
  const io = recordingIo();
  assert.equal(await main(runArgs(EXAMPLE, toml), io), 2);
  assert.match(io.err.join("\n"), /lookbak/);
  assert.match(io.err.join("\n"), /lookback/);
});

Deno.test("a missing strategy module is a ConfigError naming the file", async () => {
  const io = recordingIo();
  assert.equal(await main(runArgs("./no/such/strategy.ts"), io), 2);
  assert.match(
    io.err.join("\n"),
    /no\/such\/strategy\.ts.*cannot load the strategy module: file not found/,
  );
  await assert.rejects(() => loadStrategyModule("./no/such/strategy.ts"), { name: "ConfigError" });
});

Deno.test('a module without a "strategy" export is a ConfigError listing its exports', async () => {
  const path = await tempModule("export const strategies = 1;\nexport default {};\n");
  await assert.rejects(() => loadStrategyModule(path), {
    name: "ConfigError",
    message:
      /has no export named "strategy".*not the default one \(it exports: default, strategies\)/s,
  });
});

Deno.test('a "strategy" export that is not a definition is a ConfigError saying what is wrong', async () => {
  for (
    const [source, reason] of [
      ["export const strategy = 42;", /it is number/],
      ['export const strategy = { name: "X", description: "x", create() {} };', /params is not/],
      [
        'export const strategy = { name: "X", description: "x", params: { kind: "table", fields: {} } };',
        /no create\(params\) function/,
      ],
    ] as const
  ) {
    const path = await tempModule(source);
    await assert.rejects(() => loadStrategyModule(path), {
      name: "ConfigError",
      message: reason,
    });
  }
});

Deno.test("the loaded registry builds the module's strategy by name or alias, in any case", async () => {
  const registry = await loadStrategyModule(EXAMPLE);
  assert.deepEqual(registry.list().map((d) => d.name), ["MomentumBurst"]);
  const strategy = registry.create("MOMENTUM_BURST", { symbol: "bybit:BTCUSDT" });
  assert.equal(strategy.name, "MomentumBurst");
  assert.throws(() => registry.create("SmaCross", {}), {
    name: "ConfigError",
    message: /unknown strategy "SmaCross"/,
  });
});
