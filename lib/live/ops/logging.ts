/**
 * Logs of a live process through LogTape (the only module that imports it): one JSON object per
 * line in a size-rotated file written by LogTape's non-blocking file sink, and a short human line
 * per record on the terminal. Every record carries its time, level, component and strategy, plus
 * the ids the caller passed as properties; secrets are redacted before anything is written.
 *
 * @module
 */

import {
  configure,
  getLogger,
  type LogLevel,
  type LogRecord,
  reset,
  type Sink,
} from "@logtape/logtape";
import { getRotatingFileSink } from "@logtape/file";
import { dirname } from "node:path";
import { ConfigError } from "../../domain/mod.ts";
import { redactText, redactValue } from "./redact.ts";

/** When the JSON-lines file is rotated and how many old files are kept. */
export interface LogRotation {
  /** Size in bytes at which the file is rotated (`live.json` → `live.json.1`, …). */
  readonly maxBytes: number;
  /** How many rotated files to keep besides the current one (`.1` is the newest). */
  readonly maxFiles: number;
}

/** The levels a live process logs at, lowest first. */
export type LiveLogLevel = "debug" | "info" | "warning" | "error";

/** Options of {@linkcode configureLiveLogging}. */
export interface LiveLoggingOptions {
  /** The JSON-lines file (`live.log_path`); without it only the terminal gets lines. */
  readonly path?: string;
  /** The strategy's name, written on every line. */
  readonly strategy: string;
  /** Size rotation; 10 MiB and five old files by default. */
  readonly rotation?: LogRotation;
  /** The lowest level written; `info` by default. */
  readonly level?: LiveLogLevel;
  /**
   * Where human lines go: `true` (the default) writes them to stderr, `false` turns them off,
   * a function receives each line (tests, or a custom console).
   */
  readonly terminal?: boolean | ((line: string) => void);
  /** Secret values (API keys, the webhook URL, the control token) replaced wherever they appear. */
  readonly secrets?: readonly string[];
}

/** The configured logging; close it on shutdown so buffered lines reach the file. */
export interface LiveLogging extends AsyncDisposable {
  /** Flushes and closes the file sink and stops routing records. */
  close(): Promise<void>;
}

/** A logger for one component of the live process. */
export interface LiveLogger {
  /** Logs at debug level; `properties` become fields of the JSON line. */
  debug(message: string, properties?: Readonly<Record<string, unknown>>): void;
  /** Logs at info level. */
  info(message: string, properties?: Readonly<Record<string, unknown>>): void;
  /** Logs at warning level. */
  warn(message: string, properties?: Readonly<Record<string, unknown>>): void;
  /** Logs at error level. */
  error(message: string, properties?: Readonly<Record<string, unknown>>): void;
}

/** Default rotation: 10 MiB per file, five old files (about 60 MiB of logs at most). */
export const DEFAULT_LOG_ROTATION: LogRotation = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 };

const ROOT_CATEGORY = "tesser";

/**
 * The logger of `component` (e.g. `alerts`, `supervisor`, `control`). Records go nowhere until
 * {@linkcode configureLiveLogging} has run, so library users who never configure it see nothing.
 *
 * @example
 * ```ts
 * import { configureLiveLogging, liveLogger } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const logging = await configureLiveLogging({ strategy: "sma", terminal: (line) => lines.push(line) });
 * liveLogger("reconcile").info("order adopted", { clientOrderId: "t-1-42" });
 * await logging.close();
 * assert.match(lines[0], /INFO {2}reconcile: order adopted clientOrderId=t-1-42$/);
 * ```
 */
export function liveLogger(component: string): LiveLogger {
  const logger = getLogger([ROOT_CATEGORY, component]);
  // Properties are copied: LogTape keeps the object, and callers may reuse theirs.
  return {
    debug: (message, properties = {}) => logger.debug(message, { ...properties }),
    info: (message, properties = {}) => logger.info(message, { ...properties }),
    warn: (message, properties = {}) => logger.warn(message, { ...properties }),
    error: (message, properties = {}) => logger.error(message, { ...properties }),
  };
}

