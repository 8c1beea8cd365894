/**
 * The temp files and folders of outputs being written (write a temp, then rename it into
 * place), tracked so that an interrupted command removes them before it exits, and the words
 * for a write the system refused (disk full, read-only, no permission) naming the output.
 *
 * Temp names carry the process id (`out.parquet.tmp-<pid>-<random>`): a command whose workers
 * wrote temps it cannot track (other isolates) sweeps its output folders for its own pid.
 *
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import { DataError } from "../domain/mod.ts";

const tracked = new Set<string>();

function random(): string {
  return crypto.randomUUID().slice(0, 8);
}

/** The temp-name marker of this process: `.tmp-<pid>-`. */
export function tempMarker(): string {
  return `.tmp-${Deno.pid}-`;
}

/**
 * A tracked temp path in the same folder as `path` (so the rename stays on one disk), named
 * `path.tmp-<pid>-<random>`, or `.name.tmp-<pid>-<random>` (hidden) with `hidden`.
 */
export function tempPathFor(path: string, options: { readonly hidden?: boolean } = {}): string {
  const temp = options.hidden === true
    ? join(dirname(path), `.${basename(path)}${tempMarker()}${random()}`)
    : `${path}${tempMarker()}${random()}`;
  tracked.add(temp);
  return temp;
}

/** Tracks `path` as a temp: removed if the process is interrupted (a lock file, say). */
export function trackTemp(path: string): void {
  tracked.add(path);
}

/** Stops tracking `temp` (it was renamed into place or removed). */
export function releaseTemp(temp: string): void {
  tracked.delete(temp);
}

/** The temps being written now (for tests and diagnostics). */
export function trackedTemps(): readonly string[] {
  return [...tracked];
}

/** Removes `path`, ignoring a missing file, and stops tracking it. */
export async function removeQuietly(path: string, recursive = false): Promise<void> {
  releaseTemp(path);
  try {
    await Deno.remove(path, { recursive });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/**
 * Removes every tracked temp now, synchronously (an interrupt handler calls it just before the
 * process exits); returns the paths it removed.
 */
export function removeTrackedTemps(): readonly string[] {
  const removed: string[] = [];
  for (const temp of tracked) {
    try {
      Deno.removeSync(temp, { recursive: true });
      removed.push(temp);
    } catch {
      // Gone already (renamed into place an instant ago) or not ours to remove.
    }
  }
  tracked.clear();
  return removed;
}

/**
 * Removes, under `dir` (recursively), every entry whose name has this process's temp marker:
 * the temps of workers (other isolates) that were stopped. Returns the paths removed.
 */
export function sweepTemps(dir: string): readonly string[] {
  const marker = tempMarker();
  const removed: string[] = [];
  const walk = (at: string): void => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(at)];
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.name.includes(marker)) {
        try {
          Deno.removeSync(path, { recursive: true });
          removed.push(path);
        } catch {
          // raced with its own cleanup
        }
      } else if (entry.isDirectory) walk(path);
    }
  };
  walk(dir);
  return removed;
}

// The errno codes of a write the system refused, in the user's words.
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EFBIG: "the file is larger than the file system allows",
  EIO: "an input/output error of the disk",
};

// The errno name Deno puts on an OS error (`ENOSPC`), when there is one.
function errorCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** Whether `error` is the system refusing a write (as opposed to a bug). */
export function isWriteFailure(error: unknown): boolean {
  const code = errorCode(error);
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory ||
    error instanceof Deno.errors.NotADirectory || error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.AlreadyExists || (code !== undefined && code in REASONS);
}

/**
 * The {@linkcode DataError} for a write of `path` that the system refused: names the path and
 * the reason (disk full, folder missing, ...), keeps the OS error as its cause.
 */
export function writeFailure(path: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  const code = errorCode(error);
  const full = code === "ENOSPC" || code === "EDQUOT";
  return new DataError(
    `cannot write ${path}: ${writeFailureReason(error)}; nothing was written there`,
    {
      hint: full
        ? "free some space (or choose an output on another disk) and run again"
        : "choose an output in a folder that exists and is writable",
      cause: error,
    },
  );
}

/** Why the system refused a write, in the user's words ("the disk is full"). */
export function writeFailureReason(error: unknown): string {
  const code = errorCode(error);
  return code !== undefined && code in REASONS
    ? REASONS[code]
    : error instanceof Deno.errors.NotFound
    ? "its folder does not exist"
    : error instanceof Deno.errors.IsADirectory
    ? "it is a folder"
    : error instanceof Deno.errors.NotADirectory
    ? "a part of the path is a file, not a folder"
    : error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Error
    ? error.message
    : String(error);
}

/** The folders {@linkcode makeOutputFolder} made, to remove again when the command fails. */
export interface CreatedFolder {
  /** Removes the folders made, if they are still empty (nothing else was put there). */
  undo(): Promise<void>;
}

/**
 * Makes `dir` with its parents when missing, remembering the outermost folder it made, so a
 * command that then fails leaves no empty output folder behind.
 *
 * @throws the error of `Deno.mkdir` (the caller words it).
 */
export async function makeOutputFolder(dir: string): Promise<CreatedFolder> {
  const first = await firstMissing(resolve(dir));
  await Deno.mkdir(dir, { recursive: true });
  return {
    undo: async () => {
      if (first !== undefined && await onlyEmptyFolders(first)) {
        await Deno.remove(first, { recursive: true }).catch(() => undefined);
      }
    },
  };
}

// The outermost folder of `path` that does not exist yet (undefined when `path` exists).
async function firstMissing(path: string): Promise<string | undefined> {
  let missing: string | undefined;
  for (let at = path;; at = dirname(at)) {
    try {
      await Deno.lstat(at);
      return missing;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) return missing;
      missing = at;
    }
    if (dirname(at) === at) return missing;
  }
}

async function onlyEmptyFolders(dir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isDirectory || !(await onlyEmptyFolders(join(dir, entry.name)))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `text` to `path` atomically: a tracked temp file next to it, then a rename, so a
 * crashed, killed or interrupted command never leaves half a file (an interrupt removes the
 * temp).
 *
 * @throws {DataError} naming `path` when the system refuses the write (disk full, say).
 */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await Deno.writeTextFile(temp, text, { createNew: true });
    await Deno.rename(temp, path);
    releaseTemp(temp);
  } catch (error) {
    await removeQuietly(temp).catch(() => undefined);
    throw writeFailure(path, error);
  }
}
