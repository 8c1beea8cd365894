/**
 * One keep-alive HTTP/1.1 connection of {@linkcode Http1Client}: writes a request's bytes and
 * reads its answer (status line, headers, a `Content-Length`, chunked or read-to-close body),
 * then says whether the connection may carry the next request. While it waits in the pool it
 * keeps one read open, so a server that closes an idle connection is noticed at once instead of
 * on the next request.
 *
 * @module
 */

import { Http1Error } from "./http1_error.ts";

/** What the connection needs of a socket (a `Deno.Conn` is one). */
export interface Http1Socket {
  /** Reads into `into`; `null` at the end of the stream. */
  read(into: Uint8Array): Promise<number | null>;
  /** Writes some of `data`; resolves with how many bytes were taken. */
  write(data: Uint8Array): Promise<number>;
  /** Closes the socket. */
  close(): void;
  /** Lets the socket keep the process alive again. */
  ref?(): void;
  /** Stops the socket (its pending read) from keeping the process alive. */
  unref?(): void;
}

/** Limits on an answer. */
export interface Http1Limits {
  /** Largest status line plus headers (bytes). */
  readonly maxHeaderBytes: number;
  /** Largest body (bytes). */
  readonly maxBodyBytes: number;
}

/** An answer as read off the wire. */
export interface Http1RawResponse {
  /** Status code. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Header fields in the order received (names as sent). */
  readonly headers: readonly (readonly [string, string])[];
  /** The body (de-chunked). */
  readonly body: Uint8Array<ArrayBuffer>;
  /** Whether the connection may carry another request. */
  readonly reusable: boolean;
}

const CR = 13;
const LF = 10;
const EMPTY = new Uint8Array(0);
const latin1 = new TextDecoder("latin1");

/** A live connection (see the module doc). */
export class Http1Connection {
  readonly #socket: Http1Socket;
  readonly #limits: Http1Limits;
  #buf: Uint8Array<ArrayBuffer> = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  // The read in flight into #buf[#end..], shared by the idle watch and the answer reader.
  #fill: Promise<number | null> | undefined;
  #closed = false;
  #onLost: (() => void) | undefined;
  /** Requests this connection has carried. */
  uses = 0;
  /** When it last went idle (ms, `performance.now()`). */
  idleSince = 0;
  /** Whether any byte of the current answer has arrived. */
  answerStarted = false;

  /** Wraps an open socket. */
  constructor(socket: Http1Socket, limits: Http1Limits) {
    this.#socket = socket;
    this.#limits = limits;
  }