/** One log record as a plain value (the shape a runtime passes around as its log callback). */
export interface LiveLogEntry {
  /** Severity. */
  readonly level: "debug" | "info" | "warn" | "error";
  /** Which part of the process, e.g. `runtime`, `reconcile`, `feed`. */
  readonly component: string;
  /** What happened, for humans. */
  readonly message: string;
  /** Ids and figures, written as fields of the JSON line. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

const loggers = new Map<string, LiveLogger>();

/**
 * Logs `entry` through its component's logger: a log callback for code that takes one
 * (`log: writeLiveLog`).
 */
export function writeLiveLog(entry: LiveLogEntry): void {
  let logger = loggers.get(entry.component);
  if (logger === undefined) {
    logger = liveLogger(entry.component);
    loggers.set(entry.component, logger);
  }
  logger[entry.level](entry.message, entry.fields);
}

/**
 * Routes every `tesser` logger to the JSON-lines file and the terminal. Configuring again
 * replaces the previous set-up (close it first to flush its file).
 *
 * @throws {ConfigError} when the rotation is not positive or the log folder cannot be created.
 */
export async function configureLiveLogging(options: LiveLoggingOptions): Promise<LiveLogging> {
  const rotation = options.rotation ?? DEFAULT_LOG_ROTATION;
  if (
    !(rotation.maxBytes >= 1024) || !Number.isInteger(rotation.maxFiles) || rotation.maxFiles < 1
  ) {
    throw new ConfigError(
      `log rotation needs maxBytes ≥ 1024 and maxFiles ≥ 1, got ${rotation.maxBytes} and ${rotation.maxFiles}`,
      { hint: "use e.g. 10 MiB (10485760 bytes) and 5 files" },
    );
  }
  const secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
  const sinks: Record<string, Sink> = {};
  const names: string[] = [];
  if (options.path !== undefined) {
    try {
      Deno.mkdirSync(dirname(options.path), { recursive: true });
    } catch (error) {
      throw new ConfigError(`cannot create the log folder ${dirname(options.path)}`, {
        location: { file: options.path },
        hint: "set live.log_path (or --log-path) to a writable place",
        cause: error,
      });
    }
    // LogTape disposes the sink (flushing its buffer) on reset(), whichever overload typed it.
    sinks.file = getRotatingFileSink(options.path, {
      maxSize: rotation.maxBytes,
      maxFiles: rotation.maxFiles,
      nonBlocking: true,
      // Rotation is checked per write of the buffer, so the buffer is kept small against the
      // file size: a file passes maxBytes by at most one buffer (or what one burst logged
      // without yielding, since the sink writes when the caller's task yields).
      bufferSize: Math.min(8192, Math.floor(rotation.maxBytes / 8)),
      flushInterval: 1000,
      formatter: (record) => jsonLine(record, options.strategy, secrets),
    });
    names.push("file");
  }
  const terminal = options.terminal ?? true;
  if (terminal !== false) {
    const write = terminal === true ? stderrWriter() : terminal;
    sinks.terminal = (record) => write(humanLine(record, secrets));
    names.push("terminal");
  }
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: [ROOT_CATEGORY], sinks: names, lowestLevel: options.level ?? "info" },
      // LogTape's own warnings (a sink that threw, say) go to the terminal only.
      {
        category: ["logtape", "meta"],
        sinks: names.filter((name) => name === "terminal"),
        lowestLevel: "warning",
      },
    ],
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // reset() disposes the sinks, which flushes the file sink's buffer and stops its timer.
    await reset();
  };
  return { close, [Symbol.asyncDispose]: close };
}

function stderrWriter(): (line: string) => void {
  const encoder = new TextEncoder();
  return (line) => {
    const bytes = encoder.encode(`${line}\n`);
    let written = 0;
    while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
  };
}

const LEVEL_NAMES: Readonly<Record<LogLevel, string>> = {
  trace: "trace",
  debug: "debug",
  info: "info",
  warning: "warn",
  error: "error",
  fatal: "fatal",
};

function messageOf(record: LogRecord): string {
  // LogTape splits the message into text and interpolated values, alternately.
  return record.message.map((part, i) => i % 2 === 0 ? String(part) : stringify(part)).join("");
}

function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One JSON line: the fixed fields first, then the caller's properties (redacted). */
function jsonLine(record: LogRecord, strategy: string, secrets: readonly string[]): string {
  const line: Record<string, unknown> = {
    time: new Date(record.timestamp).toISOString(),
    level: LEVEL_NAMES[record.level],
    component: record.category.slice(1).join(".") || ROOT_CATEGORY,
    strategy,
    message: redactText(messageOf(record), secrets),
  };
  for (const [key, value] of Object.entries(record.properties)) {
    if (key in line) continue;
    line[key] = redactValue(key, value, secrets);
  }
  return `${JSON.stringify(line)}\n`;
}

/** One human line: `01:02:03.456 WARN  alerts: message key=value`. */
function humanLine(record: LogRecord, secrets: readonly string[]): string {
  const time = new Date(record.timestamp).toISOString().slice(11, 23);
  const level = LEVEL_NAMES[record.level].toUpperCase().padEnd(5);
  const component = record.category.slice(1).join(".") || ROOT_CATEGORY;
  const fields = Object.entries(record.properties)
    .map(([key, value]) => `${key}=${stringify(redactValue(key, value, secrets))}`)
    .join(" ");
  const message = redactText(messageOf(record), secrets);
  return `${time} ${level} ${component}: ${message}${fields === "" ? "" : ` ${fields}`}`;
}
