/**
 * The lock of an output folder: `.<name>.lock` beside it, held (an exclusive `flock`) from
 * before a command computes anything until its output is in place, so a second run writing to
 * the same `--output-dir` refuses at once instead of mixing or overwriting the first one's
 * files. The system releases the lock of a process that dies (even `kill -9`), so a lock file
 * left behind is simply taken over; an interrupt removes it with the temps.
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
  /** Releases and removes the lock (idempotent). */
  release(): Promise<void>;
}

interface LockInfo {
  readonly pid: number;
  readonly started: string;
  readonly command: string;
}

let locking = true;

/**
 * Makes {@linkcode lockOutputDir} a no-op in this isolate: a batch worker's runs write into
 * folders of the batch's own folder, whose lock the batch holds (and a terminated worker could
 * not release a lock of its own).
 */
export function insideLockedBatch(): void {
  locking = false;
}

/** The lock file of output folder `dir`. */
export function lockPathFor(dir: string): string {
  const target = resolve(dir);
  return join(dirname(target), `.${basename(target)}.lock`);
}

function readInfo(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(Deno.readTextFileSync(path));
    return typeof info?.pid === "number" ? info as LockInfo : undefined;
  } catch {
    return undefined;
  }
}

// Whether `file` is still the file at `path` (a holder that released it may have removed it,
// and a lock on a removed file excludes nobody).
async function stillThere(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    return (await file.stat()).ino === (await Deno.stat(path)).ino;
  } catch {
    return false;
  }
}

/**
 * Takes the lock of output folder `dir` for `command`, making the folder's parent if missing.
 *
 * @throws {DataError} when another run holds it, naming the run and the lock file.
 */
export async function lockOutputDir(dir: string, command: string): Promise<OutputLock> {
  const path = lockPathFor(dir);
  if (!locking) return { path, release: () => Promise.resolve() };
  let created: CreatedFolder;
  try {
    // The parent is made for the lock; a run that then fails takes it away again.
    created = await makeOutputFolder(dirname(path));
  } catch (error) {
    throw writeFailure(dir, error);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true, create: true });
    } catch (error) {
      await created.undo();
      throw writeFailure(dir, error);
    }
    if (!(await file.tryLock(true))) {
      file.close();
      const other = readInfo(path);
      const who = other === undefined
        ? "another run"
        : `another run (${other.command}, pid ${other.pid}, since ${other.started})`;
      await created.undo();
      throw new DataError(`${who} is writing to ${dir}; this run would mix with it`, {
        hint: `wait for it to finish or choose another --output-dir`,
      });
    }
    if (!(await stillThere(file, path))) {
      file.close(); // removed by the holder we waited on: lock the new file instead
      continue;
    }
    const info: LockInfo = { pid: Deno.pid, started: new Date().toISOString(), command };
    await file.truncate(0);
    await file.write(new TextEncoder().encode(`${JSON.stringify(info)}\n`));
    trackTemp(path);
    let held = true;
    return {
      path,
      release: async () => {
        if (!held) return;
        held = false;
        releaseTemp(path);
        // Removed while still locked, so no other run can lock the old file in between.
        await Deno.remove(path).catch(() => undefined);
        file.close();
        await created.undo();
      },
    };
  }
  await created.undo();
  throw new DataError(`cannot take the lock ${path} of ${dir}: it keeps changing`, {
    hint: "another run is starting on the same --output-dir; run one at a time",
  });
}

/**
 * Removes the lock files in `dir` that nobody holds: what workers stopped by a time limit or
 * an interrupt left (a lock held by a live run is kept). Returns the paths removed.
 */
export async function removeStaleLocks(dir: string): Promise<readonly string[]> {
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
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, write: true });
    } catch {
      continue; // released and removed an instant ago
    }
    try {
      if (await file.tryLock(true)) {
        await Deno.remove(path).catch(() => undefined);
        removed.push(path);
      }
    } finally {
      file.close();
    }
  }
  return removed;
}
