/**
 * The LMDB live store, through the `lmdb` npm package (a native addon: it loads its prebuilt
 * `@lmdb/lmdb-linux-x64` binary, so the process needs `--allow-ffi`). One key per record:
 * `state` (the committed state as JSON), `outbox:<seq>`, `fill:<seq>`, `trade:<symbol>|<id>` (the
 * dedupe index), `meta:*`. Every write is a synchronous LMDB transaction (`transactionSync`),
 * durable against a process crash when the call returns; LMDB's `overlappingSync` (its default
 * here) flushes to disk after the commit, so a power loss may lose the last commits, never
 * half of one. This module is imported only when the engine is asked for.
 *
 * @module
 */

import { open, type RootDatabase } from "lmdb";
import { DataError, type Fill, type Micros } from "../../domain/mod.ts";
import { commandFromJson, commandToJson, fillFromJson, fillToJson, parseJson } from "./_codec.ts";
import { checkPersistedState } from "./_state_check.ts";
import type {
  LiveIntent,
  LiveStore,
  LiveStoreEngine,
  LiveStoreOptions,
  PersistedLiveState,
  StoreCounts,
  UncommittedWrites,
} from "./store.ts";
import { acquireWriterLock, type WriterLock } from "./writer_lock.ts";

/** The schema version of the LMDB layout (key names and value shapes). */
export const LMDB_SCHEMA_VERSION = 1;

// Sequence numbers as fixed-width keys, so a range scan returns them in order.
const seqKey = (kind: string, seq: number): string => `${kind}:${seq.toString().padStart(15, "0")}`;

interface Row {
  readonly payload: string;
  readonly ts: number;
  readonly clientOrderId?: string;
}

/** The LMDB {@linkcode LiveStore}; see the module doc for durability. */
export class LmdbLiveStore implements LiveStore {
  /** Always `"lmdb"`. */
  readonly engine: LiveStoreEngine = "lmdb";
  /** The database file. */
  readonly path: string;
  /** The layout version. */
  readonly schemaVersion: number = LMDB_SCHEMA_VERSION;
  readonly #db: RootDatabase<string, string>;
  readonly #lock: WriterLock;
  readonly #readOnly: boolean;
  #last: string | undefined;
  #closed = false;

  /** Use {@linkcode openLmdbStore} or {@linkcode inspectLmdbStore}. */
  constructor(path: string, db: RootDatabase<string, string>, lock: WriterLock, readOnly = false) {
    this.path = path;
    this.#db = db;
    this.#lock = lock;
    this.#readOnly = readOnly;
    this.#last = db.get("state");
  }

  /** The last committed state, or undefined on a fresh file. */
  load(): PersistedLiveState | undefined {
    this.#open();
    const text = this.#db.get("state");
    if (text === undefined) return undefined;
    return checkPersistedState(parseJson(text, `${this.path}: state`), this.path);
  }

