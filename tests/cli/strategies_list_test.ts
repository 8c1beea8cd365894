import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { strategiesCommand } from "../../cli/strategies.ts";

interface Listed {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly params: readonly {
    readonly name: string;
    readonly type: string;
    readonly default: unknown;
    readonly required: boolean;
    readonly description: string;
  }[];
}

function listJson(): Listed[] {
  const io = recordingIo();
  assert.equal(strategiesCommand(["--json"], io), 0);
  return JSON.parse(io.out.join("\n")) as Listed[];
}

Deno.test("strategies --json lists the built-in suite with aliases", () => {
  const list = listJson();
  const byName = new Map(list.map((s) => [s.name, s]));
  for (
    const [name, alias] of [
      ["SmaCross", "sma_cross"],
      ["RsiReversion", "rsi_reversion"],
      ["BollingerBreakout", "bollinger_breakout"],
      ["PairsTradingArbitrage", "pairs_trading"],
      ["CrossExchangeArb", "cross_exchange_arb"],
      ["VolatilitySkew", "volatility_skew"],
      ["Breakout", "donchian_breakout"],
      ["MeanReversionZScore", "mean_reversion_zscore"],
    ]
  ) {
    assert.ok(byName.get(name)?.aliases.includes(alias), `${name} (${alias})`);
  }
});

Deno.test("strategies --json gives each param's type, default, requiredness and description", () => {
  const pairs = listJson().find((s) => s.name === "PairsTradingArbitrage");
  assert.ok(pairs !== undefined);
  const params = new Map(pairs.params.map((p) => [p.name, p]));
  assert.deepEqual(
    [...params.keys()],
    ["symbols", "interval", "lookback", "entry_z", "exit_z", "notional"],
  );
  // JSON has no undefined: a param without a default has no "default" key.
  assert.deepEqual(
    { ...params.get("symbols"), description: "" },
    { name: "symbols", type: "array of strings", required: true, description: "" },
  );
  assert.equal(params.get("lookback")?.type, "integer");
  assert.equal(params.get("lookback")?.default, 300);
  assert.equal(params.get("entry_z")?.type, "number");
  assert.equal(params.get("entry_z")?.default, 2);
  assert.match(params.get("exit_z")?.description ?? "", /close both legs/);
});

Deno.test("strategies prints each strategy with its params, types and defaults", () => {
  const io = recordingIo();
  assert.equal(strategiesCommand([], io), 0);
  const start = io.out.findIndex((line) => line.startsWith("RsiReversion "));
  assert.match(
    io.out[start] ?? "",
    /^RsiReversion \(aliases: rsi_reversion, rsi-reversion\) — RSI/,
  );
  const block = io.out.slice(start + 1, start + 8);
  assert.deepEqual(block.map((line) => line.split(":")[0]?.trim()), [
    "symbol",
    "interval",
    "period",
    "oversold",
    "overbought",
    "lookback",
    "allow_short",
  ]);
  assert.match(block[0] ?? "", /^ {2}symbol: string, required — /);
  assert.match(block[2] ?? "", /^ {2}period: integer, default 14 — RSI length/);
  assert.match(block[6] ?? "", /^ {2}allow_short: true or false, default false/);
});
