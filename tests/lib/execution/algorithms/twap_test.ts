import assert from "node:assert/strict";
import { twapSchedule } from "../../../../lib/execution/mod.ts";
import { AlgoSession, BTC, M, T0 } from "./_algo_session.ts";

const TWAP = { kind: "twap", durationSecs: 600, slices: 5 } as const;

Deno.test("TWAP sends its slices evenly over the duration, each filled on the next 1m bar", () => {
  const run = new AlgoSession({ 0: { kind: "enter-long", confidence: 1, hint: TWAP } });
  run.flat(12);
  const children = run.children();
  assert.deepEqual(
    children.map((
      o,
    ) => [o.createdTs - T0, o.request.quantity.toString(), o.request.type, o.status]),
    [
      [1 * M, "0.002", "market", "filled"],
      [3 * M, "0.002", "market", "filled"],
      [5 * M, "0.002", "market", "filled"],
      [7 * M, "0.002", "market", "filled"],
      [9 * M, "0.002", "market", "filled"],
    ],
  );
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "completed");
  assert.equal(parent.children, 5);
  assert.equal(run.session.portfolio.position(BTC.symbol).quantity.toString(), "0.01");
  // Every child names the parent; the parent id came from the OMS's own id series.
  for (const child of children) {
    assert.equal(run.session.algorithms.parentOf(child.request.clientOrderId), parent.parent.id);
  }
  assert.match(parent.parent.id, /^algo_test-/);
});

Deno.test("TWAP with seeded randomization: same seed same schedule, sizes add up, times stay near their slot", () => {
  const hint = { ...TWAP, slices: 10, randomize: 0.5, seed: 7 };
  const a = twapSchedule(hint, 100, T0);
  const b = twapSchedule(hint, 100, T0);
  const c = twapSchedule({ ...hint, seed: 8 }, 100, T0);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(a.reduce((s, x) => s + x.lots, 0), 100);
  assert.ok(a.some((x) => x.lots !== 10), "sizes are jittered");
  assert.equal(a[0].at, T0);
  const span = 60_000_000;
  a.forEach((slice, i) => assert.ok(Math.abs(slice.at - (T0 + i * span)) <= 0.25 * span + 1));
  // Without randomization the plan is exact.
  assert.deepEqual(
    twapSchedule(TWAP, 10, T0).map((s) => [s.at - T0, s.lots]),
    [[0, 2], [120 * 1e6, 2], [240 * 1e6, 2], [360 * 1e6, 2], [480 * 1e6, 2]],
  );
});

Deno.test("TWAP with a limit price rests its children and cancels what is left at the end (shortfall)", () => {
  const run = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: { ...TWAP, price: 99 } },
  });
  // Bars 1–4 reach 99 (each resting child fills), then the market leaves for good.
  for (let i = 0; i < 4; i++) run.bar([100, 100, 98.5, 100, 1_000]);
  run.flat(10, 105);
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "expired");
  assert.equal(parent.filledLots, 4);
  const children = run.children();
  assert.deepEqual(children.map((o) => [o.request.type, o.request.price?.toString(), o.status]), [
    ["limit", "99", "filled"],
    ["limit", "99", "filled"],
    // Each later slice rests its own child beside the unfilled one.
    ["limit", "99", "canceled"],
    ["limit", "99", "canceled"],
    ["limit", "99", "canceled"],
  ]);
  const quality = run.session.algorithms.quality()[0];
  assert.equal(quality.filled, 0.004);
  assert.equal(quality.timeToCompleteSecs, 600);
});

Deno.test("TWAP finishes early when its parent is cancelled: no child after the cancel", () => {
  const run = new AlgoSession({ 0: { kind: "enter-long", confidence: 1, hint: TWAP } });
  run.flat(4);
  const [parent] = run.session.algorithms.parents();
  run.session.oms.cancelOrder(BTC.symbol, parent.parent.id);
  run.flat(10);
  assert.equal(parent.status, "canceled");
  assert.equal(parent.reason, "cancelled by request");
  assert.equal(run.children().length, 2);
  assert.equal(run.session.portfolio.position(BTC.symbol).quantity.toString(), "0.004");
});

Deno.test("TWAP is replaced by a new signal for its symbol (an exit cancels the entry's parent)", () => {
  const run = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: TWAP },
    4: { kind: "exit-long", confidence: 1 },
  });
  run.flat(12);
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "canceled");
  assert.equal(parent.reason, "a new signal replaced it");
  assert.equal(run.children().length, 3);
  assert.equal(run.session.portfolio.position(BTC.symbol).quantity.toString(), "0");
});

Deno.test("a repeated entry signal while a TWAP works does not start a second parent", () => {
  const run = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: TWAP },
    2: { kind: "enter-long", confidence: 1, hint: TWAP },
  });
  run.flat(12);
  assert.equal(run.session.algorithms.parents().length, 1);
  assert.equal(run.session.portfolio.position(BTC.symbol).quantity.toString(), "0.01");
});

Deno.test("an algorithm hint with a bad parameter is refused with a clear message", () => {
  const run = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: { ...TWAP, randomize: 2 } },
  });
  const refusals: string[] = [];
  run.session.engine.bus.subscribe("refusal", (e) => refusals.push(e.refusal.message));
  run.flat(3);
  assert.deepEqual(refusals, [
    "bybit:BTCUSDT: twap hint: randomize must be in [0, 1], got 2",
  ]);
  assert.equal(run.session.algorithms.parents().length, 0);
  assert.equal(run.session.reportParts().rejections["unsupported-hint"], 1);
});
