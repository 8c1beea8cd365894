/**
 * The failure of a request sent by {@linkcode Http1Client}: where it failed and whether the
 * request had left in full, which is what a REST layer needs to tell "not sent" from "sent,
 * outcome unknown".
 *
 * @module
 */

/** Where a request failed. */
export type Http1Stage =
  /** Opening the connection (TCP or TLS); nothing was sent. */
  | "connect"
  /** Writing the request; it did not leave in full, so the server cannot have acted on it. */
  | "write"
  /** Reading the answer: the connection broke or closed after the request left. */
  | "response"
  /** The answer broke the protocol (bad status line, header, length or chunk). */
  | "protocol"
  /** No complete answer within the request's time limit. */
  | "timeout"
  /** The client was closed. */
  | "closed";

/** Options of {@linkcode Http1Error}. */
export interface Http1ErrorOptions {
  /** Where it failed. */
  readonly stage: Http1Stage;
  /** Whether every byte of the request had been written when it failed. */
  readonly requestSent: boolean;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * A failed HTTP/1.1 request. When `requestSent` is true the server may have acted on it: an
 * order sent that way has an unknown outcome and must be looked up, never sent again blindly.
 *
 * @example
 * ```ts
 * import { Http1Error } from "@tesser/tesser/broker";
 * import assert from "node:assert/strict";
 *
 * const error = new Http1Error("POST /v5/order/create: connection closed before the answer", {
 *   stage: "response",
 *   requestSent: true,
 * });
 * assert.equal(error.name, "Http1Error");
 * assert.equal(error.requestSent, true);
 * ```
 */
export class Http1Error extends Error {
  /** Where it failed. */
  readonly stage: Http1Stage;
  /** Whether every byte of the request had been written. */
  readonly requestSent: boolean;

  /** Makes the error. */
  constructor(message: string, options: Http1ErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "Http1Error";
    this.stage = options.stage;
    this.requestSent = options.requestSent;
  }
}
