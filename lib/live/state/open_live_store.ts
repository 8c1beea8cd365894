/**
 * Opens the live store of the configured engine.
 *
 * @module
 */

import { ConfigError, DataError } from "../../domain/mod.ts";
import { SqliteLiveStore } from "./sqlite_store.ts";
import {
  LIVE_STORE_ENGINES,
  type LiveStore,
  type LiveStoreEngine,
  type LiveStoreOptions,
} from "./store.ts";

/**
 * Opens (or creates) the state file of `options.engine` under the single-writer lock. Async
 * because the LMDB engine's native module is loaded only when it is asked for (so SQLite users
 * never need `--allow-ffi`).
 *
 * @throws {ConfigError} for an unknown engine, a lock another process holds, or an engine that
 * cannot run here.
 * @throws {DataError} for a file that is not a state file or cannot be migrated.
 */
export async function openLiveStore(options: LiveStoreOptions): Promise<LiveStore> {
  switch (options.engine) {
    case "sqlite":
      return SqliteLiveStore.open(options);
    case "lmdb":
      return (await lmdbModule()).openLmdbStore(options);
    default: {
      const unknown: never = options.engine;
      throw new ConfigError(`persistence engine "${String(unknown)}" is not known`, {
        hint: `use one of ${LIVE_STORE_ENGINES.join(", ")}`,
      });
    }
  }
}

/**
 * Which engine wrote `path`, from the file's first page: SQLite's header string or LMDB's
 * meta-page magic; undefined for anything else.
 *
 * @throws {DataError} when the file does not exist or cannot be read.
 */
export function detectStateEngine(path: string): LiveStoreEngine | undefined {
  let head: Uint8Array;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      head = new Uint8Array(32);
      const n = file.readSync(head) ?? 0;
      head = head.subarray(0, n);
    } finally {
      file.close();
    }
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    throw new DataError(
      missing
        ? `state file ${path} does not exist`
        : `cannot read state file ${path}: ${(error as Error).message}`,
      {
        hint: "give the file a live process writes (--path FILE, or [live.persistence] path)",
        cause: error,
      },
    );
  }
  if (new TextDecoder().decode(head.subarray(0, 16)) === "SQLite format 3\0") return "sqlite";
  // LMDB's meta page: the magic 0xBEEFC0DE (little-endian) at byte 24 of page 0.
  if (
    head.length >= 28 && head[24] === 0xde && head[25] === 0xc0 && head[26] === 0xef &&
    head[27] === 0xbe
  ) return "lmdb";
  return undefined;
}

/**
 * Opens a state file read-only, without the lock (a live process may be writing it), for
 * `tesser state inspect`; the engine is read from the file.
 *
 * @throws {DataError} when the file does not exist or is not a tesser state file.
 * @throws {ConfigError} when it is an LMDB file and the native module cannot load.
 */
export async function inspectLiveStore(path: string): Promise<LiveStore> {
  const engine = detectStateEngine(path);
  switch (engine) {
    case "sqlite":
      return SqliteLiveStore.inspect(path);
    case "lmdb":
      return (await lmdbModule()).inspectLmdbStore(path);
    case undefined:
      throw new DataError(`${path} is not a tesser state file (neither SQLite nor LMDB)`, {
        hint: "check the path; a live process writes the file given by --state-path",
      });
    default: {
      const unknown: never = engine;
      throw new TypeError(`Unknown engine ${String(unknown)}`);
    }
  }
}

async function lmdbModule(): Promise<typeof import("./lmdb_store.ts")> {
  try {
    return await import("./lmdb_store.ts");
  } catch (error) {
    throw new ConfigError(
      `persistence engine lmdb is not supported here: its native module did not load (${
        (error as Error).message.split("\n")[0]
      })`,
      {
        hint: "lmdb is a native addon: run with --allow-ffi, or use --persistence sqlite",
        cause: error,
      },
    );
  }
}
