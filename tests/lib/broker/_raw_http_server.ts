// A scripted HTTP server on raw TCP (127.0.0.1): each accepted connection runs `script` with
// helpers to read one request and write bytes in pieces, so tests can send split packets,
// chunked bodies, early closes and silence that Deno.serve would never produce.

/** A request as the raw server read it. */
export interface RawRequest {
  /** The request line, e.g. `POST /x HTTP/1.1`. */
  readonly line: string;
  /** Header fields, names lower-cased. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body (by Content-Length). */
  readonly body: string;
}

/** One accepted connection. */
export class RawConnection {
  readonly #conn: Deno.Conn;
  #buffered = "";
  readonly #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Reads one request; undefined when the client closed first. */
  async readRequest(): Promise<RawRequest | undefined> {
    const chunk = new Uint8Array(4096);
    while (!this.#buffered.includes("\r\n\r\n")) {
      const n = await this.#conn.read(chunk).catch(() => null);
      if (n === null) return undefined;
      this.#buffered += this.#decoder.decode(chunk.subarray(0, n));
    }
    const end = this.#buffered.indexOf("\r\n\r\n");
    const [line = "", ...rest] = this.#buffered.slice(0, end).split("\r\n");
    const headers = new Map<string, string>();
    for (const field of rest) {
      const colon = field.indexOf(":");
      headers.set(field.slice(0, colon).toLowerCase(), field.slice(colon + 1).trim());
    }
    this.#buffered = this.#buffered.slice(end + 4);
    const length = Number(headers.get("content-length") ?? "0");
    while (this.#buffered.length < length) {
      const n = await this.#conn.read(chunk).catch(() => null);
      if (n === null) return undefined;
      this.#buffered += this.#decoder.decode(chunk.subarray(0, n));
    }
    const body = this.#buffered.slice(0, length);
    this.#buffered = this.#buffered.slice(length);
    return { line, headers, body };
  }

  /** Writes `text` in pieces of `piece` bytes, `gapMs` apart (0: all at once). */
  async write(text: string, piece = 0, gapMs = 0): Promise<void> {
    const bytes = this.#encoder.encode(text);
    const size = piece > 0 ? piece : bytes.length;
    for (let at = 0; at < bytes.length; at += size) {
      let part = bytes.subarray(at, Math.min(bytes.length, at + size));
      while (part.length > 0) part = part.subarray(await this.#conn.write(part));
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** A running raw server. */
export interface RawServer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The port. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  /** Requests read so far (by every connection). */
  readonly requests: RawRequest[];
  /** Stops accepting, closes every connection and waits for the scripts. */
  stop(): Promise<void>;
}

/** Starts a server; `script(connection, index)` runs per accepted connection. */
export function startRawServer(
  script: (connection: RawConnection, index: number, server: RawServer) => Promise<void>,
): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections: RawConnection[] = [];
  const scripts: Promise<void>[] = [];
  const requests: RawRequest[] = [];
  const server: RawServer = {
    origin: `http://127.0.0.1:${listener.addr.port}`,
    port: listener.addr.port,
    accepted: () => connections.length,
    requests,
    async stop(): Promise<void> {
      listener.close();
      await accepting;
      for (const connection of connections) connection.close();
      await Promise.allSettled(scripts);
    },
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        const connection = new RawConnection(conn);
        const index = connections.length;
        connections.push(connection);
        const reading = connection.readRequest.bind(connection);
        connection.readRequest = async () => {
          const request = await reading();
          if (request !== undefined) requests.push(request);
          return request;
        };
        scripts.push(
          script(connection, index, server).catch(() => {}).finally(() => connection.close()),
        );
      }
    } catch {
      // The listener was closed.
    }
  })();
  return server;
}
