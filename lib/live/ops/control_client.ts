/**
 * The client side of the control endpoint: one POST to a running live process, its answer or a
 * {@linkcode ControlError} that says what went wrong in one line (what `tesser live control`
 * prints).
 *
 * @module
 */

import { TesserError } from "../../domain/mod.ts";
import type { ControlAction, ControlAnswer, ControlRequest } from "./control.ts";
import { redactText } from "./redact.ts";

/** A control request that did not succeed: unreachable, unauthorized, refused or failed. */
export class ControlError extends TesserError {
  /** Always `"ControlError"`. */
  override readonly name = "ControlError";
}

/** Where and how to send a control action. */
export interface ControlTarget {
  /** `HOST:PORT` of the live process's ops server. */
  readonly addr: string;
  /** Its bearer token. */
  readonly token: string;
  /** Timeout in ms (default 10,000; a flatten waits for its cancels to be sent). */
  readonly timeoutMs?: number;
}

/**
 * Sends `action` and returns the handler's answer.
 *
 * @throws {ControlError} when the process cannot be reached, refuses the token, refuses the
 *   action (the handler's reason) or fails.
 */
export async function sendControl(
  target: ControlTarget,
  action: ControlAction,
  request: ControlRequest = {},
): Promise<ControlAnswer> {
  const url = `http://${target.addr}/control/${action}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error
      ? ` (${error.cause.message})`
      : "";
    const message = error instanceof Error ? `${error.message}${cause}` : String(error);
    throw new ControlError(
      `cannot reach the live process at ${target.addr}: ${redactText(message, [target.token])}`,
      { hint: "is it running, and is this its live.metrics_addr?", cause: error },
    );
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    throw new ControlError(
      `${target.addr} answered HTTP ${response.status} without JSON: is it a tesser live process?`,
    );
  }
  const error = typeof body.error === "string" ? body.error : `HTTP ${response.status}`;
  switch (response.status) {
    case 200:
      if (typeof body.result !== "object" || body.result === null || Array.isArray(body.result)) {
        throw new ControlError(`${target.addr} answered ${action} without a result`);
      }
      return body.result as ControlAnswer;
    case 401:
      throw new ControlError(`the live process refused the token (HTTP 401)`, {
        hint:
          "use --state-path (the token is in the control file) or the live.control_token it runs with",
      });
    case 409:
      throw new ControlError(`${action} refused: ${error}`);
    default:
      throw new ControlError(`${action} failed (HTTP ${response.status}): ${error}`);
  }
}
