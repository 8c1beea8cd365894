/**
 * Reads recordings: {@linkcode sniffRecording} tells whether a file is one (and its header,
 * time unit and first frame, from which a connector's codec recognizes its venue), and
 * {@linkcode readRecordings} streams the items of one or more files merged by receive time
 * (ties in the order given), checking that each file is in time order. Several files of one
 * venue are read as one stream, so a book continues across rotated parts and consecutive
 * captures.
 *
 * @module
 */

import { DataError } from "../../lib/domain/mod.ts";
import type { RecordedItem } from "../../lib/backtest/tick/mod.ts";
import { isGzipPath, readLines } from "../../lib/data/_lines.ts";
import {
  detectUnit,
  looksLikeRecording,
  parseLine,
  type RecordingHeader,
  type TimeUnit,
} from "./format.ts";

/** What the start of a recording file says. */
export interface RecordingSniff {
  /** The path. */
  readonly path: string;
  /** The `#meta` header (absent in hftbacktest captures). */
  readonly header: RecordingHeader | undefined;
  /** The unit of the time column. */
  readonly unit: TimeUnit;
  /** The first frame's text, if the file has one near its start. */
  readonly firstFrame: string | undefined;
}

const SNIFF_LINES = 64;
const PREFIX_BYTES = 32;

// The first bytes of the (decompressed) file, so a Parquet or other binary file is told apart
// without scanning it for a line end.
async function prefix(path: string): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new DataError(`Cannot read file: ${reason}`, { location: { file: path }, cause: error });
  }
  const stream = isGzipPath(path)
    ? file.readable.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    )
    : file.readable;
  const reader = stream.getReader();
  const bytes: number[] = [];
  try {
    while (bytes.length < PREFIX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length && bytes.length < PREFIX_BYTES; i++) bytes.push(value[i]);
    }
  } catch {
    // Not gzip after all, or corrupt: the Tardis/JSONL readers report it properly.
    return "";
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return String.fromCharCode(...bytes);
}

/**
 * Whether `path` is a recording; undefined when its first line is not `<digits> <payload>`.
 *
 * @throws {DataError} when the file cannot be read or its header is not supported.
 */
export async function sniffRecording(path: string): Promise<RecordingSniff | undefined> {
  if (!/^\d{15,20} [{[#]/.test(await prefix(path))) return undefined;
  let header: RecordingHeader | undefined;
  let unit: TimeUnit | undefined;
  let firstFrame: string | undefined;
  let seen = 0;
  outer: for await (const chunk of readLines(path)) {
    for (let i = 0; i < chunk.lines.length; i++) {
      const text = chunk.lines[i];
      if (text === "") continue;
      const line = chunk.firstLine + i;
      if (unit === undefined) {
        if (!looksLikeRecording(text)) return undefined;
        unit = detectUnit(text.slice(0, text.indexOf(" ")));
        if (unit === undefined) return undefined;
      }
      const parsed = parseLine(text, unit, path, line);
      if (parsed.kind === "header") header ??= parsed.header;
      else if (parsed.item.kind === "frame") {
        firstFrame = parsed.item.text;
        break outer;
      }
      if (++seen >= SNIFF_LINES) break outer;
    }
  }
  if (unit === undefined) return undefined;
  return { path, header, unit, firstFrame };
}

interface Cursor {
  readonly path: string;
  readonly chunks: AsyncIterator<RecordedItem[]>;
  items: RecordedItem[];
  at: number;
  done: boolean;
}

// The items of one file in chunks, checked for time order; `#meta` lines are left out.
async function* fileItems(path: string, unit: TimeUnit): AsyncGenerator<RecordedItem[]> {
  let last = -Infinity;
  for await (const chunk of readLines(path)) {
    const items: RecordedItem[] = [];
    const lines = chunk.lines;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i];
      if (text === "") continue;
      const parsed = parseLine(text, unit, path, chunk.firstLine + i);
      if (parsed.kind === "header") continue;
      const item = parsed.item;
      if (item.tsRecv < last) {
        throw new DataError(
          `receive times are not sorted: ${item.tsRecv} µs comes after ${last} µs`,
          {
            location: { file: path, line: chunk.firstLine + i },
            hint: "a recording is written in receive order; was the file edited or concatenated?",
          },
        );
      }
      last = item.tsRecv;
      items.push(item);
    }
    if (items.length > 0) yield items;
  }
}

async function refill(cursor: Cursor): Promise<void> {
  while (!cursor.done && cursor.at >= cursor.items.length) {
    const next = await cursor.chunks.next();
    if (next.done === true) cursor.done = true;
    else {
      cursor.items = next.value;
      cursor.at = 0;
    }
  }
}

/**
 * The items of `files` (each with its sniffed unit) merged by receive time, in chunks.
 *
 * @throws {DataError} naming the file and line of a line out of format or out of order.
 */
export async function* readRecordings(
  files: readonly RecordingSniff[],
): AsyncGenerator<RecordedItem[]> {
  if (files.length === 1) {
    yield* fileItems(files[0].path, files[0].unit);
    return;
  }
  const cursors: Cursor[] = files.map((f) => ({
    path: f.path,
    chunks: fileItems(f.path, f.unit),
    items: [],
    at: 0,
    done: false,
  }));
  for (const cursor of cursors) await refill(cursor);
  let out: RecordedItem[] = [];
  while (true) {
    let best: Cursor | undefined;
    for (const cursor of cursors) {
      if (cursor.at >= cursor.items.length) continue;
      if (best === undefined || cursor.items[cursor.at].tsRecv < best.items[best.at].tsRecv) {
        best = cursor;
      }
    }
    if (best === undefined) break;
    out.push(best.items[best.at++]);
    if (best.at >= best.items.length) await refill(best);
    if (out.length >= 4096) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
