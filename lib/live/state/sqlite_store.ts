/**
 * The SQLite live store (`node:sqlite`, built into Deno): one file per process in WAL mode with
 * `synchronous=NORMAL`. Intents and fills are each their own transaction, durable against a
 * process crash when the call returns; a commit writes only the parts of the state that changed
 * since the last one, in one transaction. What a power loss may cost: with `synchronous=NORMAL`
 * the WAL is not fsynced at each commit, so the last transactions before the power went (up to
 * the last checkpoint's fsync) can be lost, never half-applied; the file stays consistent. The
 * restarted process then reconciles with the venue, which is the record of what happened.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { DataError, type Fill, type Micros, TesserError } from "../../domain/mod.ts";
import type { OmsSnapshot, OrderSnapshot } from "../../execution/mod.ts";
import type { PortfolioSnapshot, PositionSnapshot } from "../../portfolio/mod.ts";
import { commandFromJson, commandToJson, fillFromJson, fillToJson, parseJson } from "./_codec.ts";
import { checkPersistedState } from "./_state_check.ts";
import { migrate, schemaVersion, SQLITE_SCHEMA_VERSION } from "./sqlite_schema.ts";
import type {
  KillSwitchLatch,
  LiveIntent,
  LiveStore,
  LiveStoreEngine,
  PersistedLiveState,
  RecordedFill,
  StoreCounts,
  UncommittedWrites,
} from "./store.ts";
import { acquireWriterLock, type WriterLock } from "./writer_lock.ts";

type Row = Record<string, unknown>;

/** Options of {@linkcode SqliteLiveStore.open}. */
export interface SqliteStoreOptions {
  /** The state file. */
  readonly path: string;
  /** The lock key (see `LiveStoreOptions.lockKey`). */
  readonly lockKey: string;
}

/**
 * Opens a database file, turning "not a database" into a DataError that names the file.
 *
 * @throws {DataError} when the file is not an SQLite database.
 */
export function openSqliteFile(path: string, readOnly: boolean): DatabaseSync {
  try {
    const db = new DatabaseSync(path, { readOnly });
    // The first read is where SQLite notices a file that is not a database.
    db.prepare("PRAGMA user_version").get();
    return db;
  } catch (error) {
    throw new DataError(
      `${path} is not a readable SQLite state file: ${(error as Error).message}`,
      {
        hint: "check --state-path; restore a backup if the file was damaged",
        cause: error,
      },
    );
  }
}

// The parts of the state committed as one row each; compared as text to skip unchanged ones.
interface Parts {
  readonly header: string;
  readonly balances: string;
  readonly positions: string;
  readonly portfolioRest: string;
  readonly orders: string;
  readonly omsRest: string;
  readonly strategy: string;
  readonly algorithms: string;
  readonly eventIds: string;
  readonly killSwitch: string;
}

function partsOf(state: PersistedLiveState): Parts {
  const { balances, positions, ...portfolioRest } = state.portfolio;
  const { orders, ...omsRest } = state.oms;
  return {
    header: JSON.stringify({ version: state.version, savedAt: state.savedAt }),
    balances: JSON.stringify(balances),
    positions: JSON.stringify(positions),
    portfolioRest: JSON.stringify(portfolioRest),
    orders: JSON.stringify(orders),
    omsRest: JSON.stringify(omsRest),
    strategy: JSON.stringify(state.strategy),
    algorithms: JSON.stringify(state.algorithms),
    eventIds: JSON.stringify(state.lastEventIds),
    killSwitch: JSON.stringify(state.killSwitch),
  };
}

/** The SQLite {@linkcode LiveStore}; see the module doc for durability. */
export class SqliteLiveStore implements LiveStore {
  /** Always `"sqlite"`. */
  readonly engine: LiveStoreEngine = "sqlite";
  /** The state file. */
  readonly path: string;
  /** The schema version the file had when opened (0: fresh), for the operator's log. */
  readonly migratedFrom: number;
  /** The file's schema version. */
  readonly schemaVersion: number = SQLITE_SCHEMA_VERSION;
  readonly #db: DatabaseSync;
  readonly #lock: WriterLock;
  readonly #readOnly: boolean;
  readonly #statements = new Map<string, StatementSync>();
  #last: Parts | undefined;
  #dirty = false;
  #closed = false;

  private constructor(
    path: string,
    db: DatabaseSync,
    lock: WriterLock,
    migratedFrom: number,
    readOnly = false,
  ) {
    this.path = path;
    this.#db = db;
    this.#lock = lock;
    this.migratedFrom = migratedFrom;
    this.#readOnly = readOnly;
  }

