/**
 * The simulator's WebSocket server: npm `ws` on `node:http`, bound to 127.0.0.1. Deno's own
 * server-side WebSocket offers only a clean `close()`; `ws` also gives `terminate()` (drop
 * the TCP connection with no close frame), raw writes for garbage frames, and server pings.
 * Every outgoing frame passes the fault pipeline of its {@linkcode SimSocket}: stall, delay,
 * skip (book deltas), duplicate and reorder.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
// @ts-types="@types/ws"
import { type WebSocket as WsSocket, WebSocketServer } from "ws";
import type { FaultController, FaultSpec, StreamName } from "./faults.ts";

/** What an outgoing frame is (book deltas are what the skip fault drops). */
export type FrameKind = "data" | "book-delta" | "control";

/** One client connection. */
export class SimSocket {
  /** Connection number on its server. */
  readonly id: number;
  /** Stream the path belongs to. */
  readonly stream: StreamName;
  /** Request path, e.g. `/v5/public/linear`. */
  readonly path: string;
  /** Query parameters of the upgrade request. */
  readonly query: URLSearchParams;
  readonly #ws: WsSocket;
  readonly #faults: FaultController;
  readonly #messageHandlers: ((text: string) => void)[] = [];
  readonly #closeHandlers: (() => void)[] = [];
  /** Wall time of the last pong from the client (0 = none yet). */
  lastPong = 0;
  #stalledUntil = 0;
  #held: { text: string; kind: FrameKind }[] = [];
  #reorderHeld: string | undefined = undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  /** Wraps an accepted `ws` socket. */
  constructor(
    id: number,
    ws: WsSocket,
    request: { stream: StreamName; path: string; query: URLSearchParams },
    faults: FaultController,
  ) {
    this.id = id;
    this.#ws = ws;
    this.stream = request.stream;
    this.path = request.path;
    this.query = request.query;
    this.#faults = faults;
    ws.on("message", (data: unknown, isBinary: boolean) => {
      if (isBinary) return;
      const text = String(data);
      for (const handler of this.#messageHandlers) handler(text);
    });
    ws.on("pong", () => {
      this.lastPong = Date.now();
    });
    ws.on("close", () => this.#onClosed());
    ws.on("error", () => this.#onClosed());
  }

  /** Name in the fault log, e.g. `public#3`. */
  get name(): string {
    return `${this.stream}#${this.id}`;
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return !this.#closed && this.#ws.readyState === this.#ws.OPEN;
  }

  /** Calls `handler` with every text message from the client. */
  onMessage(handler: (text: string) => void): void {
    this.#messageHandlers.push(handler);
  }

  /** Calls `handler` once when the connection ends, however it ends. */
  onClose(handler: () => void): void {
    this.#closeHandlers.push(handler);
  }

  /** Sends a text frame through the fault pipeline. */
  send(text: string, kind: FrameKind = "data"): void {
    if (!this.open) return;
    if (Date.now() < this.#stalledUntil) {
      this.#held.push({ text, kind });
      return;
    }
    const fault = this.#faults.takeFrameFault(this.stream, kind === "book-delta");
    if (fault === undefined) {
      this.#write(text);
      return;
    }
    this.#applyFrameFault(fault, text);
  }

  /** Sends a frame at once, past the fault pipeline. */
  write(text: string): void {
    this.#write(text);
  }

  /** Sends a protocol ping frame. */
  ping(): void {
    if (this.open) this.#ws.ping();
  }

  /** Closes with a close frame. */
  close(code = 1000, reason = ""): void {
    if (this.open) this.#ws.close(code, reason);
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.#ws.terminate();
  }

  /** Applies a connection fault to this socket and logs it. */
  applyConnectionFault(spec: FaultSpec): void {
    switch (spec.kind) {
      case "ws-close":
        this.#faults.record(spec.kind, this.name, `code ${spec.code ?? 1000}`);
        this.close(spec.code ?? 1000, spec.reason ?? "");
        return;
      case "ws-drop":
        this.#faults.record(spec.kind, this.name, "terminated");
        this.terminate();
        return;
      case "ws-garbage": {
        this.#faults.record(spec.kind, this.name, "text frame with invalid UTF-8");
        // A final text frame (0x81) of 3 bytes that are not UTF-8: the client must fail it.
        const socket =
          (this.#ws as unknown as { _socket?: { write(b: Uint8Array): void } })._socket;
        socket?.write(new Uint8Array([0x81, 0x03, 0xff, 0xfe, 0xfd]));
        return;
      }
      case "ws-stall": {
        this.#faults.record(spec.kind, this.name, `${spec.ms} ms`);
        this.#stalledUntil = Date.now() + spec.ms;
        this.#later(spec.ms, () => this.#release());
        return;
      }
      default:
        throw new TypeError(`${spec.kind} is not a connection fault`);
    }
  }

  #applyFrameFault(spec: FaultSpec, text: string): void {
    switch (spec.kind) {
      case "ws-delay":
        this.#faults.record(spec.kind, this.name, `${spec.ms} ms: ${clip(text)}`);
        this.#later(spec.ms, () => this.#write(text));
        return;
      case "ws-skip":
        this.#faults.record(spec.kind, this.name, `dropped: ${clip(text)}`);
        return;
      case "ws-duplicate":
        this.#faults.record(spec.kind, this.name, `twice: ${clip(text)}`);
        this.#write(text);
        this.#write(text);
        return;
      case "ws-reorder":
        // Held until the next frame, which then goes first.
        this.#faults.record(spec.kind, this.name, `swapped: ${clip(text)}`);
        this.#reorderHeld = text;
        return;
      default:
        throw new TypeError(`${spec.kind} is not a frame fault`);
    }
  }

  #write(text: string): void {
    if (!this.open) return;
    if (this.#reorderHeld !== undefined) {
      const held = this.#reorderHeld;
      this.#reorderHeld = undefined;
      this.#ws.send(text);
      this.#ws.send(held);
      return;
    }
    this.#ws.send(text);
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    for (const frame of held) this.send(frame.text, frame.kind);
  }

  #later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action();
    }, ms);
    this.#timers.add(timer);
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const handler of this.#closeHandlers) handler();
  }
}

