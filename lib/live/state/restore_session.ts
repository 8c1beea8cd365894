/**
 * Restarts a trading session from its live store: the OMS (working orders with their in-flight
 * steps, brackets owed, trading state), the portfolio, the strategy's state, and what the dead
 * process wrote after its last commit, and the execution algorithms' parents. Orders with a
 * step that has no answer (its intent written but never committed, or committed before the
 * answer came) are adopted: submits as ambiguous pending-new orders, cancels and amends in
 * flight, ambiguous (never resent: the venue is asked by client id), and the client-id counter
 * moves past every id any intent used, so no id is ever made twice across restarts.
 *
 * @module
 */

import type { Micros } from "../../domain/mod.ts";
import {
  type ClientIdState,
  isAlgorithmsSnapshot,
  type OmsSnapshot,
  type OrderSnapshot,
  parseClientId,
  requestToSnapshot,
} from "../../execution/mod.ts";
import type { Strategy } from "../../strategies/mod.ts";
import type { TradingSession } from "../../trader/mod.ts";
import type {
  KillSwitchLatch,
  LiveIntent,
  LiveStore,
  PersistedLiveState,
  RecordedFill,
} from "./store.ts";

/** What {@linkcode restoreSession} restores into. */
export interface RestoreTarget {
  /** A fresh session (no order sent, no fill booked yet). */
  readonly session: TradingSession;
  /** The session's strategy instance (its `restore` gets the saved snapshot). */
  readonly strategy: Strategy;
  /**
   * Client ids the venue knows (its open orders and recent order history), when the caller has
   * them: the id counter moves past these too, which covers an intent lost to a power loss
   * (see docs/live_state.md).
   */
  readonly venueIds?: readonly string[];
}

/** What {@linkcode restoreSession} did and what the caller settles next. */
export interface RestoreOutcome {
  /** The committed state restored (undefined on a fresh file: nothing but the id counter). */
  readonly state: PersistedLiveState | undefined;
  /** Intents written after the last commit. */
  readonly pendingIntents: readonly LiveIntent[];
  /**
   * Client ids of orders with a step the dead process never had answered (a submit, cancel or
   * amend written after the last commit, or committed before its answer came), now ambiguous:
   * settle them against the venue past the request's fence (`resolveAdopted`, then
   * `refusedSteps`).
   */
  readonly adopted: readonly string[];
  /**
   * Fills recorded after the last commit, for the caller to process as `fill` events again
   * (the portfolio does not have them; the OMS drops any whose trade id it already booked).
   */
  readonly fills: readonly RecordedFill[];
  /** The kill-switch latch (tripped: the caller latches risk and stays reducing-only). */
  readonly killSwitch: KillSwitchLatch;
}

/**
 * The id generator's state moved past every id in `used` under its prefix: the epoch stays
 * (the snapshot's, or the latest intent's when nothing was committed yet) and the counter goes
 * past the highest one used with that epoch. Ids of other epochs cannot collide with it.
 */
export function clientIdsAfter(state: ClientIdState, used: readonly string[]): ClientIdState {
  let epochMs = state.epochMs;
  if (epochMs === undefined) {
    for (let i = used.length - 1; i >= 0 && epochMs === undefined; i--) {
      epochMs = parseClientId(state.prefix, used[i])?.epochMs;
    }
  }
  let counter = state.counter;
  for (const id of used) {
    const parsed = parseClientId(state.prefix, id);
    if (parsed !== undefined && parsed.epochMs === epochMs) {
      counter = Math.max(counter, parsed.counter);
    }
  }
  return { prefix: state.prefix, epochMs, counter };
}

function inFlightAdoption(intent: LiveIntent, ts: Micros): OrderSnapshot | undefined {
  if (intent.command.type !== "submit") return undefined;
  return {
    request: requestToSnapshot(intent.command.request),
    inFlight: "new",
    seq: 0,
    // Whether the request reached the venue is unknown: only the venue can say.
    ambiguous: true,
    filledByFills: "0",
    createdTs: ts,
    sentAt: ts,
  };
}

