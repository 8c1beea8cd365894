import assert from "node:assert/strict";
import { exitCodeFor, formatError, main, VERSION } from "../../cli/main.ts";
import { type CommandIo, recordingIo } from "../../cli/io.ts";
import { ConfigError, DataError, ExchangeError } from "../../lib/domain/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** An io whose stdout fails like a bug would: the error is not a domain error. */
function brokenIo(): CommandIo & { readonly err: string[] } {
  const io = recordingIo();
  return {
    ...io,
    stdout: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'write')");
    },
  };
}

Deno.test("--version prints the package version and exits 0", async () => {
  for (const flag of ["--version", "-V"]) {
    const io = recordingIo();
    assert.equal(await main([flag], io), 0);
    assert.deepEqual(io.out, ["tesser 0.1.0"]);
    assert.deepEqual(io.err, []);
  }
  assert.equal(VERSION, "0.1.0");
});

Deno.test("--help prints the usage on stdout and exits 0", async () => {
  for (const flag of ["--help", "-h"]) {
    const io = recordingIo();
    assert.equal(await main([flag], io), 0);
    assert.equal(io.out.length, 1);
    assert.match(io.out[0], /^tesser 0\.1\.0 — /);
    assert.match(io.out[0], /Usage: tesser \[--env NAME\]/);
    assert.match(io.out[0], /^\s+strategies\s+list the built-in strategies/m);
    assert.deepEqual(io.err, []);
  }
});

Deno.test("no command prints the usage on stderr and exits 2", async () => {
  const io = recordingIo();
  assert.equal(await main([], io), 2);
  assert.deepEqual(io.out, []);
  assert.equal(io.err.length, 1);
  assert.match(io.err[0], /Usage: tesser/);
});

Deno.test("an unknown command exits 2 with one line naming the valid commands", async () => {
  const io = recordingIo();
  assert.equal(await main(["bakctest"], io), 2);
  assert.deepEqual(io.out, []);
  assert.equal(io.err.length, 1);
  // Other commands join the list as they are written; strategies is always one of them.
  assert.match(
    io.err[0],
    /^error: unknown command "bakctest" \(hint: commands: ([a-z-]+, )*strategies(, [a-z-]+)*\)$/,
  );
});

Deno.test("an unknown global flag exits 2", async () => {
  const io = recordingIo();
  assert.equal(await main(["--bogus", "strategies"], io), 2);
  assert.deepEqual(io.err, ['error: unknown global flag --bogus (hint: run "tesser --help")']);
});

Deno.test("a global flag without its value exits 2", async () => {
  const io = recordingIo();
  assert.equal(await main(["--env"], io), 2);
  assert.deepEqual(io.err, ['error: flag --env needs a value (hint: run "tesser --help")']);
  const io2 = recordingIo();
  assert.equal(await main(["--config-dir", "--verbose", "strategies"], io2), 2);
  assert.match(io2.err[0], /^error: flag --config-dir needs a value/);
});

Deno.test("an unknown command flag exits 2 naming the command and the flag", async () => {
  const io = recordingIo();
  assert.equal(await main(["strategies", "--jsn"], io), 2);
  assert.equal(io.err.length, 1);
  assert.match(
    io.err[0],
    /^error: strategies: Unknown option '--jsn' \(hint: run "tesser strategies --help"\)$/,
  );
});

Deno.test("strategies --json prints valid JSON describing each strategy", async () => {
  const io = recordingIo();
  assert.equal(await main(["strategies", "--json"], io), 0);
  assert.equal(io.out.length, 1);
  const list: unknown = JSON.parse(io.out[0]);
  assert.ok(Array.isArray(list));
  for (const entry of list) {
    assert.deepEqual(Object.keys(entry), ["name", "aliases", "description", "params"]);
  }
  assert.deepEqual(io.err, []);
});

Deno.test("--help after a command shows that command's help", async () => {
  const io = recordingIo();
  assert.equal(await main(["--help", "strategies"], io), 0);
  assert.match(io.out[0], /^Usage: tesser strategies \[--json\]/);
});

Deno.test("an internal error prints one line without a stack and exits 1", async () => {
  const io = brokenIo();
  assert.equal(await main(["--version"], io), 1);
  assert.deepEqual(io.err, [
    "error: internal error: Cannot read properties of undefined (reading 'write') (run with --verbose for the stack trace)",
  ]);
});

Deno.test("an internal error with --verbose includes the stack", async () => {
  const io = brokenIo();
  assert.equal(await main(["--verbose", "--version"], io), 1);
  assert.equal(io.err.length, 1);
  const [first, ...rest] = io.err[0].split("\n");
  assert.match(first, /^error: internal error: Cannot read properties/);
  assert.match(rest.join("\n"), /TypeError: Cannot read properties[\s\S]*\n\s+at /);
});

Deno.test("exitCodeFor gives 2 for config errors and 1 for everything else", () => {
  assert.equal(exitCodeFor(new ConfigError("x")), 2);
  assert.equal(exitCodeFor(new DataError("x")), 1);
  assert.equal(exitCodeFor(new ExchangeError("network", "x", { venue: "bybit" })), 1);
  assert.equal(exitCodeFor(new TypeError("x")), 1);
  assert.equal(exitCodeFor("a string"), 1);
});

Deno.test("formatError prints domain errors as they are and others as internal", () => {
  assert.equal(
    formatError(new ConfigError("bad", { location: { file: "a.toml", line: 1 } }), false),
    "error: a.toml:1: bad",
  );
  assert.equal(formatError(new DataError("bad row"), false), "error: bad row");
  assert.equal(
    formatError(new ExchangeError("timeout", "no answer", { venue: "bybit" }), false),
    "error: bybit timeout: no answer",
  );
  assert.equal(
    formatError(new RangeError("oops"), false),
    "error: internal error: oops (run with --verbose for the stack trace)",
  );
  assert.equal(
    formatError("thrown text", true),
    // --verbose is on: no pointer to it (a thrown string has no stack to add).
    "error: internal error: thrown text",
  );
});

Deno.test("formatError with verbose adds the stack and the chain of causes", () => {
  const root = new SyntaxError("root cause");
  const middle = new Error("middle", { cause: root });
  const text = formatError(new DataError("cannot read file", { cause: middle }), true);
  const lines = text.split("\n");
  assert.equal(lines[0], "error: cannot read file");
  assert.equal(lines[1], "DataError: cannot read file");
  assert.match(text, /\ncaused by: Error: middle\n\s+at /);
  assert.match(text, /\ncaused by: SyntaxError: root cause\n\s+at /);
  assert.ok(text.indexOf("middle") < text.indexOf("root cause"));
});

Deno.test("the CLI runs as a subprocess: --version on stdout, exit 0", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "cli/main.ts", "--version"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.equal(new TextDecoder().decode(output.stdout), "tesser 0.1.0\n");
});

Deno.test("--verbose after the command is taken like before it", async () => {
  const io = recordingIo();
  assert.equal(
    await main(["backtest", "run", "--strategy-config", "nope.toml", "--verbose"], io),
    2,
  );
  assert.match(io.err.join("\n"), /^error: nope\.toml: cannot read the strategy config/);
  assert.match(io.err.join("\n"), /at readConfigFile/);
});
