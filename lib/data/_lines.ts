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

/** Yields the lines of `path` in chunks; a final empty line (trailing newline) is dropped. */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<LineChunk> {
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
  const gzip = isGzipPath(path);
  const raw: ReadableStream<Uint8Array> = gzip
    ? counted.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    )
    : counted;
  const text = raw.pipeThrough(new TextDecoderStream());
  let carry = "";
  let lineNo = 1;
  const reader = text.getReader();
  try {
    while (true) {
      let result: ReadableStreamReadResult<string>;
      try {
        result = await reader.read();
      } catch (error) {
        const what = gzip ? "gzip data is corrupt or truncated" : "read failed";
        throw new DataError(`Cannot read file: ${what} (${(error as Error).message})`, {
          location: { file: path, line: lineNo },
          hint: gzip ? "re-download the file; `gzip -t` checks it" : undefined,
          cause: error,
        });
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
