import assert from "node:assert/strict";

// Every command the README shows must run as shown. This test runs each `deno …` line of its
// `sh` blocks from the repository root, except the ones that are the suite itself or need more
// than an offline test run allows (listed, with the reason).
const SKIPPED: Readonly<Record<string, string>> = {
  "deno task test": "this suite itself",
  "deno task check": "run by .ci/run next to the tests",
  "deno run -A cli/main.ts data download --exchange bybit_testnet --symbol bybit:BTCUSDT --interval 1h --from 2024-01-01 --to 2024-01-08 --output data/":
    "reaches Bybit's API (tests are offline); tests/cli/data_download_test.ts runs the same command against a 127.0.0.1 double",
  "deno run -A cli/main.ts data record --exchange bybit_mainnet --symbol BTCUSDT --channels book,trades,quotes --output btcusdt.gz --duration 10m":
    "streams from Bybit for 10 minutes (tests are offline); tests/connectors/recording/data_record_test.ts records the same way from connectors/simulator",
};

const root = new URL("..", import.meta.url).pathname;
const readme = await Deno.readTextFile(`${root}/README.md`);
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((block) => block[1].split("\n"))
  .map((line) => line.trim())
  .filter((line) => line.startsWith("deno "));

Deno.test("the README shows the two quickstart commands", () => {
  assert.ok(commands.includes("deno task backtest"));
  assert.ok(commands.includes("deno task test"));
});

for (const command of commands) {
  Deno.test({
    name: `README command runs: ${command}`,
    ignore: command in SKIPPED,
    async fn() {
      const [program, ...args] = command.split(/\s+/);
      assert.equal(program, "deno");
      const output = await new Deno.Command(Deno.execPath(), {
        args,
        cwd: root,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const stderr = new TextDecoder().decode(output.stderr);
      assert.equal(output.code, 0, `${command} failed:\n${stderr}`);
    },
  });
}

Deno.test("the README shows what deno task backtest really prints", async () => {
  const shown = /prints:\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(shown !== undefined, "README lost the sample output block");
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "backtest"],
    cwd: root,
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(new TextDecoder().decode(output.stdout), shown);
});
