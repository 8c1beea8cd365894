/**
 * Shutdown of `tesser live run` as a real process: SIGTERM (and SIGINT) mid-run stops new
 * orders, flushes and exits 0 well within 10 s; a second signal exits at once. Each test starts
 * `deno run cli/main.ts live run` on the paper sandbox and kills it itself.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Child {
  readonly process: Deno.ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  readonly logPath: string;
  readonly statePath: string;
  readonly waitFor: (pattern: RegExp, ms: number) => Promise<void>;
}

const SMA = ["--strategy-config", join(ROOT, "examples/strategies/sma_cross.toml")];

async function startLive(
  strategy: readonly string[],
  extra: readonly string[] = [],
): Promise<Child> {
  const dir = await Deno.makeTempDir({ prefix: "tesser-live-stop-" });
  const logPath = join(dir, "live.json");
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "-A",
      join(ROOT, "cli/main.ts"),
      "live",
      "run",
      ...strategy,
      "--log-path",
      logPath,
      "--state-path",
      join(dir, "state.db"),
      "--metrics-addr",
      "127.0.0.1:0",
      // A bound of its own, should the test fail to stop it.
      "--duration",
      "60s",
      ...extra,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let text = "";
  let out = "";
  const decoder = new TextDecoder();
  const outDecoder = new TextDecoder();
  (async () => {
    for await (const chunk of process.stderr) text += decoder.decode(chunk, { stream: true });
  })().catch(() => {});
  (async () => {
    for await (const chunk of process.stdout) out += outDecoder.decode(chunk, { stream: true });
  })().catch(() => {});
  const waitFor = async (pattern: RegExp, ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!pattern.test(text)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern} in:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    process,
    stderr: () => text,
    stdout: () => out,
    logPath,
    statePath: join(dir, "state.db"),
    waitFor,
  };
}

async function stopped(child: Child): Promise<{ code: number; stdout: string }> {
  const status = await child.process.status;
  // The readers may still hold the last chunk.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { code: status.code, stdout: child.stdout() };
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`live run: ${signal} mid-run stops cleanly and exits 0 within 10 s`, async () => {
    const child = await startLive(SMA);
    try {
      await child.waitFor(/live session started/, 30_000);
      const sent = Date.now();
      child.process.kill(signal);
      const { code, stdout } = await stopped(child);
      const elapsed = Date.now() - sent;
      assert.equal(code, 0, child.stderr());
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
      assert.match(child.stderr(), new RegExp(`${signal}: stopping \\(no new orders`));
      assert.match(stdout, /ended: stopped/);
      const lines = (await Deno.readTextFile(child.logPath)).trim().split("\n");
      const last = JSON.parse(lines[lines.length - 1]);
      assert.equal(last.message, "live session stopped");
      assert.ok(lines.some((l) => JSON.parse(l).message === `stopping: ${signal}`));
    } finally {
      try {
        child.process.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await child.process.status;
    }
  });
}

Deno.test("live run: a second signal during the stop exits at once (code 130)", async () => {
  // RestingBid keeps a limit order working; with cancel-on-shutdown the stop waits for the
  // paper venue to answer the cancel (at its next bar), and the second signal lands meanwhile.
  const child = await startLive([
    "--strategy-module",
    join(ROOT, "tests/testdata/live/resting_bid.ts"),
    "--strategy-config",
    join(ROOT, "tests/testdata/live/resting_bid.toml"),
  ], ["--cancel-on-shutdown"]);
  try {
    await child.waitFor(/live session started/, 30_000);
    // The strategy rests its order on the first trade (500 ms after the start).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.process.kill("SIGINT");
    await child.waitFor(/cancelling 1 working orders before shutdown/, 10_000);
    const sent = Date.now();
    child.process.kill("SIGINT");
    const { code } = await stopped(child);
    assert.equal(code, 130, child.stderr());
    assert.ok(Date.now() - sent < 2_000, "the second signal exits at once");
    assert.match(child.stderr(), /second SIGINT: exiting now/);
  } finally {
    try {
      child.process.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.process.status;
  }
});

Deno.test("live run: /metrics is served while it runs, and live control halts and resumes it", async () => {
  const child = await startLive(SMA);
  try {
    await child.waitFor(/live session started/, 30_000);
    const addr = /metrics on http:\/\/(127\.0\.0\.1:\d+)\/metrics/.exec(child.stderr())?.[1];
    assert.ok(addr !== undefined, child.stderr());
    const metrics = await (await fetch(`http://${addr}/metrics`)).text();
    assert.match(metrics, /^tesser_/m);
    const health = await fetch(`http://${addr}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "ok");
    const control = async (action: string): Promise<string> => {
      const io = recordingIo();
      const code = await main(["live", "control", action, "--state-path", child.statePath], io);
      assert.equal(code, 0, io.err.join("\n"));
      return io.out.join("\n");
    };
    assert.match(await control("halt"), /halted/);
    assert.match(await control("status"), /halted/);
    assert.match(await control("resume"), /active/);
    child.process.kill("SIGTERM");
    const { code } = await stopped(child);
    assert.equal(code, 0, child.stderr());
    assert.match(child.stderr(), /halted: operator halt \(control endpoint\)/);
  } finally {
    try {
      child.process.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    await child.process.status;
  }
});
