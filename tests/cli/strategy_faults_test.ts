// A user's strategy failing is the user's fault and is said so: which strategy, from which
// module, on what event and when, with what it threw — never "internal error".

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { moduleRunArgs } from "./_module_run_args.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const STRATEGIES = join(ROOT, "lib/strategies/mod.ts");
const SAMPLE = join(ROOT, "examples/data/btcusdt_1m_sample.parquet");
const TOML = join(ROOT, "examples/custom_strategy/my_strategy.toml");

function runArgs(module: string, ...extra: string[]): string[] {
  return moduleRunArgs(module, TOML, "--data", SAMPLE, ...extra);
}

/** A module whose MomentumBurst (the example TOML's params) runs `body` in its strategy. */
// Every module of this file goes in one temp folder, removed when the file's tests are done.
const DIR = await Deno.makeTempDir({ prefix: "tesser_fault_" });
globalThis.addEventListener("unload", () => Deno.removeSync(DIR, { recursive: true }));
let modules = 0;

async function faultyModule(body: string): Promise<string> {
  // A fresh file name each time: an imported module is cached by its URL.
  const path = join(DIR, `faulty_${++modules}.ts`);
  await Deno.writeTextFile(
    path,
    `import { defineStrategy, param } from ${JSON.stringify(STRATEGIES)};
const params = {
  symbol: param.symbol(),
  lookback: param.number({ default: 10 }),
  threshold_pct: param.number({ default: 0.5 }),
};
${body}
`,
  );
  return path;
}

async function run(module: string, ...extra: string[]) {
  const io = recordingIo();
  const code = await main(runArgs(module, ...extra), io);
  return { code, err: io.err.join("\n"), out: io.out.join("\n") };
}

/** A defineStrategy MomentumBurst counting its bars (`bar`), whose onCandle then runs `body`. */
const countingStrategy = (description: string, body: string): string =>
  `export const strategy = defineStrategy({
  name: "MomentumBurst",
  description: ${JSON.stringify(description)},
  params,
  state: { bars: 0 },
  subscriptions: (p) => [{ kind: "candles", symbol: p.symbol, interval: "1m" }],
  onCandle(candle, ctx) {
    const bar = ++ctx.state.bars;
    ${body}
  },
});`;

// The 200th bar of the sample (from 00:00) closes at 03:20.
const THROW_ON_BAR_200 = (thrown: string) =>
  `${countingStrategy("throws on its 200th bar", "if (bar === 200) explode();")}
function explode() {
  throw ${thrown};
}`;

Deno.test("a strategy that throws in a handler: one line naming it, its module, the event and the time (exit 1)", async () => {
  const module = await faultyModule(THROW_ON_BAR_200('new Error("window is empty")'));
  const { code, err } = await run(module);
  assert.equal(code, 1);
  assert.equal(
    err,
    `error: strategy MomentumBurst (${module}) threw on candle bybit:BTCUSDT 2024-01-01T03:20:00Z: window is empty`,
  );
});

Deno.test("a thrown non-Error value is reported the same way, saying what it was", async () => {
  const text = await faultyModule(THROW_ON_BAR_200('"plain text"'));
  assert.match(
    (await run(text)).err,
    /^error: strategy MomentumBurst \(.*faulty_\d+\.ts\) threw on candle bybit:BTCUSDT 2024-01-01T03:20:00Z: plain text$/,
  );
  const object = await faultyModule(THROW_ON_BAR_200("{ code: 7 }"));
  const { code, err } = await run(object);
  assert.equal(code, 1);
  assert.match(
    err,
    /threw on candle bybit:BTCUSDT 2024-01-01T03:20:00Z: \{"code":7\} \(an object, not an Error\)$/,
  );
  assert.doesNotMatch(err, /internal error/);
});

Deno.test("--verbose shows the strategy author's stack (their function and file)", async () => {
  const module = await faultyModule(THROW_ON_BAR_200('new Error("window is empty")'));
  const { code, err } = await run(module, "--verbose");
  assert.equal(code, 1);
  assert.match(err, /^error: strategy MomentumBurst .* window is empty\n/);
  assert.match(
    err,
    /caused by: Error: window is empty\n\s+at explode \(file:\/\/.*faulty_\d+\.ts:\d+:\d+\)/,
  );
});

