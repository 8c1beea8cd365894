/**
 * A minimal scripted Bybit REST double on 127.0.0.1 for the transport and client tests that
 * need behaviour the simulator cannot script (a hung answer, a reply echoing secrets). Each
 * test installs route handlers; every request is recorded with its verified signature.
 */

import { hmacHex } from "../../../connectors/bybit/signing.ts";

/** One request as the double saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly headers: Headers;
  /** Whether X-BAPI-SIGN matched the payload under the test secret. */
  readonly signatureOk: boolean;
  readonly at: number;
}

/** A route: the request → a Response (or a JSON envelope result). */
export type Route = (request: SeenRequest) => Response | Promise<Response>;

/** The double; `close()` stops it. */
export interface FakeBybit {
  readonly url: string;
  readonly seen: SeenRequest[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** The API secret the double verifies signatures with. */
export const TEST_KEY = "test-key-123";
/** The secret matching {@linkcode TEST_KEY}. */
export const TEST_SECRET = "test-secret-456";

/** A Bybit envelope with `result`. */
export function ok(result: unknown, headers: Record<string, string> = {}): Response {
  return Response.json({ retCode: 0, retMsg: "OK", result, retExtInfo: {}, time: Date.now() }, {
    headers,
  });
}

/** A Bybit business error (HTTP 200). */
export function fail(
  retCode: number,
  retMsg: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ retCode, retMsg, result: {}, retExtInfo: {}, time: Date.now() }, {
    headers,
  });
}

/** Starts the double; `/v5/market/time` answers with the local clock unless replaced. */
export function startFakeBybit(): FakeBybit {
  const routes = new Map<string, Route>();
  const seen: SeenRequest[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "POST" ? await req.text() : "";
    const query = url.search.startsWith("?") ? url.search.slice(1) : "";
    const ts = req.headers.get("X-BAPI-TIMESTAMP") ?? "";
    const window = req.headers.get("X-BAPI-RECV-WINDOW") ?? "";
    const expected = hmacHex(
      TEST_SECRET,
      `${ts}${TEST_KEY}${window}${req.method === "POST" ? body : query}`,
    );
    const request: SeenRequest = {
      method: req.method,
      path: url.pathname,
      query,
      body,
      headers: req.headers,
      signatureOk: req.headers.get("X-BAPI-SIGN") === expected,
      at: Date.now(),
    };
    seen.push(request);
    const handler = routes.get(url.pathname);
    if (handler !== undefined) return await handler(request);
    if (url.pathname === "/v5/market/time") {
      const now = BigInt(Date.now()) * 1_000_000n;
      return ok({ timeSecond: String(Date.now() / 1000 | 0), timeNano: String(now) });
    }
    return new Response("not found", { status: 404 });
  });
  const address = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    route(path: string, handler: Route): void {
      routes.set(path, handler);
    },
    close: () => server.shutdown(),
  };
}
