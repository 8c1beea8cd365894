/**
 * A minimal keep-alive HTTP/1.1 client for one origin over `Deno.connect` (or `Deno.connectTls`
 * for `https:`), made for the latency of order entry: the request is built as one buffer and
 * written with one call on a warm, `TCP_NODELAY` connection, with no stream machinery between
 * the caller and the socket. Connections are pooled (no pipelining: one request per connection
 * at a time), each request has a time limit and an optional abort signal, and a failure says
 * whether the request had left in full ({@linkcode Http1Error}). A GET or HEAD that fails on a
 * reused connection before any answer byte arrived (the server had just closed it) is sent once
 * more on a new connection; nothing else is ever resent. {@linkcode Http1Client.fetch} (see
 * `http1_fetch.ts`) offers
 * the same as a `fetch` for code written against it (it never follows redirects).
 *
 * @module
 */

import { Http1Connection, type Http1Limits, type Http1RawResponse } from "./http1_connection.ts";
import type { Http1Socket } from "./http1_connection.ts";
import { Http1Error } from "./http1_error.ts";
import { http1Fetch } from "./http1_fetch.ts";

/** Where to connect. */
export interface Http1Endpoint {
  /** Host name or address. */
  readonly hostname: string;
  /** TCP port. */
  readonly port: number;
  /** Whether to speak TLS. */
  readonly tls: boolean;
}

/** Opens a socket (the seam for tests; default `Deno.connect` / `Deno.connectTls`). */
export type Http1Connect = (endpoint: Http1Endpoint) => Promise<Http1Socket>;

/** Options of {@linkcode Http1Client}. */
export interface Http1ClientOptions {
  /** `http://host[:port]` or `https://host[:port]`; every request goes there. */
  readonly origin: string;
  /** Connections open at once at most (requests beyond wait for one); default 32: a new
   * connection costs a handshake, waiting for a busy one costs its whole answer. */
  readonly maxConnections?: number;
  /**
   * Default time limit of a request, connecting included (ms); default 10,000. `Infinity`: none
   * of the client's own, for callers whose abort signal carries their time limit.
   */
  readonly timeoutMs?: number;
  /** A connection idle for longer is closed instead of reused (ms); default 30,000. */
  readonly idleTimeoutMs?: number;
  /** Largest answer head (bytes); default 64 KiB. */
  readonly maxHeaderBytes?: number;
  /** Largest answer body (bytes); default 64 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Called as a request's bytes are handed to the socket (latency instrumentation): Deno writes
   * them inside the write call, so this is the moment they leave for the kernel.
   */
  readonly onWrite?: (method: string, target: string) => void;
  /** Socket factory (default `Deno.connect`, or `Deno.connectTls` for `https:`). */
  readonly connect?: Http1Connect;
}

/** A request. */
export interface Http1Request {
  /** e.g. `GET`, `POST`. */
  readonly method: string;
  /** Path and query, e.g. `/v5/order/realtime?category=linear`. */
  readonly target: string;
  /** Header fields (Host, Content-Length and Connection are the client's). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body. */
  readonly body?: string | Uint8Array;
  /** Aborts the request; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Time limit of this request (ms; `Infinity`: only the signal's); default the client's. */
  readonly timeoutMs?: number;
}

/** An answer. */
export interface Http1Response {
  /** Status code. */
  readonly status: number;
  /** Reason phrase. */
  readonly statusText: string;
  /** Header fields (made on first use). */
  readonly headers: Headers;
  /** Header fields in the order received, names as sent. */
  readonly fields: readonly (readonly [string, string])[];
  /** The body bytes. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** The body as UTF-8 text. */
  text(): string;
}

