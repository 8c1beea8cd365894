/**
 * The connectors' default REST transport: a `fetch` that sends through one keep-alive
 * {@linkcode Http1Client} per origin. Measured against the simulator on 127.0.0.1 it writes an
 * order's request sooner and gets its answer back sooner than the global `fetch`
 * (bench/README.md, "Live session (issue 16)"); it does not read `HTTP(S)_PROXY` and never
 * follows redirects, which venue APIs do not send.
 *
 * @module
 */

import { Http1Client, type Http1ClientOptions } from "./http1_client.ts";

/**
 * A `fetch` over keep-alive HTTP/1.1 connections, one pool per origin, made on first use. Idle
 * connections do not keep the process alive; a server's close of an idle one is noticed at once.
 *
 * @example
 * ```ts
 * import { keepAliveFetch } from "@tesser/tesser/broker";
 * import assert from "node:assert/strict";
 *
 * const send = keepAliveFetch({ timeoutMs: 5000 });
 * // Only http: and https: URLs are sent; anything else is refused before any I/O.
 * await assert.rejects(send("ftp://127.0.0.1/file"), TypeError);
 * ```
 */
export function keepAliveFetch(options: Omit<Http1ClientOptions, "origin"> = {}): typeof fetch {
  const clients = new Map<string, Http1Client>();
  return (input, init) => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    // A URL on a known origin is sent without parsing it (a URL object per order, for nothing).
    for (const [origin, client] of clients) {
      const next = href.charAt(origin.length);
      if ((next === "/" || next === "?") && href.startsWith(origin)) {
        return client.fetch(input, init);
      }
    }
    let origin: string;
    try {
      origin = new URL(href).origin;
    } catch {
      return Promise.reject(new TypeError(`keepAliveFetch: "${href}" is not a URL`));
    }
    let client = clients.get(origin);
    if (client === undefined) {
      try {
        client = new Http1Client({ ...options, origin });
      } catch (error) {
        return Promise.reject(error);
      }
      clients.set(origin, client);
    }
    return client.fetch(input, init);
  };
}
