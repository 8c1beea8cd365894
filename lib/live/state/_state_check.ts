// The shape check of a committed state read back from a file: the outer structure and the
// fields the store itself reads. The OMS, portfolio and strategy check their own parts when
// they are restored (RangeError/TypeError naming the field).

import { DataError } from "../../domain/mod.ts";
import { LIVE_STATE_VERSION, type PersistedLiveState } from "./store.ts";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `data` as a {@linkcode PersistedLiveState}, or a DataError naming `where` and the field.
 */
export function checkPersistedState(data: unknown, where: string): PersistedLiveState {
  const fail = (problem: string): never => {
    throw new DataError(`${where}: committed state ${problem}`, {
      hint: "the file is damaged or from another program; restore a backup",
    });
  };
  if (!isObject(data)) return fail("is not an object");
  if (data.version !== LIVE_STATE_VERSION) {
    return fail(`has version ${String(data.version)}, this tesser reads ${LIVE_STATE_VERSION}`);
  }
  if (typeof data.savedAt !== "number" || !Number.isFinite(data.savedAt)) {
    return fail("has no savedAt time");
  }
  if (!isObject(data.oms) || !Array.isArray(data.oms.orders)) return fail("has no OMS snapshot");
  if (!isObject(data.portfolio) || !isObject(data.portfolio.balances)) {
    return fail("has no portfolio balances");
  }
  if (!Array.isArray(data.portfolio.positions)) return fail("has no portfolio positions");
  if (!isObject(data.lastEventIds)) return fail("has no lastEventIds");
  if (Object.values(data.lastEventIds).some((id) => typeof id !== "string")) {
    return fail("has a lastEventIds entry that is not a string");
  }
  if (!isObject(data.killSwitch) || typeof data.killSwitch.tripped !== "boolean") {
    return fail("has no kill-switch latch");
  }
  if (!("strategy" in data) || !("algorithms" in data)) {
    return fail("lacks the strategy or algorithms snapshot");
  }
  return data as unknown as PersistedLiveState;
}
