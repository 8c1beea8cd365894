/**
 * Opens the live store of the configured engine.
 *
 * @module
 */

import { ConfigError } from "../../domain/mod.ts";
import { SqliteLiveStore } from "./sqlite_store.ts";
import { LIVE_STORE_ENGINES, type LiveStore, type LiveStoreOptions } from "./store.ts";

/**
 * Opens (or creates) the state file of `options.engine` under the single-writer lock. Async
 * because the LMDB engine's native module is loaded only when it is asked for (so SQLite users
 * never need `--allow-ffi`).
 *
 * @throws {ConfigError} for an unknown engine, a lock another process holds, or an engine that
 * cannot run here.
 * @throws {DataError} for a file that is not a state file or cannot be migrated.
 *
 * @example Open, write an intent, close
 * ```ts
 * import { openLiveStore } from "./open_live_store.ts";
 *
 * const dir = Deno.makeTempDirSync();
 * const store = await openLiveStore({ engine: "sqlite", path: `${dir}/state.db`, lockKey: "demo" });
 * store.recordIntent({
 *   clientOrderId: "demo-1-1",
 *   command: { type: "cancel", symbol: "bybit:BTCUSDT", clientOrderId: "demo-1-1" },
 *   ts: 1,
 * });
 * console.assert(store.uncommitted().intents.length === 1);
 * console.assert(store.load() === undefined);
 * store.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function openLiveStore(options: LiveStoreOptions): Promise<LiveStore> {
  switch (options.engine) {
    case "sqlite":
      return SqliteLiveStore.open(options);
    case "lmdb": {
      let module: typeof import("./lmdb_store.ts");
      try {
        module = await import("./lmdb_store.ts");
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
      return module.openLmdbStore(options);
    }
    default: {
      const unknown: never = options.engine;
      throw new ConfigError(`persistence engine "${String(unknown)}" is not known`, {
        hint: `use one of ${LIVE_STORE_ENGINES.join(", ")}`,
      });
    }
  }
}
