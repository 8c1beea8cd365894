/**
 * A local webhook receiver on 127.0.0.1 for the alert tests: answers each POST with the next
 * status of a script (the last one repeats) and keeps the bodies it received.
 *
 * @module
 */

/** A running receiver. */
export interface Receiver {
  /** `http://127.0.0.1:<port>/hook/<secret-looking path>`. */
  readonly url: string;
  /** The JSON bodies received, in order (including the ones answered with an error). */
  readonly bodies: Record<string, unknown>[];
  /** Resolves once `n` requests have arrived. */
  received(n: number): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts a receiver answering with `statuses` in turn (`"hang"` never answers until closed). */
export function startReceiver(statuses: readonly (number | "hang")[]): Receiver {
  const bodies: Record<string, unknown>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const hanging = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      bodies.push(await request.json());
      for (const waiter of waiters.filter((w) => bodies.length >= w.n)) waiter.resolve();
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)];
      if (status === "hang") {
        await new Promise<void>((resolve) =>
          hanging.signal.addEventListener("abort", () => resolve())
        );
        return new Response("closed", { status: 503 });
      }
      return new Response(status < 300 ? "ok" : "nope", { status });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook/T0SECRET/B0SECRET/xyzzy`,
    bodies,
    received: (n) =>
      bodies.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ n, resolve })),
    close: async () => {
      hanging.abort();
      await server.shutdown();
    },
  };
}
