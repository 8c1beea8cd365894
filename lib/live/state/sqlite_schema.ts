/**
 * The SQLite state file's schema, its version (`PRAGMA user_version`) and the migrations from
 * each earlier version. Version 1 kept the committed state as one JSON blob and keyed fills by
 * trade id alone; version 2 splits the state into tables an operator can query with `sqlite3`
 * (balances, positions, working orders, snapshots, event ids, kill switch) and keys fills by
 * symbol and trade id (trade ids are unique per venue symbol, not across symbols).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { DataError } from "../../domain/mod.ts";
import { parseJson } from "./_codec.ts";

/** The schema version this code writes. */
export const SQLITE_SCHEMA_VERSION = 2;

/** Version 1's tables, kept so the migration (and its test fixture) say what they read. */
export const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), saved_at INTEGER NOT NULL,
  payload TEXT NOT NULL);
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, client_order_id TEXT NOT NULL,
  payload TEXT NOT NULL, ts INTEGER NOT NULL, committed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE fills (trade_id TEXT PRIMARY KEY, payload TEXT NOT NULL, ts INTEGER NOT NULL,
  committed INTEGER NOT NULL DEFAULT 0);
`;

/** Version 2's tables (the current schema). */
export const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commits (id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL, saved_at INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS balances (currency TEXT PRIMARY KEY, amount TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS positions (symbol TEXT PRIMARY KEY, quantity TEXT NOT NULL,
  cost TEXT NOT NULL, realized_pnl TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (client_order_id TEXT PRIMARY KEY, symbol TEXT NOT NULL,
  side TEXT NOT NULL, type TEXT NOT NULL, quantity TEXT NOT NULL, price TEXT,
  status TEXT, in_flight TEXT, ambiguous INTEGER NOT NULL, filled TEXT NOT NULL,
  position INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fills (seq INTEGER PRIMARY KEY AUTOINCREMENT, symbol TEXT NOT NULL,
  trade_id TEXT NOT NULL, client_order_id TEXT NOT NULL, side TEXT NOT NULL,
  price TEXT NOT NULL, quantity TEXT NOT NULL, fee TEXT NOT NULL, fee_currency TEXT NOT NULL,
  ts INTEGER NOT NULL, committed INTEGER NOT NULL DEFAULT 0, payload TEXT NOT NULL,
  UNIQUE (symbol, trade_id));
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT,
  client_order_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, ts INTEGER NOT NULL,
  committed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS outbox_uncommitted ON outbox (committed, seq);
CREATE INDEX IF NOT EXISTS fills_uncommitted ON fills (committed, seq);
CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_ids (stream TEXT PRIMARY KEY, event_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kill_switch (id INTEGER PRIMARY KEY CHECK (id = 1),
  tripped INTEGER NOT NULL, at INTEGER, reason TEXT);
`;

/** Reads the file's schema version (0: a fresh file). */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare("PRAGMA user_version").get() as { user_version?: number } | undefined;
  return row?.user_version ?? 0;
}

interface V1Row {
  readonly [key: string]: unknown;
}

// v1 → v2, inside the caller's transaction: the blob is split by the v2 writer (`split`), the
// outbox and fills are copied with the columns v2 adds, and the blob table goes.
function migrateV1(db: DatabaseSync, split: (payload: unknown, savedAt: number) => void): void {
  const state = db.prepare("SELECT saved_at, payload FROM state WHERE id = 1").get() as
    | V1Row
    | undefined;
  const outbox = db.prepare("SELECT * FROM outbox ORDER BY seq").all() as V1Row[];
  const fills = db.prepare("SELECT * FROM fills").all() as V1Row[];
  db.exec("DROP TABLE outbox; DROP TABLE fills;");
  db.exec(SCHEMA_V2);
  const addOutbox = db.prepare(
    "INSERT INTO outbox (seq, client_order_id, kind, payload, ts, committed) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const row of outbox) {
    const where = `v1 outbox row ${row.seq}`;
    const command = parseJson(String(row.payload), where) as { type?: unknown };
    if (typeof command?.type !== "string") throw new DataError(`${where}: no command type`);
    addOutbox.run(
      Number(row.seq),
      String(row.client_order_id),
      command.type,
      String(row.payload),
      Number(row.ts),
      Number(row.committed),
    );
  }
  const addFill = db.prepare(
    `INSERT INTO fills (symbol, trade_id, client_order_id, side, price, quantity, fee,
      fee_currency, ts, committed, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // v1 had no arrival order beyond the timestamp: keep the fills in that order.
  const byTime = [...fills].sort((a, b) => Number(a.ts) - Number(b.ts));
  for (const row of byTime) {
    const where = `v1 fill ${row.trade_id}`;
    const fill = parseJson(String(row.payload), where) as Record<string, unknown>;
    const field = (key: string): string => {
      const value = fill[key];
      if (typeof value !== "string") throw new DataError(`${where}: "${key}" must be a string`);
      return value;
    };
    addFill.run(
      field("symbol"),
      String(row.trade_id),
      field("clientOrderId"),
      field("side"),
      field("price"),
      field("quantity"),
      field("fee"),
      field("feeCurrency"),
      Number(row.ts),
      Number(row.committed),
      String(row.payload),
    );
  }
  if (state !== undefined) {
    split(parseJson(String(state.payload), "v1 state"), Number(state.saved_at));
  }
  db.exec("DROP TABLE state");
}

/**
 * Brings the file to {@linkcode SQLITE_SCHEMA_VERSION} in one transaction: creates the tables
 * on a fresh file, runs each migration from the file's version on, and sets the version.
 * `split` writes a whole committed state into the current tables (the store's commit path).
 *
 * @throws {DataError} for a file written by a newer version, a database that is not a state
 * file, or a v1 row that cannot be read.
 */
export function migrate(
  db: DatabaseSync,
  path: string,
  split: (payload: unknown, savedAt: number) => void,
): { readonly from: number; readonly to: number } {
  const from = schemaVersion(db);
  if (from > SQLITE_SCHEMA_VERSION) {
    throw new DataError(
      `${path}: state schema version ${from} is newer than this tesser's (${SQLITE_SCHEMA_VERSION})`,
      { hint: "run the tesser version that wrote it, or restore a backup" },
    );
  }
  if (from === SQLITE_SCHEMA_VERSION) return { from, to: from };
  if (from === 0) {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name?: unknown;
    }[];
    if (tables.length > 0) {
      throw new DataError(
        `${path} is an SQLite database but not a tesser state file (tables: ${
          tables.map((t) => String(t.name)).join(", ")
        })`,
        { hint: "point --state-path at a new file or at one tesser wrote" },
      );
    }
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    if (from === 0) db.exec(SCHEMA_V2);
    if (from === 1) migrateV1(db, split);
    db.exec(`PRAGMA user_version = ${SQLITE_SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  return { from, to: SQLITE_SCHEMA_VERSION };
}
