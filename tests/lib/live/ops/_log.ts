/**
 * A logger for tests that keeps every call, so a test can assert what was logged (and that no
 * secret was).
 *
 * @module
 */

import type { LiveLogger } from "../../../../lib/live/ops/logging.ts";

/** One logged call. */
export interface LoggedLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A logger that records, and everything it recorded as one string (for leak checks). */
export function recordingLog(): { log: LiveLogger; lines: LoggedLine[]; text(): string } {
  const lines: LoggedLine[] = [];
  const at = (level: LoggedLine["level"]) => (message: string, properties = {}): void => {
    lines.push({ level, message, properties });
  };
  return {
    log: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
    lines,
    text: () => JSON.stringify(lines),
  };
}
