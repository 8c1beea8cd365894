/**
 * The recording line format: one item per line, `<local receive time in ns> <payload>`. A
 * payload that starts with `#` is a marker (`#meta`, `#rest`, `#open`, `#close`, `#drop`,
 * `#timer`); anything else is a WebSocket frame exactly as received, which makes a recording
 * of only frames the format of hftbacktest's raw captures. Those captures are read too (their
 * REST snapshot is a frame line without a stream name, and the 2023 ones stamp µs, which the
 * magnitude of the first time tells). Spec: docs/recording.md.
 *
 * @module
 */

import { DataError, type JsonValue, type Micros } from "../../lib/domain/mod.ts";
import type { RecordedItem } from "../../lib/backtest/tick/mod.ts";

/** The format name in a recording's `#meta` header. */
export const RECORDING_FORMAT = "tesser-recording";

/** The format version this code writes and reads. */
export const RECORDING_VERSION = 1;

/** The header of one recording file (its first line, `#meta`). */
export interface RecordingHeader {
  /** Always {@linkcode RECORDING_FORMAT}. */
  readonly format: string;
  /** Format version. */
  readonly version: number;
  /** Id shared by every part of one recording (rotation). */
  readonly recording: string;
  /** Part number, 0 for the first file. */
  readonly part: number;
  /** Venue of the connector that recorded, e.g. `bybit`. */
  readonly venue: string;
  /** Anything else the recorder knew (profile, symbols, channels, start time). */
  readonly [key: string]: JsonValue;
}

/** A parsed line: an item, or the header. */
export type RecordingLine =
  | { readonly kind: "item"; readonly item: RecordedItem }
  | { readonly kind: "header"; readonly header: RecordingHeader };

/** The unit of a file's time column. */
export type TimeUnit = "ns" | "us";

/** The time of a line (µs) written with nanosecond digits. */
export function nanosText(us: Micros): string {
  return `${us}000`;
}

/** A frame's text on one line: line breaks (whitespace between JSON tokens) become spaces. */
export function oneLine(text: string): string {
  return text.includes("\n") || text.includes("\r") ? text.replace(/[\r\n]/g, " ") : text;
}

/** The line of `item` (without the newline). */
export function formatItem(item: RecordedItem): string {
  const t = nanosText(item.tsRecv);
  switch (item.kind) {
    case "frame":
      return `${t} ${oneLine(item.text)}`;
    case "rest":
      return `${t} #rest ${item.target} ${oneLine(item.body)}`;
    case "open":
    case "close":
      return `${t} #${item.kind} ${item.url}`;
    case "drop":
      return `${t} #drop ${item.frames}`;
    case "timer":
      return `${t} #timer ${oneLine(item.name)}`;
    default: {
      const never: never = item;
      throw new TypeError(`unknown recorded item ${JSON.stringify(never)}`);
    }
  }
}

/** The header line of a file. */
export function formatHeader(header: RecordingHeader, us: Micros): string {
  return `${nanosText(us)} #meta ${JSON.stringify(header)}`;
}

/** The unit of a time column from its first value: 17+ digits are ns, 15–16 digits µs. */
export function detectUnit(digits: string): TimeUnit | undefined {
  if (digits.length >= 17 && digits.length <= 20) return "ns";
  if (digits.length >= 15 && digits.length <= 16) return "us";
  return undefined;
}

/** Whether `line` looks like a recording line (`<digits> <payload>`). */
export function looksLikeRecording(line: string): boolean {
  const space = line.indexOf(" ");
  if (space < 15 || space > 20) return false;
  for (let i = 0; i < space; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const next = line[space + 1];
  return next === "{" || next === "[" || next === "#";
}

function lineError(file: string, line: number, reason: string): DataError {
  return new DataError(`not a recording line: ${reason}`, {
    location: { file, line },
    hint: "a recording line is `<receive time in ns> <raw frame>` (docs/recording.md)",
  });
}

/**
 * Parses one line of `file` (1-based `line`, for errors) whose time column is in `unit`.
 *
 * @throws {DataError} naming the file and line for a line that is not in the format.
 */
export function parseLine(text: string, unit: TimeUnit, file: string, line: number): RecordingLine {
  const space = text.indexOf(" ");
  if (space <= 0) throw lineError(file, line, `no time column in "${text.slice(0, 40)}"`);
  const digits = text.slice(0, space);
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) {
      throw lineError(file, line, `time "${digits.slice(0, 24)}" is not a number`);
    }
  }
  // ns since the epoch exceed 2^53: drop the last three digits as text, not as a float.
  const tsRecv = unit === "ns" ? Number(digits.slice(0, -3)) : Number(digits);
  const payload = text.slice(space + 1);
  if (payload.charCodeAt(0) !== 35 /* # */) {
    return { kind: "item", item: { kind: "frame", tsRecv, text: payload } };
  }
  const gap = payload.indexOf(" ");
  const marker = gap < 0 ? payload.slice(1) : payload.slice(1, gap);
  const rest = gap < 0 ? "" : payload.slice(gap + 1);
  switch (marker) {
    case "meta": {
      let header: unknown;
      try {
        header = JSON.parse(rest);
      } catch {
        throw lineError(file, line, "#meta is not JSON");
      }
      if (
        typeof header !== "object" || header === null ||
        (header as { format?: unknown }).format !== RECORDING_FORMAT
      ) throw lineError(file, line, `#meta is not a ${RECORDING_FORMAT} header`);
      const version = (header as { version?: unknown }).version;
      if (version !== RECORDING_VERSION) {
        throw new DataError(`recording format version ${String(version)} is not supported`, {
          location: { file, line },
          hint: `this Tesser reads version ${RECORDING_VERSION}`,
        });
      }
      return { kind: "header", header: header as RecordingHeader };
    }
    case "rest": {
      // `#rest METHOD TARGET BODY`: the target has no spaces (it is a URL path and query).
      const a = rest.indexOf(" ");
      const b = a < 0 ? -1 : rest.indexOf(" ", a + 1);
      if (b < 0) throw lineError(file, line, "#rest needs a method, a target and a body");
      return {
        kind: "item",
        item: { kind: "rest", tsRecv, target: rest.slice(0, b), body: rest.slice(b + 1) },
      };
    }
    case "open":
    case "close":
      return { kind: "item", item: { kind: marker, tsRecv, url: rest } };
    case "drop": {
      const frames = Number(rest);
      if (!Number.isInteger(frames) || frames < 0) {
        throw lineError(file, line, `#drop count "${rest}" is not a whole number`);
      }
      return { kind: "item", item: { kind: "drop", tsRecv, frames } };
    }
    case "timer":
      return { kind: "item", item: { kind: "timer", tsRecv, name: rest } };
    default:
      throw lineError(file, line, `unknown marker #${marker}`);
  }
}
