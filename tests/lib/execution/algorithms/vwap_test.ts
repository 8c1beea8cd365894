import assert from "node:assert/strict";
import { vwapTargets } from "../../../../lib/execution/mod.ts";
import { AlgoSession, M, T0 } from "./_algo_session.ts";

const qty = (run: AlgoSession): string[][] =>
  run.children().map((o) => [String((o.createdTs - T0) / M), o.request.quantity.toString()]);

Deno.test("VWAP follows a configured profile bucket by bucket when the cap does not bind", () => {
  const run = new AlgoSession({
    0: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "vwap", durationSecs: 120, participation: 0.5, profile: [1, 3] },
    },
  });
  run.flat(6, 100, 0.01);
  // Bucket 1 asks for 25 % (2.5 → 3 lots), bucket 2 for the rest; sent at each bucket's close.
  assert.deepEqual(qty(run), [["2", "0.003"], ["3", "0.007"]]);
  assert.equal(run.session.algorithms.parents()[0].status, "completed");
  assert.deepEqual(vwapTargets([1, 3]), [0.25, 1]);
  assert.deepEqual(vwapTargets([0, 0]), [0.5, 1]);
});

Deno.test("VWAP never exceeds its participation of the observed volume and reports the rest as shortfall", () => {
  const run = new AlgoSession({
    0: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "vwap", durationSecs: 120, participation: 0.2, profile: [1, 3] },
    },
  });
  run.flat(6, 100, 0.01);
  // 20 % of 0.01 per bar: 2 lots after one bar, 4 after two.
  assert.deepEqual(qty(run), [["2", "0.002"], ["3", "0.002"]]);
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "expired");
  assert.match(parent.reason ?? "", /participation cap of 0\.2 binding/);
  const q = run.session.algorithms.quality()[0];
  assert.equal(q.filled, 0.004);
  // Volume seen while it worked: the two bars of the duration and the one after.
  assert.ok(q.participation !== undefined && q.participation <= 0.2 + 1e-12);
});

Deno.test("VWAP catches up a bucket without volume once volume comes, within the cap", () => {
  const run = new AlgoSession({
    0: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "vwap", durationSecs: 240, participation: 1, profile: [1, 1, 1, 1] },
    },
  });
  run.flat(1, 100, 1);
  run.flat(1, 100, 0); // bucket 1: nothing traded, nothing may be sent
  run.flat(4, 100, 1);
  assert.deepEqual(qty(run), [["3", "0.005"], ["4", "0.003"], ["5", "0.002"]]);
});

Deno.test("VWAP without a configured profile weights its buckets by the volume seen at those minutes before", () => {
  const day = 1440;
  const run = new AlgoSession({
    [day]: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "vwap", durationSecs: 120, participation: 1 },
    },
  });
  // Yesterday minutes 1 and 2 traded 1 and 3; the rest of the day nothing.
  run.bar([100, 100, 100, 100, 0]);
  run.bar([100, 100, 100, 100, 1]);
  run.bar([100, 100, 100, 100, 3]);
  run.flat(day - 2, 100, 0);
  run.flat(4, 100, 10);
  const [parent] = run.session.algorithms.parents();
  assert.ok("targets" in parent);
  assert.deepEqual((parent as unknown as { targets: number[] }).targets, [0.25, 1]);
  assert.equal(parent.status, "completed");
});
