import assert from "node:assert/strict";
import { formatError } from "../../cli/main.ts";
import { tesser, withTemp } from "./_cli_run.ts";

const RUN = ["backtest", "run", "--strategy-config", "examples/strategies/sma_cross.toml"];

// A config folder: the project's default.toml, and `local` as config/local.toml.
async function configWith(dir: string, local: string): Promise<string> {
  await Deno.mkdir(`${dir}/config`);
  await Deno.copyFile("config/default.toml", `${dir}/config/default.toml`);
  await Deno.writeTextFile(`${dir}/config/local.toml`, local);
  return `${dir}/config`;
}

Deno.test("a secret of the wrong type is reported without its value", async () => {
  await withTemp(async (dir) => {
    const config = await configWith(
      dir,
      '[exchange.bybit_testnet]\napi_key = "KEY-1234-abcd"\napi_secret = 9876543210\n',
    );
    const run = await tesser("--config-dir", config, ...RUN, "--rows", "100");
    assert.equal(run.code, 2, run.text);
    assert.match(
      run.text,
      /local\.toml:3: exchange\.bybit_testnet\.api_secret: expected a string, got a number \(value hidden: the key holds a secret\)/,
    );
    assert.doesNotMatch(run.text, /9876543210|KEY-1234-abcd/);
    const verbose = await tesser("--verbose", "--config-dir", config, ...RUN, "--rows", "100");
    assert.doesNotMatch(verbose.text, /9876543210|KEY-1234-abcd/);
  });
});

Deno.test("a TOML syntax error next to secrets never prints them, even with --verbose", async () => {
  await withTemp(async (dir) => {
    const config = await configWith(
      dir,
      [
        "[exchange.bybit_testnet]",
        'api_key = "KEY-1234-abcd"',
        'api_secret = "s3cr3t-VALUE"',
        'passphrase = "open-sesame"',
        "[live.alerting]",
        'webhook_url = "https://hooks.example/T000/B000/XXXX"',
        "max_data_gap_secs = ", // the syntax error
        "",
      ].join("\n"),
    );
    for (const extra of [[], ["--verbose"]]) {
      const run = await tesser(...extra, "--config-dir", config, ...RUN, "--rows", "100");
      assert.equal(run.code, 2, run.text);
      assert.match(run.text, /local\.toml:7:\d+: invalid TOML/);
      assert.doesNotMatch(run.text, /KEY-1234-abcd|s3cr3t-VALUE|open-sesame|hooks\.example/);
      if (extra.length > 0) {
        // The code frame is still there, with the values replaced.
        assert.match(run.text, /webhook_url = <redacted>/);
        assert.match(run.text, /max_data_gap_secs =/);
      }
    }
  });
});

Deno.test("the --verbose pointer is printed only when --verbose is off", () => {
  const bug = new TypeError("x is undefined");
  assert.equal(
    formatError(bug, false),
    "error: internal error: x is undefined (run with --verbose for the stack trace)",
  );
  const verbose = formatError(bug, true);
  assert.match(verbose, /^error: internal error: x is undefined\nTypeError: x is undefined/);
  assert.doesNotMatch(verbose, /run with --verbose/);
});
