import assert from "node:assert/strict";
import { findKeyLine, parseToml } from "../../../lib/config/toml.ts";

Deno.test("parseToml returns plain data with dates as ISO strings and integers as numbers", () => {
  const data = parseToml(
    'a = 1\nb = "x"\nwhen = 2024-01-02T03:04:05Z\n[t]\nlist = [1, 2.5]\n',
    "f.toml",
  );
  assert.deepEqual(data, {
    a: 1,
    b: "x",
    when: "2024-01-02T03:04:05.000Z",
    t: { list: [1, 2.5] },
  });
});

Deno.test("parseToml reports a syntax error as a ConfigError at file:line:column", () => {
  assert.throws(
    () => parseToml('a = 1\nb = "unterminated\n', "conf/x.toml"),
    { name: "ConfigError", message: /^conf\/x\.toml:2:\d+: invalid TOML: / },
  );
  assert.throws(
    () => parseToml("a = 1\na = 2\n", "dup.toml"),
    { name: "ConfigError", message: /^dup\.toml:2:\d+: invalid TOML: / },
  );
});

const TEXT = `top = 1
dotted.key = 2

[backtest]
fee_bps = 1
"quoted" = 2

[backtest.balances]
USDT = 3

[[exchange]]
name = "x"

[[exchange]]
name = "y"
`;

Deno.test("findKeyLine finds top-level, table, nested-table and quoted keys", () => {
  assert.equal(findKeyLine(TEXT, ["top"]), 1);
  assert.equal(findKeyLine(TEXT, ["dotted", "key"]), 2);
  assert.equal(findKeyLine(TEXT, ["backtest"]), 4);
  assert.equal(findKeyLine(TEXT, ["backtest", "fee_bps"]), 5);
  assert.equal(findKeyLine(TEXT, ["backtest", "quoted"]), 6);
  assert.equal(findKeyLine(TEXT, ["backtest", "balances"]), 8);
  assert.equal(findKeyLine(TEXT, ["backtest", "balances", "USDT"]), 9);
  // Arrays of tables are addressed by index, like validation paths.
  assert.equal(findKeyLine(TEXT, ["exchange", "0", "name"]), 12);
  assert.equal(findKeyLine(TEXT, ["exchange", "1", "name"]), 15);
});

Deno.test("findKeyLine returns undefined for a key that is not set", () => {
  assert.equal(findKeyLine(TEXT, ["backtest", "seed"]), undefined);
  assert.equal(findKeyLine(TEXT, ["USDT"]), undefined);
});
