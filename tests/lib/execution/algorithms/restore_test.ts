import assert from "node:assert/strict";
import { decimal, type Order, ZERO } from "../../../../lib/domain/mod.ts";
import type { AlgorithmsSnapshot, OmsSnapshot } from "../../../../lib/execution/mod.ts";
import { knownReport } from "../../../../lib/portfolio/mod.ts";
import { AlgoSession, type Bar, BTC, M, T0 } from "./_algo_session.ts";

type Script = ConstructorParameters<typeof AlgoSession>[0];

/** What a restarted process gets: the OMS's and the algorithms' snapshots, through JSON. */
function persisted(run: AlgoSession): { oms: OmsSnapshot; algorithms: AlgorithmsSnapshot } {
  return JSON.parse(JSON.stringify({
    oms: run.session.oms.snapshot(),
    algorithms: run.session.algorithms.snapshot(),
  }));
}

/** A fresh session from `run`'s snapshot and position, starting at its next bar. */
function restarted(script: Script, run: AlgoSession): AlgoSession {
  const state = persisted(run);
  const next = new AlgoSession(script, { startBar: run.index });
  // The fresh simulated venue numbers its trades from sim-1 again (a real venue's trade ids
  // never repeat): the remembered ids of the old venue's fills would make the new ones
  // look like replays.
  next.session.oms.restore({ ...state.oms, tradeIds: [] });
  next.session.algorithms.restore(state.algorithms);
  const position = run.session.portfolio.position(BTC.symbol);
  next.session.reconcile(
    knownReport([{
      symbol: BTC.symbol,
      quantity: position.quantity,
      entryPrice: position.entryPrice,
    }]),
    knownReport([{ currency: "USDT", total: decimal(1_000_000) }]),
  );
  return next;
}

const sent = (runs: AlgoSession[]): string[] =>
  runs.flatMap((r) => r.children()).map((o) =>
    `${o.request.clientOrderId} ${(o.createdTs - T0) / M} ${o.request.quantity} ${o.status}`
  );

const TWAP_SCRIPT: Script = {
  0: { kind: "enter-long", confidence: 1, hint: { kind: "twap", durationSecs: 600, slices: 5 } },
};

Deno.test("restore mid-TWAP from a backtest snapshot: the same children as an uninterrupted run, none twice", () => {
  const whole = new AlgoSession(TWAP_SCRIPT);
  whole.flat(12);

  const first = new AlgoSession(TWAP_SCRIPT);
  first.flat(4); // two slices filled, the third is due at the close of bar 4
  const second = restarted(TWAP_SCRIPT, first);
  second.flat(8);
  assert.deepEqual(sent([first, second]), sent([whole]));
  assert.equal(sent([whole]).length, 5);
  const [parent] = second.session.algorithms.parents();
  assert.equal(parent.status, "completed");
  assert.equal(second.session.portfolio.position(BTC.symbol).quantity.toString(), "0.01");
});

Deno.test("restore mid-TWAP with a child in flight: its late report is booked, the slice is not sent again", () => {
  const first = new AlgoSession(TWAP_SCRIPT);
  first.flat(3); // the second slice's child was sent at this close and has no answer yet
  const state = persisted(first);
  const [working] = state.algorithms.parents[0].working;
  assert.ok(working !== undefined);
  const second = restarted(TWAP_SCRIPT, first);
  // The venue answers the child sent before the restart (as a live venue's stream would).
  const request = state.oms.orders.find((o) => o.request.clientOrderId === working.id)?.request;
  assert.ok(request !== undefined);
  const ts = T0 + 3 * M;
  const order: Order = {
    id: "v-late",
    request: {
      ...request,
      symbol: BTC.symbol,
      quantity: decimal(request.quantity),
      price: undefined,
      triggerPrice: undefined,
    },
    status: "filled",
    filledQuantity: decimal(request.quantity),
    averagePrice: decimal(100),
    createdTs: ts,
    updatedTs: ts,
  };
  second.session.engine.process({ kind: "order-update", ts, tsRecv: ts, order });
  second.session.engine.process({
    kind: "fill",
    ts,
    tsRecv: ts,
    fill: {
      orderId: "v-late",
      clientOrderId: working.id,
      symbol: BTC.symbol,
      side: "buy",
      price: decimal(100),
      quantity: decimal(request.quantity),
      fee: ZERO,
      feeCurrency: "USDT",
      liquidity: "taker",
      tradeId: "late-1",
    },
  });
  second.flat(9);
  const ids = sent([first, second]).map((line) => line.split(" ")[0]);
  assert.equal(new Set(ids).size, ids.length, "no child id twice");
  const parent = second.session.algorithms.parents()[0];
  assert.equal(parent.children, 5);
  assert.equal(parent.status, "completed");
  assert.equal(parent.filledLots, 10);
});

const TRAIL_SCRIPT: Script = {
  0: { kind: "enter-long", confidence: 1 },
  2: { kind: "exit-long", confidence: 1, hint: { kind: "trailing-stop", callbackRate: 1 } },
};
const TRAIL_BARS: readonly Bar[] = [
  [100, 100, 100, 100, 1],
  [100, 100, 100, 100, 1],
  [100, 100, 100, 100, 1],
  [100, 106, 100, 105.5, 1], // high-water 106, stop 104.94
  [105.5, 105.6, 105, 105.2, 1],
  [105.2, 105.3, 104.9, 105, 1], // 104.9 ≤ 104.94: the exit goes at this close
  [105, 105, 105, 105, 1],
  [105, 105, 105, 105, 1],
];

Deno.test("restore mid-trailing-stop: the high-water mark survives and the exit is sent once, on the same bar", () => {
  const whole = new AlgoSession(TRAIL_SCRIPT);
  for (const bar of TRAIL_BARS) whole.bar(bar);

  const first = new AlgoSession(TRAIL_SCRIPT);
  for (const bar of TRAIL_BARS.slice(0, 5)) first.bar(bar);
  const state = persisted(first);
  assert.deepEqual(state.algorithms.parents[0].extra, { armed: true, best: 106, triggered: false });
  const second = restarted(TRAIL_SCRIPT, first);
  for (const bar of TRAIL_BARS.slice(5)) second.bar(bar);

  assert.deepEqual(sent([first, second]), sent([whole]));
  assert.equal(sent([whole]).length, 1);
  assert.match(sent([whole])[0], / 6 0\.01 filled$/);
  assert.equal(second.session.portfolio.position(BTC.symbol).quantity.toString(), "0");
});

Deno.test("algorithms restore refuses another version and a second restore after a parent started", () => {
  const run = new AlgoSession(TWAP_SCRIPT);
  assert.throws(
    () =>
      run.session.algorithms.restore(
        { version: 2, parents: [], profiles: {} } as unknown as AlgorithmsSnapshot,
      ),
    /algorithms snapshot version 2 is not supported \(1 is\)/,
  );
  run.flat(2);
  assert.throws(
    () => run.session.algorithms.restore({ version: 1, parents: [], profiles: {} }),
    /algorithms restore must come before any parent/,
  );
});
