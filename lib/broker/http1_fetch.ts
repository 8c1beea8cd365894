/**
 * {@linkcode Http1Client} as a `fetch`, for code written against `fetch` (the connectors' REST
 * transports): URLs must be on the client's origin, bodies are strings, bytes or
 * `URLSearchParams`, the abort signal is honoured, and redirects are returned, never followed.
 *
 * @module
 */

import type { Http1Client, Http1Request } from "./http1_client.ts";

/**
 * A `fetch` that sends through `client`.
 *
 * @example
 * ```ts
 * import { Http1Client, http1Fetch } from "@tesser/tesser/broker";
 * import assert from "node:assert/strict";
 *
 * const send = http1Fetch(new Http1Client({ origin: "http://127.0.0.1:9" }));
 * // Another origin is refused before anything is sent.
 * await assert.rejects(send("http://127.0.0.2:9/x"), TypeError);
 * ```
 */
export function http1Fetch(client: Http1Client): typeof fetch {
  return async (input, init) => {
    let url: string;
    let method = init?.method?.toUpperCase() ?? "GET";
    let headers: HeadersInit | undefined = init?.headers;
    let body: BodyInit | null | undefined = init?.body;
    if (input instanceof Request) {
      url = input.url;
      if (init?.method === undefined) method = input.method;
      if (headers === undefined) headers = input.headers;
      if (body === undefined && input.body !== null) body = await input.arrayBuffer();
    } else url = typeof input === "string" ? input : input.href;
    const request: {
      -readonly [K in keyof Http1Request]: Http1Request[K];
    } = { method, target: targetOf(url, client.origin), headers: headerRecord(headers) };
    if (body !== undefined && body !== null) request.body = bodyBytes(body);
    if (init?.signal !== undefined && init.signal !== null) request.signal = init.signal;
    const answer = await client.request(request);
    const empty = answer.status === 204 || answer.status === 205 || answer.status === 304 ||
      method === "HEAD";
    return new Response(empty ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      // The fields as received: one `Headers`, the Response's own.
      headers: answer.fields as [string, string][],
    });
  };
}

// Path and query of `url`, which must be on `origin`.
function targetOf(url: string, origin: string): string {
  const next = url.charAt(origin.length);
  if (url.startsWith(origin) && (next === "/" || next === "?" || next === "")) {
    const hash = url.indexOf("#", origin.length);
    const rest = hash < 0 ? url.slice(origin.length) : url.slice(origin.length, hash);
    return rest === "" ? "/" : rest.startsWith("?") ? `/${rest}` : rest;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.origin !== origin) {
    throw new TypeError(`Http1Client: ${url} is not on ${origin}`);
  }
  return `${parsed.pathname}${parsed.search}`;
}

// The client only reads the record: a plain object is passed on as it is, not copied.
function headerRecord(init: HeadersInit | undefined): Readonly<Record<string, string>> {
  if (init === undefined) return {};
  if (Symbol.iterator in init) {
    const out: Record<string, string> = {};
    for (const [name, value] of init as Iterable<readonly string[]>) {
      if (name === undefined || value === undefined) continue;
      out[name] = name in out ? `${out[name]}, ${value}` : value;
    }
    return out;
  }
  return init;
}

function bodyBytes(body: BodyInit): string | Uint8Array {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError(
    "Http1Client.fetch: only string, bytes and URLSearchParams bodies are supported (no streams, blobs or forms)",
  );
}
