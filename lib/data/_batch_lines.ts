/**
 * Streams a text file (plain, or gzip when the name ends in `.gz`) as chunks of complete lines
 * kept as bytes: one buffer and the line boundaries, so a parser can scan them without a string
 * per line. Same line semantics and errors as `readLines` in `_lines.ts` (a leading UTF-8 BOM is
 * dropped, lines end at `\n` with an optional `\r` before it, a missing final newline is fine).
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import { isGzipPath } from "./_lines.ts";

/**
 * A run of complete lines: line `firstLine + i` is `bytes[starts[i], ends[i])`, without its
 * `\n` / `\r\n`. The arrays are reused by the next chunk: read them before asking for it.
 */
export interface ByteLineChunk {
  /** The bytes holding the lines. */
  readonly bytes: Uint8Array;
  /** Start offset of each line. */
  readonly starts: Int32Array;
  /** End offset (exclusive) of each line. */
  readonly ends: Int32Array;
  /** Number of lines in this chunk. */
  readonly count: number;
  /** 1-based number of the first line. */
  readonly firstLine: number;
}

const READ_SIZE = 1 << 20;

interface ByteSource {
  /** Fills `into` from offset `at`; the number of bytes read, or null at the end. */
  read(into: Uint8Array, at: number): Promise<number | null>;
  close(): Promise<void>;
}

function plainSource(file: Deno.FsFile): ByteSource {
  return {
    read: (into, at) => file.read(into.subarray(at)),
    close: () => Promise.resolve(file.close()),
  };
}

function gzipSource(file: Deno.FsFile): ByteSource {
  const stream = file.readable.pipeThrough(
    new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
  );
  const reader = stream.getReader();
  let pending: Uint8Array | undefined;
  return {
    async read(into, at) {
      while (pending === undefined || pending.byteLength === 0) {
        const result = await reader.read();
        if (result.done) return null;
        pending = result.value;
      }
      const n = Math.min(pending.byteLength, into.byteLength - at);
      into.set(pending.subarray(0, n), at);
      pending = pending.subarray(n);
      return n;
    },
    close: () => reader.cancel().catch(() => undefined),
  };
}

/** Yields the complete lines of `path` in chunks of bytes. */
export async function* readByteLines(path: string): AsyncGenerator<ByteLineChunk> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
    throw new DataError(`Cannot read file: ${reason}`, { location: { file: path }, cause: error });
  }
  const gzip = isGzipPath(path);
  const source = gzip ? gzipSource(file) : plainSource(file);
  let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(READ_SIZE);
  let starts = new Int32Array(8192);
  let ends = new Int32Array(8192);
  let filled = 0; // bytes[0, filled) hold data; the incomplete last line starts at `carry`
  let lineNo = 1;
  let bomPending = true;
  try {
    while (true) {
      if (filled === bytes.byteLength) {
        const grown = new Uint8Array(bytes.byteLength * 2);
        grown.set(bytes);
        bytes = grown;
      }
      let read: number | null;
      try {
        read = await source.read(bytes, filled);
      } catch (error) {
        const what = gzip ? "gzip data is corrupt or truncated" : "read failed";
        throw new DataError(`Cannot read file: ${what} (${(error as Error).message})`, {
          location: { file: path, line: lineNo },
          hint: gzip ? "re-download the file; `gzip -t` checks it" : undefined,
          cause: error,
        });
      }
      const end = read === null ? filled : filled + read;
      let begin = 0;
      if (bomPending) {
        // The BOM check needs three bytes (or the end of a shorter file).
        if (end < 3 && read !== null) {
          filled = end;
          continue;
        }
        bomPending = false;
        if (end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) begin = 3;
      }
      const view = bytes.subarray(0, end);
      let count = 0;
      let start = begin;
      // The carried bytes before `filled` hold no newline: search only the new ones.
      let nl = view.indexOf(10, Math.max(filled, begin));
      while (nl !== -1) {
        if (count === starts.length) {
          starts = grow(starts);
          ends = grow(ends);
        }
        starts[count] = start;
        ends[count] = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
        count++;
        start = nl + 1;
        nl = view.indexOf(10, start);
      }
      if (read === null && start < end) {
        if (count === starts.length) {
          starts = grow(starts);
          ends = grow(ends);
        }
        starts[count] = start;
        ends[count] = bytes[end - 1] === 13 ? end - 1 : end;
        count++;
        start = end;
      }
      if (count > 0) {
        yield { bytes, starts, ends, count, firstLine: lineNo };
        lineNo += count;
      }
      if (read === null) return;
      bytes.copyWithin(0, start, end);
      filled = end - start;
    }
  } finally {
    await source.close();
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
