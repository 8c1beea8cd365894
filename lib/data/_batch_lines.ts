/**
 * Reads a text file (plain, or gzip when the name ends in `.gz`) as runs of complete lines kept
 * as bytes, so a parser can scan them in place, finding line ends as it goes, without a string
 * per line. Same line semantics and errors as `readLines` in `_lines.ts` (a leading UTF-8 BOM is
 * dropped, lines end at `\n`, a missing final newline is fine); the caller strips a `\r`.
 *
 * @module
 */

import { DataError } from "../domain/mod.ts";
import { isGzipPath } from "./_lines.ts";

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

/**
 * A file read as runs of complete lines: after {@linkcode ByteLines.next}, `bytes[start, end)`
 * holds whole lines, each ending in `\n` except maybe the file's last one. The buffer is reused:
 * read a run before asking for the next.
 */
export class ByteLines {
  /** The buffer. */
  bytes: Uint8Array<ArrayBuffer> = new Uint8Array(READ_SIZE);
  /** Where the run starts. */
  start = 0;
  /** Where it ends (exclusive). */
  end = 0;
  /** 1-based number of the line at `start`. */
  line = 1;
  readonly #path: string;
  readonly #gzip: boolean;
  readonly #source: ByteSource;
  #filled = 0; // bytes[0, #filled) hold data; the carried incomplete line comes first
  #bomPending = true;
  #done = false;

  private constructor(path: string, file: Deno.FsFile) {
    this.#path = path;
    this.#gzip = isGzipPath(path);
    this.#source = this.#gzip ? gzipSource(file) : plainSource(file);
  }

  /**
   * Opens `path` (gzip when the name ends in `.gz`).
   *
   * @throws {DataError} when the file cannot be opened.
   */
  static async open(path: string): Promise<ByteLines> {
    try {
      return new ByteLines(path, await Deno.open(path, { read: true }));
    } catch (error) {
      const reason = error instanceof Deno.errors.NotFound ? "no such file" : String(error);
      throw new DataError(`Cannot read file: ${reason}`, {
        location: { file: path },
        cause: error,
      });
    }
  }

  /**
   * Reads the next run of lines, after the caller has used the current one, which held
   * `lines` lines; false at the end of the file.
   *
   * @throws {DataError} for a read failure or corrupt gzip, at the first line not yet returned.
   */
  async next(lines: number): Promise<boolean> {
    this.line += lines;
    const bytes = this.bytes;
    // Keep the incomplete line after the run just used.
    if (this.end > 0 || this.start > 0) {
      bytes.copyWithin(0, this.end, this.#filled);
      this.#filled -= this.end;
      this.start = 0;
      this.end = 0;
    }
    while (!this.#done) {
      if (this.#filled === this.bytes.byteLength) {
        const grown = new Uint8Array(this.bytes.byteLength * 2);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      const before = this.#filled;
      let read: number | null;
      try {
        read = await this.#source.read(this.bytes, before);
      } catch (error) {
        const gzip = this.#gzip;
        const what = gzip ? "gzip data is corrupt or truncated" : "read failed";
        throw new DataError(`Cannot read file: ${what} (${(error as Error).message})`, {
          location: { file: this.#path, line: this.line },
          hint: gzip ? "re-download the file; `gzip -t` checks it" : undefined,
          cause: error,
        });
      }
      if (read === null) this.#done = true;
      else this.#filled += read;
      const filled = this.#filled;
      if (this.#bomPending) {
        // The BOM check needs three bytes (or the end of a shorter file).
        if (filled < 3 && !this.#done) continue;
        this.#bomPending = false;
        const b = this.bytes;
        if (filled >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.start = 3;
      }
      if (this.#done) {
        this.end = filled;
        return this.end > this.start;
      }
      // The carried bytes before `before` hold no newline: search only the new ones.
      const view = this.bytes.subarray(Math.max(before, this.start), filled);
      const last = view.lastIndexOf(10);
      if (last !== -1) {
        this.end = view.byteOffset + last + 1;
        return true;
      }
    }
    return false;
  }

  /** Closes the file. */
  close(): Promise<void> {
    return this.#source.close();
  }
}