/** Counters of a client. */
export interface Http1Stats {
  /** Connections opened. */
  readonly connections: number;
  /** Requests carried by an already used connection. */
  readonly reused: number;
  /** Connections open now. */
  readonly open: number;
  /** Requests that found no idle connection (they opened one or waited for one). */
  readonly cold: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const OWN_HEADERS = new Set(["host", "content-length", "connection", "transfer-encoding"]);
// Sent unless the request names them: some gateways refuse requests without a user agent.
const DEFAULT_AGENT = "User-Agent: tesser\r\n";
const DEFAULT_ACCEPT = "Accept: */*\r\n";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Text bodies up to a third of this are encoded through the scratch buffer (an order's is ~200).
const SCRATCH_BYTES = 16 * 1024;

interface Waiter {
  readonly resolve: (connection: Http1Connection | undefined) => void;
}

/** A keep-alive HTTP/1.1 client of one origin (see the module doc). */
export class Http1Client {
  readonly #endpoint: Http1Endpoint;
  readonly #origin: string;
  readonly #host: string;
  readonly #max: number;
  readonly #timeoutMs: number;
  readonly #idleMs: number;
  readonly #limits: Http1Limits;
  readonly #onWrite: ((method: string, target: string) => void) | undefined;
  readonly #connect: Http1Connect;
  readonly #idle: Http1Connection[] = [];
  readonly #busy = new Set<Http1Connection>();
  readonly #waiters: Waiter[] = [];
  readonly #names = new Map<string, string>();
  readonly #scratch = new Uint8Array(SCRATCH_BYTES);
  #opening = 0;
  #closed = false;
  #connections = 0;
  #reused = 0;
  #cold = 0;

  /**
   * Makes the client; nothing connects before the first request.
   *
   * @throws {TypeError} when the origin is not an `http:` or `https:` origin.
   */
  constructor(options: Http1ClientOptions) {
    let url: URL;
    try {
      url = new URL(options.origin);
    } catch {
      throw new TypeError(`Http1Client: "${options.origin}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Http1Client: "${options.origin}" is not an http: or https: origin`);
    }
    if (url.pathname !== "/" || url.search !== "" || url.username !== "") {
      throw new TypeError(
        `Http1Client: "${options.origin}" has a path, query or credentials; give the origin only`,
      );
    }
    const tls = url.protocol === "https:";
    this.#endpoint = {
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port === "" ? (tls ? 443 : 80) : Number(url.port),
      tls,
    };
    this.#origin = url.origin;
    this.#host = url.host;
    this.#max = Math.max(1, options.maxConnections ?? 32);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#idleMs = options.idleTimeoutMs ?? 30_000;
    this.#limits = {
      maxHeaderBytes: options.maxHeaderBytes ?? 64 * 1024,
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    };
    this.#onWrite = options.onWrite;
    this.#connect = options.connect ?? connectDeno;
  }

  /** The origin requests go to, e.g. `http://127.0.0.1:8080`. */
  get origin(): string {
    return this.#origin;
  }

  /** Connection counters. */
  get stats(): Http1Stats {
    return {
      connections: this.#connections,
      reused: this.#reused,
      open: this.#idle.length + this.#busy.size,
      cold: this.#cold,
    };
  }

