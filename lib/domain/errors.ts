/**
 * The errors a user or a venue can cause. Programming misuse throws the built-in
 * `TypeError`/`RangeError` instead; the CLI maps these three to exit codes.
 *
 * @module
 */

/** Where in a file something went wrong; every part is optional but the file. */
export interface SourceLocation {
  /** Path of the file as the user gave it. */
  readonly file: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column number. */
  readonly column?: number;
}

/** Options shared by the domain errors. */
export interface TesserErrorOptions {
  /** Where the problem is (a file, a flag, an environment variable). */
  readonly location?: SourceLocation;
  /** What the user can do about it, one sentence. */
  readonly hint?: string;
  /** The underlying error, kept so nothing is lost. */
  readonly cause?: unknown;
}

function formatLocation(location: SourceLocation | undefined): string {
  if (location === undefined) return "";
  let where = location.file;
  if (location.line !== undefined) where += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) where += `:${location.column}`;
  return `${where}: `;
}

/** Base of the domain errors: a one-line message with location and hint. */
export abstract class TesserError extends Error {
  /** Where the problem is, when known. */
  readonly location: SourceLocation | undefined;
  /** What the user can do about it. */
  readonly hint: string | undefined;
  /** The message without location or hint. */
  readonly reason: string;

  /** Makes the error; the message is `location: reason (hint: …)`. */
  constructor(reason: string, options: TesserErrorOptions = {}) {
    const hint = options.hint === undefined ? "" : ` (hint: ${options.hint})`;
    super(`${formatLocation(options.location)}${reason}${hint}`, { cause: options.cause });
    this.reason = reason;
    this.location = options.location;
    this.hint = options.hint;
  }
}

/** Invalid configuration: a config file, an environment variable, a CLI flag. */
export class ConfigError extends TesserError {
  /** Always `"ConfigError"`. */
  override readonly name = "ConfigError";
}

/** Invalid or unreadable data: a CSV row, a Parquet file, a wire message. */
export class DataError extends TesserError {
  /** Always `"DataError"`. */
  override readonly name = "DataError";
}

/** What kind of failure an exchange reported; decides retry and alerting. */
export type ExchangeErrorKind =
  | "network"
  | "timeout"
  | "auth"
  | "rate-limit"
  | "rejected"
  | "invalid-request"
  | "unavailable"
  | "unknown";

/** Options of {@linkcode ExchangeError}. */
export interface ExchangeErrorOptions extends TesserErrorOptions {
  /** The venue that failed, e.g. `bybit`. */
  readonly venue: string;
  /** The venue's own error code, when it gave one. */
  readonly code?: string;
}

/** A failure reported by (or on the way to) an exchange. */
export class ExchangeError extends TesserError {
  /** Always `"ExchangeError"`. */
  override readonly name = "ExchangeError";
  /** The classified kind of failure. */
  readonly kind: ExchangeErrorKind;
  /** The venue that failed. */
  readonly venue: string;
  /** The venue's own error code, when it gave one. */
  readonly code: string | undefined;

  /** Makes an error of `kind` for `options.venue`; the message starts with venue and kind. */
  constructor(kind: ExchangeErrorKind, reason: string, options: ExchangeErrorOptions) {
    super(`${options.venue} ${kind}: ${reason}`, options);
    this.kind = kind;
    this.venue = options.venue;
    this.code = options.code;
  }

  /** Whether retrying the same request later may succeed. */
  get retryable(): boolean {
    return this.kind === "network" || this.kind === "timeout" || this.kind === "rate-limit" ||
      this.kind === "unavailable";
  }
}
