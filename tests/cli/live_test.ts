/**
 * `tesser live run`: the refusals a user can cause, each with a message that says what and
 * how to fix it, and bounded paper runs on the default sandbox.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";

const SMA = "examples/strategies/sma_cross.toml";

async function tempLog(): Promise<string> {
  return join(await Deno.makeTempDir({ prefix: "tesser-live-" }), "live.json");
}

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  const dir = await Deno.makeTempDir({ prefix: "tesser-live-state-" });
  // Each run its own state file and a free metrics port, so runs never share a lock or a port.
  const own = ["--state-path", join(dir, "state.db"), "--metrics-addr", "127.0.0.1:0"];
  const code = await main(["live", "run", "--strategy-config", SMA, ...own, ...args], io);
  return { code, out: io.out.join("\n"), err: io.err.join("\n") };
}

Deno.test("live run: --exec live on a mainnet profile needs --confirm-mainnet", async () => {
  const { code, err } = await run(["--exchange", "bybit_mainnet", "--exec", "live"]);
  assert.equal(code, 2);
  assert.match(
    err,
    /profile bybit_mainnet is a mainnet profile: --exec live would trade real money/,
  );
  assert.match(err, /--confirm-mainnet/);
  assert.match(err, /live\.confirm_mainnet/);
});

Deno.test("live run: --exec live without keys names the missing keys and where to set them", async () => {
  const { code, err } = await run([
    "--exchange",
    "bybit_mainnet",
    "--exec",
    "live",
    "--confirm-mainnet",
  ]);
  assert.equal(code, 2);
  assert.match(err, /--exec live on bybit_mainnet needs keys: api_key and api_secret not set/);
  assert.match(err, /TESSER_EXCHANGE__BYBIT_MAINNET__API_KEY/);
  assert.match(err, /TESSER_EXCHANGE__BYBIT_MAINNET__API_SECRET/);
});

Deno.test("live run: a testnet profile needs no confirmation, only keys", async () => {
  const { code, err } = await run(["--exchange", "bybit_testnet", "--exec", "live"]);
  assert.equal(code, 2);
  assert.doesNotMatch(err, /mainnet/);
  assert.match(err, /bybit_testnet needs keys/);
});

Deno.test("live run: --exec live on the paper sandbox says it needs an exchange profile", async () => {
  const { code, err } = await run(["--exec", "live"]);
  assert.equal(code, 2);
  assert.match(err, /profile paper_sandbox is a paper venue: --exec live needs an exchange/);
  assert.match(err, /--exchange bybit_testnet/);
});

Deno.test("live run: an unknown profile lists the known ones", async () => {
  const { code, err } = await run(["--exchange", "nope"]);
  assert.equal(code, 2);
  assert.match(err, /unknown exchange profile "nope"/);
  assert.match(err, /paper_sandbox/);
});

Deno.test("live run: the binance driver is refused with the reason until its connector exists", async () => {
  const { code, err } = await run(["--exchange", "binance_testnet", "--log-path", await tempLog()]);
  assert.equal(code, 2);
  assert.match(err, /driver "binance" cannot run live yet/);
});

Deno.test("live run: bad flag values name the flag", async () => {
  const cases: readonly [readonly string[], RegExp][] = [
    [["--exec", "real"], /flag --exec: "real" is not one of paper, live/],
    [["--category", "inverse"], /flag --category: "inverse" is not supported/],
    [["--interval", "7m"], /flag --interval: "7m" is not an interval/],
    [["--duration", "soon"], /flag --duration: "soon" is not a duration/],
    [["--risk-max-drawdown", "0"], /drawdown limit of 0/],
    [["--persistence", "redis"], /flag --persistence: "redis" is not one of sqlite, lmdb/],
  ];
  for (const [args, expected] of cases) {
    const { code, err } = await run(args);
    assert.equal(code, 2, args.join(" "));
    assert.match(err, expected);
  }
});

Deno.test("live run: without --strategy-config it says so", async () => {
  const io = recordingIo();
  assert.equal(await main(["live", "run"], io), 2);
  assert.match(io.err.join("\n"), /--strategy-config FILE is required/);
});

Deno.test("live run: a bounded paper run on the sandbox prints its summary and logs JSON lines", async () => {
  const logPath = await tempLog();
  const { code, out, err } = await run([
    "--max-events",
    "3",
    "--log-path",
    logPath,
    "--json",
  ]);
  assert.equal(code, 0, err);
  const summary = JSON.parse(out);
  assert.equal(summary.ended, "bound");
  assert.equal(summary.feed.trades, 3);
  assert.equal(summary.equity, 10_000);
  const lines = (await Deno.readTextFile(logPath)).trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(lines.length >= 2);
  for (const line of lines) {
    assert.equal(line.strategy, "SmaCross");
    assert.ok(typeof line.time === "string" && typeof line.component === "string");
  }
  assert.match(
    lines[0].message,
    /live session started: SmaCross on bybit:BTCUSDT \(paper execution\)/,
  );
  assert.match(err, /profile paper_sandbox, paper execution/);
});