  /**
   * Sends `request` and reads its answer (any status: a 4xx or 5xx answer is an answer).
   *
   * @throws {Http1Error} (rejects) on a connection, protocol or time-limit failure.
   * @throws {TypeError} (rejects) on a header name or value that cannot be sent.
   * @throws the signal's reason (rejects) when `request.signal` aborts.
   */
  async request(request: Http1Request): Promise<Http1Response> {
    const what = `${request.method} ${request.target}`;
    const bytes = this.#serialise(request);
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const { signal } = request;
    signal?.throwIfAborted();
    if (this.#closed) {
      throw new Http1Error(`${what}: the client is closed`, {
        stage: "closed",
        requestSent: false,
      });
    }
    // A warm connection is taken and written to before the time limit and the abort are wired
    // up: the bytes leave inside this call with nothing else run first (the wiring follows in
    // the same turn, so nothing can end the request unseen in between).
    let current = this.#takeIdle();
    let writing: Promise<void> | undefined;
    if (current !== undefined) {
      writing = quiet(current.write(bytes, what));
      // Deno's socket write runs inside the call: the bytes are with the kernel now.
      this.#onWrite?.(request.method, request.target);
    }
    let sent = false;
    let settle: ((error: unknown) => void) | undefined;
    // Time limit and abort both end the attempt by closing its connection.
    const stopped = new Promise<never>((_, reject) => {
      settle = reject;
    });
    const fail = (error: unknown): void => {
      current?.close();
      settle?.(error);
    };
    // Infinity: the caller's signal is the only limit (one timer per request, not two).
    const timer = timeoutMs === Infinity ? undefined : setTimeout(() => {
      fail(
        new Http1Error(`${what}: no complete answer within ${timeoutMs} ms`, {
          stage: "timeout",
          requestSent: sent,
        }),
      );
    }, timeoutMs);
    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    stopped.catch(() => {});
    try {
      const idempotent = request.method === "GET" || request.method === "HEAD";
      for (let attempt = 0;; attempt++) {
        let connection = current;
        if (connection === undefined) {
          this.#cold++;
          const acquiring = this.#acquire(what, attempt > 0);
          try {
            connection = await Promise.race([acquiring, stopped]);
          } catch (error) {
            // Timed out or aborted while waiting: a connection that comes later goes to the pool.
            acquiring.then((late) => this.#release(late, true), () => {});
            throw error;
          }
          current = connection;
          writing = quiet(connection.write(bytes, what));
          this.#onWrite?.(request.method, request.target);
        }
        const reused = connection.uses > 1;
        try {
          sent = false;
          await Promise.race([writing, stopped]);
          sent = true;
          const raw = await Promise.race([
            quiet(connection.readResponse(request.method, what)),
            stopped,
          ]);
          this.#release(connection, raw.reusable);
          current = undefined;
          return answer(raw);
        } catch (error) {
          this.#release(connection, false);
          current = undefined;
          // The server closed a pooled connection just as it was taken: nothing was answered.
          const retry = idempotent && reused && attempt === 0 && !connection.answerStarted &&
            error instanceof Http1Error && (error.stage === "response" || error.stage === "write");
          if (!retry) throw error;
        }
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The client as a `fetch` for its origin (other origins are refused with a TypeError). */
  readonly fetch: typeof fetch = http1Fetch(this);

  /** Closes every connection; requests in flight fail, new ones are refused. */
  close(): void {
    this.#closed = true;
    for (const connection of this.#idle) connection.close();
    for (const connection of this.#busy) connection.close();
    this.#idle.length = 0;
    this.#busy.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(undefined);
  }

  #serialise(request: Http1Request): Uint8Array {
    const { method, target } = request;
    if (!TOKEN.test(method)) throw new TypeError(`Http1Client: invalid method "${method}"`);
    if (!target.startsWith("/") || /[\s\0]/.test(target)) {
      throw new TypeError(`Http1Client: invalid request target "${target}"`);
    }
    let head = `${method} ${target} HTTP/1.1\r\nHost: ${this.#host}\r\n`;
    const headers = request.headers ?? {};
    let agent = false;
    let accept = false;
    for (const name in headers) {
      const value = headers[name] ?? "";
      const lower = this.#lowerName(name);
      if (BAD_VALUE.test(value)) {
        throw new TypeError(`Http1Client: header ${JSON.stringify(name)} cannot be sent as given`);
      }
      if (OWN_HEADERS.has(lower)) continue;
      if (lower === "user-agent") agent = true;
      else if (lower === "accept") accept = true;
      head += `${name}: ${value}\r\n`;
    }
    if (!agent) head += DEFAULT_AGENT;
    if (!accept) head += DEFAULT_ACCEPT;
    // A short text body is encoded once into the client's scratch buffer (for its byte length),
    // then copied after the head: one buffer per request. A long one is encoded on its own, so
    // the scratch buffer stays small.
    const body = typeof request.body === "string" && request.body.length * 3 > SCRATCH_BYTES
      ? encoder.encode(request.body)
      : request.body;
    let length = 0;
    if (typeof body === "string") length = encoder.encodeInto(body, this.#scratch).written;
    else if (body !== undefined) length = body.length;
    if (body !== undefined || method === "POST" || method === "PUT" || method === "PATCH") {
      head += `Content-Length: ${length}\r\n`;
    }
    head += "\r\n";
    if (length === 0) return encoder.encode(head);
    const out = new Uint8Array(head.length * 3 + length);
    const written = encoder.encodeInto(head, out).written;
    out.set(
      typeof body === "string" ? this.#scratch.subarray(0, length) : body as Uint8Array,
      written,
    );
    return out.subarray(0, written + length);
  }

  // The lower-case form of a header name, which is checked once per name the client sees.
  #lowerName(name: string): string {
    let lower = this.#names.get(name);
    if (lower === undefined) {
      if (!TOKEN.test(name)) {
        throw new TypeError(`Http1Client: header ${JSON.stringify(name)} cannot be sent as given`);
      }
      lower = name.toLowerCase();
      // A caller that invents names per request must not grow the map for ever.
      if (this.#names.size >= 64) this.#names.clear();
      this.#names.set(name, lower);
    }
    return lower;
  }

  async #acquire(what: string, fresh: boolean): Promise<Http1Connection> {
    while (true) {
      if (this.#closed) {
        throw new Http1Error(`${what}: the client is closed`, {
          stage: "closed",
          requestSent: false,
        });
      }
      const idle = fresh ? undefined : this.#takeIdle();
      if (idle !== undefined) return idle;
      if (this.#idle.length + this.#busy.size + this.#opening < this.#max) {
        return await this.#open(what);
      }
      if (fresh && this.#idle.length > 0) {
        this.#idle.pop()?.close();
        continue;
      }
      const handed = await new Promise<Http1Connection | undefined>((resolve) =>
        this.#waiters.push({ resolve })
      );
      if (handed !== undefined) return handed;
    }
  }

  // The most recently used idle connection that is still open and not idle for too long.
  #takeIdle(): Http1Connection | undefined {
    const now = performance.now();
    while (this.#idle.length > 0) {
      const connection = this.#idle.pop();
      if (connection === undefined || connection.closed) continue;
      if (now - connection.idleSince > this.#idleMs) {
        connection.close();
        continue;
      }
      connection.take();
      this.#busy.add(connection);
      this.#reused++;
      return connection;
    }
    return undefined;
  }

  async #open(what: string): Promise<Http1Connection> {
    this.#opening++;
    let socket: Http1Socket;
    try {
      socket = await this.#connect(this.#endpoint);
    } catch (cause) {
      throw new Http1Error(`${what}: cannot connect to ${this.#origin}: ${String(cause)}`, {
        stage: "connect",
        requestSent: false,
        cause,
      });
    } finally {
      this.#opening--;
    }
    const connection = new Http1Connection(socket, this.#limits);
    if (this.#closed) {
      connection.close();
      throw new Http1Error(`${what}: the client is closed`, {
        stage: "closed",
        requestSent: false,
      });
    }
    this.#connections++;
    connection.take();
    this.#busy.add(connection);
    return connection;
  }

  #release(connection: Http1Connection, reusable: boolean): void {
    if (!this.#busy.delete(connection)) return;
    if (!reusable || this.#closed) connection.close();
    if (connection.closed) {
      // A slot is free: a waiter may open a connection of its own.
      this.#waiters.shift()?.resolve(undefined);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      connection.take();
      this.#busy.add(connection);
      this.#reused++;
      waiter.resolve(connection);
      return;
    }
    this.#idle.push(connection);
    connection.park(() => {
      const at = this.#idle.indexOf(connection);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#waiters.shift()?.resolve(undefined);
    });
  }
}

// The promise with its late rejection handled (it may lose a race against the time limit).
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

// The `Headers` only when asked for: `fetch` callers get a `Response`, which makes its own.
function answer(raw: Http1RawResponse): Http1Response {
  let headers: Headers | undefined;
  const body = raw.body;
  return {
    status: raw.status,
    statusText: raw.statusText,
    get headers(): Headers {
      if (headers === undefined) {
        headers = new Headers();
        for (const [name, value] of raw.headers) headers.append(name, value);
      }
      return headers;
    },
    fields: raw.headers,
    body,
    text: () => decoder.decode(body),
  };
}

async function connectDeno(endpoint: Http1Endpoint): Promise<Http1Socket> {
  if (endpoint.tls) {
    return await Deno.connectTls({
      hostname: endpoint.hostname,
      port: endpoint.port,
      alpnProtocols: ["http/1.1"],
    });
  }
  const conn = await Deno.connect({ hostname: endpoint.hostname, port: endpoint.port });
  // Requests are written whole in one call: never hold them back for coalescing.
  conn.setNoDelay(true);
  return conn;
}
