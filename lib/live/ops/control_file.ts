/**
 * The control file: where a running live process tells `tesser live control --state-path FILE`
 * how to reach it. The runtime writes it next to its state file, `<state file>.control.json`,
 * readable by its owner only (it holds the control token), once the ops server listens, and
 * removes it on a clean shutdown. Format (JSON, version 1):
 *
 * ```json
 * {"format": "tesser-live-control", "version": 1, "addr": "127.0.0.1:9100",
 *  "token": "<64 hex>", "pid": 4242, "strategy": "sma_btc",
 *  "started_at": "2026-12-02T01:00:00.000Z"}
 * ```
 *
 * @module
 */

import { ConfigError, DataError } from "../../domain/mod.ts";

/** What the control file says. */
export interface ControlFile {
  /** `HOST:PORT` of the ops server. */
  readonly addr: string;
  /** The bearer token of `/control/*`. */
  readonly token: string;
  /** The live process's id (to tell a stale file from a live one). */
  readonly pid: number;
  /** The strategy it runs, when known. */
  readonly strategy?: string;
  /** When the process started (ISO 8601 UTC). */
  readonly startedAt: string;
}

const FORMAT = "tesser-live-control";
const VERSION = 1;

/** The control file of the state file `statePath`. */
export function controlFilePath(statePath: string): string {
  return `${statePath}.control.json`;
}

/**
 * Writes the control file of `statePath` atomically (temp file, then rename) with mode 0600.
 * Returns its path.
 */
export function writeControlFile(
  statePath: string,
  file: Omit<ControlFile, "pid" | "startedAt"> & Partial<Pick<ControlFile, "pid" | "startedAt">>,
): string {
  const path = controlFilePath(statePath);
  const body: Record<string, unknown> = {
    format: FORMAT,
    version: VERSION,
    addr: file.addr,
    token: file.token,
    pid: file.pid ?? Deno.pid,
    started_at: file.startedAt ?? new Date().toISOString(),
  };
  if (file.strategy !== undefined) body.strategy = file.strategy;
  const temp = `${path}.tmp-${Deno.pid}`;
  Deno.writeTextFileSync(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  // The mode of writeTextFile applies only on create; a stale temp file keeps its own.
  Deno.chmodSync(temp, 0o600);
  Deno.renameSync(temp, path);
  return path;
}

/**
 * Removes the control file of `statePath` if it is this process's (a newer process's file is
 * left alone). Returns whether it removed one.
 */
export function removeControlFile(statePath: string, pid: number = Deno.pid): boolean {
  const path = controlFilePath(statePath);
  try {
    if (readControlFile(statePath).pid !== pid) return false;
    Deno.removeSync(path);
    return true;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Reads the control file of `statePath`.
 *
 * @throws {ConfigError} when there is none (no live process with that state file is serving).
 * @throws {DataError} when it is not a version-1 control file.
 */
export function readControlFile(statePath: string): ControlFile {
  const path = controlFilePath(statePath);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(`no control file ${path}`, {
        location: { file: statePath },
        hint: "is `tesser live run` running with this state file? (it writes the file once its " +
          "ops server listens) or pass --addr HOST:PORT and --token",
      });
    }
    throw new ConfigError(`cannot read the control file ${path}: ${String(error)}`, {
      location: { file: path },
      hint: "run as the user that runs the live process (the file is readable by its owner only)",
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(`the control file is not JSON`, { location: { file: path }, cause: error });
  }
  const record = typeof value === "object" && value !== null
    ? value as Record<string, unknown>
    : {};
  if (record.format !== FORMAT || record.version !== VERSION) {
    throw new DataError(
      `not a version-${VERSION} control file (format "${String(record.format)}", version ${
        String(record.version)
      })`,
      { location: { file: path }, hint: "use the tesser version that runs the live process" },
    );
  }
  const { addr, token, pid, strategy, started_at: startedAt } = record;
  if (
    typeof addr !== "string" || typeof token !== "string" || typeof pid !== "number" ||
    typeof startedAt !== "string" || (strategy !== undefined && typeof strategy !== "string")
  ) {
    throw new DataError("the control file lacks addr, token, pid or started_at", {
      location: { file: path },
    });
  }
  return strategy === undefined
    ? { addr, token, pid, startedAt }
    : { addr, token, pid, startedAt, strategy };
}
