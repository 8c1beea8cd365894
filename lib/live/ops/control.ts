/**
 * Operator control of a running live process: the five actions of `tesser live control`, the
 * {@linkcode ControlHandlers} the runtime implements for them, and the one dispatch that maps an
 * action name to its handler. The HTTP side is in `server.ts`.
 *
 * @module
 */

import type { JsonValue } from "../../domain/mod.ts";

/** The control actions, as they appear in `POST /control/<action>` and on the command line. */
export const CONTROL_ACTIONS = [
  "status",
  "halt",
  "resume",
  "flatten",
  "clear-kill-switch",
] as const;

/** One control action. */
export type ControlAction = typeof CONTROL_ACTIONS[number];

/** What the operator sent with an action (`--reason`). */
export interface ControlRequest {
  /** Why, for the log and the alert. */
  readonly reason?: string;
}

/** What a handler answers: a JSON object shown to the operator. */
export type ControlAnswer = Readonly<Record<string, JsonValue>>;

/**
 * What the runtime does for each action. Handlers run on the live process's event loop: they
 * may be async, and they should act through the session's normal command path (halting is a
 * state the engine reads, flattening goes through the OMS), never around it.
 */
export interface ControlHandlers {
  /** The process's state: mode, positions, open orders, kill switch, supervisor tasks, .... */
  status(): ControlAnswer | Promise<ControlAnswer>;
  /** Stops new entries (reducing-only); working orders stay. */
  halt(request: ControlRequest): ControlAnswer | Promise<ControlAnswer>;
  /** Ends a halt. Refuse (throw {@linkcode ControlRefusedError}) while a mismatch is open. */
  resume(request: ControlRequest): ControlAnswer | Promise<ControlAnswer>;
  /** Cancels working entries and closes every position. */
  flatten(request: ControlRequest): ControlAnswer | Promise<ControlAnswer>;
  /** Clears the persisted drawdown kill-switch latch. */
  clearKillSwitch(request: ControlRequest): ControlAnswer | Promise<ControlAnswer>;
}

/**
 * A handler's refusal of an action for a reason the operator should read (answered as HTTP 409
 * with the message), e.g. "cannot resume: the reconciliation mismatch on bybit:BTCUSDT is open".
 */
export class ControlRefusedError extends Error {
  /** Always `"ControlRefusedError"`. */
  override readonly name = "ControlRefusedError";
}

/** The action named `text`, or undefined when there is none of that name. */
export function parseControlAction(text: string): ControlAction | undefined {
  return (CONTROL_ACTIONS as readonly string[]).includes(text) ? text as ControlAction : undefined;
}

/** Whether `action` changes the process (and so is alerted, not only logged). */
export function isMutatingAction(action: ControlAction): boolean {
  return action !== "status";
}

/**
 * Calls the handler of `action`.
 *
 * @example
 * ```ts
 * import { type ControlHandlers, dispatchControl } from "@tesser/tesser/live";
 * import assert from "node:assert/strict";
 *
 * let halted = false;
 * const handlers: ControlHandlers = {
 *   status: () => ({ halted }),
 *   halt: () => { halted = true; return { halted }; },
 *   resume: () => { halted = false; return { halted }; },
 *   flatten: () => ({ flattened: 0 }),
 *   clearKillSwitch: () => ({ killSwitch: false }),
 * };
 * assert.deepEqual(await dispatchControl(handlers, "halt", {}), { halted: true });
 * ```
 */
export async function dispatchControl(
  handlers: ControlHandlers,
  action: ControlAction,
  request: ControlRequest,
): Promise<ControlAnswer> {
  switch (action) {
    case "status":
      return await handlers.status();
    case "halt":
      return await handlers.halt(request);
    case "resume":
      return await handlers.resume(request);
    case "flatten":
      return await handlers.flatten(request);
    case "clear-kill-switch":
      return await handlers.clearKillSwitch(request);
    default: {
      const never: never = action;
      throw new TypeError(`unknown control action ${String(never)}`);
    }
  }
}
