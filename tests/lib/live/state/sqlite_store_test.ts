import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ConfigError, DataError } from "../../../../lib/domain/mod.ts";
import { requestFromSnapshot, requestToSnapshot } from "../../../../lib/execution/mod.ts";
import {
  openLiveStore,
  SQLITE_SCHEMA_VERSION,
  SqliteLiveStore,
} from "../../../../lib/live/state/mod.ts";
import { sampleFill, sampleState, tempDir } from "./_fixtures.ts";

const KEY = "bybit:main:BTCUSDT";

Deno.test("SqliteLiveStore: a fresh file loads undefined; a commit loads back equal after reopening", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = await openLiveStore({ engine: "sqlite", path, lockKey: KEY });
    assert.equal(store.load(), undefined);
    const state = sampleState();
    store.commit(state);
    assert.deepEqual(store.load(), JSON.parse(JSON.stringify(state)));
    store.close();
    const again = await openLiveStore({ engine: "sqlite", path, lockKey: KEY });
    assert.deepEqual(again.load(), JSON.parse(JSON.stringify(state)));
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: WAL with synchronous=NORMAL, schema version set, tables queryable", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: KEY });
    store.commit(sampleState());
    const reader = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual({ ...reader.prepare("PRAGMA journal_mode").get() }, { journal_mode: "wal" });
    assert.deepEqual(
      { ...reader.prepare("PRAGMA user_version").get() },
      { user_version: SQLITE_SCHEMA_VERSION },
    );
    const balances = reader.prepare("SELECT currency, amount FROM balances").all();
    assert.equal(balances.length, 1);
    assert.equal(balances[0].currency, "USDT");
    const positions = reader.prepare("SELECT symbol, quantity FROM positions").all();
    assert.deepEqual(positions.map((p) => [p.symbol, p.quantity]), [["bybit:BTCUSDT", "0.004"]]);
    const orders = reader.prepare("SELECT client_order_id, status, in_flight FROM orders").all();
    assert.deepEqual(orders.map((o) => [o.client_order_id, o.status, o.in_flight]), [
      ["sma-0-1", "accepted", "amend"],
    ]);
    const latch = reader.prepare("SELECT tripped, reason FROM kill_switch").get();
    assert.deepEqual([latch?.tripped, latch?.reason], [1, "drawdown 12% > 10%"]);
    reader.close();
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: fills are deduplicated by symbol and trade id; uncommitted writes until a commit", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: KEY });
    assert.equal(store.recordFill(sampleFill("t-1"), 5), true);
    assert.equal(store.recordFill(sampleFill("t-1", "0.002"), 6), false);
    assert.equal(store.recordFill({ ...sampleFill("t-1"), symbol: "bybit:ETHUSDT" }, 7), true);
    store.recordIntent({
      clientOrderId: "sma-0-9",
      command: { type: "cancel", symbol: "bybit:BTCUSDT", clientOrderId: "sma-0-9" },
      ts: 8,
    });
    const pending = store.uncommitted();
    assert.deepEqual(pending.fills.map((f) => [f.fill.symbol, f.fill.quantity.toString(), f.ts]), [
      ["bybit:BTCUSDT", "0.001", 5],
      ["bybit:ETHUSDT", "0.001", 7],
    ]);
    assert.equal(pending.fills[0].fill.fee.toString(), "0.0123");
    assert.deepEqual(pending.intents.map((i) => [i.clientOrderId, i.command.type, i.ts]), [
      ["sma-0-9", "cancel", 8],
    ]);
    store.commit(sampleState());
    assert.deepEqual(store.uncommitted(), { intents: [], fills: [] });
    // Still deduplicated after the commit.
    assert.equal(store.recordFill(sampleFill("t-1"), 9), false);
    assert.deepEqual(store.intentIds(), ["sma-0-9"]);
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: submit and amend intents round-trip with their exact decimals", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = SqliteLiveStore.open({ path: `${dir}/s.db`, lockKey: KEY });
    const request = sampleState().oms.orders[0].request;
    store.recordIntent({
      clientOrderId: request.clientOrderId,
      command: { type: "submit", request: requestFromSnapshot(request) },
      ts: 2,
    });
    store.recordIntent({
      clientOrderId: request.clientOrderId,
      command: {
        type: "amend",
        symbol: request.symbol,
        clientOrderId: request.clientOrderId,
        price: sampleFill("x").price,
      },
      ts: 3,
    });
    const [submit, intent] = store.uncommitted().intents;
    assert.equal(submit.command.type, "submit");
    if (submit.command.type === "submit") {
      assert.deepEqual(requestToSnapshot(submit.command.request), request);
    }
    assert.equal(intent.command.type, "amend");
    if (intent.command.type === "amend") assert.equal(intent.command.price?.toString(), "40000.5");
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: an unchanged state is not written again; a changed part is", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: KEY });
    const state = sampleState();
    store.commit(state);
    store.commit({ ...state, savedAt: state.savedAt + 1 });
    const reader = new DatabaseSync(path, { readOnly: true });
    const count = (): number => Number(reader.prepare("SELECT count FROM commits").get()?.count);
    assert.equal(count(), 1);
    store.commit({ ...state, savedAt: state.savedAt + 2, strategy: { last: 43 } });
    assert.equal(count(), 2);
    assert.deepEqual(store.load()?.strategy, { last: 43 });
    assert.equal(store.load()?.savedAt, state.savedAt + 2);
    // A fill recorded since makes the next commit write even when the state is the same.
    store.recordFill(sampleFill("t-9"), 1);
    store.commit({ ...state, savedAt: state.savedAt + 3, strategy: { last: 43 } });
    assert.equal(count(), 3);
    reader.close();
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: a commit the database refuses names the file and keeps the last committed state", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    const store = SqliteLiveStore.open({ path, lockKey: KEY });
    const state = sampleState();
    store.commit(state);
    // What a full disk does to the next write, made to happen: the database refuses it.
    const other = new DatabaseSync(path);
    other.exec(
      "CREATE TRIGGER full BEFORE INSERT ON commits BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    other.close();
    store.recordFill(sampleFill("t-7"), 1);
    assert.throws(
      () => store.commit({ ...state, savedAt: state.savedAt + 1, strategy: { last: 44 } }),
      (error: Error) => {
        assert.match(
          error.message,
          /^cannot commit the live state to .*state\.db: database or disk is full/,
        );
        assert.match(error.message, /last committed state is intact/);
        return true;
      },
    );
    assert.deepEqual(store.load()?.strategy, state.strategy);
    assert.equal(store.load()?.savedAt, state.savedAt);
    store.close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: a file made under another lock key is refused with both keys named", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    SqliteLiveStore.open({ path, lockKey: KEY }).close();
    assert.throws(
      () => SqliteLiveStore.open({ path, lockKey: "bybit:main:ETHUSDT" }),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes("belongs to bybit:main:BTCUSDT, not to bybit:main:ETHUSDT"),
    );
    // The refusal released the lock: the right key opens it.
    SqliteLiveStore.open({ path, lockKey: KEY }).close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: a garbage file and a foreign database are clear DataErrors", () => {
  const { dir, cleanup } = tempDir();
  try {
    const garbage = `${dir}/garbage.db`;
    Deno.writeTextFileSync(garbage, "this is not a database, just some text ".repeat(200));
    assert.throws(
      () => SqliteLiveStore.open({ path: garbage, lockKey: KEY }),
      (error: unknown) =>
        error instanceof DataError && error.message.includes("is not a readable SQLite state file"),
    );
    const foreign = `${dir}/foreign.db`;
    const db = new DatabaseSync(foreign);
    db.exec("CREATE TABLE customers (id INTEGER)");
    db.close();
    assert.throws(
      () => SqliteLiveStore.open({ path: foreign, lockKey: KEY }),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes("not a tesser state file (tables: customers)"),
    );
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: a second store on the same file or key in one process is refused", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = SqliteLiveStore.open({ path: `${dir}/a.db`, lockKey: KEY });
    assert.throws(
      () => SqliteLiveStore.open({ path: `${dir}/a.db`, lockKey: KEY }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`state file ${dir}/a.db is already in use by process ${Deno.pid}`),
    );
    assert.throws(
      () => SqliteLiveStore.open({ path: `${dir}/b.db`, lockKey: KEY }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`another live process already trades ${KEY}`),
    );
    store.close();
    SqliteLiveStore.open({ path: `${dir}/b.db`, lockKey: KEY }).close();
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: a closed store refuses writes", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = SqliteLiveStore.open({ path: `${dir}/a.db`, lockKey: KEY });
    store.close();
    store.close();
    assert.throws(() => store.recordFill(sampleFill("t")), RangeError);
  } finally {
    cleanup();
  }
});

Deno.test("SqliteLiveStore: the state file's folder is made on a fresh machine; an unwritable one is a ConfigError", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = SqliteLiveStore.open({ path: `${dir}/reports/live/state.db`, lockKey: KEY });
    store.close();
    Deno.writeTextFileSync(`${dir}/file`, "x");
    assert.throws(
      () => SqliteLiveStore.open({ path: `${dir}/file/state.db`, lockKey: KEY }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`cannot create the folder of the state file ${dir}/file/state.db`),
    );
  } finally {
    cleanup();
  }
});
