import assert from "node:assert/strict";
import { tempDir } from "./_fixtures.ts";

const MODULE = new URL("../../../../lib/live/state/mod.ts", import.meta.url).href;
const CONFIG = new URL("../../../../deno.json", import.meta.url).pathname;

// A child process that opens the store, prints "open" (or the error) and holds it until stdin
// closes (or is killed).
function holder(dir: string, path: string, key: string): Deno.ChildProcess {
  const script = `${dir}/hold_${crypto.randomUUID()}.ts`;
  Deno.writeTextFileSync(
    script,
    `import { openLiveStore } from "${MODULE}";
try {
  const store = await openLiveStore({ engine: "sqlite", path: ${JSON.stringify(path)}, lockKey: ${
      JSON.stringify(key)
    } });
  console.log("open");
  for await (const _ of Deno.stdin.readable) { /* hold until stdin closes */ }
  store.close();
} catch (error) {
  console.log(error.name + ": " + error.message);
}
`,
  );
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--config", CONFIG, "--allow-read", "--allow-write", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0];
}

Deno.test("a second process on the same state file or the same account and symbol refuses to start", async () => {
  const { dir, cleanup } = tempDir();
  const children: Deno.ChildProcess[] = [];
  try {
    const key = "bybit:main:BTCUSDT";
    const first = holder(dir, `${dir}/a.db`, key);
    children.push(first);
    assert.equal(await firstLine(first), "open");
    const samePath = holder(dir, `${dir}/a.db`, key);
    children.push(samePath);
    const line = await firstLine(samePath);
    assert.match(
      line,
      new RegExp(
        `^ConfigError: state file ${dir}/a\\.db is already in use by process ${first.pid} \\(key ${key}`,
      ),
    );
    assert.match(line, /hint: one live process per state file/);
    const sameKey = holder(dir, `${dir}/b.db`, key);
    children.push(sameKey);
    assert.match(
      await firstLine(sameKey),
      new RegExp(`^ConfigError: another live process already trades ${key}: process ${first.pid}`),
    );
    // Another symbol runs alongside.
    const other = holder(dir, `${dir}/c.db`, "bybit:main:ETHUSDT");
    children.push(other);
    assert.equal(await firstLine(other), "open");
    // kill -9 of the holder releases the lock: the next process starts.
    first.kill("SIGKILL");
    await first.status;
    const next = holder(dir, `${dir}/a.db`, key);
    children.push(next);
    assert.equal(await firstLine(next), "open");
  } finally {
    for (const child of children) {
      try {
        await child.stdin.close();
      } catch {
        // already closed by its exit
      }
      await child.status;
      await child.stdout.cancel().catch(() => {});
    }
    cleanup();
  }
});
