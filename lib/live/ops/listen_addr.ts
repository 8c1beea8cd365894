/**
 * The `HOST:PORT` address of the ops server (`live.metrics_addr`, `--metrics-addr`): parsed,
 * and refused when it is not a loopback address unless the caller explicitly allows that
 * (metrics and health are unauthenticated).
 *
 * @module
 */

import { ConfigError } from "../../domain/mod.ts";

/** A parsed listen address. */
export interface ListenAddr {
  /** Host name or IP literal, without brackets (`127.0.0.1`, `::1`, `localhost`). */
  readonly hostname: string;
  /** Port; 0 asks the system for a free one. */
  readonly port: number;
}

/** Where an address came from, for error messages (e.g. `live.metrics_addr`). */
export interface ListenAddrSource {
  /** The config key or flag the address came from. */
  readonly name: string;
}

/** Whether `hostname` is a loopback address (127.0.0.0/8, `::1`, `localhost`). */
export function isLoopback(hostname: string): boolean {
  if (hostname === "localhost" || hostname === "::1") return true;
  const parts = hostname.split(".");
  return parts.length === 4 && parts[0] === "127" &&
    parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/**
 * Parses `HOST:PORT` (`[IPV6]:PORT` for IPv6).
 *
 * @example
 * ```ts
 * import { parseListenAddr } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseListenAddr("127.0.0.1:9100"), { hostname: "127.0.0.1", port: 9100 });
 * assert.deepEqual(parseListenAddr("[::1]:0"), { hostname: "::1", port: 0 });
 * ```
 *
 * @throws {ConfigError} when it is not `HOST:PORT` with a port in 0..65535.
 */
export function parseListenAddr(
  text: string,
  source: ListenAddrSource = { name: "live.metrics_addr" },
): ListenAddr {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !(port >= 0 && port <= 65535)) {
    throw new ConfigError(`${source.name} "${text}" is not HOST:PORT`, {
      hint: 'use e.g. "127.0.0.1:9100" (or "[::1]:9100")',
    });
  }
  return { hostname: match[1] ?? match[2] ?? "", port };
}

/**
 * {@linkcode parseListenAddr}, refusing a non-loopback host unless `allowNonLoopback`.
 *
 * @throws {ConfigError} when malformed, or not loopback and not allowed.
 */
export function resolveListenAddr(
  text: string,
  allowNonLoopback: boolean,
  source: ListenAddrSource = { name: "live.metrics_addr" },
): ListenAddr {
  const addr = parseListenAddr(text, source);
  if (!allowNonLoopback && !isLoopback(addr.hostname)) {
    throw new ConfigError(
      `${source.name} "${text}" is not a loopback address; /metrics and /health have no authentication`,
      {
        hint: "listen on 127.0.0.1 and scrape through a proxy or tunnel, or allow non-loopback " +
          "explicitly (allowNonLoopback) if the network is trusted",
      },
    );
  }
  return addr;
}

/** `HOST:PORT` for an address (IPv6 in brackets). */
export function formatListenAddr(addr: ListenAddr): string {
  return addr.hostname.includes(":")
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}
