import assert from "node:assert/strict";
import { recordingIo } from "../../cli/io.ts";
import { main } from "../../cli/main.ts";
import { openLiveStore } from "../../lib/live/state/mod.ts";
import { sampleFill, sampleState, tempDir } from "../lib/live/state/_fixtures.ts";

const KEY = "bybit:main:BTCUSDT";

async function writeSample(path: string, engine: "sqlite" | "lmdb" = "sqlite"): Promise<void> {
  const store = await openLiveStore({ engine, path, lockKey: KEY });
  store.commit(sampleState());
  store.recordIntent({
    clientOrderId: "sma-0-7",
    command: { type: "cancel", symbol: "bybit:BTCUSDT", clientOrderId: "sma-0-1" },
    ts: 1_700_000_000_000_100,
  });
  store.recordFill(sampleFill("t-8"), 1_700_000_000_000_200);
  store.close();
}

Deno.test("state inspect prints a human summary of a real state file", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    await writeSample(path);
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", path], io), 0);
    assert.deepEqual(io.out, [
      `State file: ${path} (sqlite, schema 2)`,
      "Recorded: 1 intents, 1 fills, 1 commits",
      "Committed: 2023-11-14T22:13:20.000Z",
      "Kill switch: TRIPPED at 2023-11-14T22:13:19.999Z (drawdown 12% > 10%); reducing-only until an operator clears it",
      `Balances: USDT ${sampleState().portfolio.balances.USDT}`,
      "Positions:",
      "  bybit:BTCUSDT 0.004 (cost 200, realized 0)",
      "Trading state: active",
      "Client ids: prefix sma, epoch 1970-01-01T00:00:00.000Z, 1 made",
      "Working orders: 1",
      "  sma-0-1 bybit:BTCUSDT buy limit 0.01 @ 40000: accepted, filled 0, amend in flight",
      "Last event ids: bybit:private=1234, bybit:public=99",
      "After the last commit: 1 intents, 1 fills (settled by reconciliation when the process restarts)",
      "  intent cancel sma-0-7 at 2023-11-14T22:13:20.000Z",
      "  fill t-8 bybit:BTCUSDT buy 0.001 @ 40000.5 (sma-0-1)",
    ]);
  } finally {
    cleanup();
  }
});

Deno.test("state inspect without --path reads [live.persistence] path of the config", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/configured.db`;
    await writeSample(path);
    Deno.mkdirSync(`${dir}/config`);
    Deno.copyFileSync(
      new URL("../../config/default.toml", import.meta.url).pathname,
      `${dir}/config/default.toml`,
    );
    Deno.writeTextFileSync(`${dir}/config/local.toml`, `[live.persistence]\npath = "${path}"\n`);
    const io = recordingIo();
    assert.equal(await main(["--config-dir", `${dir}/config`, "state", "inspect"], io), 0);
    assert.equal(io.out[0], `State file: ${path} (sqlite, schema 2)`);
  } finally {
    cleanup();
  }
});

Deno.test("state inspect --raw and --json print the committed state and the writes after it", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    await writeSample(path);
    for (const flag of ["--raw", "--json"]) {
      const io = recordingIo();
      assert.equal(await main(["state", "inspect", "--path", path, flag], io), 0);
      const data = JSON.parse(io.out.join("\n"));
      assert.deepEqual(data.state, JSON.parse(JSON.stringify(sampleState())));
      assert.equal(data.engine, "sqlite");
      assert.deepEqual(data.counts, { intents: 1, fills: 1, commits: 1 });
      assert.equal(data.uncommitted.fills[0].fill.price, "40000.5");
      assert.equal(data.uncommitted.intents[0].clientOrderId, "sma-0-7");
    }
  } finally {
    cleanup();
  }
});

Deno.test("state inspect reads an LMDB state file too", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.lmdb`;
    await writeSample(path, "lmdb");
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", path, "--json"], io), 0);
    const data = JSON.parse(io.out.join("\n"));
    assert.equal(data.engine, "lmdb");
    assert.deepEqual(data.state, JSON.parse(JSON.stringify(sampleState())));
    assert.deepEqual(data.counts, { intents: 1, fills: 1, commits: 1 });
  } finally {
    cleanup();
  }
});

Deno.test("state inspect works while the writer holds the file, without taking its lock", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = await openLiveStore({ engine: "sqlite", path, lockKey: KEY });
    store.commit(sampleState());
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", path], io), 0);
    assert.equal(io.out[1], "Recorded: 0 intents, 0 fills, 1 commits");
    // The writer carries on.
    store.recordFill(sampleFill("t-9"), 1);
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("state inspect: a missing file, a garbage file and a fresh state are clear", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const missing = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", `${dir}/none.db`], missing), 1);
    assert.deepEqual(missing.err, [
      `error: state file ${dir}/none.db does not exist (hint: give the file a live process writes (--path FILE, or [live.persistence] path))`,
    ]);
    const garbage = `${dir}/garbage.db`;
    Deno.writeTextFileSync(garbage, "not a state file at all\n".repeat(50));
    const bad = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", garbage], bad), 1);
    assert.deepEqual(bad.err, [
      `error: ${garbage} is not a tesser state file (neither SQLite nor LMDB) (hint: check the path; a live process writes the file given by --state-path)`,
    ]);
    const fresh = `${dir}/fresh.db`;
    (await openLiveStore({ engine: "sqlite", path: fresh, lockKey: KEY })).close();
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", fresh], io), 0);
    assert.equal(io.out[2], "Committed state: none yet (the process never committed)");
    const usage = recordingIo();
    assert.equal(await main(["state", "list"], usage), 2);
    assert.match(usage.err[0], /unknown state command "list"/);
    const help = recordingIo();
    assert.equal(await main(["state", "inspect", "--help"], help), 0);
    assert.match(help.out[0], /^Usage: tesser state inspect \[--path FILE\] \[--raw \| --json\]/);
    assert.match(help.out[0], /sqlite3 FILE ".backup BACKUP"/);
    const bare = recordingIo();
    assert.equal(await main(["state"], bare), 2);
    assert.match(bare.err[0], /^Usage: tesser state <command>/);
  } finally {
    cleanup();
  }
});

Deno.test("backup with the sqlite3 binary (.backup) restores to the same state", {
  ignore: new Deno.Command("sh", { args: ["-c", "command -v sqlite3"] }).outputSync().code !== 0,
}, async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const backup = `${dir}/backup.db`;
    // The backup is taken while the writer is open (a running live process).
    const store = await openLiveStore({ engine: "sqlite", path, lockKey: KEY });
    store.commit(sampleState());
    store.recordFill(sampleFill("t-5"), 9);
    const out = await new Deno.Command("sqlite3", { args: [path, `.backup ${backup}`] }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    store.close();
    const restored = `${dir}/restored.db`;
    Deno.copyFileSync(backup, restored);
    const io = recordingIo();
    assert.equal(await main(["state", "inspect", "--path", restored, "--json"], io), 0);
    const data = JSON.parse(io.out.join("\n"));
    assert.deepEqual(data.state, JSON.parse(JSON.stringify(sampleState())));
    assert.deepEqual(
      data.uncommitted.fills.map((f: { fill: { tradeId: string } }) => f.fill.tradeId),
      [
        "t-5",
      ],
    );
    // A restored copy opens for writing under the same key.
    const reopened = await openLiveStore({ engine: "sqlite", path: restored, lockKey: KEY });
    assert.deepEqual(reopened.load(), JSON.parse(JSON.stringify(sampleState())));
    reopened.close();
  } finally {
    cleanup();
  }
});
