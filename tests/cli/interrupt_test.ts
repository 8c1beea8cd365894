import assert from "node:assert/strict";
import { listDir, withTemp } from "./_cli_run.ts";

const PERMISSIONS = ["--no-prompt", "--allow-read", "--allow-write", "--allow-env"];

/** A child `deno run` whose output is collected, with helpers to wait for what it wrote. */
function spawn(args: readonly string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let out = "";
  let err = "";
  const pump = async (stream: ReadableStream<Uint8Array>, add: (s: string) => void) => {
    for await (const chunk of stream) add(decoder.decode(chunk, { stream: true }));
  };
  const done = Promise.all([
    pump(child.stdout, (s) => out += s),
    pump(child.stderr, (s) => err += s),
  ]);
  return {
    child,
    output: () => ({ out, err }),
    /** Waits (at most `ms`) until `ready()` holds; false on timeout or when the child ended. */
    async until(ready: () => boolean, ms = 60_000): Promise<boolean> {
      const end = Date.now() + ms;
      let exited = false;
      child.status.then(() => exited = true);
      while (Date.now() < end && !exited) {
        if (ready()) return true;
        await new Promise((r) => setTimeout(r, 5));
      }
      return ready();
    },
    /** The exit status, at most `ms` after now (the child is killed after that). */
    async finish(ms = 30_000): Promise<Deno.CommandStatus> {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // already gone
        }
      }, ms);
      const status = await child.status;
      clearTimeout(timer);
      await done;
      return status;
    },
  };
}

const hasTemp = (dir: string) => () => listDir(dir).some((name) => name.includes(".tmp-"));

Deno.test("SIGINT during data synth prints interrupted, exits 130 and leaves no temp file", async () => {
  await withTemp(async (dir) => {
    const run = spawn([
      "cli/main.ts",
      "data",
      "synth",
      "--output",
      `${dir}/big.parquet`,
      "--rows",
      "50000000",
    ]);
    assert.ok(await run.until(hasTemp(dir)), `no temp file appeared: ${run.output().err}`);
    run.child.kill("SIGINT");
    const status = await run.finish();
    assert.equal(status.code, 130, run.output().err);
    assert.match(run.output().err, /^interrupted$/m);
    assert.deepEqual(listDir(dir), []);
  });
});

Deno.test("SIGTERM while backtest run writes its report leaves neither temps nor the lock", async () => {
  await withTemp(async (dir) => {
    const run = spawn([
      "cli/main.ts",
      "backtest",
      "run",
      "--strategy-config",
      "examples/strategies/sma_cross.toml",
      "--rows",
      "1000000",
      "--output-dir",
      `${dir}/out`,
    ]);
    // The report is being written once its temp folder is there.
    assert.ok(await run.until(hasTemp(dir)), `no temp folder appeared: ${run.output().err}`);
    assert.ok(listDir(dir).includes(".out.lock"));
    run.child.kill("SIGTERM");
    const status = await run.finish();
    assert.equal(status.code, 143, run.output().err);
    assert.match(run.output().err, /^interrupted$/m);
    assert.deepEqual(listDir(dir), []);
  });
});

Deno.test("a second signal exits at once while the first one's clean stop is still going", async () => {
  await withTemp(async (dir) => {
    const run = spawn(["tests/cli/_interrupt_child.ts", dir]);
    assert.ok(await run.until(() => run.output().out.includes("ready")), run.output().err);
    assert.equal(listDir(dir).filter((n) => n.includes(".tmp-")).length, 1);
    run.child.kill("SIGINT");
    assert.ok(await run.until(() => run.output().out.includes("stopping slowly"), 10_000));
    assert.match(run.output().err, /interrupted: stopping \(press Ctrl-C again to exit at once\)/);
    // Still running, still holding its temp: the stop has not finished.
    assert.equal(listDir(dir).length, 1);
    const started = Date.now();
    run.child.kill("SIGINT");
    const status = await run.finish();
    assert.ok(Date.now() - started < 5_000);
    assert.equal(status.code, 130);
    assert.match(run.output().err, /interrupted again: exiting now/);
    assert.doesNotMatch(run.output().out, /not interrupted/);
    assert.deepEqual(listDir(dir), []);
  });
});

Deno.test("SIGINT stops a batch: summary of finished runs, no worker temps or locks left", async () => {
  await withTemp(async (dir) => {
    Deno.writeTextFileSync(
      `${dir}/batch.toml`,
      [
        "[[runs]]",
        'name = "long"',
        'strategy_config = "examples/strategies/sma_cross.toml"',
        'args = ["--rows", "3000000"]',
        "",
      ].join("\n"),
    );
    const run = spawn([
      "--allow-sys",
      "cli/main.ts",
      "backtest",
      "batch",
      "--config",
      `${dir}/batch.toml`,
      "--output-dir",
      `${dir}/out`,
      "--reports",
      "--workers",
      "1",
    ]);
    // The worker's run is under way once its equity curve streams beside its report folder.
    const running = () => {
      try {
        return listDir(`${dir}/out`).some((name) => name.startsWith(".long.equity.tmp-"));
      } catch {
        return false;
      }
    };
    assert.ok(await run.until(running), `the run never started: ${run.output().err}`);
    run.child.kill("SIGINT");
    const status = await run.finish();
    assert.equal(status.code, 130, run.output().err);
    assert.match(run.output().err, /interrupted: stopping/);
    assert.match(run.output().err, /interrupted: 1 not finished/);
    assert.deepEqual(listDir(dir), ["batch.toml", "out"]);
    assert.deepEqual(listDir(`${dir}/out`), ["summary.csv"]);
  });
});