/** How a server sorts its paths into streams and greets new connections. */
export interface WsRoutes {
  /** The stream of `path`, or undefined to refuse the upgrade with 404. */
  streamOf(path: string): StreamName | undefined;
  /** Called for every accepted connection. */
  onConnection(socket: SimSocket): void;
}

/** A running WebSocket server. */
export class SimWsServer {
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<SimSocket>();
  readonly #faults: FaultController;
  readonly #unsubscribe: () => void;
  #next = 0;

  private constructor(
    server: Server,
    wss: WebSocketServer,
    routes: WsRoutes,
    faults: FaultController,
  ) {
    this.#server = server;
    this.#wss = wss;
    this.#faults = faults;
    server.on("upgrade", (request: IncomingMessage, socket, head) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const stream = routes.streamOf(url.pathname);
      if (stream === undefined) {
        socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws: WsSocket) => {
        const sim = new SimSocket(++this.#next, ws, {
          stream,
          path: url.pathname,
          query: url.searchParams,
        }, faults);
        this.#sockets.add(sim);
        sim.onClose(() => this.#sockets.delete(sim));
        routes.onConnection(sim);
        this.#applyPending(sim);
      });
    });
    this.#unsubscribe = faults.onInject(() => {
      for (const sim of [...this.#sockets]) this.#applyPending(sim);
    });
  }

  /** Starts a server on 127.0.0.1:`port` (0 picks a free port). */
  static async start(
    port: number,
    routes: WsRoutes,
    faults: FaultController,
  ): Promise<SimWsServer> {
    const server = createServer((_request, response) => {
      response.writeHead(426, { "content-type": "text/plain" });
      response.end("WebSocket upgrade required");
    });
    const wss = new WebSocketServer({ noServer: true });
    const sim = new SimWsServer(server, wss, routes, faults);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    return sim;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** The open connections. */
  sockets(stream?: StreamName): readonly SimSocket[] {
    return [...this.#sockets].filter((s) =>
      s.open && (stream === undefined || stream === "any" || s.stream === stream)
    );
  }

  /** Stops: drops every connection and closes the listener. */
  async stop(): Promise<void> {
    this.#unsubscribe();
    for (const socket of this.#sockets) socket.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #applyPending(socket: SimSocket): void {
    for (;;) {
      const fault = this.#faults.takeConnectionFault(socket.stream);
      if (fault === undefined) return;
      socket.applyConnectionFault(fault);
    }
  }
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
