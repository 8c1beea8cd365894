/**
 * The lock of an output folder: `.<name>.lock` beside it, made before a command computes
 * anything, so a second run writing to the same `--output-dir` refuses at once instead of
 * mixing or overwriting the first one's files. A lock whose process is gone (killed) is taken
 * over; an interrupt removes it with the temps.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { DataError } from "../lib/domain/mod.ts";
import {
  type CreatedFolder,
  makeOutputFolder,
  releaseTemp,
  trackTemp,
  writeFailure,
} from "../lib/data/mod.ts";

/** A held output lock. */
export interface OutputLock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock (idempotent). */
  release(): Promise<void>;
}

interface LockInfo {
  readonly pid: number;
  readonly started: string;
  readonly command: string;
}

/** The lock file of output folder `dir`. */
export function lockPathFor(dir: string): string {
  const target = resolve(dir);
  return join(dirname(target), `.${basename(target)}.lock`);
}

// Whether the lock's process still runs. Only Linux can tell cheaply (/proc) and without more
// permissions; elsewhere a lock is taken to be held, and the message says how to remove it.
// (A folder shared between machines is not a case this lock is for.)
function alive(info: LockInfo): boolean {
  if (Deno.build.os !== "linux") return true;
  try {
    Deno.statSync(`/proc/${info.pid}`);
    return true;
  } catch {
    return false;
  }
}

function readInfo(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(Deno.readTextFileSync(path));
    return typeof info?.pid === "number" ? info as LockInfo : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of output folder `dir` for `command`, making the folder's parent if missing.
 *
 * @throws {DataError} when another live run holds it, naming the run and the lock file.
 */
export async function lockOutputDir(dir: string, command: string): Promise<OutputLock> {
  const path = lockPathFor(dir);
  let created: CreatedFolder;
  try {
    // The parent is made for the lock; a run that then fails takes it away again.
    created = await makeOutputFolder(dirname(path));
  } catch (error) {
    throw writeFailure(dir, error);
  }
  const info: LockInfo = {
    pid: Deno.pid,
    started: new Date().toISOString(),
    command,
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(path, `${JSON.stringify(info)}\n`, { createNew: true });
      trackTemp(path);
      let held = true;
      return {
        path,
        release: async () => {
          if (!held) return;
          held = false;
          releaseTemp(path);
          await Deno.remove(path).catch(() => undefined);
          await created.undo();
        },
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) {
        await created.undo();
        throw writeFailure(dir, error);
      }
      const other = readInfo(path);
      if (other !== undefined && !alive(other)) {
        // The run that held it was killed: its lock is stale.
        await Deno.remove(path).catch(() => undefined);
        continue;
      }
      const who = other === undefined
        ? "another run"
        : `another run (${other.command}, pid ${other.pid}, since ${other.started})`;
      await created.undo();
      throw new DataError(`${who} is writing to ${dir}; this run would mix with it`, {
        hint:
          `wait for it to finish or choose another --output-dir; if no run is going, delete ${path}`,
      });
    }
  }
  throw new DataError(`cannot take the lock ${path} of ${dir}`, {
    hint: `delete ${path} if no run is writing to ${dir}`,
  });
}

/**
 * Removes the locks in `dir` that this process's workers took and could not release (they
 * were stopped by a time limit or an interrupt); returns the paths removed.
 */
export function removeOwnLocks(dir: string): readonly string[] {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return removed;
  }
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.startsWith(".") || !entry.name.endsWith(".lock")) continue;
    const path = join(dir, entry.name);
    if (readInfo(path)?.pid !== Deno.pid) continue;
    try {
      Deno.removeSync(path);
      removed.push(path);
    } catch {
      // released by its worker an instant ago
    }
  }
  return removed;
}