  /** Whether it was closed (by us or found closed by the server). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket; a read or write in flight then fails. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed by the other side.
    }
  }

  /**
   * Parks the connection in the pool: one read stays open, and whatever it brings while idle
   * (the server's close, or bytes nobody asked for) closes the connection and calls `onLost`.
   */
  park(onLost: () => void): void {
    this.idleSince = performance.now();
    this.#onLost = onLost;
    this.#socket.unref?.();
    this.#read().then(
      () => this.#lostWhileIdle(),
      () => this.#lostWhileIdle(),
    );
  }

  /** Takes the connection out of the pool for a request. */
  take(): void {
    this.#onLost = undefined;
    this.answerStarted = false;
    this.uses++;
    this.#socket.ref?.();
  }

  #lostWhileIdle(): void {
    const onLost = this.#onLost;
    if (onLost === undefined) return;
    this.#onLost = undefined;
    this.close();
    onLost();
  }

  /**
   * Writes all of `bytes`.
   *
   * @throws {Http1Error} (rejects) stage `write` when the socket fails before the last byte.
   */
  async write(bytes: Uint8Array, what: string): Promise<void> {
    let offset = 0;
    try {
      while (offset < bytes.length) {
        offset += await this.#socket.write(offset === 0 ? bytes : bytes.subarray(offset));
      }
    } catch (cause) {
      this.close();
      throw new Http1Error(`${what}: the connection failed while the request was written`, {
        stage: "write",
        requestSent: false,
        cause,
      });
    }
  }

  /**
   * Reads the answer to a request of `method` (interim 1xx answers are skipped).
   *
   * @throws {Http1Error} (rejects) stage `response` when the connection ends first, `protocol`
   * when the answer is malformed or over the limits.
   */
  async readResponse(method: string, what: string): Promise<Http1RawResponse> {
    while (true) {
      const head = await this.#readHead(what);
      const { status } = head;
      if (status >= 100 && status < 200 && status !== 101) continue;
      let connection = "";
      let transfer = "";
      let length: number | undefined;
      for (const [name, value] of head.headers) {
        switch (name.toLowerCase()) {
          case "connection":
            connection += `${value.toLowerCase()},`;
            break;
          case "transfer-encoding":
            transfer += `${value.toLowerCase()},`;
            break;
          case "content-length": {
            const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
            if (!Number.isSafeInteger(n) || (length !== undefined && length !== n)) {
              throw this.#protocol(`${what}: invalid Content-Length "${value}"`);
            }
            length = n;
            break;
          }
        }
      }
      let keepAlive = head.version === "HTTP/1.1"
        ? !/(^|[\s,])close\s*,/.test(connection)
        : /(^|[\s,])keep-alive\s*,/.test(connection);
      let body: Uint8Array<ArrayBuffer>;
      if (method === "HEAD" || status === 204 || status === 304 || status === 101) {
        body = EMPTY;
        if (status === 101) keepAlive = false;
      } else if (transfer !== "") {
        if (!/(^|[\s,])chunked\s*,$/.test(transfer)) {
          throw this.#protocol(`${what}: unsupported Transfer-Encoding "${transfer.slice(0, -1)}"`);
        }
        body = await this.#readChunked(what);
      } else if (length !== undefined) {
        body = await this.#readExactly(length, what);
      } else {
        // No length: the body runs to the close, and the connection ends with it.
        body = await this.#readToEnd(what);
        keepAlive = false;
      }
      if (!keepAlive) this.close();
      return {
        status,
        statusText: head.statusText,
        headers: head.headers,
        body,
        reusable: keepAlive && !this.#closed,
      };
    }
  }

  #protocol(message: string): Http1Error {
    this.close();
    return new Http1Error(message, { stage: "protocol", requestSent: true });
  }

  #ended(what: string, part: string): Http1Error {
    this.close();
    return new Http1Error(`${what}: the connection closed before the end of the ${part}`, {
      stage: "response",
      requestSent: true,
    });
  }

  #read(): Promise<number | null> {
    if (this.#fill === undefined) {
      if (this.#start === this.#end) {
        this.#start = 0;
        this.#end = 0;
      }
      this.#room(4096);
      this.#fill = this.#socket.read(this.#buf.subarray(this.#end));
    }
    return this.#fill;
  }

  // Reads once more into the buffer; false at the end of the stream.
  async #more(what: string): Promise<boolean> {
    let n: number | null;
    try {
      n = await this.#read();
    } catch (cause) {
      this.close();
      throw new Http1Error(`${what}: the connection failed while the answer was read`, {
        stage: "response",
        requestSent: true,
        cause,
      });
    } finally {
      this.#fill = undefined;
    }
    if (n === null) return false;
    this.#end += n;
    this.answerStarted = true;
    return true;
  }

  // Room for `extra` more bytes after what is buffered: compacts, or moves to a larger buffer.
  // Never called while a read is in flight (it reads into the current buffer).
  #room(extra: number): void {
    if (this.#buf.length - this.#end >= extra) return;
    const held = this.#end - this.#start;
    if (this.#buf.length - held >= extra) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, held + extra));
      next.set(this.#buf.subarray(this.#start, this.#end), 0);
      this.#buf = next;
    }
    this.#start = 0;
    this.#end = held;
  }

  async #readHead(what: string): Promise<{
    version: string;
    status: number;
    statusText: string;
    headers: [string, string][];
  }> {
    while (true) {
      const at = findHeadEnd(this.#buf, this.#start, this.#end);
      if (at >= 0) {
        const text = latin1.decode(this.#buf.subarray(this.#start, at));
        this.#start = at + 4;
        return this.#parseHead(text, what);
      }
      if (this.#end - this.#start > this.#limits.maxHeaderBytes) {
        throw this.#protocol(`${what}: answer headers over ${this.#limits.maxHeaderBytes} bytes`);
      }
      const before = this.answerStarted;
      if (!(await this.#more(what))) {
        if (!before) {
          this.close();
          throw new Http1Error(`${what}: the connection closed before any answer`, {
            stage: "response",
            requestSent: true,
          });
        }
        throw this.#ended(what, "answer headers");
      }
    }
  }

  #parseHead(text: string, what: string): {
    version: string;
    status: number;
    statusText: string;
    headers: [string, string][];
  } {
    const lines = text.split("\r\n");
    const status = /^(HTTP\/1\.[01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
    if (status === null) {
      throw this.#protocol(`${what}: invalid status line "${(lines[0] ?? "").slice(0, 80)}"`);
    }
    const headers: [string, string][] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] ?? "";
      const colon = line.indexOf(":");
      if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(line.slice(0, colon))) {
        throw this.#protocol(`${what}: invalid header line "${line.slice(0, 80)}"`);
      }
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    return {
      version: status[1] ?? "",
      status: Number(status[2]),
      statusText: status[3] ?? "",
      headers,
    };
  }

  async #readExactly(length: number, what: string): Promise<Uint8Array<ArrayBuffer>> {
    if (length > this.#limits.maxBodyBytes) {
      throw this.#protocol(`${what}: answer body of ${length} bytes is over the limit`);
    }
    await this.#need(length, what, "answer body");
    const body = this.#buf.slice(this.#start, this.#start + length);
    this.#start += length;
    return body;
  }

  async #need(count: number, what: string, part: string): Promise<void> {
    while (this.#end - this.#start < count) {
      if (this.#fill === undefined) this.#room(count - (this.#end - this.#start));
      if (!(await this.#more(what))) throw this.#ended(what, part);
    }
  }

  async #line(what: string, part: string): Promise<string> {
    while (true) {
      for (let i = this.#start; i + 1 < this.#end; i++) {
        if (this.#buf[i] === CR && this.#buf[i + 1] === LF) {
          const line = latin1.decode(this.#buf.subarray(this.#start, i));
          this.#start = i + 2;
          return line;
        }
      }
      if (this.#end - this.#start > 4096) throw this.#protocol(`${what}: ${part} line too long`);
      if (!(await this.#more(what))) throw this.#ended(what, part);
    }
  }

  async #readChunked(what: string): Promise<Uint8Array<ArrayBuffer>> {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let total = 0;
    while (true) {
      const sizeLine = await this.#line(what, "chunk size");
      const hex = sizeLine.split(";", 1)[0]?.trim() ?? "";
      const size = /^[0-9a-fA-F]{1,12}$/.test(hex) ? parseInt(hex, 16) : Number.NaN;
      if (!Number.isSafeInteger(size)) {
        throw this.#protocol(`${what}: invalid chunk size "${sizeLine.slice(0, 40)}"`);
      }
      if (size === 0) {
        // Trailers (ignored) up to the empty line.
        while ((await this.#line(what, "trailer")) !== "");
        break;
      }
      total += size;
      if (total > this.#limits.maxBodyBytes) {
        throw this.#protocol(
          `${what}: chunked answer body over ${this.#limits.maxBodyBytes} bytes`,
        );
      }
      await this.#need(size + 2, what, "chunked body");
      parts.push(this.#buf.slice(this.#start, this.#start + size));
      if (this.#buf[this.#start + size] !== CR || this.#buf[this.#start + size + 1] !== LF) {
        throw this.#protocol(`${what}: chunk of ${size} bytes not followed by CRLF`);
      }
      this.#start += size + 2;
    }
    if (parts.length === 1) return parts[0] ?? EMPTY;
    const body = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      body.set(part, at);
      at += part.length;
    }
    return body;
  }

  async #readToEnd(what: string): Promise<Uint8Array<ArrayBuffer>> {
    while (await this.#more(what)) {
      if (this.#end - this.#start > this.#limits.maxBodyBytes) {
        throw this.#protocol(`${what}: answer body over ${this.#limits.maxBodyBytes} bytes`);
      }
    }
    const body = this.#buf.slice(this.#start, this.#end);
    this.#start = this.#end;
    return body;
  }
}

function findHeadEnd(buf: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 3 < end; i++) {
    if (buf[i] === CR && buf[i + 1] === LF && buf[i + 2] === CR && buf[i + 3] === LF) return i;
  }
  return -1;
}
