/**
 * The single-writer lock of a live state file: one process per state file, and one per lock key
 * (account and symbols) among the state files of one directory. The locks are advisory
 * `flock`s on small side files, which the operating system releases when the process dies, even
 * by kill -9, so a crash never leaves a stale lock to clear by hand. The side files stay on disk
 * (deleting a lock file another process may be opening would let two processes hold "the" lock).
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { ConfigError } from "../../domain/mod.ts";

/** A held lock; {@linkcode WriterLock.release} lets the next process in. */
export interface WriterLock {
  /** The lock files held. */
  readonly files: readonly string[];
  /** Releases the locks (idempotent). */
  release(): void;
}

/** Who holds a lock, as written in its file. */
export interface LockHolder {
  /** Process id. */
  readonly pid: number;
  /** The lock key it runs under. */
  readonly lockKey: string;
  /** The state file it writes. */
  readonly path: string;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
}

/** The lock file of a state file: `<path>.lock`. */
export function stateLockPath(path: string): string {
  return `${path}.lock`;
}

/** The lock file of a key, next to the state file: `.tesser-<key>.lock` (key made file-safe). */
export function keyLockPath(path: string, lockKey: string): string {
  const safe = lockKey.replace(/[^A-Za-z0-9_.-]/g, "_");
  return join(dirname(path), `.tesser-${safe}.lock`);
}

function readHolder(file: Deno.FsFile): LockHolder | undefined {
  try {
    const buffer = new Uint8Array(4096);
    file.seekSync(0, Deno.SeekMode.Start);
    const n = file.readSync(buffer) ?? 0;
    const data = JSON.parse(new TextDecoder().decode(buffer.subarray(0, n)));
    return typeof data?.pid === "number" ? data as LockHolder : undefined;
  } catch {
    return undefined;
  }
}

function describe(holder: LockHolder | undefined): string {
  if (holder === undefined) return "another process";
  return `process ${holder.pid} (key ${holder.lockKey}, state ${holder.path}, since ${holder.since})`;
}

function take(
  lockFile: string,
  holder: LockHolder,
  refuse: (by: string) => ConfigError,
): Deno.FsFile {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(lockFile, { read: true, write: true, create: true });
  } catch (error) {
    throw new ConfigError(`cannot open the lock file ${lockFile}: ${(error as Error).message}`, {
      hint: "the state file's directory must be writable",
      cause: error,
    });
  }
  if (!file.tryLockSync(true)) {
    const by = describe(readHolder(file));
    file.close();
    throw refuse(by);
  }
  file.truncateSync(0);
  file.seekSync(0, Deno.SeekMode.Start);
  file.writeSync(new TextEncoder().encode(`${JSON.stringify(holder)}\n`));
  return file;
}

/**
 * Takes both locks of `path` under `lockKey`, or refuses.
 *
 * @throws {ConfigError} when another process holds either lock (naming it: pid, key, state
 * file, since when), or the state file's folder or a lock file cannot be created.
 */
export function acquireWriterLock(path: string, lockKey: string): WriterLock {
  // A fresh machine has no state folder yet (the default is ./reports/live_state.db).
  try {
    Deno.mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new ConfigError(
      `cannot create the folder of the state file ${path}: ${(error as Error).message}`,
      { hint: "choose a writable --state-path", cause: error },
    );
  }
  const holder: LockHolder = { pid: Deno.pid, lockKey, path, since: new Date().toISOString() };
  const stateLock = stateLockPath(path);
  const keyLock = keyLockPath(path, lockKey);
  const first = take(
    stateLock,
    holder,
    (by) =>
      new ConfigError(`state file ${path} is already in use by ${by}`, {
        hint:
          "one live process per state file: stop the other one, or give this one its own --state-path",
      }),
  );
  let second: Deno.FsFile;
  try {
    second = take(
      keyLock,
      holder,
      (by) =>
        new ConfigError(`another live process already trades ${lockKey}: ${by}`, {
          hint: `one process per account and symbol (lock ${basename(keyLock)}); stop it first`,
        }),
    );
  } catch (error) {
    first.close();
    throw error;
  }
  let released = false;
  return {
    files: [stateLock, keyLock],
    release(): void {
      if (released) return;
      released = true;
      // Closing the descriptors drops the flocks.
      second.close();
      first.close();
    },
  };
}
