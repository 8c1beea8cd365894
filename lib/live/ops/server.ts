/**
 * The ops HTTP server of a live process (loopback by default): `GET /metrics` (Prometheus text),
 * `GET /health` (JSON; 503 when failing), and `POST /control/<action>` behind a bearer token.
 * Every control action is counted and logged; those that change the process are also alerted.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { Buffer } from "node:buffer";
import { ConfigError, type JsonValue } from "../../domain/mod.ts";
import type { OpsAlert } from "./alerts.ts";
import {
  CONTROL_ACTIONS,
  type ControlAction,
  type ControlHandlers,
  ControlRefusedError,
  type ControlRequest,
  dispatchControl,
  isMutatingAction,
  parseControlAction,
} from "./control.ts";
import { formatListenAddr, resolveListenAddr } from "./listen_addr.ts";
import { type LiveLogger, liveLogger } from "./logging.ts";
import type { LiveMetrics } from "./metrics.ts";
import { redactText } from "./redact.ts";

/** Overall health: `failing` answers 503 so a load balancer or probe sees it. */
export type HealthStatus = "ok" | "degraded" | "failing";

/** What `GET /health` answers. */
export interface HealthReport {
  /** Overall state. */
  readonly status: HealthStatus;
  /** Per-component details (feeds, execution channel, reconciliation, kill switch, ...). */
  readonly checks?: Readonly<Record<string, JsonValue>>;
}

/** Options of {@linkcode startOpsServer}. */
export interface OpsServerOptions {
  /** `HOST:PORT` to listen on (`live.metrics_addr`); port 0 picks a free one. */
  readonly addr: string;
  /** Allow a non-loopback host (metrics and health are unauthenticated). Default false. */
  readonly allowNonLoopback?: boolean;
  /** The metrics to serve (control actions are counted there too). */
  readonly metrics: LiveMetrics;
  /** Called per `GET /health`. */
  readonly health: () => HealthReport | Promise<HealthReport>;
  /** The control actions; without them `/control/*` answers 404. */
  readonly control?: ControlHandlers;
  /** The bearer token of `/control/*` (at least 16 characters; required with `control`). */
  readonly token?: string;
  /** Where control actions are alerted (an {@linkcode Alerter} fits). */
  readonly alerter?: { notify(alert: OpsAlert): void };
  /** Where control actions and errors are logged (default: the `control` component logger). */
  readonly log?: LiveLogger;
}

/** A running ops server. */
export interface OpsServer {
  /** The address it listens on, `HOST:PORT` with the real port. */
  readonly addr: string;
  /** The real port. */
  readonly port: number;
  /** Stops listening and waits for requests in progress. */
  close(): Promise<void>;
}

/** The shortest control token accepted. */
export const MIN_CONTROL_TOKEN_LENGTH = 16;