Deno.test("a class strategy that throws in its constructor, or a create() that throws: the strategy's fault (exit 1)", async () => {
  const constructor = await faultyModule(`
class Broken {
  constructor() {
    throw new RangeError("lookback must be even");
  }
}
export const strategy = {
  name: "MomentumBurst",
  description: "cannot be built",
  params: { kind: "table", fields: params },
  create: () => new Broken(),
};`);
  const built = await run(constructor);
  assert.equal(built.code, 1);
  assert.equal(
    built.err,
    `error: strategy MomentumBurst (${constructor}) threw in create: lookback must be even`,
  );
  const create = await faultyModule(`
export const strategy = {
  name: "MomentumBurst",
  description: "cannot be built",
  params: { kind: "table", fields: params },
  create: () => { throw 42; },
};`);
  const created = await run(create);
  assert.equal(created.code, 1);
  assert.equal(
    created.err,
    `error: strategy MomentumBurst (${create}) threw in create: 42 (a number, not an Error)`,
  );
});

Deno.test("create() returning nothing, or subscriptions that are not a list: a config error naming the module (exit 2)", async () => {
  const nothing = await faultyModule(`
export const strategy = {
  name: "MomentumBurst",
  description: "returns nothing",
  params: { kind: "table", fields: params },
  create: () => {},
};`);
  const none = await run(nothing);
  assert.equal(none.code, 2);
  assert.match(
    none.err,
    new RegExp(
      `^error: ${nothing}: strategy MomentumBurst \\(${nothing}\\): create\\(\\) returned undefined, not a strategy \\(hint: create\\(params\\) must return`,
    ),
  );
  const notList = await faultyModule(`
export const strategy = {
  name: "MomentumBurst",
  description: "subscriptions is not a list",
  params: { kind: "table", fields: params },
  create: () => ({ name: "MomentumBurst", subscriptions: "candles", snapshot: () => null, restore: () => {} }),
};`);
  const list = await run(notList);
  assert.equal(list.code, 2);
  assert.match(
    list.err,
    /strategy MomentumBurst \(.*\): its subscriptions is "candles", not a list/,
  );
  const badKind = await faultyModule(`
export const strategy = defineStrategy({
  name: "MomentumBurst",
  description: "asks for candle, singular",
  params,
  subscriptions: (p) => [{ kind: "candle", symbol: p.symbol, interval: "1m" }],
});`);
  const kind = await run(badKind);
  assert.equal(kind.code, 2);
  assert.match(
    kind.err,
    /subscription \{"kind":"candle",.*\} is not one of candles, trades, quotes, book with a symbol/,
  );
});

Deno.test("malformed signals are refused, counted by rule in the report, and the run goes on", async () => {
  const module = await faultyModule(countingStrategy(
    "emits one bad signal of each kind, then a good one",
    `const symbol = ctx.params.symbol;
    if (bar === 10) ctx.signal({ symbol, kind: "enter_long", confidence: 1 });
    if (bar === 11) ctx.signal({ symbol, kind: "enter-long", confidence: 1, stopLoss: "banana" });
    if (bar === 12) ctx.signal({ symbol, kind: "enter-long", confidence: 1, quantity: NaN });
    if (bar === 13) ctx.signal({ symbol, kind: "enter-long", confidence: 1, quantity: -1 });
    if (bar === 14) ctx.signal({ symbol: "bybit:NOPEUSDT", kind: "enter-long", confidence: 1 });
    if (bar === 15) ctx.submitOrder({ symbol, side: "buy", type: "limit", quantity: 1, price: NaN });
    if (bar === 20) ctx.signal({ symbol, kind: "enter-long", confidence: 1 });`,
  ));
  const { code, out, err } = await run(module);
  assert.equal(code, 0, err);
  const report = JSON.parse(out) as {
    rejections: Record<string, number>;
    rejectedOrders: number;
    fills: number;
  };
  assert.deepEqual(report.rejections, { "malformed-order": 1, "malformed-signal": 5 });
  assert.equal(report.rejectedOrders, 6);
  assert.equal(report.fills, 1);
});
