/**
 * The simulator's REST server: `Deno.serve` on 127.0.0.1, with support for the timeout
 * fault (a request that is carried out but never answered until the client gives up or the
 * server stops).
 *
 * @module
 */

/** A running REST server. */
export class SimHttpServer {
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #hanging = new Set<() => void>();

  private constructor(server: Deno.HttpServer<Deno.NetAddr>) {
    this.#server = server;
  }

  /** Starts serving `handler` on 127.0.0.1:`port` (0 picks a free port). */
  static start(
    port: number,
    handler: (request: Request, server: SimHttpServer) => Promise<Response>,
  ): SimHttpServer {
    // The handler needs the wrapper, which needs the server: a holder breaks the cycle.
    const holder: { self?: SimHttpServer } = {};
    const server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      (request) => {
        const self = holder.self;
        if (self === undefined) return new Response("starting", { status: 503 });
        return handler(request, self);
      },
    );
    holder.self = new SimHttpServer(server);
    return holder.self;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#server.addr.port;
  }

  /** A response that never comes: resolved only when the client aborts or the server stops. */
  hang(request: Request): Promise<Response> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.#hanging.delete(done);
        resolve(new Response(null, { status: 504 }));
      };
      this.#hanging.add(done);
      request.signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Stops: ends hanging requests and shuts the listener down. */
  async stop(): Promise<void> {
    for (const done of [...this.#hanging]) done();
    await this.#server.shutdown();
  }
}