/** A random control token (256 bits, hex), for when the config sets none. */
export function generateControlToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Starts the ops server.
 *
 * @example
 * ```ts ignore
 * // Not run by `deno test --doc`, which has no network permission; tests/lib/live/ops runs it.
 * import { LiveMetrics } from "@tesser/tesser/live";
 * import { startOpsServer } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * const server = startOpsServer({
 *   addr: "127.0.0.1:0",
 *   metrics: new LiveMetrics(),
 *   health: () => ({ status: "ok" }),
 * });
 * const response = await fetch(`http://${server.addr}/health`);
 * assert.deepEqual(await response.json(), { status: "ok" });
 * await server.close();
 * ```
 *
 * @throws {ConfigError} for a malformed or non-loopback address, a missing or short token with
 *   `control`, or an address already in use.
 */
export function startOpsServer(options: OpsServerOptions): OpsServer {
  const listen = resolveListenAddr(options.addr, options.allowNonLoopback ?? false);
  const token = options.token ?? "";
  if (options.control !== undefined && token.length < MIN_CONTROL_TOKEN_LENGTH) {
    throw new ConfigError(
      `the control endpoint needs a token of at least ${MIN_CONTROL_TOKEN_LENGTH} characters` +
        (token === "" ? "" : ` (the one given has ${token.length})`),
      { hint: "set live.control_token, or let the runtime generate one into the control file" },
    );
  }
  const log = options.log ?? liveLogger("control");
  const tokenDigest = digest(token);
  const handle = async (request: Request, remote: string): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === "/metrics") {
      if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed("GET");
      return new Response(await options.metrics.text(), {
        headers: { "content-type": options.metrics.contentType },
      });
    }
    if (path === "/health") {
      if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed("GET");
      const report = await options.health();
      return json(report.status === "failing" ? 503 : 200, report);
    }
    if (path.startsWith("/control/")) {
      if (options.control === undefined) {
        return json(404, { ok: false, error: "control is not enabled on this process" });
      }
      if (request.method !== "POST") return methodNotAllowed("POST");
      if (!authorized(request.headers.get("authorization"), tokenDigest)) {
        log.warn("control request refused: missing or wrong token", { path, remote });
        return json(401, { ok: false, error: "missing or wrong bearer token" }, {
          "www-authenticate": 'Bearer realm="tesser"',
        });
      }
      const action = parseControlAction(path.slice("/control/".length));
      if (action === undefined) {
        return json(404, {
          ok: false,
          error: `unknown control action; actions: ${CONTROL_ACTIONS.join(", ")}`,
        });
      }
      const body = await readControlRequest(request);
      if (typeof body === "string") return json(400, { ok: false, error: body });
      return await runAction(action, body, remote);
    }
    return json(404, {
      ok: false,
      error: "not found; paths: /metrics, /health, /control/<action>",
    });
  };

  const runAction = async (
    action: ControlAction,
    body: ControlRequest,
    remote: string,
  ): Promise<Response> => {
    const control = options.control;
    if (control === undefined) throw new TypeError("control handlers are missing");
    options.metrics.controlAction(action);
    const fields: Record<string, JsonValue> = { action, remote };
    if (body.reason !== undefined) fields.reason = body.reason;
    try {
      const result = await dispatchControl(control, action, body);
      if (isMutatingAction(action)) {
        log.warn(`control: ${action} done`, fields);
        options.alerter?.notify({
          code: `control-${action}`,
          severity: "warning",
          text: `operator action "${action}" done` +
            (body.reason === undefined ? "" : ` (reason: ${body.reason})`),
          fields,
        });
      } else {
        log.info(`control: ${action}`, fields);
      }
      return json(200, { ok: true, action, result });
    } catch (error) {
      const refused = error instanceof ControlRefusedError;
      const message = redactText(error instanceof Error ? error.message : String(error), [token]);
      log.error(`control: ${action} ${refused ? "refused" : "failed"}`, {
        ...fields,
        error: message,
      });
      if (isMutatingAction(action)) {
        options.alerter?.notify({
          code: `control-${action}-${refused ? "refused" : "failed"}`,
          severity: "warning",
          text: `operator action "${action}" ${refused ? "refused" : "failed"}: ${message}`,
          fields,
        });
      }
      return json(refused ? 409 : 500, { ok: false, action, error: message });
    }
  };

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: listen.hostname,
      port: listen.port,
      onListen: () => {},
      onError: (error) => {
        log.error("ops server request failed", { error });
        return json(500, { ok: false, error: "internal error (see the process log)" });
      },
    }, (request, info) => handle(request, formatListenAddr(info.remoteAddr)));
  } catch (error) {
    const inUse = error instanceof Deno.errors.AddrInUse;
    const what = inUse
      ? "the address is in use"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new ConfigError(`cannot listen on ${options.addr}: ${what}`, {
      hint: inUse
        ? "another live process may use it: give each process its own live.metrics_addr (--metrics-addr)"
        : "check live.metrics_addr (--metrics-addr): a local address and a port this user may open",
      cause: error,
    });
  }
  const addr = formatListenAddr({ hostname: listen.hostname, port: server.addr.port });
  let closing: Promise<void> | undefined;
  return {
    addr,
    port: server.addr.port,
    close: () => closing ??= server.shutdown(),
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

// Compares digests in constant time, so the token cannot be guessed byte by byte from timings.
function authorized(header: string | null, tokenDigest: Buffer): boolean {
  const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) return false;
  return timingSafeEqual(digest(match[1]), tokenDigest);
}

async function readControlRequest(request: Request): Promise<ControlRequest | string> {
  const text = await request.text();
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'the body must be JSON, e.g. {"reason": "maintenance"}';
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return 'the body must be a JSON object, e.g. {"reason": "maintenance"}';
  }
  const reason = (value as Record<string, unknown>).reason;
  if (reason === undefined) return {};
  if (typeof reason !== "string" || reason.length > 500) {
    return '"reason" must be a string of at most 500 characters';
  }
  return { reason };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function methodNotAllowed(allow: string): Response {
  return json(405, { ok: false, error: `method not allowed; use ${allow}` }, { allow });
}
