import assert from "node:assert/strict";
import { ConfigError, DataError } from "../../../../lib/domain/mod.ts";
import { openLiveStore } from "../../../../lib/live/state/mod.ts";
import { sampleFill, sampleState, tempDir } from "./_fixtures.ts";

const KEY = "binance:main:BTCUSDT";

Deno.test("LMDB store: commit, reopen and load; intents and fills pending until a commit", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.lmdb`;
    const store = await openLiveStore({ engine: "lmdb", path, lockKey: KEY });
    assert.equal(store.engine, "lmdb");
    assert.equal(store.load(), undefined);
    store.recordIntent({
      clientOrderId: "sma-0-2",
      command: { type: "cancel", symbol: "bybit:BTCUSDT", clientOrderId: "sma-0-2" },
      ts: 4,
    });
    assert.equal(store.recordFill(sampleFill("t-1"), 5), true);
    assert.equal(store.recordFill(sampleFill("t-1", "0.5"), 6), false);
    const pending = store.uncommitted();
    assert.deepEqual(pending.intents.map((i) => [i.clientOrderId, i.command.type, i.ts]), [
      ["sma-0-2", "cancel", 4],
    ]);
    assert.deepEqual(pending.fills.map((f) => [f.fill.tradeId, f.fill.quantity.toString()]), [
      ["t-1", "0.001"],
    ]);
    const state = sampleState();
    store.commit(state);
    assert.deepEqual(store.uncommitted(), { intents: [], fills: [] });
    store.close();
    const again = await openLiveStore({ engine: "lmdb", path, lockKey: KEY });
    assert.deepEqual(again.load(), JSON.parse(JSON.stringify(state)));
    assert.equal(again.recordFill(sampleFill("t-1"), 7), false);
    assert.deepEqual(again.intentIds(), ["sma-0-2"]);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("LMDB store: an unchanged state is not written again", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = await openLiveStore({ engine: "lmdb", path: `${dir}/s.lmdb`, lockKey: KEY });
    const state = sampleState();
    store.commit(state);
    store.commit({ ...state, savedAt: state.savedAt + 1 });
    assert.equal(store.counts().commits, 1);
    store.commit({ ...state, strategy: { last: 1 } });
    assert.equal(store.counts().commits, 2);
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("LMDB store: the single-writer lock and the lock key are enforced", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/s.lmdb`;
    const store = await openLiveStore({ engine: "lmdb", path, lockKey: KEY });
    await assert.rejects(
      () => openLiveStore({ engine: "lmdb", path, lockKey: KEY }),
      (error: unknown) => error instanceof ConfigError && error.message.includes("already in use"),
    );
    store.close();
    await assert.rejects(
      () => openLiveStore({ engine: "lmdb", path, lockKey: "binance:main:ETHUSDT" }),
      (error: unknown) => error instanceof DataError && error.message.includes(`belongs to ${KEY}`),
    );
  } finally {
    cleanup();
  }
});

Deno.test("LMDB store: without --allow-ffi it is a clear ConfigError naming the engine and the reason", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const script = `${dir}/open.ts`;
    const module = new URL("../../../../lib/live/state/mod.ts", import.meta.url).href;
    Deno.writeTextFileSync(
      script,
      `import { openLiveStore } from "${module}";
try {
  await openLiveStore({ engine: "lmdb", path: "${dir}/x.lmdb", lockKey: "k" });
  console.log("opened");
} catch (error) {
  console.log(error.name + ": " + error.message);
}
`,
    );
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--config",
        new URL("../../../../deno.json", import.meta.url).pathname,
        "--allow-read",
        "--allow-write",
        "--allow-env",
        script,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    assert.match(
      text,
      /^ConfigError: persistence engine lmdb is not supported here: its native module did not load \(.*ffi.*\) \(hint: lmdb is a native addon: run with --allow-ffi, or use --persistence sqlite\)/,
    );
  } finally {
    cleanup();
  }
});
