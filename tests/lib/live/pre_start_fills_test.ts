/**
 * The fence of a fresh start: fills from before it are not booked unless the order is one this
 * process sent (so our own fills count even when the venue's clock runs behind ours).
 */

import assert from "node:assert/strict";
import { ClientIds } from "../../../lib/execution/mod.ts";
import { isPreStartFill } from "../../../lib/live/_pre_start_fills.ts";

const START = 1_780_000_000_000_000;

Deno.test("isPreStartFill: before the start, a manual order's fill and an earlier process's are fenced off; ours is not", () => {
  const ids = new ClientIds("mm", () => START);
  const before = ids.state();
  assert.equal(isPreStartFill({ clientOrderId: "manual-1" }, START - 1, START, before), true);
  const ours = ids.next();
  const state = ids.state();
  // An id of our prefix made by an earlier process (another epoch) is not this session's.
  const earlier = `mm-${(START / 1000 - 60_000).toString(36)}-7`;
  assert.equal(isPreStartFill({ clientOrderId: earlier }, START - 1, START, state), true);
  assert.equal(isPreStartFill({ clientOrderId: ours }, START - 5_000, START, state), false);
  assert.equal(isPreStartFill({ clientOrderId: "manual-1" }, START, START, state), false);
});
