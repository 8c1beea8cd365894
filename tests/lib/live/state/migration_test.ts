import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { DataError } from "../../../../lib/domain/mod.ts";
import { SQLITE_SCHEMA_VERSION, SqliteLiveStore } from "../../../../lib/live/state/mod.ts";
import { sampleFill, sampleState, tempDir } from "./_fixtures.ts";

const FIXTURE = new URL("../../../testdata/live_state/state_v1.sql", import.meta.url);
const KEY = "bybit:main:BTCUSDT";

function writeV1(path: string): void {
  const db = new DatabaseSync(path);
  db.exec(Deno.readTextFileSync(FIXTURE));
  db.close();
}

Deno.test("a version-1 state file migrates to version 2 with its state, outbox and fills", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    writeV1(path);
    const store = SqliteLiveStore.open({ path, lockKey: KEY });
    assert.equal(store.migratedFrom, 1);
    // The fixture predates the OMS snapshot's awaitingFills and finishedOrderIds (optional, so
    // older files still load).
    const { awaitingFills: _, finishedOrderIds: _finished, ...oms } = sampleState().oms;
    assert.deepEqual(store.load(), JSON.parse(JSON.stringify({ ...sampleState(), oms })));
    const pending = store.uncommitted();
    assert.deepEqual(pending.intents.map((i) => [i.clientOrderId, i.ts]), [["sma-0-2", 20]]);
    assert.deepEqual(pending.fills.map((f) => [f.fill.tradeId, f.fill.quantity.toString()]), [
      ["t-2", "0.002"],
    ]);
    assert.deepEqual(store.intentIds(), ["sma-0-1", "sma-0-2"]);
    // The v1 fills keep deduplicating under the v2 key.
    assert.equal(store.recordFill(sampleFill("t-1"), 30), false);
    store.close();
    const reader = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual(
      { ...reader.prepare("PRAGMA user_version").get() },
      { user_version: SQLITE_SCHEMA_VERSION },
    );
    const tables = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
      .map((t) => t.name);
    assert.equal(tables.includes("state"), false);
    assert.deepEqual(
      reader.prepare("SELECT symbol, trade_id, quantity FROM fills ORDER BY seq").all().map((
        f,
      ) => [f.symbol, f.trade_id, f.quantity]),
      [["bybit:BTCUSDT", "t-1", "0.004"], ["bybit:BTCUSDT", "t-2", "0.002"]],
    );
    reader.close();
    // Opening again is a no-op migration.
    const again = SqliteLiveStore.open({ path, lockKey: KEY });
    assert.equal(again.migratedFrom, SQLITE_SCHEMA_VERSION);
    again.close();
  } finally {
    cleanup();
  }
});

Deno.test("a damaged version-1 state rolls the migration back and names the problem", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    writeV1(path);
    const db = new DatabaseSync(path);
    db.exec('UPDATE state SET payload = \'{"version": 1, "savedAt": 5}\'');
    db.close();
    assert.throws(
      () => SqliteLiveStore.open({ path, lockKey: KEY }),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes("(v1 state): committed state has no OMS snapshot"),
    );
    const reader = new DatabaseSync(path, { readOnly: true });
    assert.deepEqual({ ...reader.prepare("PRAGMA user_version").get() }, { user_version: 1 });
    reader.close();
  } finally {
    cleanup();
  }
});

Deno.test("a state file from a newer schema is refused", () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = `${dir}/state.db`;
    SqliteLiveStore.open({ path, lockKey: KEY }).close();
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(
      () => SqliteLiveStore.open({ path, lockKey: KEY }),
      (error: unknown) =>
        error instanceof DataError &&
        error.message.includes(
          `state schema version ${
            SQLITE_SCHEMA_VERSION + 1
          } is newer than this tesser's (${SQLITE_SCHEMA_VERSION})`,
        ),
    );
  } finally {
    cleanup();
  }
});
