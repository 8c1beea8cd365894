/**
 * Seeded fault schedules from TOML: each `[[fault]]` names a kind and its fields (snake_case,
 * as in the fault specs), and when it happens — `at_ms` after start, optionally repeated
 * every `every_ms` up to `times`, each occurrence moved by a seeded `jitter_ms`. The same
 * seed gives the same times.
 *
 * ```toml
 * seed = 7
 * [[fault]]
 * kind = "ws-drop"
 * stream = "public"
 * at_ms = 2000
 * [[fault]]
 * kind = "http-status"
 * status = 429
 * retry_after_seconds = 1
 * at_ms = 500
 * every_ms = 5000
 * times = 3
 * jitter_ms = 250
 * ```
 *
 * @module
 */

import { ConfigError, findKeyLine, parseToml } from "./_lib.ts";
import { seededRandom } from "./_random.ts";
import { FAULT_KINDS, type FaultController, type FaultSpec, validateFault } from "./faults.ts";

/** One scheduled fault occurrence. */
export interface ScheduledFault {
  /** Milliseconds after the start. */
  readonly atMs: number;
  /** What to inject. */
  readonly fault: FaultSpec;
}

const TIMING = new Set(["at_ms", "every_ms", "times", "jitter_ms"]);
const FIELDS = new Set([
  "kind",
  "stream",
  "code",
  "reason",
  "ms",
  "count",
  "status",
  "path",
  "retry_after_seconds",
  "message",
  "client_id",
]);

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses a schedule; occurrences sorted by time. @throws {ConfigError} naming file and line. */
export function parseFaultSchedule(text: string, file: string): readonly ScheduledFault[] {
  const table = parseToml(text, file);
  const fail = (path: (string | number)[], reason: string, hint?: string): never => {
    throw new ConfigError(reason, { location: { file, line: lineOf(text, path) }, hint });
  };
  for (const key of Object.keys(table)) {
    if (key !== "seed" && key !== "fault") {
      fail([key], `unknown key "${key}"`, "valid keys: seed, fault");
    }
  }
  const seed = table.seed ?? 1;
  if (typeof seed !== "number" || !Number.isInteger(seed)) {
    fail(["seed"], "seed must be an integer");
  }
  const random = seededRandom(seed as number);
  const entries = table.fault ?? [];
  if (!Array.isArray(entries)) {
    return fail(["fault"], "fault must be an array of tables ([[fault]])");
  }
  const out: ScheduledFault[] = [];
  entries.forEach((entry: unknown, index: number) => {
    if (typeof entry !== "object" || entry === null) {
      fail(["fault"], `fault ${index + 1} is not a table`);
    }
    const row = entry as Record<string, unknown>;
    const spec: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (TIMING.has(key)) continue;
      if (!FIELDS.has(key)) {
        fail(
          ["fault", key, index],
          `fault ${index + 1}: unknown key "${key}"`,
          `valid keys: ${[...FIELDS, ...TIMING].join(", ")}`,
        );
      }
      spec[camel(key)] = value;
    }
    if (typeof spec.kind !== "string" || !FAULT_KINDS.includes(spec.kind as FaultSpec["kind"])) {
      fail(
        ["fault", "kind", index],
        `fault ${index + 1}: kind must be one of ${FAULT_KINDS.join(", ")}`,
      );
    }
    const fault = spec as unknown as FaultSpec;
    try {
      validateFault(fault);
    } catch (error) {
      fail(["fault", "kind", index], `fault ${index + 1}: ${(error as Error).message}`);
    }
    const number = (key: string, fallback: number): number => {
      const value = row[key] ?? fallback;
      if (typeof value !== "number" || !(value >= 0)) {
        fail(["fault", key, index], `fault ${index + 1}: ${key} must be a number ≥ 0`);
      }
      return value as number;
    };
    const at = number("at_ms", 0);
    const every = number("every_ms", 0);
    const times = number("times", 1);
    const jitter = number("jitter_ms", 0);
    if (times > 1 && every === 0) {
      fail(["fault", "times", index], `fault ${index + 1}: times > 1 needs every_ms`);
    }
    for (let i = 0; i < times; i++) {
      const offset = jitter > 0 ? Math.round((random() * 2 - 1) * jitter) : 0;
      out.push({ atMs: Math.max(0, at + i * every + offset), fault });
    }
  });
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Injects each occurrence at its time (wall-clock timers); returns a function that cancels the rest. */
export function runFaultSchedule(
  schedule: readonly ScheduledFault[],
  faults: FaultController,
): () => void {
  const timers = schedule.map((entry) => setTimeout(() => faults.inject(entry.fault), entry.atMs));
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}

/**
 * The line of `path`: a top-level key, or `["fault", key, n]` — `key` in the n-th (0-based)
 * `[[fault]]` table (the library's finder does not look inside arrays of tables).
 */
function lineOf(text: string, path: readonly (string | number)[]): number | undefined {
  if (path[0] !== "fault" || path.length < 2) return findKeyLine(text, path.map(String));
  const lines = text.split("\n");
  const index = typeof path[2] === "number" ? path[2] : 0;
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith("[")) {
      if (line === "[[fault]]") seen++;
      continue;
    }
    if (seen === index && line.startsWith(`${path[1]}`) && /^[\w"]+\s*=/.test(line)) {
      const key = line.split("=")[0].trim().replace(/"/g, "");
      if (key === path[1]) return i + 1;
    }
  }
  return undefined;
}
