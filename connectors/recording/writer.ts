/**
 * Writes recording lines to gzip files, rotating to a new part by compressed size or at each
 * UTC hour. A part is written as `<name>.partial` and renamed when it is complete, so a file
 * without the suffix is always whole; every part opens with a `#meta` header carrying the
 * recording id and the part number. Parts are `FILE.gz`, `FILE.1.gz`, `FILE.2.gz` … (the
 * stem of `FILE.gz` plus the number).
 *
 * @module
 */

import { DataError, type JsonValue, type Micros } from "../../lib/domain/mod.ts";
import {
  formatHeader,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordingHeader,
} from "./format.ts";

/** Options of {@linkcode RecordingWriter.open}. */
export interface RecordingWriterOptions {
  /** The first part's path; must end in `.gz`. */
  readonly path: string;
  /** The venue recorded. */
  readonly venue: string;
  /** More header fields (profile, symbols, channels …). */
  readonly header?: Readonly<Record<string, JsonValue>>;
  /** Start a new part once this many compressed bytes are written (default: never). */
  readonly maxBytes?: number;
  /** Start a new part at each UTC hour of the items' receive time. */
  readonly rotateHourly?: boolean;
  /** The recording id (default a random UUID). */
  readonly id?: string;
}

const HOUR_US = 3_600_000_000;
const encoder = new TextEncoder();

/** The path of part `n` of a recording whose first part is `path`. */
export function partPath(path: string, n: number): string {
  return n === 0 ? path : `${path.slice(0, -3)}.${n}.gz`;
}

interface Part {
  readonly path: string;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  piped: Promise<void>;
  readonly hour: number;
  compressed: number;
}

/** A rotating gzip writer of recording lines. */
export class RecordingWriter {
  readonly #options: RecordingWriterOptions;
  readonly #id: string;
  readonly #written: string[] = [];
  #part: Part | undefined;
  #next = 0;

  private constructor(options: RecordingWriterOptions) {
    this.#options = options;
    this.#id = options.id ?? crypto.randomUUID();
  }

  /**
   * Makes a writer; the first part is opened with the first line.
   *
   * @throws {DataError} when the path does not end in `.gz`.
   */
  static open(options: RecordingWriterOptions): RecordingWriter {
    if (!options.path.endsWith(".gz")) {
      throw new DataError(`recording output must end in .gz, got ${options.path}`, {
        hint: "e.g. --output btcusdt.gz (recordings are gzip text)",
      });
    }
    if (options.maxBytes !== undefined && !(options.maxBytes > 0)) {
      throw new RangeError(`maxBytes must be positive, got ${options.maxBytes}`);
    }
    return new RecordingWriter(options);
  }

  /** The recording id in every part's header. */
  get id(): string {
    return this.#id;
  }

  /** Parts completed so far (renamed into place). */
  get files(): readonly string[] {
    return this.#written;
  }

  /**
   * Writes `count` lines (`lines[i]` received at `times[i]`, µs), rotating between lines.
   *
   * @throws {DataError} when a file cannot be created or written (disk full, permissions).
   */
  async write(times: readonly Micros[], lines: readonly string[], count: number): Promise<void> {
    let chunk = "";
    for (let i = 0; i < count; i++) {
      const part = this.#part;
      if (part === undefined || this.#due(part, times[i])) {
        if (chunk !== "" && part !== undefined) await this.#send(part, chunk);
        chunk = "";
        if (part !== undefined) await this.#finish(part);
        this.#part = await this.#start(times[i]);
      }
      chunk += lines[i] + "\n";
    }
    const part = this.#part;
    if (chunk !== "" && part !== undefined) await this.#send(part, chunk);
  }

  /** Closes the current part; returns every part written. */
  async close(): Promise<readonly string[]> {
    const part = this.#part;
    this.#part = undefined;
    if (part !== undefined) await this.#finish(part);
    return this.#written;
  }

  #due(part: Part, us: Micros): boolean {
    const { maxBytes, rotateHourly } = this.#options;
    if (maxBytes !== undefined && part.compressed >= maxBytes) return true;
    return rotateHourly === true && Math.floor(us / HOUR_US) !== part.hour;
  }

  async #start(us: Micros): Promise<Part> {
    const n = this.#next++;
    const path = partPath(this.#options.path, n);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(`${path}.partial`, { write: true, create: true, truncate: true });
    } catch (error) {
      throw writeError(path, error);
    }
    const gzip = new CompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>;
    const part: Part = {
      path,
      writer: gzip.writable.getWriter(),
      piped: Promise.resolve(),
      hour: Math.floor(us / HOUR_US),
      compressed: 0,
    };
    const counted = gzip.readable.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(bytes, controller): void {
          part.compressed += bytes.byteLength;
          controller.enqueue(bytes);
        },
      }),
    );
    part.piped = counted.pipeTo(file.writable);
    const header: RecordingHeader = {
      ...this.#options.header,
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      recording: this.#id,
      part: n,
      venue: this.#options.venue,
    };
    await this.#send(part, formatHeader(header, us) + "\n");
    return part;
  }

  async #send(part: Part, text: string): Promise<void> {
    try {
      await part.writer.write(encoder.encode(text));
    } catch (error) {
      throw writeError(part.path, error);
    }
  }

  async #finish(part: Part): Promise<void> {
    try {
      await part.writer.close();
      await part.piped;
      await Deno.rename(`${part.path}.partial`, part.path);
    } catch (error) {
      throw writeError(part.path, error);
    }
    this.#written.push(part.path);
  }
}

function writeError(path: string, error: unknown): DataError {
  return new DataError(`cannot write the recording: ${(error as Error).message}`, {
    location: { file: path },
    hint: "check the folder exists, is writable and has free space",
    cause: error,
  });
}