  /** What was written after the last commit. */
  uncommitted(): UncommittedWrites {
    this.#open();
    const rows = (kind: string): { key: string; row: Row }[] => {
      const from = this.#counter(`meta:committed:${kind}`);
      const out: { key: string; row: Row }[] = [];
      for (
        const { key, value } of this.#db.getRange({
          start: seqKey(kind, from + 1),
          end: `${kind};`,
        })
      ) {
        out.push({ key, row: parseJson(value, `${this.path}: ${key}`) as Row });
      }
      return out;
    };
    return {
      intents: rows("outbox").map(({ key, row }) => ({
        clientOrderId: String(row.clientOrderId),
        command: commandFromJson(row.payload, `${this.path}: ${key}`),
        ts: row.ts,
      })),
      fills: rows("fill").map(({ key, row }) => ({
        fill: fillFromJson(row.payload, `${this.path}: ${key}`),
        ts: row.ts,
      })),
    };
  }

  /** Writes the intent (its own transaction) before the request leaves. */
  recordIntent(intent: LiveIntent): void {
    this.#open(true);
    this.#db.transactionSync(() => {
      const seq = this.#counter("meta:seq:outbox") + 1;
      const row: Row = {
        clientOrderId: intent.clientOrderId,
        payload: commandToJson(intent.command),
        ts: intent.ts,
      };
      this.#db.putSync(seqKey("outbox", seq), JSON.stringify(row));
      this.#db.putSync("meta:seq:outbox", String(seq));
    });
  }

  /** Writes the fill unless its symbol and trade id are already recorded. */
  recordFill(fill: Fill, ts: Micros = 0): boolean {
    this.#open(true);
    return this.#db.transactionSync(() => {
      const index = `trade:${fill.symbol}|${fill.tradeId}`;
      if (this.#db.get(index) !== undefined) return false;
      const seq = this.#counter("meta:seq:fill") + 1;
      this.#db.putSync(seqKey("fill", seq), JSON.stringify({ payload: fillToJson(fill), ts }));
      this.#db.putSync(index, String(seq));
      this.#db.putSync("meta:seq:fill", String(seq));
      return true;
    });
  }

  /** Commits the state and marks the outbox and fills written so far as settled. */
  commit(state: PersistedLiveState): void {
    this.#open(true);
    const { savedAt: _, ...rest } = state;
    const text = JSON.stringify(state);
    const body = JSON.stringify(rest);
    const pending = this.#counter("meta:seq:outbox") > this.#counter("meta:committed:outbox") ||
      this.#counter("meta:seq:fill") > this.#counter("meta:committed:fill");
    if (!pending && this.#last !== undefined && body === this.#bodyOf(this.#last)) return;
    this.#db.transactionSync(() => {
      this.#db.putSync("state", text);
      this.#db.putSync("meta:committed:outbox", String(this.#counter("meta:seq:outbox")));
      this.#db.putSync("meta:committed:fill", String(this.#counter("meta:seq:fill")));
      this.#db.putSync("meta:commits", String(this.#counter("meta:commits") + 1));
    });
    this.#last = text;
  }

  /** Every client id an intent was recorded for, oldest first. */
  intentIds(): readonly string[] {
    this.#open();
    const ids: string[] = [];
    for (const { key, value } of this.#db.getRange({ start: "outbox:", end: "outbox;" })) {
      ids.push(String((parseJson(value, `${this.path}: ${key}`) as Row).clientOrderId));
    }
    return ids;
  }

  /** Sizes of the store. */
  counts(): StoreCounts {
    this.#open();
    return {
      intents: this.#counter("meta:seq:outbox"),
      fills: this.#counter("meta:seq:fill"),
      commits: this.#counter("meta:commits"),
    };
  }

  /** Closes the database and releases the lock (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // lmdb's close() resolves once pending async writes are done; this store writes only
    // synchronously, so nothing is pending and the lock can go now.
    void this.#db.close();
    this.#lock.release();
  }

  #bodyOf(text: string): string {
    const { savedAt: _, ...rest } = JSON.parse(text) as PersistedLiveState;
    return JSON.stringify(rest);
  }

  #counter(key: string): number {
    const value = this.#db.get(key);
    return value === undefined ? 0 : Number(value);
  }

  #open(write = false): void {
    if (this.#closed) throw new RangeError(`live store ${this.path} is closed`);
    if (write && this.#readOnly) throw new RangeError(`live store ${this.path} is read-only`);
  }
}

function openDb(path: string, readOnly: boolean): RootDatabase<string, string> {
  try {
    return open<string, string>({
      path,
      encoding: "string",
      compression: false,
      noSubdir: true,
      readOnly,
    });
  } catch (error) {
    throw new DataError(`${path} is not a readable LMDB state file: ${(error as Error).message}`, {
      hint: "check the path; restore a backup if the file was damaged",
      cause: error,
    });
  }
}

/**
 * Opens an LMDB state file read-only and without the lock, for `tesser state inspect`.
 *
 * @throws {DataError} when the file cannot be read as an LMDB state file.
 */
export function inspectLmdbStore(path: string): LmdbLiveStore {
  const db = openDb(path, true);
  const schema = db.get("meta:schema");
  if (schema === undefined || Number(schema) !== LMDB_SCHEMA_VERSION) {
    void db.close();
    throw new DataError(
      schema === undefined
        ? `${path} is an LMDB database but not a tesser state file`
        : `${path} has state schema version ${schema}; this tesser reads ${LMDB_SCHEMA_VERSION}`,
    );
  }
  return new LmdbLiveStore(path, db, { files: [], release: () => {} }, true);
}

/**
 * Opens (or creates) an LMDB state file under the single-writer lock.
 *
 * @throws {ConfigError} when the lock is held.
 * @throws {DataError} for a file that is not an LMDB database, of another lock key or a newer
 * layout.
 */
export function openLmdbStore(options: LiveStoreOptions): LmdbLiveStore {
  const lock = acquireWriterLock(options.path, options.lockKey);
  let db: RootDatabase<string, string>;
  try {
    db = openDb(options.path, false);
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    const key = db.get("meta:lock_key");
    const schema = db.get("meta:schema");
    if (schema !== undefined && Number(schema) > LMDB_SCHEMA_VERSION) {
      throw new DataError(
        `${options.path}: state schema version ${schema} is newer than this tesser's (${LMDB_SCHEMA_VERSION})`,
        { hint: "run the tesser version that wrote it, or restore a backup" },
      );
    }
    if (key !== undefined && key !== options.lockKey) {
      throw new DataError(`${options.path} belongs to ${key}, not to ${options.lockKey}`, {
        hint: "each account and symbol has its own state file: check --state-path",
      });
    }
    if (key === undefined) {
      db.transactionSync(() => {
        db.putSync("meta:lock_key", options.lockKey);
        db.putSync("meta:schema", String(LMDB_SCHEMA_VERSION));
      });
    }
    return new LmdbLiveStore(options.path, db, lock);
  } catch (error) {
    void db.close();
    lock.release();
    throw error;
  }
}
