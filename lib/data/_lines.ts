/**
 * Streams a text file (plain, or gzip when the name ends in `.gz`) as chunks of lines with
 * their 1-based line numbers, without loading the file. Read and gzip failures become a
 * `DataError` naming the file.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";

/** A run of consecutive lines; `lines[i]` is line `firstLine + i` of the file. */
export interface LineChunk {
  /** 1-based number of `lines[0]`. */
  readonly firstLine: number;
  /** The lines, without their `\n` / `\r\n`. */
  readonly lines: readonly string[];
}

/** Options of {@linkcode readLines}. */
export interface ReadLinesOptions {
  /** Called with the number of (compressed) bytes read so far, for progress bars. */
  readonly onBytes?: (bytes: number) => void;
}

/** Whether `path` names a gzip file. */
export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith(".gz");
}

/** Options of {@linkcode readLineBytes}. */
export interface ReadLineBytesOptions extends ReadLinesOptions {
  /**
   * The line the caller has reached, for the location of a read error. Blocks carry no line
   * numbers: the caller counts lines as it scans them, and counting here would scan twice.
   */
  readonly currentLine?: () => number;
}

/** Opens `path` as a byte stream (gunzipped for `.gz`), counting raw bytes for `onBytes`. */
async function openBytes(
  path: string,
  options: ReadLinesOptions,
): Promise<ReadableStream<Uint8Array>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new DataError(`Cannot read file: ${reason}`, { location: { file: path }, cause: error });
  }
  let bytes = 0;
  const counted = file.readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller): void {
        bytes += chunk.byteLength;
        options.onBytes?.(bytes);
        controller.enqueue(chunk);
      },
    }),
  );
  return isGzipPath(path)
    ? counted.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    )
    : counted;
}

function readError(path: string, line: number | undefined, error: unknown): DataError {
  const gzip = isGzipPath(path);
  const what = gzip ? "gzip data is corrupt or truncated" : "read failed";
  return new DataError(`Cannot read file: ${what} (${(error as Error).message})`, {
    location: { file: path, line },
    hint: gzip ? "re-download the file; `gzip -t` checks it" : undefined,
    cause: error,
  });
}

/** Yields the lines of `path` in chunks; a final empty line (trailing newline) is dropped. */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineChunk> {
  const text = (await openBytes(path, options)).pipeThrough(new TextDecoderStream());
  let carry = "";
  let lineNo = 1;
  const reader = text.getReader();
  try {
    while (true) {
      let result: ReadableStreamReadResult<string>;
      try {
        result = await reader.read();
      } catch (error) {
        throw readError(path, lineNo, error);
      }
      if (result.done) break;
      const parts = (carry + result.value).split("\n");
      carry = parts.pop() ?? "";
      if (parts.length === 0) continue;
      for (let i = 0; i < parts.length; i++) {
        const line = parts[i] as string;
        if (line.endsWith("\r")) parts[i] = line.slice(0, -1);
      }
      yield { firstLine: lineNo, lines: parts };
      lineNo += parts.length;
    }
    if (carry !== "") {
      yield { firstLine: lineNo, lines: [carry.endsWith("\r") ? carry.slice(0, -1) : carry] };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Yields the lines of `path` as undecoded UTF-8 bytes in blocks of whole lines (one per chunk
 * read), for parsers that scan char codes instead of allocating a string per line. Each line
 * ends with `\n` (maybe `\r\n`) except perhaps the file's last; a byte order mark at the start
 * of the file is dropped. Decoding a line with `new TextDecoder("utf-8", { ignoreBOM: true })`
 * gives exactly what {@linkcode readLines} yields for it.
 */
export async function* readLineBytes(
  path: string,
  options: ReadLineBytesOptions = {},
): AsyncGenerator<Uint8Array> {
  const reader = (await openBytes(path, options)).getReader();
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  try {
    while (true) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        throw readError(path, options.currentLine?.(), error);
      }
      if (result.done) break;
      let chunk = result.value;
      if (first && carry.length + chunk.length >= 3) {
        first = false;
        chunk = join(carry, chunk);
        carry = new Uint8Array(0);
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      } else if (first) {
        carry = join(carry, chunk);
        continue;
      }
      const last = chunk.lastIndexOf(10);
      if (last < 0) {
        carry = join(carry, chunk);
        continue;
      }
      const block = join(carry, chunk.subarray(0, last + 1));
      carry = chunk.slice(last + 1);
      yield block;
    }
    if (first && carry[0] === 0xef && carry[1] === 0xbb && carry[2] === 0xbf) {
      carry = carry.subarray(3);
    }
    // The last line when the file does not end with a newline (or all of a tiny file).
    if (carry.length > 0) yield carry;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Splits one delimited line; double-quoted cells (with `""` escapes) are honoured. */
export function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      cells.push(cell);
      cell = "";
      i += delimiter.length - 1;
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
