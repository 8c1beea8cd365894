import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../../lib/domain/mod.ts";
import { type ConfigOverride, describeKey, loadConfig } from "../../../lib/config/loader.ts";
import { field } from "../../../lib/config/schema.ts";

const FIXTURES = new URL("../../testdata/config/", import.meta.url).pathname;

const SCHEMA = field.table({
  name: field.string({ required: true }),
  level: field.enum(["info", "debug"]),
  layers: field.table({
    a: field.number(),
    b: field.number(),
    c: field.number(),
    d: field.number(),
    e: field.number(),
  }),
  backtest: field.table({
    fee_bps: field.number(),
    seed: field.number({ integer: true, min: 0 }),
    verbose: field.boolean(),
    symbols: field.array(field.string()),
    balances: field.map(field.number({ min: 0 })),
  }),
});

/** Writes `files` (name → TOML text) into a temp dir, runs `fn`, and removes the dir. */
async function withConfigDir(
  files: Readonly<Record<string, string>>,
  fn: (dir: string) => void | Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tesser_config_" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), text);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const DEFAULT_TOML = `name = "base"
level = "info"

[layers]
a = 1
b = 1
c = 1
d = 1
e = 1

[backtest]
fee_bps = 1
seed = 1
verbose = false
symbols = ["bybit:BTCUSDT"]

[backtest.balances]
USDT = 100
`;

const PROD_TOML = `[layers]
b = 2
c = 2
d = 2
e = 2

[backtest.balances]
BTC = 1
`;

const LOCAL_TOML = `[layers]
c = 3
d = 3
e = 3
`;

function configError(message: string | RegExp): { name: string; message: string | RegExp } {
  return { name: "ConfigError", message };
}

Deno.test("loadConfig layers default → env → local → variables → overrides", async () => {
  await withConfigDir(
    { "default.toml": DEFAULT_TOML, "prod.toml": PROD_TOML, "local.toml": LOCAL_TOML },
    (dir) => {
      const { config, files } = loadConfig({
        schema: SCHEMA,
        configDir: dir,
        env: "prod",
        environment: { TESSER_LAYERS__D: "4", TESSER_LAYERS__E: "4", PATH: "/usr/bin" },
        overrides: [{ key: "layers.e", value: 5, flag: "--e" }],
      });
      assert.deepEqual(config.layers, { a: 1, b: 2, c: 3, d: 4, e: 5 });
      assert.deepEqual(files, [
        join(dir, "default.toml"),
        join(dir, "prod.toml"),
        join(dir, "local.toml"),
      ]);
    },
  );
});

Deno.test("loadConfig merges tables key by key across layers", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML, "prod.toml": PROD_TOML }, (dir) => {
    const { config } = loadConfig({
      schema: SCHEMA,
      configDir: dir,
      env: "prod",
      environment: { TESSER_BACKTEST__SEED: "7" },
    });
    assert.deepEqual(config, {
      name: "base",
      level: "info",
      layers: { a: 1, b: 2, c: 2, d: 2, e: 2 },
      backtest: {
        fee_bps: 1,
        seed: 7,
        verbose: false,
        symbols: ["bybit:BTCUSDT"],
        balances: { USDT: 100, BTC: 1 },
      },
    });
  });
});

Deno.test("loadConfig reads only default.toml without an env, and local.toml is optional", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML, "prod.toml": PROD_TOML }, (dir) => {
    const { config, files } = loadConfig({ schema: SCHEMA, configDir: dir });
    assert.deepEqual(files, [join(dir, "default.toml")]);
    assert.deepEqual(config.layers, { a: 1, b: 1, c: 1, d: 1, e: 1 });
  });
});

Deno.test("loadConfig coerces environment variables to the schema's types", async () => {
  await withConfigDir({ "default.toml": 'name = "x"\n' }, (dir) => {
    const { config } = loadConfig({
      schema: SCHEMA,
      configDir: dir,
      environment: {
        TESSER_NAME: "from env",
        TESSER_LEVEL: "debug",
        TESSER_BACKTEST__FEE_BPS: "2.5",
        TESSER_BACKTEST__VERBOSE: "1",
        TESSER_BACKTEST__SYMBOLS: "bybit:BTCUSDT, bybit:ETHUSDT",
        TESSER_BACKTEST__BALANCES__usdt: "5",
      },
    });
    assert.deepEqual(config, {
      name: "from env",
      level: "debug",
      backtest: {
        fee_bps: 2.5,
        verbose: true,
        symbols: ["bybit:BTCUSDT", "bybit:ETHUSDT"],
        balances: { usdt: 5 },
      },
    });
  });
});

Deno.test("loadConfig rejects an unknown key in a file naming key, file, line and valid keys", () => {
  const file = join(FIXTURES, "unknown_key", "default.toml");
  assert.throws(
    () => loadConfig({ schema: SCHEMA, configDir: join(FIXTURES, "unknown_key") }),
    configError(
      `${file}:6: backtest.fee_bsp: unknown key (hint: valid keys in [backtest]: fee_bps, seed, verbose, symbols, balances)`,
    ),
  );
});

Deno.test("loadConfig rejects an unknown top-level key in a higher layer naming that file", async () => {
  await withConfigDir(
    { "default.toml": 'name = "x"\n', "local.toml": 'name = "y"\n\ncolour = "red"\n' },
    (dir) => {
      assert.throws(
        () => loadConfig({ schema: SCHEMA, configDir: dir }),
        configError(
          `${
            join(dir, "local.toml")
          }:3: colour: unknown key (hint: valid keys: name, level, layers, backtest)`,
        ),
      );
    },
  );
});

Deno.test("loadConfig rejects a wrong type in a file naming the file and line", () => {
  const file = join(FIXTURES, "wrong_type", "default.toml");
  assert.throws(
    () => loadConfig({ schema: SCHEMA, configDir: join(FIXTURES, "wrong_type") }),
    configError(`${file}:4: backtest.seed: expected an integer, got "forty-two"`),
  );
});

Deno.test("loadConfig rejects a value out of bounds in a file", async () => {
  await withConfigDir({ "default.toml": 'name = "x"\n[backtest]\nseed = -1\n' }, (dir) => {
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir }),
      configError(`${join(dir, "default.toml")}:3: backtest.seed: must be at least 0, got -1`),
    );
  });
});

Deno.test("loadConfig reports a TOML syntax error with file:line:column", () => {
  const file = join(FIXTURES, "bad_syntax", "default.toml");
  assert.throws(
    () => loadConfig({ schema: SCHEMA, configDir: join(FIXTURES, "bad_syntax") }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, `${file}:4:9: invalid TOML: invalid value`);
      assert.deepEqual(error.location, { file, line: 4, column: 9 });
      assert.ok(error.cause instanceof Error, "the parser's error is kept as the cause");
      return true;
    },
  );
});

Deno.test("loadConfig rejects an unknown TESSER_ variable naming it and the valid keys", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    assert.throws(
      () =>
        loadConfig({ schema: SCHEMA, configDir: dir, environment: { TESSER_BACKTEST__FEES: "1" } }),
      configError(
        "environment variable TESSER_BACKTEST__FEES: unknown key backtest.fees (hint: valid keys in [backtest]: fee_bps, seed, verbose, symbols, balances)",
      ),
    );
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir, environment: { TESSER_COLOUR: "red" } }),
      configError(
        "environment variable TESSER_COLOUR: unknown key colour (hint: valid keys: name, level, layers, backtest)",
      ),
    );
  });
});

Deno.test("loadConfig rejects a wrong type in an environment variable naming it", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    const load = (environment: Record<string, string>) => () =>
      loadConfig({ schema: SCHEMA, configDir: dir, environment });
    assert.throws(
      load({ TESSER_BACKTEST__SEED: "1.5" }),
      configError(
        "environment variable TESSER_BACKTEST__SEED (backtest.seed): expected an integer, got 1.5",
      ),
    );
    assert.throws(
      load({ TESSER_BACKTEST__VERBOSE: "yes" }),
      configError(
        'environment variable TESSER_BACKTEST__VERBOSE (backtest.verbose): expected true or false, got "yes"',
      ),
    );
    assert.throws(
      load({ TESSER_LEVEL: "loud" }),
      configError(
        'environment variable TESSER_LEVEL (level): expected one of "info", "debug", got "loud"',
      ),
    );
    assert.throws(
      load({ TESSER_BACKTEST: "x" }),
      configError(/TESSER_BACKTEST \(backtest\): expected a table/),
    );
  });
});

Deno.test({
  // BUG: a number variable that does not parse is coerced to NaN, which JSON.stringify prints as
  // null, so the user who typed "abc" reads "got null". Fix in lib/config/loader.ts coerce():
  // for "number", return the original text when Number(text) is not finite, so validation says
  // `expected an integer, got "abc"`.
  ignore: false,
  name: "loadConfig shows the text of a number variable that does not parse",
  async fn() {
    await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
      assert.throws(
        () =>
          loadConfig({
            schema: SCHEMA,
            configDir: dir,
            environment: { TESSER_BACKTEST__SEED: "abc" },
          }),
        configError(
          'environment variable TESSER_BACKTEST__SEED (backtest.seed): expected an integer, got "abc"',
        ),
      );
    });
  },
});

Deno.test({
  // BUG: the whole variable name is lower-cased, map keys included, so
  // TESSER_BACKTEST__BALANCES__USDT adds a second key "usdt" instead of overriding "USDT".
  // Fix in lib/config/loader.ts envLayers(): lower-case only the segments that name table
  // fields; for a map entry, use the existing key that matches case-insensitively (from the
  // merged file layers) or keep the variable's own case.
  ignore: false,
  name: "an environment variable overrides an upper-case map key",
  async fn() {
    await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
      const { config } = loadConfig({
        schema: SCHEMA,
        configDir: dir,
        environment: { TESSER_BACKTEST__BALANCES__USDT: "5" },
      });
      // Read through unknown: Infer<> of a map nested in a table trips TS2589 (see report).
      const backtest: unknown = config.backtest;
      assert.deepEqual((backtest as { balances: unknown }).balances, { USDT: 5 });
    });
  },
});

Deno.test("loadConfig rejects a wrong type in an override naming the flag", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    const load = (override: ConfigOverride) => () =>
      loadConfig({ schema: SCHEMA, configDir: dir, overrides: [override] });
    assert.throws(
      load({ key: "backtest.fee_bps", value: "5", flag: "--fee-bps" }),
      configError('flag --fee-bps: expected a number, got "5"'),
    );
    assert.throws(
      load({ key: "backtest.seed", value: -3, flag: "--seed" }),
      configError("flag --seed: must be at least 0, got -3"),
    );
  });
});

Deno.test("an override of a key the schema lacks is a programming error", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    assert.throws(
      () =>
        loadConfig({
          schema: SCHEMA,
          configDir: dir,
          overrides: [{ key: "backtest.nope", value: 1, flag: "--nope" }],
        }),
      { name: "TypeError", message: "Override --nope targets unknown key backtest.nope" },
    );
  });
});

Deno.test("loadConfig rejects a missing env profile naming its path", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir, env: "prod" }),
      configError(
        `${
          join(dir, "prod.toml")
        }: config file not found (hint: create it, or choose another --env)`,
      ),
    );
  });
});

Deno.test("loadConfig rejects an env name that is not a profile name", async () => {
  await withConfigDir({ "default.toml": DEFAULT_TOML }, (dir) => {
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir, env: "../secrets" }),
      configError('--env "../secrets" must be a profile name such as prod or testnet'),
    );
  });
});

Deno.test("loadConfig rejects a folder without default.toml", async () => {
  await withConfigDir({ "local.toml": 'name = "x"\n' }, (dir) => {
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir }),
      configError(
        `${
          join(dir, "default.toml")
        }: config file not found (hint: pass --config-dir with the folder that holds default.toml)`,
      ),
    );
  });
});

Deno.test("loadConfig rejects a missing required key naming where to set it", async () => {
  await withConfigDir({ "default.toml": 'level = "info"\n' }, (dir) => {
    assert.throws(
      () => loadConfig({ schema: SCHEMA, configDir: dir }),
      configError("missing required key name (hint: set it in config/default.toml or TESSER_NAME)"),
    );
    // Any layer may provide it.
    const { config } = loadConfig({
      schema: SCHEMA,
      configDir: dir,
      environment: { TESSER_NAME: "n" },
    });
    assert.equal(config.name, "n");
  });
});

Deno.test("loadConfig names a nested required key with its variable", async () => {
  const schema = field.table({
    backtest: field.table({ currency: field.string({ required: true }) }, { required: true }),
  });
  await withConfigDir({ "default.toml": "[backtest]\n" }, (dir) => {
    assert.throws(
      () => loadConfig({ schema, configDir: dir }),
      configError(
        "missing required key backtest.currency (hint: set it in config/default.toml or TESSER_BACKTEST__CURRENCY)",
      ),
    );
  });
  await withConfigDir({ "default.toml": "" }, (dir) => {
    assert.throws(
      () => loadConfig({ schema, configDir: dir }),
      configError(/missing required key backtest /),
    );
  });
});

Deno.test({
  // BUG: loadConfig never applies the schema's defaults, yet Infer<> types a key with a default
  // as always present, so `config.level` is typed string but is undefined at run time.
  // Fix in lib/config/loader.ts loadConfig(): `merged = applyDefaults(schema, merged)` before
  // checkRequired.
  ignore: false,
  name: "loadConfig fills in schema defaults for keys no layer sets",
  async fn() {
    const schema = field.table({ level: field.enum(["info", "debug"], { default: "info" }) });
    await withConfigDir({ "default.toml": "" }, (dir) => {
      const { config } = loadConfig({ schema, configDir: dir });
      assert.equal(config.level, "info");
    });
  },
});

Deno.test("describeKey describes the type at a dotted key", () => {
  assert.equal(describeKey(SCHEMA, "backtest.seed"), "an integer");
  assert.equal(describeKey(SCHEMA, "backtest.symbols"), "an array of strings");
  assert.equal(describeKey(SCHEMA, "backtest.balances.USDT"), "a number");
  assert.equal(describeKey(SCHEMA, "level"), 'one of "info", "debug"');
  assert.equal(describeKey(SCHEMA, "backtest.nope"), undefined);
});

Deno.test("loadConfig says which layer set each value: file and table, variable, or flag", async () => {
  await withConfigDir(
    { "default.toml": DEFAULT_TOML, "prod.toml": PROD_TOML, "local.toml": LOCAL_TOML },
    (dir) => {
      const { sources } = loadConfig({
        schema: SCHEMA,
        configDir: dir,
        env: "prod",
        environment: { TESSER_LAYERS__D: "4", TESSER_LAYERS__E: "4" },
        overrides: [{ key: "layers.e", value: 5, flag: "--e" }],
      });
      assert.equal(sources["layers.a"], `${join(dir, "default.toml")} [layers] a = 1`);
      assert.equal(sources["layers.b"], `${join(dir, "prod.toml")} [layers] b = 2`);
      assert.equal(sources["layers.c"], `${join(dir, "local.toml")} [layers] c = 3`);
      assert.equal(sources["layers.d"], "environment TESSER_LAYERS__D=4");
      assert.equal(sources["layers.e"], "--e 5");
    },
  );
});