  /**
   * Opens a state file read-only, without the lock (a live process may be writing it: WAL
   * lets a reader see the last commit), for `tesser state inspect`. Writes throw.
   *
   * @throws {DataError} when the file does not exist, is not a state file or has another
   * schema version (a live process migrates it when it opens it).
   */
  static inspect(path: string): SqliteLiveStore {
    try {
      Deno.statSync(path);
    } catch (error) {
      throw new DataError(`state file ${path} does not exist`, {
        hint: "give the file a live process writes (--path FILE, or [live.persistence] path)",
        cause: error,
      });
    }
    const db = openSqliteFile(path, true);
    try {
      const version = schemaVersion(db);
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'commits'")
        .get() as Row | undefined;
      if (version !== SQLITE_SCHEMA_VERSION || Number(tables?.n) !== 1) {
        throw new DataError(
          version === 0
            ? `${path} is an SQLite database but not a tesser state file`
            : `${path} has state schema version ${version}; this tesser reads ${SQLITE_SCHEMA_VERSION}`,
          {
            hint: version !== 0 && version < SQLITE_SCHEMA_VERSION
              ? "a live process migrates the file when it opens it"
              : "check the path",
          },
        );
      }
      const none: WriterLock = { files: [], release: () => {} };
      const store = new SqliteLiveStore(path, db, none, version, true);
      store.#last = store.#loadParts();
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Takes the single-writer lock, opens (or creates) the file, migrates it to the current
   * schema and checks it belongs to `lockKey`.
   *
   * @throws {ConfigError} when another process holds the lock, or the file was made under
   * another lock key.
   * @throws {DataError} when the file is not a state file, is from a newer version, or cannot
   * be migrated.
   */
  static open(options: SqliteStoreOptions): SqliteLiveStore {
    const lock = acquireWriterLock(options.path, options.lockKey);
    let db: DatabaseSync | undefined;
    try {
      db = openSqliteFile(options.path, false);
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000");
      const opened: DatabaseSync = db;
      let store: SqliteLiveStore | undefined;
      const { from } = migrate(db, options.path, (payload, savedAt) => {
        const state = checkPersistedState(payload, `${options.path} (v1 state)`);
        store ??= new SqliteLiveStore(options.path, opened, lock, 1);
        store.#writeParts(partsOf({ ...state, savedAt }), undefined);
      });
      store ??= new SqliteLiveStore(options.path, db, lock, from);
      store.#claim(options.lockKey);
      store.#last = store.#loadParts();
      return store;
    } catch (error) {
      db?.close();
      lock.release();
      if (error instanceof Error && !(error instanceof TesserError)) {
        throw new DataError(`${options.path}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  /** The last committed state, or undefined on a fresh file. */
  load(): PersistedLiveState | undefined {
    this.#open();
    return this.#assemble();
  }

  /** What was written after the last commit. */
  uncommitted(): UncommittedWrites {
    this.#open();
    const intents = this.#stmt(
      "SELECT seq, client_order_id, payload, ts FROM outbox WHERE committed = 0 ORDER BY seq",
    ).all() as Row[];
    const fills = this.#stmt(
      "SELECT seq, payload, ts FROM fills WHERE committed = 0 ORDER BY seq",
    ).all() as Row[];
    return {
      intents: intents.map((row) => ({
        clientOrderId: String(row.client_order_id),
        command: commandFromJson(String(row.payload), `${this.path}: outbox row ${row.seq}`),
        ts: Number(row.ts),
      })),
      fills: fills.map((row): RecordedFill => ({
        fill: fillFromJson(String(row.payload), `${this.path}: fill row ${row.seq}`),
        ts: Number(row.ts),
      })),
    };
  }

  /** Writes the intent (its own transaction) before the request leaves. */
  recordIntent(intent: LiveIntent): void {
    this.#open(true);
    this.#stmt(
      "INSERT INTO outbox (client_order_id, kind, payload, ts) VALUES (?, ?, ?, ?)",
    ).run(intent.clientOrderId, intent.command.type, commandToJson(intent.command), intent.ts);
    this.#dirty = true;
  }

  /** Writes the fill unless its symbol and trade id are already recorded. */
  recordFill(fill: Fill, ts: Micros = 0): boolean {
    this.#open(true);
    const result = this.#stmt(
      `INSERT OR IGNORE INTO fills (symbol, trade_id, client_order_id, side, price, quantity, fee,
        fee_currency, ts, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      fill.symbol,
      fill.tradeId,
      fill.clientOrderId,
      fill.side,
      fill.price.toString(),
      fill.quantity.toString(),
      fill.fee.toString(),
      fill.feeCurrency,
      ts,
      fillToJson(fill),
    );
    if (Number(result.changes) === 0) return false;
    this.#dirty = true;
    return true;
  }

  /** Commits the parts of `state` that changed, and marks the outbox and fills as settled. */
  commit(state: PersistedLiveState): void {
    this.#open(true);
    const parts = partsOf(state);
    const last = this.#last;
    const changed = last === undefined ||
      (Object.keys(parts) as (keyof Parts)[]).some((k) => k !== "header" && parts[k] !== last[k]);
    if (!changed && !this.#dirty) return;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      this.#writeParts(parts, last);
      this.#stmt("UPDATE outbox SET committed = 1 WHERE committed = 0").run();
      this.#stmt("UPDATE fills SET committed = 1 WHERE committed = 0").run();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error(
        `cannot commit the live state to ${this.path}: ${
          error instanceof Error ? error.message : String(error)
        } (hint: free disk space or fix the file's permissions; the last committed state is intact and a restart resumes from it)`,
        { cause: error },
      );
    }
    this.#last = parts;
    this.#dirty = false;
  }

  /** Sizes of the store. */
  counts(): StoreCounts {
    this.#open();
    const count = (sql: string): number =>
      Number((this.#stmt(sql).get() as Row | undefined)?.n ?? 0);
    return {
      intents: count("SELECT count(*) AS n FROM outbox"),
      fills: count("SELECT count(*) AS n FROM fills"),
      commits: count("SELECT count AS n FROM commits WHERE id = 1"),
    };
  }

  /** Every client id an intent was recorded for, oldest first. */
  intentIds(): readonly string[] {
    this.#open();
    const rows = this.#stmt("SELECT client_order_id FROM outbox ORDER BY seq").all() as Row[];
    return rows.map((row) => String(row.client_order_id));
  }

  /** Checkpoints the WAL into the file, closes it and releases the lock (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (!this.#readOnly) this.#db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } finally {
      this.#db.close();
      this.#lock.release();
    }
  }

  #open(write = false): void {
    if (this.#closed) throw new RangeError(`live store ${this.path} is closed`);
    if (write && this.#readOnly) throw new RangeError(`live store ${this.path} is read-only`);
  }

  #stmt(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, statement = this.#db.prepare(sql));
    return statement;
  }

  #claim(lockKey: string): void {
    const row = this.#stmt("SELECT value FROM meta WHERE key = 'lock_key'").get() as
      | Row
      | undefined;
    if (row === undefined) {
      this.#stmt("INSERT INTO meta (key, value) VALUES ('lock_key', ?)").run(lockKey);
      this.#stmt("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)").run(
        new Date().toISOString(),
      );
      return;
    }
    if (String(row.value) !== lockKey) {
      throw new DataError(
        `${this.path} belongs to ${String(row.value)}, not to ${lockKey}`,
        { hint: "each account and symbol has its own state file: check --state-path" },
      );
    }
  }

  // Writes the parts that differ from `last` (all of them when it is undefined).
  #writeParts(parts: Parts, last: Parts | undefined): void {
    const header = JSON.parse(parts.header) as { version: number; savedAt: number };
    this.#stmt(
      `INSERT INTO commits (id, version, saved_at, count) VALUES (1, ?, ?, 1)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version, saved_at = excluded.saved_at,
        count = count + 1`,
    ).run(header.version, header.savedAt);
    const differs = (key: keyof Parts): boolean => last === undefined || parts[key] !== last[key];
    if (differs("balances")) {
      this.#stmt("DELETE FROM balances").run();
      const add = this.#stmt("INSERT INTO balances (currency, amount) VALUES (?, ?)");
      const balances = JSON.parse(parts.balances) as Record<string, string>;
      for (const [currency, amount] of Object.entries(balances)) add.run(currency, amount);
    }
    if (differs("positions")) {
      this.#stmt("DELETE FROM positions").run();
      const add = this.#stmt(
        "INSERT INTO positions (symbol, quantity, cost, realized_pnl, payload) VALUES (?, ?, ?, ?, ?)",
      );
      for (const p of JSON.parse(parts.positions) as PositionSnapshot[]) {
        add.run(p.symbol, p.quantity, p.cost, p.realizedPnl, JSON.stringify(p));
      }
    }
    if (differs("orders")) {
      this.#stmt("DELETE FROM orders").run();
      const add = this.#stmt(
        `INSERT INTO orders (client_order_id, symbol, side, type, quantity, price, status,
          in_flight, ambiguous, filled, position, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      (JSON.parse(parts.orders) as OrderSnapshot[]).forEach((o, i) => {
        add.run(
          o.request.clientOrderId,
          o.request.symbol,
          o.request.side,
          o.request.type,
          o.request.quantity,
          o.request.price ?? null,
          o.venue?.status ?? null,
          o.inFlight ?? null,
          o.ambiguous ? 1 : 0,
          o.filledByFills,
          i,
          JSON.stringify(o),
        );
      });
    }
    const snapshot = this.#stmt(
      "INSERT INTO snapshots (name, payload) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET payload = excluded.payload",
    );
    if (differs("portfolioRest")) snapshot.run("portfolio", parts.portfolioRest);
    if (differs("omsRest")) snapshot.run("oms", parts.omsRest);
    if (differs("strategy")) snapshot.run("strategy", parts.strategy);
    if (differs("algorithms")) snapshot.run("algorithms", parts.algorithms);
    if (differs("eventIds")) {
      this.#stmt("DELETE FROM event_ids").run();
      const add = this.#stmt("INSERT INTO event_ids (stream, event_id) VALUES (?, ?)");
      const ids = JSON.parse(parts.eventIds) as Record<string, string>;
      for (const [stream, id] of Object.entries(ids)) add.run(stream, id);
    }
    if (differs("killSwitch")) {
      const latch = JSON.parse(parts.killSwitch) as KillSwitchLatch;
      this.#stmt(
        `INSERT INTO kill_switch (id, tripped, at, reason) VALUES (1, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET tripped = excluded.tripped, at = excluded.at,
          reason = excluded.reason`,
      ).run(latch.tripped ? 1 : 0, latch.at ?? null, latch.reason ?? null);
    }
  }

  #assemble(): PersistedLiveState | undefined {
    const parts = this.#loadParts();
    if (parts === undefined) return undefined;
    const where = this.path;
    const json = (text: string, what: string): unknown => parseJson(text, `${where}: ${what}`);
    const header = json(parts.header, "commits") as { version: number; savedAt: number };
    const portfolio = {
      ...(json(parts.portfolioRest, "portfolio snapshot") as object),
      balances: json(parts.balances, "balances"),
      positions: json(parts.positions, "positions"),
    } as unknown as PortfolioSnapshot;
    const oms = {
      ...(json(parts.omsRest, "oms snapshot") as object),
      orders: json(parts.orders, "orders"),
    } as unknown as OmsSnapshot;
    return checkPersistedState({
      version: header.version,
      savedAt: header.savedAt,
      oms,
      strategy: json(parts.strategy, "strategy snapshot"),
      algorithms: json(parts.algorithms, "algorithms snapshot"),
      portfolio,
      lastEventIds: json(parts.eventIds, "event ids"),
      killSwitch: json(parts.killSwitch, "kill switch"),
    }, where);
  }

  // The committed state as the parts `commit` compares, rebuilt from the tables.
  #loadParts(): Parts | undefined {
    const header = this.#stmt("SELECT version, saved_at FROM commits WHERE id = 1").get() as
      | Row
      | undefined;
    if (header === undefined) return undefined;
    const balances = this.#stmt("SELECT currency, amount FROM balances ORDER BY rowid")
      .all() as Row[];
    const positions = this.#stmt("SELECT payload FROM positions ORDER BY rowid").all() as Row[];
    const orders = this.#stmt("SELECT payload FROM orders ORDER BY position").all() as Row[];
    const snapshots = new Map(
      (this.#stmt("SELECT name, payload FROM snapshots").all() as Row[]).map((
        row,
      ) => [String(row.name), String(row.payload)]),
    );
    const ids = this.#stmt("SELECT stream, event_id FROM event_ids ORDER BY rowid").all() as Row[];
    const latch = this.#stmt("SELECT tripped, at, reason FROM kill_switch WHERE id = 1").get() as
      | Row
      | undefined;
    const snapshot = (name: string): string => {
      const text = snapshots.get(name);
      if (text === undefined) throw new DataError(`${this.path}: the ${name} snapshot is missing`);
      return text;
    };
    const killSwitch: KillSwitchLatch = latch === undefined || Number(latch.tripped) === 0
      ? { tripped: false }
      : {
        tripped: true,
        ...(latch.at === null ? {} : { at: Number(latch.at) }),
        ...(latch.reason === null ? {} : { reason: String(latch.reason) }),
      };
    // Each row holds its element's JSON, so the list's text is the committed part's exactly.
    const list = (rows: Row[]): string => `[${rows.map((row) => String(row.payload)).join(",")}]`;
    return {
      header: JSON.stringify({ version: Number(header.version), savedAt: Number(header.saved_at) }),
      balances: JSON.stringify(
        Object.fromEntries(balances.map((row) => [String(row.currency), String(row.amount)])),
      ),
      positions: list(positions),
      portfolioRest: snapshot("portfolio"),
      orders: list(orders),
      omsRest: snapshot("oms"),
      strategy: snapshot("strategy"),
      algorithms: snapshot("algorithms"),
      eventIds: JSON.stringify(
        Object.fromEntries(ids.map((row) => [String(row.stream), String(row.event_id)])),
      ),
      killSwitch: JSON.stringify(killSwitch),
    };
  }
}