// The committed OMS plus what the intents after it say was in flight.
function omsWithIntents(
  base: OmsSnapshot,
  intents: readonly LiveIntent[],
  used: readonly string[],
): { readonly oms: OmsSnapshot; readonly adopted: readonly string[] } {
  const orders = new Map(base.orders.map((o) => [o.request.clientOrderId, o]));
  const adopted = new Set<string>();
  // A step committed before its answer came is as unknown as one written after the commit (a
  // live request leaves only after the commit, so the process may have died before it did),
  // and its answer can only come from the venue now: no acknowledgement timeout is due.
  for (const order of base.orders) {
    if (order.inFlight === undefined) continue;
    const id = order.request.clientOrderId;
    orders.set(id, { ...order, ambiguous: true });
    adopted.add(id);
  }
  for (const intent of intents) {
    const { command } = intent;
    const known = orders.get(intent.clientOrderId);
    switch (command.type) {
      case "submit": {
        if (known !== undefined) break;
        const order = inFlightAdoption(intent, intent.ts);
        if (order === undefined) break;
        orders.set(intent.clientOrderId, order);
        adopted.add(intent.clientOrderId);
        break;
      }
      case "cancel":
        // A cancel that may have landed: keep it in flight (never select pending-cancel
        // orders for cancelling again), for the venue's answer or reconciliation.
        if (known !== undefined && known.inFlight !== "cancel") {
          orders.set(intent.clientOrderId, {
            ...known,
            inFlight: "cancel",
            seq: known.seq + 1,
            ambiguous: true,
            sentAt: intent.ts,
          });
          adopted.add(intent.clientOrderId);
        }
        break;
      case "amend":
        if (known !== undefined && known.inFlight === undefined) {
          orders.set(intent.clientOrderId, {
            ...known,
            inFlight: "amend",
            target: {
              ...(command.price === undefined ? {} : { price: command.price.toString() }),
              ...(command.quantity === undefined ? {} : { quantity: command.quantity.toString() }),
            },
            seq: known.seq + 1,
            ambiguous: true,
            sentAt: intent.ts,
          });
          adopted.add(intent.clientOrderId);
        }
        break;
      default: {
        const unknown: never = command;
        throw new TypeError(`Unknown order command ${JSON.stringify(unknown)}`);
      }
    }
  }
  return {
    oms: { ...base, clientIds: clientIdsAfter(base.clientIds, used), orders: [...orders.values()] },
    adopted: [...adopted],
  };
}

/**
 * Restores `target` from `store` (see the module doc). Call it on a fresh session, before any
 * order is sent or data is processed; then process the returned `fills` as fill events and
 * reconcile the `adopted` orders with the venue.
 *
 * @throws {RangeError} when the saved OMS has another id prefix, or the session already sent
 * orders; {@linkcode TypeError} from the strategy when its saved state does not fit it.
 */
export function restoreSession(store: LiveStore, target: RestoreTarget): RestoreOutcome {
  const { session, strategy } = target;
  const state = store.load();
  const pending = store.uncommitted();
  const base = state?.oms ?? session.oms.snapshot();
  const used = [...store.intentIds(), ...(target.venueIds ?? [])];
  const { oms, adopted } = omsWithIntents(base, pending.intents, used);
  session.oms.restore(oms);
  if (state !== undefined) {
    // After the OMS: the algorithms' working children must already be known orders.
    if (isAlgorithmsSnapshot(state.algorithms)) session.algorithms.restore(state.algorithms);
    session.portfolio.load(state.portfolio);
    // Sound: the store holds what this strategy's snapshot() returned.
    if (state.strategy !== null) strategy.restore(state.strategy);
  }
  return {
    state,
    pendingIntents: pending.intents,
    adopted,
    fills: pending.fills,
    killSwitch: state?.killSwitch ?? { tripped: false },
  };
}
