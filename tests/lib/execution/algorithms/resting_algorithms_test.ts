import assert from "node:assert/strict";
import { AlgoSession, BTC, M, T0 } from "./_algo_session.ts";

const view = (run: AlgoSession): (string | undefined)[][] =>
  run.children().map((o) => [
    String((o.createdTs - T0) / M),
    o.request.side,
    o.request.type,
    o.request.quantity.toString(),
    o.request.price?.toString(),
    o.status,
  ]);

Deno.test("Iceberg shows one display slice at a time and refills it as it fills", () => {
  const run = new AlgoSession({
    0: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "iceberg", price: 99, displayQuantity: 0.004 },
    },
  });
  run.flat(1); // the first slice rests at 99
  run.bar([100, 100, 98, 99.5, 1_000]); // reaches 99: the slice fills and the refill joins the bar
  run.flat(2);
  run.bar([100, 100, 98, 99.5, 1_000]);
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "completed");
  const children = run.children();
  assert.deepEqual(
    children.map((o) => [o.request.quantity.toString(), o.request.price?.toString()]),
    [
      ["0.004", "99"],
      ["0.004", "99"],
      ["0.002", "99"],
    ],
  );
  // Never more than one slice open: each was sent once the one before had filled.
  for (let i = 1; i < children.length; i++) {
    assert.ok(children[i].createdTs >= children[i - 1].updatedTs);
  }
});

Deno.test("Sniper waits for its price, then takes it with an IOC limit; it gives up after the timeout", () => {
  const hit = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: { kind: "sniper", price: 95, timeoutSecs: 600 } },
  });
  hit.flat(3);
  hit.flat(1, 94.5); // the close offers 94.5 ≤ 95: sweep at 95 on the next bar
  hit.flat(2, 94.5);
  assert.deepEqual(view(hit), [["4", "buy", "limit", "0.01", "95", "filled"]]);
  assert.equal(hit.session.fills[0].fill.price.toString(), "94.5");
  assert.equal(hit.session.algorithms.parents()[0].status, "completed");

  const miss = new AlgoSession({
    0: { kind: "enter-long", confidence: 1, hint: { kind: "sniper", price: 95, timeoutSecs: 300 } },
  });
  miss.flat(8);
  const [parent] = miss.session.algorithms.parents();
  assert.equal(parent.status, "expired");
  assert.equal(parent.reason, "the target 95 was not reached in 300 s");
  assert.equal(parent.endTs, T0 + M + 300_000_000);
  assert.equal(miss.children().length, 0);
});

Deno.test("TrailingStop tracks the high-water mark from its activation and exits on the callback", () => {
  const run = new AlgoSession({
    0: { kind: "enter-long", confidence: 1 },
    2: {
      kind: "exit-long",
      confidence: 1,
      hint: { kind: "trailing-stop", callbackRate: 1, activationPrice: 102 },
    },
  });
  run.flat(3);
  run.bar([100, 101.5, 100, 101, 1_000]); // below the activation: not armed
  const [parent] = run.session.algorithms.parents();
  assert.equal((parent as unknown as { armed: boolean }).armed, false);
  run.bar([101, 105, 101, 104.5, 1_000]); // arms at 102, high-water 105, stop 103.95
  assert.equal((parent as unknown as { highWater: number }).highWater, 105);
  run.bar([104.5, 104.8, 104, 104.2, 1_000]); // 104 > 103.95: holds
  assert.equal(run.children().length, 0);
  run.bar([104.2, 104.5, 103.9, 104.1, 1_000]); // 103.9 ≤ 103.95: exit at this close
  run.flat(1, 104);
  assert.deepEqual(view(run), [["7", "sell", "market", "0.01", undefined, "filled"]]);
  assert.equal(run.session.portfolio.position(BTC.symbol).quantity.toString(), "0");
  assert.equal(parent.status, "completed");
});

Deno.test("PeggedBest without amends (candle venue) chases the touch by cancel and replace", () => {
  const run = new AlgoSession({
    0: {
      kind: "enter-long",
      confidence: 1,
      hint: { kind: "pegged-best", offsetTicks: 1, refreshSecs: 60, minChaseDistance: 0.5 },
    },
  });
  run.flat(1, 100); // rests at 99.9
  run.bar([100.2, 100.3, 100.2, 100.3, 1_000]); // 0.4 away: stays
  run.bar([100.5, 101, 100.5, 101, 1_000]);
  // The refresh at this close (the timer fires before the bar's close is marked) still sees
  // 100.3; the next one sees 101, 1.0 away: the child is cancelled at the next open and
  // replaced at 100.9.
  run.flat(2, 101);
  run.bar([101, 101, 100.5, 100.8, 1_000]); // fills at 100.9
  const children = view(run);
  assert.deepEqual(children.map((c) => [c[4], c[5]]), [["99.9", "canceled"], ["100.9", "filled"]]);
  const [parent] = run.session.algorithms.parents();
  assert.equal(parent.status, "completed");
  assert.equal((parent as unknown as { moves: number }).moves, 1);
});
